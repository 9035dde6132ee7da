// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem fetch`: every selected source once, merged, exported.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use super::table::{Align, Table};
use super::{EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, load_config};
use crate::cli::FetchArgs;
use crate::config::{Availability, Config, SourceSpec};
use crate::engine::{self, Progress, RunOutcome, SourceRun};
use crate::export;
use crate::matching::Warninglists;
use crate::model::count::{grouped, noun};
use crate::model::sanitize::one_line;
use crate::sources::FetchContext;
use crate::trust::allowlist::{self, Screened};

pub fn run(config_path: Option<&Path>, no_cache: bool, args: &FetchArgs) -> u8 {
    if args.defang && !args.format.can_defang() {
        eprintln!(
            "error: --defang applies to txt, csv and jsonl, not {}",
            args.format.as_str()
        );
        return EXIT_USAGE;
    }
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let specs = match select(&config, &args.sources) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("error: {msg}");
            return EXIT_USAGE;
        }
    };
    // Before anything is fetched or spent.
    let lists = match super::load_lists(&config, !args.no_warninglists, !args.no_allowlists) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if let Some(path) = &args.output
        && let Err(e) = super::target::check(path)
    {
        eprintln!("error: {e}");
        return EXIT_USAGE;
    }
    let rt = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let ctx = match FetchContext::new(&config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let started = Instant::now();
    let location = crate::store::persist::Location::of(&config, no_cache);
    let (cache, notes) = rt.block_on(engine::open_store(&location, Some(config.cache.retention)));
    for n in notes {
        eprintln!("warning: {n}");
    }
    let ctx = crate::enrichment::with_store_ledger(ctx, cache.as_ref());
    let mut runs = if args.offline {
        match rt.block_on(engine::run_offline(&config, cache.as_ref(), &specs)) {
            Ok(runs) => runs,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    } else {
        let enabled = specs
            .iter()
            .filter(|s| config.availability(s) == Availability::Enabled)
            .count();
        let mut line = ProgressLine::new(enabled);
        let (runs, notes) = rt.block_on(engine::run(&config, &ctx, cache.as_ref(), &specs, |p| {
            line.update(p)
        }));
        line.clear();
        for n in notes {
            eprintln!("warning: cache: {n}");
        }
        runs
    };
    let now = jiff::Timestamp::now();
    if !args.strict
        && !args.offline
        && let Some(cache) = &cache
    {
        let notes = rt.block_on(engine::fill_stale(
            cache,
            &mut runs,
            config.cache.retention,
            now,
        ));
        for n in notes {
            eprintln!("warning: cache: {n}");
        }
    }
    for r in &runs {
        if let Some(stale) = &r.stale {
            eprintln!(
                "warning: {} failed; exporting its last good snapshot ({}, fetched {}), marked stale",
                one_line(&r.name, 60),
                noun(stale.count as u64, "indicator"),
                crate::model::time::rfc3339(stale.fetched_at)
            );
        }
    }
    let nothing_fresh = !runs
        .iter()
        .any(|r| matches!(r.outcome, RunOutcome::Ok(_)) || r.stale.is_some());
    let mut store = engine::merge(&mut runs);
    if let Some(cache) = &cache {
        // Earlier look-ups' answers (a watch list's fetched before, `lookup --enrich`):
        // the exported values' enrichment, newer answers of this run kept.
        match rt.block_on(crate::store::persist::kept_answers(
            cache,
            config.cache.retention,
        )) {
            Ok(answers) => answers.into_iter().for_each(|a| store.enrich(a)),
            Err(e) => eprintln!("warning: cache: {e}"),
        }
    }
    let (_, notes) = rt.block_on(crate::store::scored::score_for_command(
        &mut store,
        &config,
        cache.as_ref(),
        now,
    ));
    for n in notes {
        eprintln!("warning: cache: {}", one_line(&n, 300));
    }
    let fit = export::fit::Fit {
        min_score: args.min_score,
        max: args.max,
        types: args.types.clone(),
        include_decayed: args.include_decayed,
    };
    // What the lists hold is left out, and counted per list.
    let screened = Screened::of(&store, &lists);
    let (entries, cut) = fit.apply(
        &store,
        store
            .iter()
            .filter(|(i, _)| !screened.holds(*i))
            .map(|(_, e)| e),
    );
    let said = cut.total() > 0 || !fit.is_default();
    if said {
        eprintln!("{}", cut.describe());
    }
    let opts = export::Options {
        format: args.format,
        defang: args.defang,
        // The formats with comments say it in their header too.
        selected: said.then_some(cut),
    };
    // `Ok(None)`: the output was left as it was.
    let written = match &args.output {
        Some(path) if nothing_fresh && !args.strict => {
            eprintln!(
                "error: no source succeeded and none has a cached snapshot: {} left as it was (--strict writes it anyway)",
                path.display()
            );
            Ok(None)
        }
        Some(path) => export::write_file(
            path,
            opts,
            &store,
            entries.iter().copied(),
            now,
            export::Replace::Yes,
        )
        .map(Some),
        None => export::write(
            opts,
            &store,
            entries.iter().copied(),
            std::io::stdout().lock(),
            now,
        )
        .map(Some),
    };
    let wrote = match &written {
        Ok(n) => n.is_some(),
        // A reader that stopped early got what it read.
        Err(e) => e.kind() == std::io::ErrorKind::BrokenPipe,
    };
    print_summary(
        &runs,
        Merged {
            count: store.len(),
            lists: &lists,
            screened: &screened,
        },
        started.elapsed().as_secs_f64(),
        args,
        wrote,
    );
    if let Ok(Some(w)) = &written {
        print_remarks(args, w);
    }
    for r in &runs {
        if let RunOutcome::Failed(e) = &r.outcome {
            let kept = if r.stale.is_some() {
                " (exported its last good snapshot)"
            } else {
                ""
            };
            crate::logging::record_warning(&format!(
                "fetch {}: {}{kept}",
                one_line(&r.name, 60),
                one_line(&e.to_string(), 300)
            ));
        }
    }
    // What the team's logs saw goes back to the sources that push (a cron job's turn).
    if !args.offline
        && let Some(cache) = &cache
    {
        super::push::once(&rt, &ctx, cache, &config);
    }
    let failed = runs
        .iter()
        .any(|r| matches!(r.outcome, RunOutcome::Failed(_)));
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            let target = args
                .output
                .as_ref()
                .map_or("standard output".into(), |p| p.display().to_string());
            eprintln!("error: cannot write {target}: {e}");
            EXIT_SOURCE_FAILED
        }
        Ok(_) if failed => EXIT_SOURCE_FAILED,
        Ok(_) => EXIT_OK,
    }
}

