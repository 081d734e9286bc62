//! Reading a live catalog: `pg_catalog` queries, and the DDL they amount
//! to.
//!
//! The catalog is written out as the DDL that would create it (tables in
//! dependency order with their columns, keys, foreign keys and checks,
//! then indexes, triggers, comments), with PostgreSQL's own `format_type`,
//! `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef` and
//! `pg_get_triggerdef` spelling each part. That text is then read and
//! replayed like a migration (see `db::live`), so the database ends up in
//! the very `Catalog` the migrations replay into, and every `Origin` of it
//! points into that text: rules quote types and names from it as they
//! quote a migration.
//!
//! Names PostgreSQL generated (`users_pkey`, `users_email_key`,
//! `carts_user_id_fkey`, `t_a_idx`) are left out of the DDL, as the
//! migration that did not name them left them out: an unnamed constraint
//! in the migrations and its generated name in the database are the same
//! thing to the rules. A single-column key, foreign key or check with a
//! generated name is written on its column, as migrations usually write
//! it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use postgres::Client;
use postgres::types::ToSql;

use crate::model::names::quote;

/// What to read.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Schemas to read; empty: every schema but the system ones.
    pub schemas: Vec<String>,
    /// Tables to skip: `name` (any schema), `schema.name`, `schema.*`.
    pub skip: Vec<String>,
}

/// Migration tools' bookkeeping tables, skipped by default.
pub const BOOKKEEPING: [&str; 8] = [
    "_sqlx_migrations",
    "__diesel_schema_migrations",
    "schema_migrations",
    "goose_db_version",
    "flyway_schema_history",
    "atlas_schema_revisions",
    "_prisma_migrations",
    "sqitch.*",
];

/// Schemas never read.
pub const SYSTEM_SCHEMAS: [&str; 3] = ["pg_catalog", "information_schema", "pg_toast"];

impl Scope {
    fn skips(&self, schema: &str, table: &str) -> bool {
        self.skip
            .iter()
            .any(|pattern| match pattern.split_once('.') {
                Some((s, "*")) => s == schema,
                Some((s, t)) => s == schema && t == table,
                None => pattern == table,
            })
    }
}

/// The catalog as DDL text, with the object each part defines.
#[derive(Debug, Clone, Default)]
pub struct Ddl {
    pub text: String,
    /// Byte ranges of the text and the object they define
    /// (`schema.table`, `schema.table.column`, `schema.index`), outer
    /// objects before the inner ones they hold.
    pub objects: Vec<(Range<usize>, String)>,
    /// Statements by the table they belong to (for writing a table again
    /// more plainly when its full definition cannot be read back).
    pub tables: Vec<(Range<usize>, i64)>,
    /// Tables read (after skipping).
    pub table_count: usize,
    /// The database's name and the server's version.
    pub database: String,
    pub server_version: String,
}

impl Ddl {
    /// The innermost object whose text holds `offset`.
    pub fn object_at(&self, offset: usize) -> Option<&str> {
        self.objects
            .iter()
            .filter(|(range, _)| range.start <= offset && offset < range.end.max(range.start + 1))
            .min_by_key(|(range, _)| range.end - range.start)
            .map(|(_, name)| name.as_str())
    }
}

struct Table {
    oid: i64,
    schema: String,
    name: String,
    partition_key: Option<String>,
    comment: Option<String>,
    columns: Vec<Column>,
    constraints: Vec<Constraint>,
}

struct Column {
    name: String,
    /// `format_type`.
    kind: String,
    not_null: bool,
    default: Option<String>,
    /// `a` (always), `d` (by default), empty.
    identity: String,
    /// `s` (stored), `v` (virtual), empty.
    generated: String,
    /// The type of the sequence this column owns and is fed by: a serial.
    serial_of: Option<String>,
    comment: Option<String>,
}

struct Constraint {
    name: String,
    /// `p`, `u`, `f`, `c`.
    kind: String,
    definition: String,
    columns: Vec<String>,
}

