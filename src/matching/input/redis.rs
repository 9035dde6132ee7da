// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A Redis stream as input, read as one consumer of a consumer group (Redis streams
//! introduction, "Consumer groups"; commands `XGROUP CREATE`, `XREADGROUP`, `XACK`,
//! `XAUTOCLAIM`, `XINFO`). Suricata's `eve-log` output with `filetype: redis` and
//! `redis.mode: xadd` (or `stream`) runs `XADD <key> [MAXLEN ~ n] * eve <json>`
//! (Suricata `src/util-log-redis.c`): each entry's `eve` field (configurable) goes
//! through the same extractor and matcher as a line of `eve.json`.
//!
//! Delivery is at least once. Entries are read in batches; their alerts are delivered
//! to the sink, which is then synced (output flushed, sightings committed or spooled),
//! and only then are the entries acknowledged. A consumer killed mid-batch leaves its
//! entries pending; a live one claims them with `XAUTOCLAIM` once they have been idle
//! for `claim_idle`, so no event goes unmatched. On start a consumer first reads its own
//! pending entries (id `0`), then new ones (`>`).
//!
//! Faults: a lost connection is retried with backoff (0.5 s doubling to 30 s), said
//! through `report`; a group lost with the server's data is created again; entries
//! trimmed (`MAXLEN`) before the group read them are counted from the stream's and
//! group's counters (`entries-added`, `entries-read`, Redis 7) and reported, not an
//! error; an entry that is not JSON, is too big or lacks the field is counted and
//! acknowledged, never left stuck. A wrong password is one clear error. The password
//! (in the URL or given apart) never reaches a message.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use redis::Value;
use reply::stream_entries;

use crate::config::{LogFormat, RedisStream};
use crate::matching::alert::Location;
use crate::matching::extract::{Extractor, Skip};
use crate::matching::matcher::Matcher;
use crate::matching::scan::{LineMatcher, MAX_LINE, ScanStats};
use crate::matching::sink::AlertSink;
use crate::model::EntryId;
use crate::model::sanitize::one_line;

mod gap;
mod group;
mod reply;

use gap::Gap;

/// Entries read per `XREADGROUP`.
pub const BATCH: usize = 2_000;

/// How long one `XREADGROUP` waits for new entries: also the longest a stop (SIGINT,
/// SIGTERM) waits for a quiet stream's read to end. Idle, that is four short reads a
/// second.
const BLOCK: Duration = Duration::from_millis(250);

/// How often the stream's and group's counters are read to find trimmed entries.
const GAP_CHECK: Duration = Duration::from_secs(5);

/// Why reading the stream stopped.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The server refused the credentials (`WRONGPASS`, `NOAUTH`, `NOPERM`).
    #[error("{where_}: authentication failed: {reason}")]
    Auth { where_: String, reason: String },
    /// The URL, password or names cannot be used.
    #[error("{0}")]
    Config(String),
    /// The sink could not take the alerts (the output cannot be written).
    #[error("the alerts cannot be written: {0}")]
    Sink(#[from] std::io::Error),
}

/// What reading the stream did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Entries read (new, own pending and claimed).
    pub entries: u64,
    /// Entries acknowledged.
    pub acked: u64,
    /// Entries claimed from consumers idle for `claim_idle`.
    pub claimed: u64,
    /// Entries without the event field, or with an empty one (counted and
    /// acknowledged).
    pub missing_field: u64,
    /// Entries delivered to this consumer and not acknowledged when it stopped (another
    /// consumer claims them after `claim_idle`).
    pub left_pending: u64,
    /// Entries trimmed from the stream before this group read them (a gap).
    pub trimmed: u64,
    /// Gaps whose size the server did not say (no Redis 7 counters).
    pub gaps: u64,
    /// Pending entries that were trimmed before they were read again.
    pub trimmed_pending: u64,
    /// Times the connection was lost and made again.
    pub reconnects: u64,
    /// Batches whose sink could not be synced: left pending (another consumer claims
    /// them), and the reader stops with the error.
    pub unsynced: u64,
    /// The lines (entries' events) as a scan counts them.
    pub scan: ScanStats,
}

/// `<sensor>-<pid>`: a consumer name of this process.
pub fn default_consumer(sensor: &str) -> String {
    format!("{sensor}-{}", std::process::id())
}

/// One consumer of one stream's group.
pub struct Reader<'a> {
    spec: &'a RedisStream,
    consumer: String,
    log: LogFormat,
    batch: usize,
}

/// One entry as read: its id and its event bytes (`None`: trimmed, or no such field).
struct Entry {
    id: String,
    event: Option<Vec<u8>>,
    /// The entry was deleted from the stream while pending.
    deleted: bool,
}

