// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Inputs besides files: a Redis stream read as a consumer group ([`redis`]). Files,
//! standard input and followed files are read by [`super::scan`] and
//! [`super::follow`].

pub mod redis;
