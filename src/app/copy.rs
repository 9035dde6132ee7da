// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Copying to the clipboard: the selected value (`y`), defanged (`Y`), or the whole
//! record as JSON (`c`, in the details: the object the `jsonl` export writes for it).

use super::keymap::Mode;
use super::{App, Effect};
use crate::export::Record;
use crate::export::defang::defang;
use crate::model::sanitize::one_line;

impl App {
    /// Copies the selected value, defanged with `defanged`.
    pub(super) fn copy_value(&mut self, defanged: bool, fx: &mut Vec<Effect>) {
        // In the Hits view: the value as found in the log.
        let picked = if matches!(self.mode, Mode::Hits | Mode::HitDetails) {
            self.hits
                .selected_hit()
                .map(|h| (h.kind, h.atomic.to_string()))
        } else {
            self.selected_entry()
                .and_then(|i| self.store.get(i))
                .map(|e| (e.kind, e.value.to_string()))
        };
        let Some((kind, value)) = picked else {
            return;
        };
        let text = if defanged {
            defang(kind, &value)
        } else {
            value
        };
        self.notice = Some(format!("copied {}", one_line(&text, 60)));
        fx.push(Effect::Copy(text));
    }

    /// Copies the selected indicator as one JSON object, as `jsonl` exports it.
    pub(super) fn copy_record(&mut self, fx: &mut Vec<Effect>) {
        let Some(e) = self.selected_entry().and_then(|i| self.store.get(i)) else {
            return;
        };
        match serde_json::to_string(&Record::new(&self.store, e)) {
            Ok(json) => {
                self.notice = Some(format!(
                    "copied the record of {} as JSON ({} bytes)",
                    one_line(&e.value, 40),
                    json.len()
                ));
                fx.push(Effect::Copy(json));
            }
            Err(err) => self.notice = Some(format!("copy failed: {err}")),
        }
    }
}
