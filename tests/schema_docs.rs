//! `schema-lint schema` and `schema-lint conventions`: the documents of
//! the example set, checked by the real renderers (Graphviz's `dot`,
//! Mermaid's own parser under node), the cascade trees checked against
//! what PostgreSQL does, and the conventions template linted.
//!
//! Without `dot`, node or the Mermaid package (`npm ci` in
//! tests/renderers/) the renderer tests skip with a printed reason,
//! unless `SCHEMA_LINT_REQUIRE_RENDERERS=1` (set by `.ci/run`), where that
//! is a failure. The PostgreSQL tests follow `SCHEMA_LINT_REQUIRE_POSTGRES`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::postgres::Server;
use common::{Scratch, outcome, repo, schema_lint};
use serde_json::Value;

/// Runs `schema-lint ARGS` in `dir`; returns the exit code, stdout and
/// stderr.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(schema_lint(dir).args(args))
}

/// stdout of a run that must succeed.
fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(dir, args);
    assert_eq!(code, 0, "schema-lint {args:?} failed:\n{err}");
    out
}

/// A renderer the tests need, or the reason it is missing.
fn renderer(what: &str, found: Result<(), String>) -> bool {
    match found {
        Ok(()) => true,
        Err(reason) => {
            if std::env::var_os("SCHEMA_LINT_REQUIRE_RENDERERS").is_some() {
                panic!("{what}: {reason}, but SCHEMA_LINT_REQUIRE_RENDERERS is set");
            }
            eprintln!("skipped {what}: {reason}");
            false
        }
    }
}

fn has_program(program: &str, version_flag: &str) -> Result<(), String> {
    match Command::new(program).arg(version_flag).output() {
        Ok(output) if output.status.success() => Ok(()),
        _ => Err(format!("`{program}` is not installed")),
    }
}

fn renderers_dir() -> PathBuf {
    repo().join("tests/renderers")
}

fn has_mermaid() -> Result<(), String> {
    has_program("node", "--version")?;
    if renderers_dir().join("node_modules/mermaid").is_dir() {
        Ok(())
    } else {
        Err("the mermaid package is not installed (`npm ci` in tests/renderers/)".to_string())
    }
}

/// Parses each diagram with Mermaid's parser; panics with its message.
fn assert_mermaid_parses(diagrams: &[(&str, &str)]) {
    let scratch = Scratch::new();
    let files: Vec<PathBuf> = diagrams
        .iter()
        .map(|(name, text)| scratch.write(&format!("{name}.mmd"), text))
        .collect();
    let output = Command::new("node")
        .arg(renderers_dir().join("check-mermaid.mjs"))
        .args(&files)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "Mermaid rejects a diagram: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.matches(" er\n").count(), diagrams.len(), "{stdout}");
}

