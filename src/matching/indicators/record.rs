// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One line of a `fetch --format jsonl` export, read into the fields `match` uses:
//! `type`, `value`, `sources`, `first_seen`, `last_seen`, `threat`, `confidence` (any
//! other member is ignored). A line is first walked by a strict scanner that borrows
//! every string; a line it does not vouch for (an escape sequence, a duplicate member,
//! an odd number, deep nesting) goes to `serde_json`, which then decides. Both accept
//! and refuse exactly the same lines with the same result (a property test checks it):
//! the scanner only makes the common line cheap (it was 40 % of reading an export).

use std::borrow::Cow;

use serde::Deserialize;
use smallvec::SmallVec;

use crate::model::IndicatorType;

/// The members of one export record that `match` reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record<'a> {
    /// `None` only while scanning; a finished record always has its type.
    pub kind: Option<IndicatorType>,
    pub value: Option<Cow<'a, str>>,
    pub sources: SmallVec<[Cow<'a, str>; 2]>,
    pub first_seen: Option<Cow<'a, str>>,
    pub last_seen: Option<Cow<'a, str>>,
    pub threat: Option<Cow<'a, str>>,
    /// 0–255 as written (the export writes 0–100).
    pub confidence: Option<u8>,
    /// The score when exported, 0–255 as written (the export writes 0–100).
    pub score: Option<u8>,
}

#[derive(Deserialize)]
struct Serde<'a> {
    #[serde(rename = "type")]
    kind: IndicatorType,
    #[serde(borrow)]
    value: Cow<'a, str>,
    #[serde(borrow, default)]
    sources: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    first_seen: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    last_seen: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    threat: Option<Cow<'a, str>>,
    #[serde(default)]
    confidence: Option<u8>,
    #[serde(default)]
    score: Option<u8>,
}

/// Reads one JSON object line; `None` when it is not a valid record (not JSON, or
/// without `type` or `value`, or a member of the wrong shape).
pub fn parse(text: &str) -> Option<Record<'_>> {
    if let Some(r) = Scanner::new(text).record() {
        return Some(r);
    }
    by_serde(text)
}

/// The line read by `serde_json` alone.
fn by_serde(text: &str) -> Option<Record<'_>> {
    let s: Serde<'_> = serde_json::from_str(text).ok()?;
    Some(Record {
        kind: Some(s.kind),
        value: Some(s.value),
        sources: s.sources.into_iter().collect(),
        first_seen: s.first_seen,
        last_seen: s.last_seen,
        threat: s.threat,
        confidence: s.confidence,
        score: s.score,
    })
}

/// Deepest nesting the scanner walks itself (deeper goes to `serde_json`).
const MAX_DEPTH: usize = 16;

struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner { text, at: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        (self.peek() == Some(b)).then(|| self.at += 1)
    }

    /// The whole line as a record; `None` when the scanner cannot vouch for it.
    fn record(mut self) -> Option<Record<'a>> {
        let mut r = Record::default();
        let mut seen = 0u8;
        self.eat(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            return None;
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            self.ws();
            let bit = match key {
                "type" => 1,
                "value" => 2,
                "sources" => 4,
                "first_seen" => 8,
                "last_seen" => 16,
                "threat" => 32,
                "confidence" => 64,
                "score" => 128,
                _ => 0,
            };
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            match key {
                "type" => {
                    let t = self.string()?;
                    r.kind = Some(*IndicatorType::ALL.iter().find(|k| k.as_str() == t)?);
                }
                "value" => r.value = Some(Cow::Borrowed(self.string()?)),
                "sources" => r.sources = self.strings()?,
                "first_seen" => r.first_seen = self.nullable()?,
                "last_seen" => r.last_seen = self.nullable()?,
                "threat" => r.threat = self.nullable()?,
                "confidence" => r.confidence = self.confidence()?,
                "score" => r.score = self.confidence()?,
                _ => self.skip(0)?,
            }
            self.ws();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.ws();
                }
                b'}' => {
                    self.at += 1;
                    break;
                }
                _ => return None,
            }
        }
        self.ws();
        if self.at != self.text.len() || r.kind.is_none() || r.value.is_none() {
            return None;
        }
        Some(r)
    }

    /// A string without escapes or control characters, borrowed.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let rest = self.text.as_bytes().get(self.at..)?;
        let end = memchr::memchr2(b'"', b'\\', rest)?;
        if rest[end] != b'"' || rest[..end].iter().any(|&b| b < 0x20) {
            return None;
        }
        let s = self.text.get(self.at..self.at + end)?;
        self.at += end + 1;
        Some(s)
    }

    fn literal(&mut self, word: &str) -> bool {
        let found = self.text.as_bytes()[self.at..].starts_with(word.as_bytes());
        if found {
            self.at += word.len();
        }
        found
    }

    /// A string or `null`.
    fn nullable(&mut self) -> Option<Option<Cow<'a, str>>> {
        if self.literal("null") {
            return Some(None);
        }
        Some(Some(Cow::Borrowed(self.string()?)))
    }

    /// An array of strings.
    fn strings(&mut self) -> Option<SmallVec<[Cow<'a, str>; 2]>> {
        let mut out = SmallVec::new();
        self.eat(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Some(out);
        }
        loop {
            out.push(Cow::Borrowed(self.string()?));
            self.ws();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    /// `null` or a plain integer 0–255.
    fn confidence(&mut self) -> Option<Option<u8>> {
        if self.literal("null") {
            return Some(None);
        }
        let digits = self.text.as_bytes()[self.at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let after = self.text.as_bytes().get(self.at + digits).copied();
        if digits == 0 || digits > 3 || matches!(after, Some(b'.' | b'e' | b'E')) {
            return None;
        }
        if digits > 1 && self.text.as_bytes()[self.at] == b'0' {
            return None;
        }
        let n: u8 = self.text.get(self.at..self.at + digits)?.parse().ok()?;
        self.at += digits;
        Some(Some(n))
    }

    /// Steps over any JSON value it can check strictly.
    fn skip(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'[' | b'{' => {
                let object = self.peek() == Some(b'{');
                let close = if object { b'}' } else { b']' };
                self.at += 1;
                self.ws();
                if self.peek() == Some(close) {
                    self.at += 1;
                    return Some(());
                }
                loop {
                    if object {
                        self.string()?;
                        self.eat(b':')?;
                    }
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.at += 1,
                        c if c == close => {
                            self.at += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b't' => self.literal("true").then_some(()),
            b'f' => self.literal("false").then_some(()),
            b'n' => self.literal("null").then_some(()),
            _ => self.number(),
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, at most 20 bytes.
    fn number(&mut self) -> Option<()> {
        let b = self.text.as_bytes();
        let start = self.at;
        let mut i = self.at;
        let digits = |i: &mut usize| {
            let from = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - from
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let lead = i;
        if digits(&mut i) == 0 || (b[lead] == b'0' && i - lead > 1) {
            return None;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                return None;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return None;
            }
        }
        if i - start > 20 {
            return None;
        }
        self.at = i;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_line_is_read_by_the_scanner_alone() {
        let line = r#"{"type":"ipv4","value":"192.0.2.7","sources":["feodo","otx"],"first_seen":"2026-11-01T00:00:00Z","last_seen":"2026-11-29T00:00:00Z","threat":"Emotet","tags":["c2"],"confidence":75,"references":[],"ports":[443,8080],"virustotal":{"malicious":3,"score":-1.5e2}}"#;
        let r = Scanner::new(line).record().expect("scanned");
        assert_eq!(r.kind, Some(IndicatorType::Ipv4));
        assert_eq!(r.value.as_deref(), Some("192.0.2.7"));
        assert_eq!(r.sources.len(), 2);
        assert_eq!(r.threat.as_deref(), Some("Emotet"));
        assert_eq!(r.confidence, Some(75));
        assert_eq!(Some(r), by_serde(line));
    }

    #[test]
    fn lines_the_scanner_cannot_vouch_for_go_to_serde_with_the_same_result() {
        for line in [
            r#"{"type":"domain","value":"a\u002eexample"}"#,
            r#"{"type":"domain","value":"evil.example","threat":"say \"hi\""}"#,
            r#"{"type":"domain","value":"a.example","value":"b.example"}"#,
            r#"{"type":"domain","value":"a.example","confidence":75.0}"#,
            r#"{"type":"domain","value":"a.example","confidence":300}"#,
            r#"{"type":"domain","value":"a.example","confidence":-1}"#,
            r#"{"type":"domain","value":"a.example","sources":null}"#,
            r#"{"type":"DOMAIN","value":"a.example"}"#,
            r#"{"value":"a.example"}"#,
            r#"{"type":"domain","value":"a.example"} x"#,
            r#"{"type":"domain","value":"a.example","x":[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}"#,
            r#"{"type":"domain","value":"a.example","x":01}"#,
            r#"{"type":"domain","value":"a.example","x":tru}"#,
            "{\"type\":\"domain\",\"value\":\"a\u{1}.example\"}",
            r#"{"type":"domain","value":"a.example",}"#,
            r#"{}"#,
            r#"{"type":"url","value":"http://a.example/\/x"}"#,
        ] {
            assert_eq!(parse(line), by_serde(line), "{line}");
        }
    }

    #[test]
    fn hostile_and_truncated_lines_never_panic() {
        let line = r#"{"type":"md5","value":"d41d8cd98f00b204e9800998ecf8427e","sources":["a"],"confidence":9,"x":{"y":[1,2.5e-3,true,null]}}"#;
        for end in 0..=line.len() {
            let cut = &line[..end];
            assert_eq!(parse(cut), by_serde(cut), "{cut}");
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn member() -> impl Strategy<Value = String> {
            let s = "[a-z0-9.:/ \\\\\"\u{e9}-]{0,12}";
            prop_oneof![
                s.prop_map(|v| format!(r#""value":"{v}""#)),
                prop::sample::select(vec!["ipv4", "domain", "url", "md5", "Url", "x"])
                    .prop_map(|t| format!(r#""type":"{t}""#)),
                prop::collection::vec(s, 0..3).prop_map(|v| format!(
                    r#""sources":[{}]"#,
                    v.iter()
                        .map(|x| format!("\"{x}\""))
                        .collect::<Vec<_>>()
                        .join(",")
                )),
                prop_oneof![Just("null".to_owned()), s.prop_map(|v| format!("\"{v}\""))]
                    .prop_map(|v| format!(r#""threat":{v}"#)),
                "-?[0-9]{1,4}(\\.[0-9])?".prop_map(|n| format!(r#""confidence":{n}"#)),
                "-?[0-9]{1,4}(\\.[0-9])?".prop_map(|n| format!(r#""score":{n}"#)),
                "[-0-9.eE+]{1,6}".prop_map(|n| format!(r#""ports":[{n}]"#)),
                Just(r#""tags":[],"references":{"a":[true,false,null]}"#.to_owned()),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2048))]
            #[test]
            fn the_scanner_agrees_with_serde(members in prop::collection::vec(member(), 0..8), ws in "[ \t]{0,2}") {
                let line = format!("{{{ws}{}}}", members.join(&format!(",{ws}")));
                prop_assert_eq!(parse(&line), by_serde(&line));
            }

            #[test]
            fn any_text_reads_like_serde(text in "\\{[\"a-z:,\\[\\]{}0-9 .\\\\-]{0,40}") {
                prop_assert_eq!(parse(&text), by_serde(&text));
            }
        }
    }
}
