//! The one flattening serializer: a view's serialisation as a small ordered tree ([`Flat`]),
//! and the CSV cells derived from it.
//!
//! A view struct is the one definition of its fields. JSON is its serialisation; a CSV record
//! is the same serialisation, flattened by the rules of [`cell`], so a CSV column always has
//! its JSON field's name. The detail table is derived from the same tree (see
//! [`super::layout`]).

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// A serialised value, keeping the order of fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Flat {
    /// `null` (`None`, `()`).
    Null,
    /// A boolean.
    Bool(bool),
    /// A number, written as Rust writes it (`1.5`, `42`).
    Number(String),
    /// A string (or a character, or a unit variant's name).
    Text(String),
    /// A sequence.
    List(Vec<Flat>),
    /// A struct or map: its fields in order (flattened fields in place).
    Object(Vec<(String, Flat)>),
}

impl Flat {
    /// The field `key` of an object.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Flat> {
        match self {
            Flat::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string, number or boolean; `None` for anything else.
    #[must_use]
    pub fn scalar(&self) -> Option<String> {
        match self {
            Flat::Bool(b) => Some(b.to_string()),
            Flat::Number(s) | Flat::Text(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// A reference's ID: the `id` of an object that has one (its `name` when the ID is null).
    #[must_use]
    pub fn ref_id(&self) -> Option<String> {
        match (self.get("id")?, self.get("name")) {
            (Flat::Null, Some(name)) => name.scalar(),
            (Flat::Null, None) => Some(String::new()),
            (id, _) => id.scalar(),
        }
    }
}

/// Serialises a value into its tree.
///
/// # Errors
/// Only for values serde cannot describe as a tree (a map with a key that is not text);
/// views never have them.
pub fn tree<T: Serialize + ?Sized>(v: &T) -> Result<Flat, Error> {
    v.serialize(Serializer)
}

/// The CSV cell of a value: text as is, `null` empty, lists joined with `;`, an object with an
/// `id` (a reference) as that ID (its name when the ID is null), any other object as its
/// cells joined with `|`.
#[must_use]
pub fn cell(v: &Flat) -> String {
    match v {
        Flat::Null => String::new(),
        Flat::Bool(b) => b.to_string(),
        Flat::Number(s) | Flat::Text(s) => s.clone(),
        Flat::List(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        Flat::Object(fields) => v.ref_id().unwrap_or_else(|| {
            fields
                .iter()
                .map(|(_, f)| cell(f))
                .collect::<Vec<_>>()
                .join("|")
        }),
    }
}

/// A view's CSV record: (JSON field name, cell) for each of its fields, in order.
///
/// # Errors
/// As [`tree`].
pub fn record<T: Serialize + ?Sized>(v: &T) -> Result<Vec<(String, String)>, Error> {
    Ok(match tree(v)? {
        Flat::Object(fields) => fields.into_iter().map(|(k, f)| (k, cell(&f))).collect(),
        other => vec![("value".to_string(), cell(&other))],
    })
}

/// Why a value has no tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        std::io::Error::other(e)
    }
}

/// Builds a [`Flat`] from any `Serialize`.
struct Serializer;

/// A sequence, tuple or (tuple) variant under construction.
struct Seq {
    items: Vec<Flat>,
    variant: Option<&'static str>,
}

/// A struct, map or struct variant under construction.
struct Map {
    fields: Vec<(String, Flat)>,
    key: Option<String>,
    variant: Option<&'static str>,
}

fn wrap(variant: Option<&'static str>, v: Flat) -> Flat {
    match variant {
        Some(name) => Flat::Object(vec![(name.to_string(), v)]),
        None => v,
    }
}

macro_rules! numbers {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<Flat, Error> {
            Ok(Flat::Number(v.to_string()))
        }
    )*};
}

impl ser::Serializer for Serializer {
    type Ok = Flat;
    type Error = Error;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Seq;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Map;

    numbers!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128, serialize_f32: f32, serialize_f64: f64
    );

    fn serialize_bool(self, v: bool) -> Result<Flat, Error> {
        Ok(Flat::Bool(v))
    }

    fn serialize_char(self, v: char) -> Result<Flat, Error> {
        Ok(Flat::Text(v.to_string()))
    }

