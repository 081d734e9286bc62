//! Reads the facts of a statement (see `facts`) from its syntax tree, with
//! every position resolved while the file's tokens are alive. Nothing here
//! looks at other statements: which table a name means is decided when the
//! facts are replayed.

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, ColumnOptionDef,
    CreateIndex, CreateTable, CreateTrigger, Expr, ForeignKeyConstraint, Ident, IndexColumn,
    ObjectName, ObjectType, SequenceOptions, TableConstraint, TriggerObject, TriggerObjectKind,
    UserDefinedTypeRepresentation,
};
use sqlparser::keywords::Keyword;

/// What to do about a table of more columns than PostgreSQL allows
/// (`MAX_COLUMNS`).
pub(super) const SPLIT_THE_TABLE: &str = "split the table";

use super::facts::{Change, ColumnChange, CommentOn, Constraint, DropKind, TableChange};
use super::names::{self, Name, QualifiedName, fold, fold_all, last_part};
use super::{
    Check, CheckExpr, Column, ColumnDefault, ColumnType, EnumType, FkAction, ForeignKey, Index,
    IndexKey, IndexMethod, Key, Predicate, Sequence, Table, ThinVec, Trigger, TriggerEvent,
    TriggerTiming, TypeKind, View,
};
use crate::load::compat::Extra;
use crate::locate::Locator;
use crate::source::Origin;

/// The facts of one statement: its tree's (if it parsed) and then its
/// extras' (what rewritten clauses mean, see `load::compat`).
///
/// They go onto `out`, the file's list (`LoadedFile::changes`), which its
/// reader shrinks to its length once the file is read.
pub fn changes(
    at: &Locator<'_>,
    statement: Option<&ast::Statement>,
    extras: &[Extra],
    out: &mut Vec<Change>,
) {
    let reader = Reader { at };
    if let Some(statement) = statement {
        reader.statement(statement, out);
    }
    for extra in extras {
        reader.extra(statement, extra, out);
    }
}

struct Reader<'a> {
    at: &'a Locator<'a>,
}

/// A name as written, or as its text when it has parts a name cannot have.
fn written(name: &ObjectName) -> QualifiedName {
    QualifiedName::from_object_name(name)
        .unwrap_or_else(|| QualifiedName::unqualified(name.to_string()))
}

