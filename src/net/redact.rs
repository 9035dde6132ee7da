// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! URLs as they may be shown or logged: no credentials, no key-like query values.

use url::Url;

const SECRET_PARAMS: [&str; 10] = [
    "key",
    "apikey",
    "api_key",
    "token",
    "auth",
    "auth-key",
    "secret",
    "password",
    "sig",
    "access_token",
];

/// The URL with user info removed and key-like query values replaced by `REDACTED`,
/// sanitised for display.
pub fn redact_url(url: &Url) -> String {
    let mut u = url.clone();
    if !u.username().is_empty() || u.password().is_some() {
        let _ = u.set_username("");
        let _ = u.set_password(None);
    }
    if u.query().is_some() {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let secret = SECRET_PARAMS.iter().any(|p| k.eq_ignore_ascii_case(p))
                    || k.to_ascii_lowercase().ends_with("key");
                let v = if secret {
                    "REDACTED".to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    crate::model::sanitize::sanitize(u.as_str()).into_owned()
}

/// Redacts every occurrence of `secret` in `text` (for third-party error strings that
/// might echo a request).
pub fn scrub(text: &str, secret: &str) -> String {
    if secret.len() < 4 {
        return text.to_string();
    }
    text.replace(secret, "REDACTED")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_credentials_and_key_params() {
        let u =
            Url::parse("https://user:pw@h.example/p?apikey=SECRET&limit=5&x-api-key=S2").unwrap();
        let r = redact_url(&u);
        assert!(
            !r.contains("SECRET") && !r.contains("S2") && !r.contains("pw"),
            "{r}"
        );
        assert!(r.contains("limit=5"), "{r}");
    }

    #[test]
    fn scrub_removes_secret() {
        assert_eq!(scrub("bad key abcd1234!", "abcd1234"), "bad key REDACTED!");
    }
}
