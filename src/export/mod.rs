// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Writing indicators out: JSON Lines, CSV, a STIX 2.1 bundle, a plain value list, ECS
//! threat-indicator documents, a Zeek Intel file, and for enforcement points a Suricata
//! dataset, Suricata IP reputation, a Wazuh CDB list or a DNS response policy zone, one
//! file per format; [`write_file`] replaces a file only when the whole export is
//! written. `txt`, `csv` and `jsonl` can write values defanged ([`Options::defang`]).
//! Which indicators go out is [`fit`]'s choice (types, score, decay, `--max`); every
//! write says what it wrote, what the choice cut and what the format left out
//! ([`Written`]).

mod csv;
mod cut;
pub mod defang;
pub mod ecs;
pub mod fit;
mod jsonl;
pub mod lines;
pub mod rpz;
pub mod stix;
pub mod suricata_dataset;
pub mod suricata_iprep;
mod txt;
pub mod wazuh_cdb;
pub mod zeek_intel;

pub use self::csv::{csv_cell, csv_header};
pub use cut::{LeftOut, Written};
pub use stix::stix_pattern;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use jiff::Timestamp;
use serde::Serialize;

use crate::model::time::rfc3339;
use crate::model::{Enrichment, IndicatorType, Verdict, VtStats};
use crate::store::set::{Entry, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Spreadsheet-safe CSV with a header row.
    Csv,
    /// A STIX 2.1 bundle of indicator (and vulnerability) objects.
    Stix,
    /// Values only, one per line (a blocklist).
    Txt,
    /// Elastic Common Schema threat-indicator documents, one per line (for `_bulk`).
    Ecs,
    /// A Zeek Intel framework input file (tab-separated, `#fields` header).
    ZeekIntel,
    /// A Suricata dataset load file of one type (base64 strings, hashes or addresses).
    SuricataDataset,
    /// Suricata IP reputation: `ip,category,reputation` (and a categories file beside).
    SuricataIprep,
    /// A Wazuh CDB list: `key:value` lines.
    WazuhCdb,
    /// A DNS response policy zone (BIND, Unbound, Knot): NXDOMAIN for every trigger.
    Rpz,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Stix => "stix",
            Format::Txt => "txt",
            Format::Ecs => "ecs",
            Format::ZeekIntel => "zeek-intel",
            Format::SuricataDataset => "suricata-dataset",
            Format::SuricataIprep => "suricata-iprep",
            Format::WazuhCdb => "wazuh-cdb",
            Format::Rpz => "rpz",
        }
    }

    /// Whether `--defang` applies to this format.
    pub fn can_defang(self) -> bool {
        matches!(self, Format::Jsonl | Format::Csv | Format::Txt)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Stix => "json",
            Format::Txt => "txt",
            Format::Ecs => "ndjson",
            Format::ZeekIntel => "dat",
            Format::SuricataDataset => "lst",
            Format::SuricataIprep => "list",
            Format::WazuhCdb => "wazuh",
            Format::Rpz => "rpz",
        }
    }
}

/// How to write an export: the format, whether values are defanged, and what the
/// choice of indicators cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub format: Format,
    /// Write values as `hxxp://evil[.]example` (only `txt`, `csv`, `jsonl`; ignored
    /// by the other formats, whose readers need the real value).
    pub defang: bool,
    /// What [`fit::Fit::apply`] cut before these indicators were chosen, when there is
    /// something to say: written in the header of the formats that have comments
    /// (`rpz`, `suricata-iprep`) and given back in [`Written::selected`].
    pub selected: Option<fit::Cut>,
}

impl Options {
    /// `format`, not defanged, nothing said of the choice.
    pub fn new(format: Format) -> Self {
        Options {
            format,
            defang: false,
            selected: None,
        }
    }
}

impl From<Format> for Options {
    fn from(format: Format) -> Self {
        Options::new(format)
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <Format as clap::ValueEnum>::from_str(s, true)
    }
}

