//! `schema-lint schema --cascade TABLE`: what deleting one row of a
//! table does, and what updating its key does, through every foreign key
//! that refers to it, transitively.
//!
//! PostgreSQL's rules: a referencing row is deleted (`CASCADE`), gets
//! NULLs or its defaults (`SET NULL`, `SET DEFAULT`: an update of that
//! row, which can go on to tables that reference the changed columns), or
//! the statement fails while referencing rows exist (`RESTRICT`, checked
//! at once; `NO ACTION`, the default, checked at the end of the statement).
//! `SET NULL` on a NOT NULL column fails too.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::model::FkAction;
use serde::Serialize;
use serde_json::{Value, json};

use super::view::{Place, is_not_null, referenced_columns};
use crate::model::{Catalog, ForeignKey, ForeignKeysTo, Name, QualifiedName, Table};

/// A delete of a row, or an update of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    Delete,
    Update,
}

impl Event {
    fn clause(self) -> &'static str {
        match self {
            Event::Delete => "ON DELETE",
            Event::Update => "ON UPDATE",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Event::Delete => "the delete",
            Event::Update => "the key update",
        }
    }
}

/// What one foreign key does to the rows that refer to a changed row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// The referencing rows are deleted.
    Delete,
    /// Their foreign-key columns become NULL.
    SetNull,
    /// Their foreign-key columns get their defaults.
    SetDefault,
    /// Their foreign-key columns follow the new key.
    Update,
    /// The statement fails while referencing rows exist (`RESTRICT`,
    /// `NO ACTION`, or `SET NULL` on a NOT NULL column).
    Blocks,
}

/// One foreign key's step, and the steps it causes.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    /// The table holding the foreign key: the rows affected.
    pub table: &'a Table,
    pub fk: &'a ForeignKey,
    /// The action as PostgreSQL applies it (`NO ACTION` when unwritten).
    pub action: FkAction,
    /// The action was written (else PostgreSQL's default applies).
    pub written: bool,
    pub effect: Effect,
    /// Why a `SET NULL` blocks: the NOT NULL columns.
    pub not_null: Vec<Name>,
    /// The same change of this table was followed earlier in the tree.
    pub seen: bool,
    /// The step is `MAX_DEPTH` deep and what it causes is not followed.
    pub cut: bool,
    pub steps: Vec<Step<'a>>,
}

/// How many foreign keys deep a tree is followed. Real schemas are a few
/// levels deep; a chain of thousands of tables, each referencing the one
/// before, was followed to the end, drawn with an indent per level (output
/// growing with the square of the depth) and, past about 10,000 levels,
/// overflowed the stack. Deeper steps are cut, and said to be. At 50 the
/// JSON document nests at most 104 levels, within the 128 that common
/// parsers (serde_json's default) accept.
pub const MAX_DEPTH: usize = 50;

/// What one change of a row of `table` does.
#[derive(Debug, Clone)]
pub struct Tree<'a> {
    pub event: Event,
    pub table: &'a Table,
    /// For an update: the key columns that change.
    pub columns: Vec<Name>,
    pub steps: Vec<Step<'a>>,
}

/// Both trees for `table`: deleting a row, and updating its key.
pub fn trees<'a>(catalog: &'a Catalog, table: &'a Table) -> (Tree<'a>, Tree<'a>) {
    let mut walk = Walk::new(catalog);
    walk.deleted.insert(table.name.clone());
    let delete = Tree {
        event: Event::Delete,
        table,
        columns: Vec::new(),
        steps: walk.deletes(&table.name),
    };
    let columns = key_columns(catalog, table);
    let mut walk = Walk::new(catalog);
    walk.updated
        .insert((table.name.clone(), sorted(columns.clone())));
    let update = Tree {
        event: Event::Update,
        table,
        steps: walk.updates(&table.name, &columns),
        columns,
    };
    (delete, update)
}

/// The key an update changes: the primary key, else every column other
/// tables reference.
fn key_columns(catalog: &Catalog, table: &Table) -> Vec<Name> {
    if let Some(key) = &table.primary_key {
        return key.columns.to_vec();
    }
    let mut columns: Vec<Name> = Vec::new();
    for (_, fk) in catalog.foreign_keys_to(&table.name) {
        for column in referenced_columns(catalog, fk) {
            if !columns.contains(&column) {
                columns.push(column);
            }
        }
    }
    columns
}

