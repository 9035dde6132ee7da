// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Enrichment: which sources can look the selected value up (asked of the source
//! registry, by capability), and where their answers go: beside the set, as the
//! value's enrichment.

use super::keymap::Mode;
use super::{App, Effect};
use crate::model::Enrichment;
use crate::model::sanitize::one_line;
use crate::sources::FetchError;
use crate::sources::registry;

/// The most marked rows one `e` looks up: each waits in the ledger for a slot, and the
/// free VirusTotal budget is 500 a day.
const ENRICH_MARKED_MAX: usize = 1000;

impl App {
    pub(super) fn with_lookup_sources(mut self) -> App {
        let mut kinds = Vec::new();
        for (i, s) in self.sources.iter().enumerate() {
            if s.enabled()
                && registry::lookup(s.spec.kind).is_some()
                && !kinds.contains(&s.spec.kind)
            {
                kinds.push(s.spec.kind);
                self.lookup_sources.push(i);
            }
        }
        self
    }

    /// `e`: looks the marked rows up when rows are marked (queued within the quota),
    /// else the selected one.
    pub(super) fn enrich(&mut self, fx: &mut Vec<Effect>) {
        // In the details, the indicator on screen; else the marked rows, if any.
        let marked = if self.mode == Mode::Details {
            Vec::new()
        } else {
            self.marked_rows()
        };
        if marked.len() > ENRICH_MARKED_MAX {
            self.notice = Some(format!(
                "{} rows marked: look-ups take at most {ENRICH_MARKED_MAX} at once (`intellisiem lookup` takes a file)",
                marked.len()
            ));
            return;
        }
        let (targets, wait): (Vec<usize>, bool) = if marked.is_empty() {
            match self.selected_entry() {
                Some(i) => (vec![i], false),
                None => return,
            }
        } else {
            (marked.iter().map(|&i| i as usize).collect(), true)
        };
        let mut asked: Vec<String> = Vec::new();
        let mut values = 0usize;
        let mut last = String::new();
        for i in targets {
            let Some(e) = self.store.get(i) else {
                continue;
            };
            let (kind, value) = (e.kind, e.value.clone());
            let mut any = false;
            for &src in &self.lookup_sources {
                let spec = &self.sources[src].spec;
                if !registry::lookup(spec.kind).is_some_and(|l| l.supports(kind, &value)) {
                    continue;
                }
                if !asked.contains(&spec.name) {
                    asked.push(spec.name.clone());
                }
                any = true;
                fx.push(Effect::Enrich {
                    source: src,
                    spec: spec.clone(),
                    kind,
                    value: value.clone(),
                    wait,
                });
            }
            if any {
                values += 1;
                last = one_line(&value, 40);
            }
        }
        self.notice = Some(if asked.is_empty() {
            if self.lookup_sources.is_empty() {
                "enrichment needs a VirusTotal or OTX key".to_string()
            } else if wait {
                "no lookup service takes the marked indicators".to_string()
            } else {
                let kind = self
                    .selected_entry()
                    .and_then(|i| self.store.get(i))
                    .map(|e| e.kind.to_string())
                    .unwrap_or_default();
                format!("no lookup service takes a {kind}")
            }
        } else if wait {
            format!(
                "looking up {values} marked indicators on {} (queued within the quota)...",
                asked.join(", ")
            )
        } else {
            format!("looking up {last} on {}...", asked.join(", "))
        });
    }

    /// A look-up ended: its answer is kept as the value's enrichment (shown in the
    /// details, exported under `enrichment`), never as a sighting of the value.
    pub(super) fn on_enrich_done(
        &mut self,
        source: usize,
        value: Box<str>,
        result: Result<Enrichment, FetchError>,
        fx: &mut Vec<Effect>,
    ) {
        let name = self
            .sources
            .get(source)
            .map_or("?", |s| s.spec.name.as_str())
            .to_string();
        let shown = one_line(&value, 60);
        match result {
            Ok(answer) => {
                self.notice = Some(match &answer.verdict {
                    Some(v) => format!("{name}: {shown}: {}", one_line(&v.summary(), 80)),
                    None => format!("{name}: {shown} is not known"),
                });
                self.enrich_store(vec![answer]);
            }
            Err(e) => {
                let text = one_line(&e.to_string(), 300);
                self.notice = Some(format!("{name}: {}", one_line(&text, 100)));
                fx.push(Effect::Log {
                    level: tracing::Level::WARN,
                    text: format!("{name}: lookup of {shown} failed: {text}"),
                });
            }
        }
        self.dirty = true;
    }
}
