//! Column types as the conventions see them: `sqlparser` spells one
//! PostgreSQL type in many ways (`int8`, `BIGINT`, `bigint`), rules ask
//! what the type *is*.

use std::sync::Arc;

use sqlparser::ast::{ArrayElemTypeDef, CharacterLength, DataType, TimezoneInfo, TypeModifier};

use super::names;

/// A column's type as the model keeps it: how it is written, what it is,
/// and a character type's length.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnType {
    /// As `sqlparser` prints it (`VARCHAR(255)`, `TIMESTAMP`).
    pub sql: super::Name,
    /// As the migration writes it (`varchar (255)`): the text of the
    /// column's `type_origin`, which messages quote. Kept with the shared
    /// type rather than read back from the file, so that the rules need no
    /// file's text (a large run lets go of the texts after their load).
    pub written: super::Name,
    pub kind: TypeKind,
    pub char_length: Option<CharLength>,
}

impl ColumnType {
    /// The type of `data_type`, written as `written`.
    pub fn of(data_type: &DataType, written: &str) -> ColumnType {
        ColumnType {
            sql: data_type.to_string().into(),
            written: written.into(),
            kind: TypeKind::of(data_type),
            char_length: CharLength::of(data_type),
        }
    }
}

/// How many types a thread keeps in each table (`share_in`) before it
/// starts afresh: a set has a few dozen, and a long-lived process (the
/// language server) must not gather every type it ever read.
const SHARED_TYPES: usize = 1024;

/// A thread's table of shared types, by what each was made from.
type SharedTypes<K> = std::cell::RefCell<rustc_hash::FxHashMap<K, Arc<ColumnType>>>;

thread_local! {
    /// Types decoded from the cache, by the type.
    static SHARED: SharedTypes<ColumnType> = SharedTypes::default();
    /// Types read from trees, by the type, then by how it is written.
    static READ: std::cell::RefCell<rustc_hash::FxHashMap<DataType, Vec<Arc<ColumnType>>>> =
        std::cell::RefCell::default();
}

/// The copy of the type made from `key` that this thread's `table`
/// holds, made (`make`) and kept on first sight; at most `SHARED_TYPES`
/// are kept, then the table starts afresh. Without the table (the thread
/// is ending, or it is in use further up the stack) the type is made
/// unshared.
fn share_in<K: Clone + Eq + std::hash::Hash>(
    table: &'static std::thread::LocalKey<SharedTypes<K>>,
    key: &K,
    make: impl Fn(&K) -> ColumnType,
) -> Arc<ColumnType> {
    let found = table.try_with(|table| {
        let mut table = table.try_borrow_mut().ok()?;
        if let Some(found) = table.get(key) {
            return Some(found.clone());
        }
        if table.len() >= SHARED_TYPES {
            table.clear();
        }
        let ty = Arc::new(make(key));
        table.insert(key.clone(), ty.clone());
        Some(ty)
    });
    found.ok().flatten().unwrap_or_else(|| Arc::new(make(key)))
}

/// Reads a column's type as the copy this thread already holds, if any: a
/// warm run decodes every column of a set from the cache, and a type of
/// its own for each (serde boxes it, then moves it into an `Arc`) was two
/// allocations per column. Replay shares types across the set the same
/// way (`replay::ColumnTypes`).
///
/// The type is stored as its own encoding in a byte string (`stored`), and
/// that string is compared with the ones this thread read last before
/// anything is decoded: most columns' type is one of those.
pub fn shared<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Arc<ColumnType>, D::Error> {
    let bytes = <&'de [u8] as serde::Deserialize>::deserialize(deserializer)?;
    if let Some(found) = recent(bytes) {
        return Ok(found);
    }
    let read: TypeRead<'_> = postcard::from_bytes(bytes).map_err(serde::de::Error::custom)?;
    let sql = super::Name::new(&read.sql);
    let ty = ColumnType {
        written: read.written.map_or_else(|| sql.clone(), super::Name::new),
        sql,
        kind: read.kind,
        char_length: read.char_length,
    };
    let shared = share_in(&SHARED, &ty, ColumnType::clone);
    remember(bytes, &shared);
    Ok(shared)
}

