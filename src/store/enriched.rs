// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The look-up services' answers about indicators, held beside the merged set: an
//! indicator's enrichment (VirusTotal's verdict, OTX's pulses), never a source's
//! sighting of it, so it adds nothing to the indicator's sources, tags or dates.

use std::collections::HashMap;

use crate::model::{Enrichment, IndicatorType, VtStats};

/// The answers by value: the latest of each service, in the order the services first
/// answered.
#[derive(Debug, Clone, Default)]
pub struct Enrichments {
    /// By value; an entry's few answers also carry the type (a hash and a domain may
    /// share a text, if only in hostile data).
    by_value: HashMap<Box<str>, Vec<Enrichment>>,
}

impl Enrichments {
    /// Keeps `answer`, replacing an older answer of the same service about the same
    /// value (a newer one already kept stays).
    pub fn put(&mut self, answer: Enrichment) {
        let list = self.by_value.entry(answer.value.clone()).or_default();
        match list
            .iter_mut()
            .find(|e| e.kind == answer.kind && e.service == answer.service)
        {
            Some(e) if e.at <= answer.at => *e = answer,
            Some(_) => {}
            None => list.push(answer),
        }
    }

    /// Every service's answer about `(kind, value)`.
    pub fn of<'a>(
        &'a self,
        kind: IndicatorType,
        value: &str,
    ) -> impl Iterator<Item = &'a Enrichment> + 'a {
        self.by_value
            .get(value)
            .into_iter()
            .flatten()
            .filter(move |e| e.kind == kind)
    }

    /// VirusTotal's counts on `(kind, value)`, if it was asked and knows the value.
    pub fn virustotal(&self, kind: IndicatorType, value: &str) -> Option<&VtStats> {
        self.of(kind, value)
            .find_map(|e| e.verdict.as_ref()?.virustotal.as_ref())
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.by_value.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_value.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Verdict;

    fn answer(service: &str, at: i64, malicious: u32) -> Enrichment {
        Enrichment {
            kind: IndicatorType::Domain,
            value: "evil.example".into(),
            service: service.into(),
            at: jiff::Timestamp::from_second(at).unwrap(),
            verdict: Some(Verdict {
                virustotal: Some(VtStats {
                    malicious,
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn the_latest_answer_of_each_service_is_kept() {
        let mut e = Enrichments::default();
        e.put(answer("vt", 10, 1));
        e.put(answer("otx", 10, 0));
        e.put(answer("vt", 20, 5));
        e.put(answer("vt", 15, 9));
        assert_eq!(e.len(), 2);
        assert_eq!(
            e.virustotal(IndicatorType::Domain, "evil.example")
                .map(|v| v.malicious),
            Some(5)
        );
        assert_eq!(e.of(IndicatorType::Md5, "evil.example").count(), 0);
        let services: Vec<&str> = e
            .of(IndicatorType::Domain, "evil.example")
            .map(|a| &*a.service)
            .collect();
        assert_eq!(services, ["vt", "otx"]);
    }
}
