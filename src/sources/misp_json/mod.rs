// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The MISP core format's JSON (MISP `misp-rfc` "MISP core format"; PyMISP
//! `MISPEvent.to_feed`), read as a stream: an event document's attributes are handed
//! over one at a time as the parser meets them, so a feed event with 200,000 attributes
//! (URLhaus-sized, MISP #9092) never becomes a JSON tree. Strings borrow from the body
//! where they have no escapes.
//!
//! Reading is lenient the way MISP's own writers require:
//! - a boolean (`to_ids`, `deleted`) is `true`, `1`, `"1"` or `"true"`, or a false form
//!   (`false`, `0`, `"0"`, `"false"`, `""`) — MISP's API, its ZeroMQ feed and PyMISP
//!   each write a different one ([`Flag`]);
//! - a string may be written as a number ([`Text`]);
//! - a field of another shape reads as absent, and a list element that is not an object
//!   is reported as such;
//! - a repeated key of an attribute or an event head keeps its last value, as JSON
//!   readers do; of a repeated `Event` or `response` only the first is read, and a
//!   repeated `Attribute` or `Object` list is read each time it comes.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

fn drain_seq<'de, A: SeqAccess<'de>>(mut a: A) -> Result<(), A::Error> {
    while a.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut a: A) -> Result<(), A::Error> {
    while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// The `visit_*` methods of a visitor that reads every scalar as `$none`.
macro_rules! scalars_as {
    ($none:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($none)
        }
    };
}

/// The `visit_seq` of a visitor that reads a list as `$none`.
macro_rules! seq_as {
    ($none:expr) => {
        fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
            drain_seq(a).map(|()| $none)
        }
    };
}

/// The `visit_map` of a visitor that reads an object as `$none`.
macro_rules! map_as {
    ($none:expr) => {
        fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
            drain_map(a).map(|()| $none)
        }
    };
}

mod scalar;

pub use scalar::{Flag, Text};

/// The names of a `Tag: [{"name": ...}]` list; empty for any other shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags<'a>(pub Vec<Cow<'a, str>>);

/// One `{"name": ...}` of a tag list.
struct TagName<'a>(Option<Cow<'a, str>>);

impl<'de> de::Deserialize<'de> for TagName<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagName<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tag")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<TagName<'de>, A::Error> {
                let mut name = None;
                while let Some(k) = a.next_key::<Text<'de>>()? {
                    if k.get() == Some("name") {
                        name = a.next_value::<Text<'de>>()?.0;
                    } else {
                        a.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(TagName(name))
            }
            scalars_as!(TagName(None));
            seq_as!(TagName(None));
        }
        d.deserialize_any(V)
    }
}

impl<'de> de::Deserialize<'de> for Tags<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Tags<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of tags")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Tags<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(TagName(t)) = a.next_element()? {
                    out.extend(t);
                }
                Ok(Tags(out))
            }
            scalars_as!(Tags::default());
            map_as!(Tags::default());
        }
        d.deserialize_any(V)
    }
}

/// What an event says of all its attributes: `info`, `uuid` and its tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventHead<'a> {
    pub info: Text<'a>,
    pub uuid: Text<'a>,
    pub tags: Tags<'a>,
}

/// An event head, or `None` for a value that is not an object.
struct MaybeHead<'a>(Option<EventHead<'a>>);

impl<'de> de::Deserialize<'de> for MaybeHead<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeHead<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an event")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<MaybeHead<'de>, A::Error> {
                let mut h = EventHead::default();
                while let Some(k) = a.next_key::<Text<'de>>()? {
                    match k.get() {
                        Some("info") => h.info = a.next_value()?,
                        Some("uuid") => h.uuid = a.next_value()?,
                        Some("Tag") => h.tags = a.next_value()?,
                        _ => {
                            a.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(MaybeHead(Some(h)))
            }
            scalars_as!(MaybeHead(None));
            seq_as!(MaybeHead(None));
        }
        d.deserialize_any(V)
    }
}

