// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `Enter` overlay: every field of the selected indicator and each source's sighting,
//! as labelled lines ([`super::labelled`]).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;

use super::labelled::{self, Item};
use super::theme::Theme;
use crate::app::App;
use crate::app::keymap::Place;
use crate::model::Observation;
use crate::model::sanitize::sanitize_truncated;
use crate::model::time::Secs;
use crate::model::time::rfc3339;
use crate::store::Entry;

const MAX: usize = 400;

fn list(items: &[impl AsRef<str>]) -> String {
    if items.is_empty() {
        return "-".into();
    }
    let joined: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    sanitize_truncated(&joined.join(", "), MAX)
}

fn times(o_first: Option<jiff::Timestamp>, o_last: Option<jiff::Timestamp>) -> String {
    let f = |t: Option<jiff::Timestamp>| t.map(rfc3339).unwrap_or_else(|| "-".into());
    format!("first {} · last {}", f(o_first), f(o_last))
}

/// The details of `e`, as labelled lines: the value, the merged fields, each source's
/// sighting, hits in the logs and the references.
pub fn items<'a>(app: &App, e: &Entry, theme: &Theme) -> Vec<Item<'a>> {
    let kind = format!("{} ", e.kind);
    let mut out = vec![Item::Text {
        hang: kind.chars().count(),
        spans: vec![
            Span::styled(kind, theme.accent()),
            Span::styled(sanitize_truncated(&e.value, 2_000), theme.title()),
        ],
    }];
    // An internationalised name is keyed (and listed) in its ASCII form; its Unicode form
    // is derived here, shown beside it so a look-alike cannot pass for the real name.
    let shown = crate::model::indicator::display_value(e.kind, &e.value);
    if shown != *e.value {
        out.push(Item::field(
            "unicode",
            sanitize_truncated(&shown, 2_000),
            theme,
        ));
    }
    out.extend([
        Item::Blank,
        Item::field("seen", times(e.first_seen(), e.last_seen()), theme),
        Item::field(
            "threat",
            sanitize_truncated(e.threat().map_or("-", |t| t), MAX),
            theme,
        ),
        Item::field(
            "confidence",
            e.confidence().map_or("-".into(), |c| c.to_string()),
            theme,
        ),
        Item::field(
            "ports",
            list(&e.ports().iter().map(u16::to_string).collect::<Vec<_>>()),
            theme,
        ),
        Item::field("tags", list(&e.tags()), theme),
    ]);
    // On an allowlist or a warninglist: which one, and what that means.
    if let Some(i) = app.listed(e) {
        out.push(Item::field(
            "listed",
            format!(
                "{} {}: left out of exports and not hunted for",
                theme.glyphs.listed,
                app.listing.label(i, 200)
            ),
            theme,
        ));
    }
    out.extend(super::enrichment::items(
        &app.store, e.kind, &e.value, theme,
    ));
    out.extend(super::score::items(app, e, theme));
    out.push(Item::Blank);
    out.push(Item::text(vec![Span::styled(
        format!("Sightings ({})", e.sightings.len()),
        theme.title(),
    )]));
    for (id, o) in &e.sightings {
        let name = app.store.source_name(*id);
        sighting(name, o, theme, &mut out);
        // What the source's last document could not give: counts by reason.
        if let Some(s) = app.sources.iter().find(|s| s.spec.name == name)
            && !s.skipped.is_empty()
        {
            out.push(
                Item::field(
                    "skipped",
                    sanitize_truncated(
                        &format!(
                            "{} records of its last document: {}",
                            s.skipped.total(),
                            s.skipped.counts()
                        ),
                        MAX,
                    ),
                    theme,
                )
                .indented(2),
            );
        }
    }
    if let Some(s) = app.hits.of(e.kind, &e.value) {
        out.push(Item::Blank);
        out.extend(super::hits::sighting_items(s, theme));
    }
    let refs = e.references();
    if !refs.is_empty() {
        out.push(Item::Blank);
        out.push(Item::text(vec![Span::styled("References", theme.title())]));
        for r in refs {
            out.push(
                Item::field(reference_label(r), sanitize_truncated(r, MAX), theme).indented(2),
            );
        }
    }
    out
}

