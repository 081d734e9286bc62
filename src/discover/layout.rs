//! Migration layouts: what each migration tool calls a migration, where it
//! finds them, in which order it applies them and where it keeps the down
//! SQL.
//!
//! [`LAYOUTS`] is the one table of these facts (in the spirit of ripgrep's
//! list of flag definitions): discovery, `migration-filename`,
//! `forward-only`, `--help`, `schema-lint sets` and the README's layout
//! table all read it. Adding a layout is one entry here, its file-name
//! classification below, and its tests.

use std::cmp::Ordering;
use std::fmt;

/// The migration tool conventions `schema-lint` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layout {
    Sqlx,
    Diesel,
    GolangMigrate,
    Flyway,
    Refinery,
    Dbmate,
    Goose,
    Numbered,
    Prisma,
    Hasura,
    NumberedFolders,
    Tern,
    Drizzle,
    Sqitch,
    Liquibase,
    GraphileMigrate,
    Atlas,
    Supabase,
    /// SQL files without a recognised version, read in name order.
    Unversioned,
}

/// How a tool orders the migrations of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// By version number, compared numerically part by part (`9` before
    /// `10`, `V1_2` before `V1_10`).
    Version,
    /// By file or folder name, as text (`10_b` before `9_a`).
    Name,
    /// In the order of a plan file (sqitch's `sqitch.plan`, Drizzle's
    /// `meta/_journal.json`); files the plan does not list are not applied.
    Plan,
}

impl Order {
    pub fn name(self) -> &'static str {
        match self {
            Order::Version => "numeric",
            Order::Name => "name",
            Order::Plan => "plan",
        }
    }

    /// The orders a `[[sets]]` entry may choose.
    pub fn from_name(name: &str) -> Option<Order> {
        match name {
            "numeric" => Some(Order::Version),
            "name" => Some(Order::Name),
            _ => None,
        }
    }
}

/// How a set's migrations are laid out on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Files directly in the set's folder.
    Flat,
    /// Files in the set's folder and any folder below it.
    Recursive,
    /// One folder per migration holding `up` (and `down`) files.
    Folders {
        up: &'static str,
        down: Option<&'static str>,
    },
    /// Scripts named by a plan, in `deploy/` and `revert/` (sqitch).
    Plan,
    /// Files in a `committed/` folder below the set's folder (graphile-migrate).
    Committed,
}

/// Everything `schema-lint` knows about one layout.
#[derive(Debug)]
pub struct Facts {
    pub layout: Layout,
    /// The name used in the config (`layout = "…"`) and in output.
    pub name: &'static str,
    /// The tool, as its users write it.
    pub tool: &'static str,
    /// The migration file names, for help texts and the README.
    pub files: &'static str,
    /// How the set's folder is recognised.
    pub root: &'static str,
    pub shape: Shape,
    pub order: Order,
    /// The ordering rule as the tool states it.
    pub order_text: &'static str,
    /// Where the down (rollback) SQL lives; `None`: the tool has none.
    pub downs: Option<&'static str>,
    /// Comment markers that split a file into statements or sections.
    pub markers: Option<&'static str>,
    /// Files near the migrations that are not migrations.
    pub not_migrations: Option<&'static str>,
    /// What the tool's own "new migration" command writes (`schema-lint
    /// new`); `None`: no tool to follow.
    pub new: Option<NewMigration>,
}

/// How a tool numbers a new migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `YYYYMMDDHHMMSS`, UTC.
    Timestamp,
    /// diesel's `YYYY-MM-DD-HHMMSS`, UTC.
    DieselTimestamp,
    /// Seconds since 1970 (10 digits).
    UnixSeconds,
    /// Milliseconds since 1970 (13 digits: Hasura).
    UnixMillis,
    /// The next number after the newest; `width` digits, zero-padded, for
    /// a first migration.
    Sequence { width: usize },
}

/// Which [`Scheme`] a tool uses for a new migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// This one, whatever the set holds.
    Fixed(Scheme),
    /// The scheme of the set's newest migration (sqlx infers it;
    /// golang-migrate, goose and Flyway users choose it); this one for a
    /// first migration.
    LikeTheSet(Scheme),
    /// None: migrations are named, and a plan or changelog orders them
    /// (sqitch, Drizzle, Liquibase).
    Planned,
}

