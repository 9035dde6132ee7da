// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `--demo`: the dashboard on bundled sample data. Each source's sample is in that
//! service's real wire format (`assets/demo/`) and goes through the same parsers as a
//! live fetch; only the transport is replaced, for fetches and for look-ups (`e`) alike.
//! No network, no keys, no cache. Of the user's config only `keys:` and `mouse:` apply
//! ([`config_with`]).
//!
//! The sample uses documentation address ranges (RFC 5737) and `.example` names.

use std::time::Duration;

use secrecy::SecretString;

use crate::config::{Config, ConfigOrigin, SourceSpec};
use crate::model::{Enrichment, IndicatorType};
use crate::sources::{self, FetchError, FetchOutput};

/// The bundled documents, by source name.
const ASSETS: [(&str, &[u8]); 11] = [
    (
        "otx",
        include_bytes!("../assets/demo/otx_pulses_subscribed.json"),
    ),
    (
        "urlhaus",
        include_bytes!("../assets/demo/urlhaus_csv_recent.csv"),
    ),
    (
        "feodo",
        include_bytes!("../assets/demo/feodo_ipblocklist.json"),
    ),
    (
        "threatfox",
        include_bytes!("../assets/demo/threatfox_recent.json"),
    ),
    ("cisa_kev", include_bytes!("../assets/demo/cisa_kev.json")),
    (
        "openphish",
        include_bytes!("../assets/demo/openphish_feed.txt"),
    ),
    // A maintenance page where the list should be: shows a source in error.
    (
        "et_compromised",
        include_bytes!("../assets/demo/et_compromised_ips.txt"),
    ),
    (
        "spamhaus_drop",
        include_bytes!("../assets/demo/spamhaus_drop_v4.json"),
    ),
    // One page of a TAXII 2.1 collection (an envelope of STIX 2.1 objects).
    (
        "sector_taxii",
        include_bytes!("../assets/demo/taxii_objects_envelope.json"),
    ),
    // One event of a MISP feed (`<uuid>.json`).
    (
        "misp_osint",
        include_bytes!("../assets/demo/misp_feed_event.json"),
    ),
    // A MISP `attributes/restSearch` reply.
    (
        "misp",
        include_bytes!("../assets/demo/misp_restsearch.json"),
    ),
];

/// Bundled OTX `indicators/{type}/{value}/general` replies, by the value asked about. A
/// value without one is not known to the demo's OTX, as a `404` would say.
const LOOKUPS: [(IndicatorType, &str, &[u8]); 3] = [
    (
        IndicatorType::Ipv4,
        "203.0.113.120",
        include_bytes!("../assets/demo/otx_general_ipv4_203.0.113.120.json"),
    ),
    (
        IndicatorType::Domain,
        "gate.botnet.example",
        include_bytes!("../assets/demo/otx_general_domain_gate.botnet.example.json"),
    ),
    (
        IndicatorType::Ipv4,
        "192.0.2.83",
        include_bytes!("../assets/demo/otx_general_ipv4_192.0.2.83.json"),
    ),
];

/// The sharing-community sources the demo adds to the built-in set: they need the
/// user's own server (a TAXII collection, a MISP instance), so they are not built in.
/// A real config lists them the same way.
pub const CTI_SOURCES: &str = "api_keys:
  misp: demo
sources:
  - name: sector_taxii
    kind: taxii
    url: https://taxii.example/api1/
    collection: 91a7b528-80eb-42ed-a74d-c6fbd5a26116
  - name: misp_osint
    kind: misp_feed
    url: https://misp-feed.example/feed/
  - name: misp
    kind: misp
    url: https://misp.example/
";

