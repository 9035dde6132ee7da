// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The source registry: the table of every kind of source, each behind one [`Driver`]
//! (the traits are in [`super::driver`]).
//!
//! A kind is one file under `sources/` that declares its `KindInfo` (name, key use,
//! defaults, accepted config fields) and implements [`Driver`] (how it fetches, its pure
//! parser, whether it is rate limited, and an optional [`Lookup`] capability). Adding a
//! kind is that file, its fixture tests, and one line in [`DRIVERS`]. The config loader,
//! the demo, enrichment and `intellisiem sources` all ask the registry.

use crate::config::SourceKind;

pub use super::driver::{Driver, Dump, Lookup};

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
    use crate::model::IndicatorType;
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
