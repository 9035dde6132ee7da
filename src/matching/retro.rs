// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Retro-hunt: re-reads a log's recent past for indicators new to the set, so an
//! indicator published today finds yesterday's connection. The window is either a
//! time (events at or after it; the whole file is read and older events dropped by
//! [`super::sink::HitSink`]) or the file's last bytes (read from the first line that
//! starts within them; a Zeek TSV file's header — its `#` lines, or the `tsv = T`
//! row of names — is read first so its rows can be understood).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use jiff::Timestamp;

use super::extract::{LogFormat, zeek};
use super::matcher::Matcher;
use super::scan::{self, ScanStats, Settings};
use super::sink::AlertSink;

/// How much of a log a retro-hunt reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Events at or after this time (filtered by the caller's sink).
    Since(Timestamp),
    /// The file's last this many bytes.
    LastBytes(u64),
}

/// Bytes read from a file's start to detect its format and find a Zeek header.
const HEAD: usize = 64 << 10;

/// Scans the `window` of `path` against `matcher`, handing alerts to `sink`. Errors:
/// the file cannot be read, or the sink's.
pub fn scan_window<S: AlertSink + ?Sized>(
    path: &Path,
    window: Window,
    log: LogFormat,
    matcher: &Matcher,
    sink: &mut S,
    stats: &mut ScanStats,
) -> io::Result<()> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut head = Vec::with_capacity(HEAD.min(len as usize));
    (&mut file).take(HEAD as u64).read_to_end(&mut head)?;
    // A head of blank lines decides nothing: the scan then decides from the first
    // lines that are not blank, as a follower does.
    let log = log.decide(&head).unwrap_or(LogFormat::Auto);
    let settings = Settings {
        log,
        threads: 1,
        read_ahead: true,
    };
    let shown = path.display().to_string();
    let start = match window {
        Window::Since(_) => 0,
        Window::LastBytes(n) => len.saturating_sub(n),
    };
    // The Zeek header: the `#` lines the file starts with, or its `tsv = T` row.
    let prefix: &[u8] = if log == LogFormat::Zeek {
        &head[..zeek::header_end(&head)]
    } else {
        &[]
    };
    if start <= prefix.len() as u64 {
        file.seek(SeekFrom::Start(0))?;
        scan::scan(matcher, BufReader::new(file), &shown, settings, sink, stats)?;
        return Ok(());
    }
    file.seek(SeekFrom::Start(start))?;
    let mut reader = BufReader::new(file);
    // Start at the first whole line within the window.
    let mut skipped = Vec::new();
    let partial = reader.read_until(b'\n', &mut skipped)? as u64;
    let from = start + partial;
    let input = io::Cursor::new(prefix).chain(reader);
    scan::scan_at(
        matcher,
        input,
        &shown,
        from - prefix.len() as u64,
        settings,
        sink,
        stats,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::sink::HitSink;
    use crate::matching::{MatchOptions, MatcherBuilder, Warninglists};
    use crate::model::{IndicatorType, LogHit, Origin};

    fn matcher(values: &[&str]) -> Matcher {
        let mut b = MatcherBuilder::new();
        let s = b.source("feodo");
        for v in values {
            b.add(
                IndicatorType::Ipv4,
                v,
                crate::matching::matcher::NewIndicator {
                    sources: &[s],
                    ..Default::default()
                },
            );
        }
        b.build(&Warninglists::none(), MatchOptions::default())
    }

    fn eve(ts: &str, dest: &str) -> String {
        format!(
            r#"{{"timestamp":"{ts}","event_type":"flow","src_ip":"10.0.0.1","src_port":1,"dest_ip":"{dest}","dest_port":443,"proto":"TCP"}}"#
        ) + "\n"
    }

    /// Scans the window, returning the offsets of the hits' lines.
    fn offsets(
        path: &Path,
        window: Window,
        m: &Matcher,
        st: &mut ScanStats,
    ) -> io::Result<Vec<u64>> {
        let mut got: Vec<LogHit> = Vec::new();
        let mut sink = HitSink::new(true, None, "", |h| got.extend(h));
        scan_window(path, window, LogFormat::Auto, m, &mut sink, st)?;
        drop(sink);
        Ok(got
            .iter()
            .filter_map(|h| match h.origin {
                Origin::File { offset, .. } => Some(offset),
                Origin::Stream { .. } => None,
            })
            .collect())
    }

    #[test]
    fn the_last_bytes_are_read_from_a_whole_line_with_true_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eve.json");
        let lines = [
            eve("2026-11-28T10:00:00.000000+0000", "45.0.0.3"),
            eve("2026-11-28T11:00:00.000000+0000", "45.0.0.4"),
            eve("2026-11-29T10:00:00.000000+0000", "45.0.0.3"),
        ];
        std::fs::write(&path, lines.concat()).unwrap();
        let m = matcher(&["45.0.0.3"]);
        let mut st = ScanStats::default();
        // A window that starts inside the second line.
        let n = (lines[2].len() + lines[1].len() / 2) as u64;
        let got = offsets(&path, Window::LastBytes(n), &m, &mut st).unwrap();
        assert_eq!(got, [(lines[0].len() + lines[1].len()) as u64]);
        assert_eq!(st.lines, 1, "the cut line is not read");
        let got = offsets(&path, Window::LastBytes(1 << 20), &m, &mut st).unwrap();
        assert_eq!(got.len(), 2, "a window larger than the file reads it all");
    }

    #[test]
    fn a_zeek_window_reads_the_header_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conn.log");
        let header = "#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\n#types\ttime\tstring\taddr\tport\taddr\tport\n";
        let row = |h: &str| format!("1764410400.0\tC1\t10.0.0.1\t1\t{h}\t443\n");
        let body = [row("45.0.0.9"), row("45.0.0.9"), row("45.0.0.3")].concat();
        std::fs::write(&path, format!("{header}{body}")).unwrap();
        let m = matcher(&["45.0.0.3", "45.0.0.9"]);
        let mut st = ScanStats::default();
        let n = row("45.0.0.3").len() as u64;
        let got = offsets(&path, Window::LastBytes(n + 1), &m, &mut st).unwrap();
        let want = (header.len() + body.len() - n as usize) as u64;
        assert_eq!(got, [want]);
    }

    /// A log that starts with blank lines (a writer's empty first writes) is decided
    /// by its first event, as a follower decides it.
    #[test]
    fn a_log_that_starts_blank_is_decided_by_its_first_event() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eve.json");
        let line = eve("2026-11-28T10:00:00.000000+0000", "45.0.0.3");
        std::fs::write(&path, format!("\n \r\n\t\n{line}")).unwrap();
        let m = matcher(&["45.0.0.3"]);
        let mut got: Vec<LogHit> = Vec::new();
        let mut sink = HitSink::new(true, None, "", |h| got.extend(h));
        let mut st = ScanStats::default();
        let window = Window::Since(Timestamp::UNIX_EPOCH);
        scan_window(&path, window, LogFormat::Auto, &m, &mut sink, &mut st).unwrap();
        drop(sink);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(&*got[0].module, "suricata");
        assert_eq!(got[0].at, "2026-11-28T10:00:00Z".parse().unwrap());
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let m = matcher(&["45.0.0.3"]);
        let r = offsets(
            Path::new("/nonexistent/eve.json"),
            Window::Since(Timestamp::UNIX_EPOCH),
            &m,
            &mut ScanStats::default(),
        );
        assert!(r.is_err());
    }
}

