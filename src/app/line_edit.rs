// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One line of typed text with a cursor: what every text prompt holds (the `/` filter,
//! the export file). Characters go in at the cursor, and the usual line-editing keys
//! ([`Edit`]) move it and delete around it. The cursor counts characters, never bytes,
//! so no edit can split a character.

use std::fmt;
use std::ops::Deref;

/// A line-editing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The cursor one character left (`←`).
    Left,
    /// The cursor one character right (`→`).
    Right,
    /// The cursor to the start (`Ctrl-A`, `Home`).
    Start,
    /// The cursor to the end (`Ctrl-E`, `End`).
    End,
    /// Delete the character before the cursor (`Backspace`).
    Backspace,
    /// Delete the character at the cursor (`Delete`).
    Delete,
    /// Delete the word before the cursor, and the spaces after it (`Ctrl-W`).
    DeleteWord,
    /// Delete everything before the cursor (`Ctrl-U`).
    DeleteToStart,
}

/// A line of text and a cursor in it, at most `max` characters long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    /// Characters before the cursor (0 ..= the text's length in characters).
    cursor: usize,
    max: usize,
}

impl LineEdit {
    /// An empty line that takes up to `max` characters.
    pub fn new(max: usize) -> LineEdit {
        LineEdit {
            text: String::new(),
            cursor: 0,
            max,
        }
    }