/// One indicator as exported: the merged view of every source's sighting, and apart
/// from it the look-up services' answers.
#[derive(Serialize)]
pub struct Record<'a> {
    #[serde(rename = "type")]
    pub kind: IndicatorType,
    pub value: &'a str,
    pub sources: Vec<&'a str>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub threat: Option<&'a str>,
    pub tags: Vec<&'a str>,
    /// The sources' own highest confidence, 0–100.
    pub confidence: Option<u8>,
    /// How far it is trusted now, 0–100 ([`crate::trust::score`]).
    pub score: u8,
    pub references: Vec<&'a str>,
    pub ports: Vec<u16>,
    /// The look-up services' answers about the value, by service name: its enrichment,
    /// apart from what the sources say (absent when no service was asked).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub enrichment: BTreeMap<&'a str, Answer<'a>>,
}

/// One service's answer as exported under `enrichment.<service>`: when it answered,
/// whether it knows the value, and its verdict (`virustotal`, `pulses`, `threat`,
/// `link`; see [`Verdict`]).
#[derive(Serialize, Debug, PartialEq)]
pub struct Answer<'a> {
    pub answered_at: String,
    pub known: bool,
    #[serde(flatten)]
    pub verdict: Option<&'a Verdict>,
}

impl<'a> Answer<'a> {
    fn new(e: &'a Enrichment) -> Self {
        Answer {
            answered_at: rfc3339(e.at),
            known: e.verdict.is_some(),
            verdict: e.verdict.as_ref(),
        }
    }
}

/// The answers about `e`'s value kept beside `store`, by service.
pub fn enrichment<'a>(store: &'a Store, e: &Entry) -> BTreeMap<&'a str, Answer<'a>> {
    store
        .enrichments()
        .of(e.kind, &e.value)
        .map(|a| (&*a.service, Answer::new(a)))
        .collect()
}

impl<'a> Record<'a> {
    pub fn new(store: &'a Store, e: &'a Entry) -> Self {
        Record {
            kind: e.kind,
            value: &e.value,
            sources: e.source_ids().map(|id| store.source_name(id)).collect(),
            first_seen: e.first_seen().map(rfc3339),
            last_seen: e.last_seen().map(rfc3339),
            threat: e.threat().map(|t| &**t),
            tags: e.tags().into_iter().map(|t| &**t).collect(),
            confidence: e.confidence(),
            score: e.score,
            references: e.references().into_iter().map(|t| &**t).collect(),
            ports: e.ports(),
            enrichment: enrichment(store, e),
        }
    }

    /// VirusTotal's counts, if a VirusTotal source answered and knows the value.
    pub fn virustotal(&self) -> Option<&VtStats> {
        self.enrichment
            .values()
            .find_map(|a| a.verdict?.virustotal.as_ref())
    }
}

/// Writes `entries` of `store` in `opts.format` (defanged with `opts.defang` where
/// that applies); says how many were written, and what the format left out.
///
/// # Errors
/// `out` cannot be written; a `suricata-dataset` export whose indicators would make
/// more than one dataset ([`io::ErrorKind::InvalidInput`], nothing written).
pub fn write<'a, W: Write>(
    opts: impl Into<Options>,
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
    now: Timestamp,
) -> io::Result<Written> {
    let opts = opts.into();
    let defang = opts.defang && opts.format.can_defang();
    let sel = opts.selected.as_ref();
    let entries: Vec<&Entry> = entries.collect();
    let all = entries.iter().copied();
    let mut written = match opts.format {
        Format::Jsonl => jsonl::write_jsonl(store, all, out, defang).map(Written::all),
        Format::Csv => self::csv::write_csv(store, all, out, defang).map(Written::all),
        Format::Stix => stix::write_stix(store, all, out, now).map(Written::all),
        Format::Txt => txt::write_txt(all, out, defang).map(Written::all),
        Format::Ecs => ecs::write_ecs(store, all, out, now).map(Written::all),
        Format::ZeekIntel => zeek_intel::write_zeek_intel(store, all, out).map(Written::all),
        Format::SuricataDataset => suricata_dataset::write_suricata_dataset(&entries, out),
        Format::SuricataIprep => suricata_iprep::write_suricata_iprep(&entries, sel, out, now),
        Format::WazuhCdb => wazuh_cdb::write_wazuh_cdb(&entries, out),
        Format::Rpz => rpz::write_rpz(&entries, sel, out, now),
    }?;
    written.selected = opts.selected;
    Ok(written)
}

