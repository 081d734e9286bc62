//! Messages and help texts name objects as they are written, and the SQL a
//! help suggests is valid for them: identifiers that need quotes are
//! quoted, and a templated schema does not leak into names.

mod common;

use common::{Scratch, lint_json};

/// `rule: message` / `help` / `object` of every finding, one block each.
fn findings(document: &serde_json::Value) -> String {
    let mut out = String::new();
    for d in document["diagnostics"].as_array().expect("diagnostics") {
        out.push_str(&format!(
            "{}:{} {}: {}\n  help: {}\n  object: {}\n",
            d["path"].as_str().unwrap_or(""),
            d["line"],
            d["rule"].as_str().unwrap_or(""),
            d["message"].as_str().unwrap_or(""),
            d["help"].as_str().unwrap_or(""),
            d["object"]
        ));
    }
    out
}

#[test]
fn help_sql_quotes_identifiers_and_leaves_templated_schemas_out() {
    let scratch = Scratch::new();
    scratch.write(
        "m/000001_tenants.up.sql",
        r#"CREATE TABLE "Controller" (id BIGSERIAL PRIMARY KEY);
CREATE TABLE "Tenant" (
    id BIGSERIAL PRIMARY KEY,
    "controllerPartitionId" BIGINT NOT NULL REFERENCES "Controller" (id) ON DELETE CASCADE ON UPDATE CASCADE,
    "regionId" BIGINT NOT NULL
);
CREATE INDEX "Tenant_regionId_idx" ON "Tenant" ("regionId");
CREATE TABLE "user" (id BIGSERIAL PRIMARY KEY, is_admin INTEGER NOT NULL DEFAULT 0);
CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES "user" (id) ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE {{ index .Options "Namespace" }}.sessions (id BIGSERIAL PRIMARY KEY, token VARCHAR(255));
CREATE INDEX sessions_token_idx ON {{ index .Options "Namespace" }}.sessions (token);
"#,
    );
    let (_, document) = lint_json(
        scratch.path(),
        &[
            "--select",
            "foreign-key-index,index-naming,boolean-columns,prefer-text",
            "m",
        ],
    );
    insta::assert_snapshot!(findings(&document));
}

#[test]
fn reasons_and_suggestions() {
    let scratch = Scratch::new();
    scratch.write(
        "m/000001_init.up.sql",
        r#"CREATE TYPE payout_state AS ENUM ('pending', 'completed');
CREATE TABLE payouts (
    id BIGSERIAL PRIMARY KEY,
    state payout_state NOT NULL,
    finalized_at TIMESTAMPTZ,
    CHECK ((state IN ('completed') AND finalized_at IS NOT NULL) OR finalized_at IS NULL)
);
CREATE TABLE lsif_data_docs_search_lang_names_private (id BIGSERIAL PRIMARY KEY);
CREATE TABLE lsif_data_docs_search_private (
    id BIGSERIAL PRIMARY KEY,
    lang_name_id BIGINT NOT NULL REFERENCES lsif_data_docs_search_lang_names_private (id)
);
"#,
    );
    let (_, document) = lint_json(
        scratch.path(),
        &["--select", "status-lookup,foreign-key-naming", "m"],
    );
    insta::assert_snapshot!(findings(&document));
}
