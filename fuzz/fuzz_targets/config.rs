// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use std::path::Path;

use intellisiem::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        // Errors must be one line and free of control characters.
        if let Err(e) = Config::from_yaml(text, Path::new("fuzz.yaml"), &|_| None, &intellisiem::sources::registry::kinds()) {
            let msg = e.to_string();
            assert!(!msg.contains('\n'), "{msg:?}");
            assert!(!msg.chars().any(intellisiem::model::sanitize::is_unsafe), "{msg:?}");
        }
    }
});
