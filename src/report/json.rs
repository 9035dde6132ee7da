// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The brief as JSON, for other tools: every number behind every chart and table,
//! values as stored (not defanged), times as RFC 3339 UTC instants. Shape: the
//! [`Brief`] type's fields, serialised by serde; pairs (`failures`, `skipped`,
//! `method`) are two-element arrays.

use super::{Brief, ReportError, ReportWriter, Templates};

/// Writes [`Brief`] as pretty-printed JSON with a final newline.
pub struct Json;

impl ReportWriter for Json {
    fn write(
        &self,
        brief: &Brief,
        _templates: &Templates,
        out: &mut dyn std::io::Write,
    ) -> Result<(), ReportError> {
        serde_json::to_writer_pretty(&mut *out, brief).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_live_values_and_every_section() {
        let b = crate::report::sample::brief();
        let mut out = Vec::new();
        Json.write(&b, &Templates::load(None).unwrap(), &mut out)
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["hits"]["top_indicators"][0]["value"], "198.51.100.23");
        assert_eq!(v["summary"]["hits"], 412);
        assert_eq!(v["period"]["bucket"], "day");
        assert_eq!(v["health"][5]["failures"][0][0], "network_error");
        for k in [
            "summary", "hits", "efficacy", "overlap", "health", "kev", "appendix",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
    }
}
