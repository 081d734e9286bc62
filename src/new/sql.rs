//! The SQL of a new migration, following the active configuration: index
//! and unique names from the naming templates, the lookup tables' suffix,
//! the timestamp columns and the `updated_at` trigger function the rules
//! check for.

use crate::config::Settings;
use crate::model::names::quote;
use crate::model::{Catalog, QualifiedName, Table, TypeKind};
use crate::rules::RuleId;
use crate::rules::support::naming::{expand, is_plural_word, plural_of, singular};

/// The conventions the active rules check, from their options (a rule
/// that is switched off contributes its defaults, except the trigger).
#[derive(Debug, Clone)]
pub struct Conventions {
    index_template: String,
    unique_template: String,
    /// `{domain}` + this names a status lookup table.
    lookup_suffix: String,
    /// Which tables are lookup tables: keys to them are `ON DELETE
    /// RESTRICT`, and a new one gets the lookup shape.
    lookups: crate::model::Lookups,
    timestamps: Vec<String>,
    /// The trigger function and the column it keeps current; `None` when
    /// `updated-at-trigger` is off.
    trigger: Option<(String, String)>,
}

impl Conventions {
    /// The columns every table has (`[rules.timestamp-columns] columns`).
    pub fn timestamps(&self) -> &[String] {
        &self.timestamps
    }

    pub fn from_settings(settings: &Settings) -> Conventions {
        let text = |rule: RuleId, key: &str, default: &str| -> String {
            option(settings, rule, key)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| default.to_string())
        };
        let timestamps = option(settings, RuleId::TimestampColumns, "columns")
            .and_then(|v| {
                v.as_array().map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect::<Vec<_>>()
                })
            })
            .unwrap_or_else(|| vec!["created_at".to_string(), "updated_at".to_string()]);
        let lookup_suffix = settings.lookups.suffix.clone();
        let trigger = is_active(settings, RuleId::UpdatedAtTrigger).then(|| {
            let function = text(
                RuleId::UpdatedAtTrigger,
                "function",
                "trigger_set_updated_at",
            );
            let function = function.trim().trim_end_matches("()").to_string();
            (
                function,
                text(RuleId::UpdatedAtTrigger, "column", "updated_at"),
            )
        });
        Conventions {
            index_template: text(RuleId::IndexNaming, "template", "idx_{table}_{columns}"),
            unique_template: text(RuleId::UniqueNaming, "template", "uq_{table}_{columns}"),
            lookups: settings.lookups.clone(),
            lookup_suffix,
            timestamps,
            trigger,
        }
    }

    fn is_lookup(&self, table: &str) -> bool {
        self.lookups.is_lookup(&QualifiedName::unqualified(table))
    }

    /// The word a status column is named by: `_statuses` → `status`.
    fn status_word(&self) -> String {
        singular(self.lookup_suffix.trim_start_matches('_'))
    }
}

/// An option of a rule: as configured when the rule runs, else its
/// default.
pub fn option(settings: &Settings, rule: RuleId, key: &str) -> Option<toml::Value> {
    match settings.active(rule) {
        Some(active) => active.options.get(key).cloned(),
        None => rule.def().default_options().get(key).cloned(),
    }
}

fn is_active(settings: &Settings, rule: RuleId) -> bool {
    settings.active(rule).is_some()
}

/// A migration's SQL: the up statements (each with the comment before
/// it), the down statements, and what proves it deployed (sqitch's
/// `verify/`).
#[derive(Debug, Clone, Default)]
pub struct Migration {
    pub up: Vec<String>,
    pub down: Vec<String>,
    pub verify: Vec<String>,
    /// Tables the migration's SQL needs (sqitch `requires`).
    pub needs: Vec<QualifiedName>,
    /// Things the user should know (a missing trigger function).
    pub notes: Vec<String>,
}

/// What `--table`, `--references` and `--status` ask for.
#[derive(Debug, Clone, Default)]
pub struct TableRequest {
    pub table: String,
    pub references: Vec<String>,
    pub status: Option<String>,
}

