// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Enrichment: which sources can look the selected value up (asked of the source
//! registry, by capability), and what their answers change.

use super::rows::Mutation;
use super::{App, Effect};
use crate::model::sanitize::one_line;
use crate::model::{IndicatorType, Sighting};
use crate::sources::FetchError;
use crate::sources::registry;

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

    pub(super) fn enrich(&mut self, fx: &mut Vec<Effect>) {
        let Some(e) = self.selected_entry().and_then(|i| self.store.get(i)) else {
            return;
        };
        let (kind, value) = (e.kind, e.value.clone());
        let mut asked = Vec::new();
        for &src in &self.lookup_sources {
            let spec = self.sources[src].spec.clone();
            let supported = registry::lookup(spec.kind).is_some_and(|l| l.supports(kind, &value));
            if supported {
                asked.push(spec.name.clone());
                fx.push(Effect::Enrich {
                    source: src,
                    spec,
                    kind,
                    value: value.clone(),
                });
            }
        }
        self.notice = Some(if asked.is_empty() {
            if self.lookup_sources.is_empty() {
                "enrichment needs a VirusTotal or OTX key".to_string()
            } else {
                format!("no lookup service takes a {kind}")
            }
        } else {
            format!(
                "looking up {} on {}...",
                one_line(&value, 40),
                asked.join(", ")
            )
        });
    }

    pub(super) fn on_enrich_done(
        &mut self,
        source: usize,
        kind: IndicatorType,
        value: Box<str>,
        result: Result<Option<Sighting>, FetchError>,
        fx: &mut Vec<Effect>,
    ) {
        let name = self
            .sources
            .get(source)
            .map_or("?", |s| s.spec.name.as_str())
            .to_string();
        let shown = one_line(&value, 60);
        match result {
            Ok(Some(s)) => {
                self.notice = Some(format!("{name}: enriched {shown}"));
                self.enrichments
                    .retain(|(src, e)| !(*src == source && e.kind == kind && e.value == value));
                self.enrichments.push((source, s.clone()));
                self.mutate(Mutation::Add(source, s), fx);
            }
            Ok(None) => {
                self.notice = Some(format!("{name}: {shown} is not known"));
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
