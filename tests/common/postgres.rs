//! A throwaway PostgreSQL server for tests: `initdb` + `pg_ctl` in a
//! temporary folder, listening only on a unix socket. Without server
//! binaries `Server::start` returns `None` (the test skips with a printed
//! reason), unless `SCHEMA_LINT_REQUIRE_POSTGRES=1` (set by `.ci/run`),
//! where a missing server is a failure.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use schema_lint::discover;
use schema_lint::load;
use schema_lint::model::replay::replay;

/// A running throwaway server; stopped when dropped.
pub struct Server {
    bin: PathBuf,
    dir: tempfile::TempDir,
    /// Run the server tools as this user (initdb refuses to run as root).
    run_as: Option<String>,
    /// The port (of the unix socket's name, and of TCP with TLS).
    pub port: u16,
}

impl Server {
    pub fn start() -> Option<Server> {
        Server::launch(false)
    }

    /// A server that also listens on 127.0.0.1 with TLS on: its
    /// certificate is for `localhost`, signed by the CA `ca_file()`.
    pub fn start_tls() -> Option<Server> {
        Server::launch(true)
    }

    /// The CA certificate of a `start_tls` server (PEM).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn launch(tls: bool) -> Option<Server> {
        let Some(bin) = server_binaries() else {
            let reason = "no PostgreSQL server binaries (initdb) found";
            if std::env::var_os("SCHEMA_LINT_REQUIRE_POSTGRES").is_some() {
                panic!("{reason}, but SCHEMA_LINT_REQUIRE_POSTGRES is set");
            }
            eprintln!("skipped: {reason}");
            return None;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let run_as = is_root().then(|| "postgres".to_string());
        if let Some(user) = &run_as {
            let status = Command::new("chown")
                .args(["-R", user])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success(), "cannot hand the data folder to {user}");
        }
        let port = if tls { free_port() } else { 5432 };
        let server = Server {
            bin,
            dir,
            run_as,
            port,
        };
        let data = server.dir.path().join("data");
        server.tool(
            "initdb",
            &[
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-D",
                path(&data),
            ],
        );
        let log = server.dir.path().join("log");
        let mut options = format!(
            "-c listen_addresses='' -k {} -c fsync=off",
            path(server.dir.path())
        );
        if tls {
            server.certificates();
            let dir = path(server.dir.path());
            options = format!(
                "-c listen_addresses=127.0.0.1 -p {port} -k {dir} -c fsync=off -c ssl=on \
                 -c ssl_cert_file={dir}/server.crt -c ssl_key_file={dir}/server.key \
                 -c log_connections=on"
            );
        }
        server.tool(
            "pg_ctl",
            &[
                "-D",
                path(&data),
                "-l",
                path(&log),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
        Some(server)
    }

    /// A CA and a certificate for `localhost` it signed, made with the
    /// openssl command line, readable by the server only.
    fn certificates(&self) {
        let dir = self.dir.path();
        std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:localhost\n").expect("san.ext");
        let openssl = |args: &[&str]| {
            let output = Command::new("openssl")
                .current_dir(dir)
                .args(args)
                .output()
                .expect("openssl (it comes with the PostgreSQL packages)");
            assert!(
                output.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=schema-lint test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "server.crt",
        ]);
        let key = dir.join("server.key");
        if let Some(user) = &self.run_as {
            Command::new("chown")
                .arg(user)
                .arg(&key)
                .arg(dir.join("server.crt"))
                .status()
                .expect("chown");
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }

    fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        }
    }