/// A foreign-key column of the new table.
#[derive(Debug, Clone)]
struct KeyColumn {
    name: String,
    sql_type: String,
    not_null: bool,
    references: QualifiedName,
    referenced_column: String,
    on_delete: &'static str,
    comment: Option<String>,
}

/// The table a `CREATE TABLE` is written for.
#[derive(Debug, Clone)]
struct TableSpec {
    name: QualifiedName,
    keys: Vec<KeyColumn>,
    /// Columns written as they are (the template's data columns).
    data: Vec<String>,
    lookup: bool,
    /// Unique indexes: their columns.
    unique_indexes: Vec<Vec<String>>,
    /// Explain the SQL in comments (not in the commented template).
    comments: bool,
}

/// `things`, `app.things`: as PostgreSQL would fold the name unquoted, in
/// snake_case.
pub fn table_name(text: &str) -> Result<QualifiedName, String> {
    let parts: Vec<String> = text
        .split('.')
        .map(crate::rules::support::naming::to_snake_case)
        .collect();
    match parts.as_slice() {
        [name] if !name.is_empty() => Ok(QualifiedName::unqualified(name.clone())),
        [schema, name] if !schema.is_empty() && !name.is_empty() => {
            Ok(QualifiedName::new(Some(schema.clone()), name.clone()))
        }
        _ => Err(format!(
            "`{text}` is not a table name (write `table` or `schema.table`)"
        )),
    }
}

/// The `CREATE TABLE` migration for a request, checked against the set's
/// final schema.
pub fn create_table(
    request: &TableRequest,
    catalog: &Catalog,
    conventions: &Conventions,
) -> Result<Migration, String> {
    let name = table_name(&request.table)?;
    if let Some(existing) = catalog.tables.get(&name) {
        return Err(format!(
            "table `{}` already exists in this migration set",
            existing.name
        ));
    }
    let mut keys = Vec::new();
    let mut needs = Vec::new();
    for reference in &request.references {
        let key = reference_column(&name, reference, catalog, conventions)?;
        if !needs.contains(&key.references) && key.references != name {
            needs.push(key.references.clone());
        }
        keys.push(key);
    }
    if let Some(domain) = &request.status {
        let key = status_column(&name, domain, catalog, conventions)?;
        needs.push(key.references.clone());
        keys.push(key);
    }
    if let Some(twice) = keys
        .iter()
        .enumerate()
        .find(|(i, k)| keys[..*i].iter().any(|o| o.name == k.name))
    {
        return Err(format!(
            "two foreign keys would be named `{}`; reference each table once",
            twice.1.name
        ));
    }
    let spec = TableSpec {
        lookup: conventions.is_lookup(&name.name),
        name,
        keys,
        data: Vec::new(),
        unique_indexes: Vec::new(),
        comments: true,
    };
    let mut migration = render(&spec, conventions);
    migration.needs = needs;
    let last_word = spec.name.name.rsplit('_').next().unwrap_or_default();
    if !is_plural_word(last_word) {
        migration.notes.push(format!(
            "table names are plural (`table-naming`): `{}`, not `{}`?",
            plural_table(&spec.name.name),
            spec.name.name
        ));
    }
    if let Some((function, _)) = &conventions.trigger
        && !defines_function(catalog, function)
    {
        migration.notes.push(format!(
            "the set does not create the trigger function `{function}()`; create it in an earlier migration, or the trigger cannot be created"
        ));
    }
    Ok(migration)
}

/// `invoice_line` → `invoice_lines`: the last word in the plural.
fn plural_table(name: &str) -> String {
    match name.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", plural_of(last)),
        None => plural_of(name),
    }
}

/// Whether the set creates the function (compared by its last name part).
fn defines_function(catalog: &Catalog, function: &str) -> bool {
    let last = function
        .rsplit('.')
        .next()
        .unwrap_or(function)
        .to_lowercase();
    catalog.functions.iter().any(|f| f.name == last)
}

