// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Reading STIX 2.1 content (the TAXII kind's payload): the pattern subset, and the
//! objects an indicator set takes.

pub mod objects;
pub mod pattern;
