// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The README's picture: the `--demo` dashboard drawn by the real drawing code on a
//! 120x40 `TestBackend`, at a fixed clock, written as SVG.
//!
//! ```text
//! cargo run --example screenshot                 # writes assets/screenshot.svg
//! cargo run --example screenshot -- FILE [W H]   # elsewhere, at another size
//! ```

#![allow(clippy::unwrap_used)]

use std::process::ExitCode;

use intellisiem::demo;
use intellisiem::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .cloned()
        .unwrap_or_else(|| "assets/screenshot.svg".into());
    let size = |i: usize, default: u16| {
        args.get(i)
            .map_or(Ok(default), |s| s.parse::<u16>())
            .map_err(|e| format!("size {:?}: {e}", args.get(i)))
    };
    let (width, height) = match (size(1, 120), size(2, 40)) {
        (Ok(w), Ok(h)) if w >= 60 && h >= 15 && w <= 400 && h <= 200 => (w, h),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
        _ => {
            eprintln!("error: the size must be from 60x15 to 400x200");
            return ExitCode::from(2);
        }
    };
    let Ok(now) = jiff::Timestamp::from_second(demo::PICTURE_TIME) else {
        eprintln!("error: the picture's clock is out of range");
        return ExitCode::from(1);
    };
    let app = demo::loaded_app(now, width, height);
    let drawn = Terminal::new(TestBackend::new(width, height)).and_then(|mut term| {
        term.draw(|f| ui::view(&app, f))?;
        Ok(ui::svg::to_svg(term.backend().buffer()))
    });
    let svg = match drawn {
        Ok(svg) => svg,
        Err(e) => {
            eprintln!("error: drawing: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = std::fs::write(&path, svg) {
        eprintln!("error: {path}: {e}");
        return ExitCode::from(1);
    }
    println!("wrote {path} ({width}x{height})");
    ExitCode::SUCCESS
}