impl Reader<'_> {
    fn statement(&self, statement: &ast::Statement, out: &mut Vec<Change>) {
        use ast::Statement as S;
        match statement {
            S::CreateTable(create) => out.extend(self.create_table(create)),
            S::CreateView(create) => out.extend(self.create_view(create)),
            S::AlterView(ast::AlterView {
                name,
                operation: ast::AlterViewOperation::RenameTo { new_name },
                ..
            }) => {
                if let Some(new) = last_part(new_name) {
                    out.push(Change::RenameView {
                        view: Box::new(written(name)),
                        new,
                        origin: self.at.object_name(new_name),
                    });
                }
            }
            S::AlterTable(alter) => {
                let mut actions: Vec<TableChange> = alter
                    .operations
                    .iter()
                    .flat_map(|operation| self.alter_table(operation))
                    .collect();
                // A list collected from a `flat_map` starts with room for
                // four, and most `ALTER TABLE`s make one change: the facts
                // of a set are all held until its replay.
                actions.shrink_to_fit();
                out.push(Change::AlterTable {
                    table: written(&alter.name),
                    actions,
                })
            }
            S::CreateIndex(create) => out.extend(self.create_index(create)),
            S::AlterIndex {
                name,
                operation: ast::AlterIndexOperation::RenameIndex { index_name },
            } => {
                if let Some(new) = last_part(index_name) {
                    out.push(Change::RenameIndex {
                        index: Box::new(written(name)),
                        new,
                        origin: self.at.object_name(index_name),
                    });
                }
            }
            S::Drop {
                object_type,
                names,
                cascade,
                ..
            } => {
                let kind = match object_type {
                    ObjectType::Table => DropKind::Table,
                    ObjectType::Index => DropKind::Index,
                    ObjectType::Type => DropKind::Type,
                    ObjectType::Sequence => DropKind::Sequence,
                    ObjectType::View => DropKind::View,
                    ObjectType::MaterializedView => DropKind::MaterializedView,
                    _ => return,
                };
                out.push(Change::Drop {
                    kind,
                    names: names.iter().map(written).collect(),
                    cascade: *cascade,
                });
            }
            S::CreateType {
                name,
                representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
            } => {
                if let Some(name) = QualifiedName::from_object_name(name) {
                    out.push(Change::CreateEnum(Box::new(EnumType {
                        name,
                        labels: labels.iter().map(|l| Name::new(&l.value)).collect(),
                        origin: self.at.statement(),
                    })));
                }
            }
            S::AlterType(alter) => match (
                QualifiedName::from_object_name(&alter.name),
                &alter.operation,
            ) {
                (Some(name), ast::AlterTypeOperation::AddValue(add)) => {
                    out.push(Change::AddEnumValue {
                        name: Box::new(name),
                        value: Name::new(&add.value.value),
                        position: add.position.as_ref().map(|position| match position {
                            ast::AlterTypeAddValuePosition::Before(next) => {
                                (true, Name::new(&next.value))
                            }
                            ast::AlterTypeAddValuePosition::After(previous) => {
                                (false, Name::new(&previous.value))
                            }
                        }),
                    });
                }
                (Some(name), ast::AlterTypeOperation::Rename(rename)) => {
                    out.push(Change::RenameType {
                        name,
                        new: fold(&rename.new_name),
                    });
                }
                (Some(name), ast::AlterTypeOperation::RenameValue(rename)) => {
                    out.push(Change::RenameEnumValue {
                        name: Box::new(name),
                        from: Name::new(&rename.from.value),
                        to: Name::new(&rename.to.value),
                    });
                }
                _ => {}
            },
            S::CreateTrigger(create) => out.extend(self.create_trigger(create)),
            S::DropTrigger(drop) => match &drop.table_name {
                Some(table) => {
                    out.extend(
                        last_part(&drop.trigger_name).map(|name| Change::DropTrigger {
                            name,
                            table: written(table),
                        }),
                    )
                }
                // sqlparser reads it (other databases have it).
                None => out.push(Change::Rejected {
                    why: "`DROP TRIGGER` names the trigger's table (`ON table`)".to_string(),
                    help: format!("write `DROP TRIGGER {} ON <table>`", drop.trigger_name),
                    origin: self.at.statement(),
                }),
            },
            S::CreateFunction(create) => {
                if let Some(name) = QualifiedName::from_object_name(&create.name) {
                    out.push(Change::CreateFunction(name));
                }
            }
            S::Query(query) => out.extend(self.diesel_updated_at(query)),
            S::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => out.extend(self.comment(*object_type, object_name, comment.as_deref())),
            S::CreateSequence {
                name,
                sequence_options,
                if_not_exists,
                ..
            } => out.extend(self.create_sequence(name, sequence_options, *if_not_exists)),
            S::CreateExtension(create) => out.push(Change::CreateExtension {
                name: fold(&create.name),
                origin: self.at.ident(&create.name),
            }),
            _ => {}
        }
    }

    // ----- tables ---------------------------------------------------------

    fn create_table(&self, create: &CreateTable) -> Option<Change> {
        // Tables whose columns come from elsewhere are not modelled.
        if create.query.is_some() || create.like.is_some() || create.partition_of.is_some() {
            return None;
        }
        let name = QualifiedName::from_object_name(&create.name)?;
        if create.columns.len() > super::MAX_COLUMNS {
            return Some(Change::Rejected {
                why: format!(
                    "a table can have at most {} columns and `{name}` has {}",
                    super::MAX_COLUMNS,
                    create.columns.len()
                ),
                help: SPLIT_THE_TABLE.to_string(),
                origin: self.at.statement(),
            });
        }
        let mut table = Table {
            name,
            name_origin: self.at.object_name(&create.name),
            created: self.at.statement(),
            // Room for one column more: many tables get a column later (304
            // of the corpus's 800), and the first then needs no new list.
            // Its growing list was a new allocation whose old one, made
            // while the file loaded, stayed a hole in memory among the
            // other files' data to the end of the run.
            columns: Vec::with_capacity(create.columns.len() + 1),
            primary_key: None,
            uniques: ThinVec::new(),
            foreign_keys: ThinVec::new(),
            checks: ThinVec::new(),
            partition_key: create
                .partition_by
                .as_deref()
                .map(partition_columns)
                .map(ThinVec::from)
                .unwrap_or_default(),
            comment: None,
        };
        // One pass, then duplicates dropped once: replacing per column would
        // rescan the columns each time (quadratic in wide tables).
        for column in &create.columns {
            let (column, constraints) = self.column(column);
            table.columns.push(column);
            for constraint in constraints {
                add_constraint(&mut table, constraint);
            }
        }
        keep_last_of_each_name(&mut table.columns);
        for constraint in &create.constraints {
            if let Some(constraint) = self.constraint(constraint) {
                add_constraint(&mut table, constraint);
            }
        }
        // The table lives until the end of the run: no spare room.
        table.uniques.shrink_to_fit();
        table.foreign_keys.shrink_to_fit();
        table.checks.shrink_to_fit();
        Some(Change::CreateTable {
            table: Box::new(table),
            if_not_exists: create.if_not_exists,
        })
    }

    /// A column definition as the model keeps it, and the constraints
    /// written on it.
    fn column(&self, def: &ColumnDef) -> (Column, Vec<Constraint>) {
        let name = fold(&def.name);
        let name_origin = self.at.ident(&def.name);
        let type_origin = self
            .at
            .type_after(&def.name)
            .unwrap_or_else(|| name_origin.clone());
        let mut column = Column {
            name,
            name_origin: name_origin.clone(),
            ty: super::types::read_shared(&def.data_type, self.at.text(&type_origin)),
            type_origin,
            not_null: false,
            default: None,
            identity: false,
            generated: false,
            definition: self.at.column_definition(&def.name),
            comment: None,
        };
        let mut constraints = Vec::new();
        for option in &def.options {
            constraints.extend(self.column_option(&mut column, &def.name, option));
        }
        (column, constraints)
    }

    fn column_option(
        &self,
        column: &mut Column,
        ident: &Ident,
        option: &ColumnOptionDef,
    ) -> Option<Constraint> {
        let constraint_name = option.name.as_ref();
        match &option.option {
            ColumnOption::NotNull => column.not_null = true,
            ColumnOption::Null => column.not_null = false,
            ColumnOption::Default(expr) => column.default = Some(Box::new(ColumnDefault::of(expr))),
            ColumnOption::Generated {
                generation_expr: None,
                ..
            }
            | ColumnOption::Identity(_) => column.identity = true,
            ColumnOption::Generated { .. } => column.generated = true,
            ColumnOption::PrimaryKey(_) => {
                column.not_null = true;
                let key = self.inline_key(ident, constraint_name, Keyword::PRIMARY);
                return Some(Constraint::PrimaryKey(key));
            }
            ColumnOption::Unique(_) => {
                let key = self.inline_key(ident, constraint_name, Keyword::UNIQUE);
                return Some(Constraint::Unique(key));
            }
            ColumnOption::ForeignKey(fk) => {
                let name = constraint_name.or(fk.name.as_ref());
                let columns = (vec![column.name.clone()], column.name_origin.clone());
                let key = self.foreign_key(fk, name, columns, &column.definition, true);
                return Some(Constraint::ForeignKey(key));
            }
            ColumnOption::Check(check) => {
                let name = constraint_name.or(check.name.as_ref());
                return Some(Constraint::Check(Check {
                    name: name.map(fold),
                    expr: CheckExpr::of(&check.expr),
                    origin: self.at.span(ast::Spanned::span(check)),
                    column: Some(column.name.clone()),
                }));
            }
            _ => {}
        }
        None
    }

    /// A foreign key with its referencing `columns` (and where they are
    /// written); `fallback` is underlined when the `REFERENCES` clause
    /// cannot be found.
    fn foreign_key(
        &self,
        fk: &ForeignKeyConstraint,
        name: Option<&Ident>,
        (columns, columns_origin): (Vec<Name>, Origin),
        fallback: &Origin,
        inline: bool,
    ) -> ForeignKey {
        let as_written = names::fold_written(self.at.text(&columns_origin));
        ForeignKey {
            name: name.map(fold),
            name_origin: name.map(|n| self.at.ident(n)),
            written_column: columns.contains(&as_written).then_some(as_written),
            columns: columns.into(),
            columns_origin,
            referenced_table: written(&fk.foreign_table),
            referenced_columns: fold_all(&fk.referred_columns).into(),
            on_delete: fk.on_delete.map(FkAction::of),
            on_update: fk.on_update.map(FkAction::of),
            clause: self
                .at
                .references_clause(&fk.foreign_table)
                .unwrap_or_else(|| fallback.clone()),
            inline,
        }
    }

    fn inline_key(&self, ident: &Ident, name: Option<&Ident>, keyword: Keyword) -> Key {
        Key {
            name: name.map(fold),
            name_origin: name.map(|n| self.at.ident(n)),
            columns: [fold(ident)].into(),
            origin: self
                .at
                .column_keyword(ident, keyword)
                .unwrap_or_else(|| self.at.ident(ident)),
            inline: true,
        }
    }

    fn constraint(&self, constraint: &TableConstraint) -> Option<Constraint> {
        Some(match constraint {
            TableConstraint::PrimaryKey(pk) => {
                let columns = index_idents(&pk.columns);
                Constraint::PrimaryKey(self.table_key(pk.name.as_ref(), &columns, Keyword::PRIMARY))
            }
            TableConstraint::Unique(unique) => {
                let columns = index_idents(&unique.columns);
                Constraint::Unique(self.table_key(unique.name.as_ref(), &columns, Keyword::UNIQUE))
            }
            TableConstraint::ForeignKey(fk) => {
                let columns_origin = self
                    .at
                    .idents(&fk.columns)
                    .unwrap_or_else(|| self.at.statement());
                let columns = (fold_all(&fk.columns), columns_origin.clone());
                let key = self.foreign_key(fk, fk.name.as_ref(), columns, &columns_origin, false);
                Constraint::ForeignKey(key)
            }
            TableConstraint::Check(check) => Constraint::Check(Check {
                name: check.name.as_ref().map(fold),
                expr: CheckExpr::of(&check.expr),
                origin: self.at.span(ast::Spanned::span(check)),
                column: None,
            }),
            TableConstraint::PrimaryKeyUsingIndex(using)
            | TableConstraint::UniqueUsingIndex(using) => Constraint::UsingIndex {
                primary: matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_)),
                index: fold(&using.index_name),
                name: using.name.as_ref().map(fold),
                name_origin: using.name.as_ref().map(|n| self.at.ident(n)),
                origin: self.at.ident(&using.index_name),
            },
            _ => return None,
        })
    }

    fn table_key(&self, name: Option<&Ident>, columns: &[Ident], keyword: Keyword) -> Key {
        Key {
            name: name.map(fold),
            name_origin: name.map(|n| self.at.ident(n)),
            columns: fold_all(columns).into(),
            origin: self
                .at
                .constraint(name, columns, &[keyword])
                .unwrap_or_else(|| self.at.statement()),
            inline: false,
        }
    }

    fn alter_table(&self, operation: &AlterTableOperation) -> Vec<TableChange> {
        use AlterTableOperation as Op;
        let one = |change| vec![change];
        match operation {
            Op::AddColumn {
                column_def,
                if_not_exists,
                ..
            } => {
                let (column, constraints) = self.column(column_def);
                one(TableChange::AddColumn {
                    column: Box::new(column),
                    if_not_exists: *if_not_exists,
                    constraints,
                })
            }
            Op::DropColumn { column_names, .. } => column_names
                .iter()
                .map(|c| TableChange::DropColumn(fold(c)))
                .collect(),
            Op::AlterColumn { column_name, op } => self
                .alter_column(column_name, op)
                .map(|change| TableChange::AlterColumn {
                    column: fold(column_name),
                    change,
                })
                .into_iter()
                .collect(),
            Op::AddConstraint { constraint, .. } => self
                .constraint(constraint)
                .map(|c| TableChange::AddConstraint(Box::new(c)))
                .into_iter()
                .collect(),
            Op::DropConstraint { name, .. } => one(TableChange::DropConstraint(fold(name))),
            Op::DropPrimaryKey { .. } => one(TableChange::DropPrimaryKey),
            Op::RenameColumn {
                old_column_name,
                new_column_name,
            } => one(TableChange::RenameColumn {
                old: fold(old_column_name),
                new: fold(new_column_name),
                origin: self.at.ident(new_column_name),
            }),
            Op::RenameTable { table_name } => {
                let (ast::RenameTableNameKind::As(new) | ast::RenameTableNameKind::To(new)) =
                    table_name;
                last_part(new)
                    .map(|name| TableChange::Rename {
                        new: name,
                        origin: self.at.object_name(new),
                    })
                    .into_iter()
                    .collect()
            }
            Op::RenameConstraint { old_name, new_name } => one(TableChange::RenameConstraint {
                old: fold(old_name),
                new: fold(new_name),
            }),
            _ => Vec::new(),
        }
    }

    fn alter_column(&self, ident: &Ident, op: &AlterColumnOperation) -> Option<ColumnChange> {
        Some(match op {
            AlterColumnOperation::SetNotNull => ColumnChange::SetNotNull,
            AlterColumnOperation::DropNotNull => ColumnChange::DropNotNull,
            AlterColumnOperation::SetDefault { value } => {
                ColumnChange::SetDefault(ColumnDefault::of(value))
            }
            AlterColumnOperation::DropDefault => ColumnChange::DropDefault,
            AlterColumnOperation::SetDataType { data_type, .. } => {
                // Not found: the replay keeps the column's type as written
                // (and where), as it was.
                let origin = self.at.altered_type(ident);
                let written = origin.as_ref().map_or("", |o| self.at.text(o));
                ColumnChange::SetType {
                    ty: ColumnType::of(data_type, written),
                    origin,
                }
            }
            AlterColumnOperation::AddGenerated { .. } => ColumnChange::AddIdentity,
            // Foreign-data wrapper options: nothing the model keeps.
            AlterColumnOperation::GenericOptions { .. } => return None,
        })
    }

    // ----- indexes, triggers, sequences, views, comments -------------------

    fn create_index(&self, create: &CreateIndex) -> Option<Change> {
        let table = QualifiedName::from_object_name(&create.table_name)?;
        let name = create.name.as_ref().and_then(last_part);
        Some(Change::CreateIndex {
            index: Box::new(Index {
                // Placed in the table's schema when replayed.
                name: name.map(QualifiedName::unqualified),
                name_origin: create.name.as_ref().map(|n| self.at.object_name(n)),
                table,
                keys: create.columns.iter().map(index_key).collect(),
                unique: create.unique,
                method: create
                    .using
                    .as_ref()
                    .map(|m| IndexMethod::named(&m.to_string()))
                    .unwrap_or_default(),
                predicate: create
                    .predicate
                    .as_ref()
                    .map(|p| Box::new(Predicate::of(p))),
                include: fold_all(&create.include).into(),
                origin: self.at.statement(),
            }),
            if_not_exists: create.if_not_exists,
        })
    }

    fn create_trigger(&self, create: &CreateTrigger) -> Option<Change> {
        let table = QualifiedName::from_object_name(&create.table_name)?;
        let name = last_part(&create.name)?;
        let for_each_row = matches!(
            create.trigger_object,
            Some(TriggerObjectKind::For(TriggerObject::Row))
                | Some(TriggerObjectKind::ForEach(TriggerObject::Row))
        );
        Some(Change::CreateTrigger(Box::new(Trigger {
            name,
            table,
            timing: create.period.and_then(TriggerTiming::of),
            events: create.events.iter().map(TriggerEvent::of).collect(),
            update_of: create
                .events
                .iter()
                .flat_map(|e| match e {
                    ast::TriggerEvent::Update(columns) => fold_all(columns),
                    _ => Vec::new(),
                })
                .collect(),
            for_each_row,
            function: create
                .exec_body
                .as_ref()
                .and_then(|body| QualifiedName::from_object_name(&body.func_desc.name)),
            origin: self.at.statement(),
        })))
    }

    /// `SELECT diesel_manage_updated_at('users');`: diesel's setup migration
    /// defines this helper, which creates `set_updated_at BEFORE UPDATE …
    /// FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()` on the table.
    fn diesel_updated_at(&self, query: &ast::Query) -> Vec<Change> {
        let ast::SetExpr::Select(select) = query.body.as_ref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in &select.projection {
            let ast::SelectItem::UnnamedExpr(Expr::Function(call)) = item else {
                continue;
            };
            if last_part(&call.name).as_deref() != Some("diesel_manage_updated_at") {
                continue;
            }
            let ast::FunctionArguments::List(list) = &call.args else {
                continue;
            };
            let [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(argument))] =
                list.args.as_slice()
            else {
                continue;
            };
            let Some(table) = super::defaults::regclass(argument)
                .as_ref()
                .and_then(QualifiedName::from_object_name)
            else {
                continue;
            };
            out.push(Change::CreateTrigger(Box::new(Trigger {
                name: "set_updated_at".into(),
                table,
                timing: Some(TriggerTiming::Before),
                events: vec![TriggerEvent::Update],
                update_of: Vec::new(),
                for_each_row: true,
                function: Some(QualifiedName::unqualified("diesel_set_updated_at")),
                origin: self.at.statement(),
            })));
        }
        out
    }

    fn create_sequence(
        &self,
        name: &ObjectName,
        options: &[SequenceOptions],
        if_not_exists: bool,
    ) -> Option<Change> {
        let name = QualifiedName::from_object_name(name)?;
        let mut sequence = Sequence {
            name,
            kind: TypeKind::BigInt,
            type_origin: self.at.statement(),
            owned_by: None,
        };
        for option in options {
            match option {
                SequenceOptions::DataType(data_type) => {
                    sequence.kind = TypeKind::of(data_type);
                    if let Some(origin) = self.at.sequence_type() {
                        sequence.type_origin = origin;
                    }
                }
                SequenceOptions::OwnedBy(Some(owner)) => sequence.owned_by = owner_of(owner),
                _ => {}
            }
        }
        Some(Change::CreateSequence {
            sequence: Box::new(sequence),
            if_not_exists,
        })
    }

    fn create_view(&self, create: &ast::CreateView) -> Option<Change> {
        // A temporary view ends with the migration's session.
        if create.temporary {
            return None;
        }
        let name = QualifiedName::from_object_name(&create.name)?;
        let mut wildcards: Vec<Origin> = super::views::wildcards(&create.query)
            .into_iter()
            .map(|span| self.at.span(span))
            .collect();
        wildcards.sort_by_key(|o| (o.span().start, o.span().end));
        wildcards.dedup();
        let reads = super::views::relations(&create.query)
            .iter()
            .filter_map(QualifiedName::from_object_name)
            .collect();
        Some(Change::CreateView {
            view: Box::new(View {
                name,
                materialized: create.materialized,
                created: self.at.statement(),
                name_origin: self.at.object_name(&create.name),
                wildcards,
                reads,
            }),
            if_not_exists: create.if_not_exists,
        })
    }

    /// `COMMENT ON TABLE t IS '…'`, `COMMENT ON COLUMN t.c IS '…'` (`IS
    /// NULL` removes it).
    fn comment(
        &self,
        object: ast::CommentObject,
        name: &ObjectName,
        text: Option<&str>,
    ) -> Option<Change> {
        let on = match object {
            ast::CommentObject::Table => CommentOn::Table(QualifiedName::from_object_name(name)?),
            ast::CommentObject::Column => {
                let mut parts = name.0.clone();
                let column = parts.pop()?.as_ident().map(fold)?;
                CommentOn::Column(QualifiedName::from_object_name(&ObjectName(parts))?, column)
            }
            _ => return None,
        };
        Some(Change::Comment {
            on: Box::new(on),
            // The tokenizer keeps strings as written: `''` is one quote.
            text: text.map(|t| t.replace("''", "'")),
            origin: self.at.statement(),
        })
    }

    // ----- extras -----------------------------------------------------------

    /// What a rewritten clause means (see `load::compat::Extra`).
    fn extra(&self, statement: Option<&ast::Statement>, extra: &Extra, out: &mut Vec<Change>) {
        let alter = |table: &ObjectName, action: TableChange| Change::AlterTable {
            table: written(table),
            actions: vec![action],
        };
        match extra {
            Extra::NotNull { table, column } => {
                let created = match statement {
                    Some(ast::Statement::CreateTable(create)) => Some(&create.name),
                    _ => None,
                };
                // In a CREATE TABLE, the column is the created table's.
                if table.is_none()
                    && let Some(Change::CreateTable { table, .. }) = out.first_mut()
                {
                    if let Some(found) = table.column_mut(&fold(column)) {
                        found.not_null = true;
                    }
                    return;
                }
                if let Some(table) = table.as_ref().or(created) {
                    out.push(alter(
                        table,
                        TableChange::AlterColumn {
                            column: fold(column),
                            change: ColumnChange::SetNotNull,
                        },
                    ));
                }
            }
            Extra::SequenceOwnedBy {
                sequence,
                table,
                column,
            } => out.push(Change::SequenceOwnedBy {
                sequence: Box::new(written(sequence)),
                table: Box::new(written(table)),
                column: fold(column),
            }),
            Extra::SequenceType {
                sequence,
                data_type,
            } => out.push(Change::SequenceType {
                sequence: Box::new(written(sequence)),
                kind: TypeKind::of(data_type),
                origin: self
                    .at
                    .sequence_type()
                    .unwrap_or_else(|| self.at.statement()),
            }),
            Extra::RenameSequence { old, new } => out.push(Change::RenameSequence {
                sequence: written(old),
                new: fold(new),
            }),
            Extra::RenameTrigger { table, old, new } => out.push(Change::RenameTrigger {
                table: Box::new(written(table)),
                old: fold(old),
                new: fold(new),
            }),
            Extra::DropIdentity { table, column } => out.push(alter(
                table,
                TableChange::AlterColumn {
                    column: fold(column),
                    change: ColumnChange::DropIdentity,
                },
            )),
            Extra::SetSchema { table, schema } => {
                out.push(alter(table, TableChange::SetSchema(fold(schema))))
            }
        }
    }
}

