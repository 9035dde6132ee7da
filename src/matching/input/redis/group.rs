// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A consumer's dealings with its group besides reading: claiming the entries idle
//! consumers left pending (`XAUTOCLAIM`), and leaving the group at a stop
//! (`XPENDING`, `XGROUP DELCONSUMER`).

use std::time::Duration;

use redis::Value;

use super::reply::{entry_list, text};
use super::{Entry, Fault, Reader, StreamStats};

impl Reader<'_> {
    /// `XAUTOCLAIM` of entries idle for `claim_idle`, from the start of the pending
    /// list (bounded to a few pages per call); the entries and how many of the claimed
    /// ids were trimmed from the stream.
    pub(super) fn claim(&self, c: &mut redis::Connection) -> Result<(Vec<Entry>, u64), Fault> {
        let mut start = "0-0".to_string();
        let mut out = Vec::new();
        let mut deleted = 0u64;
        for _ in 0..4 {
            let reply: Value = redis::cmd("XAUTOCLAIM")
                .arg(&self.spec.stream)
                .arg(&self.spec.group)
                .arg(&self.consumer)
                .arg(self.spec.claim_idle.as_millis() as u64)
                .arg(&start)
                .arg("COUNT")
                .arg(self.batch)
                .query(c)
                .map_err(|e| self.fault(&e))?;
            let Value::Array(mut parts) = reply else {
                break;
            };
            if parts.len() >= 3
                && let Value::Array(gone) = &parts[2]
            {
                deleted += gone.len() as u64;
            }
            let entries = parts
                .get_mut(1)
                .map(std::mem::take)
                .map(|v| entry_list(v, &self.spec.field))
                .unwrap_or_default();
            out.extend(entries);
            let next = parts.first().and_then(text).unwrap_or_default();
            if next == "0-0" || next.is_empty() || out.len() >= self.batch {
                break;
            }
            start = next;
        }
        Ok((out, deleted))
    }

    /// At a stop: counts the entries still pending with this consumer (a batch a
    /// signal cut short), and leaves the group if there are none, so stopped consumers
    /// do not pile up in it.
    pub(super) fn leave(
        &self,
        client: &redis::Client,
        conn: Option<redis::Connection>,
        stats: &mut StreamStats,
    ) {
        let conn = conn.or_else(|| {
            client
                .get_connection_with_timeout(Duration::from_secs(2))
                .ok()
        });
        let Some(mut c) = conn else {
            return;
        };
        let summary: redis::RedisResult<Value> = redis::cmd("XPENDING")
            .arg(&self.spec.stream)
            .arg(&self.spec.group)
            .query(&mut c);
        let mine = match summary {
            Ok(Value::Array(parts)) => match parts.get(3) {
                Some(Value::Array(consumers)) => consumers
                    .iter()
                    .filter_map(|pair| match pair {
                        Value::Array(kv) if kv.len() == 2 => Some((text(&kv[0])?, text(&kv[1])?)),
                        _ => None,
                    })
                    .find(|(name, _)| *name == self.consumer)
                    .map_or(Some(0), |(_, n)| n.parse().ok()),
                Some(Value::Nil) | None => Some(0),
                _ => None,
            },
            _ => None,
        };
        // A reply not understood: stay in the group rather than guess.
        let Some(mine) = mine else {
            return;
        };
        stats.left_pending = mine;
        if mine == 0 {
            let _: redis::RedisResult<Value> = redis::cmd("XGROUP")
                .arg("DELCONSUMER")
                .arg(&self.spec.stream)
                .arg(&self.spec.group)
                .arg(&self.consumer)
                .query(&mut c);
        }
    }
}