/// The files a tool's "new migration" command writes, relative to the
/// folder new migrations go to; `{version}` and `{name}` are filled in.
#[derive(Debug)]
pub struct NewMigration {
    pub numbering: Numbering,
    pub up: &'static str,
    /// The down file, when the tool keeps down SQL in a file of its own.
    pub down: Option<&'static str>,
    /// The down file is written only when the set already has down files
    /// (sqlx reversible migrations, Flyway undo files).
    pub down_if_used: bool,
    /// The up file's name when a down file is written beside it (sqlx:
    /// `.up.sql`).
    pub paired_up: Option<&'static str>,
    /// Up and down SQL in one file: the line before the up SQL (empty:
    /// none) and the line before the down SQL.
    pub sections: Option<(&'static str, &'static str)>,
}

impl NewMigration {
    /// One up file.
    const fn file(numbering: Numbering, up: &'static str) -> Self {
        NewMigration {
            numbering,
            up,
            down: None,
            down_if_used: false,
            paired_up: None,
            sections: None,
        }
    }

    /// An up file and a down file, always.
    const fn pair(numbering: Numbering, up: &'static str, down: &'static str) -> Self {
        NewMigration {
            down: Some(down),
            ..NewMigration::file(numbering, up)
        }
    }

    /// An up file, and a down file when the set already has them.
    const fn optional_down(
        numbering: Numbering,
        up: &'static str,
        paired_up: &'static str,
        down: &'static str,
    ) -> Self {
        NewMigration {
            down: Some(down),
            down_if_used: true,
            paired_up: Some(paired_up),
            ..NewMigration::file(numbering, up)
        }
    }

    /// One file holding up and down sections.
    const fn sections(
        numbering: Numbering,
        up: &'static str,
        up_marker: &'static str,
        down_marker: &'static str,
    ) -> Self {
        NewMigration {
            sections: Some((up_marker, down_marker)),
            ..NewMigration::file(numbering, up)
        }
    }
}