/// Renders DOT to SVG with Graphviz; returns the SVG.
fn dot_svg(dot: &str) -> String {
    let scratch = Scratch::new();
    let file = scratch.write("schema.dot", dot);
    let output = Command::new("dot")
        .arg("-Tsvg")
        .arg(&file)
        .output()
        .expect("dot runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "dot fails: {stderr}");
    assert!(stderr.trim().is_empty(), "dot warns: {stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A schema with names, types and comments the renderers must escape or
/// quote: schemas, quoted names, reserved words, `<&>"|` and backquotes.
const AWKWARD: &str = r#"
CREATE SCHEMA auth;
CREATE TABLE auth.users (
    id BIGSERIAL PRIMARY KEY,
    "E-mail" TEXT NOT NULL UNIQUE,
    score NUMERIC(10,2),
    tags TEXT[],
    ratio DOUBLE PRECISION,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
COMMENT ON TABLE auth.users IS 'People who <log in> & "act"; a | b `x`';
COMMENT ON COLUMN auth.users.id IS 'The "id" <key> | with a very long description that goes on and on and on and on and on';
CREATE TABLE "end" (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL UNIQUE REFERENCES auth.users (id) ON DELETE CASCADE,
    "to" BIGINT REFERENCES "end" (id)
);
CREATE TABLE "Weird Table" (
    a BIGINT NOT NULL,
    b BIGINT NOT NULL,
    PRIMARY KEY (a, b),
    FOREIGN KEY (a) REFERENCES "end" (id) ON DELETE SET NULL ON UPDATE RESTRICT
);
CREATE INDEX ON "Weird Table" ((a + b)) WHERE a > 0;
"#;

fn awkward_set() -> Scratch {
    let scratch = Scratch::new();
    scratch.write("migrations/0001_awkward.sql", AWKWARD);
    scratch
}

// ----- diagrams -----------------------------------------------------------

#[test]
fn the_example_diagram_renders_with_graphviz() {
    if !renderer("Graphviz", has_program("dot", "-V")) {
        return;
    }
    let dot = ok(&repo(), &["schema", "--format", "dot", "migrations/"]);
    let svg = dot_svg(&dot);
    // Every table a node, every foreign key an edge.
    assert_eq!(svg.matches("class=\"node\"").count(), 11, "{svg}");
    assert_eq!(svg.matches("class=\"edge\"").count(), 11, "{svg}");
    assert!(svg.contains("ON DELETE SET NULL"), "{svg}");
    let awkward = awkward_set();
    let dot = ok(awkward.path(), &["schema", "--format", "dot"]);
    let svg = dot_svg(&dot);
    assert!(svg.contains("auth.users"), "{svg}");
    assert!(svg.contains("&lt;log in&gt; &amp;"), "{svg}");
    assert_eq!(svg.matches("class=\"edge\"").count(), 3, "{svg}");
}

#[test]
fn the_example_diagram_parses_with_mermaid() {
    if !renderer("Mermaid", has_mermaid()) {
        return;
    }
    let mermaid = ok(&repo(), &["schema", "--format", "mermaid", "migrations/"]);
    let markdown = ok(&repo(), &["schema", "migrations/"]);
    let embedded = mermaid_block(&markdown).expect("the reference embeds the diagram");
    assert_eq!(embedded, mermaid);
    let awkward = awkward_set();
    let odd = ok(awkward.path(), &["schema", "--format", "mermaid"]);
    let part = ok(
        &repo(),
        &[
            "schema",
            "--format",
            "mermaid",
            "--tables",
            "scene*,segment*",
            "migrations/",
        ],
    );
    assert_mermaid_parses(&[("example", &mermaid), ("awkward", &odd), ("part", &part)]);
}

fn mermaid_block(markdown: &str) -> Option<String> {
    let start = markdown.find("```mermaid\n")? + "```mermaid\n".len();
    let end = start + markdown[start..].find("```")?;
    Some(markdown[start..end].to_string())
}

#[test]
fn mermaid_cardinality_follows_nullability_and_uniqueness() {
    let awkward = awkward_set();
    let mermaid = ok(awkward.path(), &["schema", "--format", "mermaid"]);
    // NOT NULL and UNIQUE: one user, at most one `end` row each.
    assert!(
        mermaid.contains("\"auth.users\" ||--o| \"end\" : \"user_id\""),
        "{mermaid}"
    );
    // Nullable, not unique: zero or one, zero or more.
    assert!(
        mermaid.contains("\"end\" |o--o{ \"end\" : \"to\""),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("\"end\" ||--o{ \"Weird Table\" : \"a\""),
        "{mermaid}"
    );
    // Only key columns are drawn.
    assert!(!mermaid.contains("score"), "{mermaid}");
    let example = ok(&repo(), &["schema", "--format", "mermaid", "migrations/"]);
    assert!(
        example.contains("projects ||--o{ scenes : \"project_id\""),
        "{example}"
    );
    assert!(
        example.contains("workers |o--o{ jobs : \"assigned_worker_id\""),
        "{example}"
    );
}

#[test]
fn tables_and_exclude_draw_part_of_the_schema() {
    let part = ok(
        &repo(),
        &[
            "schema",
            "--format",
            "mermaid",
            "--tables",
            "scene*,segment*",
            "--exclude",
            "*_statuses",
            "migrations/",
        ],
    );
    let entities: Vec<&str> = part
        .lines()
        .filter(|l| l.ends_with(" {"))
        .map(|l| l.trim().trim_end_matches(" {"))
        .collect();
    assert_eq!(entities, ["scenes", "segments"]);
    // Keys to tables left out are not drawn.
    assert_eq!(part.matches("--").count(), 2, "{part}");
    let (code, _, err) = run(&repo(), &["schema", "--tables", "nothing*", "migrations/"]);
    assert_eq!(code, 2);
    assert!(err.contains("leave no table"), "{err}");
}

// ----- the reference and the model ------------------------------------------

#[test]
fn the_reference_says_where_each_object_was_defined() {
    let markdown = ok(&repo(), &["schema", "--format", "markdown", "migrations/"]);
    assert!(
        markdown.starts_with("# Schema of migrations\n"),
        "{markdown}"
    );
    assert!(markdown.contains("- [`segments`](#segments)"), "{markdown}");
    assert!(
        markdown.contains("Created in `migrations/20260301090200_create_segments.sql:2`."),
        "{markdown}"
    );
    assert!(markdown.contains(
        "| `previous_segment_id` | [`segments`](#segments) (`id`) | SET NULL | CASCADE | `migrations/20260301090200_create_segments.sql:5` |"
    ), "{markdown}");
    assert!(
        markdown.contains("| `uq_segments_scene_id_sequence_number` |")
            || markdown.contains(
                "Unique: `scene_id, sequence_number` `uq_segments_scene_id_sequence_number`"
            ),
        "{markdown}"
    );
    assert!(markdown.contains(
        "| `set_updated_at` | BEFORE UPDATE, for each row | `trigger_set_updated_at()` | `migrations/20260301090300_create_jobs.sql:34` |"
    ), "{markdown}");
    // Comments, escaped cells, anchors of odd names.
    let awkward = awkward_set();
    let markdown = ok(awkward.path(), &["schema"]);
    assert!(
        markdown
            .contains("- [`auth.users`](#authusers): People who <log in> & \"act\"; a \\| b `x`"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| `\"E-mail\"`") || markdown.contains("| `E-mail` |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| `to` | `BIGINT` | null |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("`(a + b)`") || markdown.contains("`a + b`"),
        "{markdown}"
    );
}

#[test]
fn the_model_as_json_follows_its_documented_schema() {
    let text = ok(&repo(), &["schema", "--format", "json", "migrations/"]);
    let document: Value = serde_json::from_str(&text).expect("JSON");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/schema-json.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(document["version"], 1);
    let tables = document["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 11);
    let jobs = tables.iter().find(|t| t["name"] == "jobs").expect("jobs");
    let worker = &jobs["foreign_keys"][1];
    assert_eq!(worker["columns"][0], "assigned_worker_id");
    assert_eq!(worker["references"]["name"], "workers");
    assert_eq!(worker["references"]["columns"][0], "id");
    assert_eq!(worker["on_delete"], "SET NULL");
    assert_eq!(
        worker["defined"]["path"],
        "migrations/20260301090300_create_jobs.sql"
    );
    assert_eq!(worker["defined"]["line"], 21);
    let awkward = awkward_set();
    let document: Value =
        serde_json::from_str(&ok(awkward.path(), &["schema", "--format", "json"])).expect("JSON");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn output_files_and_mistakes() {
    let scratch = Scratch::new();
    let target = scratch.path().join("docs/SCHEMA.md");
    let (code, out, _) = run(
        &repo(),
        &[
            "schema",
            "migrations/",
            "-o",
            target.to_str().expect("utf-8"),
        ],
    );
    assert_eq!((code, out.as_str()), (0, ""));
    assert!(
        std::fs::read_to_string(&target)
            .expect("written")
            .starts_with("# Schema of")
    );

    let (code, _, err) = run(&repo(), &["schema", "--cascade", "project", "migrations/"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("creates no table `project`; did you mean `projects`?"),
        "{err}"
    );
    let (code, _, err) = run(&repo(), &["schema", "--format", "text", "migrations/"]);
    assert_eq!(code, 2);
    assert!(err.contains("`--format text` is for --cascade"), "{err}");
    let (code, _, err) = run(
        &repo(),
        &[
            "schema",
            "--cascade",
            "projects",
            "--format",
            "dot",
            "migrations/",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--cascade prints `text` or `json`"), "{err}");
    let two = Scratch::new();
    two.write("a/migrations/0001_a.sql", "CREATE TABLE a (id BIGINT);");
    two.write("b/migrations/0001_b.sql", "CREATE TABLE b (id BIGINT);");
    let (code, _, err) = run(two.path(), &["schema", "a", "b"]);
    assert_eq!(code, 2);
    assert!(err.contains("holds 2 migration sets"), "{err}");
}

// ----- cascade ------------------------------------------------------------

#[test]
fn cascade_of_projects() {
    let text = ok(&repo(), &["schema", "--cascade", "projects", "migrations/"]);
    insta::assert_snapshot!(text);
}

#[test]
fn a_restrict_step_blocks() {
    let text = ok(
        &repo(),
        &["schema", "--cascade", "project_statuses", "migrations/"],
    );
    assert!(text.contains(
        "└── projects: BLOCKS the delete while rows refer to it (status_id → project_statuses.id, ON DELETE RESTRICT)"
    ), "{text}");
    assert!(
        text.contains(
            "In all: changes no other row; fails while rows of projects (status_id) refer to it."
        ),
        "{text}"
    );
}

/// Every action PostgreSQL has, cycles, a diamond, and key updates that
/// go on through composite keys.
const ACTIONS: &str = r#"
CREATE TABLE owners (id BIGSERIAL PRIMARY KEY);
CREATE TABLE things (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES owners (id) ON DELETE CASCADE ON UPDATE CASCADE,
    parent_id BIGINT REFERENCES things (id) ON DELETE CASCADE ON UPDATE CASCADE,
    UNIQUE (owner_id, id)
);
CREATE TABLE notes (
    id BIGSERIAL PRIMARY KEY,
    thing_id BIGINT NOT NULL REFERENCES things (id) ON DELETE CASCADE,
    owner_id BIGINT NOT NULL REFERENCES owners (id) ON DELETE CASCADE
);
CREATE TABLE audits (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES owners (id)
);
CREATE TABLE links (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL,
    thing_id BIGINT NOT NULL,
    FOREIGN KEY (owner_id, thing_id) REFERENCES things (owner_id, id) ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE TABLE marks (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT DEFAULT 0 REFERENCES owners (id) ON DELETE SET DEFAULT ON UPDATE RESTRICT
);
"#;

#[test]
fn cascade_follows_every_action() {
    let scratch = Scratch::new();
    scratch.write("migrations/0001_actions.sql", ACTIONS);
    let text = ok(scratch.path(), &["schema", "--cascade", "owners"]);
    insta::assert_snapshot!(text);
    let json: Value = serde_json::from_str(&ok(
        scratch.path(),
        &["schema", "--cascade", "owners", "--format", "json"],
    ))
    .expect("JSON");
    assert_eq!(json["version"], 1);
    assert_eq!(json["table"], "owners");
    let first = &json["delete"]["steps"][0];
    assert_eq!(first["table"], "audits");
    assert_eq!(first["effect"], "blocks");
    assert_eq!(first["action"], "NO ACTION");
    assert_eq!(first["action_written"], false);
    assert_eq!(first["foreign_key"]["defined"]["line"], 16);
    assert_eq!(json["update"]["columns"][0], "id");
    assert!(
        json["delete"]["summary"]
            .as_str()
            .expect("summary")
            .starts_with("In all: deletes rows of")
    );
}

/// A chain of tables, each referencing the one before with `ON DELETE
/// CASCADE`, is followed 50 foreign keys deep and said to be cut there:
/// followed to its end it printed an indent per level (28 s and 475 MB
/// for 3,000 tables) and, past about 10,000, overflowed the stack.
#[test]
fn a_cascade_deeper_than_the_limit_is_cut_out_loud() {
    let scratch = Scratch::new();
    let mut sql = String::from("CREATE TABLE t0 (id BIGINT PRIMARY KEY);\n");
    for i in 1..12_000 {
        sql += &format!(
            "CREATE TABLE t{i} (id BIGINT PRIMARY KEY, p BIGINT NOT NULL REFERENCES t{} (id) ON DELETE CASCADE ON UPDATE RESTRICT);\n",
            i - 1
        );
    }
    scratch.write("migrations/0001_chain.sql", &sql);
    let text = ok(scratch.path(), &["schema", "--cascade", "t0"]);
    let cut = "└── … (not followed: more than 50 foreign keys deep)";
    assert_eq!(
        text.matches(cut).count(),
        1,
        "{}",
        &text[..text.len().min(2_000)]
    );
    assert!(text.contains("└── t50: rows deleted"), "{text}");
    assert!(!text.contains("t51:"), "{text}");
    assert!(
        text.contains("; more may follow: the tree is cut at 50 foreign keys deep."),
        "{text}"
    );
    let json: Value = serde_json::from_str(&ok(
        scratch.path(),
        &["schema", "--cascade", "t0", "--format", "json"],
    ))
    .expect("JSON");
    let mut step = &json["delete"]["steps"][0];
    for depth in 1..50 {
        assert_eq!(step["table"], format!("t{depth}"));
        assert!(step.get("cut").is_none(), "depth {depth}");
        step = &step["steps"][0];
    }
    assert_eq!(step["table"], "t50");
    assert_eq!(step["cut"], true);
    assert_eq!(step["steps"].as_array().map(Vec::len), Some(0));
}

/// What the tree says a delete does is what PostgreSQL does: on the
/// example set with a row in every table, deleting a project empties the
/// tables the tree lists, and deleting a status in use fails.
#[test]
fn cascade_matches_postgres() {
    let Some(server) = Server::start() else {
        return;
    };
    server.create_database("cascade");
    for file in common::postgres::up_files(&repo().join("migrations")) {
        server.apply("cascade", &file);
    }
    let rows = "INSERT INTO projects (status_id, name) VALUES (1, 'p');
        INSERT INTO scenes (project_id, status_id, name) VALUES (1, 1, 's');
        INSERT INTO segments (scene_id, status_id, sequence_number) VALUES (1, 1, 1);
        INSERT INTO segments (scene_id, previous_segment_id, status_id, sequence_number) VALUES (1, 1, 1, 2);
        INSERT INTO workers (status_id, hostname) VALUES (1, 'w');
        INSERT INTO jobs (segment_id, assigned_worker_id, status_id) VALUES (2, 1, 1);";
    assert_eq!(server.error_codes("cascade", rows), Vec::<String>::new());
    let json: Value = serde_json::from_str(&ok(
        &repo(),
        &[
            "schema",
            "--cascade",
            "projects",
            "--format",
            "json",
            "migrations/",
        ],
    ))
    .expect("JSON");
    let mut deleted = Vec::new();
    collect_deleted(&json["delete"]["steps"], &mut deleted);
    assert_eq!(deleted, ["scenes", "segments", "jobs"]);
    // A status in use: RESTRICT refuses (foreign_key_violation).
    assert_eq!(
        server.error_codes("cascade", "DELETE FROM project_statuses WHERE id = 1;"),
        ["23503"]
    );
    assert_eq!(
        server.error_codes("cascade", "DELETE FROM projects WHERE id = 1;"),
        Vec::<String>::new()
    );
    for table in ["scenes", "segments", "jobs"] {
        let count = server.rows("cascade", &format!("SELECT count(*) FROM {table}"));
        assert_eq!(count.into_iter().collect::<Vec<_>>(), ["0"], "{table}");
    }
    let kept = server.rows("cascade", "SELECT count(*) FROM workers");
    assert_eq!(kept.into_iter().collect::<Vec<_>>(), ["1"]);
}

fn collect_deleted(steps: &Value, out: &mut Vec<String>) {
    for step in steps.as_array().into_iter().flatten() {
        if step["effect"] == "delete" {
            let table = step["table"].as_str().unwrap_or_default().to_string();
            if !out.contains(&table) {
                out.push(table);
            }
        }
        collect_deleted(&step["steps"], out);
    }
}

// ----- conventions ----------------------------------------------------------

#[test]
fn conventions_with_the_default_config() {
    let scratch = Scratch::new();
    let text = ok(scratch.path(), &["conventions"]);
    insta::assert_snapshot!(text);
}

/// The SQL of the document's template section.
fn template_sql(document: &str) -> String {
    let start = document.find("\n## Template").expect("a template section");
    let section = &document[start..];
    let end = section[1..].find("\n## ").map_or(section.len(), |i| i + 1);
    let mut sql = String::new();
    let mut inside = false;
    for line in section[..end].lines() {
        match line {
            "```sql" => inside = true,
            "```" => inside = false,
            _ if inside => {
                sql.push_str(line);
                sql.push('\n');
            }
            _ => {}
        }
    }
    sql
}

/// The template lints clean under the configuration that wrote it.
#[test]
fn the_conventions_template_lints_clean() {
    let configs = [
        "",
        "[rules]\nselect = [\"all\", \"table-comments\"]\n",
        "[rules]\nselect = [\"all\", \"table-comments\"]\n[rules.table-comments]\nexempt-columns = [\"*_id\"]\n\
         [rules.index-naming]\ntemplate = \"{table}_{columns}_idx\"\n[rules.unique-naming]\ntemplate = \"{table}_{columns}_key\"\n\
         [rules.updated-at-trigger]\nfunction = \"touch_updated_at\"\n",
    ];
    for config in configs {
        let scratch = Scratch::new();
        scratch.write("schema-lint.toml", config);
        let document = ok(scratch.path(), &["conventions"]);
        let sql = template_sql(&document);
        assert!(sql.contains("CREATE TABLE things"), "{document}");
        scratch.write("migrations/20240101000000_template.sql", &sql);
        let (code, report) = common::lint_json(scratch.path(), &["migrations"]);
        assert_eq!(
            report["diagnostics"],
            Value::Array(vec![]),
            "config:\n{config}\nSQL:\n{sql}"
        );
        assert_eq!(code, 0);
        if config.contains("table-comments") {
            assert!(sql.contains("COMMENT ON COLUMN things.name"), "{sql}");
            assert!(document.contains("`table-comments`"), "{document}");
        }
        if config.contains("touch_updated_at") {
            assert!(
                document.contains("FUNCTION touch_updated_at()"),
                "{document}"
            );
            assert!(sql.contains("things_status_id_idx"), "{sql}");
        }
    }
}

/// And it is PostgreSQL that applies.
#[test]
fn the_conventions_template_applies_on_postgres() {
    let Some(server) = Server::start() else {
        return;
    };
    let scratch = Scratch::new();
    scratch.write(
        "schema-lint.toml",
        "[rules]\nselect = [\"all\", \"table-comments\"]\n",
    );
    let sql = template_sql(&ok(scratch.path(), &["conventions"]));
    let file = scratch.write("template.sql", &sql);
    server.create_database("template");
    server.apply("template", &file);
    let described = server.rows(
        "template",
        "SELECT count(*) FROM pg_description d JOIN pg_class c ON c.oid = d.objoid WHERE c.relname = 'things'",
    );
    assert_eq!(described.into_iter().collect::<Vec<_>>(), ["6"]);
}

// ----- README ---------------------------------------------------------------

/// The README shows the example set's real diagram and cascade tree.
#[test]
fn the_readme_shows_the_real_diagram_and_tree() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README");
    let section = &readme[readme.find("## Schema documentation").expect("a section")..];
    let mermaid = ok(&repo(), &["schema", "--format", "mermaid", "migrations/"]);
    assert_eq!(
        mermaid_block(section).as_deref(),
        Some(mermaid.as_str()),
        "README's diagram is out of date; it should read:\n{mermaid}"
    );
    let tree = ok(&repo(), &["schema", "--cascade", "projects", "migrations/"]);
    assert!(
        section.contains(&format!(
            "```\n$ schema-lint schema --cascade projects\n{tree}```"
        )),
        "README's cascade tree is out of date; it should read:\n{tree}"
    );
}
