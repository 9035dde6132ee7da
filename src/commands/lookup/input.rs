// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What `intellisiem lookup` is asked about: values on the command line, files of values
//! (one per line, `#` comments, blank lines skipped) and standard input (`-`), each
//! refanged, normalised and typed by [`crate::model::indicator::detect`].

use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;

use crate::model::IndicatorType;
use crate::model::indicator::detect;
use crate::model::sanitize::one_line;

/// The longest line read as a value, in bytes; longer lines are reported, not read.
const MAX_LINE: usize = 16 << 10;

/// One value to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// As given, trimmed (whole: the report makes it safe where it shows it).
    pub input: String,
    pub kind: IndicatorType,
    /// Normalised.
    pub value: String,
}

/// The values read, in order and each once, one line per input that is not one, and
/// warnings about values that were probably meant otherwise.
#[derive(Debug, Default)]
pub struct Inputs {
    pub items: Vec<Item>,
    pub bad: Vec<String>,
    pub warnings: Vec<String>,
    seen: HashSet<(IndicatorType, String)>,
}

/// File name endings that are far likelier a document than a top-level domain: a value
/// ending so, given on the command line, that is no file here is probably a mistyped
/// file name.
const DOCUMENT_ENDINGS: [&str; 22] = [
    "pdf", "doc", "docx", "xls", "xlsx", "xlsm", "ppt", "pptx", "odt", "ods", "rtf", "txt", "csv",
    "tsv", "json", "jsonl", "log", "xml", "yaml", "yml", "eml", "gz",
];

impl Inputs {
    fn value(&mut self, raw: &str) {
        let raw = raw.trim();
        if raw.is_empty() || raw.starts_with('#') {
            return;
        }
        match detect(raw) {
            Some(n) => {
                if self.seen.insert((n.kind, n.value.clone())) {
                    self.items.push(Item {
                        input: raw.to_string(),
                        kind: n.kind,
                        value: n.value,
                    });
                }
            }
            None => self
                .bad
                .push(format!("not an indicator: `{}`", one_line(raw, 80))),
        }
    }

    fn lines(&mut self, name: &str, mut r: impl BufRead) -> Result<(), String> {
        let mut buf = Vec::new();
        let mut n = 0usize;
        loop {
            buf.clear();
            let read = std::io::Read::take(&mut r, MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut buf)
                .map_err(|e| format!("{name}: {e}"))?;
            if read == 0 {
                return Ok(());
            }
            n += 1;
            if buf.len() > MAX_LINE && !buf.ends_with(b"\n") {
                self.bad
                    .push(format!("{name}, line {n}: longer than {MAX_LINE} bytes"));
                // Skip the rest of the line.
                let mut rest = Vec::new();
                r.read_until(b'\n', &mut rest)
                    .map_err(|e| format!("{name}: {e}"))?;
                continue;
            }
            match std::str::from_utf8(&buf) {
                Ok(line) => self.value(line),
                Err(_) => self.bad.push(format!("{name}, line {n}: not UTF-8")),
            }
        }
    }
}

/// Reads every input: `-` is standard input (`stdin`), an existing file is read line by
/// line, anything else is a value. Errors: a file or standard input that cannot be read.
pub fn read(inputs: &[String], stdin: &mut dyn BufRead) -> Result<Inputs, String> {
    let mut out = Inputs::default();
    for i in inputs {
        if i == "-" {
            out.lines("standard input", &mut *stdin)?;
        } else if Path::new(i).is_file() {
            let shown = one_line(i, 120);
            let f = std::fs::File::open(i).map_err(|e| format!("{shown}: {e}"))?;
            out.lines(&shown, std::io::BufReader::new(f))?;
        } else {
            if let Some(n) = detect(i)
                && n.kind == IndicatorType::Domain
                && let Some((_, end)) = n.value.rsplit_once('.')
                && DOCUMENT_ENDINGS.contains(&end)
            {
                out.warnings.push(format!(
                    "no file `{}` here: looked up as a domain",
                    one_line(i, 120)
                ));
            }
            out.value(i);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn values_are_refanged_typed_and_kept_once() {
        let mut none: &[u8] = b"";
        let got = read(
            &args(&[
                "hxxp://evil[.]example/a",
                "192[.]0.2.1",
                "192.0.2.1",
                "Evil.Example.",
                "nonsense value",
                "",
            ]),
            &mut none,
        )
        .unwrap();
        let kinds: Vec<_> = got
            .items
            .iter()
            .map(|i| (i.kind, i.value.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (IndicatorType::Url, "http://evil.example/a"),
                (IndicatorType::Ipv4, "192.0.2.1"),
                (IndicatorType::Domain, "evil.example"),
            ]
        );
        assert_eq!(got.bad, ["not an indicator: `nonsense value`"]);
        assert!(got.warnings.is_empty());
    }

    #[test]
    fn a_missing_document_is_looked_up_as_a_domain_with_a_warning() {
        let mut none: &[u8] = b"";
        let got = read(&args(&["report.pdf", "evil.example", "x.json"]), &mut none).unwrap();
        assert_eq!(got.items.len(), 3);
        assert_eq!(
            got.warnings,
            [
                "no file `report.pdf` here: looked up as a domain",
                "no file `x.json` here: looked up as a domain"
            ]
        );
    }

    #[test]
    fn the_input_is_kept_whole() {
        let long = format!("hxxp://evil[.]example/{}", "a".repeat(300));
        let mut none: &[u8] = b"";
        let got = read(&args(&[&long]), &mut none).unwrap();
        assert_eq!(got.items.len(), 1, "{:?}", got.bad);
        assert_eq!(got.items[0].input, long, "no display cut");
    }

    #[test]
    fn standard_input_and_files_are_read_line_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("list.txt");
        std::fs::write(
            &f,
            b"# comment\n\n44d88612fea8a8f36de82e1278abb02f\r\n\xff\xfe\n",
        )
        .unwrap();
        let mut stdin: &[u8] = b"evil.example\n";
        let long = "a".repeat(MAX_LINE + 10);
        let mut huge = format!("{long}\n198.51.100.1");
        let got = read(&args(&[f.to_str().unwrap(), "-"]), &mut stdin).unwrap();
        assert_eq!(got.items.len(), 2);
        assert_eq!(got.items[0].kind, IndicatorType::Md5);
        assert_eq!(got.bad.len(), 1, "{:?}", got.bad);
        assert!(got.bad[0].ends_with("line 4: not UTF-8"), "{:?}", got.bad);
        let mut r = huge.as_bytes();
        let got = read(&args(&["-"]), &mut r).unwrap();
        assert_eq!(got.items.len(), 1);
        assert!(got.bad[0].contains("line 1: longer than"), "{:?}", got.bad);
        huge.clear();
    }
}
