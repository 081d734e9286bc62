//! Identifiers as PostgreSQL resolves them: unquoted names fold to lower
//! case, quoted names keep their case, and `public.users` is `users`.

use std::fmt;

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};

/// The name PostgreSQL stores for an identifier.
pub fn fold(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

pub fn fold_all(idents: &[Ident]) -> Vec<String> {
    idents.iter().map(fold).collect()
}

/// A schema-qualified name; `schema` is `None` for `public`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QualifiedName {
    pub schema: Option<String>,
    pub name: String,
}

impl QualifiedName {
    pub fn new(schema: Option<String>, name: impl Into<String>) -> Self {
        let schema = schema.filter(|s| s != "public");
        QualifiedName {
            schema,
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
            [name] => Some(QualifiedName::new(None, fold(name))),
            [schema, name] => Some(QualifiedName::new(Some(fold(schema)), fold(name))),
            // database.schema.name
            [_, schema, name] => Some(QualifiedName::new(Some(fold(schema)), fold(name))),
            _ => None,
        }
    }

    /// The same name in another object's schema (an index lives in its
    /// table's schema).
    pub fn sibling(&self, name: impl Into<String>) -> Self {
        QualifiedName {
            schema: self.schema.clone(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualifiedName {
    /// `users`, or `auth.users` outside `public`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            // A Go template placeholder, masked as underscores when loading
            // (see `load::mask_templates`).
            Some(schema) if schema.len() >= 5 && schema.bytes().all(|b| b == b'_') => {
                write!(f, "{{{{…}}}}.{}", self.name)
            }
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// The last identifier of an object name, folded.
pub fn last_part(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(fold(ident)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold(&Ident::new("Users")), "users");
        assert_eq!(fold(&Ident::with_quote('"', "Users")), "Users");
        let public = QualifiedName::new(Some("public".into()), "users");
        assert_eq!(public, QualifiedName::new(None, "users"));
        assert_eq!(public.to_string(), "users");
        assert_eq!(
            QualifiedName::new(Some("auth".into()), "users").to_string(),
            "auth.users"
        );
        let templated = QualifiedName::new(Some("_".repeat(32)), "users");
        assert_eq!(templated.to_string(), "{{…}}.users");
    }
}