/// The table `text` names in the set's final schema: as written, else
/// folded to lower case as PostgreSQL folds unquoted names.
fn find_table<'c>(catalog: &'c Catalog, text: &str) -> Option<&'c Table> {
    let parts: Vec<&str> = text.split('.').collect();
    let name = |fold: bool| {
        let f = |s: &str| {
            if fold {
                s.to_lowercase()
            } else {
                s.to_string()
            }
        };
        match parts.as_slice() {
            [name] => Some(QualifiedName::unqualified(f(name))),
            [schema, name] => Some(QualifiedName::new(Some(f(schema)), f(name))),
            _ => None,
        }
    };
    [false, true]
        .into_iter()
        .filter_map(name)
        .find_map(|n| catalog.tables.get(&n).map(Box::as_ref))
}

fn reference_column(
    table: &QualifiedName,
    reference: &str,
    catalog: &Catalog,
    conventions: &Conventions,
) -> Result<KeyColumn, String> {
    let own = table_name(reference).is_ok_and(|r| r == *table);
    if own {
        // The PRD template's optional link to a row of the same table.
        return Ok(KeyColumn {
            name: format!("parent_{}_id", singular(&table.name)),
            sql_type: "BIGINT".to_string(),
            not_null: false,
            references: table.clone(),
            referenced_column: "id".to_string(),
            on_delete: "SET NULL",
            comment: Some("-- Optional link to another row of this table.".to_string()),
        });
    }
    let Some(target) = find_table(catalog, reference) else {
        return Err(format!(
            "`--references {reference}`: the migration set creates no table `{reference}`"
        ));
    };
    let (column, sql_type) = primary_key(target)?;
    let single = singular(&target.name.name);
    let name = if column == "id" {
        format!("{single}_id")
    } else if column.ends_with("_id") {
        column.clone()
    } else {
        format!("{single}_{column}")
    };
    let lookup = conventions.is_lookup(&target.name.name);
    Ok(KeyColumn {
        name,
        sql_type,
        not_null: true,
        references: target.name.clone(),
        referenced_column: column,
        on_delete: if lookup { "RESTRICT" } else { "CASCADE" },
        comment: (!lookup).then(|| {
            format!(
                "-- ON DELETE CASCADE: {table} go with their {single}; RESTRICT would refuse\n    -- to delete a {single} that has {table}.",
                table = table.name
            )
        }),
    })
}

/// The status column for `--status DOMAIN`: `status_id` when the domain
/// is the table's own (`orders` → `order_statuses`), else
/// `{domain}_status_id`, as `foreign-key-naming` reads them.
fn status_column(
    table: &QualifiedName,
    domain: &str,
    catalog: &Catalog,
    conventions: &Conventions,
) -> Result<KeyColumn, String> {
    let domain = crate::rules::support::naming::to_snake_case(domain);
    let lookup_name = table.sibling(format!("{domain}{}", conventions.lookup_suffix));
    let Some(lookup) = catalog
        .tables
        .get(&lookup_name)
        .map(Box::as_ref)
        .or_else(|| find_table(catalog, &lookup_name.name))
    else {
        return Err(format!(
            "`--status {domain}`: the migration set creates no lookup table `{lookup_name}`; create it first: `schema-lint new create_{} --table {lookup_name}`",
            lookup_name.name
        ));
    };
    let (column, sql_type) = primary_key(lookup)?;
    let word = conventions.status_word();
    let name = if singular(&table.name) == domain {
        format!("{word}_id")
    } else {
        format!("{domain}_{word}_id")
    };
    Ok(KeyColumn {
        name,
        sql_type,
        not_null: true,
        references: lookup.name.clone(),
        referenced_column: column,
        on_delete: "RESTRICT",
        comment: None,
    })
}

/// The referenced table's single-column primary key and the type a key
/// to it has.
fn primary_key(table: &Table) -> Result<(String, String), String> {
    let columns = table
        .primary_key
        .as_ref()
        .map(|pk| pk.columns.as_slice())
        .unwrap_or_default();
    let [column] = columns else {
        return Err(format!(
            "table `{}` has no single-column primary key to reference",
            table.name
        ));
    };
    let sql_type = match table.column(column).map(|c| c.kind()) {
        Some(TypeKind::BigInt | TypeKind::BigSerial) | None => "BIGINT".to_string(),
        Some(TypeKind::Integer | TypeKind::Serial) => "INTEGER".to_string(),
        Some(TypeKind::SmallInt | TypeKind::SmallSerial) => "SMALLINT".to_string(),
        Some(_) => table
            .column(column)
            .map(|c| c.type_sql().to_string())
            .unwrap_or_default(),
    };
    Ok((column.to_string(), sql_type))
}

