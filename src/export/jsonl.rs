// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! JSON Lines: one [`Record`] object per line.

use std::io::{self, Write};

use super::Record;
use crate::store::set::{Entry, Store};

pub(super) fn write_jsonl<'a, W: Write>(
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
    defang: bool,
) -> io::Result<usize> {
    let entries: Vec<&Entry> = entries.collect();
    super::lines::write_parallel(&entries, out, |e, buf| {
        let mut r = Record::new(store, e);
        let defanged;
        if defang {
            defanged = super::defang::defang(e.kind, r.value);
            r.value = &defanged;
        }
        // Writing to a Vec fails only on a value serde cannot write; a Record has none.
        let at = buf.len();
        match serde_json::to_writer(&mut *buf, &r) {
            Ok(()) => buf.push(b'\n'),
            Err(_) => buf.truncate(at),
        }
    })
}
