// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! How a [`LogHit`] is laid out in the `sightings` table, on both backends: where it
//! was read (`log`, `line_offset` for a file line; `log` the stream key, `entry_id` and
//! `stream_group` for a Redis stream entry), and its sources as a JSON array of names
//! (rows written before schema 8/5 hold them comma-separated, which is read too).

use crate::model::{EntryId, Origin};

/// The columns `(log, line_offset, entry_id, stream_group)` of `origin`; `entry_id` is
/// empty for a file line.
pub(super) fn origin_columns(origin: &Origin) -> (&str, i64, String, &str) {
    match origin {
        Origin::File { path, offset } => (
            path,
            i64::try_from(*offset).unwrap_or(i64::MAX),
            String::new(),
            "",
        ),
        Origin::Stream { stream, id, group } => (stream, 0, id.to_string(), group),
    }
}

/// The origin of a row; `None` when `entry_id` is neither empty nor an entry id.
pub(super) fn origin_of(log: String, offset: i64, entry_id: &str, group: String) -> Option<Origin> {
    if entry_id.is_empty() {
        return Some(Origin::File {
            path: log.into(),
            offset: offset.max(0) as u64,
        });
    }
    Some(Origin::Stream {
        stream: log.into(),
        id: EntryId::parse(entry_id)?,
        group: group.into(),
    })
}

/// The `sources` column: a JSON array of the names.
pub(super) fn sources_text(sources: &[Box<str>]) -> String {
    serde_json::to_string(sources).unwrap_or_else(|_| "[]".into())
}

/// The names in a `sources` column: a JSON array, or (older rows) comma-separated.
pub(super) fn sources_of(text: &str) -> Box<[Box<str>]> {
    if text.starts_with('[')
        && let Ok(v) = serde_json::from_str::<Vec<Box<str>>>(text)
    {
        return v.into_boxed_slice();
    }
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(Into::into)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_round_trip_and_old_rows_read() {
        let names: Box<[Box<str>]> = Box::new(["feodo".into(), "odd,name".into()]);
        assert_eq!(sources_of(&sources_text(&names)), names);
        let old = sources_of("feodo,threatfox");
        assert_eq!(&*old, &["feodo".into(), "threatfox".into()] as &[Box<str>]);
        assert!(sources_of("").is_empty());
    }

    #[test]
    fn origins_round_trip() {
        for o in [
            Origin::File {
                path: "/var/log/eve.json".into(),
                offset: 77,
            },
            Origin::Stream {
                stream: "suricata".into(),
                id: EntryId { ms: 5, seq: 2 },
                group: "intellisiem".into(),
            },
        ] {
            let (log, off, entry, group) = origin_columns(&o);
            let back = origin_of(log.into(), off, &entry, group.into());
            assert_eq!(back, Some(o));
        }
        assert_eq!(origin_of("s".into(), 0, "junk", String::new()), None);
    }
}
