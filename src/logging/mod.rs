// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Logging: `tracing`, filtered by `INTELLISIEM_LOG`. The headless commands write
//! warnings to stderr; the dashboard shows its own info lines too, in its log pane.
//! Both also append every warning and error (more with `INTELLISIEM_LOG=debug`) to the
//! log file ([`attach_file`]), so what failed overnight can be read after the fact.

pub mod file;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

pub use file::RotatingFile;

pub const LOG_ENV: &str = "INTELLISIEM_LOG";

/// The `tracing` target of lines meant for the log file only: what a headless command
/// already printed to stderr in its own form (the `fetch` summary table), kept in the
/// file too.
pub const RECORD: &str = "intellisiem::record";

/// Keeps `message` (a warning already shown to the user some other way) in the log file.
pub fn record_warning(message: &str) {
    tracing::warn!(target: RECORD, "{message}");
}

/// `filter(default)` without the file-only lines.
fn screen_filter(default: &str) -> EnvFilter {
    let off = format!("{RECORD}=off").parse();
    match off {
        Ok(d) => filter(default).add_directive(d),
        Err(_) => filter(default),
    }
}

/// The log file's size before it is rotated: 10 MiB.
pub const FILE_LIMIT: u64 = 10 * 1024 * 1024;
/// Rotated log files kept besides the current one.
pub const FILE_KEEP: usize = 3;

/// `$INTELLISIEM_LOG`, else `default` (an `EnvFilter` directive).
pub fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(default))
}

/// The filter of the log pane: warnings, and the program's own info lines, unless
/// `INTELLISIEM_LOG` says otherwise; never the file-only lines.
pub fn pane_filter() -> EnvFilter {
    screen_filter("warn,intellisiem=info")
}

/// The filter of the log file: warnings and errors, unless `INTELLISIEM_LOG` says more.
pub fn file_filter() -> EnvFilter {
    filter("warn")
}

pub fn init_stderr() {
    use tracing_subscriber::prelude::*;
    // Colour only on a terminal, and never with NO_COLOR.
    let ansi = io::IsTerminal::is_terminal(&io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .with_filter(screen_filter("warn"));
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer())
        .try_init();
}

/// The layer that writes to the log file once [`attach_file`] has opened one (until
/// then it writes nothing). Lines carry their time in UTC and their level.
pub fn file_layer<S>() -> impl tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    use tracing_subscriber::Layer;
    tracing_subscriber::fmt::layer()
        .with_writer(FileSink)
        .with_ansi(false)
        .with_target(false)
        .with_filter(file_filter())
}

/// The open log file and the secrets to keep out of it.
struct Attached {
    file: RotatingFile,
    secrets: Vec<String>,
}

fn slot() -> MutexGuard<'static, Option<Attached>> {
    static SLOT: OnceLock<Mutex<Option<Attached>>> = OnceLock::new();
    crate::model::lock(SLOT.get_or_init(|| Mutex::new(None)))
}

/// Opens `path` as the log file (rotated at [`FILE_LIMIT`], [`FILE_KEEP`] old files),
/// with `secrets` (the config's keys and passwords) redacted from every line. `None`
/// (config `log_file: none`) closes it.
///
/// # Errors
/// The file or its folder cannot be created; logging goes on without a file.
pub fn attach_file(path: Option<&Path>, secrets: Vec<String>) -> io::Result<()> {
    let attached = match path {
        Some(p) => Some(Attached {
            file: RotatingFile::open(p, FILE_LIMIT, FILE_KEEP)?,
            secrets,
        }),
        None => None,
    };
    *slot() = attached;
    Ok(())
}

/// Opens the config's `log_file` with its secrets redacted; a failure is logged as a
/// warning (to stderr or the log pane) and the program goes on without the file.
pub fn attach_config(config: &crate::config::Config) {
    let path = config.log_file.as_deref();
    if let Err(e) = attach_file(path, config.secret_values()) {
        let shown = path.map(|p| p.display().to_string()).unwrap_or_default();
        tracing::warn!(
            "log file {}: {e}; going on without it",
            crate::model::sanitize::sanitize(&shown)
        );
    }
}

/// The log file being written, if any.
pub fn attached_file() -> Option<PathBuf> {
    slot().as_ref().map(|a| a.file.path().to_path_buf())
}

/// `MakeWriter` for the file layer: each event, formatted, goes through
/// [`file::clean_line`] into the attached file.
#[derive(Clone, Copy)]
struct FileSink;

/// One event being formatted: `tracing-subscriber` writes it whole, then drops this.
struct EventBuffer(Vec<u8>);

impl<'a> MakeWriter<'a> for FileSink {
    type Writer = EventBuffer;

    fn make_writer(&'a self) -> EventBuffer {
        EventBuffer(Vec::new())
    }
}

impl io::Write for EventBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for EventBuffer {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let mut guard = slot();
        if let Some(a) = guard.as_mut() {
            let text = String::from_utf8_lossy(&self.0);
            let line = file::clean_line(&text, &a.secrets);
            // A full disk must not stop the program: the line is lost, nothing else.
            let _ = a.file.append(line.as_bytes());
        }
    }
}
