//! The small closed vocabularies of the model: what a foreign key does on
//! delete or update, how an index is stored, when a trigger fires and on
//! what. The model reads them from `sqlparser` once (`model::read`); rules,
//! the schema documents and `fix` match on these enums and never on parser
//! types.

use std::fmt;

use sqlparser::ast::{ReferentialAction, TriggerPeriod};

/// `ON DELETE` / `ON UPDATE` of a foreign key. A key without the clause
/// holds `None` (PostgreSQL then applies `NO ACTION`): the rules tell a
/// written `NO ACTION` from a missing one.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn of(action: ReferentialAction) -> FkAction {
        match action {
            ReferentialAction::NoAction => FkAction::NoAction,
            ReferentialAction::Restrict => FkAction::Restrict,
            ReferentialAction::Cascade => FkAction::Cascade,
            ReferentialAction::SetNull => FkAction::SetNull,
            ReferentialAction::SetDefault => FkAction::SetDefault,
        }
    }

    /// As written in SQL: `NO ACTION`, `SET NULL`, ….
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }

    /// The clause's action, `NO ACTION` when none is written.
    pub fn sql_or_default(action: Option<FkAction>) -> &'static str {
        action.unwrap_or(FkAction::NoAction).sql()
    }
}

impl fmt::Display for FkAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql())
    }
}

/// An index's access method (`USING gin`); btree when none is written.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub enum IndexMethod {
    #[default]
    Btree,
    Hash,
    Gist,
    SpGist,
    Gin,
    Brin,
    /// An extension's method (`hnsw`, `ivfflat`, `bloom`), lowercase.
    Other(String),
}

impl IndexMethod {
    /// The method named in `USING name`, in any case.
    pub fn named(name: &str) -> IndexMethod {
        match name.to_lowercase().as_str() {
            "btree" => IndexMethod::Btree,
            "hash" => IndexMethod::Hash,
            "gist" => IndexMethod::Gist,
            "spgist" => IndexMethod::SpGist,
            "gin" => IndexMethod::Gin,
            "brin" => IndexMethod::Brin,
            other => IndexMethod::Other(other.to_string()),
        }
    }

    /// The name PostgreSQL uses (`pg_am.amname`).
    pub fn name(&self) -> &str {
        match self {
            IndexMethod::Btree => "btree",
            IndexMethod::Hash => "hash",
            IndexMethod::Gist => "gist",
            IndexMethod::SpGist => "spgist",
            IndexMethod::Gin => "gin",
            IndexMethod::Brin => "brin",
            IndexMethod::Other(name) => name,
        }
    }
}

/// When a trigger fires.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerTiming {
    Before,
    After,
    InsteadOf,
}

impl TriggerTiming {
    /// `FOR` (SQL Server's spelling of `AFTER`) is not PostgreSQL.
    pub fn of(period: TriggerPeriod) -> Option<TriggerTiming> {
        match period {
            TriggerPeriod::Before => Some(TriggerTiming::Before),
            TriggerPeriod::After => Some(TriggerTiming::After),
            TriggerPeriod::InsteadOf => Some(TriggerTiming::InsteadOf),
            TriggerPeriod::For => None,
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
            TriggerTiming::InsteadOf => "INSTEAD OF",
        }
    }
}

impl fmt::Display for TriggerTiming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql())
    }
}

/// What a trigger fires on. Ordered by name, as listed in documents.
#[derive(
    serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord,
)]
pub enum TriggerEvent {
    Delete,
    Insert,
    Truncate,
    Update,
}

impl TriggerEvent {
    pub fn of(event: &sqlparser::ast::TriggerEvent) -> TriggerEvent {
        use sqlparser::ast::TriggerEvent as E;
        match event {
            E::Insert => TriggerEvent::Insert,
            E::Update(_) => TriggerEvent::Update,
            E::Delete => TriggerEvent::Delete,
            E::Truncate => TriggerEvent::Truncate,
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            TriggerEvent::Delete => "DELETE",
            TriggerEvent::Insert => "INSERT",
            TriggerEvent::Truncate => "TRUNCATE",
            TriggerEvent::Update => "UPDATE",
        }
    }

    /// `INSERT OR UPDATE`, in the order given.
    pub fn join(events: &[TriggerEvent]) -> String {
        let words: Vec<&str> = events.iter().map(|e| e.sql()).collect();
        words.join(" OR ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_keep_their_catalog_names() {
        for name in ["btree", "hash", "gist", "spgist", "gin", "brin", "hnsw"] {
            assert_eq!(IndexMethod::named(&name.to_uppercase()).name(), name);
        }
    }
}
