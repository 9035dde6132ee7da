// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The numbers of a report ([`Brief`]), as read from the store: every figure a
//! section shows, its chart's data and its table, in one typed value that each output
//! (`json`, `md`, `html`, `pdf`) renders. Values are held as stored (live); the
//! human-readable outputs defang them with [`Brief::defanged`].
//!
//! Times are UTC instants (RFC 3339 in JSON); the period's time zone names how the
//! outputs print them and where days begin.

use jiff::Timestamp;
use serde::Serialize;

/// Everything one report says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Brief {
    /// When it was made.
    pub generated: Timestamp,
    pub period: Period,
    /// The sources the report covers (`--source`; every configured source when none).
    pub sources: Vec<String>,
    /// The sensors whose hits it counts (`--sensor`; empty: every sensor).
    pub sensors: Vec<String>,
    pub summary: Summary,
    pub hits: HitsOverTime,
    pub efficacy: Vec<Efficacy>,
    pub overlap: Overlap,
    pub health: Vec<Health>,
    pub kev: Vec<KevEntry>,
    pub appendix: Appendix,
}

/// The period a report covers: `[from, to)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub from: Timestamp,
    pub to: Timestamp,
    /// The IANA name of the zone days are counted in (`UTC` unless `TZ` says).
    pub time_zone: String,
    /// The chart's bucket: an hour for periods of 2 days or less, else a day.
    pub bucket: Bucket,
}

/// The width of one bar of a time chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    Hour,
    Day,
}

/// Section 1: the figures on the first page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Hits (stored (event, field, indicator) rows) whose event time is in the period.
    pub hits: u64,
    /// Hits in the period of the same length just before.
    pub hits_previous: u64,
    /// `(hits − hits_previous) / hits_previous`, in percent; `None` when there were none
    /// before.
    pub hits_change_percent: Option<f64>,
    /// Distinct indicators the covered sources hold now.
    pub indicators_held: u64,
    /// Of those, the ones first stored in the period.
    pub indicators_new: u64,
    /// Sources whose last fetch failed, by name.
    pub sources_failing: Vec<String>,
    /// Hits in the period with no triage mark on the hit or its indicator.
    pub untriaged_hits: u64,
}

/// Section 2: hits over time, stacked by indicator type, and who was involved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitsOverTime {
    /// The stacked series' names: indicator types as the store names them (`ipv4`,
    /// `domain`, ...), in a fixed order, only those with a hit.
    pub types: Vec<String>,
    /// One bar per bucket of the period, oldest first, empty buckets included.
    pub buckets: Vec<TimeCount>,
    /// The 20 indicators hit most, most first (ties: latest hit first, then value).
    pub top_indicators: Vec<TopIndicator>,
    /// The internal hosts involved most, most first (at most 20).
    pub top_hosts: Vec<TopHost>,
}

/// One bar: the hits in `[start, start + bucket)`, one count per [`HitsOverTime::types`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeCount {
    pub start: Timestamp,
    pub counts: Vec<u64>,
}

/// A row of the top-indicators table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopIndicator {
    /// As stored (live); defanged by [`Brief::defanged`].
    pub value: String,
    /// The store's type name.
    pub r#type: String,
    pub sources: Vec<String>,
    pub hits: u64,
    pub first_hit: Timestamp,
    pub last_hit: Timestamp,
    pub sensors: Vec<String>,
    /// The threat a source names, if any.
    pub threat: Option<String>,
}

/// A row of the top-hosts table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopHost {
    /// The internal side of the event (see `LogHit::host`).
    pub host: String,
    pub hits: u64,
    /// Distinct indicators it touched.
    pub indicators: u64,
}

/// Section 3: does a source earn its keep in our logs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Efficacy {
    pub source: String,
    pub indicators: u64,
    /// Of its indicators, those with at least one stored hit, ever.
    pub indicators_hit: u64,
    /// `indicators_hit · 10 000 / indicators` (0 when it holds none).
    pub hits_per_10k: f64,
    /// Hits in the period on its indicators.
    pub hits: u64,
    /// Indicators of its hit that an analyst marked a true positive.
    pub confirmed: u64,
    /// ... and a false positive.
    pub false_positives: u64,
    /// Hits on its indicators found by a retro-hunt (events older than the indicator).
    pub retro_finds: u64,
}

/// Section 4: which sources say the same thing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    /// Row and column order of `shared`.
    pub sources: Vec<String>,
    /// `shared[i][j]`: indicators both `sources[i]` and `sources[j]` hold; the diagonal
    /// is what each holds.
    pub shared: Vec<Vec<u64>>,
    /// Per source, in `sources` order.
    pub per_source: Vec<SourceOverlap>,
}

