// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `keys:` as written: action names and the keys given for each, with the lines they
//! stand on. Only the shape is checked here; which actions and keys exist, and whether
//! two actions share a key, is the dashboard's binding table's to say
//! (`app::keymap::Keymap::with_remaps`), and its errors name these lines.
//!
//! ```yaml
//! keys: { quit: ["q", "ctrl-c"], filter: ["/"] }
//! ```

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// The most actions `keys:` may name, and keys per action: more is surely a mistake.
const MAX_ENTRIES: usize = 256;

/// One action's keys as written in `keys:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRemap {
    /// The action's name as written (`quit`), trimmed.
    pub action: String,
    /// The keys as written (`ctrl-c`), trimmed; any of them asks for the action.
    pub keys: Vec<String>,
    /// The 1-based line of the action's name in the file, when found.
    pub line: Option<usize>,
    /// The line of each key, in the order of `keys`.
    pub key_lines: Vec<Option<usize>>,
}

/// `keys:` as read: a mapping of action names to a key or a list of keys, in file order.
#[derive(Debug, Default)]
pub struct RawKeyMap(pub Vec<(String, Vec<String>)>);

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for RawKeyMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawKeyMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping of actions to lists of keys, e.g. { quit: [\"q\"] }")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawKeyMap, A::Error> {
                let mut out: Vec<(String, Vec<String>)> = Vec::new();
                while let Some(action) = map.next_key::<String>()? {
                    let keys = match map.next_value::<OneOrMany>() {
                        Ok(OneOrMany::One(k)) => vec![k],
                        Ok(OneOrMany::Many(k)) => k,
                        Err(_) => {
                            return Err(de::Error::custom(super::hint::at_key(
                                action.trim(),
                                &format!(
                                    "keys.{}: expected a key or a list of keys, e.g. [\"q\"]",
                                    crate::model::sanitize::one_line(action.trim(), 40)
                                ),
                            )));
                        }
                    };
                    if out.len() >= MAX_ENTRIES || keys.len() > MAX_ENTRIES {
                        return Err(de::Error::custom("keys: too many entries"));
                    }
                    out.push((action.trim().to_string(), keys));
                }
                Ok(RawKeyMap(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl RawKeyMap {
    /// The entries with the lines they stand on in `text` (the whole config file): each
    /// action's `name:` after the top-level `keys:` line, and each key after its action.
    pub fn locate(self, text: &str) -> Vec<KeyRemap> {
        let lines: Vec<&str> = text.lines().collect();
        let start = lines
            .iter()
            .position(|l| l.starts_with("keys:"))
            .unwrap_or(0);
        self.0
            .into_iter()
            .map(|(action, keys)| {
                let at = (start..lines.len()).find(|&i| super::hint::has_key(lines[i], &action));
                let from = at.unwrap_or(start);
                let keys: Vec<String> = keys.into_iter().map(|k| k.trim().to_string()).collect();
                let key_lines = keys
                    .iter()
                    .map(|k| {
                        let quoted = [format!("\"{k}\""), format!("'{k}'")];
                        let item = |l: &str| {
                            l.trim()
                                .strip_prefix('-')
                                .is_some_and(|v| v.trim() == k.as_str())
                        };
                        (from..lines.len())
                            .find(|&i| quoted.iter().any(|q| lines[i].contains(q.as_str())))
                            .or_else(|| (from..lines.len()).find(|&i| item(lines[i])))
                            .or_else(|| {
                                (from..lines.len()).find(|&i| lines[i].contains(k.as_str()))
                            })
                            .map(|i| i + 1)
                    })
                    .collect();
                KeyRemap {
                    action,
                    keys,
                    line: at.map(|i| i + 1),
                    key_lines,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<KeyRemap> {
        #[derive(Deserialize)]
        struct Doc {
            keys: RawKeyMap,
        }
        let doc: Doc = serde_norway::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        doc.keys.locate(text)
    }

    #[test]
    fn flow_and_block_forms_keep_order_and_lines() {
        let r = read("keys: { quit: [\"q\", \"ctrl-c\"], filter: [\"/\"] }\n");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].action, "quit");
        assert_eq!(r[0].keys, ["q", "ctrl-c"]);
        assert_eq!(r[0].line, Some(1));
        assert_eq!(r[1].action, "filter");
        assert_eq!(r[1].key_lines, [Some(1)]);

        let text = "sources: []\nkeys:\n  quit:\n    - q\n    - \"ctrl-c\"\n  export: x\n";
        let r = read(text);
        assert_eq!(r[0].line, Some(3));
        assert_eq!(r[0].key_lines, [Some(4), Some(5)]);
        assert_eq!(r[1].action, "export");
        assert_eq!(r[1].keys, ["x"]);
        assert_eq!(r[1].line, Some(6));
    }

    #[test]
    fn a_value_that_is_not_keys_is_an_error() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Doc {
            keys: RawKeyMap,
        }
        for bad in ["keys: { quit: { a: 1 } }\n", "keys: [q]\n", "keys: q\n"] {
            assert!(serde_norway::from_str::<Doc>(bad).is_err(), "{bad}");
        }
    }
}
