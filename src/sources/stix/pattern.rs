// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The subset of the STIX 2.1 patterning language (STIX 2.1 §9) that names indicator
//! values outright: equality comparisons (`=`) of a string literal with one of the
//! object paths below, one per observation or several joined by `OR` (inside one
//! `[...]` or between observations), with parentheses for grouping:
//!
//! `ipv4-addr:value`, `ipv6-addr:value`, `domain-name:value`, `url:value`,
//! `email-addr:value`, `file:hashes.'MD5'`, `file:hashes.'SHA-1'`, `file:hashes.'SHA-256'`
//! (hash names quoted or not, `SHA1`/`SHA256` spellings too).
//!
//! Anything else is refused with a reason: `AND`, `FOLLOWEDBY`, qualifiers (`WITHIN`,
//! `REPEATS`, `START`/`STOP`), `NOT`, `MATCHES`, `LIKE` and other operators, other
//! object paths, non-string literals, and text that is not a pattern at all.

use crate::model::IndicatorType;

/// Why a pattern was not taken: a skip reason for [`crate::sources::SkipReason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Valid STIX (as far as read) outside the subset; names the construct.
    Unsupported(&'static str),
    /// Not a pattern this reader can read at all.
    Syntax,
}

/// Longest pattern read; longer ones are refused as unsupported.
pub const MAX_PATTERN: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    LParen,
    RParen,
    Str(String),
    /// A word: an object path, a keyword, a number, an operator.
    Word(String),
}

/// Reads a `'...'` literal starting after the opening quote; `\'` and `\\` escape.
fn read_quoted(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<String, Refused> {
    let mut s = String::new();
    loop {
        match chars.next() {
            None => return Err(Refused::Syntax),
            Some('\\') => match chars.next() {
                Some(c @ ('\'' | '\\')) => s.push(c),
                _ => return Err(Refused::Syntax),
            },
            Some('\'') => return Ok(s),
            Some(c) => s.push(c),
        }
    }
}

fn tokens(pattern: &str) -> Result<Vec<Tok>, Refused> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '[' | ']' | '(' | ')' => {
                chars.next();
                out.push(match c {
                    '[' => Tok::Open,
                    ']' => Tok::Close,
                    '(' => Tok::LParen,
                    _ => Tok::RParen,
                });
            }
            '\'' => {
                chars.next();
                out.push(Tok::Str(read_quoted(&mut chars)?));
            }
            '=' | '!' | '<' | '>' => {
                let mut op = String::new();
                while let Some(&c) = chars.peek().filter(|c| matches!(c, '=' | '!' | '<' | '>')) {
                    op.push(c);
                    chars.next();
                }
                out.push(Tok::Word(op));
            }
            _ => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.' | '*') {
                        w.push(c);
                        chars.next();
                        // A quoted path segment: `hashes.'SHA-256'`.
                        if c == '.' && chars.peek() == Some(&'\'') {
                            chars.next();
                            let seg = read_quoted(&mut chars)?;
                            w.push('\'');
                            w.push_str(&seg);
                            w.push('\'');
                        }
                    } else if c == '\'' && matches!(w.as_str(), "t" | "h" | "b") {
                        // A timestamp, hex or binary literal.
                        chars.next();
                        read_quoted(&mut chars)?;
                        w.push_str("''");
                        break;
                    } else {
                        break;
                    }
                }
                if w.is_empty() {
                    return Err(Refused::Syntax);
                }
                out.push(Tok::Word(w));
            }
        }
    }
    Ok(out)
}

/// The indicator type an object path names, if it is one of the subset's.
fn path_type(path: &str) -> Option<IndicatorType> {
    Some(match path {
        "ipv4-addr:value" => IndicatorType::Ipv4,
        "ipv6-addr:value" => IndicatorType::Ipv6,
        "domain-name:value" => IndicatorType::Domain,
        "url:value" => IndicatorType::Url,
        "email-addr:value" => IndicatorType::Email,
        "file:hashes.'MD5'" | "file:hashes.MD5" => IndicatorType::Md5,
        "file:hashes.'SHA-1'" | "file:hashes.SHA1" | "file:hashes.'SHA1'" => IndicatorType::Sha1,
        "file:hashes.'SHA-256'" | "file:hashes.SHA256" | "file:hashes.'SHA256'" => {
            IndicatorType::Sha256
        }
        _ => return None,
    })
}

fn keyword_reason(w: &str) -> Option<Refused> {
    let r = match w.to_ascii_uppercase().as_str() {
        "AND" => "STIX pattern with AND",
        "FOLLOWEDBY" => "STIX pattern with FOLLOWEDBY",
        "WITHIN" | "REPEATS" | "START" | "STOP" | "TIMES" | "SECONDS" => {
            "STIX pattern with a qualifier"
        }
        "NOT" => "STIX pattern with NOT",
        "MATCHES" => "STIX pattern with MATCHES",
        "LIKE" | "IN" | "ISSUBSET" | "ISSUPERSET" | "!=" | "<" | ">" | "<=" | ">=" => {
            "STIX pattern operator other than ="
        }
        _ => return None,
    };
    Some(Refused::Unsupported(r))
}

