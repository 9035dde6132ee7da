// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem report`: a brief of the period, read from the store only (never the
//! network), written to standard output or `-o FILE` (in place, via a file beside it
//! renamed over it). Exit 0 when written; 2 with one line for a usage, config, store,
//! template or write error.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use super::{EXIT_OK, EXIT_USAGE, load_config, load_lists};
use crate::cli::ReportArgs;
use crate::model::sanitize::one_line;
use crate::report::read::{self, Query};
use crate::report::{Format, Paper, ReportWriter, Templates};
use crate::store::persist::Location;

/// The period when none is given: the last 7 days.
pub const DEFAULT_SINCE: &str = "7d";

/// The longest period a report covers: 400 days.
pub const MAX_PERIOD_SECS: i64 = 400 * 86_400;

pub fn run(config_path: Option<&Path>, no_cache: bool, args: &ReportArgs) -> u8 {
    match report(config_path, no_cache, args) {
        Ok(()) => EXIT_OK,
        Err(Failure::Said(code)) => code,
        Err(Failure::Line(e)) => {
            eprintln!("error: {}", one_line(&e, 400));
            EXIT_USAGE
        }
    }
}

enum Failure {
    /// Already said on stderr; exit with this code.
    Said(u8),
    Line(String),
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure::Line(s)
    }
}

/// The writer of `format`: one small dispatch.
fn writer(format: Format, paper: Paper) -> Box<dyn ReportWriter> {
    match format {
        Format::Md => Box::new(crate::report::md::Markdown),
        Format::Json => Box::new(crate::report::json::Json),
        Format::Html => Box::new(crate::report::html::Html),
        Format::Pdf => Box::new(crate::report::pdf::Pdf { paper }),
    }
}

/// The format asked for: `--format`, else the one `-o FILE`'s extension names (`.html`,
/// `.htm`, `.pdf`, `.md`, `.json`), else HTML.
pub fn format_of(args: &ReportArgs) -> Format {
    if let Some(f) = args.format {
        return f;
    }
    let ext = args
        .output
        .as_deref()
        .and_then(Path::extension)
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("pdf") => Format::Pdf,
        Some("md" | "markdown") => Format::Md,
        Some("json") => Format::Json,
        _ => Format::Html,
    }
}

fn report(config_path: Option<&Path>, no_cache: bool, args: &ReportArgs) -> Result<(), Failure> {
    // Days begin, and times are printed, in one zone that the report can name: the
    // system's when it has an IANA name, else UTC (a copied /etc/localtime or a POSIX
    // `TZ` has none, and a page saying "UTC" over local-midnight bars would mislead).
    let tz = Some(TimeZone::system())
        .filter(|z| z.iana_name().is_some())
        .unwrap_or(TimeZone::UTC);
    let now = Timestamp::now();
    let (from, to) = period(args, now, &tz)?;
    let format = format_of(args);
    if format == Format::Pdf && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(
            "report: a PDF is not written to a terminal: give -o FILE.pdf or redirect the output"
                .to_string()
                .into(),
        );
    }
    let writer = writer(format, args.paper);
    let templates = Templates::load(args.template.as_deref()).map_err(|e| e.to_string())?;
    let config = load_config(config_path).map_err(Failure::Said)?;
    for s in &args.sources {
        if !config.sources.iter().any(|c| c.name == *s) {
            return Err(
                format!("report: --source {s}: no source of that name in the config").into(),
            );
        }
    }
    if let Some(path) = &args.output {
        super::target::check(path)?;
    }
    let lists = load_lists(&config, true, true).map_err(Failure::Said)?;
    let location = Location::of(&config, no_cache);
    match &location {
        Location::None => {
            return Err("report: no store (--no-cache or `cache: { path: none }`): the report reads the store only".to_string().into());
        }
        Location::File(p) if !p.is_file() => {
            return Err(format!(
                "report: no store at {}: nothing was fetched yet",
                p.display()
            )
            .into());
        }
        // The report only reads: a file that is not a store is named and left as it is
        // (opening it as the cache would move it aside and start an empty one).
        Location::File(p) if !is_sqlite(p) => {
            return Err(format!(
                "report: {} is not a store (not an SQLite database); it is left untouched",
                p.display()
            )
            .into());
        }
        _ => {}
    }
    let (store, notes) = crate::store::persist::open_location(&location);
    let store = store.ok_or_else(|| format!("report: {}", notes.join("; ")))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let query = Query {
        from,
        to,
        sources: args.sources.clone(),
        sensors: args.sensors.clone(),
        time_zone: tz,
        lists: Arc::new(lists),
        now,
    };
    let brief = rt
        .block_on(read::brief(store.as_ref(), &config, &query))
        .map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    writer
        .write(&brief, &templates, &mut buf)
        .map_err(|e| e.to_string())?;
    match &args.output {
        Some(path) => {
            write_file(path, &buf).map_err(|e| format!("cannot write {}: {e}", path.display()))?
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&buf)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write to standard output: {e}"))?;
        }
    }
    Ok(())
}

