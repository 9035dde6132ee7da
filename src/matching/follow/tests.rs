// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Each rotation race driven step by step: the test changes the file system between
//! the follower's checks (or between the look and the read of one check), so every
//! interleaving is the one named, every run.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::reader::FileId;
use super::*;
use crate::matching::alert::{Alert, Location};
use crate::matching::extract::Skip;
use crate::matching::log_paths::Unreadable;
use crate::matching::matcher::NewIndicator;
use crate::matching::scan::MAX_LINE;
use crate::matching::{MatchOptions, MatcherBuilder, Warninglists};
use crate::model::IndicatorType;

/// Every hit as (the last octet of its 203.0.113.0/24 address, the line's offset).
struct Seen;

impl AlertSink for Seen {
    type Part = Vec<(u32, u64)>;

    fn add(&self, part: &mut Self::Part, alert: &Alert<'_>) {
        let Location::File { offset, .. } = alert.location else {
            panic!("a followed file's alert is at a file offset");
        };
        for h in alert.hits() {
            let n = h
                .atomic
                .strip_prefix("203.0.113.")
                .unwrap()
                .parse()
                .unwrap();
            part.push((n, offset));
        }
    }

    fn deliver(&mut self, _: Self::Part) -> io::Result<()> {
        Ok(())
    }
}

/// Line `n` of a firewall log: the one line whose destination is 203.0.113.`n`.
fn line(n: u32) -> String {
    format!(
        "2026-12-06T14:{:02}:{:02}Z fw01.race.example allow tcp src=192.0.2.10 dst=203.0.113.{n} dport=443 sni=c2-{n}.race.example\n",
        n / 60,
        n % 60
    )
}

fn lines(ns: std::ops::RangeInclusive<u32>) -> String {
    ns.map(line).collect()
}

fn append(path: &Path, s: &str) {
    let mut f = OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(s.as_bytes()).unwrap();
}

/// One followed file, `fw.log` in a folder of its own.
struct Race {
    dir: tempfile::TempDir,
    path: PathBuf,
    m: Matcher,
    follower: Follower,
    st: ScanStats,
    /// The time of the checks.
    now: Instant,
}

impl Race {
    fn new(content: &str) -> Race {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fw.log");
        fs::write(&path, content).unwrap();
        let mut b = MatcherBuilder::new();
        let src = b.source("race");
        for n in 1..=254 {
            b.add(
                IndicatorType::Ipv4,
                &format!("203.0.113.{n}"),
                NewIndicator {
                    sources: &[src],
                    ..Default::default()
                },
            );
        }
        let m = b.build(&Warninglists::none(), MatchOptions::default());
        let follower = Follower::new(
            std::slice::from_ref(&path),
            LogFormat::Text,
            Start::Beginning,
        );
        Race {
            dir,
            path,
            m,
            follower,
            st: ScanStats::default(),
            now: Instant::now(),
        }
    }

