// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The one column table, [`COLUMNS`]: what each column of an indicator holds, how wide
//! the dashboard draws it, the order it sorts by, and its name in exports. Plain data, so
//! the dashboard (`ui::columns`) and the exports both read it without depending on each
//! other.

use super::sort::SortKey;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The indicator type (`ipv4`, `domain`, ...).
    Type,
    /// The indicator itself.
    Value,
    /// The sources that report it.
    Sources,
    /// The earliest first-seen time any source gives.
    FirstSeen,
    /// The latest last-seen time any source gives.
    LastSeen,
    /// The threat (malware family, campaign) named first.
    Threat,
    /// Every source's tags.
    Tags,
    /// The highest confidence any source gives.
    Confidence,
    /// How far it is trusted now, 0–100 ([`crate::trust::score`]).
    Score,
    /// Every source's references.
    References,
    /// Every port any source names.
    Ports,
    /// VirusTotal engines that call it malicious (its verdict, kept as the value's
    /// enrichment; like the three below).
    VtMalicious,
    /// VirusTotal engines that call it suspicious.
    VtSuspicious,
    /// VirusTotal engines that call it harmless.
    VtHarmless,
    /// VirusTotal engines with no verdict.
    VtUndetected,
    /// Every look-up service's answer in short (VirusTotal, OTX).
    Enrichment,
    /// When it was last reported: the last-seen time, else the first-seen time.
    Seen,
}

/// How wide the dashboard draws a column, in terminal cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Always this wide.
    Fixed(u16),
    /// `min` on a narrow table, `max` on a wide one.
    Between {
        /// The width on a narrow table.
        min: u16,
        /// The width on a wide table.
        max: u16,
    },
    /// What the other columns leave, and at least `min`.
    Fill {
        /// The least it gets.
        min: u16,
    },
}

/// One column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// What it holds.
    pub field: Field,
    /// Its name, in lower case: the dashboard's heading (in capitals) and the sort label.
    pub label: &'static str,
    /// How wide the dashboard draws it; `None` when only exports carry it.
    pub width: Option<Width>,
    /// The order it sorts by, when the dashboard sorts by it.
    pub sort: Option<SortKey>,
    /// Its name in the CSV header; `None` when only the dashboard shows it.
    pub export: Option<&'static str>,
}

impl Column {
    /// A column only exports carry.
    const fn exported(field: Field, label: &'static str, name: &'static str) -> Column {
        Column {
            field,
            label,
            width: None,
            sort: None,
            export: Some(name),
        }
    }
}

/// Every column, in order: the dashboard draws the columns that have a width, and the CSV
/// export writes the columns that have an export name, each in this order. The sort
/// cycle visits [`SortKey::Arrival`], then the columns that sort, in this order.
pub const COLUMNS: &[Column] = &[
    Column {
        field: Field::Type,
        label: "type",
        width: Some(Width::Fixed(6)),
        sort: Some(SortKey::Type),
        export: Some("type"),
    },
    Column {
        field: Field::Value,
        label: "value",
        width: Some(Width::Fill { min: 8 }),
        sort: Some(SortKey::Value),
        export: Some("value"),
    },
    Column {
        field: Field::Sources,
        label: "sources",
        width: Some(Width::Between { min: 14, max: 24 }),
        sort: Some(SortKey::Sources),
        export: Some("sources"),
    },
    Column::exported(Field::FirstSeen, "first seen", "first_seen"),
    Column::exported(Field::LastSeen, "last seen", "last_seen"),
    Column {
        field: Field::Threat,
        label: "threat",
        width: Some(Width::Between { min: 16, max: 26 }),
        sort: Some(SortKey::Threat),
        export: Some("threat"),
    },
    Column {
        field: Field::Score,
        label: "score",
        width: Some(Width::Fixed(5)),
        sort: Some(SortKey::Score),
        // Exported last (below): scripts read the columns before it by position.
        export: None,
    },
    // The dashboard's time column: an indicator a source dates only by first sighting
    // still shows (and sorts by) that date. Exports keep both times apart, above.
    Column {
        field: Field::Seen,
        label: "last seen",
        width: Some(Width::Fixed(11)),
        sort: Some(SortKey::LastSeen),
        export: None,
    },
    Column::exported(Field::Tags, "tags", "tags"),
    Column::exported(Field::Confidence, "confidence", "confidence"),
    Column::exported(Field::References, "references", "references"),
    Column::exported(Field::Ports, "ports", "ports"),
    Column::exported(Field::VtMalicious, "vt malicious", "vt_malicious"),
    Column::exported(Field::VtSuspicious, "vt suspicious", "vt_suspicious"),
    Column::exported(Field::VtHarmless, "vt harmless", "vt_harmless"),
    Column::exported(Field::VtUndetected, "vt undetected", "vt_undetected"),
    Column::exported(Field::Enrichment, "enrichment", "enrichment"),
    Column::exported(Field::Score, "score", "score"),
];

