// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem match`: hunts for the indicator set in log files, standard input,
//! followed files or a Redis stream (as a consumer group), writing alerts and, with
//! `--record`, the store's sightings. Exit status like grep: 0 something matched, 1
//! nothing, 2 an error (usage, config, no indicators, an input that could not be read,
//! hits that could be neither recorded nor spooled), 128 + the signal's number for a
//! scan that SIGINT or SIGTERM stopped before the end of its input ([`signals`]).

mod output;
mod signals;
mod stream;
mod watch;

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::{EXIT_USAGE, load_config};
use crate::cli::MatchArgs;
use crate::config::{Availability, Config};
use crate::engine;
use crate::matching::extract::Skip;
use crate::matching::scan::{self, ScanStats};
use crate::matching::sink::{AlertSink, Tee};
use crate::matching::{MatchOptions, Matcher, MatcherBuilder, Warninglists, follow, indicators};
use crate::model::count::noun;
use crate::model::sanitize::one_line;
use crate::trust::allowlist;
use signals::STOP;

/// Exit code: at least one event matched.
pub const EXIT_MATCH: u8 = 0;
/// Exit code: nothing matched.
pub const EXIT_NO_MATCH: u8 = 1;

/// The indicator set from the store (as `fetch --offline`), or fetched first.
fn from_store(
    config: &Config,
    no_cache: bool,
    fetch: bool,
    min_score: Option<u8>,
) -> Result<MatcherBuilder, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let location = crate::store::persist::Location::of(config, no_cache);
    let (cache, notes) = rt.block_on(engine::open_store(&location, None));
    for n in notes {
        eprintln!("warning: {}", one_line(&n, 300));
    }
    let specs: Vec<_> = config
        .sources
        .iter()
        .filter(|s| config.availability(s) == Availability::Enabled)
        .cloned()
        .collect();
    let mut runs = if fetch {
        let ctx = crate::sources::FetchContext::new(config).map_err(|e| e.to_string())?;
        let (runs, notes) = rt.block_on(engine::run(config, &ctx, cache.as_ref(), &specs, |_| {}));
        for n in notes {
            eprintln!("warning: cache: {}", one_line(&n, 300));
        }
        runs
    } else {
        rt.block_on(engine::run_offline(config, cache.as_ref(), &specs))?
    };
    let mut store = engine::merge(&mut runs);
    let (_, notes) = rt.block_on(crate::store::scored::score_for_command(
        &mut store,
        config,
        cache.as_ref(),
        jiff::Timestamp::now(),
    ));
    for n in notes {
        eprintln!("warning: cache: {}", one_line(&n, 300));
    }
    // Decayed indicators raise no alert unless a lowest score says otherwise.
    let lowest = min_score.unwrap_or(store.expire_below());
    let below = store.iter().filter(|(_, e)| e.score < lowest).count();
    if below > 0 {
        eprintln!(
            "{} not matched: scored below {lowest}{}",
            noun(below as u64, "indicator"),
            if min_score.is_none() {
                " (decayed; --min-score 0 matches them too)"
            } else {
                ""
            }
        );
    }
    Ok(MatcherBuilder::from_store_where(&store, |e| {
        e.score >= lowest
    }))
}

pub(super) fn build(
    config: &Config,
    no_cache: bool,
    args: &MatchArgs,
    lists: &Warninglists,
) -> Result<Matcher, String> {
    let options = MatchOptions {
        subdomains: args.subdomains,
    };
    let (matcher, added) = if let Some(path) = &args.indicators {
        let f = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = path
            .file_name()
            .map_or("indicators".into(), |n| n.to_string_lossy().into_owned());
        let size = f.metadata().map_or(0, |m| m.len());
        let (m, st) = indicators::read_scored(f, size, &name, lists, options, args.min_score)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if st.below_score > 0 {
            eprintln!(
                "{} of {} not matched: scored below {}",
                noun(st.below_score as u64, "indicator"),
                one_line(&path.display().to_string(), 200),
                args.min_score.unwrap_or(0)
            );
        }
        if st.added == 0 {
            return Err(format!(
                "{} holds no indicators ({} {} not indicators): one value per \
                 line, or a `fetch --format jsonl` export, in UTF-8",
                one_line(&path.display().to_string(), 200),
                noun(st.skipped as u64, "line"),
                if st.skipped == 1 { "was" } else { "were" }
            ));
        }
        if st.skipped > 0 {
            eprintln!(
                "warning: {} of {} {} not indicators",
                noun(st.skipped as u64, "line"),
                one_line(&path.display().to_string(), 200),
                if st.skipped == 1 { "was" } else { "were" }
            );
        }
        (m, st.added)
    } else {
        let b = from_store(config, no_cache, args.fetch, args.min_score)?;
        let n = b.len();
        (b.build(lists, options), n)
    };
    if added == 0 {
        return Err(
            "no indicators to match: run `intellisiem fetch` first (or `match --fetch`), \
                    or pass --indicators FILE"
                .into(),
        );
    }
    Ok(matcher)
}