/// The `(type, value)` pairs a pattern names, in order, when it is in the subset.
///
/// # Errors
/// [`Refused`] with the first construct outside the subset, or [`Refused::Syntax`].
pub fn parse(pattern: &str) -> Result<Vec<(IndicatorType, String)>, Refused> {
    if pattern.len() > MAX_PATTERN {
        return Err(Refused::Unsupported("STIX pattern too long"));
    }
    let toks = tokens(pattern)?;
    // Constructs outside the subset are named before the structure is checked, so a
    // complex but valid pattern is counted by what makes it complex.
    for t in &toks {
        if let Tok::Word(w) = t
            && let Some(r) = keyword_reason(w)
        {
            return Err(r);
        }
    }
    let mut out = Vec::new();
    let mut depth_paren = 0usize;
    let mut in_obs = false;
    // What may come next: a term (observation/comparison start) or a joiner (`OR`, close).
    let mut want_term = true;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::LParen if want_term => depth_paren += 1,
            Tok::RParen if !want_term && depth_paren > 0 => depth_paren -= 1,
            Tok::Open if want_term && !in_obs => in_obs = true,
            Tok::Close if !want_term && in_obs => in_obs = false,
            Tok::Word(w) if !want_term && w.eq_ignore_ascii_case("OR") => want_term = true,
            Tok::Word(path) if want_term && in_obs => {
                let (Some(Tok::Word(op)), Some(lit)) = (toks.get(i + 1), toks.get(i + 2)) else {
                    return Err(Refused::Syntax);
                };
                if op != "=" {
                    return Err(Refused::Syntax);
                }
                let value = match lit {
                    Tok::Str(v) => v,
                    Tok::Word(_) => {
                        return Err(Refused::Unsupported(
                            "STIX pattern with a non-string literal",
                        ));
                    }
                    _ => return Err(Refused::Syntax),
                };
                let kind = path_type(path)
                    .ok_or(Refused::Unsupported("STIX pattern on another object path"))?;
                out.push((kind, value.clone()));
                want_term = false;
                i += 3;
                continue;
            }
            _ => return Err(Refused::Syntax),
        }
        if matches!(toks[i], Tok::Close | Tok::RParen) {
            want_term = false;
        }
        i += 1;
    }
    if want_term || in_obs || depth_paren != 0 || out.is_empty() {
        return Err(Refused::Syntax);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use IndicatorType::*;

    fn ok(p: &str) -> Vec<(IndicatorType, String)> {
        parse(p).unwrap_or_else(|e| panic!("{p}: {e:?}"))
    }

    #[test]
    fn each_path_and_or_forms_are_taken() {
        assert_eq!(
            ok("[ipv4-addr:value = '192.0.2.1']"),
            [(Ipv4, "192.0.2.1".into())]
        );
        assert_eq!(ok("[ipv6-addr:value='2001:db8::1']")[0].0, Ipv6);
        assert_eq!(ok("[domain-name:value = 'evil.example']")[0].0, Domain);
        assert_eq!(
            ok("[url:value = 'http://x.example/a?b=\\'c\\'']")[0].1,
            "http://x.example/a?b='c'"
        );
        assert_eq!(ok("[email-addr:value = 'a@b.example']")[0].0, Email);
        assert_eq!(ok("[file:hashes.'MD5' = 'aa']")[0].0, Md5);
        assert_eq!(ok("[file:hashes.'SHA-1' = 'aa']")[0].0, Sha1);
        assert_eq!(ok("[file:hashes.SHA256 = 'aa']")[0].0, Sha256);
        let or = ok("[domain-name:value = 'a.example' OR domain-name:value = 'b.example']");
        assert_eq!(or.len(), 2);
        let obs_or = ok(
            "([ipv4-addr:value = '192.0.2.1'] OR [url:value = 'http://u.example/']) or [file:hashes.'SHA-256' = 'ff']",
        );
        assert_eq!(obs_or.len(), 3);
    }

    #[test]
    fn everything_else_is_refused_by_reason() {
        let r = |p: &str| parse(p).unwrap_err();
        let u = Refused::Unsupported;
        assert_eq!(
            r("[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '1.2.3.5']"),
            u("STIX pattern with AND")
        );
        assert_eq!(
            r("[a:b = 'x'] FOLLOWEDBY [c:d = 'y']"),
            u("STIX pattern with FOLLOWEDBY")
        );
        assert_eq!(
            r("[ipv4-addr:value = '1.2.3.4'] WITHIN 300 SECONDS"),
            u("STIX pattern with a qualifier")
        );
        assert_eq!(
            r(
                "[ipv4-addr:value = '1.2.3.4'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'"
            ),
            u("STIX pattern with a qualifier")
        );
        assert_eq!(
            r("[url:value MATCHES '^http']"),
            u("STIX pattern with MATCHES")
        );
        assert_eq!(
            r("[domain-name:value LIKE '%.example']"),
            u("STIX pattern operator other than =")
        );
        assert_eq!(
            r("[ipv4-addr:value != '1.2.3.4']"),
            u("STIX pattern operator other than =")
        );
        assert_eq!(
            r("[mutex:name = 'x']"),
            u("STIX pattern on another object path")
        );
        assert_eq!(
            r("[file:size = 12]"),
            u("STIX pattern with a non-string literal")
        );
        for bad in [
            "",
            "[",
            "]",
            "[ipv4-addr:value = ]",
            "ipv4-addr:value = 'x'",
            "[url:value = 'x'",
            "[[url:value = 'x']]",
            "[url:value = 'x'] OR",
            "('",
            "[url:value = 'x'] [url:value = 'y']",
        ] {
            assert_eq!(parse(bad), Err(Refused::Syntax), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn exported_patterns_read_back_and_nothing_panics(
            value in "[ -~\u{e9}\u{202e}]{1,40}",
            noise in "[\\[\\]()' =:a-zA-Z.\\-]{0,60}",
            k in 0usize..8,
        ) {
            let kinds = [Ipv4, Ipv6, Domain, Url, Md5, Sha1, Sha256, Email];
            let written = crate::export::stix_pattern(kinds[k], &value).unwrap();
            proptest::prop_assert_eq!(parse(&written), Ok(vec![(kinds[k], value.clone())]));
            let _ = parse(&noise);
        }
    }
}
