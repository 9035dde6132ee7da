// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The brief as GitHub-flavoured Markdown, for tickets and wikis: the template
//! `report.md` rendered with `brief` = [`Brief::defanged`] (values defanged, every
//! string Markdown-escaped by the template engine, see `template::escape_markdown`).
//! Each chart is given as its data table.

use super::{Brief, ReportError, ReportWriter, Templates};

/// Renders `report.md`.
pub struct Markdown;

impl ReportWriter for Markdown {
    fn write(
        &self,
        brief: &Brief,
        templates: &Templates,
        out: &mut dyn std::io::Write,
    ) -> Result<(), ReportError> {
        let ctx = minijinja::context! {
            brief => minijinja::Value::from_serialize(brief.defanged()),
        };
        let text = templates.render("report.md", ctx)?;
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_md() -> String {
        let mut out = Vec::new();
        Markdown
            .write(
                &crate::report::sample::brief(),
                &Templates::load(None).unwrap(),
                &mut out,
            )
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_section_is_there_with_its_numbers() {
        let md = sample_md();
        for title in [
            "## 1. Summary",
            "## 2. Hits over time",
            "## 3. Feed efficacy",
            "## 4. Feed overlap",
            "## 5. Feed health",
            "## 6. New known-exploited vulnerabilities",
            "## 7. Appendix",
        ] {
            assert!(md.contains(title), "{title}");
        }
        assert!(md.contains("| Indicators held | 171,020 |"), "{md}");
        assert!(md.contains("| Change | 16\\.1% |") || md.contains("| Change | 16.1% |"));
        assert!(md.contains("4d 1h"));
    }

    #[test]
    fn outside_strings_are_defanged_and_cannot_make_markup() {
        let md = sample_md();
        assert!(!md.contains("<script>"), "{md}");
        assert!(!md.contains("](javascript"), "{md}");
        assert!(!md.contains("198.51.100.23"), "a live value: {md}");
        assert!(md.contains("198\\[\\.\\]51\\[\\.\\]100\\[\\.\\]23"), "{md}");
        // A pipe in a value never ends a cell: each table row keeps its cell count.
        let rows: Vec<&str> = md
            .lines()
            .filter(|l| l.starts_with("| 2 |") || l.starts_with("| 3 |"))
            .collect();
        assert_eq!(rows.len(), 2);
        for line in rows {
            assert_eq!(line.matches(" | ").count(), 8, "{line}");
        }
    }
}
