// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use intellisiem::sources::cisa_kev;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cisa_kev::parse(data);
});
