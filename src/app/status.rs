// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The header's message (an export's outcome): shown for [`HEADER_MESSAGE_FOR`] from the
//! tick it arrived after, then dropped by the first [`super::Msg::Tick`] past that; the
//! log keeps it. The header's state (counts, filter, type, sort) never expires.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::App;

/// How long a message stays in the header.
pub const HEADER_MESSAGE_FOR: Duration = Duration::from_secs(8);

impl App {
    /// Puts `text` in the header until [`HEADER_MESSAGE_FOR`] from now.
    pub(super) fn show_header_message(&mut self, text: String) {
        self.export_status = Some(text);
        self.export_status_until = Some(
            self.now
                .checked_add(SignedDuration::try_from(HEADER_MESSAGE_FOR).unwrap_or_default())
                .unwrap_or(self.now),
        );
    }

    /// The clock moved to `now`: drop the header's message once its time is up.
    pub(super) fn expire_header_message(&mut self, now: Timestamp) {
        if self.export_status_until.is_some_and(|until| now >= until) {
            self.export_status = None;
            self.export_status_until = None;
            self.dirty = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use crate::app::tests::{loaded, t};
    use crate::app::{ExportError, Msg};
    use crate::export::{Format, Options, Written};

    #[test]
    fn an_export_outcome_leaves_the_header_after_a_few_seconds() {
        let mut a = loaded();
        let _ = a.update(Msg::Tick(t(100)));
        let store = Arc::clone(&a.store);
        let options = Options::new(Format::Jsonl);
        for result in [
            Ok((PathBuf::from("/tmp/x.jsonl"), Written::all(4), options)),
            Err(ExportError::Write("disk full".to_string())),
        ] {
            let _ = a.update(Msg::Tick(t(100)));
            let _ = a.update(Msg::ExportDone {
                store: Arc::clone(&store),
                result,
            });
            assert!(a.export_status.is_some());
            let _ = a.update(Msg::Tick(t(104)));
            assert!(a.export_status.is_some(), "still shown after 4 s");
            let _ = a.update(Msg::Tick(t(108)));
            assert!(a.export_status.is_none(), "gone after 8 s");
            assert!(a.take_dirty(), "the header is drawn again without it");
        }
    }
}