/// A failure to talk to the server.
enum Fault {
    /// Give up: credentials refused or the request cannot work.
    Fatal(StreamError),
    /// The group is gone (the server lost its data): create it again.
    NoGroup,
    /// Reconnect and try again.
    Retry(String),
    /// A signal cut a call short (the process is being stopped): reconnect quietly.
    Interrupted,
}

/// Whether a call was cut short by a signal (`EINTR`).
fn interrupted(e: &redis::RedisError) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::Interrupted)
        {
            return true;
        }
        source = s.source();
    }
    e.to_string().contains("os error 4")
}

impl<'a> Reader<'a> {
    /// A reader of `spec` as `consumer`, its events in `log` format (`auto`: per entry).
    pub fn new(spec: &'a RedisStream, consumer: &str, log: LogFormat) -> Self {
        Reader {
            spec,
            consumer: consumer.to_string(),
            log,
            batch: BATCH,
        }
    }

    /// Entries per read (at least 1).
    pub fn with_batch(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    fn client(&self) -> Result<redis::Client, StreamError> {
        use redis::IntoConnectionInfo;
        let mut info = self.spec.url.as_str().into_connection_info().map_err(|_| {
            StreamError::Config(format!("{}: not a Redis URL", self.spec.redacted()))
        })?;
        if let Some(raw) = &self.spec.password {
            let pw = crate::config::secret::resolve(Some(raw), &crate::config::process_env)
                .map_err(|e| StreamError::Config(format!("redis password: {e}")))?;
            if let Some(pw) = pw {
                use secrecy::ExposeSecret;
                let settings = info
                    .redis_settings()
                    .clone()
                    .set_password(pw.expose_secret());
                info = info.set_redis_settings(settings);
            }
        }
        redis::Client::open(info).map_err(|e| StreamError::Config(self.clean(&e.to_string())))
    }

    /// A message from the server or the client, one line, without the password.
    fn clean(&self, text: &str) -> String {
        // The secrets go first: folding and cutting the line could hide one from them.
        let mut t = text.to_string();
        for secret in self.secrets() {
            if !secret.is_empty() {
                t = t.replace(&secret, "***");
            }
        }
        one_line(&t, 300)
    }

    fn secrets(&self) -> Vec<String> {
        self.spec.secrets(&crate::config::process_env)
    }

    fn fault(&self, e: &redis::RedisError) -> Fault {
        let text = self.clean(&e.to_string());
        if interrupted(e) {
            return Fault::Interrupted;
        }
        match e.code() {
            Some("WRONGPASS" | "NOAUTH" | "NOPERM") => Fault::Fatal(StreamError::Auth {
                where_: self.spec.redacted(),
                reason: text,
            }),
            Some("NOGROUP") => Fault::NoGroup,
            _ if e.kind() == redis::ErrorKind::AuthenticationFailed => {
                Fault::Fatal(StreamError::Auth {
                    where_: self.spec.redacted(),
                    reason: text,
                })
            }
            Some("WRONGTYPE") => Fault::Fatal(StreamError::Config(format!(
                "{}: key {} is not a stream ({text})",
                self.spec.redacted(),
                one_line(&self.spec.stream, 80)
            ))),
            _ => Fault::Retry(text),
        }
    }

    /// Reads the stream until `stop` is set, handing alerts to `sink`; `refresh` is
    /// asked before each batch for a newer matcher. `report` gets one line for each
    /// reconnection, gap and claim (stderr, the log file). Errors: credentials refused,
    /// a key that is not a stream, or an output that cannot be written.
    pub fn run<S: AlertSink + ?Sized>(
        &self,
        mut matcher: Arc<Matcher>,
        mut refresh: impl FnMut() -> Option<Arc<Matcher>>,
        sink: &mut S,
        stats: &mut StreamStats,
        stop: &AtomicBool,
        report: &dyn Fn(String),
    ) -> Result<(), StreamError> {
        let client = self.client()?;
        let mut conn: Option<redis::Connection> = None;
        let mut backoff = Duration::from_millis(500);
        let mut own_pending = true;
        let mut last_claim: Option<Instant> = None;
        let mut last_gap: Option<Instant> = None;
        // The extractor's state between batches; decided by the first event for `auto`.
        let mut extractor: Option<Extractor> =
            (self.log != LogFormat::Auto).then(|| Extractor::new(self.log));
        let mut down_since: Option<Instant> = None;
        while !stop.load(Ordering::Relaxed) {
            if let Some(m) = refresh() {
                matcher = m;
            }
            let c = match &mut conn {
                Some(c) => c,
                None => match self.connect(&client) {
                    Ok(c) => {
                        if let Some(t) = down_since.take() {
                            report(format!(
                                "redis: {} is back after {:.1}s",
                                self.spec.redacted(),
                                t.elapsed().as_secs_f64()
                            ));
                            stats.reconnects += 1;
                        }
                        backoff = Duration::from_millis(500);
                        own_pending = true;
                        conn.insert(c)
                    }
                    Err(Fault::Fatal(e)) => return Err(e),
                    Err(Fault::Interrupted) => continue,
                    Err(Fault::NoGroup | Fault::Retry(_)) if down_since.is_some() => {
                        sleep(backoff, stop);
                        backoff = (backoff * 2).min(Duration::from_secs(30));
                        continue;
                    }
                    Err(Fault::NoGroup) => continue,
                    Err(Fault::Retry(why)) => {
                        report(format!(
                            "redis: cannot reach {} ({why}); retrying with backoff",
                            self.spec.redacted()
                        ));
                        down_since = Some(Instant::now());
                        sleep(backoff, stop);
                        backoff = (backoff * 2).min(Duration::from_secs(30));
                        continue;
                    }
                },
            };
            let step = self.step(
                c,
                &matcher,
                &mut extractor,
                &mut own_pending,
                &mut last_claim,
                &mut last_gap,
                sink,
                stats,
                report,
            );
            match step {
                Ok(()) => {}
                Err(Fault::Fatal(e)) => return Err(e),
                Err(Fault::NoGroup) => {
                    report(format!(
                        "redis: group {} of {} is gone (the server lost its data?); creating it again",
                        one_line(&self.spec.group, 80),
                        self.spec.describe()
                    ));
                    conn = None;
                }
                Err(Fault::Interrupted) => conn = None,
                Err(Fault::Retry(_)) if stop.load(Ordering::Relaxed) => break,
                Err(Fault::Retry(why)) => {
                    report(format!(
                        "redis: lost {} ({why}); reconnecting with backoff",
                        self.spec.redacted()
                    ));
                    down_since = Some(Instant::now());
                    conn = None;
                    sleep(backoff, stop);
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                }
            }
        }
        sink.sync()?;
        self.leave(&client, conn, stats);
        Ok(())
    }

    /// Connects and makes sure the group exists (created at the stream's start, so an
    /// event already in the stream is matched too).
    fn connect(&self, client: &redis::Client) -> Result<redis::Connection, Fault> {
        let mut c = client
            .get_connection_with_timeout(Duration::from_secs(5))
            .map_err(|e| match self.fault(&e) {
                // The server answered, and said no (a database out of range, ...):
                // trying again cannot help.
                Fault::Retry(why) if !e.is_io_error() && !e.is_timeout() => Fault::Fatal(
                    StreamError::Config(format!("{}: {why}", self.spec.redacted())),
                ),
                other => other,
            })?;
        let _ = c.set_read_timeout(Some(BLOCK + Duration::from_secs(10)));
        let _ = c.set_write_timeout(Some(Duration::from_secs(10)));
        let created: redis::RedisResult<Value> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&self.spec.stream)
            .arg(&self.spec.group)
            .arg("0")
            .arg("MKSTREAM")
            .query(&mut c);
        match created {
            Ok(_) => Ok(c),
            Err(e) if e.code() == Some("BUSYGROUP") => Ok(c),
            Err(e) => Err(self.fault(&e)),
        }
    }

