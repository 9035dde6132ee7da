// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use intellisiem::sources::urlhaus;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = urlhaus::parse_csv(data);
    let _ = urlhaus::parse_api(data);
});
