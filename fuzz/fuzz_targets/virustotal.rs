// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use intellisiem::model::IndicatorType;
use intellisiem::sources::virustotal;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = virustotal::parse_lookup(data, IndicatorType::Ipv4, "192.0.2.1");
    let _ = virustotal::parse_error(data);
});
