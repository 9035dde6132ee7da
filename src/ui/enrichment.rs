// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The details pane's enrichment block: each look-up service's answer about the value
//! (which service, when it answered, its verdict, its page), apart from the sources'
//! sightings, since an answer is not one.

use ratatui::text::Span;

use super::labelled::Item;
use super::theme::Theme;
use crate::model::sanitize::sanitize_truncated;
use crate::model::time::rfc3339;
use crate::model::{Enrichment, IndicatorType, Verdict, VtStats};
use crate::store::Store;

const MAX: usize = 400;

/// `8 malicious of 99 · 1 suspicious · reputation -12 · analysed <time>`.
fn vt_text(v: &VtStats) -> String {
    let mut text = format!(
        "{} malicious of {} · {} suspicious · reputation {}",
        v.malicious,
        v.total(),
        v.suspicious,
        v.reputation
    );
    if let Some(t) = v.last_analysis {
        text.push_str(&format!(" · analysed {}", rfc3339(t)));
    }
    text
}

/// The block's items for the value `(kind, value)`: a blank line and a title, then per
/// service a line naming it and when it answered and a field per part of its verdict;
/// one field saying it was not looked up when no service was asked.
pub fn items<'a>(store: &Store, kind: IndicatorType, value: &str, theme: &Theme) -> Vec<Item<'a>> {
    let answers: Vec<&Enrichment> = store.enrichments().of(kind, value).collect();
    if answers.is_empty() {
        return vec![Item::field("enrichment", "not looked up (press e)", theme)];
    }
    let mut out = vec![
        Item::Blank,
        Item::text(vec![Span::styled("Enrichment", theme.title())]),
    ];
    for a in answers {
        out.push(Item::Text {
            spans: vec![
                Span::styled(
                    format!("▸ {}", sanitize_truncated(&a.service, 40)),
                    theme.accent(),
                ),
                Span::styled(format!(" · answered {}", rfc3339(a.at)), theme.dim()),
            ],
            hang: 2,
        });
        let fields = match &a.verdict {
            None => vec![Item::field("verdict", "not known to the service", theme)],
            Some(v) => verdict(v, theme),
        };
        out.extend(fields.into_iter().map(|f| f.indented(2)));
    }
    out
}

fn verdict<'a>(v: &Verdict, theme: &Theme) -> Vec<Item<'a>> {
    let mut out = Vec::new();
    if let Some(vt) = &v.virustotal {
        let style = if vt.malicious > 0 {
            theme.malicious()
        } else {
            theme.ok()
        };
        out.push(Item::styled(
            "verdict",
            vec![Span::styled(vt_text(vt), style)],
            theme,
        ));
    }
    if let Some(p) = &v.pulses {
        let names: Vec<&str> = p.names.iter().map(String::as_str).collect();
        let text = if names.is_empty() {
            p.count.to_string()
        } else {
            format!("{}: {}", p.count, names.join(", "))
        };
        out.push(Item::field("pulses", sanitize_truncated(&text, MAX), theme));
    }
    if let Some(t) = &v.threat {
        out.push(Item::field("threat", sanitize_truncated(t, MAX), theme));
    }
    if let Some(l) = &v.link {
        out.push(Item::field("link", sanitize_truncated(l, MAX), theme));
    }
    out
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::app::Msg;
    use crate::app::tests::{loaded, t};
    use crate::model::{Enrichment, IndicatorType, Pulses, Verdict, VtStats};
    use crate::ui::tests::screen;

    /// The selected value looked up on VirusTotal and OTX: the details show both answers
    /// in their own block, and the sightings and merged fields stay the sources' own.
    #[test]
    fn the_details_show_each_services_answer_in_its_own_block() {
        let mut a = loaded();
        let _ = a.update(Msg::Tick(t(300)));
        let answer = |service: &str, at, verdict| Enrichment {
            kind: IndicatorType::Ipv4,
            value: "45.0.0.3".into(),
            service: service.into(),
            at: t(at),
            verdict,
        };
        let vt = Verdict {
            virustotal: Some(VtStats {
                malicious: 8,
                suspicious: 1,
                harmless: 83,
                undetected: 7,
                reputation: -12,
                last_analysis: Some(t(-86_400)),
                ..Default::default()
            }),
            threat: Some("trojan.dridex\u{1b}[2J".into()),
            link: Some("https://www.virustotal.com/gui/ip-address/45.0.0.3".into()),
            ..Default::default()
        };
        let otx = Verdict {
            pulses: Some(Pulses {
                count: 3,
                names: vec!["Dridex C2".into(), "Banking trojans".into()],
            }),
            link: Some("https://otx.alienvault.com/indicator/ip/45.0.0.3".into()),
            ..Default::default()
        };
        for (source, at, verdict) in [(3, 200, Some(vt)), (2, 250, Some(otx))] {
            let name = if source == 3 { "vt" } else { "otx" };
            let _ = a.update(Msg::EnrichDone {
                source,
                value: "45.0.0.3".into(),
                result: Ok(answer(name, at, verdict)),
            });
        }
        let _ = a.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        let s = screen(&mut a, 120, 40);
        assert!(!s.contains('\u{1b}'));
        insta::assert_snapshot!("details_enriched_120x40", s);
    }
}
