//! Reading typed values from a borrowed `serde_json::Value`, with less code than
//! `serde_json::from_value`.
//!
//! Every derived `Deserialize` is compiled once per deserializer it is used with. serde_json's
//! `Value` deserializer reads a struct from an object *or* an array, so each struct also gets a
//! sequence visitor that no message, stored entry or CRM answer ever uses, and `from_value`
//! needs an owned (cloned) `Value`. [`ValueRef`] reads structs from objects only and borrows
//! the value: in the Wasm module this is roughly a third less code per type. Errors are
//! `crate::from_json::Error`s with serde's own texts (`invalid type: integer `7`, expected a
//! string`, `missing field `x``), as `from_value` gives them.
//!
//! The one deliberate difference: a struct written as a JSON array (`["Ada", ...]`) is
//! refused (`invalid type: sequence, expected struct ...`) where `from_value` accepted it.

use serde::de::{
    value::BorrowedStrDeserializer, DeserializeSeed, Deserializer, EnumAccess, Error as _,
    IntoDeserializer, MapAccess, SeqAccess, Unexpected, VariantAccess, Visitor,
};
use serde::Deserialize;
use serde_json::{Map, Value};

/// A reading error: serde's own texts (`invalid type: integer `7`, expected a string`,
/// `missing field `x``). Not `crate::from_json::Error`: its "invalid type" text goes through serde's
/// `Unexpected` display, whose float arm pulls core's float printing (~10 KB of Wasm) into
/// every module that reads JSON; here an unexpected float is printed by `serde_json`'s own
/// number formatting, which the modules carry anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    #[cold]
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }

    #[cold]
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error(format!("invalid type: {}, expected {exp}", Shown(unexp)))
    }

    #[cold]
    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error(format!("invalid value: {}, expected {exp}", Shown(unexp)))
    }
}

/// serde's words for an unexpected value, as `crate::from_json::Error` prints them (`null` for unit).
struct Shown<'a>(Unexpected<'a>);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            Unexpected::Unsigned(u) => write!(f, "integer `{u}`"),
            Unexpected::Signed(i) => write!(f, "integer `{i}`"),
            Unexpected::Float(x) => match serde_json::Number::from_f64(x) {
                Some(n) => write!(f, "floating point `{n}`"),
                None => f.write_str("floating point"),
            },
            Unexpected::Char(c) => write!(f, "character `{c}`"),
            Unexpected::Str(s) => write!(f, "string {s:?}"),
            Unexpected::Bytes(_) => f.write_str("byte array"),
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Option => f.write_str("Option value"),
            Unexpected::NewtypeStruct => f.write_str("newtype struct"),
            Unexpected::Seq => f.write_str("sequence"),
            Unexpected::Map => f.write_str("map"),
            Unexpected::Enum => f.write_str("enum"),
            Unexpected::UnitVariant => f.write_str("unit variant"),
            Unexpected::NewtypeVariant => f.write_str("newtype variant"),
            Unexpected::TupleVariant => f.write_str("tuple variant"),
            Unexpected::StructVariant => f.write_str("struct variant"),
            Unexpected::Other(other) => f.write_str(other),
        }
    }
}

/// Reads a `T` from `value` (see the module docs).
pub(crate) fn from_json<'de, T: Deserialize<'de>>(value: &'de Value) -> Result<T, Error> {
    T::deserialize(ValueRef(value))
}

/// `value` itself when it is an object, else serde's "invalid type" error naming `what`
/// (`"struct OutboxEntry"`): for hand-written readers of structs (`TryFrom<Value>`).
pub(crate) fn object<'v>(value: &'v Value, what: &'static str) -> Result<&'v Value, Error> {
    match value {
        Value::Object(_) => Ok(value),
        other => Err(Error::invalid_type(unexpected(other), &what)),
    }
}

/// A field without a default: missing is an error unless `T` is an `Option` (then `None`).
pub(crate) fn field<'de, T: Deserialize<'de>>(
    value: &'de Value,
    name: &'static str,
) -> Result<T, Error> {
    match value.get(name) {
        Some(v) => from_json(v),
        None => T::deserialize(ValueRef(&Value::Null)).map_err(|_| Error::missing_field(name)),
    }
}

