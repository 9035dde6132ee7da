// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A Zeek `intel.log` (FORMATS-LOGS.md §6; Zeek's `base/frameworks/intel/main.zeek`):
//! the ASCII writer's header, then one TSV row per (value, indicator): `ts uid
//! id.orig_h id.orig_p id.resp_h id.resp_p seen.indicator seen.indicator_type
//! seen.where seen.node matched sources fuid file_mime_type file_desc`. `seen.where`
//! holds the ECS field name; every string from the log is sanitised, so a tab or newline
//! in a value cannot break a row.

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
            "{ts}\t-\t{orig}\t-\t{resp}\t-\t{}\t{seen_type}\t{}\tintellisiem\t{}\t{}\t-\t-\t-",
            cell(hit.atomic),
            hit.field.name,
            intel_type(meta.kind),
            sources.join(","),
        );
    }
}