fn sorted(mut columns: Vec<Name>) -> Vec<Name> {
    columns.sort();
    columns
}

/// The walk through the foreign keys; each table's deletion, and each
/// change of a table's columns, is followed once (cycles and diamonds
/// end in "see above").
struct Walk<'a> {
    catalog: &'a Catalog,
    /// Every foreign key by the table it references, made once: a step
    /// asks for a table's, and `Catalog::foreign_keys_to` looks at every
    /// table (a table referenced by thousands made a tree quadratic).
    referencing: ForeignKeysTo<'a>,
    deleted: BTreeSet<QualifiedName>,
    updated: BTreeSet<(QualifiedName, Vec<Name>)>,
    /// How deep the step being made is (1: a key to the table itself).
    depth: usize,
}

impl<'a> Walk<'a> {
    fn new(catalog: &'a Catalog) -> Walk<'a> {
        Walk {
            catalog,
            referencing: catalog.foreign_keys_by_target(),
            deleted: BTreeSet::new(),
            updated: BTreeSet::new(),
            depth: 0,
        }
    }

    /// The steps of deleting rows of `table`.
    fn deletes(&mut self, table: &QualifiedName) -> Vec<Step<'a>> {
        let steps: Vec<_> = self.referencing.of(table).collect();
        steps
            .into_iter()
            .map(|(holder, fk)| self.step(holder, fk, Event::Delete))
            .collect()
    }

    /// The steps of changing `columns` of rows of `table`: the foreign
    /// keys that reference one of them.
    fn updates(&mut self, table: &QualifiedName, columns: &[Name]) -> Vec<Step<'a>> {
        let catalog = self.catalog;
        let steps: Vec<_> = self
            .referencing
            .of(table)
            .filter(|(_, fk)| {
                referenced_columns(catalog, fk)
                    .iter()
                    .any(|c| columns.contains(c))
            })
            .collect();
        steps
            .into_iter()
            .map(|(holder, fk)| self.step(holder, fk, Event::Update))
            .collect()
    }

    fn step(&mut self, holder: &'a Table, fk: &'a ForeignKey, event: Event) -> Step<'a> {
        self.depth += 1;
        let step = self.step_at_depth(holder, fk, event);
        self.depth -= 1;
        step
    }

    /// Whether the step being made may be followed further.
    fn may_follow(&self, step: &mut Step<'a>) -> bool {
        step.cut = self.depth >= MAX_DEPTH;
        !step.cut
    }

    fn step_at_depth(&mut self, holder: &'a Table, fk: &'a ForeignKey, event: Event) -> Step<'a> {
        let given = match event {
            Event::Delete => fk.on_delete,
            Event::Update => fk.on_update,
        };
        let action = given.unwrap_or(FkAction::NoAction);
        let mut step = Step {
            table: holder,
            fk,
            action,
            written: given.is_some(),
            effect: Effect::Blocks,
            not_null: Vec::new(),
            seen: false,
            cut: false,
            steps: Vec::new(),
        };
        match action {
            FkAction::Cascade if event == Event::Delete => {
                step.effect = Effect::Delete;
                if self.depth >= MAX_DEPTH && self.referencing.of(&holder.name).next().is_some() {
                    step.cut = true;
                } else if self.deleted.insert(holder.name.clone()) {
                    step.steps = self.deletes(&holder.name);
                } else {
                    step.seen = self.referencing.of(&holder.name).next().is_some();
                }
            }
            FkAction::Cascade => {
                step.effect = Effect::Update;
                self.changed(&mut step);
            }
            FkAction::SetNull => {
                step.not_null = fk
                    .columns
                    .iter()
                    .filter(|c| is_not_null(holder, c))
                    .cloned()
                    .collect();
                if step.not_null.is_empty() {
                    step.effect = Effect::SetNull;
                    self.changed(&mut step);
                }
            }
            FkAction::SetDefault => {
                step.effect = Effect::SetDefault;
                self.changed(&mut step);
            }
            FkAction::Restrict | FkAction::NoAction => {}
        }
        step
    }

    /// The rows of `step.table` had their foreign-key columns changed:
    /// the keys that reference those columns act in turn.
    fn changed(&mut self, step: &mut Step<'a>) {
        let catalog = self.catalog;
        let table = &step.table.name;
        let columns = &step.fk.columns;
        let referenced = self.referencing.of(table).any(|(_, fk)| {
            referenced_columns(catalog, fk)
                .iter()
                .any(|c| columns.contains(c))
        });
        if !referenced || !self.may_follow(step) {
            return;
        }
        if self
            .updated
            .insert((table.clone(), sorted(columns.to_vec())))
        {
            step.steps = self.updates(table, columns);
        } else {
            step.seen = true;
        }
    }
}