/// The table of layouts, in the order the README lists them.
pub static LAYOUTS: [Facts; 19] = [
    Facts {
        layout: Layout::Sqlx,
        name: "sqlx",
        tool: "sqlx",
        files: "`{version}_{name}.sql`; reversible: `{version}_{name}.up.sql` + `.down.sql`",
        root: "the folder of the files (`migrations/`)",
        shape: Shape::Flat,
        order: Order::Version,
        order_text: "by version, numerically",
        downs: Some("`.down.sql` files"),
        markers: None,
        not_migrations: None,
        new: Some(NewMigration::optional_down(
            Numbering::LikeTheSet(Scheme::Timestamp),
            "{version}_{name}.sql",
            "{version}_{name}.up.sql",
            "{version}_{name}.down.sql",
        )),
    },
    Facts {
        layout: Layout::Diesel,
        name: "diesel",
        tool: "diesel",
        files: "`{YYYY-MM-DD-HHMMSS}_{name}/up.sql` + `down.sql`",
        root: "the folder holding the migration folders (`diesel.toml`'s `dir`)",
        shape: Shape::Folders {
            up: "up.sql",
            down: Some("down.sql"),
        },
        order: Order::Version,
        order_text: "by version (dashes dropped), as text",
        downs: Some("`down.sql` in each folder"),
        markers: None,
        not_migrations: None,
        new: Some(NewMigration::pair(
            Numbering::Fixed(Scheme::DieselTimestamp),
            "{version}_{name}/up.sql",
            "{version}_{name}/down.sql",
        )),
    },
    Facts {
        layout: Layout::GolangMigrate,
        name: "golang-migrate",
        tool: "golang-migrate",
        files: "`{version}_{name}.up.sql` + `{version}_{name}.down.sql`",
        root: "the folder of the files",
        shape: Shape::Flat,
        order: Order::Version,
        order_text: "by version, numerically",
        downs: Some("`.down.sql` files"),
        markers: None,
        not_migrations: None,
        new: Some(NewMigration::pair(
            Numbering::LikeTheSet(Scheme::Timestamp),
            "{version}_{name}.up.sql",
            "{version}_{name}.down.sql",
        )),
    },
    Facts {
        layout: Layout::Flyway,
        name: "flyway",
        tool: "Flyway",
        files: "`V{version}__{description}.sql`, `U{version}__…` (undo), `R__{description}.sql` (repeatable)",
        root: "the location folder, with its sub-folders",
        shape: Shape::Recursive,
        order: Order::Version,
        order_text: "by version, numerically part by part (`1.2` before `1.10`); repeatables last, by description",
        downs: Some("`U{version}__…` undo files"),
        markers: None,
        not_migrations: Some("callbacks (`beforeMigrate.sql`, `afterMigrate.sql`, …)"),
        new: Some(NewMigration::optional_down(
            Numbering::LikeTheSet(Scheme::Sequence { width: 1 }),
            "V{version}__{name}.sql",
            "V{version}__{name}.sql",
            "U{version}__{name}.sql",
        )),
    },
    Facts {
        layout: Layout::Refinery,
        name: "refinery",
        tool: "refinery",
        files: "`V{n}__{name}.sql` (versioned), `U{n}__{name}.sql` (unversioned: also up)",
        root: "the migrations folder, with its sub-folders",
        shape: Shape::Recursive,
        order: Order::Version,
        order_text: "by version, numerically, `V` and `U` together",
        downs: None,
        markers: None,
        not_migrations: None,
        new: Some(NewMigration::file(
            Numbering::LikeTheSet(Scheme::Sequence { width: 1 }),
            "V{version}__{name}.sql",
        )),
    },
    Facts {
        layout: Layout::Dbmate,
        name: "dbmate",
        tool: "dbmate",
        files: "`{version}_{name}.sql`, up and down sections in one file",
        root: "the folder of the files (`db/migrations/`)",
        shape: Shape::Flat,
        order: Order::Name,
        order_text: "by file name, as text",
        downs: Some("the `-- migrate:down` section"),
        markers: Some("`-- migrate:up`, `-- migrate:down`"),
        not_migrations: Some("the schema dump `db/schema.sql`"),
        new: Some(NewMigration::sections(
            Numbering::Fixed(Scheme::Timestamp),
            "{version}_{name}.sql",
            "-- migrate:up",
            "-- migrate:down",
        )),
    },
    Facts {
        layout: Layout::Goose,
        name: "goose",
        tool: "goose",
        files: "`{version}_{name}.sql`, up and down sections in one file",
        root: "the folder of the files",
        shape: Shape::Flat,
        order: Order::Version,
        order_text: "by version, numerically",
        downs: Some("the `-- +goose Down` section"),
        markers: Some(
            "`-- +goose Up`, `-- +goose Down`, `-- +goose StatementBegin` … `StatementEnd`",
        ),
        not_migrations: None,
        new: Some(NewMigration::sections(
            Numbering::LikeTheSet(Scheme::Timestamp),
            "{version}_{name}.sql",
            "-- +goose Up",
            "-- +goose Down",
        )),
    },
    Facts {
        layout: Layout::Numbered,
        name: "numbered",
        tool: "this migration set",
        files: "`{number}_{name}.sql`",
        root: "the folder of the files",
        shape: Shape::Flat,
        order: Order::Version,
        order_text: "by number, numerically",
        downs: None,
        markers: None,
        not_migrations: None,
        new: Some(NewMigration::file(
            Numbering::LikeTheSet(Scheme::Sequence { width: 4 }),
            "{version}_{name}.sql",
        )),
    },
    Facts {
        layout: Layout::Prisma,
        name: "prisma",
        tool: "Prisma",
        files: "`{timestamp}_{name}/migration.sql`",
        root: "the folder holding `migration_lock.toml` (`prisma/migrations/`)",
        shape: Shape::Folders {
            up: "migration.sql",
            down: None,
        },
        order: Order::Name,
        order_text: "by folder name, as text",
        downs: None,
        markers: None,
        not_migrations: None,
        new: Some(NewMigration::file(
            Numbering::Fixed(Scheme::Timestamp),
            "{version}_{name}/migration.sql",
        )),
    },
    Facts {
        layout: Layout::Hasura,
        name: "hasura",
        tool: "Hasura",
        files: "`{version}_{name}/up.sql` + `down.sql`",
        root: "each database folder under `migrations/` (config v3), or `migrations/` (v2)",
        shape: Shape::Folders {
            up: "up.sql",
            down: Some("down.sql"),
        },
        order: Order::Version,
        order_text: "by version, numerically",
        downs: Some("`down.sql` in each folder"),
        markers: None,
        not_migrations: None,
        new: Some(NewMigration::pair(
            Numbering::Fixed(Scheme::UnixMillis),
            "{version}_{name}/up.sql",
            "{version}_{name}/down.sql",
        )),
    },
    Facts {
        layout: Layout::NumberedFolders,
        name: "numbered-folders",
        tool: "this migration set",
        files: "`{id}/up.sql` + `down.sql` (+ `metadata.yaml`)",
        root: "the folder holding the numbered folders",
        shape: Shape::Folders {
            up: "up.sql",
            down: Some("down.sql"),
        },
        order: Order::Version,
        order_text: "by id, numerically",
        downs: Some("`down.sql` in each folder"),
        markers: None,
        not_migrations: None,
        new: Some(NewMigration::pair(
            Numbering::LikeTheSet(Scheme::Sequence { width: 1 }),
            "{version}/up.sql",
            "{version}/down.sql",
        )),
    },
    Facts {
        layout: Layout::Tern,
        name: "tern",
        tool: "tern",
        files: "`{n}_{name}.sql`, up and down parts in one file",
        root: "the folder of the files (with `tern.conf`)",
        shape: Shape::Flat,
        order: Order::Version,
        order_text: "by number, numerically (1 to N without gaps)",
        downs: Some("below the `---- create above / drop below ----` line"),
        markers: Some("`---- create above / drop below ----`; `{{ template … }}` includes masked"),
        not_migrations: Some("templates in sub-folders (`shared/*.sql`)"),
        new: Some(NewMigration::sections(
            Numbering::Fixed(Scheme::Sequence { width: 3 }),
            "{version}_{name}.sql",
            "",
            "---- create above / drop below ----",
        )),
    },
    Facts {
        layout: Layout::Drizzle,
        name: "drizzle",
        tool: "Drizzle",
        files: "`{tag}.sql` listed in `meta/_journal.json` (`0000_{name}.sql`)",
        root: "the folder holding `meta/_journal.json`",
        shape: Shape::Flat,
        order: Order::Plan,
        order_text: "in the order of `meta/_journal.json` (by name without it)",
        downs: None,
        markers: Some("`--> statement-breakpoint`"),
        not_migrations: None,
        // `{name}` is the journal tag: its prefix follows the newest
        // tag's (`0004_name`, or the name alone with `prefix: "none"`).
        new: Some(NewMigration::file(Numbering::Planned, "{name}.sql")),
    },
    Facts {
        layout: Layout::Sqitch,
        name: "sqitch",
        tool: "sqitch",
        files: "`deploy/{change}.sql`, `revert/{change}.sql`; reworked: `{change}@{tag}.sql`",
        root: "the folder holding `sqitch.plan` (`sqitch.conf`'s `top_dir`)",
        shape: Shape::Plan,
        order: Order::Plan,
        order_text: "in the order of `sqitch.plan`",
        downs: Some("`revert/` scripts"),
        markers: Some("psql meta-commands (`\\set`) and `:variables` masked"),
        not_migrations: Some("`verify/` scripts"),
        new: Some(NewMigration::pair(
            Numbering::Planned,
            "deploy/{name}.sql",
            "revert/{name}.sql",
        )),
    },
    Facts {
        layout: Layout::Liquibase,
        name: "liquibase",
        tool: "Liquibase",
        files: "formatted SQL changelogs (first line `--liquibase formatted sql`)",
        root: "the folder of the changelog files",
        shape: Shape::Flat,
        order: Order::Name,
        order_text: "changesets in file order; files by name (or as the master changelog includes them)",
        downs: Some("`--rollback` lines and `/* liquibase rollback */` blocks"),
        markers: Some(
            "`--changeset author:id` with `splitStatements:false`, `endDelimiter`, `dbms`; `--rollback`",
        ),
        not_migrations: Some("changesets for other databases (`dbms:mysql`)"),
        // No file: a changeset appended to the newest changelog file.
        new: Some(NewMigration::file(Numbering::Planned, "")),
    },
    Facts {
        layout: Layout::GraphileMigrate,
        name: "graphile-migrate",
        tool: "graphile-migrate",
        files: "`committed/{NNNNNN}[-{message}].sql`",
        root: "the folder holding `committed/` (`migrations/`)",
        shape: Shape::Committed,
        order: Order::Name,
        order_text: "by file name",
        downs: None,
        markers: Some("`--! Previous:` / `--! Hash:` headers; `:PLACEHOLDER`s masked"),
        not_migrations: Some("`current.sql` and `current/` (work in progress)"),
        new: Some(NewMigration::file(
            Numbering::Fixed(Scheme::Sequence { width: 6 }),
            "committed/{version}-{name}.sql",
        )),
    },
    Facts {
        layout: Layout::Atlas,
        name: "atlas",
        tool: "Atlas",
        files: "`{version}_{name}.sql` listed in `atlas.sum`",
        root: "the folder holding `atlas.sum`",
        shape: Shape::Flat,
        order: Order::Name,
        order_text: "by file name (the order of `atlas.sum`)",
        downs: Some("`.down.sql` files (golang-migrate format)"),
        markers: Some("`-- atlas:delimiter`"),
        not_migrations: None,
        new: Some(NewMigration::optional_down(
            Numbering::Fixed(Scheme::Timestamp),
            "{version}_{name}.sql",
            "{version}_{name}.up.sql",
            "{version}_{name}.down.sql",
        )),
    },
    Facts {
        layout: Layout::Supabase,
        name: "supabase",
        tool: "the Supabase CLI",
        files: "`{YYYYMMDDHHMMSS}_{name}.sql`",
        root: "`supabase/migrations/`",
        shape: Shape::Flat,
        order: Order::Name,
        order_text: "by file name",
        downs: None,
        markers: None,
        not_migrations: Some("`supabase/seed.sql`"),
        new: Some(NewMigration::file(
            Numbering::Fixed(Scheme::Timestamp),
            "{version}_{name}.sql",
        )),
    },
    Facts {
        layout: Layout::Unversioned,
        name: "unversioned",
        tool: "this migration set",
        files: "any `.sql` file",
        root: "the folder of the files",
        shape: Shape::Flat,
        order: Order::Name,
        order_text: "by file name (a guess: say the layout in the config)",
        downs: None,
        markers: None,
        not_migrations: None,
        new: None,
    },
];