/// A `#[serde(default)]` field: missing is `T::default()`; present (even `null`) must parse.
pub(crate) fn field_or_default<'de, T: Deserialize<'de> + Default>(
    value: &'de Value,
    name: &'static str,
) -> Result<T, Error> {
    value.get(name).map_or_else(|| Ok(T::default()), from_json)
}

/// What serde calls a JSON value in "invalid type" errors.
pub(crate) fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (_, Some(i), _) => Unexpected::Signed(i),
            (_, _, f) => Unexpected::Float(f.unwrap_or_default()),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// A deserializer over a borrowed JSON value.
#[derive(Clone, Copy)]
pub(crate) struct ValueRef<'de>(pub(crate) &'de Value);

impl<'de> ValueRef<'de> {
    fn invalid<V: Visitor<'de>>(self, visitor: &V) -> Error {
        Error::invalid_type(unexpected(self.0), visitor)
    }
}

impl<'de> Deserializer<'de> for ValueRef<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => visitor.visit_u64(u),
                (_, Some(i)) => visitor.visit_i64(i),
                _ => visitor.visit_f64(n.as_f64().unwrap_or_default()),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            Value::Object(map) => visitor.visit_map(Entries::new(map)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            _ => Err(self.invalid(&visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Entries::new(map)),
            _ => Err(self.invalid(&visitor)),
        }
    }

    /// Structs come from objects only: no sequence visitor is compiled for them.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(Variant(s, None)),
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((tag, value)), None) => visitor.visit_enum(Variant(tag, Some(value))),
                    _ => Err(Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            other => Err(Error::invalid_type(unexpected(other), &"string or map")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct
    }
}

/// The items of an array.
struct Items<'de>(std::slice::Iter<'de, Value>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|v| seed.deserialize(ValueRef(v)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of an object.
struct Entries<'de> {
    iter: serde_json::map::Iter<'de>,
    value: Option<&'de Value>,
}