/// One attribute (MISP core format §2.3): the fields this reader uses. `event` and
/// `event_uuid` come only in a restSearch reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// The MISP attribute type (`ip-dst`, `domain|ip`, `filename|sha256`, ...).
    pub kind: Text<'a>,
    pub value: Text<'a>,
    pub to_ids: Flag,
    pub deleted: Flag,
    /// Last change, epoch seconds.
    pub timestamp: Text<'a>,
    /// RFC 3339, or absent.
    pub first_seen: Text<'a>,
    pub tags: Tags<'a>,
    pub event: Option<EventHead<'a>>,
    pub event_uuid: Text<'a>,
}

/// An attribute, or `None` for a list element that is not an object.
struct MaybeAttribute<'a>(Option<Attribute<'a>>);

impl<'de> de::Deserialize<'de> for MaybeAttribute<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeAttribute<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<MaybeAttribute<'de>, A::Error> {
                let mut at = Attribute::default();
                while let Some(k) = a.next_key::<Text<'de>>()? {
                    match k.get() {
                        Some("type") => at.kind = a.next_value()?,
                        Some("value") => at.value = a.next_value()?,
                        Some("to_ids") => at.to_ids = a.next_value()?,
                        Some("deleted") => at.deleted = a.next_value()?,
                        Some("timestamp") => at.timestamp = a.next_value()?,
                        Some("first_seen") => at.first_seen = a.next_value()?,
                        Some("Tag") => at.tags = a.next_value()?,
                        Some("Event") => at.event = a.next_value::<MaybeHead<'de>>()?.0,
                        Some("event_uuid") => at.event_uuid = a.next_value()?,
                        _ => {
                            a.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(MaybeAttribute(Some(at)))
            }
            scalars_as!(MaybeAttribute(None));
            seq_as!(MaybeAttribute(None));
        }
        d.deserialize_any(V)
    }
}

/// What a reader is handed: an attribute (and whether its MISP object is deleted), or a
/// list element that is not an attribute.
pub type Each<'f> = &'f mut dyn FnMut(Option<&Attribute<'_>>, bool);

/// A list of attributes, each handed over as it is read; the count, or `None` when the
/// value is not a list.
struct AttributeList<'f, 'g> {
    each: &'f mut Each<'g>,
    object_deleted: bool,
}

impl<'de> DeserializeSeed<'de> for AttributeList<'_, '_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AttributeList<'_, '_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of attributes")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Option<usize>, A::Error> {
        let mut n = 0;
        while let Some(MaybeAttribute(at)) = a.next_element()? {
            (self.each)(at.as_ref(), self.object_deleted);
            n += 1;
        }
        Ok(Some(n))
    }
    scalars_as!(None);
    map_as!(None);
}

/// One MISP object: its attributes are held until the object's `deleted` is known.
struct Object<'f, 'g> {
    each: &'f mut Each<'g>,
}

impl<'de> DeserializeSeed<'de> for Object<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Object<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a MISP object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let mut deleted = Flag::default();
        let mut held: Vec<Option<Attribute<'de>>> = Vec::new();
        while let Some(k) = a.next_key::<Text<'de>>()? {
            match k.get() {
                Some("deleted") => deleted = a.next_value()?,
                Some("Attribute") => {
                    if let Some(list) = a.next_value::<Held<'de>>()?.0 {
                        held.extend(list);
                    }
                }
                _ => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        let gone = deleted.0 == Some(true);
        for at in &held {
            (self.each)(at.as_ref(), gone);
        }
        Ok(())
    }
    scalars_as!(());
    seq_as!(());
}

/// An object's attribute list, held.
struct Held<'a>(Option<Vec<Option<Attribute<'a>>>>);

impl<'de> de::Deserialize<'de> for Held<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Held<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of attributes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Held<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(MaybeAttribute(at)) = a.next_element()? {
                    out.push(at);
                }
                Ok(Held(Some(out)))
            }
            scalars_as!(Held(None));
            map_as!(Held(None));
        }
        d.deserialize_any(V)
    }
}

/// `Object: [...]`.
struct ObjectList<'f, 'g> {
    each: &'f mut Each<'g>,
}

impl<'de> DeserializeSeed<'de> for ObjectList<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectList<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of MISP objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while a
            .next_element_seed(Object {
                each: &mut *self.each,
            })?
            .is_some()
        {}
        Ok(())
    }
    scalars_as!(());
    map_as!(());
}

