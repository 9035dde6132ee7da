// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Snapshots of the fixture's brief as Markdown and JSON (seed 7, scale 1, the week
//! before 2026-11-30T00:00Z, UTC): any change to a number or to the layout shows.

#![allow(clippy::unwrap_used)]

mod report_common;

use intellisiem::report::json::Json;
use intellisiem::report::md::Markdown;
use intellisiem::report::{ReportWriter, Templates};
use report_common::{Fixture, NOW, day};

fn render(w: &dyn ReportWriter, fx: &Fixture, b: &intellisiem::report::Brief) -> String {
    let mut out = Vec::new();
    w.write(b, &Templates::load(None).unwrap(), &mut out)
        .unwrap();
    // The store's path is a temporary folder.
    let text = String::from_utf8(out).unwrap();
    let dir = fx.dir.path().display().to_string();
    text.replace(
        &intellisiem::report::template::escape_markdown(&dir),
        "[dir]",
    )
    .replace(&dir, "[dir]")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fixture_brief_as_markdown_and_json() {
    let fx = Fixture::new(1).await;
    let b = fx.brief(NOW - day(7), NOW, &[], &[]).await;
    let md = render(&Markdown, &fx, &b);
    insta::assert_snapshot!("fixture_brief_md", md);
    let json = render(&Json, &fx, &b);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    // JSON keeps live values: tools get what the store holds.
    assert_eq!(
        v["hits"]["top_indicators"][0]["value"],
        intellisiem::report::fixture::HOSTILE_URL
    );
    insta::assert_snapshot!("fixture_brief_json", json);
}