/// Opens one input: `-` is standard input; `.gz` files are decompressed. Reads fail
/// once SIGINT or SIGTERM asks the run to stop ([`signals::is_stop`]).
fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(signals::Stdin::new()));
    }
    let f = File::open(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        return Ok(Box::new(signals::UntilStop(
            flate2::read::MultiGzDecoder::new(io::BufReader::new(f)),
        )));
    }
    Ok(Box::new(signals::UntilStop(f)))
}

pub fn run(config_path: Option<&Path>, no_cache: bool, args: &MatchArgs) -> u8 {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if args.follow && (args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-")) {
        eprintln!("error: --follow needs files to follow (not standard input)");
        return EXIT_USAGE;
    }
    if args.follow
        && let Some(folder) = args.paths.iter().find(|p| p.is_dir())
    {
        fail(&format!(
            "--follow: {}",
            crate::matching::log_paths::Unreadable::Folder(one_line(
                &folder.display().to_string(),
                300
            ))
        ));
        return EXIT_USAGE;
    }
    let stream = match args.redis.as_ref().map(|_| stream::spec(args)) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            fail(&e);
            return EXIT_USAGE;
        }
    };
    let sensor = match &args.sensor {
        Some(name) => match crate::config::sensor::resolve(
            Some(crate::config::sensor::RawSensor {
                name: Some(name.clone()),
                ..Default::default()
            }),
            &crate::config::process_env,
        ) {
            Ok(s) => s.name,
            Err(e) => {
                let e = e.strip_prefix("sensor: ").unwrap_or(&e);
                eprintln!("error: --sensor: {}", one_line(e, 300));
                return EXIT_USAGE;
            }
        },
        None => config.sensor.name.clone(),
    };
    let record = args.record || config.sensor.record;
    if args.sensor.is_some() && !record {
        eprintln!(
            "warning: --sensor names recorded sightings; without --record (or sensor.record) nothing is recorded"
        );
    }
    // What can fail at once fails before the indicators are read.
    let printer = match output::printer(args) {
        Ok(p) => p,
        Err(e) => {
            fail(&e);
            return EXIT_USAGE;
        }
    };
    let recording = if record {
        match output::recorder(&config, no_cache, &sensor) {
            Ok(r) => Some(r),
            Err(e) => {
                fail(&e);
                return EXIT_USAGE;
            }
        }
    } else {
        None
    };
    let lists = match super::load_lists(&config, !args.no_warninglists, !args.no_allowlists) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let started = Instant::now();
    let matcher = match build(&config, no_cache, args, &lists) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {}", one_line(&e, 400));
            return EXIT_USAGE;
        }
    };
    let matcher = Arc::new(matcher);
    let built = started.elapsed();
    eprintln!(
        "{} indexed in {:.2}s",
        noun(matcher.len() as u64, "indicator"),
        built.as_secs_f64()
    );
    for (i, (name, n)) in lists.names().zip(matcher.suppressed()).enumerate() {
        if *n > 0 {
            eprintln!(
                "  {} suppressed {}: {}",
                if allowlist::is_allowlist(&lists, i) {
                    "allowlist"
                } else {
                    "warninglist"
                },
                noun(*n as u64, "indicator"),
                one_line(name, 120)
            );
        }
    }

    let pusher = recording
        .as_ref()
        .and_then(|_| output::pusher(&config, no_cache));
    let mut sink = Tee(printer, recording);
    let mut stats = ScanStats::default();
    let mut stream_stats = None;
    let scan_started = Instant::now();
    let mut failed = false;
    // From here on, SIGINT or SIGTERM ends the reading and the run says what it did.
    signals::stop_on_signal();
    if let Some(spec) = &stream {
        let refresh = watch::store_watch(&config, no_cache, args, &lists);
        let (st, r) = stream::run(
            spec,
            args,
            &sensor,
            matcher.clone(),
            refresh,
            &mut sink,
            &STOP,
        );
        stats = st.scan.clone();
        stream_stats = Some(st);
        if let Err(e) = r {
            fail(&e.to_string());
            failed = true;
        }
    } else if args.follow {
        let refresh = watch::store_watch(&config, no_cache, args, &lists);
        let res = follow::follow(
            &args.paths,
            scan::Settings {
                log: args.log_format,
                threads: 1,
                read_ahead: false,
            },
            matcher.clone(),
            refresh,
            &mut |path, why| match why {
                Some(why) => fail_soft(&why.to_string()),
                None => eprintln!("reading {}", one_line(&path.display().to_string(), 300)),
            },
            &mut sink,
            &mut stats,
            &STOP,
        );
        if let Err(e) = res {
            eprintln!("error: {e}");
            failed = true;
        }
    } else {
        failed = scan_paths(args, &matcher, &mut sink, &mut stats);
    }
    if let Err(e) = sink.flush()
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the alerts: {e}");
        failed = true;
    }
    let Tee(printer, recording) = sink;
    drop(printer);
    let mut err = io::stderr().lock();
    let stopped = signals::stopped_by();
    if let Some(sig) = stopped {
        let _ = writeln!(err, "stopped by {sig}");
    }
    summary(
        matcher.source_names(),
        &stats,
        scan_started.elapsed().as_secs_f64(),
        &mut err,
    );
    if let Some(st) = &stream_stats {
        stream::summary(st, &mut err);
    }
    if let Some(r) = recording {
        let st = r.close();
        output::recorded(&sensor, &st, &mut err);
        if st.lost > 0 {
            failed = true;
        }
    }
    // After the recorder, so the hits it wrote last go too.
    if let Some(p) = pusher {
        drop(err);
        p.close();
    }
    // A scan (not a follow or a stream, which only a signal ends) stopped before the
    // end of its input says so, as a shell reports a process the signal ended.
    let interrupted = stream.is_none() && !args.follow && stopped.is_some();
    if failed {
        2
    } else if let Some(code) = signals::interrupted_status().filter(|_| interrupted) {
        code
    } else if stats.alerts > 0 {
        EXIT_MATCH
    } else {
        EXIT_NO_MATCH
    }
}

