// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Logging: `tracing`, filtered by `INTELLISIEM_LOG` (a bare level is the program's
//! own; other crates stay at `warn` unless named, see [`directives`]). The headless
//! commands write warnings to stderr (coloured only on a terminal); the dashboard shows
//! its own info lines too, in its log pane. Both also append every warning and error (more with `INTELLISIEM_LOG=debug`) to the
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

/// `$INTELLISIEM_LOG` over `default` (both `EnvFilter` directives), as [`directives`]
/// combines them; `default` alone when the variable is unset or does not parse.
pub fn filter(default: &str) -> EnvFilter {
    filter_of(std::env::var(LOG_ENV).ok().as_deref(), default)
}

/// [`filter`] with the variable's value given.
fn filter_of(env: Option<&str>, default: &str) -> EnvFilter {
    env.map(|e| directives(e, default))
        .and_then(|d| EnvFilter::try_new(d).ok())
        .unwrap_or_else(|| EnvFilter::new(default))
}

/// The program's own `tracing` target, which a bare level in `INTELLISIEM_LOG` means.
const OWN: &str = "intellisiem";

/// `INTELLISIEM_LOG`'s directives (`env`) over `default`'s: a bare level (`debug`) is
/// the program's own level (`intellisiem=debug`), while every other crate stays at
/// `warn` (or the bare level, when that is quieter); a directive naming a target
/// (`hyper=debug`) gives that target its level. `default`'s directives stay unless
/// `env` names the same target. `debug` → `warn,intellisiem=debug`; `debug,hyper=debug`
/// → `warn,intellisiem=debug,hyper=debug`; `off` → `off,intellisiem=off`.
pub fn directives(env: &str, default: &str) -> String {
    use tracing::level_filters::LevelFilter;
    let split = |s: &str| -> Vec<String> {
        s.split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(String::from)
            .collect()
    };
    let bare = |d: &str| d.parse::<LevelFilter>().ok();
    let target = |d: &str| {
        d.split(['=', '['])
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let mut own: Vec<String> = Vec::new();
    let mut global: Option<String> = None;
    for d in split(env) {
        match bare(&d) {
            Some(level) => {
                global = Some(level.min(LevelFilter::WARN).to_string().to_lowercase());
                own.retain(|o| target(o) != OWN);
                own.push(format!("{OWN}={level}").to_lowercase());
            }
            None => {
                let t = target(&d);
                own.retain(|o| target(o) != t);
                own.push(d);
            }
        }
    }
    let named: Vec<String> = own.iter().map(|d| target(d)).collect();
    let mut out: Vec<String> = Vec::new();
    for d in split(default) {
        if bare(&d).is_some() {
            if global.is_none() {
                out.push(d);
            }
        } else if !named.contains(&target(&d)) {
            out.push(d);
        }
    }
    if let Some(g) = global {
        out.insert(0, g);
    }
    out.extend(own);
    out.join(",")
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

/// [`init_stderr`] for `serve`: the program's information lines too (the access log),
/// on stderr and in the log file, unless `INTELLISIEM_LOG` says otherwise.
pub fn init_server() {
    use tracing_subscriber::prelude::*;
    let ansi = io::IsTerminal::is_terminal(&io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .with_filter(screen_filter("warn,intellisiem=info"));
    let file = tracing_subscriber::fmt::layer()
        .with_writer(FileSink)
        .with_ansi(false)
        .with_target(false)
        .with_filter(filter("warn,intellisiem=info"));
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::prelude::*;

    #[test]
    fn a_bare_level_is_the_programs_own_and_named_crates_get_theirs() {
        assert_eq!(directives("debug", "warn"), "warn,intellisiem=debug");
        assert_eq!(
            directives("debug,hyper=debug", "warn"),
            "warn,intellisiem=debug,hyper=debug"
        );
        assert_eq!(directives("TRACE", "warn"), "warn,intellisiem=trace");
        assert_eq!(directives("error", "warn"), "error,intellisiem=error");
        assert_eq!(directives("off", "warn"), "off,intellisiem=off");
        assert_eq!(
            directives("hyper_util=debug", "warn,intellisiem=info"),
            "warn,intellisiem=info,hyper_util=debug"
        );
        assert_eq!(
            directives("debug", "warn,intellisiem=info"),
            "warn,intellisiem=debug"
        );
        assert_eq!(
            directives("intellisiem::net=trace", "warn"),
            "warn,intellisiem::net=trace"
        );
    }

    /// What one filter lets through of a line from the program and one from a crate.
    fn passed(env: Option<&str>) -> String {
        #[derive(Clone, Default)]
        struct Buf(Arc<Mutex<Vec<u8>>>);
        impl io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                crate::model::lock(&self.0).extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let w = buf.clone();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(move || w.clone())
            .with_ansi(false)
            .with_filter(filter_of(env, "warn"));
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
            tracing::debug!(target: "intellisiem::net", "own line");
            tracing::debug!(target: "hyper_util::client", "crate line");
            tracing::warn!(target: "hyper_util::client", "crate warning");
        });
        String::from_utf8_lossy(&crate::model::lock(&buf.0)).into_owned()
    }

    #[test]
    fn debug_logging_leaves_other_crates_at_warn_unless_named() {
        let plain = passed(None);
        assert!(!plain.contains("own line") && plain.contains("crate warning"));
        let debug = passed(Some("debug"));
        assert!(debug.contains("own line"), "{debug}");
        assert!(!debug.contains("crate line"), "{debug}");
        assert!(debug.contains("crate warning"), "{debug}");
        let named = passed(Some("debug,hyper_util=debug"));
        assert!(named.contains("own line") && named.contains("crate line"));
        let bad = passed(Some("not=a=directive=["));
        assert!(!bad.contains("own line") && bad.contains("crate warning"));
    }
}
