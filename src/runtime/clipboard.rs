// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Copying to the analyst's clipboard from the terminal: OSC 52.

use std::io::Write;

use base64::Engine;

/// Puts `text` on the clipboard of the terminal the analyst sits at, over SSH too:
/// OSC 52. Inside tmux it is sent plain (taken by tmux with `set-clipboard on`) and
/// also wrapped for passthrough to the outer terminal (`allow-passthrough on`). The
/// payload is base64, so the value cannot inject sequences.
pub fn osc52(text: &str, in_tmux: bool) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let seq = format!("\x1b]52;c;{b64}\x07");
    if in_tmux {
        format!("{seq}\x1bPtmux;\x1b{seq}\x1b\\")
    } else {
        seq
    }
}

pub(super) fn copy_osc52(text: &str) {
    let in_tmux = std::env::var_os("TMUX").is_some();
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(osc52(text, in_tmux).as_bytes());
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_is_base64_and_wrapped_for_tmux() {
        assert_eq!(osc52("45.0.0.3", false), "\x1b]52;c;NDUuMC4wLjM=\x07");
        let t = osc52("\x1b]0;x\x07", true);
        assert!(
            t.starts_with("\x1b]52;c;G10wO3gH\x07\x1bPtmux;\x1b\x1b]52;c;"),
            "{t:?}"
        );
        assert!(t.ends_with("\x07\x1b\\"));
        assert_eq!(
            t.matches('\x07').count(),
            2,
            "the value cannot add sequences"
        );
    }
}