struct Index {
    table: i64,
    name: String,
    definition: String,
    /// Every column, INCLUDE ones too, an expression as `expr`: what
    /// PostgreSQL names an unnamed index after.
    columns: Vec<String>,
}

struct Trigger {
    table: i64,
    definition: String,
    name: String,
}

/// Everything read, before it is written out.
pub struct Live {
    database: String,
    server_version: String,
    extensions: Vec<String>,
    enums: Vec<(String, String, Vec<String>)>,
    tables: Vec<Table>,
    indexes: Vec<Index>,
    triggers: Vec<Trigger>,
    sequences: Vec<Sequence>,
}

/// A sequence no column owns as its serial or identity: schema, name,
/// type, and the column that owns it (`OWNED BY`): schema, table, column.
type Sequence = (String, String, String, Option<(String, String, String)>);

type Row = postgres::Row;

fn text(row: &Row, index: usize) -> Result<String, String> {
    row.try_get::<_, String>(index)
        .map_err(|e| format!("unexpected catalog data: {e}"))
}

fn optional(row: &Row, index: usize) -> Result<Option<String>, String> {
    row.try_get::<_, Option<String>>(index)
        .map_err(|e| format!("unexpected catalog data: {e}"))
}

fn list(row: &Row, index: usize) -> Result<Vec<String>, String> {
    Ok(row
        .try_get::<_, Option<Vec<Option<String>>>>(index)
        .map_err(|e| format!("unexpected catalog data: {e}"))?
        .unwrap_or_default()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect())
}

fn number(row: &Row, index: usize) -> Result<i64, String> {
    row.try_get::<_, i64>(index)
        .map_err(|e| format!("unexpected catalog data: {e}"))
}

fn flag(row: &Row, index: usize) -> Result<bool, String> {
    row.try_get::<_, bool>(index)
        .map_err(|e| format!("unexpected catalog data: {e}"))
}

