// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Values only, one per line (a blocklist), sanitised.

use std::io::{self, Write};

use crate::model::sanitize::sanitize;
use crate::store::set::Entry;

pub(super) fn write_txt<'a, W: Write>(
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
) -> io::Result<usize> {
    let mut w = io::BufWriter::new(out);
    let mut n = 0;
    for e in entries {
        w.write_all(sanitize(&e.value).as_bytes())?;
        w.write_all(b"\n")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}
