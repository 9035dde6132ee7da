// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem sources`: what is configured, where it points, whether its key is set.

use std::io::Write;
use std::path::Path;

use super::table::{Align, Table};
use super::{EXIT_OK, load_config};
use crate::config::KeyUse;
use crate::config::units::format_duration;
use crate::config::{Availability, Config};
use crate::model::count::grouped;
use crate::model::sanitize::one_line;
use crate::net::redact::redact_url;
use crate::store::health::{FetchRecord, anomaly};
use crate::ui::sparkline::sparkline;

pub fn run(config_path: Option<&Path>, no_cache: bool) -> u8 {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut text = render(&config);
    use crate::store::persist::Location;
    // The fetch history, from an existing store only (never create one just to list).
    let location = Location::of(&config, no_cache);
    let label = match &location {
        Location::File(p) if p.is_file() => Some(format!("cache {}", p.display())),
        Location::Postgres(pg) => Some(format!("shared store {}", pg.redacted())),
        _ => None,
    };
    if let Some(label) = label {
        match histories(&config, &location) {
            Ok((h, by, quotas)) => {
                text.push_str(&render_history(&label, &h, &by));
                for (name, q) in quotas {
                    text.push_str(&format!("{name}: {q}\n"));
                }
            }
            Err(e) => eprintln!("warning: {e}"),
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    EXIT_OK
}

type Histories = Vec<(String, Vec<FetchRecord>)>;

/// The fetch histories, who saved each source last, and the quota lines.
type Listing = (
    Histories,
    std::collections::HashMap<String, String>,
    Vec<(String, String)>,
);

/// Each configured source's fetch history from the store, who saved each source's
/// snapshot last (a shared store only), and each rate-limited source's quota line.
fn histories(
    config: &Config,
    location: &crate::store::persist::Location,
) -> Result<Listing, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let (store, notes) = crate::store::persist::open_location(location);
    let store = store.ok_or_else(|| notes.join("; "))?;
    rt.block_on(async {
        let metas = store.metas().await.map_err(|e| e.to_string())?;
        let by = metas
            .into_iter()
            .filter_map(|(name, m)| m.fetched_by.map(|b| (name, b)))
            .collect();
        let mut out = Vec::new();
        for s in &config.sources {
            let h = store.history(s.name.clone()).await.unwrap_or_default();
            out.push((s.name.clone(), h));
        }
        let quotas = quota_lines(config, &store).await;
        Ok((out, by, quotas))
    })
}

/// `used/limit` for the minute and the day, and when the next slot frees up, of each
/// keyed rate-limited source, from the store's quota ledger.
async fn quota_lines(
    config: &Config,
    store: &crate::store::persist::SharedStore,
) -> Vec<(String, String)> {
    let Ok(ctx) = crate::sources::FetchContext::new(config) else {
        return Vec::new();
    };
    let ctx = crate::enrichment::with_store_ledger(ctx, Some(store));
    let mut out = Vec::new();
    for s in &config.sources {
        if let Some(b) = ctx.budget(&s.name).filter(|b| b.is_shared())
            && let Some(u) = b.usage().await
        {
            out.push((s.name.clone(), u.text(jiff::Timestamp::now())));
        }
    }
    out
}

/// The fetch history summary: last fetch, its outcome, success rate, a sparkline of
/// counts and any anomaly.
pub fn render_history(
    label: &str,
    histories: &[(String, Vec<FetchRecord>)],
    fetched_by: &std::collections::HashMap<String, String>,
) -> String {
    let mut s = format!("\nhistory ({label}):\n");
    let mut t = Table::new(&[
        ("NAME", Align::Left),
        ("LAST FETCH", Align::Left),
        ("OUTCOME", Align::Left),
        ("COUNT", Align::Right),
        ("OK/ALL", Align::Right),
        ("RECENT COUNTS", Align::Left),
        ("NOTE", Align::Left),
    ]);
    for (full, h) in histories {
        let name = one_line(full, 60);
        let Some(last) = h.last() else {
            t.row(vec![name, "never fetched".into()]);
            continue;
        };
        let ok = h.iter().filter(|r| r.outcome.is_success()).count();
        t.row(vec![
            name,
            crate::model::time::rfc3339(last.at),
            last.outcome.as_str().into(),
            grouped(last.count as u64),
            format!("{}/{}", grouped(ok as u64), grouped(h.len() as u64)),
            sparkline(h, 16),
            anomaly(h).map(|a| a.text()).unwrap_or_default(),
        ]);
        if let Some(by) = fetched_by.get(full) {
            t.row(vec![
                String::new(),
                format!("last saved by {}", one_line(by, 80)),
            ]);
        }
    }
    s.push_str(&t.render());
    s
}

/// The listing, one source per line. Keys appear only as `set` / `missing`.
pub fn render(config: &Config) -> String {
    let mut s = format!("config: {}\n", config.origin);
    let log = config.log_file.as_ref().map_or_else(
        || "none".to_string(),
        |p| crate::model::sanitize::sanitize(&p.display().to_string()).into_owned(),
    );
    s.push_str(&format!("log file: {log}\n"));
    let mut t = Table::new(&[
        ("NAME", Align::Left),
        ("KIND", Align::Left),
        ("STATE", Align::Left),
        ("REFRESH", Align::Right),
        ("KEY", Align::Left),
        ("URL", Align::Left),
    ]);
    for spec in &config.sources {
        let key = match spec.kind.key_use() {
            KeyUse::None => match &spec.auth {
                Some(crate::config::SourceAuth::Basic { .. }) => "auth: basic".to_string(),
                Some(crate::config::SourceAuth::Bearer(_)) => "auth: bearer".to_string(),
                None => "-".to_string(),
            },
            KeyUse::Required(k) | KeyUse::Optional(k) => {
                let set = if config.keys.get(k).is_some() {
                    "set"
                } else {
                    "missing"
                };
                let opt = if matches!(spec.kind.key_use(), KeyUse::Optional(_)) {
                    " (opt)"
                } else {
                    ""
                };
                format!("{}: {set}{opt}", k.config_field())
            }
        };
        let (state, why) = match config.availability(spec) {
            Availability::Enabled => ("enabled", String::new()),
            Availability::Disabled(why) => ("disabled", format!("  ({why})")),
        };
        let collection = spec
            .collection
            .as_deref()
            .map(|c| format!(" collection {}", one_line(c, 60)))
            .unwrap_or_default();
        t.row(vec![
            one_line(&spec.name, 60),
            spec.kind.as_str().into(),
            state.into(),
            format_duration(spec.refresh),
            key,
            format!("{}{collection}{why}", redact_url(&spec.url)),
        ]);
    }
    s.push_str(&t.render());
    s
}
