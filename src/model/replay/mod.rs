//! Replays the up statements of a migration set, in migration order, into a
//! `Catalog`.
//!
//! A statement about an object the model does not know (created by a
//! statement that did not parse, or by something outside the migrations)
//! changes nothing: rules stay silent where the model cannot be sure.

mod extras;

use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, ColumnOptionDef,
    CreateIndex, CreateTable, CreateTrigger, Expr, ForeignKeyConstraint, Ident, IndexColumn,
    ObjectName, ObjectType, TableConstraint, TriggerObject, TriggerObjectKind,
    UserDefinedTypeRepresentation,
};
use sqlparser::keywords::Keyword;

use super::names::{QualifiedName, fold, fold_all, last_part};
use super::{
    Catalog, Check, Column, ColumnDefault, EnumType, ForeignKey, Index, IndexId, IndexKey, Key,
    Table, Trigger, TypeKind,
};

use crate::load::{LoadedSet, Project};
use crate::locate::Locator;
use crate::source::Origin;

/// The schema a migration set produces.
pub fn replay(project: &Project, set: &LoadedSet) -> Catalog {
    let mut catalog = Catalog::default();
    for file in project.set_files(set) {
        for statement in file.up_statements() {
            let at = Locator::new(file, statement);
            let mut replay = Replay {
                catalog: &mut catalog,
                at: &at,
            };
            if let Some(ast) = statement.ast() {
                replay.statement(ast);
            }
            replay.extras(statement.ast(), &statement.extras);
        }
    }
    catalog
}

struct Replay<'c, 'a> {
    catalog: &'c mut Catalog,
    at: &'a Locator<'a>,
}

impl Replay<'_, '_> {
    fn statement(&mut self, statement: &ast::Statement) {
        use ast::Statement as S;
        match statement {
            S::CreateTable(create) => self.create_table(create),
            S::CreateView(create) => self.create_view(create),
            S::AlterView(ast::AlterView {
                name,
                operation: ast::AlterViewOperation::RenameTo { new_name },
                ..
            }) => self.rename_view(name, new_name),
            // `ALTER TABLE` renames views too.
            S::AlterTable(alter) if self.resolve(&alter.name).is_none() => self.alter_view(alter),
            S::AlterTable(alter) => {
                if let Some(table) = self.resolve(&alter.name) {
                    for operation in &alter.operations {
                        self.alter_table(&table, operation);
                    }
                }
            }
            S::CreateIndex(create) => self.create_index(create),
            S::AlterIndex {
                name,
                operation: ast::AlterIndexOperation::RenameIndex { index_name },
            } => self.rename_index(name, index_name),
            S::Drop {
                object_type,
                names,
                cascade,
                ..
            } => {
                self.drop_views(*object_type, names, *cascade);
                self.drop(*object_type, names);
            }
            S::CreateType {
                name,
                representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
            } => self.create_enum(name, labels),
            S::AlterType(alter) => self.alter_type(alter),
            S::CreateTrigger(create) => self.create_trigger(create),
            S::DropTrigger(drop) => self.drop_trigger(drop),
            S::CreateFunction(create) => {
                if let Some(name) = QualifiedName::from_object_name(&create.name) {
                    self.catalog.functions.push(name);
                }
            }
            S::Query(query) => self.query(query),
            S::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => self.comment(*object_type, object_name, comment.as_deref()),
            S::CreateSequence {
                name,
                sequence_options,
                if_not_exists,
                ..
            } => self.create_sequence(name, sequence_options, *if_not_exists),
            _ => {}
        }
    }

    /// The catalog key of an existing table. An unqualified name that is not
    /// in `public` matches a table of that name in another schema when there
    /// is exactly one (migrations that `SET search_path`).
    fn resolve(&self, name: &ObjectName) -> Option<QualifiedName> {
        let name = QualifiedName::from_object_name(name)?;
        self.resolve_name(&name)
    }

