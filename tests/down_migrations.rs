//! Down migrations are checked for parse errors only, by every rule, in
//! every layout that has them.

mod common;

use common::{Scratch, lint_json};

/// SQL that breaks every convention a rule checks in SQL (in an up
/// migration, 22 rules report it): were any rule but `parse-error` to judge
/// down migrations, it would report something here.
const EVERYTHING_WRONG: &str = r#"CREATE EXTENSION hstore;
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE Person (
    ID SERIAL PRIMARY KEY,
    "userName" VARCHAR(20),
    code CHAR(3),
    is_active INTEGER,
    status TEXT CHECK (status IN ('a', 'b')),
    state mood,
    phone1 TEXT, phone2 TEXT, phone3 TEXT,
    owner INTEGER REFERENCES users,
    created TIMESTAMP
);
CREATE TABLE order_statuses (code TEXT);
CREATE TABLE orders (id INTEGER, status_id BIGINT REFERENCES order_statuses, updated_at TIMESTAMPTZ);
CREATE INDEX ON orders (status_id);
CREATE UNIQUE INDEX orders_code ON orders (id);
CREATE VIEW everything AS SELECT * FROM orders;
CREATE TABLE broken (id BIGINT,,);
"#;

/// Each layout's down migration holds `EVERYTHING_WRONG`; its up migration
/// is clean.
fn layouts() -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let up = "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now());\nCREATE FUNCTION trigger_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$;\nCREATE TRIGGER set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();\n";
    let wrong = EVERYTHING_WRONG.to_string();
    vec![
        (
            "sqlx",
            vec![
                ("m/20240101000000_users.up.sql", up.to_string()),
                ("m/20240101000000_users.down.sql", wrong.clone()),
            ],
        ),
        (
            "diesel",
            vec![
                ("m/2024-01-01-000001_users/up.sql", up.to_string()),
                ("m/2024-01-01-000001_users/down.sql", wrong.clone()),
            ],
        ),
        (
            "goose",
            vec![(
                "m/20240101000000_users.sql",
                format!("-- +goose Up\n{up}-- +goose Down\n{wrong}"),
            )],
        ),
        (
            "dbmate",
            vec![(
                "m/20240101000000_users.sql",
                format!("-- migrate:up\n{up}-- migrate:down\n{wrong}"),
            )],
        ),
    ]
}

#[test]
fn only_parse_error_reports_in_down_migrations() {
    for (layout, files) in layouts() {
        let scratch = Scratch::new();
        for (path, text) in &files {
            scratch.write(path, text);
        }
        let (_, document) = lint_json(scratch.path(), &["--select", "all", "m"]);
        let rules: Vec<String> = document["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["rule"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(rules, ["parse-error"], "{layout}: {document:#}");
    }
}
