// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Defanged values for tickets and e-mail: `hxxp://evil[.]example/a.php`,
//! `192[.]0[.]2[.]1`, `phish[@]evil[.]example`. Undone by
//! [`crate::model::indicator::refang`]. Hashes, CVEs and IPv6 addresses (which no
//! mail client makes a link) stay as they are.

use crate::model::IndicatorType;

/// `value` of type `kind`, defanged.
pub fn defang(kind: IndicatorType, value: &str) -> String {
    match kind {
        IndicatorType::Ipv4 | IndicatorType::Domain => value.replace('.', "[.]"),
        IndicatorType::Cidr if !value.contains(':') => value.replace('.', "[.]"),
        IndicatorType::Email => match value.rsplit_once('@') {
            Some((user, host)) => format!("{user}[@]{}", host.replace('.', "[.]")),
            None => value.to_string(),
        },
        IndicatorType::Url => defang_url(value),
        _ => value.to_string(),
    }
}

/// `hxxp(s)://` and the dots of the host; the path stays readable.
fn defang_url(value: &str) -> String {
    let (scheme, rest) = match value.split_once("://") {
        Some((s, r)) => (s, r),
        None => return value.replace('.', "[.]"),
    };
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => "hxxp".to_string(),
        "https" => "hxxps".to_string(),
        _ => scheme.to_string(),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(end);
    format!("{scheme}://{}{tail}", host.replace('.', "[.]"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::indicator::refang;
    use IndicatorType::*;

    #[test]
    fn defanged_values_refang_to_the_original() {
        let cases = [
            (
                Url,
                "http://evil.example/a.php?x=1",
                "hxxp://evil[.]example/a.php?x=1",
            ),
            (
                Url,
                "https://evil.example:8443/",
                "hxxps://evil[.]example:8443/",
            ),
            (Domain, "evil.example", "evil[.]example"),
            (Ipv4, "192.0.2.1", "192[.]0[.]2[.]1"),
            (Cidr, "198.51.100.0/24", "198[.]51[.]100[.]0/24"),
            (Email, "phish@evil.example", "phish[@]evil[.]example"),
            (Ipv6, "2001:db8::1", "2001:db8::1"),
            (Sha256, "ab", "ab"),
        ];
        for (k, v, want) in cases {
            assert_eq!(defang(k, v), want);
            assert_eq!(refang(want), v);
        }
    }
}
