// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use intellisiem::export::stix_pattern;
use intellisiem::sources::stix::pattern::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Whatever is accepted round-trips through the exporter's pattern writer.
    if let Ok(pairs) = parse(&text) {
        assert!(!pairs.is_empty());
        for (kind, value) in pairs {
            let written = stix_pattern(kind, &value).expect("a pattern type");
            assert_eq!(parse(&written), Ok(vec![(kind, value)]), "{written}");
        }
    }
});
