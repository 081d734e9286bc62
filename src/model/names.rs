//! Identifiers as PostgreSQL resolves them: unquoted names fold to lower
//! case, quoted names keep their case, and `public.users` is `users`.

use std::fmt;

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};

/// The name PostgreSQL stores for an identifier.
pub fn fold(ident: &Ident) -> Name {
    match ident.quote_style {
        Some(_) => Name::new(&ident.value),
        None => fold_str(&ident.value),
    }
}

/// An unquoted identifier folded to lower case, without an allocation
/// when it is short and already lower case (most are).
fn fold_str(value: &str) -> Name {
    if value
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Name::new(value)
    } else {
        Name::new(value.to_lowercase())
    }
}

/// An identifier's text as written (`"User"` or `User`) folded as
/// PostgreSQL does: quotes removed (and doubled ones undone), else lower
/// case.
pub fn fold_written(written: &str) -> Name {
    match written.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        Some(quoted) => Name::new(quoted.replace("\"\"", "\"")),
        None => fold_str(written),
    }
}

pub fn fold_all(idents: &[Ident]) -> Vec<Name> {
    idents.iter().map(fold).collect()
}

/// An identifier as PostgreSQL stores it: 8 bytes, its text stored once
/// for the run (see `model::interned`).
pub use super::interned::Name;

/// A schema-qualified name; `schema` is `None` for `public`.
#[derive(
    serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
pub struct QualifiedName {
    pub schema: Option<Name>,
    pub name: Name,
}

impl QualifiedName {
    pub fn new(schema: Option<impl Into<Name>>, name: impl Into<Name>) -> Self {
        let schema = schema.map(Into::into).filter(|s| s != "public");
        QualifiedName {
            schema,
            name: name.into(),
        }
    }

    /// A name in the search path's schema (`public`).
    pub fn unqualified(name: impl Into<Name>) -> Self {
        QualifiedName {
            schema: None,
            name: name.into(),
        }
    }

    /// `None` for names with more than two parts or computed parts.
    pub fn from_object_name(name: &ObjectName) -> Option<Self> {
        let parts: Vec<&Ident> = name
            .0
            .iter()
            .map(|part| match part {
                ObjectNamePart::Identifier(ident) => Some(ident),
                _ => None,
            })
            .collect::<Option<_>>()?;
        match parts.as_slice() {
            [name] => Some(QualifiedName::unqualified(fold(name))),
            [schema, name] => Some(QualifiedName::new(Some(fold(schema)), fold(name))),
            // database.schema.name
            [_, schema, name] => Some(QualifiedName::new(Some(fold(schema)), fold(name))),
            _ => None,
        }
    }

    /// The same name in another object's schema (an index lives in its
    /// table's schema).
    pub fn sibling(&self, name: impl Into<Name>) -> Self {
        QualifiedName {
            schema: self.schema.clone(),
            name: name.into(),
        }
    }

    /// Whether the schema is a Go template placeholder (`{{ index .Options
    /// "Namespace" }}.users`), masked as underscores when loading (see
    /// `load::mask_templates`): the schema is chosen when the migrations
    /// run, and has no name here.
    pub fn is_templated(&self) -> bool {
        self.schema
            .as_ref()
            .is_some_and(|schema| schema.len() >= 5 && schema.bytes().all(|b| b == b'_'))
    }

    /// The schema to write, if any: not `public`, not a template placeholder.
    fn written_schema(&self) -> Option<&str> {
        self.schema.as_deref().filter(|_| !self.is_templated())
    }

    /// The name as SQL needs it written: `users`, `auth.users`,
    /// `"Tenant"`, `"user"`. A templated schema is left out.
    pub fn sql(&self) -> String {
        match self.written_schema() {
            Some(schema) => format!("{}.{}", quote(schema), quote(&self.name)),
            None => quote(&self.name),
        }
    }
}

impl fmt::Display for QualifiedName {
    /// `users`, or `auth.users` outside `public`; a templated schema is left
    /// out (findings about the object say it is templated, see
    /// `ObjectRef::table`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.written_schema() {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// An identifier (as PostgreSQL stores it) as SQL needs it written: as it
/// is when it reads back the same unquoted, else in double quotes
/// (`"Tenant"`, `"user"`, `"my-table"`), as PostgreSQL's `quote_ident`
/// does.
pub fn quote(name: &str) -> String {
    if needs_quotes(name) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

/// Identifiers as an SQL list needs them: `a, "B", c`.
pub fn quote_list(names: &[impl AsRef<str>]) -> String {
    names
        .iter()
        .map(|n| quote(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether an identifier must be quoted: anything but lower-case ASCII
/// letters, digits and `_` (not starting with a digit), or a reserved word.
pub fn needs_quotes(name: &str) -> bool {
    let plain = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    !plain || RESERVED.binary_search(&name).is_ok()
}

/// PostgreSQL's keywords that cannot name a table or column unquoted
/// (Appendix C: "reserved", and "reserved (can be function or type)"), in
/// lower case and sorted for `binary_search`.
const RESERVED: [&str; 101] = [
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// The last identifier of an object name, folded.
/// The last part of a name written in configuration, folded as PostgreSQL
/// folds an identifier: `public.Trigger_Set` → `trigger_set`, `"MyFn"` →
/// `MyFn`, `touch()` → `touch`.
pub fn configured_last_part(text: &str) -> Name {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let parsed = sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(text.trim().trim_end_matches("()"))
        .ok()
        .and_then(|mut parser| parser.parse_object_name(false).ok())
        .and_then(|name| last_part(&name));
    parsed.unwrap_or_else(|| text.to_lowercase().into())
}

pub fn last_part(name: &ObjectName) -> Option<Name> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(fold(ident)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_names_fold_like_postgres() {
        assert_eq!(
            configured_last_part("trigger_set_updated_at"),
            "trigger_set_updated_at"
        );
        assert_eq!(
            configured_last_part("Public.Set_Updated_At"),
            "set_updated_at"
        );
        assert_eq!(configured_last_part("\"SetUpdatedAt\""), "SetUpdatedAt");
        assert_eq!(configured_last_part("touch()"), "touch");
    }

    #[test]
    fn folding() {
        assert_eq!(fold(&Ident::new("Users")), "users");
        assert_eq!(fold(&Ident::with_quote('"', "Users")), "Users");
        let public = QualifiedName::new(Some("public"), "users");
        assert_eq!(public, QualifiedName::unqualified("users"));
        assert_eq!(public.to_string(), "users");
        assert_eq!(
            QualifiedName::new(Some("auth"), "users").to_string(),
            "auth.users"
        );
        let templated = QualifiedName::new(Some("_".repeat(32)), "users");
        assert!(templated.is_templated());
        assert_eq!(templated.to_string(), "users");
        assert_eq!(templated.sql(), "users");
    }

    #[test]
    fn quoting() {
        assert!(RESERVED.is_sorted());
        for (name, written) in [
            ("users", "users"),
            ("_private", "_private"),
            ("v2_tasks", "v2_tasks"),
            ("Tenant", "\"Tenant\""),
            (
                "idx_Tenant_controllerPartitionId",
                "\"idx_Tenant_controllerPartitionId\"",
            ),
            ("user", "\"user\""),
            ("order", "\"order\""),
            ("left", "\"left\""),
            ("2fa", "\"2fa\""),
            ("my-table", "\"my-table\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("naïve", "\"naïve\""),
            ("", "\"\""),
        ] {
            assert_eq!(quote(name), written, "{name}");
        }
        let qualified = QualifiedName::new(Some("Auth"), "user");
        assert_eq!(qualified.sql(), "\"Auth\".\"user\"");
    }
}