    fn sibling(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Lets `d` pass before the next check.
    fn wait(&mut self, d: Duration) {
        self.now += d;
    }

    /// One whole check, as at a wake: the hits with their offsets.
    fn check_hits(&mut self) -> Vec<(u32, u64)> {
        let mut part = Vec::new();
        self.follower
            .check(self.now, &self.m, &Seen, &mut part, &mut self.st);
        part
    }

    /// One whole check: the line numbers hit.
    fn check(&mut self) -> Vec<u32> {
        numbers(self.check_hits())
    }

    /// Only the first half of a check: what the path names now.
    fn look(&mut self) -> Vec<u32> {
        let mut part = Vec::new();
        self.follower.files[0].look(self.now, &self.m, &Seen, &mut part, &mut self.st);
        numbers(part)
    }

    /// Only the second half of a check: what is new in the files being read.
    fn read(&mut self) -> Vec<u32> {
        let mut part = Vec::new();
        self.follower.files[0].read(self.now, &self.m, &Seen, &mut part, &mut self.st);
        numbers(part)
    }

    /// Stands for a file system that gave the new file at the path the inode number of
    /// the file being read (a local one cannot while that file is open, but network and
    /// FUSE file systems, and platforms without inode numbers, can show one identity
    /// for two files): the identity recorded for the file being read becomes the new
    /// file's.
    fn reuse_inode(&mut self) {
        let id = FileId::of(&fs::metadata(&self.path).unwrap());
        self.follower.files[0].current.as_mut().unwrap().id = id;
    }
}

fn numbers(hits: Vec<(u32, u64)>) -> Vec<u32> {
    hits.into_iter().map(|(n, _)| n).collect()
}

fn range(ns: std::ops::RangeInclusive<u32>) -> Vec<u32> {
    ns.collect()
}

/// Race 1: the file is renamed and a new one is created and written at the path
/// before the follower looks again; the writer then still writes to the renamed file
/// before it reopens the path (logrotate's `create`, then its `postrotate` signal).
/// The old file's unread tail is read first, then the new file from byte 0; lines
/// written late to the old file are read too, and its unterminated last line once it
/// has been quiet for [`OLD_FILE_GRACE`], when it is closed. Nothing is read twice.
#[test]
fn a_rename_then_a_new_written_file_loses_nothing_of_either() {
    let mut r = Race::new(&lines(1..=2));
    assert_eq!(r.check(), [1, 2]);
    append(&r.path, &lines(3..=4));
    let old = r.sibling("fw.log.1");
    fs::rename(&r.path, &old).unwrap();
    fs::write(&r.path, lines(5..=6)).unwrap();
    r.wait(Duration::from_millis(100));
    let got = r.check_hits();
    assert_eq!(numbers(got.clone()), [3, 4, 5, 6]);
    assert_eq!(got[2].1, 0, "the new file is read from byte 0");
    append(&old, &lines(7..=7));
    append(&old, line(8).trim_end());
    append(&r.path, &lines(9..=9));
    r.wait(Duration::from_millis(100));
    assert_eq!(
        r.check(),
        [7, 9],
        "lines written late to the old file are read"
    );
    r.wait(OLD_FILE_GRACE - Duration::from_millis(1));
    assert_eq!(r.check(), Vec::<u32>::new(), "a partial line waits");
    r.wait(Duration::from_millis(1));
    assert_eq!(
        r.check(),
        [8],
        "the old file's unterminated last line, once quiet"
    );
    append(&old, &lines(10..=10));
    append(&r.path, &lines(11..=11));
    assert_eq!(r.check(), [11], "the old file is closed once done");
}

/// A second rotation while the first old file is still read: that one is read to its
/// end, its last line included, and closed; the second is read after it.
#[test]
fn a_second_rotation_finishes_the_first_old_file() {
    let mut r = Race::new(&lines(1..=1));
    assert_eq!(r.check(), [1]);
    let (first, second) = (r.sibling("fw.log.2"), r.sibling("fw.log.1"));
    fs::rename(&r.path, &first).unwrap();
    fs::write(&r.path, lines(2..=2)).unwrap();
    assert_eq!(r.check(), [2]);
    append(&first, line(3).trim_end());
    fs::rename(&r.path, &second).unwrap();
    fs::write(&r.path, lines(4..=4)).unwrap();
    append(&second, &lines(5..=5));
    assert_eq!(r.check(), [3, 5, 4]);
    append(&first, &lines(6..=6));
    append(&second, &lines(7..=7));
    assert_eq!(r.check(), [7], "only the last old file is still read");
}

/// Race 2: the file is deleted and a new one created whose identity (device, inode) is
/// the old one's, shorter or longer than what was read: it is read from its start,
/// and the old file is not read again.
#[test]
fn a_new_file_with_the_old_inode_number_is_read_from_its_start() {
    for (what, new, want) in [
        ("shorter", lines(10..=10), range(10..=10)),
        ("longer", lines(10..=40), range(10..=40)),
    ] {
        let mut r = Race::new(&lines(1..=3));
        assert_eq!(r.check(), [1, 2, 3]);
        fs::remove_file(&r.path).unwrap();
        fs::write(&r.path, &new).unwrap();
        r.reuse_inode();
        assert_eq!(r.check(), want, "{what}");
        append(&r.path, &lines(41..=41));
        assert_eq!(r.check(), [41], "{what}");
    }
}

/// Race 3: the file is truncated and then one write, longer than what was read (more
/// than 8 KiB), lands before the follower looks: the file is no shorter than the
/// offset, yet its content is new and is read from byte 0.
#[test]
fn a_truncation_then_one_long_write_is_read_from_0() {
    let mut r = Race::new(&lines(1..=2));
    assert_eq!(r.check(), [1, 2]);
    let big = lines(3..=150);
    assert!(big.len() > 8 * 1024);
    let mut f = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&r.path)
        .unwrap();
    f.write_all(big.as_bytes()).unwrap();
    drop(f);
    let got = r.check_hits();
    assert_eq!(numbers(got.clone()), range(3..=150));
    assert_eq!(got[0].1, 0);
    append(&r.path, &lines(151..=151));
    assert_eq!(r.check(), [151]);
}

