// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The data model: indicators, their normalisation, times, and safe text.

pub mod count;
pub mod enrichment;
pub mod indicator;
pub mod intern;
pub mod list;
pub mod log_hit;
pub mod private_fs;
pub mod sanitize;
pub mod sync;
pub mod time;

pub use enrichment::{Enrichment, Pulses, Verdict};
pub use indicator::{IndicatorType, Observation, Sighting, VtStats};
pub use log_hit::{EntryId, LogHit, Origin};
pub use sync::lock;
