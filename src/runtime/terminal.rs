// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The terminal's setup around the dashboard: logging into the log pane, and a
//! terminal given back on exit and on any panic.

/// Sends log lines to the log pane; nothing reaches stdout/stderr while the screen is up.
pub(super) fn init_logging() {
    use tracing_subscriber::prelude::*;
    let _ = tracing_subscriber::registry()
        .with(tui_logger::TuiTracingSubscriberLayer.with_filter(crate::logging::pane_filter()))
        .with(crate::logging::file_layer())
        .try_init();
    // No `init_logger`: its thread wakes every 10 ms to move events, which is most of
    // what an idle dashboard would cost. Events wait in the hot buffer instead, and the
    // event loop moves them before each frame; the buffer holds what a busy spell logs.
    tui_logger::set_default_level(tui_logger::LevelFilter::Info);
    tui_logger::set_hot_buffer_depth(10_000);
    tui_logger::move_events();
}

/// Gives the mouse back to the terminal and leaves raw mode and the alternate screen.
/// Turning off a mouse capture that was never on is harmless.
pub(super) fn restore_terminal() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    ratatui::restore();
}

/// Restores the terminal and ends the process on any panic, in any task, so a broken
/// background task never leaves a raw-mode terminal or a half-working dashboard.
pub(super) fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
        std::process::exit(101);
    }));
}
