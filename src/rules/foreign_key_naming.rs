//! `foreign-key-naming`: a foreign-key column is named
//! `…{referenced_table_singular}_id`.

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::{Catalog, ForeignKey, Table};
use crate::rules::Reporter;
use crate::rules::support::naming::{cut_identifier, singular, to_snake_case, words};
use crate::rules::{Context, NoOptions, Rule, RuleDef, RuleId};

pub struct ForeignKeyNaming;

static DEF: RuleDef = RuleDef {
    id: RuleId::ForeignKeyNaming,
    name: "foreign-key-naming",
    default_severity: Some(Severity::Warning),
    summary: "an FK column is named `…{referenced_table_singular}_id` (a prefix such as `parent_` is fine)",
    doc: include_str!("../../rules/foreign-key-naming.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for ForeignKeyNaming {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        ForeignKeyNaming
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            for fk in &table.foreign_keys {
                if let Some(diagnostic) = judge(cx, out, table, fk) {
                    out.push(diagnostic);
                }
            }
        }
    }
}

fn judge(
    cx: &Context<'_>,
    out: &Reporter<'_>,
    table: &Table,
    fk: &ForeignKey,
) -> Option<Diagnostic> {
    // Composite keys: their columns mirror the referenced key's columns and
    // have no `{singular}_id` form.
    let [column_name] = fk.columns.as_slice() else {
        return None;
    };
    let column = table.column(column_name)?;
    // The finding underlines the key's columns or the column's name (see
    // below): nothing to judge when neither is in a reported file.
    if !(out.reports(&fk.columns_origin) || out.reports(&column.name_origin)) {
        return None;
    }
    // A key that is also the table's own primary key (a 1:1 extension
    // table) is named by `primary-key-id`.
    if table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns == fk.columns)
    {
        return None;
    }
    let referenced = referenced_column(cx.catalog, fk)?;
    // `oidc_user.user_id REFERENCES harbor_user (user_id)`: both sides say
    // `user_id`, so `USING (user_id)` joins them, which is what the
    // convention is for.
    if *column_name == referenced && is_id_name(&referenced) {
        return None;
    }
    let target = singular(&to_snake_case(&fk.referenced_table.name));
    let target_words = words(&target);
    let referenced_words = words(&referenced);
    if target_words.is_empty() || referenced_words.is_empty() {
        return None;
    }
    // `REFERENCES users (user_id)`: the referenced column already names
    // the table, or its last words (`REFERENCES partial_state_rooms
    // (room_id)` → `partial_state_room_id`).
    let overlap = (1..=target_words.len())
        .rev()
        .find(|&n| referenced_words.starts_with(&target_words[target_words.len() - n..]))
        .unwrap_or(0);
    let expected: Vec<String> = target_words[..target_words.len() - overlap]
        .iter()
        .chain(&referenced_words)
        .cloned()
        .collect();
    let column_words = words(column_name);
    // The referencing table's own name may be left out:
    // `projects.status_id REFERENCES project_statuses`,
    // `users.account_id REFERENCES user_accounts`.
    let own = words(&table.name.name);
    let own_singular = words(&singular(&to_snake_case(&table.name.name)));
    let with_own: Vec<String> = own_singular.iter().chain(&column_words).cloned().collect();
    // So may leading words both tables' names share, as long as one word
    // of the referenced table is left: `mfa_challenges.factor_id
    // REFERENCES mfa_factors`, but not `things.parent_id REFERENCES things`.
    let shared = shared_leading_words(&own, &target_words).min(target_words.len() - 1);
    let shortened = &expected[shared.min(expected.len() - 1)..];
    if ends_with_words(&column_words, &expected)
        || ends_with_words(&with_own, &expected)
        || ends_with_words(&column_words, shortened)
    {
        return None;
    }

    // The suggestion leaves out the shared leading words too.
    let mut plain = shortened.join("_");
    cut_identifier(&mut plain);
    // Keep the column's role as a prefix: `owner_id` → `owner_user_id`.
    let mut role_words = match column_words.strip_suffix(referenced_words.as_slice()) {
        Some(role) => role.to_vec(),
        None => column_words.clone(),
    };
    // `category` → `categories`, `status_id` → `job_statuses` or
    // `lang_name_id` → `…_lang_names_private` name no role, only words of
    // the table.
    let in_target = |word: &String| target_words.iter().any(|t| singular(t) == singular(word));
    if role_words.iter().all(in_target) {
        role_words.clear();
    }
    let help = if role_words.is_empty() {
        format!(
            "name it `{plain}`: a column named for the table it references reads as the join it is"
        )
    } else {
        let mut with_role = format!("{}_{}", role_words.join("_"), plain);
        cut_identifier(&mut with_role);
        format!(
            "name it `{plain}`, or `{with_role}` to keep its role: a column named for the table it references reads as the join it is"
        )
    };
    // The FK's columns as written, unless the column was renamed after the
    // constraint was written: then the rename gave it its name.
    let origin = if fk.written_column.as_deref() == Some(column_name) {
        &fk.columns_origin
    } else {
        &column.name_origin
    };
    Some(
        Diagnostic::new(
            DEF.id,
            origin,
            format!(
                "foreign key column `{}.{}` references `{}` but is not named `…{plain}`",
                table.name, column_name, fk.referenced_table
            ),
        )
        .help(help)
        .object(ObjectRef::column(&table.name, column_name).with_name(fk.name.clone())),
    )
}

