// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The report templates' formatting filters, registered by `Templates::load` for every
//! output:
//! - `num`: an integer with thousands separators (`1,234,567`); a float with
//!   `num(digits)` decimals (default 1);
//! - `pct`: a percentage with one decimal and `%` (`12.5%`); `none` gives `–`;
//! - `date`, `datetime`: an RFC 3339 instant as `2026-11-30` / `2026-11-30 14:05`
//!   in the zone given as argument (an IANA name, e.g. `brief.period.time_zone`;
//!   default UTC), the latter followed by the zone's abbreviation;
//! - `duration`: seconds as the two largest units (`4d 1h`, `3m 20s`, `0s`).
//!
//! Their output holds only digits, letters, `, . : % – -` and spaces, so it is marked
//! safe (nothing to escape in HTML or Markdown); an argument of the wrong kind is a
//! template error naming the filter.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use minijinja::value::ValueKind;
use minijinja::{Environment, Error, ErrorKind, Value};

/// Registers every filter on `env`.
pub fn register(env: &mut Environment<'static>) {
    env.add_filter("num", num);
    env.add_filter("pct", pct);
    env.add_filter("date", date);
    env.add_filter("datetime", datetime);
    env.add_filter("duration", duration);
}

fn bad(filter: &str, v: &Value) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("{filter}: cannot format a {}", v.kind()),
    )
}

/// `n` with a comma every three digits (`-1,234`).
pub fn thousands(n: i128) -> String {
    let digits = match u64::try_from(n.unsigned_abs()) {
        Ok(m) => crate::model::count::grouped(m),
        Err(_) => n.unsigned_abs().to_string(),
    };
    if n < 0 { format!("-{digits}") } else { digits }
}

fn num(v: Value, digits: Option<u8>) -> Result<Value, Error> {
    if let Ok(i) = i128::try_from(v.clone()) {
        return Ok(Value::from_safe_string(thousands(i)));
    }
    let f = f64::try_from(v.clone()).map_err(|_| bad("num", &v))?;
    if !f.is_finite() {
        return Err(bad("num", &v));
    }
    let d = usize::from(digits.unwrap_or(1).min(6));
    let text = format!("{:.*}", d, f.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let int: i128 = int.parse().map_err(|_| bad("num", &v))?;
    let mut out = if f < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-".to_string()
    } else {
        String::new()
    };
    out.push_str(&thousands(int));
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Ok(Value::from_safe_string(out))
}

fn pct(v: Value) -> Result<Value, Error> {
    if v.is_none() || v.is_undefined() {
        return Ok(Value::from_safe_string("–".into()));
    }
    let f = f64::try_from(v.clone()).map_err(|_| bad("pct", &v))?;
    if !f.is_finite() {
        return Err(bad("pct", &v));
    }
    Ok(Value::from_safe_string(format!("{f:.1}%")))
}

fn instant(filter: &str, v: &Value) -> Result<Timestamp, Error> {
    if v.kind() == ValueKind::String
        && let Some(s) = v.as_str()
        && let Ok(t) = s.parse::<Timestamp>()
    {
        return Ok(t);
    }
    Err(bad(filter, v))
}

fn zone(name: Option<&str>) -> TimeZone {
    name.and_then(|n| TimeZone::get(n).ok())
        .unwrap_or(TimeZone::UTC)
}

fn date(v: Value, tz: Option<String>) -> Result<Value, Error> {
    let t = instant("date", &v)?;
    let z = jiff::ZonedDateTime::new(t, zone(tz.as_deref()));
    Ok(Value::from_safe_string(z.strftime("%Y-%m-%d").to_string()))
}

fn datetime(v: Value, tz: Option<String>) -> Result<Value, Error> {
    let t = instant("datetime", &v)?;
    let z = jiff::ZonedDateTime::new(t, zone(tz.as_deref()));
    Ok(Value::from_safe_string(
        z.strftime("%Y-%m-%d %H:%M %Z").to_string(),
    ))
}

/// Seconds as the two largest non-zero units of d, h, m, s.
pub fn human_duration(secs: u64) -> String {
    let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let mut left = secs;
    let mut parts = Vec::new();
    for (size, name) in units {
        let n = left / size;
        left %= size;
        if n > 0 || !parts.is_empty() {
            parts.push((n, name));
        }
        if parts.len() == 2 {
            break;
        }
    }
    let shown: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    if shown.is_empty() {
        "0s".into()
    } else {
        shown.join(" ")
    }
}

fn duration(v: Value) -> Result<Value, Error> {
    let s = u64::try_from(v.clone()).map_err(|_| bad("duration", &v))?;
    Ok(Value::from_safe_string(human_duration(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str, ctx: Value) -> Result<String, Error> {
        let mut env = Environment::new();
        register(&mut env);
        env.render_str(src, ctx)
    }

    #[test]
    fn each_filter_formats_and_rejects_the_wrong_kind() {
        let ctx = minijinja::context! {
            n => 1_234_567, f => 1234.56, neg => -1234, p => 16.056, t => "2026-03-29T01:30:00Z",
        };
        assert_eq!(
            render(
                "{{ n|num }} {{ f|num }} {{ f|num(0) }} {{ neg|num }}",
                ctx.clone()
            )
            .unwrap(),
            "1,234,567 1,234.6 1,235 -1,234"
        );
        assert_eq!(
            render("{{ p|pct }} {{ none|pct }}", ctx.clone()).unwrap(),
            "16.1% –"
        );
        assert_eq!(
            render(
                "{{ t|date }} {{ t|datetime('Europe/Berlin') }}",
                ctx.clone()
            )
            .unwrap(),
            "2026-03-29 2026-03-29 03:30 CEST"
        );
        assert_eq!(
            render(
                "{{ 353100|duration }} {{ 200|duration }} {{ 0|duration }} {{ 3600|duration }}",
                ctx.clone()
            )
            .unwrap(),
            "4d 2h 3m 20s 0s 1h"
        );
        for bad in [
            "{{ 'x'|num }}",
            "{{ 'x'|date }}",
            "{{ 'x'|pct }}",
            "{{ -1|duration }}",
        ] {
            let e = render(bad, ctx.clone()).unwrap_err().to_string();
            assert!(e.contains("cannot format"), "{bad}: {e}");
        }
    }
}
