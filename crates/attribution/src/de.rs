//! The contract's shape of each kind of field, as serde `deserialize_with` functions that the
//! model's derives name: texts (strings; their rules are checked after reading, see
//! [`crate::parse`]), wire names, the `active` flag, objects (never a positional array, which
//! serde would otherwise read into a struct) and lists (at most so many entries).
//!
//! `null` is absent for an optional field and missing for a required one. Each refusal is a
//! short problem ("expected a string, got a number") that echoes at most 40 characters of the
//! input; [`crate::parse`] puts the field's path in front of it.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use vocab::{Crm, CrmUser, Permission, PushMode, RecordKind, Source};

/// Longest id, email or name accepted, in characters (checked after reading, by
/// [`crate::parse`]).
pub const MAX_TEXT_CHARS: usize = 256;
/// Most app users a team may list.
pub const MAX_APP_USERS: usize = 10_000;
/// Most CRM users a directory may list.
pub const MAX_CRM_USERS: usize = 100_000;

/// The problem of a required field that is absent or `null`.
pub(crate) const MISSING: &str = "is required but missing";

/// What kind of JSON value came, as messages name it (a string or boolean is kept to be read).
enum Kind {
    Null,
    Bool(bool),
    Number,
    Str(String),
    Array,
    Object,
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number => "a number",
            Kind::Str(_) => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

fn wrong(expected: &str, got: &Kind) -> String {
    format!("expected {expected}, got {}", got.name())
}

/// The visit methods for JSON scalars and `null`: each hands what came to `self.scalar`.
macro_rules! scalars {
    () => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            self.scalar(Kind::Bool(v))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            self.scalar(Kind::Number)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            self.scalar(Kind::Number)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            self.scalar(Kind::Number)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            self.scalar(Kind::Str(v.to_owned()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            self.scalar(Kind::Null)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            self.scalar(Kind::Null)
        }
    };
}

/// Reads what kind of value came, refusing a container as not the `expected` scalar: one
/// visitor for every field that is not a container, so the Wasm module carries one copy of its
/// code (and of serde_path_to_error's wrapper of it).
struct Leaf {
    expected: &'static str,
}

impl Leaf {
    fn scalar<E: de::Error>(self, kind: Kind) -> Result<Kind, E> {
        match kind {
            Kind::Array | Kind::Object => Err(E::custom(wrong(self.expected, &kind))),
            scalar => Ok(scalar),
        }
    }
}

impl<'de> Visitor<'de> for Leaf {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    scalars!();

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Kind, A::Error> {
        self.scalar(Kind::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Kind, A::Error> {
        self.scalar(Kind::Object)
    }
}

/// Reads a field that is not a container with `read`, which sees what kind of scalar came.
fn leaf<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    expected: &'static str,
    read: impl FnOnce(Kind) -> Result<T, String>,
) -> Result<T, D::Error> {
    read(deserializer.deserialize_any(Leaf { expected })?).map_err(de::Error::custom)
}

/// A required text (a string).
pub(crate) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    leaf(deserializer, "a string", |kind| {
        optional_text_of(kind)?.ok_or_else(|| MISSING.to_owned())
    })
}

/// An optional [`text`]: `null` is absent.
pub(crate) fn optional_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    leaf(deserializer, "a string", optional_text_of)
}

fn optional_text_of(kind: Kind) -> Result<Option<String>, String> {
    match kind {
        Kind::Null => Ok(None),
        Kind::Str(text) => Ok(Some(text)),
        other => Err(wrong("a string", &other)),
    }
}

/// A closed set of wire names (the `wire_enum!` types), read with the contract's messages.
/// `model::Held` implements it beside its definition.
pub(crate) trait Wire: Sized {
    fn parse(wire: &str) -> Option<Self>;
    fn expected() -> String;
}

macro_rules! wire {
    ($($name:ty),+) => {$(
        impl Wire for $name {
            fn parse(wire: &str) -> Option<Self> {
                <$name>::parse(wire)
            }
            fn expected() -> String {
                <$name>::expected()
            }
        }
    )+};
}

wire!(Crm, Source, RecordKind, PushMode, Permission);

fn optional_name_of<T: Wire>(kind: Kind) -> Result<Option<T>, String> {
    match kind {
        Kind::Null => Ok(None),
        Kind::Str(name) => T::parse(&name).map(Some).ok_or_else(|| {
            format!(
                "unknown value \"{}\"; expected one of {}",
                excerpt(&name),
                T::expected()
            )
        }),
        other => Err(wrong("a string", &other)),
    }
}

/// A required wire name (case-sensitive).
pub(crate) fn name<'de, D: Deserializer<'de>, T: Wire>(deserializer: D) -> Result<T, D::Error> {
    leaf(deserializer, "a string", |kind| {
        optional_name_of(kind)?.ok_or_else(|| MISSING.to_owned())
    })
}

/// An optional wire name: `null` is absent.
pub(crate) fn optional_name<'de, D: Deserializer<'de>, T: Wire>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    leaf(deserializer, "a string", optional_name_of)
}

/// An optional wire name whose absence (or `null`) means the type's default.
pub(crate) fn name_or_default<'de, D: Deserializer<'de>, T: Wire + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    leaf(deserializer, "a string", |kind| {
        Ok(optional_name_of(kind)?.unwrap_or_default())
    })
}

