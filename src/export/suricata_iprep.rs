// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Suricata IP reputation (Suricata user guide, "IP Reputation Format"), for the
//! `iprep` rule keyword: a reputation file of `<ip>,<category>,<reputation score>` lines
//! (an IPv4 or IPv6 address, or a network in CIDR notation; a score from 1 to 127) and a
//! categories file of `<id>,<short name>,<description>` lines.
//!
//! Every address is in one category, [`CATEGORY_ID`] `intellisiem`, with the indicator's
//! score (0–100, [`crate::trust::score`]; the `score` of its [`super::Record`]) as its
//! reputation ([`reputation`]). One fixed category keeps the two
//! files in step: Suricata reloads reputation files (on `SIGUSR2`) but reads the
//! categories file only at start-up, so numbering categories after what an export
//! holds would shift them under a running Suricata. The categories file is written
//! beside the reputation file ([`categories_path`]: `bad.list` → `bad.categories.txt`)
//! when the export is a file.
//!
//! The reputation file starts with `#` comments (Suricata skips lines that start with
//! `#`): when and what was written, and what was cut. Domains, URLs, hashes, e-mail
//! addresses and CVEs are cut, as is a network of prefix length 0 (the whole address
//! space).

use std::io::{self, Read, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use jiff::Timestamp;

use super::fit::Cut;
use super::{LeftOut, Replace, Written};
use crate::model::IndicatorType;
use crate::model::sanitize::one_line;
use crate::model::time::rfc3339;
use crate::store::set::Entry;

/// The one category's number.
pub const CATEGORY_ID: u8 = 1;
/// The one category's short name, as rules name it (`iprep:dst,intellisiem,>,60`).
pub const CATEGORY: &str = "intellisiem";
/// The categories file, whole.
pub const CATEGORIES: &str =
    "1,intellisiem,Indicators exported by IntelliSIEM (reputation from their score)\n";

/// Suricata's reputation for a score of 0–100: 1–127, in proportion, rounded (0 is
/// "no data" to Suricata, so a listed address has at least 1).
pub fn reputation(score: u8) -> u8 {
    let scaled = (u32::from(score.min(100)) * 127 + 50) / 100;
    u8::try_from(scaled).unwrap_or(127).max(1)
}

/// The address or network of `e` as the reputation file writes it; `Err` with why not.
pub fn address(e: &Entry) -> Result<String, &'static str> {
    let v = &*e.value;
    match e.kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => v
            .parse::<IpAddr>()
            .map(|a| a.to_string())
            .map_err(|_| "address (not an IP address)"),
        IndicatorType::Cidr => match v.parse::<IpNet>() {
            Ok(n) if n.prefix_len() == 0 => Err("cidr (prefix length 0: every address)"),
            Ok(n) => Ok(n.trunc().to_string()),
            Err(_) => Err("cidr (not a network)"),
        },
        IndicatorType::Domain => Err("domain (iprep holds addresses only)"),
        IndicatorType::Url => Err("url (iprep holds addresses only)"),
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => {
            Err("hash (iprep holds addresses only)")
        }
        IndicatorType::Email => Err("email (iprep holds addresses only)"),
        IndicatorType::Cve => Err("cve (iprep holds addresses only)"),
    }
}

/// Writes the reputation file of `entries`; its header says what `selected` (the choice
/// of indicators) cut, and what the file left out.
pub(super) fn write_suricata_iprep<W: Write>(
    entries: &[&Entry],
    selected: Option<&Cut>,
    out: W,
    now: Timestamp,
) -> io::Result<Written> {
    let mut cut = LeftOut::default();
    let mut body = Vec::with_capacity(entries.len() * 24);
    let mut written = 0;
    for e in entries {
        match address(e) {
            Ok(a) => {
                let rep = reputation(e.score);
                body.extend_from_slice(format!("{a},{CATEGORY_ID},{rep}\n").as_bytes());
                written += 1;
            }
            Err(why) => cut.add(why, 1),
        }
    }
    let mut w = io::BufWriter::new(out);
    writeln!(
        w,
        "# IntelliSIEM IP reputation for Suricata (iprep), written {}",
        rfc3339(now)
    )?;
    writeln!(
        w,
        "# {written} addresses in category {CATEGORY_ID} {CATEGORY}; reputation 1-127 from the score 0-100"
    )?;
    for line in selected.map(Cut::describe).into_iter().chain(cut.summary()) {
        writeln!(w, "# {}", one_line(&line, 2_000))?;
    }
    w.write_all(&body)?;
    w.flush()?;
    Ok(Written {
        count: written,
        left_out: cut,
        ..Written::default()
    })
}

/// The categories file beside the reputation file `target`: its name without the
/// extension, then `.categories.txt` (`bad.list` → `bad.categories.txt`; never `target`
/// itself, whose name would have to end in `.categories` twice).
pub fn categories_path(target: &Path) -> PathBuf {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!("{stem}.categories.txt"))
}

/// Writes [`CATEGORIES`] to the categories file beside `target` and gives its path. A
/// file there that already holds it is left as it is; one that holds something else is
/// replaced only with [`Replace::Yes`].
///
/// # Errors
/// With [`Replace::No`], a file there that holds something else (one line naming it);
/// the file cannot be written.
pub(super) fn write_categories(target: &Path, replace: Replace) -> io::Result<PathBuf> {
    let path = categories_path(target);
    let mut there = Vec::new();
    let same = std::fs::File::open(&path)
        .and_then(|f| f.take(CATEGORIES.len() as u64 + 1).read_to_end(&mut there))
        .is_ok_and(|_| there == CATEGORIES.as_bytes());
    if same {
        return Ok(path);
    }
    if replace == Replace::No && std::fs::symlink_metadata(&path).is_ok() {
        return Err(io::Error::other(format!(
            "{} is there and is not IntelliSIEM's categories file: move it, or choose another name",
            path.display()
        )));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = super::create_new(&tmp)?;
        f.write_all(CATEGORIES.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|()| path)
}