    fn tool(&self, tool: &str, args: &[&str]) -> Output {
        let output = self.command(tool).args(args).output().expect(tool);
        assert!(
            output.status.success(),
            "{tool} failed: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Creates an empty database.
    pub fn create_database(&self, name: &str) {
        self.psql("postgres", &["-c", &format!("CREATE DATABASE {name}")]);
    }

    pub fn psql(&self, database: &str, args: &[&str]) -> String {
        let host = path(self.dir.path()).to_string();
        let port = self.port.to_string();
        let mut all = vec![
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-p",
            &port,
            "-h",
            &host,
            "-U",
            "postgres",
            "-d",
            database,
        ];
        all.extend_from_slice(args);
        String::from_utf8_lossy(&self.tool("psql", &all).stdout).into_owned()
    }

    /// Applies a migration file (a copy readable by the server's user).
    pub fn apply(&self, database: &str, file: &Path) {
        let copy = self.dir.path().join("migration.sql");
        std::fs::copy(file, &copy).expect("copy migration");
        if let Some(user) = &self.run_as {
            Command::new("chown")
                .arg(user)
                .arg(&copy)
                .status()
                .expect("chown");
        }
        self.psql(database, &["-f", path(&copy)]);
    }

    /// Runs SQL without stopping at errors; returns the SQLSTATE of every
    /// error PostgreSQL reported.
    pub fn error_codes(&self, database: &str, sql: &str) -> Vec<String> {
        let copy = self.dir.path().join("statements.sql");
        std::fs::write(&copy, sql).expect("write statements");
        if let Some(user) = &self.run_as {
            Command::new("chown")
                .arg(user)
                .arg(&copy)
                .status()
                .expect("chown");
        }
        let host = path(self.dir.path()).to_string();
        let output = self
            .command("psql")
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=0",
                "-v",
                "VERBOSITY=verbose",
            ])
            .args(["-p", &self.port.to_string()])
            .args([
                "-h",
                &host,
                "-U",
                "postgres",
                "-d",
                database,
                "-f",
                path(&copy),
            ])
            .output()
            .expect("psql");
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter_map(|line| {
                let rest = line.split("ERROR:  ").nth(1)?;
                Some(rest.split(':').next()?.trim().to_string())
            })
            .collect()
    }

    /// A URL for `schema-lint db`: the unix socket of this server.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgresql://postgres@/{database}?host={}",
            path(self.dir.path())
        )
    }

    /// The URL of the TCP listener with TLS (`start_tls`), for `host`
    /// (`localhost` or `127.0.0.1`), with more query parameters.
    pub fn tcp_url(&self, database: &str, host: &str, query: &str) -> String {
        format!(
            "postgresql://postgres@{host}:{}/{database}?{query}",
            self.port
        )
    }

    /// The URL of `user` with `password`.
    pub fn url_as(&self, database: &str, user: &str, password: &str) -> String {
        format!(
            "postgresql://{user}:{password}@/{database}?host={}",
            path(self.dir.path())
        )
    }

    /// Creates a login role that must give its password (SCRAM), as
    /// `pg_hba.conf` says before the server's trust line.
    pub fn add_password_user(&self, user: &str, password: &str) {
        self.psql(
            "postgres",
            &[
                "-c",
                &format!("CREATE ROLE {user} LOGIN PASSWORD '{password}'"),
            ],
        );
        let hba = self.dir.path().join("data/pg_hba.conf");
        let old = std::fs::read_to_string(&hba).expect("pg_hba.conf");
        std::fs::write(&hba, format!("local all {user} scram-sha-256\n{old}"))
            .expect("write pg_hba.conf");
        self.psql("postgres", &["-c", "SELECT pg_reload_conf()"]);
    }

    /// Logs every statement, each line prefixed by the client's
    /// application name and `|`.
    pub fn log_statements(&self) {
        self.psql(
            "postgres",
            &[
                "-c",
                "ALTER SYSTEM SET log_statement = 'all'",
                "-c",
                "ALTER SYSTEM SET log_line_prefix = '%a|'",
                "-c",
                "SELECT pg_reload_conf()",
            ],
        );
    }

    /// The server's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }

    /// Rows of a query, fields separated by `|`.
    pub fn rows(&self, database: &str, query: &str) -> BTreeSet<String> {
        self.psql(database, &["-A", "-t", "-F", "|", "-c", query])
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self
            .command("pg_ctl")
            .args(["-D", path(&data), "-m", "immediate", "stop"])
            .output();
    }
}

/// A TCP port nobody listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