/// The commented template of a new table, for a migration without
/// `--table`: the PRD's template, with this project's names.
pub fn template(conventions: &Conventions) -> Migration {
    let things = QualifiedName::unqualified("things");
    let key = |name: &str, table: &str, not_null: bool, on_delete: &'static str| KeyColumn {
        name: name.to_string(),
        sql_type: "BIGINT".to_string(),
        not_null,
        references: QualifiedName::unqualified(table),
        referenced_column: "id".to_string(),
        on_delete,
        comment: None,
    };
    let status_table = format!("thing{}", conventions.lookup_suffix);
    let spec = TableSpec {
        name: things,
        keys: vec![
            key("project_id", "projects", true, "CASCADE"),
            key("parent_thing_id", "things", false, "SET NULL"),
            key(
                &format!("{}_id", conventions.status_word()),
                &status_table,
                true,
                "RESTRICT",
            ),
        ],
        data: vec![
            "name TEXT NOT NULL".to_string(),
            "is_active BOOLEAN NOT NULL DEFAULT true".to_string(),
        ],
        lookup: false,
        unique_indexes: vec![vec!["project_id".to_string(), "name".to_string()]],
        comments: false,
    };
    let table_sql = render(&spec, conventions).up.join("\n\n");
    let mut text = String::from(
        "-- Write this migration's SQL here. A new table follows the conventions\n\
         -- this project's schema-lint checks: BIGINT keys, every foreign key\n\
         -- indexed with explicit ON DELETE and ON UPDATE (CASCADE for owned rows,\n\
         -- SET NULL for optional links, RESTRICT for lookups), statuses in lookup\n\
         -- tables, TEXT and TIMESTAMPTZ, timestamps and their trigger:\n--\n",
    );
    for line in table_sql.lines() {
        text.push_str(format!("-- {line}").trim_end());
        text.push('\n');
    }
    text.push_str(
        "--\n-- `schema-lint new <name> --table <table> --references <table>,... --status <domain>`\n\
         -- writes such a table.",
    );
    Migration {
        up: vec![text],
        ..Migration::default()
    }
}

/// The template of `schema-lint conventions`: a lookup table and a table
/// that references it (RESTRICT) and itself (an optional link, SET
/// NULL), complete, so that it lints clean on its own.
pub fn conventions_template(conventions: &Conventions) -> Vec<String> {
    let status_table = QualifiedName::unqualified(format!("thing{}", conventions.lookup_suffix));
    let lookup = TableSpec {
        name: status_table.clone(),
        keys: Vec::new(),
        data: Vec::new(),
        lookup: true,
        unique_indexes: Vec::new(),
        comments: false,
    };
    let key = |name: String, references: &QualifiedName, not_null, on_delete| KeyColumn {
        name,
        sql_type: "BIGINT".to_string(),
        not_null,
        references: references.clone(),
        referenced_column: "id".to_string(),
        on_delete,
        comment: None,
    };
    let things = QualifiedName::unqualified("things");
    let table = TableSpec {
        keys: vec![
            key(
                format!("{}_id", conventions.status_word()),
                &status_table,
                true,
                "RESTRICT",
            ),
            key("parent_thing_id".to_string(), &things, false, "SET NULL"),
        ],
        name: things,
        data: vec![
            "name TEXT NOT NULL".to_string(),
            "description TEXT".to_string(),
            "is_active BOOLEAN NOT NULL DEFAULT true".to_string(),
        ],
        lookup: false,
        unique_indexes: vec![vec!["name".to_string()]],
        comments: false,
    };
    let mut up = render(&lookup, conventions).up;
    up.extend(render(&table, conventions).up);
    up
}

/// The trigger function that keeps the `updated_at` column current, when
/// `updated-at-trigger` is on.
pub fn trigger_function(conventions: &Conventions) -> Option<String> {
    let (function, column) = conventions.trigger.as_ref()?;
    Some(format!(
        "CREATE OR REPLACE FUNCTION {function}()\nRETURNS TRIGGER AS $$\nBEGIN\n    NEW.{} = now();\n    RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;",
        quote(column)
    ))
}

