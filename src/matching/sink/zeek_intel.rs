// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A Zeek `intel.log` (FORMATS-LOGS.md §6; Zeek's `base/frameworks/intel/main.zeek`):
//! the ASCII writer's header, then one TSV row per (value, indicator): `ts uid
//! id.orig_h id.orig_p id.resp_h id.resp_p seen.indicator seen.indicator_type
//! seen.where seen.node matched sources fuid file_mime_type file_desc`, with the
//! `#fields` and `#types` lines of Zeek's own test baselines
//! (`testing/btest/Baseline/scripts.base.frameworks.intel.*/intel.log`).
//!
//! `uid`, `id.orig_p` and `id.resp_p` come from the event's connection where its log
//! names one (eve `src_port`/`dest_port`, Zeek `uid` and `id.*_p`), else `-`.
//!
//! `seen.where` is a Zeek `Intel::Where` location (`policy/frameworks/intel/seen/
//! where-locations.zeek`) chosen from the ECS field the value was seen in ([`where_of`]);
//! a URL is written without its scheme, as Zeek's `HTTP::build_url` gives it. Every
//! string from the log is sanitised (controls become `\xNN`, as Zeek's ASCII writer
//! escapes them), so a tab or newline in a value cannot break a row.

use std::io::{self, Write};

use super::AlertSink;
use crate::matching::alert::Alert;
use crate::model::IndicatorType;
use crate::model::sanitize::sanitize;

/// Writes `intel.log` rows to `W`, after its header.
#[derive(Debug)]
pub struct ZeekIntelSink<W> {
    out: W,
}

impl<W: Write + Send + Sync> ZeekIntelSink<W> {
    /// Writes the header to `out`. Errors: `out` cannot be written.
    pub fn new(mut out: W) -> io::Result<Self> {
        header(&mut out)?;
        Ok(ZeekIntelSink { out })
    }
}

impl<W: Write + Send + Sync> AlertSink for ZeekIntelSink<W> {
    type Part = Vec<u8>;

    fn add(&self, part: &mut Vec<u8>, alert: &Alert<'_>) {
        write_rows(part, alert);
    }

    fn deliver(&mut self, part: Vec<u8>) -> io::Result<()> {
        self.out.write_all(&part)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The `intel.log` header.
fn header(out: &mut impl Write) -> io::Result<()> {
    out.write_all(
        b"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tintel\n\
#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tseen.indicator\tseen.indicator_type\tseen.where\tseen.node\tmatched\tsources\tfuid\tfile_mime_type\tfile_desc\n\
#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tenum\tenum\tstring\tset[enum]\tset[string]\tstring\tstring\tstring\n",
    )
}

fn intel_type(kind: IndicatorType) -> &'static str {
    match kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => "Intel::ADDR",
        IndicatorType::Cidr => "Intel::SUBNET",
        IndicatorType::Domain => "Intel::DOMAIN",
        IndicatorType::Url => "Intel::URL",
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => "Intel::FILE_HASH",
        IndicatorType::Email => "Intel::EMAIL",
        IndicatorType::Cve => "Intel::SOFTWARE",
    }
}

/// Zeek's `Intel::Where` for a value seen in the ECS field `field` (the where-locations
/// of Zeek's `seen/*.zeek` scripts); `Intel::IN_ANYWHERE` for a field none of them
/// watches (free text, `related.*`).
pub fn where_of(field: &str) -> &'static str {
    match field {
        "source.ip" => "Conn::IN_ORIG",
        "destination.ip" => "Conn::IN_RESP",
        "url.full" | "url.original" => "HTTP::IN_URL",
        "url.domain" => "HTTP::IN_HOST_HEADER",
        "http.request.referrer" => "HTTP::IN_REFERRER_HEADER",
        "user_agent.original" => "HTTP::IN_USER_AGENT_HEADER",
        "dns.question.name" => "DNS::IN_REQUEST",
        "dns.answers.data" | "dns.answers.name" => "DNS::IN_RESPONSE",
        "tls.client.server_name" => "SSL::IN_SERVER_NAME",
        f if f.starts_with("tls.server.x509.") || f.starts_with("tls.server.hash.") => {
            "X509::IN_CERT"
        }
        f if f.starts_with("file.hash.") => "Files::IN_HASH",
        "file.name" => "Files::IN_NAME",
        "email.from.address" => "SMTP::IN_FROM",
        "email.to.address" => "SMTP::IN_TO",
        "email.cc.address" => "SMTP::IN_CC",
        "email.reply_to.address" => "SMTP::IN_REPLY_TO",
        "email.sender.address" | "email.sender.domain" => "SMTP::IN_MAIL_FROM",
        _ => "Intel::IN_ANYWHERE",
    }
}

