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
    let mut w = io::BufWriter::new(out);
    let mut n = 0;
    for e in entries {
        let mut r = Record::new(store, e);
        let defanged;
        if defang {
            defanged = super::defang::defang(e.kind, r.value);
            r.value = &defanged;
        }
        serde_json::to_writer(&mut w, &r)?;
        w.write_all(b"\n")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}