/// The specs to run: all of them, or the named ones (which must exist and be enabled).
fn select(config: &Config, names: &[String]) -> Result<Vec<SourceSpec>, String> {
    if names.is_empty() {
        if !config
            .sources
            .iter()
            .any(|s| config.availability(s) == Availability::Enabled)
        {
            return Err(format!(
                "nothing to fetch: every source in {} is disabled (see `intellisiem sources`)",
                config.origin
            ));
        }
        return Ok(config.sources.clone());
    }
    let mut out = Vec::new();
    for n in names {
        let spec = config.source(n).ok_or_else(|| {
            let known: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
            format!(
                "unknown source `{}` (configured: {})",
                one_line(n, 40),
                known.join(", ")
            )
        })?;
        if let Availability::Disabled(why) = config.availability(spec) {
            return Err(format!("source `{n}` is disabled: {why}"));
        }
        if !out.iter().any(|s: &SourceSpec| s.name == spec.name) {
            out.push(spec.clone());
        }
    }
    Ok(out)
}

/// A single updating status line on a terminal; silent otherwise.
struct ProgressLine {
    tty: bool,
    total: usize,
    done: usize,
    running: Vec<String>,
}

impl ProgressLine {
    fn new(total: usize) -> Self {
        ProgressLine {
            tty: std::io::stderr().is_terminal(),
            total,
            done: 0,
            running: Vec::new(),
        }
    }