/// The column the key references: the one written, else the referenced
/// table's single-column primary key, else `id` (a table the migration set
/// does not create).
fn referenced_column(catalog: &Catalog, fk: &ForeignKey) -> Option<crate::model::Name> {
    match fk.referenced_columns.as_slice() {
        [one] => Some(one.clone()),
        [] => match catalog
            .tables
            .get(&fk.referenced_table)
            .and_then(|t| t.primary_key.as_ref())
        {
            Some(pk) => match pk.columns.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            },
            None => Some("id".into()),
        },
        _ => None,
    }
}

/// A name that ends with the word `id` after some other word (`user_id`,
/// `"userId"`).
fn is_id_name(name: &str) -> bool {
    let words = words(name);
    words.len() > 1 && words.last().is_some_and(|w| w == "id")
}

/// How many leading words two table names share, comparing singulars
/// (`projects` and `project_statuses` share `project`).
fn shared_leading_words(a: &[String], b: &[String]) -> usize {
    a.iter()
        .zip(b)
        .take_while(|(x, y)| singular(x) == singular(y))
        .count()
}

/// Whether the words of a name end with `expected`, compared without the
/// word breaks (so `user_oauth_id` and `userOAuthId` both end with
/// `user`, `o`, `auth`, `id`), at a word boundary.
fn ends_with_words(name: &[String], expected: &[String]) -> bool {
    let expected: String = expected.concat();
    (0..name.len()).any(|start| name[start..].concat() == expected)
}

/// An identifier as PostgreSQL stores it.
#[cfg(test)]
mod tests {
    use super::*;

    fn w(name: &str) -> Vec<String> {
        words(name)
    }

    #[test]
    fn word_suffixes() {
        assert!(ends_with_words(&w("user_id"), &w("user_id")));
        assert!(ends_with_words(&w("parent_thing_id"), &w("thing_id")));
        assert!(ends_with_words(&w("userOAuthId"), &w("user_o_auth_id")));
        assert!(ends_with_words(&w("user_oauth_id"), &w("user_o_auth_id")));
        assert!(!ends_with_words(&w("owner_id"), &w("user_id")));
        assert!(!ends_with_words(&w("superuser_id"), &w("user_id")));
        assert!(!ends_with_words(&w("author"), &w("user_id")));
    }

    #[test]
    fn shared_words() {
        assert_eq!(
            shared_leading_words(&w("projects"), &w("project_status")),
            1
        );
        assert_eq!(
            shared_leading_words(&w("mfa_challenges"), &w("mfa_factor")),
            1
        );
        assert_eq!(shared_leading_words(&w("users"), &w("account")), 0);
    }
}