/// The columns the dashboard draws, in order.
pub fn shown() -> impl Iterator<Item = &'static Column> {
    COLUMNS.iter().filter(|c| c.width.is_some())
}

/// The columns exports write, with their names, in order.
pub fn exported() -> impl Iterator<Item = (&'static Column, &'static str)> {
    COLUMNS
        .iter()
        .filter_map(|c| c.export.map(|name| (c, name)))
}

/// How many columns the dashboard draws.
pub const SHOWN: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < COLUMNS.len() {
        if COLUMNS[i].width.is_some() {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The column that sorts by `key`; `None` for [`SortKey::Arrival`], which no column shows.
pub fn sorted_by(key: SortKey) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.sort == Some(key))
}

/// The sort keys in the order `s` cycles through them: arrival, then each sorting column.
pub fn sort_cycle() -> impl Iterator<Item = SortKey> {
    std::iter::once(SortKey::Arrival).chain(COLUMNS.iter().filter_map(|c| c.sort))
}

impl SortKey {
    /// The key after this one, in the order of the column table
    /// ([`sort_cycle`]), back to arrival after the last.
    pub fn next(self) -> SortKey {
        let mut cycle = sort_cycle().skip_while(|&k| k != self);
        cycle.next();
        cycle.next().unwrap_or(SortKey::Arrival)
    }

    /// What the header calls it: the label of the column it sorts.
    pub fn label(self) -> &'static str {
        sorted_by(self).map_or("arrival", |c| c.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shown_column_sorts_and_every_sort_key_has_one_column() {
        for c in shown() {
            assert!(c.sort.is_some(), "{} does not sort", c.label);
        }
        for c in COLUMNS.iter().filter(|c| c.sort.is_some()) {
            assert!(c.width.is_some(), "{} sorts but is not shown", c.label);
        }
        let keys: Vec<SortKey> = sort_cycle().collect();
        // `s` steps through the cycle and comes back round.
        let mut k = SortKey::Arrival;
        let mut steps = Vec::new();
        for _ in 0..keys.len() {
            steps.push(k);
            k = k.next();
        }
        assert_eq!(steps, keys);
        assert_eq!(k, SortKey::Arrival);
        for k in [
            SortKey::Arrival,
            SortKey::Type,
            SortKey::Value,
            SortKey::Sources,
            SortKey::Threat,
            SortKey::LastSeen,
            SortKey::Score,
        ] {
            // No wildcard: a new key does not compile here until it is listed.
            match k {
                SortKey::Arrival
                | SortKey::Type
                | SortKey::Value
                | SortKey::Sources
                | SortKey::Threat
                | SortKey::LastSeen
                | SortKey::Score => {}
            }
            let n = keys.iter().filter(|&&x| x == k).count();
            assert_eq!(n, 1, "{k:?} is {n} times in the sort cycle");
            assert_ne!(k.label(), "", "{k:?}");
        }
        assert!(sorted_by(SortKey::Arrival).is_none());
    }

    #[test]
    fn every_column_is_shown_or_exported_and_labels_are_unique_on_screen() {
        for c in COLUMNS {
            assert!(
                c.width.is_some() || c.export.is_some(),
                "{c:?} goes nowhere"
            );
        }
        let labels: Vec<&str> = shown().map(|c| c.label).collect();
        for (i, l) in labels.iter().enumerate() {
            assert!(!labels[i + 1..].contains(l), "two columns headed {l:?}");
        }
        let names: Vec<&str> = exported().map(|(_, n)| n).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(
                !names[i + 1..].contains(n),
                "two exported columns named {n:?}"
            );
        }
        let fills = shown()
            .filter(|c| matches!(c.width, Some(Width::Fill { .. })))
            .count();
        assert_eq!(fills, 1, "one column takes the space the others leave");
        assert_eq!(SHOWN, shown().count());
    }
}
