// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Who this process is to the other users of a shared store: in leases, the fetch
//! history and `NOTIFY` payloads.

/// `user@host pid N #xxxx`: who fetched, for `intellisiem sources`; never a secret.
pub(super) fn holder_id() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    crate::model::sanitize::one_line(
        &format!(
            "{user}@{host} pid {} #{:04x}",
            std::process::id(),
            fastrand::u16(..)
        ),
        120,
    )
}