    fn resolve_name(&self, name: &QualifiedName) -> Option<QualifiedName> {
        if self.catalog.tables.contains_key(name) {
            return Some(name.clone());
        }
        if name.schema.is_some() {
            return None;
        }
        let mut matches = self.catalog.tables.keys().filter(|k| k.name == name.name);
        match (matches.next(), matches.next()) {
            (Some(only), None) => Some(only.clone()),
            _ => None,
        }
    }

    fn table_mut(&mut self, name: &QualifiedName) -> Option<&mut Table> {
        self.catalog.tables.get_mut(name)
    }

    // ----- CREATE TABLE -------------------------------------------------

    fn create_table(&mut self, create: &CreateTable) {
        // Tables whose columns come from elsewhere are not modelled.
        if create.query.is_some() || create.like.is_some() || create.partition_of.is_some() {
            return;
        }
        let Some(name) = QualifiedName::from_object_name(&create.name) else {
            return;
        };
        if create.if_not_exists && self.catalog.tables.contains_key(&name) {
            return;
        }
        let mut table = Table {
            name: name.clone(),
            name_origin: self.at.object_name(&create.name),
            created: self.at.statement(),
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            partition_key: create
                .partition_by
                .as_deref()
                .map(partition_columns)
                .unwrap_or_default(),
            comment: None,
        };
        // One pass, then duplicates dropped once: `add_column` per column
        // would rescan the columns each time (quadratic in wide tables).
        for column in &create.columns {
            let column = self.column(&mut table, column);
            table.columns.push(column);
        }
        keep_last_of_each_name(&mut table.columns);
        for constraint in &create.constraints {
            self.add_constraint(&mut table, constraint);
        }
        self.catalog.tables.insert(name.clone(), table);
        self.serial_sequences(&name);
    }

    fn add_column(&self, table: &mut Table, def: &ColumnDef) {
        let column = self.column(table, def);
        table.columns.retain(|c| c.name != column.name);
        table.columns.push(column);
    }

    /// A column definition as the model keeps it; its inline constraints
    /// go to `table`.
    fn column(&self, table: &mut Table, def: &ColumnDef) -> Column {
        let name = fold(&def.name);
        let name_origin = self.at.ident(&def.name);
        let mut column = Column {
            name,
            name_origin: name_origin.clone(),
            data_type: def.data_type.clone(),
            kind: TypeKind::of(&def.data_type),
            type_origin: self
                .at
                .type_after(&def.name)
                .unwrap_or_else(|| name_origin.clone()),
            not_null: false,
            default: None,
            identity: false,
            generated: false,
            definition: self.at.column_definition(&def.name),
            comment: None,
        };
        for option in &def.options {
            self.column_option(table, &mut column, &def.name, option);
        }
        column
    }

    fn column_option(
        &self,
        table: &mut Table,
        column: &mut Column,
        ident: &Ident,
        option: &ColumnOptionDef,
    ) {
        let constraint_name = option.name.as_ref();
        match &option.option {
            ColumnOption::NotNull => column.not_null = true,
            ColumnOption::Null => column.not_null = false,
            ColumnOption::Default(expr) => column.default = Some(ColumnDefault::of(expr)),
            ColumnOption::Generated {
                generation_expr: None,
                ..
            }
            | ColumnOption::Identity(_) => column.identity = true,
            ColumnOption::Generated { .. } => column.generated = true,
            ColumnOption::PrimaryKey(_) => {
                column.not_null = true;
                table.primary_key = Some(self.inline_key(ident, constraint_name, Keyword::PRIMARY));
            }
            ColumnOption::Unique(_) => {
                table
                    .uniques
                    .push(self.inline_key(ident, constraint_name, Keyword::UNIQUE));
            }
            ColumnOption::ForeignKey(fk) => {
                let name = constraint_name.or(fk.name.as_ref());
                let columns = (vec![column.name.clone()], column.name_origin.clone());
                let key = self.foreign_key(fk, name, columns, &column.definition, true);
                table.foreign_keys.push(key);
            }
            ColumnOption::Check(check) => {
                let name = constraint_name.or(check.name.as_ref());
                table.checks.push(Check {
                    name: name.map(fold),
                    expr: (*check.expr).clone(),
                    origin: self.at.span(ast::Spanned::span(check)),
                    column: Some(column.name.clone()),
                });
            }
            _ => {}
        }
    }

