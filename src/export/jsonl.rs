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
) -> io::Result<usize> {
    let mut w = io::BufWriter::new(out);
    let mut n = 0;
    for e in entries {
        serde_json::to_writer(&mut w, &Record::new(store, e))?;
        w.write_all(b"\n")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}