/// The body of `{"Event": {...}}`: its attributes, then its objects' (in document order).
struct EventBody<'f, 'g> {
    each: &'f mut Each<'g>,
}

impl<'de> DeserializeSeed<'de> for EventBody<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventBody<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a MISP event")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while let Some(k) = a.next_key::<Text<'de>>()? {
            match k.get() {
                Some("Attribute") => {
                    a.next_value_seed(AttributeList {
                        each: &mut *self.each,
                        object_deleted: false,
                    })?;
                }
                Some("Object") => a.next_value_seed(ObjectList {
                    each: &mut *self.each,
                })?,
                _ => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    scalars_as!(());
    seq_as!(());
}

/// Which of the document's top-level key holds what a seed reads.
struct Under<S> {
    key: &'static str,
    seed: Option<S>,
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Under<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object with `{}`", self.key)
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut a: A) -> Result<Self::Value, A::Error> {
        let mut out = None;
        while let Some(k) = a.next_key::<Text<'de>>()? {
            match self.seed.take() {
                Some(seed) if k.get() == Some(self.key) => out = Some(a.next_value_seed(seed)?),
                other => {
                    self.seed = other;
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
    scalars_as!(None);
    seq_as!(None);
}

/// The head of an event document (`{"Event": {...}}`), read without its attributes;
/// `None` when there is no `Event` object.
pub fn event_head(body: &[u8]) -> Result<Option<EventHead<'_>>, serde_json::Error> {
    struct HeadSeed;
    impl<'de> DeserializeSeed<'de> for HeadSeed {
        type Value = Option<EventHead<'de>>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            <MaybeHead<'de> as de::Deserialize>::deserialize(d).map(|h| h.0)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let head = de.deserialize_any(Under {
        key: "Event",
        seed: Some(HeadSeed),
    })?;
    de.end()?;
    Ok(head.flatten())
}

/// Hands every attribute of an event document to `each`, in document order: the
/// event's `Attribute[]` and each object's (`Object[].Attribute[]`, with the object's
/// `deleted`). The body must already be known to hold an event ([`event_head`]).
pub fn event_attributes(body: &[u8], mut each: Each<'_>) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    de.deserialize_any(Under {
        key: "Event",
        seed: Some(EventBody { each: &mut each }),
    })?;
    de.end()
}

/// A restSearch reply's shape, as far as it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `response` holds this many attributes (in `Attribute[]`, or as a bare list).
    Attributes(usize),
    /// `response` is `{}` or has no `Attribute` (an empty result on some servers).
    Empty,
    /// `response.Attribute` is not a list.
    NotAList,
    /// There is no `response`.
    NoResponse,
}

/// `response`: a list of attributes, or `{"Attribute": [...]}`.
struct Response<'f, 'g> {
    each: &'f mut Each<'g>,
}

impl<'de> DeserializeSeed<'de> for Response<'_, '_> {
    type Value = Page;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Page, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Response<'_, '_> {
    type Value = Page;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a restSearch response")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Page, A::Error> {
        let list = AttributeList {
            each: self.each,
            object_deleted: false,
        };
        Ok(list.visit_seq(a)?.map_or(Page::NotAList, Page::Attributes))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Page, A::Error> {
        let mut page = Page::Empty;
        while let Some(k) = a.next_key::<Text<'de>>()? {
            if k.get() == Some("Attribute") {
                let n = a.next_value_seed(AttributeList {
                    each: &mut *self.each,
                    object_deleted: false,
                })?;
                page = n.map_or(Page::NotAList, Page::Attributes);
            } else {
                a.next_value::<IgnoredAny>()?;
            }
        }
        Ok(page)
    }
    scalars_as!(Page::NotAList);
}

/// Hands every attribute of a restSearch reply (`{"response": {"Attribute": [...]}}`,
/// or `{"response": [...]}` from older servers) to `each`, and says what the page held.
pub fn page_attributes(body: &[u8], mut each: Each<'_>) -> Result<Page, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let page = de.deserialize_any(Under {
        key: "response",
        seed: Some(Response { each: &mut each }),
    })?;
    de.end()?;
    Ok(page.unwrap_or(Page::NoResponse))
}

#[cfg(test)]
mod tests;