pub fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The newest `/usr/lib/postgresql/<n>/bin`, else `initdb` on the PATH.
fn server_binaries() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let which = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .ok()?;
    let found = PathBuf::from(String::from_utf8_lossy(&which.stdout).trim());
    found
        .parent()
        .map(Path::to_path_buf)
        .filter(|_| which.status.success())
}

/// The up files of the migration set at `dir`, in migration order.
pub fn up_files(dir: &Path) -> Vec<PathBuf> {
    let discovery = discover::discover(&[dir.to_path_buf()], &discover::Options::default());
    assert!(discovery.errors.is_empty(), "{:?}", discovery.errors);
    discovery
        .sets
        .iter()
        .flat_map(|s| s.files.iter())
        .filter(|f| f.name.role != discover::Role::Down)
        .map(|f| f.path.to_path_buf())
        .collect()
}

/// A boolean as psql prints it.
pub fn tf(value: bool) -> &'static str {
    if value { "t" } else { "f" }
}

/// PostgreSQL's type names, as the model's `TypeKind::sql_name` spells them.
fn kind_of(format_type: &str) -> String {
    let base = format_type.split('(').next().unwrap_or(format_type).trim();
    let array = format_type.ends_with("[]");
    let name = match base.trim_end_matches("[]") {
        "character varying" => "varchar",
        "character" => "char",
        "timestamp without time zone" => "timestamp",
        "timestamp with time zone" => "timestamptz",
        "time without time zone" => "time",
        "double precision" | "real" => "double precision",
        other => other,
    };
    if array {
        format!("{name}[]")
    } else {
        name.to_string()
    }
}