// ----- text ------------------------------------------------------------

/// Both trees as text, with a summary under each.
pub fn render_text(catalog: &Catalog, delete: &Tree<'_>, update: &Tree<'_>) -> String {
    let mut out = String::new();
    for tree in [delete, update] {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", title(tree));
        let _ = writeln!(out, "{}", tree.table.name);
        lines(catalog, &tree.steps, tree.event, "", &mut out);
        let _ = writeln!(out, "{}", summary(tree));
    }
    out
}

fn title(tree: &Tree<'_>) -> String {
    match tree.event {
        Event::Delete => format!("Deleting one row of {}:", tree.table.name),
        Event::Update => format!(
            "Updating the key ({}) of one row of {}:",
            tree.columns.join(", "),
            tree.table.name
        ),
    }
}

fn lines(catalog: &Catalog, steps: &[Step<'_>], event: Event, indent: &str, out: &mut String) {
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        let branch = if last { "└── " } else { "├── " };
        let _ = writeln!(
            out,
            "{indent}{branch}{}: {} ({})",
            step.table.name,
            effect_text(step, event),
            cause(catalog, step, event)
        );
        let deeper = format!("{indent}{}", if last { "    " } else { "│   " });
        if step.cut {
            let _ = writeln!(
                out,
                "{deeper}└── … (not followed: more than {MAX_DEPTH} foreign keys deep)"
            );
        }
        lines(catalog, &step.steps, event, &deeper, out);
    }
}

fn effect_text(step: &Step<'_>, event: Event) -> String {
    let columns = step.fk.columns.join(", ");
    let text = match step.effect {
        Effect::Delete => "rows deleted".to_string(),
        Effect::SetNull => format!("{columns} set to NULL"),
        Effect::SetDefault => format!(
            "{columns} set to {} default, which must refer to an existing row",
            if step.fk.columns.len() == 1 {
                "its"
            } else {
                "their"
            }
        ),
        Effect::Update => format!("{columns} updated to the new key"),
        Effect::Blocks if !step.not_null.is_empty() => format!(
            "BLOCKS {} while rows refer to it: SET NULL on NOT NULL {}",
            event.noun(),
            step.not_null.join(", ")
        ),
        Effect::Blocks => format!("BLOCKS {} while rows refer to it", event.noun()),
    };
    if step.seen {
        format!("{text}, and on as above")
    } else {
        text
    }
}

/// The foreign key and its action: `project_id → projects.id, ON DELETE
/// CASCADE`.
fn cause(catalog: &Catalog, step: &Step<'_>, event: Event) -> String {
    let fk = step.fk;
    let target = referenced_columns(catalog, fk);
    let mut text = format!(
        "{} → {}",
        fk.columns.join(", "),
        qualified(&fk.referenced_table, &target)
    );
    if let Some(name) = &fk.name {
        let _ = write!(text, " `{name}`");
    }
    if step.written {
        let _ = write!(text, ", {} {}", event.clause(), step.action);
    } else {
        let _ = write!(text, ", no {}: NO ACTION", event.clause());
    }
    text
}

/// `projects.id`, `t.(a, b)`.
fn qualified(table: &QualifiedName, columns: &[Name]) -> String {
    match columns {
        [one] => format!("{table}.{one}"),
        [] => table.to_string(),
        many => format!("{table} ({})", many.join(", ")),
    }
}