/// A column's type as `shared` reads it back: its encoding, as a byte
/// string.
pub fn stored<S: serde::Serializer>(
    ty: &Arc<ColumnType>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let stored = TypeStored {
        sql: &ty.sql,
        written: (ty.written != ty.sql).then_some(&*ty.written),
        kind: &ty.kind,
        char_length: ty.char_length,
    };
    let bytes = postcard::to_allocvec(&stored).map_err(serde::ser::Error::custom)?;
    serializer.serialize_bytes(&bytes)
}

/// A `ColumnType` as `stored` writes it: the type as written only when it
/// is not as `sqlparser` prints it (a set that writes its types in upper
/// case stores each once).
#[derive(serde::Serialize)]
struct TypeStored<'a> {
    sql: &'a str,
    written: Option<&'a str>,
    kind: &'a TypeKind,
    char_length: Option<CharLength>,
}

/// A `ColumnType` as `stored` wrote it, its text borrowed from the stored bytes
/// where it can be: most columns' type is one this thread decoded a
/// moment ago, found (`recent`) without making a name or hashing.
#[derive(serde::Deserialize)]
struct TypeRead<'a> {
    #[serde(borrow)]
    sql: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    written: Option<std::borrow::Cow<'a, str>>,
    kind: TypeKind,
    char_length: Option<CharLength>,
}

/// How many types `RECENT` holds: a set writes a few dozen.
const RECENT_TYPES: usize = 32;

/// A type as stored (`stored`) and its copy.
type StoredType = (Box<[u8]>, Arc<ColumnType>);

thread_local! {
    /// The types this thread decoded last (`shared`), by their stored
    /// encoding, newest last.
    static RECENT: std::cell::RefCell<Vec<StoredType>> = const {
        std::cell::RefCell::new(Vec::new())
    };
}

/// The recently decoded copy of the type stored as `bytes`, if any.
fn recent(bytes: &[u8]) -> Option<Arc<ColumnType>> {
    RECENT
        .try_with(|recent| {
            let recent = recent.try_borrow().ok()?;
            let found = recent.iter().rev().find(|(stored, _)| **stored == *bytes);
            found.map(|(_, ty)| ty.clone())
        })
        .ok()
        .flatten()
}

/// Keeps `ty`, stored as `bytes`, among this thread's recent types (the
/// oldest goes).
fn remember(bytes: &[u8], ty: &Arc<ColumnType>) {
    let _ = RECENT.try_with(|recent| {
        if let Ok(mut recent) = recent.try_borrow_mut() {
            if recent.len() == RECENT_TYPES {
                recent.remove(0);
            }
            recent.push((bytes.into(), ty.clone()));
        }
    });
}

/// How many spellings of one type (`bigint` and `BIGINT`, `varchar(9)` and
/// `varchar (9)`) a thread keeps in its table of read types; further ones
/// are not shared.
const SPELLINGS: usize = 16;

/// `ColumnType::of`, as the copy this thread already made for that very
/// type written that way, if any: printing a type is most of reading a
/// column, and a set writes a few dozen types over thousands of columns.
/// At most `SHARED_TYPES` types of `SPELLINGS` spellings each are kept,
/// then the table starts afresh.
pub fn read_shared(data_type: &DataType, written: &str) -> Arc<ColumnType> {
    let make = || Arc::new(ColumnType::of(data_type, written));
    let found = READ.try_with(|table| {
        let mut table = table.try_borrow_mut().ok()?;
        let spellings = table.get(data_type);
        if let Some(found) = spellings.and_then(|s| s.iter().find(|t| t.written == written)) {
            return Some(found.clone());
        }
        if spellings.is_some_and(|s| s.len() >= SPELLINGS) {
            return None;
        }
        if spellings.is_none() && table.len() >= SHARED_TYPES {
            table.clear();
        }
        let ty = make();
        table.entry(data_type.clone()).or_default().push(ty.clone());
        Some(ty)
    });
    found.ok().flatten().unwrap_or_else(make)
}

/// The declared length of a character type (`CHAR`, `VARCHAR`, `bpchar`,
/// or an array of one).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CharLength {
    /// No length written: `CHAR` is CHAR(1), `VARCHAR` has no limit.
    Unwritten,
    /// `(n)`.
    Written(u64),
    /// `bpchar` without a length, which has no limit.
    Unlimited,
}