/// Race 4: `copytruncate` — logrotate copies the file, then truncates it in place, and
/// the writer goes on at the new end — between the follower's look and its read. No
/// line already read is read again, and every line written after the truncation is
/// read once. Line 3, written after the last read but before the copy, is in the copy
/// only: not read (the follower does not know the copy's name).
#[test]
fn copytruncate_between_a_look_and_a_read_doubles_nothing_and_loses_nothing_after_it() {
    let mut r = Race::new(&lines(1..=2));
    assert_eq!(r.check(), [1, 2]);
    append(&r.path, &lines(3..=3));
    assert_eq!(r.look(), Vec::<u32>::new());
    fs::copy(&r.path, r.sibling("fw.log.1")).unwrap();
    OpenOptions::new()
        .write(true)
        .open(&r.path)
        .unwrap()
        .set_len(0)
        .unwrap();
    for n in 4..=60 {
        append(&r.path, &line(n));
    }
    assert_eq!(r.read(), range(4..=60));
    assert_eq!(r.check(), Vec::<u32>::new(), "nothing twice");
    append(&r.path, &lines(61..=61));
    assert_eq!(r.check(), [61]);
}

/// The end of a line over [`MAX_LINE`], alone in a read (its first MiBs skipped in
/// earlier reads), is skipped too, and the next line is read.
#[test]
fn the_end_of_a_line_over_the_limit_alone_in_a_read_is_skipped() {
    let mut r = Race::new(&"a".repeat(2 * MAX_LINE + 1));
    assert_eq!(r.check(), Vec::<u32>::new());
    append(&r.path, "b\n");
    assert_eq!(r.check(), Vec::<u32>::new());
    append(&r.path, &lines(1..=1));
    assert_eq!(r.check(), [1]);
    assert_eq!(r.st.skipped[Skip::TooLong.index()], 1);
}

/// Every alert as (its module, its event time).
struct Kinds;

