// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What a look-up service (VirusTotal, OTX) says about one value: the indicator's
//! enrichment. An answer is not a sighting: it names no source of the indicator, adds
//! none of its tags and none of its dates (VirusTotal's analysis date is when it scanned
//! the object, not when anyone saw it used). It is kept beside the merged set, shown as
//! its own block in the details and exported under its own field.

use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::IndicatorType;
use super::indicator::VtStats;

/// How many pulse names of an OTX answer are kept (the newest first).
pub const PULSE_NAMES_MAX: usize = 5;

/// What a service says about a value it knows. Strings are as the service sent them:
/// sanitise before showing them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// VirusTotal's last analysis: the engines' counts and the community reputation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virustotal: Option<VtStats>,
    /// OTX: the pulses that mention the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pulses: Option<Pulses>,
    /// The service's name for the threat (VirusTotal's suggested label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<String>,
    /// The service's page about the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// OTX's pulses that mention a value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pulses {
    /// How many pulses mention it (OTX's count, which may exceed the names sent).
    pub count: u64,
    /// The names of the first [`PULSE_NAMES_MAX`] pulses OTX listed.
    #[serde(default)]
    pub names: Vec<String>,
}

/// One service's answer about one value, and when it was given.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrichment {
    pub kind: IndicatorType,
    /// The normalised value asked about.
    pub value: Box<str>,
    /// The look-up source's name (`virustotal`, `otx`, or as the config names it).
    pub service: Arc<str>,
    /// When the service answered.
    pub at: Timestamp,
    /// What it said; `None`: it does not know the value.
    pub verdict: Option<Verdict>,
}

impl Verdict {
    /// A short summary for a table cell or a notice: `8/99 malicious (Emotet)` for
    /// VirusTotal, `3 pulses: Name, …` for OTX, else the threat or `known`. Not
    /// sanitised.
    pub fn summary(&self) -> String {
        if let Some(vt) = &self.virustotal {
            let mut s = format!("{}/{} malicious", vt.malicious, vt.total());
            if let Some(t) = &self.threat {
                s.push_str(&format!(" ({t})"));
            }
            return s;
        }
        if let Some(p) = &self.pulses {
            let noun = if p.count == 1 { "pulse" } else { "pulses" };
            return match p.names.first() {
                Some(name) => format!("{} {noun}: {name}", p.count),
                None => format!("{} {noun}", p.count),
            };
        }
        self.threat.clone().unwrap_or_else(|| "known".into())
    }
}

impl VtStats {
    /// The engines that gave a result: malicious, suspicious, harmless and undetected.
    pub fn total(&self) -> u32 {
        self.malicious
            .saturating_add(self.suspicious)
            .saturating_add(self.harmless)
            .saturating_add(self.undetected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_name_the_verdict() {
        let vt = Verdict {
            virustotal: Some(VtStats {
                malicious: 8,
                harmless: 90,
                undetected: 1,
                ..Default::default()
            }),
            threat: Some("Emotet".into()),
            ..Default::default()
        };
        assert_eq!(vt.summary(), "8/99 malicious (Emotet)");
        let otx = Verdict {
            pulses: Some(Pulses {
                count: 1,
                names: vec!["Campaign".into()],
            }),
            ..Default::default()
        };
        assert_eq!(otx.summary(), "1 pulse: Campaign");
        assert_eq!(Verdict::default().summary(), "known");
    }
}