impl CharLength {
    fn of(data_type: &DataType) -> Option<CharLength> {
        use DataType as D;
        let written = |length: &Option<CharacterLength>| match length {
            None => CharLength::Unwritten,
            Some(CharacterLength::IntegerLength { length, .. }) => CharLength::Written(*length),
            Some(CharacterLength::Max) => CharLength::Unlimited,
        };
        match data_type {
            D::Array(
                ArrayElemTypeDef::SquareBracket(inner, _)
                | ArrayElemTypeDef::AngleBracket(inner)
                | ArrayElemTypeDef::Parenthesis(inner),
            ) => CharLength::of(inner),
            D::Char(length)
            | D::Character(length)
            | D::Varchar(length)
            | D::CharacterVarying(length)
            | D::CharVarying(length)
            | D::Nvarchar(length) => Some(written(length)),
            D::Custom(..)
                if !matches!(TypeKind::of(data_type), TypeKind::Char | TypeKind::Varchar) =>
            {
                None
            }
            D::Custom(_, args) => Some(match args.as_slice() {
                [TypeModifier::Number(length, _)] => length
                    .parse()
                    .map_or(CharLength::Unlimited, CharLength::Written),
                _ => CharLength::Unlimited,
            }),
            _ => None,
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    SmallInt,
    Integer,
    BigInt,
    SmallSerial,
    Serial,
    BigSerial,
    Numeric,
    Float,
    Boolean,
    Text,
    /// `VARCHAR`, `VARCHAR(n)`, `CHARACTER VARYING`.
    Varchar,
    /// `CHAR`, `CHAR(n)`, `CHARACTER(n)`, `bpchar`.
    Char,
    Uuid,
    /// `TIMESTAMP` / `TIMESTAMP WITHOUT TIME ZONE`.
    Timestamp,
    TimestampTz,
    Date,
    Time,
    Interval,
    Json,
    Jsonb,
    Bytea,
    /// An array of the inner kind.
    Array(#[serde(deserialize_with = "crate::load::cache::nested")] Box<TypeKind>),
    /// Any other type, by its folded name (user types such as enums too).
    Other(String),
}

impl TypeKind {
    pub fn of(data_type: &DataType) -> TypeKind {
        use DataType as D;
        match data_type {
            D::SmallInt(_) | D::Int2(_) => TypeKind::SmallInt,
            D::Int(_) | D::Int4(_) | D::Integer(_) => TypeKind::Integer,
            D::BigInt(_) | D::Int8(_) => TypeKind::BigInt,
            D::Numeric(_) | D::Decimal(_) | D::Dec(_) => TypeKind::Numeric,
            D::Real | D::Float4 | D::Float8 | D::Float(_) | D::Double(_) | D::DoublePrecision => {
                TypeKind::Float
            }
            D::Bool | D::Boolean => TypeKind::Boolean,
            D::Text => TypeKind::Text,
            D::Varchar(_) | D::CharacterVarying(_) | D::CharVarying(_) | D::Nvarchar(_) => {
                TypeKind::Varchar
            }
            D::Char(_) | D::Character(_) => TypeKind::Char,
            D::Uuid => TypeKind::Uuid,
            D::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => {
                TypeKind::Timestamp
            }
            D::Timestamp(_, _) => TypeKind::TimestampTz,
            D::Date => TypeKind::Date,
            D::Time(_, _) => TypeKind::Time,
            D::Interval { .. } => TypeKind::Interval,
            D::JSON => TypeKind::Json,
            D::JSONB => TypeKind::Jsonb,
            D::Bytea => TypeKind::Bytea,
            D::Array(elem) => match elem {
                ArrayElemTypeDef::AngleBracket(inner)
                | ArrayElemTypeDef::SquareBracket(inner, _)
                | ArrayElemTypeDef::Parenthesis(inner)
                | ArrayElemTypeDef::ParenthesisNotNull(inner) => {
                    TypeKind::Array(Box::new(TypeKind::of(inner)))
                }
                ArrayElemTypeDef::Qualified(inner, _) => {
                    TypeKind::Array(Box::new(TypeKind::of(inner)))
                }
                ArrayElemTypeDef::None => TypeKind::Array(Box::new(TypeKind::Other(String::new()))),
            },
            D::Custom(name, _) => {
                let name = names::last_part(name).unwrap_or_default();
                TypeKind::from_name(&name)
            }
            other => TypeKind::Other(other.to_string().to_lowercase()),
        }
    }

    /// The kind of a type written in configuration (`"uuid"`, `"int"`).
    pub fn parse(text: &str) -> Option<TypeKind> {
        let dialect = sqlparser::dialect::PostgreSqlDialect {};
        let mut parser = sqlparser::parser::Parser::new(&dialect)
            .try_with_sql(text)
            .ok()?;
        let data_type = parser.parse_data_type().ok()?;
        Some(TypeKind::of(&data_type))
    }

    /// The kinds of type names from configuration; a name the parser cannot
    /// read stands for a user type of that name.
    pub fn parse_all(names: &[String]) -> Vec<TypeKind> {
        names
            .iter()
            .map(|name| {
                TypeKind::parse(name).unwrap_or_else(|| TypeKind::Other(name.to_lowercase()))
            })
            .collect()
    }

    /// Kinds of type names the parser leaves as custom types.
    fn from_name(name: &str) -> TypeKind {
        match name {
            "serial" | "serial4" => TypeKind::Serial,
            "bigserial" | "serial8" => TypeKind::BigSerial,
            "smallserial" | "serial2" => TypeKind::SmallSerial,
            "int2" => TypeKind::SmallInt,
            "int4" => TypeKind::Integer,
            "int8" => TypeKind::BigInt,
            "bpchar" => TypeKind::Char,
            "timestamptz" => TypeKind::TimestampTz,
            "float4" | "float8" => TypeKind::Float,
            "bool" => TypeKind::Boolean,
            "varchar" => TypeKind::Varchar,
            _ => TypeKind::Other(name.to_string()),
        }
    }

    /// `BIGINT` or `BIGSERIAL`: the key type the conventions want.
    pub fn is_bigint(&self) -> bool {
        matches!(self, TypeKind::BigInt | TypeKind::BigSerial)
    }

    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            TypeKind::SmallInt
                | TypeKind::Integer
                | TypeKind::BigInt
                | TypeKind::SmallSerial
                | TypeKind::Serial
                | TypeKind::BigSerial
        )
    }

    pub fn is_textual(&self) -> bool {
        matches!(self, TypeKind::Text | TypeKind::Varchar | TypeKind::Char)
            || matches!(self, TypeKind::Other(name) if name == "citext")
    }

    /// The type a column of this kind stores: serial types are integers.
    pub fn storage(&self) -> TypeKind {
        match self {
            TypeKind::SmallSerial => TypeKind::SmallInt,
            TypeKind::Serial => TypeKind::Integer,
            TypeKind::BigSerial => TypeKind::BigInt,
            other => other.clone(),
        }
    }

    /// The name PostgreSQL would print.
    pub fn sql_name(&self) -> String {
        match self {
            TypeKind::SmallInt => "smallint".into(),
            TypeKind::Integer => "integer".into(),
            TypeKind::BigInt => "bigint".into(),
            TypeKind::SmallSerial => "smallserial".into(),
            TypeKind::Serial => "serial".into(),
            TypeKind::BigSerial => "bigserial".into(),
            TypeKind::Numeric => "numeric".into(),
            TypeKind::Float => "double precision".into(),
            TypeKind::Boolean => "boolean".into(),
            TypeKind::Text => "text".into(),
            TypeKind::Varchar => "varchar".into(),
            TypeKind::Char => "char".into(),
            TypeKind::Uuid => "uuid".into(),
            TypeKind::Timestamp => "timestamp".into(),
            TypeKind::TimestampTz => "timestamptz".into(),
            TypeKind::Date => "date".into(),
            TypeKind::Time => "time".into(),
            TypeKind::Interval => "interval".into(),
            TypeKind::Json => "json".into(),
            TypeKind::Jsonb => "jsonb".into(),
            TypeKind::Bytea => "bytea".into(),
            TypeKind::Array(inner) => format!("{}[]", inner.sql_name()),
            TypeKind::Other(name) => name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn kind(sql_type: &str) -> TypeKind {
        let dialect = PostgreSqlDialect {};
        let mut parser = Parser::new(&dialect).try_with_sql(sql_type).unwrap();
        TypeKind::of(&parser.parse_data_type().unwrap())
    }

    #[test]
    fn spellings_of_one_type_agree() {
        for t in ["bigint", "int8", "BIGINT"] {
            assert_eq!(kind(t), TypeKind::BigInt, "{t}");
        }
        for t in ["varchar(255)", "character varying", "VARCHAR"] {
            assert_eq!(kind(t), TypeKind::Varchar, "{t}");
        }
        for t in ["timestamp", "timestamp(3)", "timestamp without time zone"] {
            assert_eq!(kind(t), TypeKind::Timestamp, "{t}");
        }
        for t in ["timestamptz", "timestamp with time zone"] {
            assert_eq!(kind(t), TypeKind::TimestampTz, "{t}");
        }
        assert_eq!(kind("serial"), TypeKind::Serial);
        assert_eq!(kind("BIGSERIAL"), TypeKind::BigSerial);
        assert_eq!(kind("text[]"), TypeKind::Array(Box::new(TypeKind::Text)));
        assert_eq!(
            kind("\"InviteLinkStatus\""),
            TypeKind::Other("InviteLinkStatus".into())
        );
    }

    /// A type read from a tree is the one `ColumnType::of` makes, shared
    /// per thread for the same type as written; the thread keeps a
    /// bounded number of them.
    #[test]
    fn read_types_are_shared_and_bounded() {
        let data_type = |sql: &str| {
            let dialect = PostgreSqlDialect {};
            let mut parser = Parser::new(&dialect).try_with_sql(sql).unwrap();
            parser.parse_data_type().unwrap()
        };
        let written = [
            "bigint",
            "BIGINT",
            "int8",
            "varchar(255)",
            "varchar(40)",
            "VARCHAR",
            "text[]",
            "timestamptz",
            "timestamp(3)",
            "\"Status\"",
            "status",
            "public.status",
            "numeric(10, 2)",
        ];
        for sql in written {
            let dt = data_type(sql);
            let shared = read_shared(&dt, sql);
            assert_eq!(*shared, ColumnType::of(&dt, sql), "{sql}");
            assert!(
                Arc::ptr_eq(&shared, &read_shared(&data_type(sql), sql)),
                "{sql}"
            );
        }
        // With every type in the thread's table, each is still its own.
        for sql in written {
            let dt = data_type(sql);
            assert_eq!(*read_shared(&dt, sql), ColumnType::of(&dt, sql), "{sql}");
        }
        // One type written two ways is two copies, each keeping its text.
        let (lower, upper) = (
            read_shared(&data_type("text"), "text"),
            read_shared(&data_type("text"), "TEXT"),
        );
        assert_eq!(
            (lower.written.as_str(), upper.written.as_str()),
            ("text", "TEXT")
        );
        assert_eq!(lower.kind, upper.kind);
        // Spellings of one type beyond `SPELLINGS` are made, not kept.
        let dt = data_type("text");
        for n in 0..3 * SPELLINGS {
            let spelled = format!("text{}", " ".repeat(n));
            assert_eq!(read_shared(&dt, &spelled).written, spelled.as_str());
            let kept = READ.with_borrow(|read| read.get(&dt).map_or(0, Vec::len));
            assert!(kept <= SPELLINGS);
        }
        for n in 0..3 * SHARED_TYPES {
            let sql = format!("type_{n}");
            read_shared(&data_type(&sql), &sql);
            assert!(READ.with_borrow(|read| read.len()) <= SHARED_TYPES);
        }
    }

    /// Decoded types are shared per thread, and the thread keeps a bounded
    /// number of them however many distinct types it reads.
    #[test]
    fn decoded_types_are_shared_and_bounded() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Typed {
            #[serde(serialize_with = "stored", deserialize_with = "shared")]
            ty: Arc<ColumnType>,
        }
        let decode = |sql: &str| {
            let ty = Arc::new(ColumnType {
                sql: sql.into(),
                written: sql.to_lowercase().into(),
                kind: TypeKind::Text,
                char_length: None,
            });
            let bytes = postcard::to_allocvec(&Typed { ty: ty.clone() }).unwrap();
            let read = postcard::from_bytes::<Typed>(&bytes).unwrap().ty;
            assert_eq!(read, ty);
            read
        };
        assert!(Arc::ptr_eq(&decode("text"), &decode("text")));
        // Types whose encodings share a beginning stay apart.
        assert_eq!(decode("texts").sql, "texts");
        assert_eq!(decode("tex").sql, "tex");
        // The type as written comes back whether it is stored (it differs
        // from the printed type) or not (it is the printed type).
        let upper = decode("TEXT");
        assert_eq!(
            (upper.sql.as_str(), upper.written.as_str()),
            ("TEXT", "text")
        );
        assert!(!Arc::ptr_eq(&upper, &decode("text")));
        for n in 0..3 * SHARED_TYPES {
            decode(&format!("type_{n}"));
            assert!(SHARED.with_borrow(|shared| shared.len()) <= SHARED_TYPES);
        }
    }
}