/// What happens in all: `In all: deletes rows of a, b; sets a.x to NULL;
/// nothing blocks it.`
fn summary(tree: &Tree<'_>) -> String {
    let mut all = Totals::default();
    all.collect(&tree.steps);
    let mut parts = Vec::new();
    if !all.deleted.is_empty() {
        parts.push(format!("deletes rows of {}", all.deleted.join(", ")));
    }
    if !all.nulled.is_empty() {
        parts.push(format!("sets {} to NULL", all.nulled.join(", ")));
    }
    if !all.defaulted.is_empty() {
        parts.push(format!("sets {} to defaults", all.defaulted.join(", ")));
    }
    if !all.updated.is_empty() {
        parts.push(format!("updates {}", all.updated.join(", ")));
    }
    if parts.is_empty() {
        parts.push("changes no other row".to_string());
    }
    if all.blocked.is_empty() {
        parts.push("nothing blocks it".to_string());
    } else {
        parts.push(format!(
            "fails while rows of {} refer to it",
            all.blocked.join(", ")
        ));
    }
    if all.cut {
        parts.push(format!(
            "more may follow: the tree is cut at {MAX_DEPTH} foreign keys deep"
        ));
    }
    format!("In all: {}.", parts.join("; "))
}

/// The tables and columns a tree touches, each once, in tree order.
#[derive(Default)]
struct Totals {
    deleted: Vec<String>,
    nulled: Vec<String>,
    defaulted: Vec<String>,
    updated: Vec<String>,
    blocked: Vec<String>,
    /// Every item of the lists above, with the effect whose list holds
    /// it, to keep each once without searching them (a table can be
    /// referenced by thousands).
    seen: std::collections::HashSet<(Effect, String)>,
    /// A step of the tree was cut (`MAX_DEPTH`).
    cut: bool,
}

impl Totals {
    fn collect(&mut self, steps: &[Step<'_>]) {
        for step in steps {
            self.cut |= step.cut;
            let table = step.table.name.to_string();
            let columns: Vec<String> = step
                .fk
                .columns
                .iter()
                .map(|c| format!("{table}.{c}"))
                .collect();
            let items = match step.effect {
                Effect::Delete => vec![table],
                Effect::SetNull | Effect::SetDefault | Effect::Update => columns,
                Effect::Blocks => vec![format!("{table} ({})", step.fk.columns.join(", "))],
            };
            for item in items {
                if self.seen.insert((step.effect, item.clone())) {
                    self.list(step.effect).push(item);
                }
            }
            self.collect(&step.steps);
        }
    }

    /// The list of what `effect` touches.
    fn list(&mut self, effect: Effect) -> &mut Vec<String> {
        match effect {
            Effect::Delete => &mut self.deleted,
            Effect::SetNull => &mut self.nulled,
            Effect::SetDefault => &mut self.defaulted,
            Effect::Update => &mut self.updated,
            Effect::Blocks => &mut self.blocked,
        }
    }
}

// ----- JSON ------------------------------------------------------------

/// Both trees as one document (`version` 1; see docs/schema-json.md).
pub fn render_json(
    catalog: &Catalog,
    delete: &Tree<'_>,
    update: &Tree<'_>,
    place: &dyn Fn(&crate::source::Origin) -> Option<Place>,
) -> String {
    let tree = |tree: &Tree<'_>| {
        let mut value = json!({
            "summary": summary(tree),
            "steps": steps_json(catalog, &tree.steps, place),
        });
        if tree.event == Event::Update {
            value["columns"] = json!(tree.columns);
        }
        value
    };
    let document = json!({
        "version": 1,
        "table": delete.table.name.to_string(),
        "delete": tree(delete),
        "update": tree(update),
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn steps_json(
    catalog: &Catalog,
    steps: &[Step<'_>],
    place: &dyn Fn(&crate::source::Origin) -> Option<Place>,
) -> Value {
    Value::Array(
        steps
            .iter()
            .map(|step| {
                let fk = step.fk;
                let mut value = json!({
                    "table": step.table.name.to_string(),
                    "effect": step.effect,
                    "action": step.action.to_string(),
                    "action_written": step.written,
                    "not_null": step.not_null,
                    "foreign_key": {
                        "name": fk.name,
                        "columns": fk.columns,
                        "references": fk.referenced_table.to_string(),
                        "referenced_columns": referenced_columns(catalog, fk),
                        "defined": place(&fk.clause).map(|p| json!({"path": p.path, "line": p.line})),
                    },
                    "seen": step.seen,
                    "steps": steps_json(catalog, &step.steps, place),
                });
                if step.cut {
                    value["cut"] = json!(true);
                }
                value
            })
            .collect(),
    )
}