/// `seen.indicator` as Zeek writes it: a URL without its scheme (`HTTP::build_url`,
/// "a complete URL without the prefix http://" in `Intel::URL`'s doc).
fn seen_value(kind: IndicatorType, atomic: &str) -> &str {
    if kind != IndicatorType::Url {
        return atomic;
    }
    match atomic.find("://") {
        Some(i)
            if atomic[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+') =>
        {
            &atomic[i + 3..]
        }
        _ => atomic,
    }
}

/// A TSV cell: sanitised (tabs and newlines become visible escapes), `-` when empty.
fn cell(s: &str) -> String {
    let clean = sanitize(s);
    if clean.is_empty() {
        "-".into()
    } else if clean == "-" {
        "\\x2d".into()
    } else {
        clean.into_owned()
    }
}

/// Appends the `intel.log` rows of one alert to `out`.
pub fn write_rows(out: &mut Vec<u8>, alert: &Alert<'_>) {
    let ts = alert.time;
    let ts = format!("{}.{:06}", ts.as_second(), ts.subsec_microsecond());
    let field = |name: &str| alert.field(name).map_or("-".to_owned(), cell);
    let (orig, resp) = (field("source.ip"), field("destination.ip"));
    let port = |p: Option<u16>| p.map_or("-".to_owned(), |p| p.to_string());
    let (orig_p, resp_p) = (
        port(alert.conn.source_port),
        port(alert.conn.destination_port),
    );
    let uid = alert.conn.uid.as_deref().map_or("-".to_owned(), cell);
    for hit in alert.hits() {
        let meta = hit.indicator;
        let seen_type = match meta.kind {
            IndicatorType::Cidr => "Intel::ADDR",
            k => intel_type(k),
        };
        let sources: Vec<String> = hit
            .sources()
            .map(|s| cell(&format!("intellisiem:{s}")).replace(',', "\\x2c"))
            .collect();
        let _ = writeln!(
            out,
            "{ts}\t{uid}\t{orig}\t{orig_p}\t{resp}\t{resp_p}\t{}\t{seen_type}\t{}\tintellisiem\t{}\t{}\t-\t-\t-",
            cell(seen_value(meta.kind, hit.atomic)),
            where_of(hit.field.name),
            intel_type(meta.kind),
            sources.join(","),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_locations_are_zeeks_and_urls_lose_their_scheme() {
        assert_eq!(where_of("source.ip"), "Conn::IN_ORIG");
        assert_eq!(where_of("tls.client.server_name"), "SSL::IN_SERVER_NAME");
        assert_eq!(
            where_of("tls.server.x509.alternative_names"),
            "X509::IN_CERT"
        );
        assert_eq!(where_of("file.hash.sha256"), "Files::IN_HASH");
        assert_eq!(where_of("email.sender.address"), "SMTP::IN_MAIL_FROM");
        assert_eq!(where_of("related.ip"), "Intel::IN_ANYWHERE");
        assert_eq!(where_of("message"), "Intel::IN_ANYWHERE");
        let url = IndicatorType::Url;
        assert_eq!(seen_value(url, "https://a.example/x"), "a.example/x");
        assert_eq!(
            seen_value(url, "a.example/x?u=http://b"),
            "a.example/x?u=http://b"
        );
        assert_eq!(
            seen_value(IndicatorType::Domain, "http://x"),
            "http://x",
            "only URLs"
        );
    }
}
