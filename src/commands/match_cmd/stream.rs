// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `match --redis URL --stream KEY --group NAME`: one consumer of a Redis stream's
//! group, until SIGINT or SIGTERM.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::cli::MatchArgs;
use crate::config::RedisStream;
use crate::matching::Matcher;
use crate::matching::input::redis::{self, Reader, StreamError, StreamStats};
use crate::matching::sink::AlertSink;
use crate::model::count::{grouped, noun, nouns};
use crate::model::sanitize::one_line;

/// The stream `args` name. Errors: a URL or password that cannot be used.
pub(super) fn spec(args: &MatchArgs) -> Result<RedisStream, String> {
    let (Some(url), Some(stream), Some(group)) = (&args.redis, &args.stream, &args.group) else {
        return Err("--redis needs --stream and --group".into());
    };
    let mut spec = RedisStream::new(url, stream, group)?;
    if args
        .consumer
        .as_deref()
        .is_some_and(|c| c.trim().is_empty())
    {
        return Err("--consumer must not be empty".into());
    }
    spec.consumer = args.consumer.clone();
    if args.field.trim().is_empty() {
        return Err(
            "--field must name the entry field that holds the event (Suricata: eve)".into(),
        );
    }
    spec.field = args.field.clone();
    spec.claim_idle = args.claim_idle;
    spec.check()?;
    if args.log_format == crate::config::LogFormat::Zeek {
        return Err(
            "--log-format zeek reads TSV files by their header; a stream's entries are read as eve, zeek-json, combined, syslog or text"
                .into(),
        );
    }
    if let Some(pw) = &args.redis_password {
        if !pw
            .trim_start()
            .starts_with(crate::config::secret::ENV_PREFIX)
        {
            return Err(
                "--redis-password takes env:VARNAME (a password on the command line is visible to every user)"
                    .into(),
            );
        }
        if url::Url::parse(url).is_ok_and(|u| u.password().is_some()) {
            return Err(
                "give the Redis password once: with --redis-password or in the URL, not both"
                    .into(),
            );
        }
        // Read now, so a variable that is not set stops the run before any work.
        crate::config::secret::resolve(Some(pw), &crate::config::process_env)
            .map_err(|e| format!("--redis-password: {e}"))?;
        spec.password = Some(pw.clone());
    }
    Ok(spec)
}

/// Reads the stream into `sink` until `stop`; `refresh` rebuilds the matcher when the
/// store changes.
pub(super) fn run<S: AlertSink + ?Sized>(
    spec: &RedisStream,
    args: &MatchArgs,
    sensor: &str,
    matcher: Arc<Matcher>,
    refresh: impl FnMut() -> Option<Arc<Matcher>>,
    sink: &mut S,
    stop: &AtomicBool,
) -> (StreamStats, Result<(), StreamError>) {
    let consumer = spec
        .consumer
        .clone()
        .unwrap_or_else(|| redis::default_consumer(sensor));
    eprintln!(
        "reading {} as consumer {} of group {}",
        spec.describe(),
        one_line(&consumer, 80),
        one_line(&spec.group, 80)
    );
    let reader = Reader::new(spec, &consumer, args.log_format);
    let mut stats = StreamStats::default();
    let report = |line: String| tracing::warn!("{}", one_line(&line, 400));
    let r = reader.run(matcher, refresh, sink, &mut stats, stop, &report);
    (stats, r)
}

/// What reading the stream did, for stderr.
pub(super) fn summary(st: &StreamStats, err: &mut impl Write) {
    let entries = |n: u64| nouns(n, "entry", "entries");
    let were = |n: u64| if n == 1 { "was" } else { "were" };
    let _ = writeln!(
        err,
        "{} read, {} acknowledged, {} claimed from idle consumers",
        entries(st.entries),
        grouped(st.acked),
        grouped(st.claimed)
    );
    if st.trimmed > 0 {
        let _ = writeln!(
            err,
            "  {} {} trimmed from the stream before the group read them",
            entries(st.trimmed),
            were(st.trimmed)
        );
    }
    if st.gaps > 0 {
        let _ = writeln!(
            err,
            "  {} of trimmed entries of unknown size",
            noun(st.gaps, "gap")
        );
    }
    if st.trimmed_pending > 0 {
        let _ = writeln!(
            err,
            "  {} {} trimmed before they were read again",
            nouns(st.trimmed_pending, "pending entry", "pending entries"),
            were(st.trimmed_pending)
        );
    }
    if st.left_pending > 0 {
        let _ = writeln!(
            err,
            "  {} {} left pending with this consumer (another consumer of the group claims them after --claim-idle)",
            entries(st.left_pending),
            were(st.left_pending)
        );
    }
    if st.missing_field > 0 {
        let _ = writeln!(
            err,
            "  {} had no event field, or an empty one (skipped and acknowledged)",
            entries(st.missing_field)
        );
    }
    if st.reconnects > 0 {
        let _ = writeln!(
            err,
            "  reconnected {}",
            nouns(st.reconnects, "time", "times")
        );
    }
}