/// Whether [`write_file`] may replace a file already at the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Replace it (`fetch -o`, or a replacement the analyst agreed to).
    Yes,
    /// Never: when a file is there at the end of the write, nothing is replaced and the
    /// error is [`io::ErrorKind::AlreadyExists`]. The check and the placing are one
    /// step (a hard link), so a file that appears while the export is written is kept.
    No,
}

/// The file `path` leads to: a symbolic link's target (which must exist), else `path`.
///
/// # Errors
/// Resolving a link fails (a dangling link: [`io::ErrorKind::NotFound`]).
pub fn real_target(path: &Path) -> io::Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

/// Writes to `path` through a temporary file in the same folder, put into place at the
/// end, so a reader never sees half an export. A path that names something other than
/// a regular file (`/dev/stdout`, `/dev/null`, a FIFO) is written straight through, and
/// a symbolic link is followed ([`real_target`]), never replaced. With [`Replace::No`],
/// a file already there is kept and the write fails with `AlreadyExists`. A
/// `suricata-iprep` export to a file also writes its categories file beside it
/// ([`suricata_iprep::write_categories`]), named in [`Written::notes`].
pub fn write_file<'a>(
    path: &Path,
    format: impl Into<Options>,
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    now: Timestamp,
    replace: Replace,
) -> io::Result<Written> {
    let format = format.into();
    let target = real_target(path)?;
    if std::fs::metadata(&target).is_ok_and(|m| !m.is_file()) {
        let f = std::fs::OpenOptions::new().write(true).open(&target)?;
        let mut w = write(format, store, entries, f, now)?;
        if format.format == Format::SuricataIprep {
            w.notes.push(format!(
                "no categories file beside a device; it holds: {}",
                suricata_iprep::CATEGORIES.trim_end()
            ));
        }
        return Ok(w);
    }
    let categories = if format.format == Format::SuricataIprep {
        Some(suricata_iprep::write_categories(&target, replace)?)
    } else {
        None
    };
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let f = create_new(&tmp)?;
        let mut w = write(format, store, entries, &f, now)?;
        f.sync_all()?;
        match replace {
            Replace::Yes => std::fs::rename(&tmp, &target)?,
            Replace::No => place_new(&tmp, &target)?,
        }
        if let Some(c) = &categories {
            w.notes.push(format!("categories file: {}", c.display()));
        }
        Ok(w)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Creates `tmp` anew: a leftover of a process with the same id, or a link planted
/// there, is removed first, so the export is never written through someone's link.
fn create_new(tmp: &Path) -> io::Result<std::fs::File> {
    let open = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(tmp)
    };
    match open() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(tmp)?;
            open()
        }
        other => other,
    }
}

/// Puts `tmp` at `target` only if nothing is there, in one step: a hard link fails
/// with `AlreadyExists` when a file is there. On a file system without hard links,
/// checks and renames.
fn place_new(tmp: &Path, target: &Path) -> io::Result<()> {
    match std::fs::hard_link(tmp, target) {
        Ok(()) => std::fs::remove_file(tmp),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if std::fs::symlink_metadata(target).is_ok() => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "a file is already there",
        )),
        Err(_) => std::fs::rename(tmp, target),
    }
}

#[cfg(test)]
mod cti_tests;
#[cfg(test)]
mod enforcement_tests;
#[cfg(test)]
mod tests;
