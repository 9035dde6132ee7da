// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The scalars of MISP's JSON, read leniently: text that may be a number, and booleans
//! in every encoding MISP's writers use.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{drain_map, drain_seq};

/// A string, or a number written as one; `None` for any other shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl<'a> Text<'a> {
    /// The text, if there is one.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(v))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }
            fn visit_unit<E>(self) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Text<'de>, A::Error> {
                drain_seq(a).map(|()| Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Text<'de>, A::Error> {
                drain_map(a).map(|()| Text(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A MISP boolean in any of its encodings; `None` when absent or unreadable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub Option<bool>);

impl Flag {
    /// Reads a boolean written as text: `1`/`true` and `0`/`false`/empty, any case.
    pub fn parse(s: &str) -> Option<bool> {
        let s = s.trim();
        if s == "1" || s.eq_ignore_ascii_case("true") {
            Some(true)
        } else if s.is_empty() || s == "0" || s.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }
    }
}

impl<'de> de::Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(Some(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Flag, E> {
                Ok(Flag(match v {
                    0 => Some(false),
                    1 => Some(true),
                    _ => None,
                }))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag(match v {
                    0 => Some(false),
                    1 => Some(true),
                    _ => None,
                }))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_str<E>(self, v: &str) -> Result<Flag, E> {
                Ok(Flag(Flag::parse(v)))
            }
            fn visit_unit<E>(self) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Flag, A::Error> {
                drain_seq(a).map(|()| Flag(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Flag, A::Error> {
                drain_map(a).map(|()| Flag(None))
            }
        }
        d.deserialize_any(V)
    }
}
