// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem lookup`: for each value, every indicator of the local set that covers
//! it, as `match` would hit it (the value itself, a range around an address, a parent
//! domain, a URL's host; each with its sources, threat, first/last seen) and whether a
//! warninglist holds it; with `--enrich`, the
//! VirusTotal and OTX verdicts, through the store's answers (reused within
//! `enrich_ttl`) and its quota ledger. Before spending, the cost is printed and, on a
//! terminal without `--yes`, confirmed. Exit 0 all looked up, 1 some failed, 2 usage.

mod input;
mod local;
mod report;

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;

use super::{EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, load_config};
use crate::cli::{LookupArgs, LookupFormat};
use crate::config::{Availability, Config, SourceSpec};
use crate::engine;
use crate::enrichment::{Enricher, with_store_ledger};
use crate::matching::Warninglists;
use crate::model::count::{grouped, noun};
use crate::model::time::format_duration;
use crate::sources::{FetchContext, registry};
use crate::store::persist::{Location, SharedStore};
use crate::store::set::Store;
use report::{Row, Verdict};

/// Look-ups in flight at once (the rate-limited ones still wait for their budget).
const PARALLEL: usize = 8;

pub fn run(config_path: Option<&Path>, no_cache: bool, args: &LookupArgs) -> u8 {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let stdin_tty = std::io::stdin().is_terminal();
    let inputs = match input::read(&args.inputs, &mut std::io::stdin().lock()) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    for b in &inputs.bad {
        eprintln!("error: {b}");
    }
    for w in &inputs.warnings {
        eprintln!("warning: {w}");
    }
    if inputs.items.is_empty() && inputs.bad.is_empty() {
        eprintln!("error: no values to look up");
        return EXIT_USAGE;
    }
    let rt = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let location = Location::of(&config, no_cache);
    let (store, notes) = rt.block_on(engine::open_store(&location, None));
    for n in notes {
        eprintln!("warning: {n}");
    }
    let set = match &store {
        Some(s) => {
            let mut set = rt.block_on(local_set(&config, s));
            let (_, notes) = rt.block_on(crate::store::scored::score_for_command(
                &mut set,
                &config,
                Some(s),
                jiff::Timestamp::now(),
            ));
            for n in notes {
                eprintln!("warning: cache: {n}");
            }
            set
        }
        None => {
            eprintln!(
                "warning: no store (--no-cache or cache.path: none): the local set is not consulted"
            );
            Store::new()
        }
    };
    let lists = Warninglists::load(&config.warninglists).unwrap_or_else(|e| {
        eprintln!("warning: {e}; only the built-in warninglist applies");
        Warninglists::load(&[]).unwrap_or_else(|_| Warninglists::none())
    });
    let list_names: Vec<&str> = lists.names().collect();
    let index = local::index(&set);
    let mut hits = Vec::new();
    let mut rows: Vec<Row> = inputs
        .items
        .into_iter()
        .map(|item| Row {
            local: {
                let mut l = local::of(&index, &item, &mut hits);
                local::scores(&set, &mut l);
                l
            },
            warninglist: lists
                .suppresses(item.kind, &item.value)
                .and_then(|i| list_names.get(i))
                .map(|n| n.to_string()),
            item,
            verdicts: Vec::new(),
        })
        .collect();
    drop(index);
    let mut failed = !inputs.bad.is_empty();
    let mut services: Vec<String> = Vec::new();
    if args.enrich {
        match enrich(&rt, &config, store, &mut rows, args, stdin_tty) {
            Ok((names, any_failed)) => {
                services = names;
                failed |= any_failed;
            }
            Err(code) => return code,
        }
    }
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        LookupFormat::Table
    } else {
        LookupFormat::Jsonl
    });
    let mut text = String::new();
    match format {
        LookupFormat::Table => text = report::table(&rows, &services),
        LookupFormat::Jsonl => {
            for r in &rows {
                text.push_str(&report::jsonl(r, &services));
                text.push('\n');
            }
        }
        LookupFormat::Csv => {
            text = report::csv_text(
                std::iter::once(report::csv_header(&services))
                    .chain(rows.iter().flat_map(report::csv)),
            )
        }
    }
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return EXIT_SOURCE_FAILED;
    }
    if failed { EXIT_SOURCE_FAILED } else { EXIT_OK }
}

/// Every stored snapshot, merged.
async fn local_set(config: &Config, store: &SharedStore) -> Store {
    match engine::run_offline(config, Some(store), &config.sources).await {
        Ok(mut runs) => engine::merge(&mut runs),
        Err(e) => {
            eprintln!("warning: the local set cannot be read: {e}");
            Store::new()
        }
    }
}

/// The enabled look-up services, one per kind, in config order.
fn services(config: &Config) -> Vec<&SourceSpec> {
    let mut out: Vec<&SourceSpec> = Vec::new();
    for s in &config.sources {
        if config.availability(s) == Availability::Enabled
            && registry::lookup(s.kind).is_some()
            && !out.iter().any(|o| o.kind == s.kind)
        {
            out.push(s);
        }
    }
    out
}

