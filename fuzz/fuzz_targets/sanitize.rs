// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use intellisiem::model::indicator::{detect, normalise, refang};
use intellisiem::model::sanitize::{is_unsafe, one_line, pieces, sanitize, sanitize_truncated};
use intellisiem::ui::cell::put;
use libfuzzer_sys::fuzz_target;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let clean = sanitize(&text);
    assert!(!clean.chars().any(is_unsafe));
    assert!(!sanitize_truncated(&text, 17).chars().any(is_unsafe));
    assert!(!one_line(&text, 40).chars().any(is_unsafe));
    // The allocation-free pieces join to the same text.
    let mut joined = String::new();
    pieces(&text, |p| joined.push_str(p));
    assert_eq!(joined, clean);
    // A table cell of any width holds only safe text, inside its area.
    let width = data.first().map_or(5, |b| u16::from(*b % 40));
    let area = Rect::new(0, 0, width + 2, 1);
    let mut buf = Buffer::empty(area);
    put(&mut buf, Rect::new(1, 0, width, 1), &[(&text, Style::default()), (",x", Style::default())]);
    assert_eq!(buf[(0, 0)].symbol(), " ");
    assert_eq!(buf[(width + 1, 0)].symbol(), " ");
    for x in 0..area.width {
        assert!(!buf[(x, 0)].symbol().chars().any(is_unsafe));
    }
    // Normalisation is idempotent wherever it succeeds.
    let once = refang(&text);
    assert_eq!(refang(&once), once);
    if let Some(n) = detect(&text) {
        let again = normalise(n.kind, &n.value).expect("a normalised value normalises");
        assert_eq!(again.value, n.value);
    }
});