impl Layout {
    pub fn facts(self) -> &'static Facts {
        // The table is in enum order (checked by a test).
        &LAYOUTS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.facts().name
    }

    /// Every layout a config may name (`unversioned` is only a fallback).
    pub fn configurable() -> impl Iterator<Item = Layout> {
        LAYOUTS
            .iter()
            .map(|facts| facts.layout)
            .filter(|layout| *layout != Layout::Unversioned)
    }

    pub fn from_name(name: &str) -> Option<Layout> {
        Layout::configurable().find(|layout| layout.name() == name)
    }

    /// The names a config may use, for help texts.
    pub fn names() -> String {
        Layout::configurable()
            .map(Layout::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a file contributes to its migration set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Applied when migrating up (also: a file with goose/dbmate/tern
    /// sections, whose down sections are found when it is split).
    Up,
    /// Applied when migrating down: parsed, never replayed.
    Down,
    /// Flyway `R__` migration: applied after all versioned ones.
    Repeatable,
}

/// A migration version, compared numerically component by component:
/// `V1_10` comes after `V1_2`, `2019-11-15-182353` after `20140924113530`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    /// The version as written in the file name (`text()`), then its digit
    /// runs without leading zeros (`numbers`), compared by length then
    /// value, so that versions of any length compare without overflow;
    /// the runs joined by `.`. One string: every file name has a version,
    /// and each string is an allocation per file, held to the end of the
    /// run.
    written_and_numbers: Box<str>,
    /// Where the numbers start (a file name is far shorter than 4 GiB).
    numbers_at: u32,
}

impl Version {
    fn new<'a>(text: &str, components: impl IntoIterator<Item = &'a str>) -> Self {
        let mut both = String::with_capacity(text.len() * 2);
        both.push_str(text);
        let numbers_at = both.len();
        for component in components {
            if both.len() > numbers_at {
                both.push('.');
            }
            let trimmed = component.trim_start_matches('0');
            both.push_str(if trimmed.is_empty() { "0" } else { trimmed });
        }
        Version {
            written_and_numbers: both.into_boxed_str(),
            numbers_at: crate::source::narrow(numbers_at),
        }
    }

    /// The version as written in the file name.
    pub fn text(&self) -> &str {
        self.written_and_numbers
            .get(..self.numbers_at as usize)
            .unwrap_or_default()
    }

    fn numbers(&self) -> &str {
        self.written_and_numbers
            .get(self.numbers_at as usize..)
            .unwrap_or_default()
    }

    /// A version that is one number, written `text`.
    pub fn number(text: &str) -> Self {
        Version::new(text, [text])
    }

    /// The same version number as `other`, however written: `0010` and
    /// `10`, Flyway's `1.1` and `1_1`, diesel's `2024-01-01-000000` and
    /// `20240101000000`. Migration tools compare versions as numbers, so
    /// two such files collide.
    pub fn same_number(&self, other: &Version) -> bool {
        self.numbers() == other.numbers()
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let numeric = |a: &[u8], b: &[u8]| a.len().cmp(&b.len()).then_with(|| a.cmp(b));
        // Split as bytes: a set's files are sorted by version, and a
        // `char` pattern's searcher cost more than the comparison.
        let mut left = self.numbers().as_bytes().split(|&b| b == b'.');
        let mut right = other.numbers().as_bytes().split(|&b| b == b'.');
        loop {
            match (left.next(), right.next()) {
                (Some(a), Some(b)) => match numeric(a, b) {
                    Ordering::Equal => continue,
                    unequal => return unequal,
                },
                (Some(_), None) => return Ordering::Greater,
                (None, Some(_)) => return Ordering::Less,
                (None, None) => return self.text().cmp(other.text()),
            }
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What a file's name (and, for folder layouts, its folder's name) says
/// about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName {
    pub version: Option<Version>,
    /// The migration's name: the part after the version.
    pub name: Box<str>,
    pub role: Role,
    /// The layout this name is typical of.
    pub hint: Layout,
}

impl FileName {
    /// A file whose name says nothing: up, read in name order.
    pub fn unversioned(file: &str) -> FileName {
        FileName {
            version: None,
            name: file.strip_suffix(".sql").unwrap_or(file).into(),
            role: Role::Up,
            hint: Layout::Unversioned,
        }
    }
}

/// A migration folder name `<version>_<name>` (or, for numbered folders,
/// `<id>` alone) and what its version looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderName {
    pub version: Version,
    pub name: String,
    /// The folder layout whose tool writes names like this one.
    pub hint: Layout,
}