/// Says why the run cannot go on: one line on standard error, kept in the log file.
fn fail(e: &str) {
    let line = one_line(e, 400);
    eprintln!("error: {line}");
    crate::logging::record_warning(&format!("match: {line}"));
}

/// Says what the run goes on without (a followed file that cannot be read now): one
/// line on standard error, kept in the log file.
fn fail_soft(e: &str) {
    let line = one_line(e, 400);
    eprintln!("warning: {line}");
    crate::logging::record_warning(&format!("match: {line}"));
}

/// Scans each path (standard input for none or `-`) on up to 8 threads; whether any
/// could not be read.
fn scan_paths<S: AlertSink + ?Sized>(
    args: &MatchArgs,
    matcher: &Matcher,
    sink: &mut S,
    stats: &mut ScanStats,
) -> bool {
    let mut failed = false;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let stdin = [PathBuf::from("-")];
    let paths: &[PathBuf] = if args.paths.is_empty() {
        &stdin
    } else {
        &args.paths
    };
    for p in paths {
        if STOP.load(Ordering::Relaxed) {
            break;
        }
        let shown = if p.as_os_str() == "-" {
            "-".to_owned()
        } else {
            p.display().to_string()
        };
        let input = match open(p) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", one_line(&shown, 200));
                failed = true;
                continue;
            }
        };
        // A pipe's next block may be long in coming: only files are read ahead.
        let read_ahead = p.as_os_str() != "-" && std::fs::metadata(p).is_ok_and(|m| m.is_file());
        let r = scan::scan(
            matcher,
            input,
            &shown,
            scan::Settings {
                log: args.log_format,
                threads,
                read_ahead,
            },
            sink,
            stats,
        );
        match r {
            Ok(used) => {
                tracing::debug!(file = %one_line(&shown, 200), format = used.as_str(), "scanned")
            }
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe || signals::is_stop(&e) => break,
            Err(e) => {
                eprintln!("error: reading {}: {e}", one_line(&shown, 200));
                failed = true;
            }
        }
    }
    failed
}

fn summary(names: &[Arc<str>], st: &ScanStats, secs: f64, err: &mut impl Write) {
    let mb = st.bytes as f64 / 1e6;
    let rate = if secs > 0.0 { mb / secs } else { 0.0 };
    let _ = writeln!(
        err,
        "{}, {:.1} MB in {:.2}s ({:.0} MB/s), {}, {}",
        noun(st.lines, "line"),
        mb,
        secs,
        rate,
        noun(st.events, "event"),
        noun(st.alerts, "alert")
    );
    for (name, n) in names.iter().zip(&st.per_source) {
        if *n > 0 {
            let _ = writeln!(
                err,
                "  {} on indicators from {}",
                noun(*n, "hit"),
                one_line(name, 60)
            );
        }
    }
    for s in Skip::ALL {
        let n = st.skipped[s.index()];
        if n > 0 {
            let _ = writeln!(err, "  skipped {}: {}", noun(n, "line"), s.as_str());
        }
    }
}
