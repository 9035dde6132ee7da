// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The generic extractor for free text (FORMATS-LOGS.md §5): URLs, IPv4 and IPv6
//! addresses (an `ip:port` gives the address), domains with an alphabetic top-level
//! label that is not a common file extension, MD5/SHA-1/SHA-256 hex runs, and e-mail
//! addresses — also inside a URL's path, query and fragment (a digest in a download
//! path) and on either side of a `label:value` colon (`md5:<hex>`). Defanged text (`hxxp`, `[.]`, `(.)`, `{.}`, `[dot]`, `[:]`, `[://]`, `[@]`,
//! `[at]`) is refanged first. It does not fire on version strings (`1.2.3.4.5`,
//! `nginx/1.24.0.1`), file names (`update.exe`), MAC addresses, certificate serials,
//! times or `::` in code. Every value is a slice of the refanged line.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use super::{Event, ValueKind};

/// Top-level labels that are far more often file extensions than domains in logs.
const FILE_EXTENSIONS: &[&str] = &[
    "exe", "dll", "sys", "bat", "cmd", "ps1", "vbs", "js", "jar", "zip", "rar", "gz", "tgz", "bz2",
    "xz", "7z", "tar", "iso", "img", "bin", "dat", "tmp", "log", "txt", "md", "json", "xml", "yml",
    "yaml", "ini", "cfg", "conf", "sh", "py", "pl", "rb", "php", "asp", "aspx", "jsp", "html",
    "htm", "css", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "png", "jpg", "jpeg",
    "gif", "svg", "mov", "mp4", "mp3", "so", "rs", "go", "java", "class", "lock", "pid", "sock",
    "service", "socket", "timer", "mount", "deb", "rpm", "msi", "lnk", "db", "sqlite", "bak",
    "old", "swp", "err", "out",
];

/// The line with defanging undone; borrowed when there was none.
pub fn refang_text(line: &str) -> Cow<'_, str> {
    let has_bracket = memchr::memchr3(b'[', b'(', b'{', line.as_bytes()).is_some();
    let has_hxxp = line
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"hxxp"));
    if !has_bracket && !has_hxxp {
        return Cow::Borrowed(line);
    }
    const PATTERNS: [(&str, &str); 10] = [
        ("[://]", "://"),
        ("[dot]", "."),
        ("(dot)", "."),
        ("[at]", "@"),
        ("[.]", "."),
        ("(.)", "."),
        ("{.}", "."),
        ("[:]", ":"),
        ("[@]", "@"),
        ("hxxp", "http"),
    ];
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    'outer: while !rest.is_empty() {
        for (from, to) in PATTERNS {
            if rest
                .get(..from.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(from))
            {
                out.push_str(to);
                rest = &rest[from.len()..];
                continue 'outer;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    Cow::Owned(out)
}

fn is_sep(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '|' | '`' | ',' | ';')
}

fn is_sub_sep(c: char) -> bool {
    matches!(
        c,
        '=' | '(' | ')' | '[' | ']' | '{' | '}' | '/' | '\\' | '*' | '!' | '?' | '&' | '+'
    )
}

fn trim_punct(s: &str) -> &str {
    let s = s.trim_matches(|c: char| matches!(c, '.' | ',' | ';' | '!' | '?' | '-' | '_'));
    match s.strip_suffix(':') {
        Some(t) if !t.ends_with(':') => t,
        _ => s,
    }
}

/// Calls `f` with each value found in `text` (already refanged), its kind and ECS field.
pub fn scan<'a>(text: &'a str, mut f: impl FnMut(&'static str, &'a str, ValueKind)) {
    for token in text.split(is_sep).filter(|t| !t.is_empty()) {
        if let Some(at) = token.find("://") {
            let start = token[..at]
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let url = token[start..].trim_end_matches(|c: char| {
                matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}')
            });
            if start < at && url.len() > at - start + 3 {
                f("url.original", url, ValueKind::Url);
            }
            // What the URL's path, query and fragment hold (a digest in a download
            // path, an address or a name in a query) is a value of its own.
            let rest = url.get(at - start + 3..).unwrap_or("");
            if let Some(p) = rest.find(['/', '?', '#']) {
                parts(&rest[p..], &mut f);
            }
            continue;
        }
        parts(token, &mut f);
    }
}