    fn serialize_str(self, v: &str) -> Result<Flat, Error> {
        Ok(Flat::Text(v.to_string()))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Flat, Error> {
        Ok(Flat::List(
            v.iter().map(|b| Flat::Number(b.to_string())).collect(),
        ))
    }

    fn serialize_none(self) -> Result<Flat, Error> {
        Ok(Flat::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Flat, Error> {
        v.serialize(self)
    }

    fn serialize_unit(self) -> Result<Flat, Error> {
        Ok(Flat::Null)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<Flat, Error> {
        Ok(Flat::Null)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Flat, Error> {
        Ok(Flat::Text(variant.to_string()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Flat, Error> {
        v.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Flat, Error> {
        Ok(wrap(Some(variant), v.serialize(self)?))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, Error> {
        Ok(Seq {
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Seq, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq, Error> {
        Ok(Seq {
            items: Vec::with_capacity(len),
            variant: Some(variant),
        })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Map, Error> {
        Ok(Map {
            fields: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
            variant: None,
        })
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Map, Error> {
        Ok(Map {
            fields: Vec::with_capacity(len),
            key: None,
            variant: Some(variant),
        })
    }
}

impl ser::SerializeSeq for Seq {
    type Ok = Flat;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.items.push(v.serialize(Serializer)?);
        Ok(())
    }

    fn end(self) -> Result<Flat, Error> {
        Ok(wrap(self.variant, Flat::List(self.items)))
    }
}

/// Tuples, tuple structs and tuple variants build a sequence as `SerializeSeq` does.
macro_rules! like_a_seq {
    ($($trait:ident::$method:ident),*) => {$(
        impl ser::$trait for Seq {
            type Ok = Flat;
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                ser::SerializeSeq::serialize_element(self, v)
            }

            fn end(self) -> Result<Flat, Error> {
                ser::SerializeSeq::end(self)
            }
        }
    )*};
}

like_a_seq!(
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Map {
    type Ok = Flat;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error("a map value without its key".into()))?;
        self.fields.push((key, v.serialize(Serializer)?));
        Ok(())
    }

    fn end(self) -> Result<Flat, Error> {
        Ok(wrap(self.variant, Flat::Object(self.fields)))
    }
}

impl ser::SerializeStruct for Map {
    type Ok = Flat;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.fields
            .push((key.to_string(), v.serialize(Serializer)?));
        Ok(())
    }

    fn end(self) -> Result<Flat, Error> {
        ser::SerializeMap::end(self)
    }
}

impl ser::SerializeStructVariant for Map {
    type Ok = Flat;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, v)
    }

    fn end(self) -> Result<Flat, Error> {
        ser::SerializeMap::end(self)
    }
}

/// Map keys: text, numbers and unit variants become the key's text.
struct KeySerializer;

fn not_a_key<T>() -> Result<T, Error> {
    Err(Error("a map key that is not text".into()))
}

macro_rules! number_keys {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<String, Error> {
            Ok(v.to_string())
        }
    )*};
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    number_keys!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char
    );

    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_string())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<String, Error> {
        not_a_key()
    }

    fn serialize_none(self) -> Result<String, Error> {
        not_a_key()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<String, Error> {
        v.serialize(self)
    }

    fn serialize_unit(self) -> Result<String, Error> {
        not_a_key()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Error> {
        not_a_key()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_string())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, Error> {
        v.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Error> {
        not_a_key()
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        not_a_key()
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        not_a_key()
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        not_a_key()
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        not_a_key()
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        not_a_key()
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        not_a_key()
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        not_a_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Reference {
        id: Option<String>,
        name: String,
    }

    #[derive(Serialize)]
    struct Cache {
        file: String,
        size: u64,
        fresh: bool,
    }

    #[derive(Serialize)]
    struct Common {
        id: String,
        name: String,
    }

    #[derive(Serialize)]
    struct View {
        #[serde(flatten)]
        common: Common,
        score: f64,
        aliases: Vec<String>,
        parent: Option<Reference>,
        refs: Vec<Reference>,
        cache: Option<Cache>,
        note: Option<String>,
        #[serde(skip)]
        _hidden: bool,
        #[serde(rename = "type")]
        kind: &'static str,
    }

    fn view() -> View {
        View {
            common: Common {
                id: "G0001".into(),
                name: "A, \"quoted\" name".into(),
            },
            score: 1.0,
            aliases: vec!["one".into(), "two".into()],
            parent: Some(Reference {
                id: Some("T1059".into()),
                name: "Scripted Launch".into(),
            }),
            refs: vec![
                Reference {
                    id: Some("DC0001".into()),
                    name: "x".into(),
                },
                Reference {
                    id: None,
                    name: "Unnumbered".into(),
                },
            ],
            cache: Some(Cache {
                file: "f.cache".into(),
                size: 12,
                fresh: true,
            }),
            note: None,
            _hidden: true,
            kind: "group",
        }
    }

    #[test]
    fn records_keep_json_names_and_order() {
        let r = record(&view()).unwrap();
        let keys: Vec<&str> = r.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "id", "name", "score", "aliases", "parent", "refs", "cache", "note", "type"
            ]
        );
        let json: serde_json::Value = serde_json::to_value(view()).unwrap();
        let json_keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for k in &keys {
            assert!(json_keys.contains(k), "{k} is not a JSON field");
        }
        assert_eq!(keys.len(), json_keys.len());
    }

    #[test]
    fn cells_follow_the_rules() {
        let r: Vec<String> = record(&view())
            .unwrap()
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(
            r,
            [
                "G0001",
                "A, \"quoted\" name",
                "1",
                "one;two",
                "T1059",
                "DC0001;Unnumbered",
                "f.cache|12|true",
                "",
                "group"
            ]
        );
    }

    #[test]
    fn enums_maps_and_tuples_have_trees() {
        #[derive(Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, u8),
            Struct { a: u8 },
        }
        assert_eq!(tree(&E::Unit).unwrap(), Flat::Text("Unit".into()));
        assert_eq!(cell(&tree(&E::New(3)).unwrap()), "3");
        assert_eq!(cell(&tree(&E::Tuple(1, 2)).unwrap()), "1;2");
        assert_eq!(cell(&tree(&E::Struct { a: 7 }).unwrap()), "7");
        let mut m = std::collections::BTreeMap::new();
        m.insert(2u8, "b");
        m.insert(1u8, "a");
        assert_eq!(
            tree(&m).unwrap(),
            Flat::Object(vec![
                ("1".into(), Flat::Text("a".into())),
                ("2".into(), Flat::Text("b".into()))
            ])
        );
        let mut bad = std::collections::BTreeMap::new();
        bad.insert(vec![1u8], 1u8);
        assert!(tree(&bad).is_err());
        assert_eq!(cell(&tree(&(1u8, "x", None::<u8>)).unwrap()), "1;x;");
    }
}
