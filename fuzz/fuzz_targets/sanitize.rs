// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use intellisiem::model::indicator::{detect, normalise, refang};
use intellisiem::model::sanitize::{is_unsafe, one_line, sanitize, sanitize_truncated};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let clean = sanitize(&text);
    assert!(!clean.chars().any(is_unsafe));
    assert!(!sanitize_truncated(&text, 17).chars().any(is_unsafe));
    assert!(!one_line(&text, 40).chars().any(is_unsafe));
    // Normalisation is idempotent wherever it succeeds.
    let once = refang(&text);
    assert_eq!(refang(&once), once);
    if let Some(n) = detect(&text) {
        let again = normalise(n.kind, &n.value).expect("a normalised value normalises");
        assert_eq!(again.value, n.value);
    }
});
