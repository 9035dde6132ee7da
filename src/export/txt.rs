// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Values only, one per line (a blocklist), sanitised; defanged on request.

use std::io::{self, Write};

use crate::model::sanitize::sanitize;
use crate::store::set::Entry;

pub(super) fn write_txt<'a, W: Write>(
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
    defang: bool,
) -> io::Result<usize> {
    let mut w = io::BufWriter::new(out);
    let mut n = 0;
    for e in entries {
        if defang {
            let d = super::defang::defang(e.kind, &e.value);
            w.write_all(sanitize(&d).as_bytes())?;
        } else {
            w.write_all(sanitize(&e.value).as_bytes())?;
        }
        w.write_all(b"\n")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}
