// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Trust in each indicator: its score, the analyst's triage, allowlists, and sightings
//! pushed back to their sources.

pub mod allowlist;
pub mod evidence;
pub mod score;
