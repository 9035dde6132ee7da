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
            Ok((h, by, quotas, pushes)) => {
                text.push_str(&render_history(&label, &h, &by));
                for (name, q) in quotas {
                    text.push_str(&format!("{name}: {q}\n"));
                }
                text.push_str(&render_pushes(&pushes, jiff::Timestamp::now()));
            }
            Err(e) => eprintln!("warning: {e}"),
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    EXIT_OK
}

type Histories = Vec<(String, Vec<FetchRecord>)>;

/// Each pushing source's push-back state (`None`: never pushed).
type Pushes = Vec<(String, Option<crate::store::persist::PushRow>)>;

/// The fetch histories, who saved each source last, the quota lines, and the pushes.
type Listing = (
    Histories,
    std::collections::HashMap<String, String>,
    Vec<(String, String)>,
    Pushes,
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
        let mut states: std::collections::HashMap<_, _> = store
            .push_states()
            .await
            .unwrap_or_default()
            .into_iter()
            .collect();
        let pushes = config
            .sources
            .iter()
            .filter(|s| s.push.is_some())
            .map(|s| (s.name.clone(), states.remove(&s.name)))
            .collect();
        Ok((out, by, quotas, pushes))
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

/// The push-back of each source with `push: true`: its last push (when it ended, the
/// sightings it pushed, how it ended), the sightings pushed in all, and who pushes it
/// now. Empty when no source pushes.
pub fn render_pushes(pushes: &Pushes, now: jiff::Timestamp) -> String {
    if pushes.is_empty() {
        return String::new();
    }
    let mut s = String::from("\npush-back:\n");
    let mut t = Table::new(&[
        ("NAME", Align::Left),
        ("LAST PUSH", Align::Left),
        ("PUSHED", Align::Right),
        ("IN ALL", Align::Right),
        ("RESULT", Align::Left),
    ]);
    for (name, row) in pushes {
        let name = one_line(name, 60);
        let Some(row) = row.as_ref() else {
            t.row(vec![name, "never pushed".into()]);
            continue;
        };
        let result = match &row.last_error {
            Some(e) => format!("failed: {}", one_line(e, 200)),
            None if row.last_at.is_some() => "ok".to_string(),
            None => String::new(),
        };
        let running = !row.holder.is_empty() && row.lease_until >= now.as_millisecond();
        let result = if running {
            format!("pushing now ({}) {result}", one_line(&row.holder, 80))
        } else {
            result
        };
        t.row(vec![
            name,
            row.last_time()
                .map_or_else(|| "never pushed".into(), crate::model::time::rfc3339),
            grouped(row.last_count),
            grouped(row.total),
            result.trim().to_string(),
        ]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::persist::PushRow;

    #[test]
    fn each_pushing_source_shows_its_last_push_and_result() {
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let ms = now.as_millisecond();
        let pushes = vec![
            (
                "ourmisp".to_string(),
                Some(PushRow {
                    last_at: Some(ms - 60_000),
                    last_count: 12,
                    total: 3_400,
                    ..PushRow::default()
                }),
            ),
            (
                "isac".to_string(),
                Some(PushRow {
                    last_at: Some(ms),
                    last_error: Some("HTTP 403: denied\nfor you".into()),
                    holder: "soc@edge pid 7 #0001".into(),
                    lease_until: ms + 1,
                    ..PushRow::default()
                }),
            ),
            ("fresh".to_string(), None),
        ];
        let text = render_pushes(&pushes, now);
        let line = |name: &str| {
            text.lines()
                .find(|l| l.starts_with(name))
                .unwrap()
                .to_string()
        };
        assert!(text.starts_with("\npush-back:\n"), "{text}");
        let misp = line("ourmisp");
        assert!(
            misp.contains("2027-01-15T07:59:00Z") && misp.contains("12"),
            "{misp}"
        );
        assert!(misp.contains("3,400") && misp.ends_with("ok"), "{misp}");
        let isac = line("isac");
        assert!(
            isac.contains("pushing now (soc@edge pid 7 #0001)"),
            "{isac}"
        );
        assert!(isac.contains("failed: HTTP 403: denied for you"), "{isac}");
        assert!(line("fresh").contains("never pushed"));
        assert_eq!(render_pushes(&Vec::new(), now), "");
    }
}
