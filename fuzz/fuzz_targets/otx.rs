// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use intellisiem::model::IndicatorType;
use intellisiem::sources::otx;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = otx::parse_page(data);
    let _ = otx::parse_general(data, IndicatorType::Domain, "x.example");
});
