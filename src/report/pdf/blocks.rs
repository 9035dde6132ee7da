// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The PDF template's Markdown as blocks to lay out: headings, paragraphs, lists,
//! GFM tables, images and rules (CommonMark with GFM tables, by pulldown-cmark).
//!
//! Inline: `**strong**` is set bold; emphasis, links and code keep their text in the
//! regular weight; raw HTML is dropped (the template's values are Markdown-escaped, so
//! only the template's author can write any). An image (`![alt](src)`) is a block of
//! its own wherever it stands: the text around it becomes paragraphs before and after.

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::text::{Span, Weight};

/// A column's alignment (GFM `:--`, `:-:`, `--:`; left when not said).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A table: the header row, the body rows, one alignment per column. Rows may be
/// shorter than the header (GFM pads them); cells are spans.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub header: Vec<Vec<Span>>,
    pub rows: Vec<Vec<Vec<Span>>>,
    pub align: Vec<Align>,
}

/// A list item: its nesting depth (0 for the outer list), its marker (`•` or `3.`)
/// and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub depth: usize,
    pub marker: String,
    pub spans: Vec<Span>,
}

/// One block of the document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `#` to `######`: level 1 to 6.
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph(Vec<Span>),
    /// A list, nested lists flattened in order with their depth.
    List(Vec<Item>),
    Table(Table),
    /// `![alt](src)`: `src` is `chart:<id>` or a file name in the template folder.
    Image {
        src: String,
        alt: String,
    },
    /// `---`: a thin line across the page.
    Rule,
}

/// What inline text is being gathered for.
enum Gather {
    Nothing,
    Heading(u8),
    Paragraph,
    Cell,
    Image(String),
}

/// The parser's state between events.
struct Builder {
    blocks: Vec<Block>,
    spans: Vec<Span>,
    bold: usize,
    into: Gather,
    /// Inside a list: one counter per open list (`None`: bullets).
    lists: Vec<Option<u64>>,
    items: Vec<Item>,
    table: Option<Table>,
    row: Vec<Vec<Span>>,
    alt: String,
}

impl Builder {
    fn push_text(&mut self, text: &str) {
        if let Gather::Image(_) = self.into {
            self.alt.push_str(text);
            return;
        }
        let weight = if self.bold > 0 {
            Weight::Bold
        } else {
            Weight::Regular
        };
        match self.spans.last_mut() {
            Some(last) if last.weight == weight => last.text.push_str(text),
            _ => self.spans.push(Span::new(text, weight)),
        }
    }

    /// The text gathered so far as a paragraph or the open list item (none when empty).
    fn flush_text(&mut self) {
        let spans = std::mem::take(&mut self.spans);
        if spans.iter().all(|s| s.text.trim().is_empty()) {
            return;
        }
        if self.lists.is_empty() {
            self.blocks.push(Block::Paragraph(spans));
        } else {
            let depth = self.lists.len() - 1;
            let marker = match self.lists.last_mut() {
                Some(Some(n)) => {
                    *n += 1;
                    format!("{}.", *n - 1)
                }
                _ => "\u{2022}".to_string(),
            };
            self.items.push(Item {
                depth,
                marker,
                spans,
            });
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush_text();
                self.into = Gather::Heading(heading_level(level));
            }
            Tag::Paragraph | Tag::CodeBlock(_) | Tag::BlockQuote(_) => {
                if matches!(self.into, Gather::Nothing) {
                    self.into = Gather::Paragraph;
                }
            }
            Tag::List(first) => {
                self.flush_text();
                self.lists.push(first);
            }
            Tag::Item => self.flush_text(),
            Tag::Table(align) => {
                self.flush_text();
                self.table = Some(Table {
                    align: align.iter().map(|a| convert_align(*a)).collect(),
                    ..Table::default()
                });
            }
            Tag::TableCell => {
                self.spans.clear();
                self.into = Gather::Cell;
            }
            Tag::Strong => self.bold += 1,
            Tag::Image { dest_url, .. } => {
                self.flush_text();
                self.alt.clear();
                self.into = Gather::Image(dest_url.to_string());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                if let Gather::Heading(level) = self.into {
                    let spans = std::mem::take(&mut self.spans);
                    self.blocks.push(Block::Heading { level, spans });
                }
                self.into = Gather::Nothing;
            }
            TagEnd::Paragraph | TagEnd::CodeBlock | TagEnd::BlockQuote(_) => {
                if self.lists.is_empty() {
                    self.flush_text();
                    self.into = Gather::Nothing;
                } else {
                    self.push_text("\n");
                }
            }
            TagEnd::Item => {
                trim_trailing_breaks(&mut self.spans);
                self.flush_text();
            }
            TagEnd::List(_) => {
                self.flush_text();
                self.lists.pop();
                if self.lists.is_empty() && !self.items.is_empty() {
                    self.blocks
                        .push(Block::List(std::mem::take(&mut self.items)));
                }
            }
            TagEnd::TableCell => {
                self.row.push(std::mem::take(&mut self.spans));
                self.into = Gather::Nothing;
            }
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.header = std::mem::take(&mut self.row);
                }
            }
            TagEnd::TableRow => {
                let row = std::mem::take(&mut self.row);
                if let Some(t) = self.table.as_mut() {
                    t.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.blocks.push(Block::Table(t));
                }
            }
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Image => {
                if let Gather::Image(src) = std::mem::replace(&mut self.into, Gather::Paragraph) {
                    let alt = std::mem::take(&mut self.alt);
                    self.blocks.push(Block::Image { src, alt });
                }
            }
            _ => {}
        }
    }
}

