// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Where `match` sends its alerts: the printer `--format` names (ECS lines or a Zeek
//! `intel.log`, to `-o FILE` or standard output) and, with `--record`, the store's
//! sightings; and the lines that say what the recorder did.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use crate::cli::MatchArgs;
use crate::config::Config;
use crate::matching::sink::sightings::RecorderSettings;
use crate::matching::sink::{
    AlertFormat, AlertSink, EcsSink, Recorder, RecorderStats, SightingsSink, ZeekIntelSink,
};
use crate::model::count::{grouped, noun};
use crate::model::sanitize::one_line;

/// The printer chosen by `--format`.
pub(super) type Printer = Box<dyn AlertSink<Part = Vec<u8>>>;

/// The printer over `-o FILE` (created anew, or appended to with `--redis`) or standard
/// output. Errors: one line.
pub(super) fn printer(args: &MatchArgs) -> Result<Printer, String> {
    // Creating the output first would empty an input before it is read.
    if let Some(out) = &args.output {
        let inputs = args.paths.iter().filter(|p| p.as_os_str() != "-");
        for input in inputs.chain(args.indicators.iter()) {
            if same_file::is_same_file(out, input).unwrap_or(false) {
                return Err(format!(
                    "-o {} is also an input ({}): it would be emptied before it is read",
                    one_line(&out.display().to_string(), 200),
                    one_line(&input.display().to_string(), 200)
                ));
            }
        }
    }
    if let Some(out) = &args.output {
        crate::commands::target::check(out)?;
    }
    // A stream consumer appends: the alerts of entries it acknowledged before a restart
    // must stay.
    let opened = |p: &std::path::Path| {
        if args.redis.is_some() {
            File::options().create(true).append(true).open(p)
        } else {
            File::create(p)
        }
    };
    // Alerts of lines read from a pipe go out as each block of lines is scanned, not
    // when a megabyte has gathered: a sensor's pipeline sees them at once, and an
    // interrupted run has written what it found.
    let from_pipe = (args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-"))
        && !std::fs::metadata("/dev/stdin").is_ok_and(|m| m.is_file());
    let buffered = |w: Box<dyn Write + Send + Sync>| -> Box<dyn Write + Send + Sync> {
        if from_pipe {
            w
        } else {
            Box::new(BufWriter::with_capacity(1 << 20, w))
        }
    };
    let out: Box<dyn Write + Send + Sync> = match &args.output {
        Some(p) => match opened(p) {
            Ok(f) => buffered(Box::new(f)),
            Err(e) => {
                return Err(format!(
                    "cannot write {}: {e}",
                    one_line(&p.display().to_string(), 200)
                ));
            }
        },
        None => buffered(Box::new(io::stdout())),
    };
    Ok(match args.format {
        AlertFormat::Jsonl => Box::new(EcsSink::new(out)),
        AlertFormat::ZeekIntel => {
            Box::new(ZeekIntelSink::new(out).map_err(|e| format!("cannot write the alerts: {e}"))?)
        }
    })
}

/// The sightings sink of `--record` (or `sensor.record`), writing to the config's
/// store. Errors: no store, or one that cannot be opened.
pub(super) fn recorder(
    config: &Config,
    no_cache: bool,
    sensor: &str,
) -> Result<SightingsSink, String> {
    use crate::store::persist::{Location, open_location};
    let location = Location::of(config, no_cache);
    if matches!(location, Location::None) {
        return Err(
            "--record keeps hits in the store, and there is none (--no-cache, or `cache.path: none`)"
                .into(),
        );
    }
    let (store, notes) = open_location(&location);
    for n in &notes {
        eprintln!("warning: {}", one_line(n, 300));
    }
    let Some(store) = store else {
        return Err(notes
            .last()
            .map_or_else(|| "the store cannot be opened".into(), |n| one_line(n, 300)));
    };
    let recorder = Recorder::start(store, RecorderSettings::of(config), |line| {
        tracing::warn!("{}", one_line(&line, 400));
    })
    .map_err(|e| format!("cannot start recording: {e}"))?;
    Ok(SightingsSink::new(sensor, recorder))
}

/// What the recorder did, for stderr.
pub(super) fn recorded(sensor: &str, st: &RecorderStats, err: &mut impl Write) {
    let _ = writeln!(
        err,
        "{} recorded as sensor {} ({} new to the store)",
        noun(st.written, "sighting"),
        one_line(sensor, 64),
        grouped(st.new)
    );
    if st.spooled > 0 || st.unspooled > 0 {
        let _ = writeln!(
            err,
            "  {} spooled to disk while the store was away, {} written back from spool",
            grouped(st.spooled),
            grouped(st.unspooled)
        );
    }
    if st.lost > 0 {
        let _ = writeln!(
            err,
            "  {} could be neither written nor spooled: lost",
            grouped(st.lost)
        );
    }
    if st.spool_skipped > 0 {
        let _ = writeln!(
            err,
            "  {} could not be read back",
            noun(st.spool_skipped, "spool line")
        );
    }
}

/// The push-back of a recording run: a push every minute while it runs and one when it
/// ends, through its own handle on the store; `None` when no source pushes.
pub(super) fn pusher(config: &Config, no_cache: bool) -> Option<crate::commands::push::Background> {
    use crate::store::persist::{Location, open_location};
    if crate::commands::push::pushing(config).is_empty() {
        return None;
    }
    let (store, _) = open_location(&Location::of(config, no_cache));
    crate::commands::push::Background::start(config, store?)
}