    /// A line holding `text` (cut to `max` characters, control characters left out),
    /// the cursor at its end.
    pub fn with_text(text: &str, max: usize) -> LineEdit {
        let mut line = LineEdit::new(max);
        for c in text.chars() {
            line.insert(c);
        }
        line
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Where the cursor is, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The text before the cursor and the text from it on.
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.byte(self.cursor))
    }

    /// Types `c` at the cursor. A control character, or one more than `max`, is
    /// refused; returns whether the text changed.
    pub fn insert(&mut self, c: char) -> bool {
        if c.is_control() || self.text.chars().count() >= self.max {
            return false;
        }
        let at = self.byte(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
        true
    }

    /// Empties the line; returns whether it held anything.
    pub fn clear(&mut self) -> bool {
        self.cursor = 0;
        let had = !self.text.is_empty();
        self.text.clear();
        had
    }

    /// Replaces the text with `text` (as [`LineEdit::with_text`]), the cursor at its end.
    pub fn set(&mut self, text: &str) {
        *self = LineEdit::with_text(text, self.max);
    }

    /// Applies a line-editing key; returns whether the text changed (a cursor move
    /// alone does not).
    pub fn apply(&mut self, edit: Edit) -> bool {
        let len = self.text.chars().count();
        match edit {
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(len),
            Edit::Start => self.cursor = 0,
            Edit::End => self.cursor = len,
            Edit::Backspace if self.cursor > 0 => {
                self.remove(self.cursor - 1, self.cursor);
                return true;
            }
            Edit::Delete if self.cursor < len => {
                self.remove(self.cursor, self.cursor + 1);
                return true;
            }
            Edit::DeleteWord if self.cursor > 0 => {
                let before: Vec<char> = self.split().0.chars().collect();
                let mut from = before.len();
                while from > 0 && before[from - 1].is_whitespace() {
                    from -= 1;
                }
                while from > 0 && !is_word_break(before[from - 1]) {
                    from -= 1;
                }
                // A run of separators alone (`//`) goes as one word.
                if from == before.len() {
                    while from > 0 && is_word_break(before[from - 1]) {
                        from -= 1;
                    }
                }
                self.remove(from, self.cursor);
                return true;
            }
            Edit::DeleteToStart if self.cursor > 0 => {
                self.remove(0, self.cursor);
                return true;
            }
            Edit::Backspace | Edit::Delete | Edit::DeleteWord | Edit::DeleteToStart => {}
        }
        false
    }

    /// The byte offset of the `chars`-th character.
    fn byte(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Deletes characters `from..to`; the cursor goes to `from`.
    fn remove(&mut self, from: usize, to: usize) {
        let (a, b) = (self.byte(from), self.byte(to));
        self.text.replace_range(a..b, "");
        self.cursor = from;
    }
}

/// Where `Ctrl-W` stops: white space and the separators of paths and filters, so it
/// deletes one folder of a path at a time.
fn is_word_break(c: char) -> bool {
    c.is_whitespace() || matches!(c, '/' | '\\' | '.' | ':' | ',' | '-' | '_' | '=')
}

/// A line reads as its text.
impl Deref for LineEdit {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for LineEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq<str> for LineEdit {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for LineEdit {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, cursor: usize) -> LineEdit {
        let mut l = LineEdit::with_text(text, 100);
        l.cursor = cursor;
        l
    }

    fn shown(l: &LineEdit) -> String {
        let (a, b) = l.split();
        format!("{a}|{b}")
    }

    #[test]
    fn characters_go_in_at_the_cursor() {
        let mut l = line("/tmp/out.csv", 4);
        assert!(l.insert('x'));
        assert_eq!(shown(&l), "/tmpx|/out.csv");
        assert!(!l.insert('\u{1b}'), "a control character is refused");
        assert!(!l.insert('\n'));
        assert_eq!(l, "/tmpx/out.csv");
        let mut full = LineEdit::with_text("abc", 3);
        assert!(!full.insert('d'));
        assert_eq!(full, "abc");
        // Several bytes per character: the cursor counts characters.
        let mut u = line("zürich", 2);
        assert!(u.insert('ö'));
        assert_eq!(shown(&u), "züö|rich");
    }

    #[test]
    fn the_cursor_moves_and_stops_at_both_ends() {
        let mut l = line("ab", 1);
        assert!(!l.apply(Edit::Left));
        assert!(!l.apply(Edit::Left));
        assert_eq!(l.cursor(), 0);
        assert!(!l.apply(Edit::Right));
        assert!(!l.apply(Edit::Right));
        assert!(!l.apply(Edit::Right));
        assert_eq!(l.cursor(), 2);
        l.apply(Edit::Start);
        assert_eq!(shown(&l), "|ab");
        l.apply(Edit::End);
        assert_eq!(shown(&l), "ab|");
    }

    #[test]
    fn backspace_and_delete_work_at_the_cursor() {
        let mut l = line("abcd", 2);
        assert!(l.apply(Edit::Backspace));
        assert_eq!(shown(&l), "a|cd");
        assert!(l.apply(Edit::Delete));
        assert_eq!(shown(&l), "a|d");
        let mut start = line("ab", 0);
        assert!(!start.apply(Edit::Backspace));
        let mut end = line("ab", 2);
        assert!(!end.apply(Edit::Delete));
        assert_eq!(end, "ab");
    }

    #[test]
    fn ctrl_w_deletes_a_word_or_a_folder_and_ctrl_u_the_start() {
        let mut l = line("/home/analyst/out.csv", 13);
        assert!(l.apply(Edit::DeleteWord));
        assert_eq!(shown(&l), "/home/|/out.csv");
        assert!(l.apply(Edit::DeleteWord));
        assert_eq!(shown(&l), "/home|/out.csv");
        assert!(l.apply(Edit::DeleteWord));
        assert_eq!(shown(&l), "/|/out.csv");
        assert!(l.apply(Edit::DeleteWord));
        assert_eq!(shown(&l), "|/out.csv");
        assert!(!l.apply(Edit::DeleteWord));
        let mut words = line("evil example  ", 14);
        assert!(words.apply(Edit::DeleteWord));
        assert_eq!(shown(&words), "evil |");
        let mut u = line("abc def", 4);
        assert!(u.apply(Edit::DeleteToStart));
        assert_eq!(shown(&u), "|def");
        assert!(!u.apply(Edit::DeleteToStart));
    }

    #[test]
    fn a_line_reads_as_its_text() {
        let mut l = LineEdit::with_text("a\u{7}b", 10);
        assert_eq!(l, "ab");
        assert_eq!(l.to_string(), "ab");
        assert!(l.starts_with('a'));
        assert!(l.clear());
        assert!(!l.clear());
        assert!(l.is_empty());
        l.set("xyz");
        assert_eq!(shown(&l), "xyz|");
    }
}