/// What a reference is: a STIX object id (`indicator--<uuid>`, from TAXII), a MISP
/// event uuid (a bare uuid), or a link.
pub fn reference_label(r: &str) -> &'static str {
    let is_uuid = |u: &str| {
        u.len() == 36
            && u.bytes().enumerate().all(|(i, b)| {
                matches!(i, 8 | 13 | 18 | 23) == (b == b'-') && (b == b'-' || b.is_ascii_hexdigit())
            })
    };
    match r.split_once("--") {
        Some((ty, id)) if is_uuid(id) && !ty.is_empty() && !ty.contains('/') => "STIX id",
        _ if is_uuid(r) => "MISP event",
        _ => "link",
    }
}

fn sighting<'a>(name: &str, o: &Observation, theme: &Theme, out: &mut Vec<Item<'a>>) {
    out.push(Item::text(vec![Span::styled(
        format!("▸ {}", sanitize_truncated(name, 40)),
        theme.accent(),
    )]));
    let mut fields = vec![Item::field(
        "seen",
        times(
            o.first_seen.map(Secs::timestamp),
            o.last_seen.map(Secs::timestamp),
        ),
        theme,
    )];
    if let Some(t) = &o.threat {
        fields.push(Item::field("threat", sanitize_truncated(t, MAX), theme));
    }
    if !o.tags.is_empty() {
        fields.push(Item::field("tags", list(&o.tags), theme));
    }
    if !o.ports.is_empty() {
        fields.push(Item::field(
            "ports",
            list(&o.ports.iter().map(u16::to_string).collect::<Vec<_>>()),
            theme,
        ));
    }
    if let Some(c) = o.confidence {
        fields.push(Item::field("confidence", c.to_string(), theme));
    }
    if !o.references.is_empty() {
        fields.push(Item::field("refs", list(&o.references), theme));
    }
    out.extend(fields.into_iter().map(|f| f.indented(2)));
}

/// The lines of the selected indicator's details at `width` columns; none when no
/// indicator is selected.
fn laid_out<'a>(app: &App, width: u16, theme: &Theme) -> Option<Vec<ratatui::text::Line<'a>>> {
    let e = app.selected_entry().and_then(|i| app.store.get(i))?;
    Some(labelled::lay_out(
        &items(app, e, theme),
        usize::from(width.saturating_sub(2)),
        usize::MAX,
    ))
}

/// How far the details in `area` can scroll.
pub fn max_scroll(app: &App, area: Rect, theme: &Theme) -> u16 {
    laid_out(app, area.width, theme).map_or(0, |l| labelled::max_scroll(l.len(), area))
}

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(lines) = laid_out(app, area.width, theme) else {
        return;
    };
    let block = theme.pane(
        format!(
            " Details ({}) ",
            super::joined_hints(app, Place::DetailsTitle, theme)
        ),
        true,
    );
    labelled::render(frame, area, block, lines, app.details_scroll, theme);
}

#[cfg(test)]
mod reference_tests {
    #[test]
    fn references_are_named_by_shape() {
        use super::reference_label as l;
        assert_eq!(
            l("indicator--0b0e0c9a-1c2d-4e5f-8a9b-000000000001"),
            "STIX id"
        );
        assert_eq!(l("5f0c3e1a-7b2d-4c8e-9a11-2b3c4d5e6f70"), "MISP event");
        assert_eq!(
            l("https://x.example/a--0b0e0c9a-1c2d-4e5f-8a9b-000000000001"),
            "link"
        );
        assert_eq!(l("https://urlhaus.abuse.ch/url/1/"), "link");
    }
}