impl AlertSink for Kinds {
    type Part = Vec<(&'static str, jiff::Timestamp)>;

    fn add(&self, part: &mut Self::Part, alert: &Alert<'_>) {
        part.push((alert.module, alert.time));
    }

    fn deliver(&mut self, _: Self::Part) -> io::Result<()> {
        Ok(())
    }
}

/// An eve flow to 203.0.113.`n` at `10:00:n` on 2026-12-06.
fn eve(n: u32) -> String {
    format!(
        r#"{{"timestamp":"2026-12-06T10:00:{n:02}.000000+0000","flow_id":{n},"event_type":"flow","src_ip":"192.0.2.10","src_port":50000,"dest_ip":"203.0.113.{n}","dest_port":443,"proto":"TCP"}}"#
    ) + "\n"
}

fn eve_at(n: u32) -> jiff::Timestamp {
    format!("2026-12-06T10:00:{n:02}Z").parse().unwrap()
}

/// `fw.log`'s folder followed from the end (the dashboard), format `auto`.
fn from_end(content: &str) -> (Race, Follower) {
    let r = Race::new(content);
    let f = Follower::new(std::slice::from_ref(&r.path), LogFormat::Auto, Start::End);
    (r, f)
}

fn kinds(r: &mut Race, f: &mut Follower) -> Vec<(&'static str, jiff::Timestamp)> {
    let mut part = Vec::new();
    f.check(r.now, &r.m, &Kinds, &mut part, &mut r.st);
    part
}

/// A log that is empty when the dashboard starts decides nothing: its format is
/// decided by the first lines that arrive, so eve events keep their time and module.
#[test]
fn an_empty_log_followed_from_its_end_is_read_as_the_lines_that_arrive() {
    let (mut r, mut f) = from_end("");
    assert_eq!(kinds(&mut r, &mut f), []);
    append(&r.path, "\n");
    assert_eq!(kinds(&mut r, &mut f), [], "a blank line decides nothing");
    append(&r.path, &(eve(7) + &eve(8)));
    assert_eq!(
        kinds(&mut r, &mut f),
        [("suricata", eve_at(7)), ("suricata", eve_at(8))]
    );
}

/// A log that does not exist yet when the dashboard starts is read from its start once
/// it appears, and decided by its own first lines.
#[test]
fn a_log_that_appears_later_is_decided_by_its_own_lines() {
    let (mut r, _) = from_end("");
    fs::remove_file(&r.path).unwrap();
    let mut f = Follower::new(std::slice::from_ref(&r.path), LogFormat::Auto, Start::End);
    assert_eq!(kinds(&mut r, &mut f), []);
    fs::write(&r.path, eve(3)).unwrap();
    assert_eq!(kinds(&mut r, &mut f), [("suricata", eve_at(3))]);
}

/// A line still being written when the dashboard starts is read whole once its
/// newline comes, and decides the format as a whole line.
#[test]
fn a_line_being_written_at_start_up_is_read_whole() {
    let line = eve(5);
    let (head, rest) = line.split_at(40);
    let (mut r, mut f) = from_end(head);
    assert_eq!(kinds(&mut r, &mut f), []);
    append(&r.path, rest);
    assert_eq!(kinds(&mut r, &mut f), [("suricata", eve_at(5))]);
    assert_eq!(
        r.st.skipped, [0; 4],
        "nothing read from the middle of a line"
    );
}

/// After a rotation, the new file is decided by its own first lines, whatever the
/// file before held (here nothing but a blank line).
#[test]
fn a_rotation_decides_the_new_file_by_its_lines() {
    let (mut r, mut f) = from_end("");
    append(&r.path, "\n");
    assert_eq!(kinds(&mut r, &mut f), []);
    fs::rename(&r.path, r.sibling("fw.log.1")).unwrap();
    fs::write(&r.path, eve(9)).unwrap();
    assert_eq!(kinds(&mut r, &mut f), [("suricata", eve_at(9))]);
}

/// A follower asleep between checks sees a stop within [`STOP_CHECK`], not at its next
/// poll ([`SLOW_POLL`], 1 s, when nothing changes in the folder).
#[test]
fn a_sleeping_follower_sees_a_stop_at_once() {
    let r = Race::new("");
    let wake = Wake::new(std::slice::from_ref(&r.path));
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            stop.store(true, Ordering::Relaxed);
        });
        let asleep = Instant::now();
        wake.wait(&stop);
        let took = asleep.elapsed();
        assert!(took < SLOW_POLL * 3 / 4, "woke after {took:?}");
    });
}

/// What changed in the followed path's readability since the last check.
fn changes(r: &mut Race) -> Vec<Option<Unreadable>> {
    r.follower
        .files
        .iter_mut()
        .filter_map(|t| t.take_change())
        .collect()
}

/// A path that cannot be read is reported once, and again when it can be read; the
/// moment between a rotation's rename and its new file is no news.
#[test]
fn a_path_that_cannot_be_read_is_reported_once_and_when_it_can_again() {
    let mut r = Race::new("");
    let shown = r.path.display().to_string();
    fs::remove_file(&r.path).unwrap();
    assert_eq!(r.check(), Vec::<u32>::new());
    assert_eq!(changes(&mut r), [Some(Unreadable::Missing(shown.clone()))]);
    assert_eq!(r.check(), Vec::<u32>::new());
    assert_eq!(changes(&mut r), [], "said once");
    fs::write(&r.path, lines(1..=1)).unwrap();
    assert_eq!(r.check(), [1]);
    assert_eq!(changes(&mut r), [None], "readable now");
    fs::rename(&r.path, r.sibling("fw.log.1")).unwrap();
    assert_eq!(r.check(), Vec::<u32>::new());
    fs::write(&r.path, lines(2..=2)).unwrap();
    assert_eq!(r.check(), [2]);
    assert_eq!(changes(&mut r), [], "a rotation is no news");
    fs::remove_file(&r.path).unwrap();
    fs::create_dir(&r.path).unwrap();
    assert_eq!(r.check(), Vec::<u32>::new());
    assert_eq!(changes(&mut r), [Some(Unreadable::Folder(shown))]);
}