/// Classifies a migration folder name:
/// - diesel: `2024-01-01-000001_name` (digits and dashes; diesel drops the
///   dashes and compares the rest as text, so the `-NNNN` suffix of recent
///   versions orders after its timestamp) or `00000000000000_name`;
/// - Hasura: a 13-digit millisecond timestamp, `1610000000000_name`;
/// - Prisma: a 14-digit timestamp, `20240101000000_name` (also diesel's);
/// - numbered folders: digits alone, `1528395787`.
pub fn folder_name(folder: &str) -> Option<FolderName> {
    if !folder.is_empty() && folder.bytes().all(|b| b.is_ascii_digit()) {
        return Some(FolderName {
            version: Version::number(folder),
            name: String::new(),
            hint: Layout::NumberedFolders,
        });
    }
    let (version, name) = folder.split_once('_')?;
    let valid = version.starts_with(|c: char| c.is_ascii_digit())
        && version.chars().all(|c| c.is_ascii_digit() || c == '-');
    if !valid {
        return None;
    }
    let digits: String = version.chars().filter(char::is_ascii_digit).collect();
    let hint = match (version.contains('-'), digits.len()) {
        (false, 13) => Layout::Hasura,
        _ => Layout::Diesel,
    };
    let components = match digits.split_at_checked(14) {
        Some((timestamp, suffix)) if !suffix.is_empty() && version.contains('-') => {
            vec![timestamp, suffix]
        }
        _ => vec![digits.as_str()],
    };
    Some(FolderName {
        version: Version::new(version, components),
        name: name.to_string(),
        hint,
    })
}