/// A token without separators made only of letters and `-`: a word before a version
/// number (`nginx/1.24.0.1`), not a value.
fn is_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
}

/// Classifies each part of `token` split at the sub-separators (`=`, `/`, brackets,
/// ...). A dotted quad right after `word/` is a version (`nginx/1.24.0.1`); after
/// `key=` it is a value (`SRC=192.0.2.9`).
fn parts<'a>(token: &'a str, f: &mut impl FnMut(&'static str, &'a str, ValueKind)) {
    let mut after_word = false;
    let mut start = 0;
    let cuts = token.char_indices().filter(|&(_, c)| is_sub_sep(c));
    for (end, sep) in cuts.chain(std::iter::once((token.len(), ' '))) {
        let sub = token.get(start..end).unwrap_or("");
        let trimmed = trim_punct(sub);
        if trimmed.len() >= 3 {
            classify(trimmed, after_word, f);
        }
        after_word = sep == '/' && is_word(sub);
        start = end + sep.len_utf8();
    }
}

fn classify<'a>(
    s: &'a str,
    after_word: bool,
    f: &mut impl FnMut(&'static str, &'a str, ValueKind),
) {
    let b = s.as_bytes();
    if let Some(at) = s.rfind('@') {
        let s2 = s.strip_prefix("mailto:").unwrap_or(s);
        let at2 = at - (s.len() - s2.len());
        let (local, dom) = (&s2[..at2], &s2[at2 + 1..]);
        if !local.is_empty()
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "._%+-".contains(c))
            && is_domain(dom)
        {
            f("user.email", s2, ValueKind::Email);
        }
        return;
    }
    if matches!(b.len(), 32 | 40 | 64) && b.iter().all(u8::is_ascii_hexdigit) {
        f("related.hash", s, ValueKind::Hash);
        return;
    }
    if s.contains(':') {
        if is_ipv6(s) {
            f("related.ip", s, ValueKind::Ip);
            return;
        }
        if let Some((host, port)) = s.rsplit_once(':')
            && !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|c| c.is_ascii_digit())
        {
            if is_ipv4(host) {
                f("related.ip", host, ValueKind::Ip);
            } else if is_domain(host) {
                f("related.hosts", host, ValueKind::Host);
            }
            return;
        }
        // `label:value` (`md5:<hex>`, `sha256:<hex>`, `from:host.example`): each part
        // by itself.
        let mut prev_word = false;
        for part in s.split(':') {
            let after_word = prev_word;
            prev_word = is_word(part);
            let part = trim_punct(part);
            if part.len() >= 3 {
                classify(part, after_word, f);
            }
        }
        return;
    }
    if b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
        if !after_word && is_ipv4(s) {
            f("related.ip", s, ValueKind::Ip);
        }
        return;
    }
    if is_domain(s) {
        f("related.hosts", s, ValueKind::Host);
    }
}

fn is_ipv4(s: &str) -> bool {
    s.split('.').count() == 4
        && s.split('.')
            .all(|o| !o.is_empty() && o.len() <= 3 && (o == "0" || !o.starts_with('0')))
        && Ipv4Addr::from_str(s).is_ok()
}

fn is_ipv6(s: &str) -> bool {
    if Ipv6Addr::from_str(s).is_err() {
        return false;
    }
    let groups: Vec<&str> = s.split(':').filter(|g| !g.is_empty()).collect();
    if groups.len() < 2 {
        return false;
    }
    // MAC-like colon-hex runs (serials, fingerprints) parse as 8 two-digit groups.
    s.contains("::") || !groups.iter().all(|g| g.len() == 2)
}

/// A host name with at least two labels and an alphabetic top-level label that is not
/// a common file extension.
pub fn is_domain(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.len() > 253 || !s.contains('.') {
        return false;
    }
    let labels_ok = s.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    });
    if !labels_ok {
        return false;
    }
    let tld = s.rsplit('.').next().unwrap_or("");
    let alpha = tld.len() >= 2 && tld.chars().all(char::is_alphabetic);
    let puny = tld.starts_with("xn--");
    (alpha || puny) && !FILE_EXTENSIONS.iter().any(|e| tld.eq_ignore_ascii_case(e))
}

