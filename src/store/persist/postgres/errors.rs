// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! PostgreSQL errors as the store reports them: passing (the server away or busy),
//! refused for want of rights, or anything else with the server's own reason.

use crate::store::persist::PersistError;

pub(super) fn pg_err(shown: &str, e: impl std::fmt::Display) -> PersistError {
    PersistError::Sqlite {
        path: shown.into(),
        reason: crate::model::sanitize::one_line(&e.to_string(), 200),
    }
}

/// A write refused for want of rights is [`PersistError::ReadOnly`]; a server that is
/// away or busy (a lost connection, an I/O error, SQLSTATE class 08 connection
/// exceptions, 57P01-57P03 shutdown and start-up, class 53 insufficient resources, 40001
/// and 40P01 serialization failures and deadlocks) is [`PersistError::Unavailable`], so
/// the call may be retried; anything else keeps the server's message.
pub(super) fn classify(shown: &str, e: tokio_postgres::Error) -> PersistError {
    if e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
        return PersistError::ReadOnly(shown.to_string());
    }
    let transient_code = e.code().is_some_and(|c| {
        let code = c.code();
        code.starts_with("08")
            || code.starts_with("53")
            || matches!(code, "57P01" | "57P02" | "57P03" | "40001" | "40P01")
    });
    let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
    if e.is_closed() || io || transient_code {
        return PersistError::Unavailable(format!(
            "store {shown} unreachable: {}",
            crate::model::sanitize::one_line(&server_reason(&e), 160)
        ));
    }
    pg_err(shown, server_reason(&e))
}

/// The server's own words for `e`: its message and SQLSTATE for an error the server
/// sent (`tokio_postgres` shows those only as "db error"), else the error and its cause.
fn server_reason(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} (SQLSTATE {})", db.message(), db.code().code());
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}