/// Classifies a file in a migration folder of a folder layout: `up` and
/// `down` are the file names the layout uses.
pub fn folder_file(
    folder: &FolderName,
    file: &str,
    up: &str,
    down: Option<&str>,
    layout: Layout,
) -> Option<FileName> {
    let role = if file == up {
        Role::Up
    } else if Some(file) == down {
        Role::Down
    } else {
        return None;
    };
    Some(FileName {
        version: Some(folder.version.clone()),
        name: folder.name.as_str().into(),
        role,
        hint: layout,
    })
}

/// Classifies a migration file by its name alone (flat layouts).
pub fn classify(file: &str) -> FileName {
    flyway(file)
        .or_else(|| versioned(file))
        .unwrap_or_else(|| FileName::unversioned(file))
}

/// Classifies a file in a refinery set: `V{n}__{name}.sql` and
/// `U{n}__{name}.sql`, both applied up (refinery's `U` means
/// "unversioned": it may be applied out of order; refinery has no down
/// migrations).
pub fn classify_refinery(file: &str) -> FileName {
    match flyway(file) {
        Some(mut name) if name.version.is_some() => {
            name.role = Role::Up;
            name.hint = Layout::Refinery;
            name
        }
        _ => FileName::unversioned(file),
    }
}

/// `V1_2__name.sql`, `U1.2__name.sql`, `R__name.sql`.
fn flyway(file: &str) -> Option<FileName> {
    let stem = file.strip_suffix(".sql")?;
    if let Some(name) = stem.strip_prefix("R__") {
        return Some(FileName {
            version: None,
            name: name.into(),
            role: Role::Repeatable,
            hint: Layout::Flyway,
        });
    }
    let (role, rest) = match stem.as_bytes().first()? {
        b'V' => (Role::Up, &stem[1..]),
        b'U' => (Role::Down, &stem[1..]),
        _ => return None,
    };
    let (version, name) = rest.split_once("__")?;
    let components: Vec<&str> = version.split(['.', '_']).collect();
    let valid = components
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit()));
    if !valid {
        return None;
    }
    Some(FileName {
        version: Some(Version::new(version, components)),
        name: name.into(),
        role,
        hint: Layout::Flyway,
    })
}