#[cfg(test)]
mod diff_tests {
    use crate::matching::matcher::NewIndicator;
    use crate::matching::{MatchOptions, MatcherBuilder, Warninglists};
    use crate::model::IndicatorType as T;

    fn builder(items: &[(T, &str)]) -> MatcherBuilder {
        let mut b = MatcherBuilder::new();
        let s = b.source("feodo");
        for (k, v) in items {
            b.add(
                *k,
                v,
                NewIndicator {
                    sources: &[s],
                    ..Default::default()
                },
            );
        }
        b
    }

    #[test]
    fn only_indicators_the_old_set_lacks_are_new() {
        let old_items = [
            (T::Ipv4, "45.0.0.3"),
            (T::Cidr, "45.1.0.0/16"),
            (T::Domain, "bad.example"),
            (T::Url, "http://bad.example/a"),
            (T::Md5, "44d88612fea8a8f36de82e1278abb02f"),
            (T::Email, "x@bad.example"),
        ];
        let old = builder(&old_items).build(&Warninglists::none(), MatchOptions::default());
        for (k, v) in old_items {
            assert!(old.holds(k, v), "{k} {v}");
        }
        assert!(!old.holds(T::Ipv4, "45.1.2.3"), "covered is not held");
        assert!(!old.holds(T::Domain, "a.bad.example"));
        let mut new_items = old_items.to_vec();
        new_items.extend([(T::Ipv4, "45.0.0.4"), (T::Cidr, "45.1.0.0/24")]);
        let diff = builder(&new_items).not_in(&old);
        assert_eq!(diff.len(), 2);
        let m = diff.build(&Warninglists::none(), MatchOptions::default());
        assert!(m.holds(T::Ipv4, "45.0.0.4") && m.holds(T::Cidr, "45.1.0.0/24"));
        assert!(!m.holds(T::Ipv4, "45.0.0.3"));
    }
}