/// `table.column` of `OWNED BY`, as written.
fn owner_of(owner: &ObjectName) -> Option<(QualifiedName, Name)> {
    let mut parts = owner.0.clone();
    let column = parts.pop()?.as_ident().map(fold)?;
    Some((QualifiedName::from_object_name(&ObjectName(parts))?, column))
}

/// A constraint added to a table being built.
pub fn add_constraint(table: &mut Table, constraint: Constraint) {
    match constraint {
        Constraint::PrimaryKey(key) => {
            for name in &key.columns {
                if let Some(column) = table.column_mut(name) {
                    column.not_null = true;
                }
            }
            table.primary_key = Some(key);
        }
        Constraint::Unique(key) => table.uniques.push(key),
        Constraint::ForeignKey(key) => table.foreign_keys.push(key),
        Constraint::Check(check) => table.checks.push(check),
        // Needs the index: resolved when replayed.
        Constraint::UsingIndex { .. } => {}
    }
}

/// The columns of a `PARTITION BY RANGE|LIST|HASH (a, b)` key (the parser
/// reads the method and its columns as a function call); expressions are
/// left out.
fn partition_columns(expr: &Expr) -> Vec<Name> {
    let Expr::Function(call) = expr else {
        return Vec::new();
    };
    let ast::FunctionArguments::List(list) = &call.args else {
        return Vec::new();
    };
    list.args
        .iter()
        .filter_map(|arg| match arg {
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(Expr::Identifier(ident))) => {
                Some(fold(ident))
            }
            _ => None,
        })
        .collect()
}

/// The identifiers of an index column list; expressions are left out.
fn index_idents(columns: &[IndexColumn]) -> Vec<Ident> {
    columns
        .iter()
        .filter_map(|c| match &c.column.expr {
            Expr::Identifier(ident) => Some(ident.clone()),
            _ => None,
        })
        .collect()
}

fn index_key(column: &IndexColumn) -> IndexKey {
    match &column.column.expr {
        Expr::Identifier(ident) => IndexKey::Column(fold(ident)),
        expr => IndexKey::Expression(expr.to_string()),
    }
}

/// What adding the columns one by one, each replacing an earlier one of the
/// same name, leaves: the last of each name, in order.
fn keep_last_of_each_name(columns: &mut Vec<Column>) {
    let mut seen = std::collections::HashSet::new();
    let keep: Vec<bool> = columns
        .iter()
        .rev()
        .map(|c| seen.insert(c.name.clone()))
        .collect();
    let mut keep = keep.into_iter().rev();
    columns.retain(|_| keep.next().unwrap_or(true));
}