/// Whether the file at `path` starts with SQLite's header (`SQLite format 3\0`, the
/// first 16 bytes of every database file: sqlite.org/fileformat.html §1.3).
fn is_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0_u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}

/// `[from, to)` from `--since` or `--from`/`--to` (default `--since 7d`).
fn period(
    args: &ReportArgs,
    now: Timestamp,
    tz: &TimeZone,
) -> Result<(Timestamp, Timestamp), String> {
    let (from, to) = match (&args.from, &args.to) {
        (Some(f), Some(t)) => (
            instant(f, tz, false).map_err(|e| format!("report: --from {e}"))?,
            instant(t, tz, true).map_err(|e| format!("report: --to {e}"))?,
        ),
        _ => {
            let since = args.since.as_deref().unwrap_or(DEFAULT_SINCE);
            let d = crate::config::units::HumanDuration::parse(since)
                .map_err(|e| format!("report: --since: {e}"))?
                .0;
            let d = SignedDuration::try_from(d).map_err(|e| format!("report: --since: {e}"))?;
            if d.is_zero() {
                return Err(format!("report: --since {since}: the period is empty"));
            }
            let from = now
                .checked_sub(d)
                .map_err(|_| format!("report: --since {since} is too long"))?;
            (from, now)
        }
    };
    if from >= to {
        return Err("report: the period is empty: --from must come before --to".into());
    }
    if to.as_second() - from.as_second() > MAX_PERIOD_SECS {
        return Err("report: the period is longer than 400 days".into());
    }
    Ok((from, to))
}

/// `YYYY-MM-DD` (midnight in `tz`; with `end`, the next midnight, so the day is
/// included) or an RFC 3339 time.
fn instant(s: &str, tz: &TimeZone, end: bool) -> Result<Timestamp, String> {
    let shown = one_line(s, 60);
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let date: jiff::civil::Date = s
        .parse()
        .map_err(|_| format!("{shown}: not a date (YYYY-MM-DD or RFC 3339)"))?;
    let date = if end {
        date.checked_add(1.day())
            .map_err(|_| format!("{shown}: out of range"))?
    } else {
        date
    };
    tz.to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .map_err(|e| format!("{shown}: {e}"))
}

/// Writes `bytes` to `path`: a file through a new file beside it renamed over it, a
/// device or pipe in place.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)?
            .write_all(bytes);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(since: Option<&str>, from: Option<&str>, to: Option<&str>) -> ReportArgs {
        ReportArgs {
            since: since.map(String::from),
            from: from.map(String::from),
            to: to.map(String::from),
            sources: Vec::new(),
            sensors: Vec::new(),
            format: Some(Format::Md),
            template: None,
            paper: crate::report::Paper::A4,
            output: None,
        }
    }

    #[test]
    fn the_format_comes_from_the_flag_then_the_file_name() {
        let with = |format: Option<Format>, out: Option<&str>| {
            let mut a = args(None, None, None);
            a.format = format;
            a.output = out.map(std::path::PathBuf::from);
            format_of(&a)
        };
        assert_eq!(with(None, None), Format::Html);
        assert_eq!(with(None, Some("b.PDF")), Format::Pdf);
        assert_eq!(with(None, Some("dir.md/b")), Format::Html);
        assert_eq!(with(None, Some("b.markdown")), Format::Md);
        assert_eq!(with(None, Some("b.json")), Format::Json);
        assert_eq!(with(Some(Format::Json), Some("b.pdf")), Format::Json);
    }

    #[test]
    fn periods_from_dates_durations_and_zones() {
        let now: Timestamp = "2026-11-30T12:00:00Z".parse().unwrap();
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let (f, t) = period(
            &args(None, Some("2026-11-01"), Some("2026-11-07")),
            now,
            &berlin,
        )
        .unwrap();
        assert_eq!(f.to_string(), "2026-10-31T23:00:00Z");
        assert_eq!(t.to_string(), "2026-11-07T23:00:00Z");
        let (f, t) = period(&args(Some("48h"), None, None), now, &TimeZone::UTC).unwrap();
        assert_eq!((f.to_string().as_str(), t), ("2026-11-28T12:00:00Z", now));
        let (f, _) = period(&args(None, None, None), now, &TimeZone::UTC).unwrap();
        assert_eq!(f.to_string(), "2026-11-23T12:00:00Z");
        let e = period(
            &args(None, Some("2026-13-01"), Some("2026-11-07")),
            now,
            &TimeZone::UTC,
        )
        .unwrap_err();
        assert!(e.contains("--from 2026-13-01: not a date"), "{e}");
        let e = period(
            &args(None, Some("2026-11-07"), Some("2026-11-01")),
            now,
            &TimeZone::UTC,
        )
        .unwrap_err();
        assert!(e.contains("empty"), "{e}");
        assert!(period(&args(Some("7x"), None, None), now, &TimeZone::UTC).is_err());
        let e = period(&args(Some("0d"), None, None), now, &TimeZone::UTC).unwrap_err();
        assert_eq!(e, "report: --since 0d: the period is empty");
    }
}