/// Drops the line breaks a loose list item's last paragraph left.
fn trim_trailing_breaks(spans: &mut Vec<Span>) {
    while let Some(last) = spans.last_mut() {
        let kept = last.text.trim_end_matches('\n').len();
        last.text.truncate(kept);
        if last.text.is_empty() {
            spans.pop();
        } else {
            break;
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn convert_align(a: Alignment) -> Align {
    match a {
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
        Alignment::None | Alignment::Left => Align::Left,
    }
}

/// The blocks of `markdown`, in order.
pub fn parse(markdown: &str) -> Vec<Block> {
    let mut b = Builder {
        blocks: Vec::new(),
        spans: Vec::new(),
        bold: 0,
        into: Gather::Nothing,
        lists: Vec::new(),
        items: Vec::new(),
        table: None,
        row: Vec::new(),
        alt: String::new(),
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(tag) => b.start(tag),
            Event::End(tag) => b.end(tag),
            Event::Text(t) | Event::Code(t) => b.push_text(&t),
            Event::SoftBreak => b.push_text(" "),
            Event::HardBreak => b.push_text("\n"),
            Event::Rule => {
                b.flush_text();
                b.blocks.push(Block::Rule);
            }
            _ => {}
        }
    }
    b.flush_text();
    b.blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::pdf::text::plain;

    #[test]
    fn headings_paragraphs_and_strong_text() {
        let blocks = parse("# Title\n\nSome **bold** text\nwrapped.\n\n## Two\n\n---\n");
        assert_eq!(blocks.len(), 4);
        assert!(
            matches!(&blocks[0], Block::Heading { level: 1, spans } if plain(spans) == "Title")
        );
        let Block::Paragraph(p) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!(plain(p), "Some bold text wrapped.");
        assert_eq!(p[1], Span::new("bold", Weight::Bold));
        assert!(matches!(&blocks[2], Block::Heading { level: 2, .. }));
        assert_eq!(blocks[3], Block::Rule);
    }

    #[test]
    fn a_gfm_table_with_alignment_and_escaped_pipes() {
        let md = "| Value | Hits |\n|---|--:|\n| a\\|b | 1,234 |\n| `x` | 2 |\n";
        let blocks = parse(md);
        let Block::Table(t) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(t.align, vec![Align::Left, Align::Right]);
        assert_eq!(plain(&t.header[1]), "Hits");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(plain(&t.rows[0][0]), "a|b");
        assert_eq!(plain(&t.rows[0][1]), "1,234");
        assert_eq!(plain(&t.rows[1][0]), "x");
    }

    #[test]
    fn lists_nest_and_number() {
        let blocks = parse("- one\n- two\n  1. a\n  2. b\n- three\n");
        let Block::List(items) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        let got: Vec<(usize, &str, String)> = items
            .iter()
            .map(|i| (i.depth, i.marker.as_str(), plain(&i.spans)))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, "\u{2022}", "one".to_string()),
                (0, "\u{2022}", "two".to_string()),
                (1, "1.", "a".to_string()),
                (1, "2.", "b".to_string()),
                (0, "\u{2022}", "three".to_string()),
            ]
        );
    }

    #[test]
    fn an_image_is_a_block_between_the_text_around_it() {
        let blocks = parse("Before ![Hits per day](chart:hits_over_time) after\n");
        assert_eq!(blocks.len(), 3);
        assert_eq!(
            blocks[1],
            Block::Image {
                src: "chart:hits_over_time".into(),
                alt: "Hits per day".into()
            }
        );
        assert!(matches!(&blocks[2], Block::Paragraph(p) if plain(p).trim() == "after"));
    }

    #[test]
    fn escaped_values_come_back_literal_and_html_is_dropped() {
        let value = "<b>odd|name</b> [click](javascript:alert(1)) *x*";
        let md = format!(
            "<div>raw</div>\n\n| v |\n|---|\n| {} |\n\n{}\n",
            crate::report::template::escape_markdown(value),
            crate::report::template::escape_markdown(value)
        );
        let blocks = parse(&md);
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        let Block::Table(t) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(plain(&t.rows[0][0]), value);
        assert!(matches!(&blocks[1], Block::Paragraph(p) if plain(p) == value));
    }
}
