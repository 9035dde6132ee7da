// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Entries trimmed from a stream (`XADD … MAXLEN`) before a group read them, found
//! from `XINFO STREAM` and `XINFO GROUPS` (the Redis 7 counters `entries-added` and
//! `entries-read`).

use redis::Value;

use super::reply::{fields, text};
use super::{Fault, Reader};
use crate::model::EntryId;

/// Entries the group never read because the stream was trimmed past them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gap {
    Trimmed(u64),
    /// Some, but the server's counters do not say how many.
    Unknown,
}

impl Reader<'_> {
    /// Entries trimmed before the group read them: when the group's last delivered id
    /// is older than the stream's first entry, `entries-added - entries-read - length`
    /// (Redis 7 counters); `None` when the server does not say whether.
    pub(super) fn gap(&self, c: &mut redis::Connection) -> Result<Option<Gap>, Fault> {
        let info: Value = redis::cmd("XINFO")
            .arg("STREAM")
            .arg(&self.spec.stream)
            .query(c)
            .map_err(|e| self.fault(&e))?;
        let groups: Value = redis::cmd("XINFO")
            .arg("GROUPS")
            .arg(&self.spec.stream)
            .query(c)
            .map_err(|e| self.fault(&e))?;
        let stream = fields(&info);
        let group_list: Vec<Vec<(String, &Value)>> = match &groups {
            Value::Array(list) => list.iter().map(fields).collect(),
            _ => Vec::new(),
        };
        let Some(group) = group_list.iter().find(|g| {
            g.iter()
                .any(|(k, v)| k == "name" && text(v).as_deref() == Some(&*self.spec.group))
        }) else {
            return Ok(None);
        };
        fn get<'v>(f: &[(String, &'v Value)], k: &str) -> Option<&'v Value> {
            f.iter().find(|(n, _)| n == k).map(|(_, v)| *v)
        }
        let first = match get(&stream, "first-entry") {
            Some(Value::Array(e)) => e.first().and_then(text).and_then(|t| EntryId::parse(&t)),
            _ => None,
        };
        let delivered = get(group, "last-delivered-id")
            .and_then(text)
            .and_then(|t| EntryId::parse(&t));
        let (Some(first), Some(delivered)) = (first, delivered) else {
            return Ok(None);
        };
        if delivered >= first {
            return Ok(Some(Gap::Trimmed(0)));
        }
        let num = |v: Option<&Value>| match v {
            Some(Value::Int(n)) => Some(*n),
            Some(other) => text(other).and_then(|t| t.parse().ok()),
            None => None,
        };
        let added = num(get(&stream, "entries-added"));
        let length = num(get(&stream, "length"));
        // A group that has read nothing reports no read counter: it read 0.
        let read =
            num(get(group, "entries-read")).or((delivered == EntryId::default()).then_some(0));
        Ok(Some(match (added, read, length) {
            (Some(a), Some(r), Some(l)) => Gap::Trimmed(
                a.checked_sub(r)
                    .and_then(|x| x.checked_sub(l))
                    .map_or(0, |n| n.max(0) as u64),
            ),
            _ => Gap::Unknown,
        }))
    }
}