/// Adds every value of `line` to `ev` (refanged; borrowed when nothing was defanged).
pub fn extract_into<'a>(line: &'a str, ev: &mut Event<'a>) {
    if ev.time.is_none() {
        ev.time = leading_time(line);
    }
    match refang_text(line) {
        Cow::Borrowed(b) => scan(b, |name, v, kind| ev.push(name, v, kind)),
        Cow::Owned(o) => scan(&o, |name, v, kind| ev.push(name, v.to_owned(), kind)),
    }
}

/// An RFC 3339 time that starts the line (`2026-04-05T19:32:29Z app: ...`, also in
/// `[...]`), as most applications write their own logs; `None` otherwise.
fn leading_time(line: &str) -> Option<super::EventTime<'_>> {
    let t = line.trim_start().trim_start_matches('[');
    let end = t.find([' ', '\t', ']']).unwrap_or(t.len());
    let token = &t[..end];
    let b = token.as_bytes();
    let iso = b.len() >= 20
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't')
        && b[13] == b':';
    iso.then_some(super::EventTime::Iso(Cow::Borrowed(token)))
}

/// The values of `line`, owned (for tests and tools).
pub fn values(line: &str) -> Vec<String> {
    let text = refang_text(line);
    let mut out = Vec::new();
    scan(&text, |_, v, _| out.push(v.to_owned()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_is_there_and_nothing_else() {
        let v = values("Failed password for root from 203.0.113.77 port 50122 ssh2");
        assert_eq!(v, ["203.0.113.77"]);
        let v =
            values("see hxxp://dl[.]bad[.]example/x and evil[.]example, mail phish[@]bad.example");
        assert_eq!(
            v,
            [
                "http://dl.bad.example/x",
                "evil.example",
                "phish@bad.example"
            ]
        );
        for quiet in [
            "version 1.2.3.4.5 of update.exe",
            "nginx/1.24.0.1 a1.2.3.4 1.3.6.1.4.1.2021.10",
            "mac 00:1a:2b:3c:4d:5e serial 0f:e9:73:75:20:22:a6:06 at 10:22:05",
            "std::string Errno::ENOENT org.apache.log4j 010.1.1.1",
            "image nginx:1.24.0.1 at 10:22:05.118 x:y:z",
        ] {
            assert!(values(quiet).is_empty(), "{quiet}: {:?}", values(quiet));
        }
        assert_eq!(
            values("conn 198.51.100.7:443 -> [2001:db8::5]:80"),
            ["198.51.100.7", "2001:db8::5"]
        );
        assert_eq!(
            values(&format!("sha256={}", "A".repeat(64))),
            ["A".repeat(64)]
        );
    }

    /// Values inside another token: a digest in a URL's path or query (VirusTotal-style
    /// report links, download paths) and after a `label:` (`MD5:<hex>`, as antivirus
    /// and sandbox logs write them).
    #[test]
    fn values_inside_urls_and_after_a_label_are_found() {
        let sha256 = "5e8a3c1b9d7f2a4e6c0b8d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c";
        let md5 = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
        let v = values(&format!(
            "see https://av.example/file/{sha256}/detection?md5={md5}&from=192.0.2.9 MD5:{md5} src:c2.bad.example"
        ));
        assert_eq!(
            v,
            [
                format!("https://av.example/file/{sha256}/detection?md5={md5}&from=192.0.2.9"),
                sha256.to_owned(),
                md5.to_owned(),
                "192.0.2.9".to_owned(),
                md5.to_owned(),
                "c2.bad.example".to_owned(),
            ]
        );
    }

    #[test]
    fn a_leading_rfc3339_time_is_the_events_time() {
        let mut ev = Event::new("text");
        extract_into(
            "2026-04-05T19:32:29Z app: failed login from 198.51.100.7",
            &mut ev,
        );
        assert_eq!(
            ev.time,
            Some(super::super::EventTime::Iso(Cow::Borrowed(
                "2026-04-05T19:32:29Z"
            )))
        );
        let mut ev = Event::new("text");
        extract_into("[2026-04-05T19:32:29.123+02:00] x", &mut ev);
        assert!(ev.time.is_some());
        for line in ["no time 198.51.100.7", "2026-04-05 19:32:29 x", "1234-56"] {
            let mut ev = Event::new("text");
            extract_into(line, &mut ev);
            assert_eq!(ev.time, None, "{line}");
        }
    }
}