/// The built-in source set, with OTX shown as keyed (its sample stands in for the API)
/// and VirusTotal left without a key (a disabled source).
pub fn config() -> Config {
    let mut c = Config::builtin(&|_| None, &crate::sources::registry::kinds());
    c.origin = ConfigOrigin::Demo;
    c.keys.otx = Some(SecretString::from("demo"));
    c.keys.virustotal = None;
    c.keys.abuse_ch = None;
    c.cache.path = crate::config::CachePath::Off;
    // Built from a constant that the tests parse: cannot fail.
    if let Ok(extra) = Config::from_yaml(
        CTI_SOURCES,
        std::path::Path::new("demo"),
        &|_| None,
        &crate::sources::registry::kinds(),
    ) {
        c.sources.extend(extra.config.sources);
        c.keys.misp = extra.config.keys.misp;
    }
    c
}

/// The demo config with what `user` (the config the dashboard would read) says of the
/// analyst's own use of it: the key bindings (`keys:`) and the mouse (`mouse:`). Nothing
/// else of it applies: no source, key, log, store or proxy of its reaches the demo.
pub fn config_with(user: &Config) -> Config {
    let mut c = config();
    c.bindings = user.bindings.clone();
    c.mouse = user.mouse;
    c
}

/// The clock of pictures of the demo (2026-11-29T12:00:00Z, the day after the newest
/// sample), so they do not change from day to day.
pub const PICTURE_TIME: i64 = 1_795_953_600;

/// The dashboard as `--demo` shows it once every bundled document has arrived: each
/// enabled source's sample parsed and merged as fetched two minutes before `now`, on a
/// `width` x `height` terminal. For pictures of the dashboard and for tests; draws
/// nothing and starts nothing.
pub fn loaded_app(now: jiff::Timestamp, width: u16, height: u16) -> crate::app::App {
    use crate::app::{App, Msg};
    let config = config();
    let fetched = now - jiff::SignedDuration::from_secs(120);
    let mut app = App::new(&config, fetched);
    let _ = app.update(Msg::Resize { width, height });
    let _ = app.update(Msg::Tick(fetched));
    for (i, spec) in config.sources.iter().enumerate() {
        if config.availability(spec) == crate::config::Availability::Enabled {
            let _ = app.update(Msg::FetchDone {
                source: i,
                result: parse(spec),
                at: fetched,
                elapsed: Duration::from_millis(300 + 40 * i as u64),
            });
        }
    }
    let _ = app.update(Msg::Tick(now));
    app
}

/// The bundled document for `spec`.
pub fn asset(spec: &SourceSpec) -> Option<&'static [u8]> {
    ASSETS
        .iter()
        .find(|(n, _)| *n == spec.name)
        .map(|(_, b)| *b)
}

/// A "fetch" of the bundled document: a short, staggered wait, then the real parser.
pub async fn fetch(
    _ctx: &sources::FetchContext,
    spec: &SourceSpec,
) -> Result<FetchOutput, FetchError> {
    let wait = 300 + (spec.name.bytes().map(u64::from).sum::<u64>() * 37) % 1200;
    tokio::time::sleep(Duration::from_millis(wait)).await;
    parse(spec)
}

