// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Export of the rows shown, on a worker that holds the store while it writes.

use std::path::PathBuf;
use std::sync::Arc;

use super::{App, Effect};
use crate::export::Format;
use crate::model::sanitize::one_line;
use crate::store::Store;

impl App {
    /// Writes the rows shown to a file on a worker, which holds the store meanwhile.
    pub(super) fn export(&mut self, fx: &mut Vec<Effect>) {
        let stamp = self.now.strftime("%Y%m%d-%H%M%S");
        let path = PathBuf::from(format!("intellisiem-export-{stamp}.jsonl"));
        self.lease.holders += 1;
        self.notice = Some(format!("exporting {} rows...", self.rows.len()));
        fx.push(Effect::Export {
            store: Arc::clone(&self.store),
            rows: self.rows.clone(),
            format: Format::Jsonl,
            path,
        });
    }

    /// The export worker finished and handed the store back.
    pub(super) fn on_export_done(
        &mut self,
        store: Arc<Store>,
        result: Result<(PathBuf, usize), String>,
        fx: &mut Vec<Effect>,
    ) {
        drop(store);
        self.lease.holders = self.lease.holders.saturating_sub(1);
        match result {
            Ok((path, n)) => {
                let text = format!("exported {n} rows to {}", path.display());
                self.notice = Some(one_line(&text, 200));
                fx.push(Effect::Log {
                    level: tracing::Level::INFO,
                    text,
                });
            }
            Err(e) => {
                self.notice = Some(format!("export failed: {}", one_line(&e, 120)));
                fx.push(Effect::Log {
                    level: tracing::Level::WARN,
                    text: format!("export failed: {e}"),
                });
            }
        }
        self.dirty = true;
        self.after_release(fx);
    }
}
