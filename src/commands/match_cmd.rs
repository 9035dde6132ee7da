// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem match`: hunts for the indicator set in log files, standard input or
//! followed files. Exit status like grep: 0 something matched, 1 nothing, 2 an error
//! (usage, config, no indicators, an input that could not be read).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Instant, SystemTime};

use super::{EXIT_USAGE, load_config};
use crate::cli::MatchArgs;
use crate::config::{Availability, Config};
use crate::engine;
use crate::matching::alert::{self, AlertFormat};
use crate::matching::extract::Skip;
use crate::matching::scan::{self, ScanStats};
use crate::matching::{MatchOptions, Matcher, MatcherBuilder, Warninglists, follow, indicators};
use crate::model::sanitize::one_line;

/// Exit code: at least one event matched.
pub const EXIT_MATCH: u8 = 0;
/// Exit code: nothing matched.
pub const EXIT_NO_MATCH: u8 = 1;

/// The indicator set from the store (as `fetch --offline`), or fetched first.
fn from_store(config: &Config, no_cache: bool, fetch: bool) -> Result<MatcherBuilder, String> {
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
    let store = engine::merge(&mut runs);
    Ok(MatcherBuilder::from_store(&store))
}

fn build(
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
        let (m, st) = indicators::read(f, size, &name, lists, options)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if st.skipped > 0 {
            eprintln!(
                "warning: {} line(s) of {} were not indicators",
                st.skipped,
                one_line(&path.display().to_string(), 200)
            );
        }
        (m, st.added)
    } else {
        let b = from_store(config, no_cache, args.fetch)?;
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

/// Opens one input: `-` is standard input; `.gz` files are decompressed.
fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(io::stdin()));
    }
    let f = File::open(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        return Ok(Box::new(flate2::read::MultiGzDecoder::new(
            io::BufReader::new(f),
        )));
    }
    Ok(Box::new(f))
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
    let lists = if args.no_warninglists {
        Warninglists::none()
    } else {
        match Warninglists::load(&config.warninglists) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {}", one_line(&e.to_string(), 400));
                return EXIT_USAGE;
            }
        }
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
        "{} indicators indexed in {:.2}s",
        matcher.len(),
        built.as_secs_f64()
    );
    for (name, n) in lists.names().zip(matcher.suppressed()) {
        if *n > 0 {
            eprintln!("  warninglist suppressed {n}: {}", one_line(name, 120));
        }
    }

    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => match File::create(p) {
            Ok(f) => Box::new(BufWriter::with_capacity(1 << 20, f)),
            Err(e) => {
                eprintln!(
                    "error: cannot write {}: {e}",
                    one_line(&p.display().to_string(), 200)
                );
                return EXIT_USAGE;
            }
        },
        None => Box::new(BufWriter::with_capacity(1 << 20, io::stdout().lock())),
    };
    if args.format == AlertFormat::ZeekIntel && alert::zeek_header(&mut out).is_err() {
        return EXIT_USAGE;
    }
    let mut stats = ScanStats::default();
    let scan_started = Instant::now();
    let mut failed = false;
    if args.follow {
        let stop = AtomicBool::new(false);
        let mut refresh = store_watch(&config, no_cache, args, &lists);
        let res = follow::follow(
            &args.paths,
            scan::Settings {
                log: args.log_format,
                format: args.format,
                threads: 1,
                read_ahead: false,
            },
            matcher.clone(),
            &mut refresh,
            &mut out,
            &mut stats,
            &stop,
        );
        if let Err(e) = res {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    } else {
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
            let read_ahead =
                p.as_os_str() != "-" && std::fs::metadata(p).is_ok_and(|m| m.is_file());
            let r = scan::scan(
                &matcher,
                input,
                &shown,
                scan::Settings {
                    log: args.log_format,
                    format: args.format,
                    threads,
                    read_ahead,
                },
                &mut out,
                &mut stats,
            );
            match r {
                Ok(used) => {
                    tracing::debug!(file = %one_line(&shown, 200), format = used.as_str(), "scanned")
                }
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => break,
                Err(e) => {
                    eprintln!("error: reading {}: {e}", one_line(&shown, 200));
                    failed = true;
                }
            }
        }
    }
    if let Err(e) = out.flush()
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the alerts: {e}");
        failed = true;
    }
    summary(
        matcher.source_names(),
        &stats,
        scan_started.elapsed().as_secs_f64(),
        &mut io::stderr().lock(),
    );
    if failed {
        2
    } else if stats.alerts > 0 {
        EXIT_MATCH
    } else {
        EXIT_NO_MATCH
    }
}

