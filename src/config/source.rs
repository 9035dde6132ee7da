// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One `sources:` entry made whole: its kind's defaults, its refresh raised to what the
//! provider allows, its secrets resolved; and the built-in sources.

use super::*;

pub(super) fn resolve_source(
    s: RawSource,
    env: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<String>,
) -> SourceSpec {
    let kind = s.kind;
    let (auth, unavailable) = match s.auth.as_ref().map(|a| resolve_auth(a, env)) {
        None => (None, None),
        Some(Ok(a)) => (Some(a), None),
        Some(Err(e)) => {
            let why = format!("auth: {e}");
            warnings.push(format!("source `{}`: {why}", s.name));
            (None, Some(why))
        }
    };
    let mut refresh = s.refresh.map_or(kind.default_refresh(), |r| r.0);
    if refresh < kind.min_refresh() {
        warnings.push(format!(
            "source `{}`: refresh {} is more often than {} allows; using {}",
            s.name,
            units::format_duration(refresh),
            kind,
            units::format_duration(kind.min_refresh())
        ));
        refresh = kind.min_refresh();
    }
    let default_url = |u: Option<&'static str>| u.and_then(|u| Url::parse(u).ok());
    // A kind without a default URL needs one, and that is checked while parsing.
    let url = s
        .url
        .or_else(|| default_url(kind.default_url()))
        .unwrap_or_else(|| Url::parse("https://invalid.invalid/").expect("constant")); // ok: constant
    SourceSpec {
        name: s.name,
        kind,
        url,
        api_url: s.api_url.or_else(|| default_url(kind.default_api_url())),
        refresh,
        enabled: s.enabled,
        value_type: s.value_type,
        watch: s.watch,
        rate_limit: s.rate_limit.unwrap_or_default(),
        lookback: s.lookback.map_or(kind.info().default_lookback, |l| l.0),
        page_size: s.page_size.unwrap_or(kind.info().default_page_size),
        collection: s.collection,
        auth,
        to_ids_only: s.to_ids_only.unwrap_or(true),
        weight: s.weight.unwrap_or(kind.info().default_weight),
        push: s.push.then(|| PushSpec::new(s.rate_limit)),
        unavailable,
    }
}

/// Resolves `auth:` (shape already checked by the schema).
fn resolve_auth(
    a: &schema::RawAuth,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<SourceAuth, secret::SecretError> {
    let missing = || secret::SecretError::Empty;
    match (&a.user, &a.bearer) {
        (Some(user), _) => Ok(SourceAuth::Basic {
            user: user.trim().to_string(),
            password: secret::resolve(a.password.as_deref(), env)?.ok_or_else(missing)?,
        }),
        (None, b) => Ok(SourceAuth::Bearer(
            secret::resolve(b.as_deref(), env)?.ok_or_else(missing)?,
        )),
    }
}

/// [`defaults::BUILTIN_SOURCES`] whose kind is known.
pub(super) fn builtin_sources(kinds: &[SourceKind]) -> Vec<RawSource> {
    defaults::BUILTIN_SOURCES
        .iter()
        .filter_map(|b| {
            let kind = *kinds.iter().find(|k| k.as_str() == b.kind)?;
            Some(RawSource {
                name: b.name.into(),
                kind,
                url: b.url.and_then(|u| Url::parse(u).ok()),
                api_url: None,
                refresh: None,
                enabled: true,
                value_type: b.value_type,
                watch: Vec::new(),
                rate_limit: None,
                lookback: None,
                page_size: None,
                collection: None,
                auth: None,
                to_ids_only: None,
                weight: None,
                push: false,
            })
        })
        .collect()
}