/// A directory entry's `active`: `true` or `false`; `null` (like absent) means true.
fn active<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    leaf(deserializer, "true or false", |kind| match kind {
        Kind::Null => Ok(true),
        Kind::Bool(active) => Ok(active),
        other => Err(wrong("true or false", &other)),
    })
}

fn active_when_absent() -> bool {
    true
}

/// At most 40 characters of a value echoed in a message, control characters removed.
fn excerpt(text: &str) -> String {
    let mut short: String = text.chars().filter(|c| !c.is_control()).take(40).collect();
    if text.chars().count() > 40 {
        short.push('…');
    }
    short
}

/// Hands a derived struct's visitor only JSON objects; anything else is refused, `null` with
/// `null` (the problem) when given.
struct ObjectOnly<D> {
    inner: D,
    null: Option<&'static str>,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(Objects {
            inner: visitor,
            null: self.null,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

struct Objects<V> {
    inner: V,
    null: Option<&'static str>,
}

impl<V> Objects<V> {
    fn scalar<T, E: de::Error>(self, kind: Kind) -> Result<T, E> {
        Err(E::custom(match (kind, self.null) {
            (Kind::Null, Some(problem)) => problem.to_owned(),
            (other, _) => wrong("an object", &other),
        }))
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Objects<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    scalars!();

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<V::Value, A::Error> {
        self.scalar(Kind::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(map)
    }
}

/// A JSON object read into `T` (a list entry, or the whole input): `null` is refused as a
/// wrong type.
pub(crate) struct Object<T>(pub(crate) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(ObjectOnly {
            inner: deserializer,
            null: None,
        })
        .map(Object)
    }
}

/// A required object field.
pub(crate) fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    T::deserialize(ObjectOnly {
        inner: deserializer,
        null: Some(MISSING),
    })
}

/// An optional object field: `null` is absent.
pub(crate) fn optional_object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Ok(Option::<Object<T>>::deserialize(deserializer)?.map(|object| object.0))
}

/// A list of at most `max` objects; `null` is missing, or empty when `optional`.
struct List<T> {
    max: usize,
    optional: bool,
    entries: PhantomData<T>,
}

impl<T> List<T> {
    fn scalar<E: de::Error>(self, kind: Kind) -> Result<Vec<T>, E> {
        match kind {
            Kind::Null if self.optional => Ok(Vec::new()),
            Kind::Null => Err(E::custom(MISSING)),
            other => Err(E::custom(wrong("an array", &other))),
        }
    }

    fn too_many<E: de::Error>(&self, count: impl fmt::Display) -> E {
        E::custom(format_args!(
            "has {count} entries, at most {} are accepted",
            self.max
        ))
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for List<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    scalars!();

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Vec<T>, A::Error> {
        self.scalar(Kind::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        // A parsed JSON array knows its length: refuse a long one before reading any entry.
        let known = seq.size_hint().unwrap_or(0);
        if known > self.max {
            return Err(self.too_many(known));
        }
        let mut entries = Vec::with_capacity(known);
        while let Some(Object(entry)) = seq.next_element()? {
            if entries.len() == self.max {
                return Err(self.too_many(format_args!("more than {}", self.max)));
            }
            entries.push(entry);
        }
        Ok(entries)
    }
}

fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
    max: usize,
    optional: bool,
) -> Result<Vec<T>, D::Error> {
    deserializer.deserialize_any(List {
        max,
        optional,
        entries: PhantomData,
    })
}

/// The team's app users: at most [`MAX_APP_USERS`].
pub(crate) fn app_users<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    list(deserializer, MAX_APP_USERS, false)
}

/// The CRM user directory: at most [`MAX_CRM_USERS`] entries, absent or `null` when unknown.
pub(crate) fn crm_users<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<CrmUser>, D::Error> {
    let entries: Vec<DirectoryEntry> = list(deserializer, MAX_CRM_USERS, true)?;
    Ok(entries.into_iter().map(CrmUser::from).collect())
}

/// A directory entry as the contract reads it: [`CrmUser`] with `active: null` meaning true.
#[derive(serde::Deserialize)]
struct DirectoryEntry {
    #[serde(deserialize_with = "text")]
    id: String,
    #[serde(default, deserialize_with = "optional_text")]
    email: Option<String>,
    #[serde(default = "active_when_absent", deserialize_with = "active")]
    active: bool,
    #[serde(default, deserialize_with = "optional_text")]
    name: Option<String>,
}

impl From<DirectoryEntry> for CrmUser {
    fn from(entry: DirectoryEntry) -> Self {
        CrmUser {
            id: entry.id,
            email: entry.email,
            active: entry.active,
            name: entry.name,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Entry {
        #[serde(deserialize_with = "text")]
        id: String,
    }

    /// Lists: JSON text streamed by serde_json gives no length up front, so the limit is
    /// counted while reading.
    #[test]
    fn a_list_without_a_known_length_is_counted() {
        let read = |n: usize| {
            let text = format!("[{}]", vec![r#"{"id":"e"}"#; n].join(","));
            let mut json = serde_json::Deserializer::from_str(&text);
            list::<_, Entry>(&mut json, 3, false).map_err(|e| e.to_string())
        };
        let three = read(3).unwrap();
        assert_eq!(three.len(), 3);
        assert_eq!(three[2].id, "e");
        let refused = read(4).unwrap_err();
        assert!(
            refused.starts_with("has more than 3 entries, at most 3 are accepted at "),
            "{refused}"
        );
        assert_eq!(read(0).unwrap().len(), 0);
    }
}