    /// A foreign key with its referencing `columns` (and where they are
    /// written); `fallback` is underlined when the `REFERENCES` clause
    /// cannot be found.
    fn foreign_key(
        &self,
        fk: &ForeignKeyConstraint,
        name: Option<&Ident>,
        (columns, columns_origin): (Vec<String>, Origin),
        fallback: &Origin,
        inline: bool,
    ) -> ForeignKey {
        ForeignKey {
            name: name.map(fold),
            name_origin: name.map(|n| self.at.ident(n)),
            columns,
            columns_origin,
            referenced_table: self.referenced_table(&fk.foreign_table),
            referenced_columns: fold_all(&fk.referred_columns),
            on_delete: fk.on_delete,
            on_update: fk.on_update,
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
            columns: vec![fold(ident)],
            origin: self
                .at
                .column_keyword(ident, keyword)
                .unwrap_or_else(|| self.at.ident(ident)),
            inline: true,
        }
    }

    /// The referenced table as the catalog knows it (so `users` finds
    /// `auth.users` when that is the only one), else as written.
    fn referenced_table(&self, name: &ObjectName) -> QualifiedName {
        let written = QualifiedName::from_object_name(name)
            .unwrap_or_else(|| QualifiedName::new(None, name.to_string()));
        self.resolve_name(&written).unwrap_or(written)
    }

