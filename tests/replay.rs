//! The schema model, one statement kind at a time: SQL in, a dump of the
//! replayed model out (pinned with insta), so that what each statement
//! does to the model is visible and reviewed.

mod common;

use std::fmt::Write;

use schema_lint::discover;
use schema_lint::load;
use schema_lint::model::replay::replay;

/// A one-file migration set, loaded (with the folder that holds it).
fn loaded(sql: &str) -> (common::Scratch, load::Project) {
    let scratch = common::Scratch::new();
    scratch.write("m/0001_test.sql", sql);
    let root = scratch.path().join("m");
    let discovery = discover::discover(&[root], &discover::Options::default());
    let (project, errors) = load::load(discovery, load::ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    (scratch, project)
}

/// The model a one-file migration set produces, as text.
fn model(sql: &str) -> String {
    let (_scratch, project) = loaded(sql);
    let mut out = String::new();
    for file in project.migrations() {
        for statement in &file.statements {
            if let Some(failure) = statement.failure() {
                let _ = writeln!(out, "PARSE ERROR: {}", failure.message);
            }
        }
    }
    let catalog = replay(&project, &project.sets[0]);
    for table in catalog.tables.values() {
        let _ = writeln!(out, "table {}", table.name);
        if let Some((comment, _)) = table.comment.as_deref() {
            let _ = writeln!(out, "  comment {comment:?}");
        }
        for c in &table.columns {
            let _ = writeln!(
                out,
                "  {} {}{}{}{}",
                c.name,
                c.kind().sql_name(),
                if c.not_null { " not null" } else { "" },
                c.default.as_deref().map(default_text).unwrap_or_default(),
                if c.identity { " identity" } else { "" }
            );
            if let Some((comment, _)) = c.comment.as_deref() {
                let _ = writeln!(out, "    comment {comment:?}");
            }
        }
        if let Some(pk) = &table.primary_key {
            let _ = writeln!(out, "  primary key ({})", pk.columns.join(", "));
        }
        for key in &table.uniques {
            let _ = writeln!(out, "  unique {:?} ({})", key.name, key.columns.join(", "));
        }
        for fk in &table.foreign_keys {
            let _ = writeln!(
                out,
                "  foreign key {:?} ({}) -> {} on delete {:?} on update {:?}",
                fk.name,
                fk.columns.join(", "),
                fk.referenced_table,
                fk.on_delete.map(|a| a.to_string()),
                fk.on_update.map(|a| a.to_string())
            );
        }
    }
    for index in catalog.indexes.iter() {
        let _ = writeln!(
            out,
            "index {:?} on {} unique={} partial={}",
            index.name.as_ref().map(|n| n.to_string()),
            index.table,
            index.unique,
            index.predicate.is_some()
        );
    }
    for sequence in catalog.sequences.values() {
        let _ = writeln!(
            out,
            "sequence {} {} owned by {:?}",
            sequence.name,
            sequence.kind.sql_name(),
            sequence.owned_by.as_ref().map(|(t, c)| format!("{t}.{c}"))
        );
    }
    for trigger in catalog.triggers.iter() {
        let _ = writeln!(
            out,
            "trigger {} on {} {:?} {:?}",
            trigger.name, trigger.table, trigger.timing, trigger.events
        );
    }
    for view in catalog.views.values() {
        let _ = writeln!(out, "view {}", view.name);
    }
    for e in catalog.enums.values() {
        let _ = writeln!(out, "enum {} {:?}", e.name, e.labels);
    }
    out
}

fn default_text(default: &schema_lint::model::ColumnDefault) -> String {
    use schema_lint::model::DefaultKind;
    let kind = match &default.kind {
        DefaultKind::Now => "now".to_string(),
        DefaultKind::Null => "null".to_string(),
        DefaultKind::Nextval(sequence) => format!("serial from {sequence}"),
        DefaultKind::Literal => "literal".to_string(),
        DefaultKind::Other => "other".to_string(),
    };
    format!(" default {default} ({kind})")
}

#[test]
fn create_table_with_keys() {
    insta::assert_snapshot!(model(
        "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, team_id BIGINT REFERENCES teams (id) ON DELETE CASCADE);\nCREATE TABLE teams (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY);"
    ));
}

#[test]
fn serial_columns_own_a_sequence() {
    insta::assert_snapshot!(model(
        "CREATE TABLE users (id SERIAL PRIMARY KEY, n BIGSERIAL);\nALTER TABLE users ADD COLUMN m smallserial;"
    ));
}

#[test]
fn pg_dump_serials() {
    insta::assert_snapshot!(model(
        "CREATE TABLE public.users (id integer NOT NULL);\nCREATE SEQUENCE public.users_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;\nALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;\nALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);\nALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\nALTER SEQUENCE public.users_id_seq RENAME TO user_ids;"
    ));
}

/// A renamed sequence: every default that calls it follows, in each table
/// that has one (created with it, given it later, renamed since, or a
/// serial column's), and twice over; a default that calls another does
/// not.
#[test]
fn defaults_follow_their_renamed_sequence() {
    insta::assert_snapshot!(model(
        "CREATE SEQUENCE ids;\nCREATE SEQUENCE other;\nCREATE TABLE a (id bigint DEFAULT nextval('ids'), b bigint DEFAULT nextval('other'));\nCREATE TABLE c (id bigint);\nALTER TABLE c ALTER COLUMN id SET DEFAULT nextval('ids');\nALTER TABLE a RENAME TO a2;\nCREATE TABLE d (id bigserial);\nALTER SEQUENCE ids RENAME TO shared_ids;\nALTER SEQUENCE d_id_seq RENAME TO d_ids;\nALTER SEQUENCE shared_ids RENAME TO all_ids;"
    ));
}

#[test]
fn postgres_18_named_not_null() {
    insta::assert_snapshot!(model(
        "CREATE TABLE a (id bigint, x int, y int, CONSTRAINT a_x_not_null NOT NULL x);\nALTER TABLE a ADD CONSTRAINT a_y_not_null NOT NULL y;"
    ));
}

#[test]
fn alter_table_actions_the_parser_does_not_read() {
    insta::assert_snapshot!(model(
        "CREATE TABLE a (id bigserial PRIMARY KEY, n varchar(3), t bigint GENERATED ALWAYS AS IDENTITY);\nALTER TABLE a ALTER COLUMN n SET NOT NULL, ALTER COLUMN n TYPE text COLLATE \"C\", ALTER COLUMN n SET STATISTICS 10;\nALTER TABLE a ALTER COLUMN t DROP IDENTITY;\nCREATE SCHEMA archive;\nALTER TABLE a SET SCHEMA archive;"
    ));
}

#[test]
fn triggers_renamed() {
    insta::assert_snapshot!(model(
        "CREATE TABLE a (id bigint);\nCREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE PROCEDURE f('x');\nALTER TRIGGER t ON a RENAME TO u;"
    ));
}

/// A trigger dropped on a table the model does not know leaves the
/// triggers of that name on other tables; a rename onto a name the table
/// already has (PostgreSQL refuses it) changes nothing; a trigger created
/// again with `OR REPLACE` goes last, and one dropped and created again
/// too.
#[test]
fn triggers_dropped_replaced_and_renamed_by_name() {
    insta::assert_snapshot!(model(
        "CREATE TABLE a (id bigint);\nCREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION f();\nCREATE TRIGGER u BEFORE INSERT ON a FOR EACH ROW EXECUTE FUNCTION f();\nCREATE TRIGGER v AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION f();\nDROP TRIGGER t ON missing;\nALTER TRIGGER u ON a RENAME TO t;\nCREATE OR REPLACE TRIGGER t AFTER UPDATE ON a FOR EACH ROW EXECUTE FUNCTION g();\nDROP TRIGGER u ON a;\nCREATE TRIGGER u AFTER DELETE ON a FOR EACH ROW EXECUTE FUNCTION f();\nALTER TRIGGER v ON a RENAME TO w;"
    ));
}

#[test]
fn renames_and_drops() {
    insta::assert_snapshot!(model(
        "CREATE TABLE a (id bigint PRIMARY KEY, n text);\nCREATE INDEX idx_a_n ON a (n) WHERE n IS NOT NULL;\nALTER TABLE a RENAME COLUMN n TO m;\nALTER TABLE a RENAME TO b;\nALTER INDEX idx_a_n RENAME TO idx_b_m;\nCREATE TABLE c (id bigint);\nDROP TABLE c;"
    ));
}

#[test]
fn views_and_enums() {
    insta::assert_snapshot!(model(
        "CREATE TYPE mood AS ENUM ('ok');\nALTER TYPE mood ADD VALUE 'bad';\nCREATE TABLE a (id bigint, m mood);\nCREATE VIEW v WITH (security_invoker) AS SELECT id FROM a;\nCREATE VIEW w AS SELECT id FROM a;\nDROP VIEW w;"
    ));
}

#[test]
fn comments() {
    insta::assert_snapshot!(model(
        "CREATE TABLE a (id bigint, n text);\nCOMMENT ON TABLE a IS 'All the a''s';\nCOMMENT ON COLUMN a.n IS 'The name';\nCOMMENT ON COLUMN public.a.id IS 'Gone';\nCOMMENT ON COLUMN a.id IS NULL;"
    ));
}

#[test]
fn enum_values_added_in_place_renamed_and_the_type_renamed() {
    insta::assert_snapshot!(model(
        "CREATE TYPE role AS ENUM ('member', 'admin');
CREATE TABLE users (id BIGINT PRIMARY KEY, role role NOT NULL, past role[]);
ALTER TYPE role ADD VALUE 'owner' BEFORE 'member';
ALTER TYPE role ADD VALUE IF NOT EXISTS 'guest' AFTER 'member';
ALTER TYPE role ADD VALUE 'auditor';
ALTER TYPE role RENAME VALUE 'admin' TO 'administrator';
ALTER TYPE role RENAME TO access_role;"
    ));
}

/// A set's columns of one type share it (`Column::ty`): a set of thousands
/// of tables would otherwise hold a copy per column. A type set by a later
/// `ALTER COLUMN … TYPE` or reached by renaming an enum is shared too.
#[test]
fn columns_of_one_type_share_it() {
    let scratch = common::Scratch::new();
    scratch.write(
        "m/0001_test.sql",
        "CREATE TYPE mood AS ENUM ('ok');
CREATE TABLE a (id bigint, n text, m mood);
CREATE TABLE b (id bigint, n integer, m mood);
ALTER TABLE b ALTER COLUMN n TYPE text;
ALTER TABLE b ADD COLUMN k bigint;
ALTER TYPE mood RENAME TO feeling;",
    );
    let root = scratch.path().join("m");
    let discovery = discover::discover(&[root], &discover::Options::default());
    let (project, _) = load::load(discovery, load::ReadOptions::default());
    let catalog = replay(&project, &project.sets[0]);
    let column = |table: &str, column: &str| {
        let table = catalog
            .tables
            .values()
            .find(|t| t.name.name == table)
            .expect("table");
        table.column(column).expect("column").ty.clone()
    };
    let shared = |x: (&str, &str), y: (&str, &str)| {
        std::sync::Arc::ptr_eq(&column(x.0, x.1), &column(y.0, y.1))
    };
    assert!(shared(("a", "id"), ("b", "id")));
    assert!(shared(("a", "id"), ("b", "k")));
    assert!(shared(("a", "n"), ("b", "n")));
    assert!(shared(("a", "m"), ("b", "m")));
    assert!(!shared(("a", "id"), ("a", "n")));
    assert_eq!(column("a", "m").kind.sql_name(), "feeling");
}

/// What points at a table (foreign keys of other tables and of itself,
/// sequences it owns) follows its renames and goes with its drops, made
/// before and after the first such change (the replay keeps lists of
/// them from then on, see `replay::links`).
#[test]
fn what_points_at_a_table_follows_renames_and_drops() {
    insta::assert_snapshot!(model(
        "CREATE TABLE parents (id BIGSERIAL PRIMARY KEY, code TEXT UNIQUE);
CREATE TABLE kids (id BIGINT PRIMARY KEY, parent_id BIGINT REFERENCES parents (id), parent_code TEXT REFERENCES parents (code), self_id BIGINT REFERENCES kids (id));
ALTER TABLE parents RENAME COLUMN code TO slug;
ALTER TABLE kids RENAME TO children;
ALTER TABLE parents RENAME TO families;
CREATE TABLE toys (id BIGINT PRIMARY KEY, child_id BIGINT REFERENCES children (id));
ALTER TABLE children RENAME TO young;
ALTER TABLE families DROP COLUMN slug;
ALTER TABLE young ADD COLUMN extra_id BIGSERIAL;
ALTER TABLE young ADD COLUMN other_id BIGSERIAL;
ALTER TABLE young RENAME TO minors;
ALTER TABLE minors DROP COLUMN extra_id;
DROP TABLE families;
ALTER TABLE minors RENAME COLUMN id TO minor_id;"
    ));
}

/// Views that read a renamed or dropped relation, and columns of a
/// renamed type, are found through the replay's lists (`replay::links`).
#[test]
fn views_and_typed_columns_follow_renames_and_drops() {
    insta::assert_snapshot!(model(
        "CREATE TYPE mood AS ENUM ('ok');
CREATE TABLE people (id BIGINT PRIMARY KEY, m mood, ms mood[]);
CREATE VIEW people_v AS SELECT * FROM people;
CREATE VIEW people_vv AS SELECT * FROM people_v;
CREATE VIEW other_v AS SELECT 1 AS one;
ALTER VIEW people_v RENAME TO persons_v;
ALTER TYPE mood RENAME TO feeling;
CREATE TABLE pets (id BIGINT PRIMARY KEY, f feeling);
ALTER TYPE feeling RENAME TO humour;
ALTER TABLE people RENAME TO persons;
ALTER TYPE humour RENAME TO temper;
DROP TABLE persons CASCADE;"
    ));
}

/// An unqualified name finds the only table of that name in another
/// schema, the table being altered too: `REFERENCES t` in an `ALTER TABLE
/// app.t` is `app.t`.
#[test]
fn a_self_reference_added_in_a_schema_is_resolved() {
    insta::assert_snapshot!(model(
        "CREATE TABLE app.nodes (id BIGINT PRIMARY KEY, parent_id BIGINT);
ALTER TABLE app.nodes ADD CONSTRAINT nodes_parent_fk FOREIGN KEY (parent_id) REFERENCES nodes (id);"
    ));
}

/// Each column keeps its type as the migration writes it, which is what
/// messages quote: the text at its `type_origin`, through a retype and an
/// enum's rename. A foreign key keeps the one column it names as written,
/// also after the column's rename (`foreign-key-naming` underlines it
/// there only while the names agree).
#[test]
fn types_and_foreign_key_columns_as_written() {
    let (_scratch, project) = loaded(
        "CREATE TYPE mood AS ENUM ('a');\n\
         CREATE TABLE t (id BIGINT PRIMARY KEY, a character varying (40), b INT8, m mood);\n\
         CREATE TABLE u (id bigint PRIMARY KEY, \"Owner\" int8 REFERENCES t, Team_Id BIGINT REFERENCES t, x int, y int,\n\
           FOREIGN KEY (x, y) REFERENCES t (id, b));\n\
         ALTER TABLE t ALTER COLUMN b TYPE Numeric (10, 2);\n\
         ALTER TYPE mood RENAME TO feeling;\n\
         ALTER TABLE u RENAME COLUMN team_id TO lead_id;\n",
    );
    let catalog = replay(&project, &project.sets[0]);
    let text = project
        .migrations()
        .next()
        .map(|f| f.source.text().to_string());
    let text = text.unwrap_or_default();
    let at = |span: std::ops::Range<usize>| text[span].to_string();
    let mut written = Vec::new();
    for table in catalog.tables.values() {
        for column in &table.columns {
            assert_eq!(
                column.written_type(),
                at(column.type_origin.span()),
                "{}",
                column.name
            );
            written.push(format!(
                "{}.{} {}",
                table.name,
                column.name,
                column.written_type()
            ));
        }
    }
    assert_eq!(
        written,
        [
            "t.id BIGINT",
            "t.a character varying (40)",
            "t.b Numeric (10, 2)",
            "t.m mood",
            "u.id bigint",
            "u.Owner int8",
            "u.lead_id BIGINT",
            "u.x int",
            "u.y int",
        ]
    );
    let u = catalog.tables.values().find(|t| t.name.name == "u");
    let fks: Vec<_> = u
        .into_iter()
        .flat_map(|t| &t.foreign_keys)
        .map(|fk| {
            (
                fk.columns.join(","),
                fk.written_column.as_ref().map(|c| c.to_string()),
            )
        })
        .collect();
    assert_eq!(
        fks,
        [
            ("Owner".to_string(), Some("Owner".to_string())),
            ("lead_id".to_string(), Some("team_id".to_string())),
            ("x,y".to_string(), None),
        ]
    );
}