/// `<digits>_<name>.sql`, `<digits>_<name>.up.sql`, `<digits>_<name>.down.sql`.
fn versioned(file: &str) -> Option<FileName> {
    let stem = file.strip_suffix(".sql")?;
    let (stem, role) = if let Some(s) = stem.strip_suffix(".up") {
        (s, Some(Role::Up))
    } else if let Some(s) = stem.strip_suffix(".down") {
        (s, Some(Role::Down))
    } else {
        (stem, None)
    };
    let (version, name) = stem.split_once('_')?;
    if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let hint = match role {
        Some(_) => Layout::GolangMigrate,
        None if version.len() == 14 => Layout::Sqlx,
        None => Layout::Numbered,
    };
    Some(FileName {
        version: Some(Version::number(version)),
        name: name.into(),
        role: role.unwrap_or(Role::Up),
        hint,
    })
}

/// graphile-migrate's committed files: `000001.sql`, `000002-message.sql`.
pub fn classify_graphile(file: &str) -> FileName {
    let Some(stem) = file.strip_suffix(".sql") else {
        return FileName::unversioned(file);
    };
    let (number, message) = match stem.split_once('-') {
        Some((number, message)) => (number, message),
        None => (stem, ""),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return FileName::unversioned(file);
    }
    FileName {
        version: Some(Version::number(number)),
        name: message.into(),
        role: Role::Up,
        hint: Layout::GraphileMigrate,
    }
}