    fn add_constraint(&self, table: &mut Table, constraint: &TableConstraint) {
        match constraint {
            TableConstraint::PrimaryKey(pk) => {
                let columns = index_idents(&pk.columns);
                for name in fold_all(&columns) {
                    if let Some(column) = table.column_mut(&name) {
                        column.not_null = true;
                    }
                }
                table.primary_key =
                    Some(self.table_key(pk.name.as_ref(), &columns, Keyword::PRIMARY));
            }
            TableConstraint::Unique(unique) => {
                let columns = index_idents(&unique.columns);
                table
                    .uniques
                    .push(self.table_key(unique.name.as_ref(), &columns, Keyword::UNIQUE));
            }
            TableConstraint::ForeignKey(fk) => {
                let columns_origin = self
                    .at
                    .idents(&fk.columns)
                    .unwrap_or_else(|| self.at.statement());
                let columns = (fold_all(&fk.columns), columns_origin.clone());
                let key = self.foreign_key(fk, fk.name.as_ref(), columns, &columns_origin, false);
                table.foreign_keys.push(key);
            }
            TableConstraint::Check(check) => table.checks.push(Check {
                name: check.name.as_ref().map(fold),
                expr: (*check.expr).clone(),
                origin: self.at.span(ast::Spanned::span(check)),
                column: None,
            }),
            TableConstraint::PrimaryKeyUsingIndex(using)
            | TableConstraint::UniqueUsingIndex(using) => {
                let index_name = fold(&using.index_name);
                let columns: Option<Vec<String>> = self
                    .catalog
                    .indexes
                    .named(&table.name.sibling(index_name.clone()))
                    .map(|i| i.leading_columns().map(str::to_string).collect());
                let Some(columns) = columns else { return };
                let key = Key {
                    name: using.name.as_ref().map(fold).or(Some(index_name)),
                    name_origin: using.name.as_ref().map(|n| self.at.ident(n)),
                    columns,
                    origin: self.at.ident(&using.index_name),
                    inline: false,
                };
                if matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_)) {
                    table.primary_key = Some(key);
                } else {
                    table.uniques.push(key);
                }
            }
            _ => {}
        }
    }

    fn table_key(&self, name: Option<&Ident>, columns: &[Ident], keyword: Keyword) -> Key {
        Key {
            name: name.map(fold),
            name_origin: name.map(|n| self.at.ident(n)),
            columns: fold_all(columns),
            origin: self
                .at
                .constraint(name, columns, &[keyword])
                .unwrap_or_else(|| self.at.statement()),
            inline: false,
        }
    }

    // ----- ALTER TABLE --------------------------------------------------

    fn alter_table(&mut self, name: &QualifiedName, operation: &AlterTableOperation) {
        use AlterTableOperation as Op;
        match operation {
            Op::AddColumn {
                column_def,
                if_not_exists,
                ..
            } => {
                let Some(mut table) = self.catalog.tables.remove(name) else {
                    return;
                };
                if !(*if_not_exists && table.column(&fold(&column_def.name)).is_some()) {
                    self.add_column(&mut table, column_def);
                }
                self.catalog.tables.insert(name.clone(), table);
                self.serial_sequences(name);
            }
            Op::DropColumn { column_names, .. } => {
                for column in column_names {
                    self.drop_column(name, &fold(column));
                }
            }
            Op::AlterColumn { column_name, op } => self.alter_column(name, column_name, op),
            Op::AddConstraint { constraint, .. } => {
                let Some(mut table) = self.catalog.tables.remove(name) else {
                    return;
                };
                self.add_constraint(&mut table, constraint);
                self.catalog.tables.insert(name.clone(), table);
            }
            Op::DropConstraint {
                name: constraint, ..
            } => {
                if let Some(table) = self.table_mut(name) {
                    drop_constraint(table, &fold(constraint));
                }
            }
            Op::DropPrimaryKey { .. } => {
                if let Some(table) = self.table_mut(name) {
                    table.primary_key = None;
                }
            }
            Op::RenameColumn {
                old_column_name,
                new_column_name,
            } => self.rename_column(name, &fold(old_column_name), new_column_name),
            Op::RenameTable { table_name } => {
                let (ast::RenameTableNameKind::As(new) | ast::RenameTableNameKind::To(new)) =
                    table_name;
                self.rename_table(name, new);
            }
            Op::RenameConstraint { old_name, new_name } => {
                if let Some(table) = self.table_mut(name) {
                    rename_constraint(table, &fold(old_name), &fold(new_name));
                }
            }
            _ => {}
        }
    }

    fn alter_column(&mut self, table: &QualifiedName, ident: &Ident, op: &AlterColumnOperation) {
        let type_origin = self.at.altered_type(ident);
        let name = fold(ident);
        let Some(column) = self.table_mut(table).and_then(|t| t.column_mut(&name)) else {
            return;
        };
        match op {
            AlterColumnOperation::SetNotNull => column.not_null = true,
            AlterColumnOperation::DropNotNull => column.not_null = false,
            AlterColumnOperation::SetDefault { value } => {
                column.default = Some(ColumnDefault::of(value));
            }
            AlterColumnOperation::DropDefault => column.default = None,
            AlterColumnOperation::SetDataType { data_type, .. } => {
                column.data_type = data_type.clone();
                column.kind = TypeKind::of(data_type);
                if let Some(origin) = type_origin {
                    column.type_origin = origin;
                }
            }
            AlterColumnOperation::AddGenerated { .. } => column.identity = true,
            // Foreign-data wrapper options: nothing the model keeps.
            AlterColumnOperation::GenericOptions { .. } => {}
        }
    }

    fn drop_column(&mut self, table_name: &QualifiedName, column: &str) {
        self.drop_owned_sequences(table_name, Some(column));
        let Some(table) = self.table_mut(table_name) else {
            return;
        };
        table.columns.retain(|c| c.name != column);
        let mentions = |columns: &[String]| columns.iter().any(|c| c == column);
        if table
            .primary_key
            .as_ref()
            .is_some_and(|k| mentions(&k.columns))
        {
            table.primary_key = None;
        }
        table.uniques.retain(|k| !mentions(&k.columns));
        table.foreign_keys.retain(|fk| !mentions(&fk.columns));
        table.checks.retain(|c| c.column.as_deref() != Some(column));
        self.catalog.indexes.retain_on_table(table_name, |index| {
            !(index.keys.iter().any(|k| k.column() == Some(column))
                || index.include.iter().any(|c| c == column))
        });
        // Foreign keys of other tables that point at the column go too
        // (PostgreSQL requires CASCADE for that).
        for other in self.catalog.tables.values_mut() {
            other.foreign_keys.retain(|fk| {
                fk.referenced_table != *table_name || !mentions(&fk.referenced_columns)
            });
        }
    }

    fn rename_column(&mut self, table_name: &QualifiedName, old: &str, new_ident: &Ident) {
        let new = fold(new_ident);
        let origin = self.at.ident(new_ident);
        let Some(table) = self.table_mut(table_name) else {
            return;
        };
        let Some(column) = table.column_mut(old) else {
            return;
        };
        column.name = new.clone();
        column.name_origin = origin;
        let rename = |columns: &mut Vec<String>| {
            for c in columns.iter_mut().filter(|c| *c == old) {
                *c = new.clone();
            }
        };
        for key in table.primary_key.iter_mut().chain(table.uniques.iter_mut()) {
            rename(&mut key.columns);
        }
        for fk in &mut table.foreign_keys {
            rename(&mut fk.columns);
        }
        for check in &mut table.checks {
            if check.column.as_deref() == Some(old) {
                check.column = Some(new.clone());
            }
        }
        self.catalog.indexes.on_table_mut(table_name, |index| {
            for key in &mut index.keys {
                if key.column() == Some(old) {
                    *key = IndexKey::Column(new.clone());
                }
            }
            rename(&mut index.include);
        });
        for other in self.catalog.tables.values_mut() {
            for fk in other
                .foreign_keys
                .iter_mut()
                .filter(|fk| fk.referenced_table == *table_name)
            {
                rename(&mut fk.referenced_columns);
            }
        }
    }

    fn rename_table(&mut self, old: &QualifiedName, new_name: &ObjectName) {
        let Some(new_part) = last_part(new_name) else {
            return;
        };
        // `RENAME TO` keeps the schema.
        let new = old.sibling(new_part);
        if let Some(table) = self.catalog.tables.get_mut(old) {
            table.name_origin = self.at.object_name(new_name);
        }
        self.move_table(old, new);
    }

    /// Gives a table a new name (`RENAME TO`, `SET SCHEMA`); everything that
    /// points at it follows.
    fn move_table(&mut self, old: &QualifiedName, new: QualifiedName) {
        let Some(mut table) = self.catalog.tables.remove(old) else {
            return;
        };
        table.name = new.clone();
        self.catalog.tables.insert(new.clone(), table);
        self.rename_owned_sequences(old, &new);
        self.catalog.indexes.move_table(old, &new);
        self.catalog.triggers.move_table(old, &new);
        for other in self.catalog.tables.values_mut() {
            for fk in other
                .foreign_keys
                .iter_mut()
                .filter(|fk| fk.referenced_table == *old)
            {
                fk.referenced_table = new.clone();
            }
        }
    }

    // ----- indexes ------------------------------------------------------

    fn create_index(&mut self, create: &CreateIndex) {
        let Some(table) = self.resolve(&create.table_name) else {
            return;
        };
        let name = create
            .name
            .as_ref()
            .and_then(last_part)
            .map(|n| table.sibling(n));
        if create.if_not_exists
            && let Some(name) = &name
            && self.catalog.indexes.named(name).is_some()
        {
            return;
        }
        let name_origin = create.name.as_ref().map(|n| self.at.object_name(n));
        self.catalog.indexes.push(Index {
            name,
            name_origin,
            table,
            keys: create.columns.iter().map(index_key).collect(),
            unique: create.unique,
            method: create.using.as_ref().map(|m| m.to_string().to_lowercase()),
            predicate: create.predicate.clone(),
            include: fold_all(&create.include),
            origin: self.at.statement(),
        });
    }

    fn find_index(&self, name: &ObjectName) -> Option<IndexId> {
        self.catalog
            .indexes
            .find(&QualifiedName::from_object_name(name)?)
    }

    fn rename_index(&mut self, old: &ObjectName, new: &ObjectName) {
        let origin = self.at.object_name(new);
        if let (Some(id), Some(new_name)) = (self.find_index(old), last_part(new))
            && let Some(table) = self.catalog.indexes.get(id).map(|i| i.table.clone())
        {
            self.catalog
                .indexes
                .rename(id, table.sibling(new_name), origin);
        }
    }

    // ----- DROP ---------------------------------------------------------

    fn drop(&mut self, object_type: ObjectType, names: &[ObjectName]) {
        for name in names {
            match object_type {
                ObjectType::Table => {
                    if let Some(table) = self.resolve(name) {
                        self.drop_table(&table);
                    }
                }
                ObjectType::Index => {
                    if let Some(id) = self.find_index(name) {
                        self.catalog.indexes.remove(id);
                    }
                }
                ObjectType::Type => {
                    if let Some(name) = QualifiedName::from_object_name(name) {
                        self.catalog.enums.remove(&name);
                    }
                }
                ObjectType::Sequence => self.drop_sequence(name),
                _ => {}
            }
        }
    }

    fn drop_table(&mut self, name: &QualifiedName) {
        self.catalog.tables.remove(name);
        self.drop_owned_sequences(name, None);
        self.catalog.indexes.drop_table(name);
        self.catalog.triggers.drop_table(name);
        for other in self.catalog.tables.values_mut() {
            other.foreign_keys.retain(|fk| fk.referenced_table != *name);
        }
    }

    // ----- types and triggers -------------------------------------------

    fn create_enum(&mut self, name: &ObjectName, labels: &[Ident]) {
        let Some(qualified) = QualifiedName::from_object_name(name) else {
            return;
        };
        self.catalog.enums.insert(
            qualified.clone(),
            EnumType {
                name: qualified,
                labels: labels.iter().map(|l| l.value.clone()).collect(),
                origin: self.at.statement(),
            },
        );
    }

    fn alter_type(&mut self, alter: &ast::AlterType) {
        let Some(name) = QualifiedName::from_object_name(&alter.name) else {
            return;
        };
        let Some(enum_type) = self.catalog.enums.get_mut(&name) else {
            return;
        };
        if let ast::AlterTypeOperation::AddValue(add) = &alter.operation
            && !enum_type.labels.contains(&add.value.value)
        {
            enum_type.labels.push(add.value.value.clone());
        }
    }

    fn create_trigger(&mut self, create: &CreateTrigger) {
        let (Some(table), Some(name)) = (self.resolve(&create.table_name), last_part(&create.name))
        else {
            return;
        };
        let for_each_row = matches!(
            create.trigger_object,
            Some(TriggerObjectKind::For(TriggerObject::Row))
                | Some(TriggerObjectKind::ForEach(TriggerObject::Row))
        );
        self.catalog.triggers.add(Trigger {
            name,
            table,
            timing: create.period.map(|p| p.to_string()),
            events: create
                .events
                .iter()
                .map(|e| {
                    let text = e.to_string();
                    text.split_whitespace().next().unwrap_or("").to_uppercase()
                })
                .collect(),
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
        });
    }

    /// `SELECT diesel_manage_updated_at('users');`: diesel's setup migration
    /// defines this helper, which creates `set_updated_at BEFORE UPDATE …
    /// FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()` on the table.
    fn query(&mut self, query: &ast::Query) {
        let ast::SetExpr::Select(select) = query.body.as_ref() else {
            return;
        };
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
            let Some(table) =
                super::defaults::regclass(argument).and_then(|name| self.resolve(&name))
            else {
                continue;
            };
            let name = "set_updated_at".to_string();
            self.catalog.triggers.add(Trigger {
                name,
                table,
                timing: Some("BEFORE".to_string()),
                events: vec!["UPDATE".to_string()],
                update_of: Vec::new(),
                for_each_row: true,
                function: Some(QualifiedName::new(None, "diesel_set_updated_at")),
                origin: self.at.statement(),
            });
        }
    }

    fn drop_trigger(&mut self, drop: &ast::DropTrigger) {
        let Some(name) = last_part(&drop.trigger_name) else {
            return;
        };
        let table = drop.table_name.as_ref().and_then(|t| self.resolve(t));
        self.catalog.triggers.remove(table.as_ref(), &name);
    }

    // ----- views --------------------------------------------------------

    fn create_view(&mut self, create: &ast::CreateView) {
        // A temporary view ends with the migration's session.
        if create.temporary {
            return;
        }
        let Some(name) = QualifiedName::from_object_name(&create.name) else {
            return;
        };
        if create.if_not_exists && self.catalog.views.contains_key(&name) {
            return;
        }
        let mut wildcards: Vec<Origin> = super::views::wildcards(&create.query)
            .into_iter()
            .map(|span| self.at.span(span))
            .collect();
        wildcards.sort_by_key(|o| (o.span.start, o.span.end));
        wildcards.dedup();
        let reads = super::views::relations(&create.query)
            .iter()
            .filter_map(|relation| self.resolve_relation(relation))
            .collect();
        let view = super::View {
            name: name.clone(),
            materialized: create.materialized,
            created: self.at.statement(),
            name_origin: self.at.object_name(&create.name),
            wildcards,
            reads,
        };
        self.catalog.views.insert(name, view);
    }

    /// The catalog key of an existing view, found like a table's (see
    /// `resolve_name`).
    fn resolve_view(&self, name: &ObjectName) -> Option<QualifiedName> {
        let name = QualifiedName::from_object_name(name)?;
        if self.catalog.views.contains_key(&name) {
            return Some(name);
        }
        if name.schema.is_some() {
            return None;
        }
        let mut matches = self.catalog.views.keys().filter(|k| k.name == name.name);
        match (matches.next(), matches.next()) {
            (Some(only), None) => Some(only.clone()),
            _ => None,
        }
    }

    /// A relation a view reads: a known table or view, else as written.
    fn resolve_relation(&self, name: &ObjectName) -> Option<QualifiedName> {
        self.resolve(name)
            .or_else(|| self.resolve_view(name))
            .or_else(|| QualifiedName::from_object_name(name))
    }

    /// `ALTER TABLE v RENAME TO w` on a view.
    fn alter_view(&mut self, alter: &ast::AlterTable) {
        for operation in &alter.operations {
            if let AlterTableOperation::RenameTable { table_name } = operation {
                let (ast::RenameTableNameKind::As(new) | ast::RenameTableNameKind::To(new)) =
                    table_name;
                self.rename_view(&alter.name, new);
            }
        }
    }

    fn rename_view(&mut self, old: &ObjectName, new_name: &ObjectName) {
        let (Some(old), Some(new_part)) = (self.resolve_view(old), last_part(new_name)) else {
            return;
        };
        let Some(mut view) = self.catalog.views.remove(&old) else {
            return;
        };
        // `RENAME TO` keeps the schema.
        let new = old.sibling(new_part);
        view.name = new.clone();
        view.name_origin = self.at.object_name(new_name);
        self.catalog.views.insert(new.clone(), view);
        for other in self.catalog.views.values_mut() {
            for read in other.reads.iter_mut().filter(|r| **r == old) {
                *read = new.clone();
            }
        }
    }

    /// `DROP [MATERIALIZED] VIEW`, and the views a `DROP … CASCADE` of a
    /// table or view takes with it. Runs before the table is dropped.
    fn drop_views(&mut self, object_type: ObjectType, names: &[ObjectName], cascade: bool) {
        let dropped: Vec<QualifiedName> = names
            .iter()
            .filter_map(|name| match object_type {
                ObjectType::View | ObjectType::MaterializedView => self.resolve_view(name),
                ObjectType::Table if cascade => self.resolve_relation(name),
                _ => None,
            })
            .collect();
        for name in &dropped {
            self.catalog.views.remove(name);
        }
        if cascade {
            self.drop_readers(dropped);
        }
    }

    /// Drops every view that reads one of `gone`, and the views that read
    /// those, and so on.
    fn drop_readers(&mut self, mut gone: Vec<QualifiedName>) {
        while let Some(name) = gone.pop() {
            let readers: Vec<QualifiedName> = self
                .catalog
                .views
                .values()
                .filter(|view| view.reads.contains(&name))
                .map(|view| view.name.clone())
                .collect();
            for reader in readers {
                self.catalog.views.remove(&reader);
                gone.push(reader);
            }
        }
    }
}