/// Replays `dir` and applies it to PostgreSQL, then compares tables,
/// columns (type, nullability), primary keys, foreign keys (with actions)
/// and indexes.
pub fn assert_model_matches_postgres(dir: &Path) {
    let Some(server) = Server::start() else {
        return;
    };
    server.create_database("replay");
    for file in up_files(dir) {
        server.apply("replay", &file);
    }
    let discovery = discover::discover(&[dir.to_path_buf()], &discover::Options::default());
    let (project, errors) = load::load(discovery, load::ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    let catalog = replay(&project, &project.sets[0]);

    // Columns: table|column|type|not null.
    let ours: BTreeSet<String> = catalog
        .tables
        .values()
        .flat_map(|t| {
            t.columns.iter().map(move |c| {
                format!(
                    "{}|{}|{}|{}",
                    t.name,
                    c.name,
                    c.kind().storage().sql_name(),
                    c.not_null
                )
            })
        })
        .collect();
    let theirs: BTreeSet<String> = server
        .rows(
            "replay",
            "SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END, \
               a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%' \
               AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped",
        )
        .into_iter()
        .map(|row| {
            let f: Vec<&str> = row.split('|').collect();
            format!("{}|{}|{}|{}", f[0], f[1], kind_of(f[2]), f[3] == "t")
        })
        .collect();
    assert_eq!(ours, theirs, "columns differ");

    // Primary keys and foreign keys: table|kind|columns|target|actions.
    let action = |a: Option<schema_lint::model::FkAction>| match a {
        None => "a".to_string(),
        Some(a) => match a.to_string().as_str() {
            "RESTRICT" => "r",
            "CASCADE" => "c",
            "SET NULL" => "n",
            "SET DEFAULT" => "d",
            _ => "a",
        }
        .to_string(),
    };
    let mut ours: BTreeSet<String> = BTreeSet::new();
    for t in catalog.tables.values() {
        if let Some(pk) = &t.primary_key {
            ours.insert(format!("{}|p|{}||", t.name, pk.columns.join(",")));
        }
        for fk in &t.foreign_keys {
            ours.insert(format!(
                "{}|f|{}|{}|{}{}",
                t.name,
                fk.columns.join(","),
                fk.referenced_table,
                action(fk.on_delete),
                action(fk.on_update)
            ));
        }
    }
    let theirs = server.rows(
        "replay",
        "SELECT c.relname, k.contype, \
           (SELECT string_agg(a.attname, ',' ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY u(n, ord) \
              JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n), \
           coalesce(r.relname, ''), \
           CASE WHEN k.contype = 'f' THEN k.confdeltype::text || k.confupdtype::text ELSE '' END \
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
         LEFT JOIN pg_class r ON r.oid = k.confrelid \
         WHERE k.contype IN ('p', 'f') AND c.relnamespace = 'public'::regnamespace \
         UNION SELECT n.nspname || '.' || c.relname, k.contype, \
           (SELECT string_agg(a.attname, ',' ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY u(n, ord) \
              JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n), '', '' \
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE k.contype = 'p' AND n.nspname NOT IN ('public', 'pg_catalog', 'information_schema') \
           AND n.nspname NOT LIKE 'pg_%'",
    );
    assert_eq!(ours, theirs, "keys differ");

    // Indexes created with CREATE INDEX: name|table|unique|columns|partial.
    let ours: BTreeSet<String> = catalog
        .indexes
        .iter()
        .map(|i| {
            let columns: Vec<&str> = i.keys.iter().map(|k| k.column().unwrap_or("")).collect();
            format!(
                "{}|{}|{}|{}|{}",
                i.name.as_ref().map(|n| n.name.as_str()).unwrap_or("?"),
                i.table,
                tf(i.unique),
                columns.join(","),
                tf(i.predicate.is_some())
            )
        })
        .collect();
    let theirs = server.rows(
        "replay",
        "SELECT ic.relname, tc.relname, x.indisunique, \
           (SELECT string_agg(coalesce(a.attname, ''), ',' ORDER BY u.ord) \
              FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, ord) \
              LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n \
              WHERE u.ord <= x.indnkeyatts), \
           x.indpred IS NOT NULL \
         FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class tc ON tc.oid = x.indrelid \
         WHERE tc.relnamespace = 'public'::regnamespace \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)",
    );
    assert_eq!(ours, theirs, "indexes differ");

    // Sequences (explicit, and those serial columns create) with their
    // type and owning column: name|type|table.column.
    let ours: BTreeSet<String> = catalog
        .sequences
        .values()
        .map(|q| {
            let owner = q
                .owned_by
                .as_ref()
                .map(|(t, c)| format!("{t}.{c}"))
                .unwrap_or_default();
            format!("{}|{}|{owner}", q.name, q.kind.sql_name())
        })
        .collect();
    let theirs = server.rows(
        "replay",
        "SELECT c.relname, format_type(q.seqtypid, NULL),            coalesce((SELECT t.relname || '.' || a.attname FROM pg_depend d               JOIN pg_class t ON t.oid = d.refobjid               JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid               WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype = 'a'), '')          FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid          WHERE c.relnamespace = 'public'::regnamespace            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')",
    );
    assert_eq!(ours, theirs, "sequences differ");

    // Columns fed by a sequence: table.column|sequence.
    let ours: BTreeSet<String> = catalog
        .tables
        .values()
        .flat_map(|t| {
            t.columns.iter().filter_map(move |c| {
                let sequence = c.default.as_ref()?.sequence()?;
                Some(format!("{}.{}|{}", t.name, c.name, sequence))
            })
        })
        .collect();
    let theirs = server.rows(
        "replay",
        "SELECT c.relname || '.' || a.attname,            substring(pg_get_expr(d.adbin, d.adrelid) from 'nextval\\(''(?:public\\.)?([^'']+)''')          FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid          JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum          WHERE c.relnamespace = 'public'::regnamespace            AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'",
    );
    let theirs: BTreeSet<String> = theirs.into_iter().map(|r| r.replace('"', "")).collect();
    assert_eq!(ours, theirs, "sequence defaults differ");

    // Triggers: table|name|function.
    let ours: BTreeSet<String> = catalog
        .triggers
        .iter()
        .map(|t| {
            let function = t
                .function
                .as_ref()
                .map(|f| f.name.clone())
                .unwrap_or_default();
            format!("{}|{}|{function}", t.table, t.name)
        })
        .collect();
    let theirs = server.rows(
        "replay",
        "SELECT c.relname, t.tgname, p.proname FROM pg_trigger t \
         JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid \
         WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace",
    );
    assert_eq!(ours, theirs, "triggers differ");
}