/// The layout of a flat set from the hints of its file names: the most
/// specific convention any file follows wins.
pub fn infer(hints: impl IntoIterator<Item = Layout>) -> Layout {
    let hints: Vec<Layout> = hints.into_iter().collect();
    let precedence = [
        Layout::Flyway,
        Layout::GolangMigrate,
        Layout::Sqlx,
        Layout::Numbered,
    ];
    precedence
        .into_iter()
        .find(|layout| hints.contains(layout))
        .unwrap_or(Layout::Unversioned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(file: &str) -> Version {
        classify(file).version.expect("versioned")
    }

    #[test]
    fn the_table_is_in_enum_order() {
        for (index, facts) in LAYOUTS.iter().enumerate() {
            assert_eq!(facts.layout as usize, index, "{}", facts.name);
            assert_eq!(
                Layout::from_name(facts.name).map(Layout::facts).is_some(),
                facts.layout != Layout::Unversioned
            );
        }
    }

    #[test]
    fn flyway_versions_compare_numerically() {
        assert!(version("V1_10__b.sql") > version("V1_2__a.sql"));
        assert!(version("V17.1__b.sql") > version("V17__a.sql"));
        assert!(version("V2__b.sql") > version("V1.99__a.sql"));
        assert!(version("V1.2.1__b.sql") > version("V1_2__a.sql"));
        assert!(version("V1.10__b.sql") > version("V1.9.9__a.sql"));
        // The same number, however written; ordered then by the text.
        assert!(version("V1.02__a.sql").same_number(&version("V1_2__b.sql")));
        assert!(version("V00_0__a.sql").same_number(&version("V0.0__b.sql")));
        assert!(!version("V1.2__a.sql").same_number(&version("V12__b.sql")));
        assert!(version("V1.02__a.sql") < version("V1_2__b.sql"));
        assert_eq!(classify("R__views.sql").role, Role::Repeatable);
        assert_eq!(classify("U3__undo.sql").role, Role::Down);
        assert_eq!(classify("V1__init.sql").hint, Layout::Flyway);
    }

    #[test]
    fn refinery_unversioned_files_are_up() {
        let u = classify_refinery("U10__tidy.sql");
        assert_eq!((u.role, u.hint), (Role::Up, Layout::Refinery));
        assert_eq!(classify_refinery("R__x.sql").hint, Layout::Unversioned);
    }

    #[test]
    fn plain_versions_compare_numerically() {
        assert!(version("10_b.sql") > version("9_a.sql"));
        assert!(version("0010_b.sql") > version("9_a.sql"));
        assert_eq!(classify("0001_init.sql").hint, Layout::Numbered);
        assert_eq!(classify("20240101000000_init.sql").hint, Layout::Sqlx);
        let up = classify("00_init.up.sql");
        assert_eq!((up.role, up.hint), (Role::Up, Layout::GolangMigrate));
        assert_eq!(classify("1_x.down.sql").role, Role::Down);
    }

    #[test]
    fn unversioned_names() {
        let f = classify("schema.sql");
        assert_eq!((f.version, f.hint), (None, Layout::Unversioned));
        assert_eq!(classify("V__x.sql").hint, Layout::Unversioned);
        assert_eq!(classify("Vx__y.sql").hint, Layout::Unversioned);
    }

    #[test]
    fn graphile_names() {
        let f = classify_graphile("000002-create-books.sql");
        assert!(
            f.version
                .is_some_and(|v| v.same_number(&Version::number("2")))
        );
        assert_eq!(&*f.name, "create-books");
        assert_eq!(&*classify_graphile("000001.sql").name, "");
        assert_eq!(classify_graphile("x.sql").hint, Layout::Unversioned);
    }

    #[test]
    fn folder_names() {
        let a = folder_name("2019-11-15-182353_Add email notifications").unwrap();
        assert_eq!(
            (a.name.as_str(), a.hint),
            ("Add email notifications", Layout::Diesel)
        );
        let b = folder_name("20140924113530_dumped_migration_1").unwrap();
        let zero = folder_name("00000000000000_diesel_initial_setup").unwrap();
        assert!(a.version > b.version && b.version > zero.version);
        let suffixed = folder_name("2026-05-11-183755-0000_use-pgcrypto").unwrap();
        let later = folder_name("2026-06-05-120000_reverse_deps").unwrap();
        let same_second = folder_name("2026-05-11-183755_x").unwrap();
        assert!(
            suffixed.version < later.version,
            "the suffix does not make a version newer"
        );
        assert!(suffixed.version > same_second.version);
        assert_eq!(
            folder_name("1610000000000_init").unwrap().hint,
            Layout::Hasura
        );
        assert_eq!(
            folder_name("1528395787").unwrap().hint,
            Layout::NumberedFolders
        );
        assert!(folder_name("-1_x").is_none());
        assert!(folder_name("abc_x").is_none());
        let up = folder_file(&a, "down.sql", "up.sql", Some("down.sql"), Layout::Diesel);
        assert_eq!(up.map(|f| f.role), Some(Role::Down));
        assert!(folder_file(&a, "other.sql", "up.sql", Some("down.sql"), Layout::Diesel).is_none());
    }
}
