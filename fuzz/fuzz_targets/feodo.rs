// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use intellisiem::sources::feodo;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = feodo::parse(data);
});