impl<'de> Entries<'de> {
    fn new(map: &'de Map<String, Value>) -> Self {
        Self {
            iter: map.iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(ValueRef(value)),
            None => Err(Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// An enum variant: its name, and its content for `{"Variant": content}`.
struct Variant<'de>(&'de str, Option<&'de Value>);

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), Error> {
        let name = seed.deserialize(self.0.into_deserializer())?;
        Ok((name, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.1 {
            None | Some(Value::Null) => Ok(()),
            Some(other) => Err(Error::invalid_type(unexpected(other), &"unit")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.1 {
            Some(value) => seed.deserialize(ValueRef(value)),
            None => Err(Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        match self.1 {
            Some(value) => ValueRef(value).deserialize_seq(visitor),
            None => Err(Error::invalid_type(
                Unexpected::UnitVariant,
                &"tuple variant",
            )),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.1 {
            Some(value) => ValueRef(value).deserialize_map(visitor),
            None => Err(Error::invalid_type(
                Unexpected::UnitVariant,
                &"struct variant",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    /// `from_json` and `serde_json::from_value` agree on every value and every error text
    /// for the types the worker stores and sends (structs read from objects).
    fn agree<T>(rows: &[Value])
    where
        T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        for row in rows {
            let theirs = serde_json::from_value::<T>(row.clone()).map_err(|e| e.to_string());
            let ours = from_json::<T>(row).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "{row}");
        }
    }

    #[test]
    fn agrees_with_from_value() {
        agree::<crate::records::ErrorInfo>(&[
            json!({"code":"c","message":"m","hint":"h"}),
            json!({"code":"c","message":"m"}),
            json!({"code":7,"message":"m","hint":"h"}),
            json!({"code":"c","message":null,"hint":"h","extra":[1,2]}),
            json!("text"),
            json!(null),
        ]);
        agree::<crate::message::Role>(&[
            json!("team_sync"),
            json!("personal"),
            json!("boss"),
            json!(3),
            json!({"personal": null}),
            json!({"personal": 1}),
            json!({"a": 1, "b": 2}),
        ]);
        agree::<Option<Vec<u32>>>(&[
            json!(null),
            json!([1, 2, 3]),
            json!([1, -2]),
            json!([1.5]),
            json!("x"),
            json!(4_294_967_296_u64),
        ]);
        agree::<Result<String, u64>>(&[json!({"Ok": "a"}), json!({"Err": 3}), json!({"No": 1})]);
        agree::<Value>(&[json!({"a": [1, -1, 1.5, "s", null, true, {"b": {}}]})]);
        agree::<crm::HttpResponse>(&[
            json!({"status": 200, "headers": [], "body": "{}"}),
            json!({"status": "200", "body": "{}"}),
        ]);
    }

    #[test]
    fn structs_come_from_objects_only() {
        let row = json!(["c", "m", "h"]);
        assert!(serde_json::from_value::<crate::records::ErrorInfo>(row.clone()).is_ok());
        let err = from_json::<crate::records::ErrorInfo>(&row).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: sequence, expected struct ErrorInfo"
        );
    }

    /// A team and messages as the worker stores and sends them.
    fn planned(push: &str) -> Value {
        let team = json!({
            "config": {"crm": "salesforce", "login_host": "production", "client_id": "c",
                "me_email": "rep@acme.example"},
            "connections": [
                {"role": "team_sync", "crm_user_id": "005I", "name": "Integration",
                 "email": "integration@acme.example", "permission": "admin",
                 "instance_url": "https://acme.my.salesforce.com"},
                {"role": "personal", "crm_user_id": "005R", "name": "Rita Rep",
                 "email": "rep@acme.example", "permission": "standard",
                 "instance_url": "https://acme.my.salesforce.com"}],
        });
        let msg = json!({"kind": "save", "source": "gmail_extension", "push": push,
            "prospects": [
                {"full_name": "Ada Lovelace", "email": "ada@example.com", "title": "CTO"},
                {"full_name": "Ben Oh", "linkedin_url": "https://www.linkedin.com/in/ben"}],
            "activity": {"kind": "email", "subject": "Hi", "body": "Hello", "date": "2026-11-21"}});
        let plan = crate::api::plan_save(&team, &msg, "s1", &Value::Null);
        assert_eq!(plan["ok"], true, "{plan}");
        plan
    }

    /// The hand-written readers (`OutboxEntry`, and `Prospect` / `RecentSave` instead of
    /// `flatten`) read back exactly what the derived `Serialize` wrote.
    #[test]
    fn hand_written_readers_round_trip() {
        let bulk = planned("bulk");
        assert!(
            bulk["entries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e.get("chunk").is_some()),
            "a bulk plan has chunk entries: {bulk}"
        );
        for push in ["single", "bulk"] {
            let plan = planned(push);
            for entry in plan["entries"].as_array().unwrap() {
                let read: crate::plan::OutboxEntry = from_json(entry).unwrap();
                assert_eq!(&serde_json::to_value(&read).unwrap(), entry);
                let prospect: crate::prospect::Prospect = from_json(&entry["prospect"]).unwrap();
                assert_eq!(prospect.name, entry["prospect"]["name"]);
                assert_eq!(serde_json::to_value(&prospect).unwrap(), entry["prospect"]);
            }
        }
        let recent = crate::records::RecentSave {
            at: "2026-11-23T12:00:00Z".into(),
            save_id: "s1".into(),
            source: "gmail_extension".into(),
            result: from_json(&planned("single")["results"][0]).unwrap(),
        };
        let stored = serde_json::to_value(&recent).unwrap();
        assert_eq!(stored["status"], "queued", "still flat: {stored}");
        assert_eq!(
            from_json::<crate::records::RecentSave>(&stored).unwrap(),
            recent
        );
        // The derive's rules: a missing required field, a mistyped one, not an object.
        let mut missing = stored.clone();
        missing.as_object_mut().unwrap().remove("at");
        assert_eq!(
            from_json::<crate::records::RecentSave>(&missing)
                .unwrap_err()
                .to_string(),
            "missing field `at`"
        );
    }

    #[test]
    fn save_result_and_error_log_readers_keep_the_derives_rules() {
        use crate::records::{ErrorLogEntry, SaveResult};
        let result = planned("single")["results"][0].clone();
        let read: SaveResult = from_json(&result).unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap(), result);
        let mut v = result.clone();
        v["account_id"] = json!("001000000000001AAA");
        let read: SaveResult = from_json(&v).unwrap();
        assert_eq!(read.account_id.as_deref(), Some("001000000000001AAA"));
        for (key, error) in [
            ("status", "missing field `status`"),
            ("owner", "missing field `owner`"),
        ] {
            let mut v = result.clone();
            v.as_object_mut().unwrap().remove(key);
            assert_eq!(from_json::<SaveResult>(&v).unwrap_err().to_string(), error);
        }
        assert_eq!(
            from_json::<SaveResult>(&json!("x"))
                .unwrap_err()
                .to_string(),
            "invalid type: string \"x\", expected struct SaveResult"
        );
        let line = json!({"at": "t", "code": "c", "message": "m", "hint": "h", "name": "n", "source": "s"});
        let read: ErrorLogEntry = from_json(&line).unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap(), line);
        let mut v = line.clone();
        v["code"] = json!(7);
        assert_eq!(
            from_json::<ErrorLogEntry>(&v).unwrap_err().to_string(),
            "invalid type: integer `7`, expected a string"
        );
    }

    #[test]
    fn connection_and_raw_prospect_readers_keep_the_derives_rules() {
        use crate::prospect::RawProspect;
        use crate::team::{Connection, Health};
        let conn = json!({"role": "team_sync", "crm_user_id": "005I", "name": "Ivan",
            "email": "i@x.example", "permission": "admin"});
        let read: Connection = from_json(&conn).unwrap();
        assert_eq!(
            (read.health, read.last_success, read.instance_url.as_str()),
            (Health::Ok, None, "")
        );
        let mut v = conn.clone();
        v.as_object_mut().unwrap().remove("email");
        assert_eq!(
            from_json::<Connection>(&v).unwrap_err().to_string(),
            "missing field `email`"
        );
        v = conn.clone();
        v["permission"] = json!(1.5);
        assert!(from_json::<Connection>(&v)
            .unwrap_err()
            .to_string()
            .starts_with("invalid type: floating point `1.5`, expected"));

        let raw: RawProspect =
            from_json(&json!({"full_name": "Ada", "email": null, "x": 1})).unwrap();
        assert_eq!(
            (raw.full_name.as_deref(), raw.email, raw.company),
            (Some("Ada"), None, None)
        );
        assert_eq!(
            from_json::<RawProspect>(&json!({"title": false}))
                .unwrap_err()
                .to_string(),
            "invalid type: boolean `false`, expected a string"
        );
    }

    #[test]
    fn outbox_entry_reader_keeps_the_derives_rules() {
        let entry = planned("single")["entries"][0].clone();
        let read = |v: &Value| from_json::<crate::plan::OutboxEntry>(v).map_err(|e| e.to_string());
        // `#[serde(default)]` fields and `Option`s may be missing.
        let mut v = entry.clone();
        for key in ["lookup_key", "chunk", "activity_id", "waiting", "record_id"] {
            v.as_object_mut().unwrap().remove(key);
        }
        assert!(read(&v).is_ok());
        // Required ones may not; a wrong type names the expected one.
        for key in ["id", "spec", "phase", "attempts", "in_flight", "reasons"] {
            let mut v = entry.clone();
            v.as_object_mut().unwrap().remove(key);
            assert_eq!(read(&v).unwrap_err(), format!("missing field `{key}`"));
        }
        let mut v = entry.clone();
        v["attempts"] = json!("3");
        assert_eq!(
            read(&v).unwrap_err(),
            "invalid type: string \"3\", expected u32"
        );
        assert_eq!(
            read(&json!([1])).unwrap_err(),
            "invalid type: sequence, expected struct OutboxEntry"
        );
    }
}