/// The columns of a `PARTITION BY RANGE|LIST|HASH (a, b)` key (the parser
/// reads the method and its columns as a function call); expressions are
/// left out.
fn partition_columns(expr: &Expr) -> Vec<String> {
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

/// PostgreSQL's names for unnamed constraints, so that `DROP CONSTRAINT
/// users_email_key` finds an inline `UNIQUE`.
fn default_name(table: &str, columns: &[String], suffix: &str) -> String {
    if columns.is_empty() {
        format!("{table}_{suffix}")
    } else {
        format!("{table}_{}_{suffix}", columns.join("_"))
    }
}

/// Drops from `items` the constraint called `name`, explicitly or by
/// PostgreSQL's default name (`{table}_{columns}_{suffix}`).
fn drop_named<T>(
    items: &mut Vec<T>,
    table: &str,
    name: &str,
    suffix: &str,
    key: impl Fn(&T) -> (Option<&str>, &[String]),
) {
    items.retain(|item| {
        let (explicit, columns) = key(item);
        match explicit {
            Some(explicit) => explicit != name,
            None => default_name(table, columns, suffix) != name,
        }
    });
}

fn drop_constraint(table: &mut Table, name: &str) {
    let table_name = table.name.name.clone();
    let mut primary: Vec<Key> = table.primary_key.take().into_iter().collect();
    drop_named(&mut primary, &table_name, name, "pkey", |k| {
        (k.name.as_deref(), &[])
    });
    table.primary_key = primary.pop();
    drop_named(&mut table.uniques, &table_name, name, "key", |k| {
        (k.name.as_deref(), &k.columns)
    });
    drop_named(&mut table.foreign_keys, &table_name, name, "fkey", |fk| {
        (fk.name.as_deref(), &fk.columns)
    });
    drop_named(&mut table.checks, &table_name, name, "check", |c| {
        (c.name.as_deref(), c.column.as_slice())
    });
}

fn rename_constraint(table: &mut Table, old: &str, new: &str) {
    let keys = table.primary_key.iter_mut().chain(table.uniques.iter_mut());
    for key in keys.filter(|k| k.name.as_deref() == Some(old)) {
        key.name = Some(new.to_string());
    }
    for fk in table
        .foreign_keys
        .iter_mut()
        .filter(|fk| fk.name.as_deref() == Some(old))
    {
        fk.name = Some(new.to_string());
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