/// Asks the services about every row but the warninglisted ones (unless
/// `--enrich-listed`). Returns the services' names and whether any look-up failed;
/// `Err` is an exit code (no service, or the user said no).
fn enrich(
    rt: &tokio::runtime::Runtime,
    config: &Config,
    store: Option<SharedStore>,
    rows: &mut [Row],
    args: &LookupArgs,
    stdin_tty: bool,
) -> Result<(Vec<String>, bool), u8> {
    let specs = services(config);
    if specs.is_empty() {
        eprintln!(
            "error: --enrich needs a VirusTotal or OTX key (INTELLISIEM_VT_API_KEY, INTELLISIEM_OTX_API_KEY)"
        );
        return Err(EXIT_USAGE);
    }
    let ctx = match FetchContext::new(config) {
        Ok(c) => with_store_ledger(c, store.as_ref()),
        Err(e) => {
            eprintln!("error: {e}");
            return Err(EXIT_USAGE);
        }
    };
    let enricher = Enricher::new(ctx);
    let now = jiff::Timestamp::now();
    // Answers kept in the store first; what is left costs requests.
    let mut jobs: Vec<(usize, usize)> = Vec::new();
    let mut listed = 0usize;
    for (ri, row) in rows.iter_mut().enumerate() {
        // A warninglisted value (a resolver, a documentation range) is not worth quota.
        let skip = row.warninglist.clone().filter(|_| !args.enrich_listed);
        listed += usize::from(skip.is_some());
        for (si, spec) in specs.iter().enumerate() {
            let supports = registry::lookup(spec.kind)
                .is_some_and(|l| l.supports(row.item.kind, &row.item.value));
            let verdict = if !supports {
                Verdict::NotAsked
            } else if let Some(list) = &skip {
                Verdict::Listed(list.clone())
            } else {
                match rt.block_on(enricher.cached(spec, row.item.kind, &row.item.value, now)) {
                    Some(a) => verdict(Ok(a)),
                    None => {
                        jobs.push((ri, si));
                        Verdict::NotAsked
                    }
                }
            };
            row.verdicts.push(verdict);
        }
    }
    if listed > 0 {
        eprintln!(
            "{listed} warninglisted value{} not looked up (--enrich-listed asks about them)",
            if listed == 1 { "" } else { "s" }
        );
    }
    let mut costly = false;
    for (si, spec) in specs.iter().enumerate() {
        let Some(budget) = enricher.context().budget(&spec.name) else {
            continue;
        };
        let n = jobs.iter().filter(|(_, s)| *s == si).count();
        if n == 0 {
            continue;
        }
        costly = true;
        let limits = budget.limits();
        let left = rt
            .block_on(enricher.usage(spec))
            .map_or(limits.per_day, |u| u.left_today());
        eprintln!("{}: {}", spec.name, cost_text(n, left, limits.per_minute));
    }
    if costly && !args.yes && stdin_tty && !confirm() {
        eprintln!("nothing looked up, nothing spent");
        return Err(EXIT_SOURCE_FAILED);
    }
    let bar = progress(jobs.len());
    let answers: Vec<_> = rt.block_on(
        futures_util::stream::iter(jobs.iter().map(|&(ri, si)| {
            let (e, spec, item, bar) = (&enricher, specs[si], &rows[ri].item, &bar);
            async move {
                let a = e.lookup(spec, item.kind, &item.value, true).await;
                bar.inc(1);
                a
            }
        }))
        .buffered(PARALLEL)
        .collect(),
    );
    bar.finish_and_clear();
    let mut failed = false;
    for (&(ri, si), answer) in jobs.iter().zip(answers) {
        if let Err(e) = &answer {
            failed = true;
            eprintln!(
                "error: {}: {}: {}",
                specs[si].name,
                crate::model::sanitize::one_line(&rows[ri].item.value, 80),
                crate::model::sanitize::one_line(&e.to_string(), 200)
            );
        }
        rows[ri].verdicts[si] = verdict(answer);
    }
    Ok((specs.iter().map(|s| s.name.clone()).collect(), failed))
}

fn verdict(a: Result<crate::enrichment::Answer, crate::sources::FetchError>) -> Verdict {
    match a {
        Ok(a) => match a.answer.verdict {
            Some(verdict) => Verdict::Found {
                verdict,
                at: a.answer.at,
                cached: a.cached,
            },
            None => Verdict::Unknown {
                at: a.answer.at,
                cached: a.cached,
            },
        },
        Err(e) => Verdict::Failed(e.to_string()),
    }
}

/// `37 look-ups: 37 of 412 left today; at 4/min about 9m15s`.
pub fn cost_text(n: usize, left: u32, per_minute: u32) -> String {
    let fit = n.min(left as usize);
    let secs = (fit as u64 * 60).div_ceil(u64::from(per_minute.max(1)));
    let mut s = format!(
        "{}: {} of {} left today; at {}/min about {}",
        noun(n as u64, "look-up"),
        grouped(fit as u64),
        grouped(u64::from(left)),
        grouped(u64::from(per_minute)),
        format_duration(Duration::from_secs(secs))
    );
    if n > fit {
        s.push_str(&format!(
            "; {} will fail until the quota resets",
            grouped((n - fit) as u64)
        ));
    }
    s
}

/// Asks on the terminal whether to go on.
fn confirm() -> bool {
    eprint!("spend them? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}

/// A progress bar on a terminal's standard error; hidden otherwise.
fn progress(n: usize) -> indicatif::ProgressBar {
    if n == 0 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:30} {pos}/{len} look-ups, {elapsed} (about {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cost_reads_as_the_issue_writes_it() {
        assert_eq!(
            cost_text(37, 412, 4),
            "37 look-ups: 37 of 412 left today; at 4/min about 9m15s"
        );
        assert_eq!(
            cost_text(5, 2, 4),
            "5 look-ups: 2 of 2 left today; at 4/min about 30s; 3 will fail until the quota resets"
        );
        assert_eq!(
            cost_text(1, 0, 4),
            "1 look-up: 0 of 0 left today; at 4/min about 0s; 1 will fail until the quota resets"
        );
        assert_eq!(
            cost_text(12_000, 30_000, 1_000),
            "12,000 look-ups: 12,000 of 30,000 left today; at 1,000/min about 12m"
        );
    }
}