/// A look-up (`e`) in the demo: after a short wait, the bundled OTX reply for the value
/// through OTX's own parser, or "not known" for a value without one. No request is
/// made: only OTX answers in the demo (VirusTotal has no key there), and any other kind
/// is refused.
pub async fn lookup(
    spec: &SourceSpec,
    kind: IndicatorType,
    value: &str,
) -> Result<Enrichment, FetchError> {
    if spec.kind.as_str() != sources::otx::KIND.name {
        return Err(FetchError::Refused(format!(
            "{} look-ups are not available in the demo",
            spec.name
        )));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let verdict = match LOOKUPS.iter().find(|(k, v, _)| *k == kind && *v == value) {
        Some((_, _, body)) => Some(sources::otx::parse_general(body, kind, value)?),
        None => None,
    };
    Ok(Enrichment {
        kind,
        value: value.into(),
        service: spec.name.as_str().into(),
        at: jiff::Timestamp::now(),
        verdict,
    })
}

/// Parses the bundled document of `spec` as its live fetch would.
pub fn parse(spec: &SourceSpec) -> Result<FetchOutput, FetchError> {
    let body =
        asset(spec).ok_or_else(|| FetchError::Refused("no demo data for this source".into()))?;
    // The kind's own parser, through the registry, as a live fetch would.
    let batch = sources::parse_document(spec, body)?;
    Ok(FetchOutput {
        batch,
        bytes: body.len() as u64,
        requests: 1,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Availability;

    #[tokio::test]
    async fn a_demo_look_up_answers_from_the_bundled_replies() {
        let c = config();
        let otx = c.sources.iter().find(|s| s.name == "otx").unwrap();
        let known = lookup(otx, IndicatorType::Ipv4, "203.0.113.120")
            .await
            .unwrap();
        let pulses = known.verdict.and_then(|v| v.pulses).unwrap();
        assert_eq!(pulses.count, 3);
        assert_eq!(
            pulses.names[0], "Example botnet infrastructure",
            "newest first"
        );
        for (kind, value, _) in LOOKUPS {
            let a = lookup(otx, kind, value).await.unwrap();
            assert!(a.verdict.is_some(), "{value}");
        }
        let unknown = lookup(otx, IndicatorType::Domain, "nowhere.example")
            .await
            .unwrap();
        assert_eq!(unknown.verdict, None);
        let vt = c.sources.iter().find(|s| s.name == "virustotal").unwrap();
        let e = lookup(vt, IndicatorType::Ipv4, "203.0.113.120")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("not available in the demo"), "{e}");
    }

    #[test]
    fn the_demo_takes_only_keys_and_mouse_from_the_users_config() {
        let yaml = "api_keys: { alien_vault: \"user-key\" }\nmouse: false\nkeys: { enrich: [\"E\"] }\nsources:\n  - { name: mine, kind: feodo, url: \"http://127.0.0.1:9/f\" }\n";
        let user = Config::from_yaml(
            yaml,
            std::path::Path::new("user.yaml"),
            &|_| None,
            &crate::sources::registry::kinds(),
        )
        .unwrap()
        .config;
        let c = config_with(&user);
        assert!(!c.mouse);
        assert_eq!(c.bindings, user.bindings);
        assert!(!c.sources.iter().any(|s| s.name == "mine"));
        assert_eq!(c.origin, ConfigOrigin::Demo);
        use secrecy::ExposeSecret;
        let otx = c.keys.otx.as_ref().map(|k| k.expose_secret().to_string());
        assert_eq!(otx.as_deref(), Some("demo"), "never the user's key");
        assert_eq!(c.sources.len(), config().sources.len());
    }

    #[test]
    fn every_demo_source_parses_through_the_real_parsers() {
        let c = config();
        let mut ok = 0;
        let mut failed = 0;
        let mut disabled = 0;
        for spec in &c.sources {
            match c.availability(spec) {
                Availability::Disabled(_) => disabled += 1,
                Availability::Enabled => match parse(spec) {
                    Ok(out) => {
                        assert!(out.batch.sightings.len() >= 10, "{}", spec.name);
                        ok += 1;
                    }
                    Err(e) => {
                        assert_eq!(spec.name, "et_compromised", "{e}");
                        assert!(e.to_string().contains("HTML"), "{e}");
                        failed += 1;
                    }
                },
            }
        }
        assert_eq!((ok, failed, disabled), (10, 1, 1));
    }

    #[test]
    fn demo_data_stays_in_documentation_ranges() {
        let lookups = LOOKUPS.iter().map(|(_, v, b)| (*v, *b));
        for (name, body) in ASSETS.into_iter().chain(lookups) {
            let text = String::from_utf8_lossy(body);
            for token in text.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
                let parts: Vec<&str> = token.split('.').collect();
                if parts.len() == 4
                    && parts
                        .iter()
                        .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
                {
                    let doc = token.starts_with("192.0.2.")
                        || token.starts_with("198.51.100.")
                        || token.starts_with("203.0.113.");
                    assert!(doc, "{name}: {token} is outside the documentation ranges");
                }
            }
        }
    }
}
