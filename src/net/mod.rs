// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Network access: the HTTP client with its limits, rate limiting, and URL redaction.

pub mod client;
pub mod ledger;
pub mod ratelimit;
pub mod redact;
pub mod wait;

pub use client::{HttpClient, NetError, Request, Response};
