// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The traits every kind of source implements: [`Driver`] (what the config knows of it,
//! how it fetches, its pure parser) and the optional [`Lookup`] capability. The table of
//! kinds is [`super::registry`].

use futures_util::future::BoxFuture;

use super::{FetchContext, FetchError, FetchOutput, ParseError, ParsedBatch, Prior};
use crate::config::{KindInfo, SourceSpec};
use crate::model::{IndicatorType, Verdict};

/// One kind of source.
pub trait Driver: Send + Sync {
    /// What the config knows of this kind.
    fn info(&self) -> &'static KindInfo;

    /// Parses one whole document of this kind (a dump, or one page of an API), as a live
    /// fetch would: the entry point shared by fetches and the bundled demo data. A
    /// malformed record is skipped and counted; a document that cannot be read fails.
    fn parse(&self, spec: &SourceSpec, body: &[u8]) -> Result<ParsedBatch, ParseError>;

    /// Runs one fetch of `spec`; `prior` makes it conditional or incremental. The
    /// default downloads `spec.url` conditionally and [`Driver::parse`]s it.
    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        prior: &'a Prior,
    ) -> BoxFuture<'a, Result<FetchOutput, FetchError>> {
        Box::pin(super::dump_fetch(ctx, spec, prior, None, move |body| {
            self.parse(spec, body)
        }))
    }

    /// Whether requests of this kind go through a per-source rate limiter built from
    /// the source's `rate_limit`.
    fn rate_limited(&self) -> bool {
        false
    }

    /// The look-up capability, for kinds that can be asked about one value.
    fn lookup(&self) -> Option<&dyn Lookup> {
        None
    }
}

/// The driver of a kind that is one document at one URL, downloaded conditionally and
/// read by a pure parser: all a dump kind needs to declare.
pub struct Dump {
    pub info: &'static KindInfo,
    pub parse: fn(&[u8]) -> Result<ParsedBatch, ParseError>,
}

impl Driver for Dump {
    fn info(&self) -> &'static KindInfo {
        self.info
    }

    fn parse(&self, _spec: &SourceSpec, body: &[u8]) -> Result<ParsedBatch, ParseError> {
        (self.parse)(body)
    }
}

/// Asking a service about one value (enrichment).
pub trait Lookup: Send + Sync {
    /// Whether the service can look up a value of type `kind`.
    fn supports(&self, kind: IndicatorType, value: &str) -> bool;

    /// Asks the service about `value` (one request, never from kept answers: see
    /// [`super::answers::look_up`]); `Ok(None)` when it does not know the value. Without
    /// `wait`, fails at once when the rate limit allows no request now.
    fn lookup<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        kind: IndicatorType,
        value: &'a str,
        wait: bool,
    ) -> BoxFuture<'a, Result<Option<Verdict>, FetchError>>;
}