/// What `--follow` watches for a newer indicator set: the `--indicators` file or the
/// SQLite store (their modification times), or a team's PostgreSQL store (its sources'
/// fetch times and counts, asked every few seconds).
enum Watched {
    File(PathBuf),
    Shared {
        rt: tokio::runtime::Runtime,
        store: crate::store::persist::SharedStore,
    },
    Nothing,
}

/// A token that changes when the watched set does.
#[derive(PartialEq, Eq)]
enum Version {
    Modified(SystemTime),
    Fetched(Vec<(String, Option<i64>, usize)>),
}

impl Watched {
    fn of(config: &Config, no_cache: bool, args: &MatchArgs) -> Watched {
        use crate::store::persist::{Location, open_location};
        if let Some(p) = &args.indicators {
            return Watched::File(p.clone());
        }
        match Location::of(config, no_cache) {
            Location::File(p) => Watched::File(p),
            loc @ Location::Postgres(_) => {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                match (rt, open_location(&loc).0) {
                    (Ok(rt), Some(store)) => Watched::Shared { rt, store },
                    _ => Watched::Nothing,
                }
            }
            Location::None => Watched::Nothing,
        }
    }

    /// The current version; `None` when it cannot be read (the store is away).
    fn version(&self) -> Option<Version> {
        match self {
            // SQLite in WAL mode writes the `-wal` file first: watch both.
            Watched::File(p) => {
                let one = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
                let mut wal = p.as_os_str().to_owned();
                wal.push("-wal");
                one(p).max(one(Path::new(&wal))).map(Version::Modified)
            }
            Watched::Shared { rt, store } => {
                let metas = rt.block_on(store.metas()).ok()?;
                let mut v: Vec<(String, Option<i64>, usize)> = metas
                    .into_iter()
                    .map(|(name, m)| (name, m.fetched_at.map(|t| t.as_second()), m.count))
                    .collect();
                v.sort();
                Some(Version::Fetched(v))
            }
            Watched::Nothing => None,
        }
    }
}

/// A refresh check for `--follow`: when the watched set changes (see [`Watched`]), the
/// matcher is rebuilt; checked at most every two seconds.
fn store_watch<'a>(
    config: &'a Config,
    no_cache: bool,
    args: &'a MatchArgs,
    lists: &'a Warninglists,
) -> impl FnMut() -> Option<Arc<Matcher>> + 'a {
    let watched = Watched::of(config, no_cache, args);
    let mut last = watched.version();
    let mut checked = Instant::now();
    move || {
        if checked.elapsed() < std::time::Duration::from_secs(2) {
            return None;
        }
        checked = Instant::now();
        let now = watched.version();
        if now == last || now.is_none() {
            return None;
        }
        last = now;
        match build(config, no_cache, args, lists) {
            Ok(m) => {
                eprintln!("indicator set refreshed: {} indicators", m.len());
                Some(Arc::new(m))
            }
            Err(e) => {
                eprintln!(
                    "warning: keeping the previous indicator set: {}",
                    one_line(&e, 300)
                );
                None
            }
        }
    }
}

fn summary(names: &[Arc<str>], st: &ScanStats, secs: f64, err: &mut impl Write) {
    let mb = st.bytes as f64 / 1e6;
    let rate = if secs > 0.0 { mb / secs } else { 0.0 };
    let _ = writeln!(
        err,
        "{} lines, {:.1} MB in {:.2}s ({:.0} MB/s), {} events, {} alerts",
        st.lines, mb, secs, rate, st.events, st.alerts
    );
    for (name, n) in names.iter().zip(&st.per_source) {
        if *n > 0 {
            let _ = writeln!(
                err,
                "  {n} hit(s) on indicators from {}",
                one_line(name, 60)
            );
        }
    }
    for s in Skip::ALL {
        let n = st.skipped[s.index()];
        if n > 0 {
            let _ = writeln!(err, "  skipped {n} line(s): {}", s.as_str());
        }
    }
}