    /// One batch: claims, gap check, read, match, sync, acknowledge.
    #[allow(clippy::too_many_arguments)]
    fn step<S: AlertSink + ?Sized>(
        &self,
        c: &mut redis::Connection,
        matcher: &Arc<Matcher>,
        extractor: &mut Option<Extractor>,
        own_pending: &mut bool,
        last_claim: &mut Option<Instant>,
        last_gap: &mut Option<Instant>,
        sink: &mut S,
        stats: &mut StreamStats,
        report: &dyn Fn(String),
    ) -> Result<(), Fault> {
        let claim_every = (self.spec.claim_idle / 2).max(Duration::from_millis(200));
        let mut entries = Vec::new();
        if last_claim.is_none_or(|t| t.elapsed() >= claim_every) {
            *last_claim = Some(Instant::now());
            let (claimed, deleted) = self.claim(c)?;
            if !claimed.is_empty() {
                report(format!(
                    "redis: claimed {} entries of {} left pending by an idle consumer",
                    claimed.len(),
                    self.spec.describe()
                ));
            }
            stats.claimed += claimed.len() as u64;
            stats.trimmed_pending += deleted;
            entries = claimed;
        }
        // Only before reading new entries: while the group reads its pending or
        // claimed ones its last delivered id stays behind, and a gap would be counted
        // again.
        if entries.is_empty() && !*own_pending && last_gap.is_none_or(|t| t.elapsed() >= GAP_CHECK)
        {
            *last_gap = Some(Instant::now());
            match self.gap(c)? {
                Some(Gap::Trimmed(n)) if n > 0 => {
                    stats.trimmed += n;
                    report(format!(
                        "redis: {n} entries of {} were trimmed (MAXLEN) before group {} read them",
                        self.spec.describe(),
                        one_line(&self.spec.group, 80)
                    ));
                }
                Some(Gap::Unknown) => {
                    stats.gaps += 1;
                    report(format!(
                        "redis: entries of {} were trimmed (MAXLEN) before group {} read them (the server does not say how many)",
                        self.spec.describe(),
                        one_line(&self.spec.group, 80)
                    ));
                }
                _ => {}
            }
        }
        if entries.is_empty() {
            let from = if *own_pending { "0" } else { ">" };
            let block = if *own_pending { None } else { Some(BLOCK) };
            entries = self.read(c, from, block)?;
            if *own_pending && entries.is_empty() {
                *own_pending = false;
            }
        }
        if entries.is_empty() {
            return Ok(());
        }
        let mut lm = LineMatcher::new(matcher, LogFormat::Text);
        // A given format keeps its extractor's state from batch to batch; `auto` decides
        // each entry by itself (a stream may mix producers, and one odd entry must not
        // decide how the rest are read).
        let per_entry = self.log == LogFormat::Auto;
        if let Some(e) = extractor.take() {
            lm.extractor = e;
        }
        let mut part = S::Part::default();
        let mut ids = Vec::with_capacity(entries.len());
        for e in entries {
            stats.entries += 1;
            ids.push(e.id.clone());
            if e.deleted {
                stats.trimmed_pending += 1;
                continue;
            }
            let Some(event) = e.event.filter(|v| !v.is_empty()) else {
                stats.missing_field += 1;
                continue;
            };
            if per_entry {
                lm.extractor = Extractor::new(LogFormat::detect(&event[..event.len().min(8192)]));
            }
            let Some(id) = EntryId::parse(&e.id) else {
                stats.scan.lines += 1;
                stats.scan.skipped[Skip::BadLine.index()] += 1;
                continue;
            };
            if event.len() > MAX_LINE {
                stats.scan.lines += 1;
                stats.scan.skipped[Skip::TooLong.index()] += 1;
                continue;
            }
            let line = event.strip_suffix(b"\n").unwrap_or(&event);
            lm.line(
                line,
                Location::Stream {
                    stream: &self.spec.stream,
                    id,
                    group: &self.spec.group,
                },
                &*sink,
                &mut part,
                &mut stats.scan,
            );
            stats.scan.bytes += event.len() as u64;
        }
        if !per_entry {
            *extractor = Some(lm.extractor);
        }
        let synced = sink.deliver(part).and_then(|()| sink.sync());
        if let Err(e) = synced {
            // Not acknowledged: the entries stay pending and are read again.
            stats.unsynced += 1;
            report(format!(
                "redis: {} entries not acknowledged: {}",
                ids.len(),
                one_line(&e.to_string(), 200)
            ));
            return Err(Fault::Fatal(StreamError::Sink(e)));
        }
        let acked: redis::RedisResult<i64> = redis::cmd("XACK")
            .arg(&self.spec.stream)
            .arg(&self.spec.group)
            .arg(&ids)
            .query(c);
        match acked {
            Ok(n) => stats.acked += n.max(0) as u64,
            Err(e) => return Err(self.fault(&e)),
        }
        Ok(())
    }

    /// `XREADGROUP` from `from` (`0`: own pending; `>`: new).
    fn read(
        &self,
        c: &mut redis::Connection,
        from: &str,
        block: Option<Duration>,
    ) -> Result<Vec<Entry>, Fault> {
        let mut cmd = redis::cmd("XREADGROUP");
        cmd.arg("GROUP")
            .arg(&self.spec.group)
            .arg(&self.consumer)
            .arg("COUNT")
            .arg(self.batch);
        if let Some(b) = block {
            cmd.arg("BLOCK").arg(b.as_millis() as u64);
        }
        cmd.arg("STREAMS").arg(&self.spec.stream).arg(from);
        let reply: Value = cmd.query(c).map_err(|e| self.fault(&e))?;
        Ok(stream_entries(reply, &self.spec.field))
    }
}

/// Sleeps up to `d`, waking early when `stop` is set.
fn sleep(d: Duration, stop: &AtomicBool) {
    let until = Instant::now() + d;
    while Instant::now() < until && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
    }
}

#[cfg(test)]
mod tests;