/// One source against the others and the lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceOverlap {
    pub source: String,
    /// Indicators no other covered source holds.
    pub unique: u64,
    /// `unique / held`, in percent (0 when it holds none).
    pub unique_percent: f64,
    /// Indicators a warninglist names (known benign: resolvers, CDNs, ...).
    pub on_warninglists: u64,
    /// Indicators one of the configured allowlists names.
    pub on_allowlists: u64,
}

/// Section 5: how a source's fetches went in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    pub source: String,
    pub fetches: u64,
    /// Failed fetches by outcome (`auth_error`, `network_error`, ...), most first.
    pub failures: Vec<(String, u64)>,
    /// The longest run of failures, from the first failed fetch to the next success (or
    /// the period's end), in seconds.
    pub longest_outage_secs: u64,
    /// Median duration of its fetches, in milliseconds; `None` without a fetch.
    pub median_fetch_ms: Option<u64>,
    /// Records skipped by its parser, by reason, most first.
    pub skipped: Vec<(String, u64)>,
    /// The state strip: one cell per bucket of the period, oldest first.
    pub strip: Vec<StripCell>,
}

/// One cell of a source's state strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StripCell {
    /// No fetch in the bucket.
    None,
    /// Every fetch succeeded.
    Ok,
    /// Some failed, some succeeded.
    Mixed,
    /// Every fetch failed.
    Failed,
}

/// Section 6: a known-exploited vulnerability CISA added in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KevEntry {
    pub cve: String,
    pub vendor: String,
    pub product: String,
    pub name: String,
    pub date_added: Timestamp,
    /// CISA's `dueDate`, when given.
    pub due_date: Option<String>,
    pub ransomware: bool,
}

/// Section 7: how the figures came about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Appendix {
    /// The configured sources: name, kind, URL without credentials, refresh.
    pub sources: Vec<SourceLine>,
    /// One line per figure: how it was computed.
    pub method: Vec<(String, String)>,
    /// Where the store is (a path, or a URL without credentials).
    pub store: String,
}

/// A configured source as the appendix lists it (no secret).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceLine {
    pub name: String,
    pub kind: String,
    pub url: Option<String>,
    pub refresh_secs: u64,
    pub weight: u8,
}

impl Brief {
    /// The same brief for the human-readable outputs: every indicator value defanged
    /// ([`crate::export::defang::defang`]), and in every string that came from outside
    /// (values, threats, sensors, hosts, KEV fields) each character that could reorder or
    /// hide text (bidi controls, zero-width and other format characters) shown as its
    /// escape ([`crate::model::sanitize::sanitize`]).
    pub fn defanged(&self) -> Brief {
        let mut out = self.clone();
        for t in &mut out.hits.top_indicators {
            clean(&mut t.value);
            if let Ok(kind) = t.r#type.parse::<crate::model::IndicatorType>() {
                t.value = crate::export::defang::defang(kind, &t.value);
            }
            t.threat.iter_mut().for_each(clean);
            t.sources.iter_mut().for_each(clean);
            t.sensors.iter_mut().for_each(clean);
        }
        out.sensors.iter_mut().for_each(clean);
        for h in &mut out.hits.top_hosts {
            clean(&mut h.host);
        }
        for k in &mut out.kev {
            for s in [&mut k.cve, &mut k.vendor, &mut k.product, &mut k.name] {
                clean(s);
            }
            k.due_date.iter_mut().for_each(clean);
        }
        out
    }
}

/// `s` with its unsafe characters escaped, in place.
fn clean(s: &mut String) {
    if s.contains(['\n', '\r', '\t']) {
        *s = s.replace(['\n', '\r', '\t'], " ");
    }
    if let std::borrow::Cow::Owned(o) = crate::model::sanitize::sanitize(s) {
        *s = o;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_readable_brief_is_defanged_and_shows_hidden_characters() {
        let mut b = crate::report::sample::brief();
        b.hits.top_indicators[0].threat = Some("Emo\u{202e}tet".into());
        b.kev[0].vendor = "Ac\u{200b}me".into();
        let d = b.defanged();
        assert_eq!(d.hits.top_indicators[0].value, "198[.]51[.]100[.]23");
        let threat = d.hits.top_indicators[0].threat.as_deref().unwrap();
        assert!(
            !threat.contains('\u{202e}') && threat.starts_with("Emo"),
            "{threat}"
        );
        assert!(!d.kev[0].vendor.contains('\u{200b}'));
        // The numbers' brief keeps what the store holds.
        assert_eq!(b.hits.top_indicators[0].value, "198.51.100.23");
    }
}
