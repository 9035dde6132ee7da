// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use intellisiem::model::IndicatorType;
use intellisiem::sources::plain_list;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = plain_list::parse(data, None);
    let _ = plain_list::parse(data, Some(IndicatorType::Url));
});