/// The statements that create a table, and the down statement.
fn render(spec: &TableSpec, conventions: &Conventions) -> Migration {
    let table = &spec.name;
    let mut lines = vec!["id BIGSERIAL PRIMARY KEY".to_string()];
    for key in &spec.keys {
        if let Some(comment) = key.comment.as_ref().filter(|_| spec.comments) {
            lines.push(comment.clone());
        }
        lines.push(format!(
            "{} {}{} REFERENCES {} ({}) ON DELETE {} ON UPDATE CASCADE",
            quote(&key.name),
            key.sql_type,
            if key.not_null { " NOT NULL" } else { "" },
            key.references.sql(),
            quote(&key.referenced_column),
            key.on_delete
        ));
    }
    if spec.lookup {
        lines.push("name TEXT NOT NULL".to_string());
        lines.push("description TEXT".to_string());
    } else if spec.data.is_empty() {
        lines.push(
            "-- Data columns: TEXT (not VARCHAR), TIMESTAMPTZ, BOOLEAN NOT NULL DEFAULT … for flags."
                .to_string(),
        );
    } else {
        lines.extend(spec.data.iter().cloned());
    }
    for column in &conventions.timestamps {
        lines.push(format!(
            "{} TIMESTAMPTZ NOT NULL DEFAULT now()",
            quote(column)
        ));
    }
    if spec.lookup {
        let columns = vec!["name".to_string()];
        lines.push(format!(
            "CONSTRAINT {} UNIQUE (name)",
            quote(&expand(&conventions.unique_template, &table.name, &columns))
        ));
    }
    let mut up = vec![create_table_sql(table, &lines)];
    let indexes: Vec<String> = spec
        .keys
        .iter()
        .map(|key| {
            index_sql(
                &conventions.index_template,
                "",
                table,
                std::slice::from_ref(&key.name),
            )
        })
        .chain(
            spec.unique_indexes
                .iter()
                .map(|columns| index_sql(&conventions.unique_template, "UNIQUE ", table, columns)),
        )
        .collect();
    if !indexes.is_empty() {
        let comment = if spec.comments {
            "-- Every foreign key has an index: PostgreSQL does not create one.\n"
        } else {
            ""
        };
        up.push(format!("{comment}{}", indexes.join("\n")));
    }
    if let Some((function, column)) = &conventions.trigger
        && conventions.timestamps.contains(column)
    {
        up.push(format!(
            "CREATE TRIGGER set_updated_at BEFORE UPDATE ON {}\n    FOR EACH ROW EXECUTE FUNCTION {function}();",
            table.sql()
        ));
    }
    let mut verify_columns = vec!["id".to_string()];
    verify_columns.extend(spec.keys.iter().map(|k| quote(&k.name)));
    verify_columns.extend(conventions.timestamps.iter().map(|c| quote(c)));
    Migration {
        up,
        down: vec![format!("DROP TABLE {};", table.sql())],
        verify: vec![format!(
            "SELECT {} FROM {} WHERE FALSE;",
            verify_columns.join(", "),
            table.sql()
        )],
        ..Migration::default()
    }
}

fn create_table_sql(table: &QualifiedName, lines: &[String]) -> String {
    let mut sql = format!("CREATE TABLE {} (\n", table.sql());
    // Commas after columns, not after comments, and none after the last.
    let last_column = lines.iter().rposition(|l| !l.starts_with("--"));
    for (index, line) in lines.iter().enumerate() {
        let comma = if !line.starts_with("--") && Some(index) != last_column {
            ","
        } else {
            ""
        };
        sql.push_str(&format!("    {line}{comma}\n"));
    }
    sql.push_str(");");
    sql
}

fn index_sql(template: &str, unique: &str, table: &QualifiedName, columns: &[String]) -> String {
    let name = expand(template, &table.name, columns);
    let list: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    format!(
        "CREATE {unique}INDEX {} ON {} ({});",
        quote(&name),
        table.sql(),
        list.join(", ")
    )
}