    fn update(&mut self, p: Progress) {
        match p {
            Progress::Started(n) => self.running.push(n),
            Progress::Waiting { name, wait, why } => {
                // Said on its own line, on a terminal or not: a cron job's log shows
                // why a fetch took longer.
                self.clear();
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "{}: waiting {} ({})",
                    one_line(&name, 60),
                    crate::net::wait::shown(wait),
                    why.text()
                );
            }
            Progress::Finished { name, .. } => {
                self.running.retain(|r| *r != name);
                self.done += 1;
            }
        }
        if self.tty {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2Kfetching {}/{}: {}",
                self.done,
                self.total,
                one_line(&self.running.join(", "), 60)
            );
            let _ = err.flush();
        }
    }

    fn clear(&self) {
        if self.tty {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// What the format left out and what else to know, on stderr after the summary: one
/// line (`rpz: 12 written; left out 3: 3 cve (…)`), nothing when there is neither (what
/// the choice of indicators cut is said before the summary). A `suricata-iprep` export
/// to standard output says what its categories file holds, since none is written.
fn print_remarks(args: &FetchArgs, w: &export::Written) {
    let mut err = std::io::stderr().lock();
    let format = args.format.as_str();
    if let Some(r) = w.format_remarks() {
        let _ = writeln!(err, "{format}: {} written; {r}", grouped(w.count as u64));
    }
    if args.format == export::Format::SuricataIprep && args.output.is_none() {
        let _ = writeln!(
            err,
            "{format}: no categories file is written to standard output; it holds: {}",
            export::suricata_iprep::CATEGORIES.trim_end()
        );
    }
}

/// The merged set, for the summary: how many indicators, and what the lists held of them.
struct Merged<'a> {
    count: usize,
    lists: &'a Warninglists,
    screened: &'a Screened,
}

/// The summary table and its last lines: skips per source, what each list left out, and
/// the total; `wrote` says whether the output was written (else no `-> FILE` is claimed).
fn print_summary(runs: &[SourceRun], merged: Merged<'_>, secs: f64, args: &FetchArgs, wrote: bool) {
    let mut table = Table::new(&[
        ("SOURCE", Align::Left),
        ("STATUS", Align::Left),
        ("COUNT", Align::Right),
        ("SKIPPED", Align::Right),
        ("TIME", Align::Right),
    ]);
    let dash = || "-".to_string();
    for r in runs {
        let time = format!("{:.2}s", r.elapsed.as_secs_f64());
        let name = one_line(&r.name, 60);
        table.row(match &r.outcome {
            RunOutcome::Ok(out) => vec![
                name,
                if args.offline {
                    "cached"
                } else if out.not_modified {
                    "unchanged"
                } else {
                    "ok"
                }
                .into(),
                grouped(r.count as u64),
                grouped(out.batch.skipped.total() as u64),
                time,
            ],
            RunOutcome::Failed(e) => match &r.stale {
                Some(stale) => vec![
                    name,
                    "STALE".into(),
                    grouped(stale.count as u64),
                    dash(),
                    time,
                    format!(
                        "{} (exported its last good snapshot)",
                        one_line(&e.to_string(), 300)
                    ),
                ],
                None => vec![
                    name,
                    "FAILED".into(),
                    dash(),
                    dash(),
                    time,
                    one_line(&e.to_string(), 300),
                ],
            },
            RunOutcome::Disabled(why) => {
                vec![
                    name,
                    "disabled".into(),
                    dash(),
                    dash(),
                    dash(),
                    why.to_string(),
                ]
            }
        });
    }
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(table.render().as_bytes());
    for r in runs {
        if let RunOutcome::Ok(out) = &r.outcome
            && !out.batch.skipped.is_empty()
        {
            let skipped = out.batch.skipped.total();
            let _ = writeln!(
                err,
                "{}: skipped {}: {}{}",
                r.name,
                grouped(skipped as u64),
                out.batch.skipped.counts(),
                if skipped > r.count {
                    " (⚠ more than half of its records)"
                } else {
                    ""
                }
            );
        }
    }
    for (i, &n) in merged.screened.counts().iter().enumerate() {
        if n > 0 {
            let flag = if allowlist::is_allowlist(merged.lists, i) {
                "--no-allowlists"
            } else {
                "--no-warninglists"
            };
            let _ = writeln!(
                err,
                "{}: left out {} ({flag} keeps them)",
                allowlist::label(merged.lists, i, 80),
                noun(n as u64, "indicator")
            );
        }
    }
    let ok = runs
        .iter()
        .filter(|r| matches!(r.outcome, RunOutcome::Ok(_)))
        .count();
    let target = args
        .output
        .as_ref()
        .map_or("stdout".into(), |p| p.display().to_string());
    let left = merged.screened.len();
    let summary = format!(
        "{} from {} in {secs:.2}s{}",
        noun(merged.count as u64, "unique indicator"),
        noun(ok as u64, "source"),
        if left > 0 {
            format!(", {} of them left out by lists", grouped(left as u64))
        } else {
            String::new()
        }
    );
    let _ = if wrote {
        writeln!(err, "{summary} -> {target} ({})", args.format.as_str())
    } else {
        writeln!(err, "{summary}; nothing written to {target}")
    };
}
