// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The source registry: every kind of source, each behind one [`Driver`].
//!
//! A kind is one file under `sources/` that declares its [`KindInfo`] (name, key use,
//! defaults, accepted config fields) and implements [`Driver`] (how it fetches, its pure
//! parser, whether it is rate limited, and an optional [`Lookup`] capability). Adding a
//! kind is that file, its fixture tests, and one line in [`DRIVERS`]. The config loader,
//! the demo, enrichment and `intellisiem sources` all ask the registry.

use futures_util::future::BoxFuture;

use super::{FetchContext, FetchError, FetchOutput, ParseError, ParsedBatch, Prior};
use crate::config::{KindInfo, SourceKind, SourceSpec};
use crate::model::{IndicatorType, Sighting};

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

    /// Looks `value` up; `Ok(None)` when the service does not know it. Without `wait`,
    /// fails at once when the rate limit allows no request now.
    fn lookup<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        kind: IndicatorType,
        value: &'a str,
        wait: bool,
    ) -> BoxFuture<'a, Result<Option<Sighting>, FetchError>>;
}

/// Every kind, in the order `intellisiem sources` and error messages list them.
pub static DRIVERS: &[&dyn Driver] = &[
    &super::otx::Otx,
    &super::virustotal::VirusTotal,
    &super::urlhaus::Urlhaus,
    &super::feodo::DRIVER,
    &super::threatfox::Threatfox,
    &super::cisa_kev::DRIVER,
    &super::plain_list::PlainList,
    &super::spamhaus_drop::DRIVER,
    &super::sslbl::DRIVER,
    &super::taxii::Taxii,
    &super::misp_feed::MispFeed,
    &super::misp::Misp,
];

/// Every kind, for the config loader.
pub fn kinds() -> Vec<SourceKind> {
    DRIVERS.iter().map(|d| SourceKind(d.info())).collect()
}

/// The driver of `kind`; `None` only for a kind that no driver declared.
pub fn driver(kind: SourceKind) -> Option<&'static dyn Driver> {
    DRIVERS
        .iter()
        .find(|d| d.info().name == kind.as_str())
        .copied()
}

/// The look-up capability of `kind`, if it has one.
pub fn lookup(kind: SourceKind) -> Option<&'static dyn Lookup> {
    driver(kind).and_then(|d| d.lookup())
}

/// Loads the config with every registered kind: [`crate::config::load`] for the
/// commands and the dashboard.
pub fn load_config(
    cli: Option<&std::path::Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<crate::config::Config, crate::config::ConfigError> {
    crate::config::load(cli, env, &kinds())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_kind_is_registered_once_with_sane_defaults() {
        let mut names = HashSet::new();
        for d in DRIVERS {
            let k = d.info();
            assert!(names.insert(k.name), "{} registered twice", k.name);
            assert!(
                k.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                k.name
            );
            assert!(k.min_refresh <= k.default_refresh, "{}", k.name);
            assert!(k.default_page_size >= 1, "{}", k.name);
            for u in k.default_url.iter().chain(&k.default_api_url) {
                let url = url::Url::parse(u).unwrap();
                assert_eq!(url.scheme(), "https", "{}", k.name);
            }
            let kind = SourceKind(k);
            assert!(std::ptr::eq(driver(kind).unwrap().info(), k));
        }
    }

    #[test]
    fn lookups_are_asked_by_capability() {
        fn can(name: &str, t: IndicatorType, v: &str) -> bool {
            let kind = kinds().into_iter().find(|k| k.as_str() == name).unwrap();
            lookup(kind).is_some_and(|l| l.supports(t, v))
        }
        let hash = "a".repeat(64);
        assert!(can("virustotal", IndicatorType::Sha256, &hash));
        assert!(can("otx", IndicatorType::Domain, "evil.example"));
        assert!(!can("otx", IndicatorType::Email, "soc@mail.example"));
        assert!(!can("feodo", IndicatorType::Ipv4, "192.0.2.1"));
    }
}