fn query(
    client: &mut Client,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>, String> {
    client
        .query(sql, params)
        .map_err(|e| format!("reading the catalog failed: {}", super::connect::cause(&e)))
}

/// Not a member of an extension (PostGIS' `spatial_ref_sys` is not the
/// user's table).
const NOT_FROM_EXTENSION: &str = "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = $CLASS::regclass \
     AND e.objid = $OID AND e.deptype = 'e')";

fn not_from_extension(class: &str, oid: &str) -> String {
    NOT_FROM_EXTENSION
        .replace("$CLASS", &format!("'{class}'"))
        .replace("$OID", oid)
}

/// Reads the catalog, in one read-only snapshot.
pub fn read(client: &mut Client, scope: &Scope) -> Result<Live, String> {
    let run = |client: &mut Client| -> Result<Live, String> {
        let about = query(
            client,
            "SELECT current_database()::text, current_setting('server_version')",
            &[],
        )?;
        let (database, server_version) = match about.first() {
            Some(row) => (text(row, 0)?, text(row, 1)?),
            None => (String::new(), String::new()),
        };
        let schemas = schemas(client, scope)?;
        let extensions = query(
            client,
            "SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1",
            &[],
        )?
        .iter()
        .map(|row| text(row, 0))
        .collect::<Result<Vec<_>, _>>()?;
        let enums = query(
            client,
            &format!(
                "SELECT n.nspname::text, t.typname::text, \
                   array_agg(e.enumlabel::text ORDER BY e.enumsortorder) \
                 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
                 JOIN pg_enum e ON e.enumtypid = t.oid \
                 WHERE n.nspname = ANY($1) AND {} \
                 GROUP BY 1, 2 ORDER BY 1, 2",
                not_from_extension("pg_type", "t.oid")
            ),
            &[&schemas],
        )?
        .iter()
        .map(|row| Ok((text(row, 0)?, text(row, 1)?, list(row, 2)?)))
        .collect::<Result<Vec<_>, String>>()?;
        let mut tables = Vec::new();
        for row in query(
            client,
            &format!(
                "SELECT c.oid::int8, n.nspname::text, c.relname::text, \
                   CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, \
                   obj_description(c.oid, 'pg_class') \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition \
                   AND n.nspname = ANY($1) AND {} \
                 ORDER BY 2, 3",
                not_from_extension("pg_class", "c.oid")
            ),
            &[&schemas],
        )? {
            let schema = text(&row, 1)?;
            let name = text(&row, 2)?;
            if scope.skips(&schema, &name) {
                continue;
            }
            tables.push(Table {
                oid: number(&row, 0)?,
                schema,
                name,
                partition_key: optional(&row, 3)?,
                comment: optional(&row, 4)?,
                columns: Vec::new(),
                constraints: Vec::new(),
            });
        }
        let oids: Vec<i64> = tables.iter().map(|t| t.oid).collect();
        let position: BTreeMap<i64, usize> =
            oids.iter().enumerate().map(|(i, &oid)| (oid, i)).collect();
        for row in query(
            client,
            "SELECT a.attrelid::int8, a.attname::text, format_type(a.atttypid, a.atttypmod), \
               a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, \
               a.attgenerated::text, col_description(a.attrelid, a.attnum), \
               (SELECT format_type(s.seqtypid, NULL) FROM pg_depend dep \
                  JOIN pg_sequence s ON s.seqrelid = dep.objid \
                  WHERE dep.classid = 'pg_class'::regclass AND dep.refobjid = a.attrelid \
                    AND dep.refobjsubid = a.attnum AND dep.deptype = 'a' \
                    AND s.seqtypid = a.atttypid \
                    AND pg_get_expr(d.adbin, d.adrelid) = \
                        'nextval(''' || dep.objid::regclass::text || '''::regclass)' \
                  LIMIT 1) \
             FROM pg_attribute a LEFT JOIN pg_attrdef d \
               ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE a.attrelid = ANY($1::int8[]::oid[]) AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY a.attrelid, a.attnum",
            &[&oids],
        )? {
            let Some(&at) = position.get(&number(&row, 0)?) else {
                continue;
            };
            tables[at].columns.push(Column {
                name: text(&row, 1)?,
                kind: text(&row, 2)?,
                not_null: flag(&row, 3)?,
                default: optional(&row, 4)?,
                identity: text(&row, 5)?,
                generated: text(&row, 6)?,
                comment: optional(&row, 7)?,
                serial_of: optional(&row, 8)?,
            });
        }
        for row in query(
            client,
            "SELECT k.conrelid::int8, k.conname::text, k.contype::text, \
               pg_get_constraintdef(k.oid), \
               ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o) \
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) \
             FROM pg_constraint k \
             WHERE k.conrelid = ANY($1::int8[]::oid[]) AND k.contype IN ('p', 'u', 'f', 'c') \
             ORDER BY k.conrelid, position(k.contype::text in 'pufc'), k.conname",
            &[&oids],
        )? {
            let Some(&at) = position.get(&number(&row, 0)?) else {
                continue;
            };
            tables[at].constraints.push(Constraint {
                name: text(&row, 1)?,
                kind: text(&row, 2)?,
                definition: text(&row, 3)?,
                columns: list(&row, 4)?,
            });
        }
        let indexes = query(
            client,
            "SELECT x.indrelid::int8, ic.relname::text, pg_get_indexdef(x.indexrelid), \
               ARRAY(SELECT coalesce(a.attname::text, 'expr') \
                 FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, o) \
                 LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n \
                 ORDER BY u.o) \
             FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid \
             WHERE x.indrelid = ANY($1::int8[]::oid[]) \
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid \
                 AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')) \
             ORDER BY ic.relname",
            &[&oids],
        )?
        .iter()
        .map(|row| {
            Ok(Index {
                table: number(row, 0)?,
                name: text(row, 1)?,
                definition: text(row, 2)?,
                columns: list(row, 3)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
        let triggers = query(
            client,
            "SELECT t.tgrelid::int8, t.tgname::text, pg_get_triggerdef(t.oid) FROM pg_trigger t \
             WHERE t.tgrelid = ANY($1::int8[]::oid[]) AND NOT t.tgisinternal \
             ORDER BY t.tgrelid, t.tgname",
            &[&oids],
        )?
        .iter()
        .map(|row| {
            Ok(Trigger {
                table: number(row, 0)?,
                name: text(row, 1)?,
                definition: text(row, 2)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
        // Sequences that are neither identity nor serial columns'.
        let sequences = query(
            client,
            &format!(
                "SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL), \
                   (SELECT ARRAY[tn.nspname::text, t.relname::text, a.attname::text] \
                      FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid \
                      JOIN pg_namespace tn ON tn.oid = t.relnamespace \
                      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid \
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                        AND d.deptype = 'a' LIMIT 1) \
                 FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = ANY($1) AND {} \
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                     AND d.objid = c.oid AND d.deptype = 'i') \
                 ORDER BY 1, 2",
                not_from_extension("pg_class", "c.oid")
            ),
            &[&schemas],
        )?
        .iter()
        .map(|row| {
            let owner = list(row, 3)?;
            let owner = match owner.as_slice() {
                [s, t, c] => Some((s.clone(), t.clone(), c.clone())),
                _ => None,
            };
            Ok((text(row, 0)?, text(row, 1)?, text(row, 2)?, owner))
        })
        .collect::<Result<Vec<_>, String>>()?;
        Ok(Live {
            database,
            server_version,
            extensions,
            enums,
            tables,
            indexes,
            triggers,
            sequences,
        })
    };
    client
        .batch_execute("START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .map_err(|e| format!("reading the catalog failed: {}", super::connect::cause(&e)))?;
    let live = run(client);
    // Nothing was written; the transaction only held the snapshot.
    let _ = client.batch_execute("ROLLBACK");
    live
}

fn schemas(client: &mut Client, scope: &Scope) -> Result<Vec<String>, String> {
    let system: Vec<String> = SYSTEM_SCHEMAS.iter().map(|s| s.to_string()).collect();
    let rows = query(
        client,
        "SELECT nspname::text FROM pg_namespace \
         WHERE NOT nspname = ANY($1) AND nspname NOT LIKE 'pg\\_temp\\_%' \
           AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%' ORDER BY 1",
        &[&system],
    )?;
    let all = rows
        .iter()
        .map(|row| text(row, 0))
        .collect::<Result<Vec<_>, _>>()?;
    if scope.schemas.is_empty() {
        return Ok(all);
    }
    Ok(all
        .into_iter()
        .filter(|s| scope.schemas.contains(s))
        .collect())
}

/// PostgreSQL's `makeObjectName`: `name1_name2_label`, the longer of the
/// two names shortened until it fits in 63 bytes.
pub fn generated_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let mut overhead = label.len() + 1;
    if name2.is_some() {
        overhead += 1;
    }
    let available = 63usize.saturating_sub(overhead);
    let mut first = name1.len();
    let mut second = name2.map_or(0, str::len);
    while first + second > available {
        if first > second {
            first -= 1;
        } else {
            second -= 1;
        }
    }
    let clip = |name: &str, mut len: usize| {
        while !name.is_char_boundary(len) {
            len -= 1;
        }
        name[..len].to_string()
    };
    let mut out = clip(name1, first);
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(&clip(name2, second));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// Index column names made unique as PostgreSQL's
/// `ChooseIndexColumnNames` does: a repeated name gets `1`, `2`, … (`expr`,
/// `expr1`).
fn unique_names(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let mut candidate = name.clone();
        let mut counter = 1;
        while out.contains(&candidate) {
            candidate = format!("{name}{counter}");
            counter += 1;
        }
        out.push(candidate);
    }
    out
}

/// The name PostgreSQL gives a constraint of `kind` on `columns` when the
/// DDL names none.
fn default_constraint_name(table: &str, kind: &str, columns: &[String]) -> String {
    let joined = columns.join("_");
    match kind {
        "p" => generated_name(table, None, "pkey"),
        "u" => generated_name(table, Some(&joined), "key"),
        "f" => generated_name(table, Some(&joined), "fkey"),
        _ => match columns {
            [only] => generated_name(table, Some(only), "check"),
            _ => generated_name(table, None, "check"),
        },
    }
}

/// A string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote(schema), quote(name))
}

/// Text being written, with the objects its parts define.
#[derive(Default)]
struct Writer {
    ddl: Ddl,
}

impl Writer {
    fn object(&mut self, start: usize, name: String) {
        let end = self.ddl.text.len();
        self.ddl.objects.push((start..end, name));
    }

    fn statement(&mut self, object: String, sql: &str) {
        let start = self.ddl.text.len();
        self.ddl.text.push_str(sql);
        self.ddl.text.push_str(";\n");
        self.ddl.objects.push((start..start + sql.len(), object));
    }
}

impl Live {
    /// The DDL of everything read. Tables in `plain` are written without
    /// defaults, checks and generation expressions (see `db::live`).
    pub fn ddl(&self, plain: &BTreeSet<i64>) -> Ddl {
        let mut w = Writer::default();
        w.ddl.database = self.database.clone();
        w.ddl.server_version = self.server_version.clone();
        w.ddl.table_count = self.tables.len();
        for extension in &self.extensions {
            w.statement(
                format!("extension {extension}"),
                &format!("CREATE EXTENSION IF NOT EXISTS {}", quote(extension)),
            );
        }
        for (schema, name, labels) in &self.enums {
            let labels: Vec<String> = labels.iter().map(|l| literal(l)).collect();
            w.statement(
                format!("{schema}.{name}"),
                &format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    qualified(schema, name),
                    labels.join(", ")
                ),
            );
        }
        let names: BTreeMap<i64, &Table> = self.tables.iter().map(|t| (t.oid, t)).collect();
        for table in dependency_order(&self.tables) {
            let start = w.ddl.text.len();
            self.write_table(&mut w, table, plain.contains(&table.oid));
            w.ddl.tables.push((start..w.ddl.text.len(), table.oid));
        }
        for (schema, name, kind, owner) in &self.sequences {
            let owned = match owner {
                Some((s, t, c)) => format!(" OWNED BY {}.{}", qualified(s, t), quote(c)),
                None => String::new(),
            };
            w.statement(
                format!("{schema}.{name}"),
                &format!(
                    "CREATE SEQUENCE {} AS {kind}{owned}",
                    qualified(schema, name)
                ),
            );
        }
        for index in &self.indexes {
            let Some(table) = names.get(&index.table) else {
                continue;
            };
            let generated = generated_name(
                &table.name,
                Some(&unique_names(&index.columns).join("_")),
                "idx",
            );
            let mut definition = index.definition.clone();
            if index.name == generated {
                // `CREATE [UNIQUE] INDEX name ON` → `CREATE [UNIQUE] INDEX ON`.
                let named = format!("INDEX {} ON ", quote(&index.name));
                definition = definition.replacen(&named, "INDEX ON ", 1);
            }
            w.statement(
                format!("{}.{}.{}", table.schema, table.name, index.name),
                &definition,
            );
        }
        for trigger in &self.triggers {
            let Some(table) = names.get(&trigger.table) else {
                continue;
            };
            w.statement(
                format!("{}.{}.{}", table.schema, table.name, trigger.name),
                &trigger.definition,
            );
        }
        w.ddl
    }

    fn write_table(&self, w: &mut Writer, table: &Table, plain: bool) {
        let path = format!("{}.{}", table.schema, table.name);
        let start = w.ddl.text.len();
        w.ddl.text.push_str(&format!(
            "CREATE TABLE {} (",
            qualified(&table.schema, &table.name)
        ));
        // Constraints written on their column, and those after the columns.
        let mut inline: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut after = Vec::new();
        for constraint in &table.constraints {
            if plain && constraint.kind == "c" {
                continue;
            }
            let generated =
                default_constraint_name(&table.name, &constraint.kind, &constraint.columns);
            let unnamed = constraint.name == generated;
            match (unnamed, constraint.columns.as_slice()) {
                (true, [column]) => {
                    let clause = match constraint.kind.as_str() {
                        "p" => "PRIMARY KEY".to_string(),
                        "u" => "UNIQUE".to_string(),
                        "f" => match constraint.definition.find("REFERENCES") {
                            Some(at) => constraint.definition[at..].to_string(),
                            None => continue,
                        },
                        _ => constraint.definition.clone(),
                    };
                    inline.entry(column.as_str()).or_default().push(clause);
                }
                (true, _) => after.push(constraint.definition.clone()),
                (false, _) => after.push(format!(
                    "CONSTRAINT {} {}",
                    quote(&constraint.name),
                    constraint.definition
                )),
            }
        }
        let mut first = true;
        for column in &table.columns {
            w.ddl
                .text
                .push_str(if first { "\n    " } else { ",\n    " });
            first = false;
            let column_start = w.ddl.text.len();
            let mut line = format!("{} ", quote(&column.name));
            match (&column.serial_of, column.kind.as_str()) {
                (Some(_), "integer") => line.push_str("serial"),
                (Some(_), "bigint") => line.push_str("bigserial"),
                (Some(_), "smallint") => line.push_str("smallserial"),
                (_, kind) => line.push_str(kind),
            }
            let serial = column.serial_of.is_some()
                && matches!(column.kind.as_str(), "integer" | "bigint" | "smallint");
            if column.not_null {
                line.push_str(" NOT NULL");
            }
            match (column.identity.as_str(), column.generated.as_str()) {
                ("a", _) => line.push_str(" GENERATED ALWAYS AS IDENTITY"),
                ("d", _) => line.push_str(" GENERATED BY DEFAULT AS IDENTITY"),
                (_, "s") if !plain => {
                    if let Some(expr) = &column.default {
                        line.push_str(&format!(" GENERATED ALWAYS AS ({expr}) STORED"));
                    }
                }
                (_, "v") if !plain => {
                    if let Some(expr) = &column.default {
                        line.push_str(&format!(" GENERATED ALWAYS AS ({expr})"));
                    }
                }
                ("", "") if !plain && !serial => {
                    if let Some(expr) = &column.default {
                        line.push_str(&format!(" DEFAULT {expr}"));
                    }
                }
                _ => {}
            }
            for clause in inline.get(column.name.as_str()).into_iter().flatten() {
                line.push(' ');
                line.push_str(clause);
            }
            w.ddl.text.push_str(&line);
            w.object(column_start, format!("{path}.{}", column.name));
        }
        for constraint in after {
            w.ddl
                .text
                .push_str(if first { "\n    " } else { ",\n    " });
            first = false;
            w.ddl.text.push_str(&constraint);
        }
        w.ddl.text.push_str("\n)");
        if let Some(key) = &table.partition_key {
            w.ddl.text.push_str(&format!(" PARTITION BY {key}"));
        }
        w.object(start, path.clone());
        w.ddl.text.push_str(";\n");
        if let Some(comment) = &table.comment {
            w.statement(
                path.clone(),
                &format!(
                    "COMMENT ON TABLE {} IS {}",
                    qualified(&table.schema, &table.name),
                    literal(comment)
                ),
            );
        }
        for column in &table.columns {
            if let Some(comment) = &column.comment {
                w.statement(
                    format!("{path}.{}", column.name),
                    &format!(
                        "COMMENT ON COLUMN {}.{} IS {}",
                        qualified(&table.schema, &table.name),
                        quote(&column.name),
                        literal(comment)
                    ),
                );
            }
        }
    }
}

/// Tables with the tables their foreign keys reference first (as the
/// migrations must have created them), else by schema and name; cycles
/// are broken by name.
fn dependency_order(tables: &[Table]) -> Vec<&Table> {
    let by_name: BTreeMap<(String, String), usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| ((t.schema.clone(), t.name.clone()), i))
        .collect();
    let references = |table: &Table| -> Vec<usize> {
        table
            .constraints
            .iter()
            .filter(|c| c.kind == "f")
            .filter_map(|c| referenced(&c.definition))
            .filter_map(|name| by_name.get(&name).copied())
            .collect()
    };
    let mut done = vec![false; tables.len()];
    let mut order = Vec::with_capacity(tables.len());
    fn visit<'a>(
        at: usize,
        tables: &'a [Table],
        references: &dyn Fn(&Table) -> Vec<usize>,
        done: &mut [bool],
        visiting: &mut BTreeSet<usize>,
        order: &mut Vec<&'a Table>,
    ) {
        if done[at] || !visiting.insert(at) {
            return;
        }
        for next in references(&tables[at]) {
            visit(next, tables, references, done, visiting, order);
        }
        visiting.remove(&at);
        if !done[at] {
            done[at] = true;
            order.push(&tables[at]);
        }
    }
    for at in 0..tables.len() {
        let mut visiting = BTreeSet::new();
        visit(
            at,
            tables,
            &references,
            &mut done,
            &mut visiting,
            &mut order,
        );
    }
    order
}

/// The table a foreign key's definition references: `REFERENCES
/// [schema.]table(…)`, names as `pg_get_constraintdef` quotes them.
fn referenced(definition: &str) -> Option<(String, String)> {
    let rest = &definition[definition.find("REFERENCES ")? + "REFERENCES ".len()..];
    let name = rest.split('(').next()?.trim();
    let parts = split_name(name);
    match parts.as_slice() {
        // Unqualified names resolve through the search path (public).
        [table] => Some(("public".to_string(), table.clone())),
        [schema, table] => Some((schema.clone(), table.clone())),
        _ => None,
    }
}

/// `a.b`, `"A"."b.c"` → its parts, unquoted.
fn split_name(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_follow_postgres() {
        assert_eq!(generated_name("users", None, "pkey"), "users_pkey");
        assert_eq!(
            generated_name("cart_items", Some("cart_id_product_id"), "key"),
            "cart_items_cart_id_product_id_key"
        );
        let long = "a".repeat(40);
        let name = generated_name(&long, Some(&"b".repeat(40)), "fkey");
        assert_eq!(name.len(), 63);
        assert_eq!(name, format!("{}_{}_fkey", "a".repeat(29), "b".repeat(28)));
    }

    #[test]
    fn index_column_names_are_made_unique() {
        let names: Vec<String> = ["expr", "a", "expr", "a"].map(String::from).to_vec();
        assert_eq!(unique_names(&names), ["expr", "a", "expr1", "a1"]);
    }

    #[test]
    fn skip_patterns() {
        let scope = Scope {
            schemas: Vec::new(),
            skip: BOOKKEEPING.iter().map(|s| s.to_string()).collect(),
        };
        assert!(scope.skips("public", "_sqlx_migrations"));
        assert!(scope.skips("sqitch", "changes"));
        assert!(!scope.skips("public", "changes"));
    }

    #[test]
    fn referenced_tables() {
        assert_eq!(
            referenced("FOREIGN KEY (a) REFERENCES users(id) ON DELETE CASCADE"),
            Some(("public".into(), "users".into()))
        );
        assert_eq!(
            referenced("FOREIGN KEY (a) REFERENCES \"Auth\".\"my.users\"(id)"),
            Some(("Auth".into(), "my.users".into()))
        );
    }
}
