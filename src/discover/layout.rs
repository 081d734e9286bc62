//! Migration layouts: how a tool names its migration files, and what a file
//! name says about its version, its name and whether it is an up or a down
//! migration.

use std::cmp::Ordering;
use std::fmt;

/// The migration tool conventions `schema-lint` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layout {
    /// `<version>_<name>.sql`, reversible `<version>_<name>.up.sql` / `.down.sql`.
    Sqlx,
    /// `<version>_<name>/up.sql` + `down.sql`.
    Diesel,
    /// `<version>_<name>.up.sql` / `.down.sql`.
    GolangMigrate,
    /// `V<version>__<name>.sql`, `U<version>__<name>.sql`, `R__<name>.sql`.
    Flyway,
    /// `-- migrate:up` / `-- migrate:down` sections in one file.
    Dbmate,
    /// `-- +goose Up` / `-- +goose Down` sections in one file.
    Goose,
    /// `0001_name.sql`.
    Numbered,
    /// SQL files without a recognised version, read in name order.
    Unversioned,
}

impl Layout {
    pub const CONFIGURABLE: [Layout; 7] = [
        Layout::Sqlx,
        Layout::Diesel,
        Layout::GolangMigrate,
        Layout::Flyway,
        Layout::Dbmate,
        Layout::Goose,
        Layout::Numbered,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Layout::Sqlx => "sqlx",
            Layout::Diesel => "diesel",
            Layout::GolangMigrate => "golang-migrate",
            Layout::Flyway => "flyway",
            Layout::Dbmate => "dbmate",
            Layout::Goose => "goose",
            Layout::Numbered => "numbered",
            Layout::Unversioned => "unversioned",
        }
    }

    pub fn from_name(name: &str) -> Option<Layout> {
        Layout::CONFIGURABLE
            .into_iter()
            .find(|layout| layout.name() == name)
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
    /// Applied when migrating up (also: a file with goose/dbmate sections,
    /// whose down sections are found when it is split).
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
    /// The version as written in the file name.
    pub text: String,
    /// Digit runs without leading zeros, compared by length then value, so
    /// that versions of any length compare without overflow.
    components: Vec<String>,
}

impl Version {
    fn new(text: &str, components: impl IntoIterator<Item = String>) -> Self {
        Version {
            text: text.to_string(),
            components: components
                .into_iter()
                .map(|c| {
                    let trimmed = c.trim_start_matches('0');
                    if trimmed.is_empty() {
                        "0".to_string()
                    } else {
                        trimmed.to_string()
                    }
                })
                .collect(),
        }
    }
}

impl Version {
    /// The same version number as `other`, however written: `0010` and
    /// `10`, Flyway's `1.1` and `1_1`, diesel's `2024-01-01-000000` and
    /// `20240101000000`. Migration tools compare versions as numbers, so
    /// two such files collide.
    pub fn same_number(&self, other: &Version) -> bool {
        self.components == other.components
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let numeric = |a: &String, b: &String| a.len().cmp(&b.len()).then_with(|| a.cmp(b));
        let mut left = self.components.iter();
        let mut right = other.components.iter();
        loop {
            match (left.next(), right.next()) {
                (Some(a), Some(b)) => match numeric(a, b) {
                    Ordering::Equal => continue,
                    unequal => return unequal,
                },
                (Some(_), None) => return Ordering::Greater,
                (None, Some(_)) => return Ordering::Less,
                (None, None) => return self.text.cmp(&other.text),
            }
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What a file's name (and, for diesel, its folder's name) says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName {
    pub version: Option<Version>,
    /// The migration's name: the part after the version.
    pub name: String,
    pub role: Role,
    /// The layout this name is typical of.
    pub hint: Layout,
}

/// Classifies a diesel migration folder name `<version>_<name>`, where the
/// version is digits and dashes (`2024-01-01-000001`, `00000000000000`).
/// Diesel drops the dashes and compares the rest, so we do too.
pub fn diesel_folder(folder: &str) -> Option<(Version, String)> {
    let (version, name) = folder.split_once('_')?;
    let valid = !version.is_empty()
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version.chars().all(|c| c.is_ascii_digit() || c == '-');
    if !valid {
        return None;
    }
    // Diesel drops the dashes and compares the digits as text, so the
    // `-NNNN` suffix it now generates (`2026-05-11-183755-0000`) orders
    // after the timestamp, not as a larger number.
    let digits: String = version.chars().filter(char::is_ascii_digit).collect();
    let components = match digits.split_at_checked(14) {
        Some((timestamp, suffix)) if !suffix.is_empty() => {
            vec![timestamp.to_string(), suffix.to_string()]
        }
        _ => vec![digits],
    };
    Some((Version::new(version, components), name.to_string()))
}

/// Classifies a file in a diesel migration folder.
pub fn diesel_file(folder: &str, file: &str) -> Option<FileName> {
    let role = match file {
        "up.sql" => Role::Up,
        "down.sql" => Role::Down,
        _ => return None,
    };
    let (version, name) = diesel_folder(folder)?;
    Some(FileName {
        version: Some(version),
        name,
        role,
        hint: Layout::Diesel,
    })
}

/// Classifies a migration file by its name alone.
pub fn classify(file: &str) -> FileName {
    flyway(file)
        .or_else(|| versioned(file))
        .unwrap_or_else(|| FileName {
            version: None,
            name: file.strip_suffix(".sql").unwrap_or(file).to_string(),
            role: Role::Up,
            hint: Layout::Unversioned,
        })
}

/// `V1_2__name.sql`, `U1.2__name.sql`, `R__name.sql`.
fn flyway(file: &str) -> Option<FileName> {
    let stem = file.strip_suffix(".sql")?;
    if let Some(name) = stem.strip_prefix("R__") {
        return Some(FileName {
            version: None,
            name: name.to_string(),
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
    let components: Vec<String> = version.split(['.', '_']).map(str::to_string).collect();
    let valid = components
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit()));
    if !valid {
        return None;
    }
    Some(FileName {
        version: Some(Version::new(version, components)),
        name: name.to_string(),
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
        version: Some(Version::new(version, [version.to_string()])),
        name: name.to_string(),
        role: role.unwrap_or(Role::Up),
        hint,
    })
}

/// The layout of a set from the hints of its file names: the most specific
/// convention any file follows wins.
pub fn infer(hints: impl IntoIterator<Item = Layout>) -> Layout {
    let hints: Vec<Layout> = hints.into_iter().collect();
    let precedence = [
        Layout::Diesel,
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
    fn flyway_versions_compare_numerically() {
        assert!(version("V1_10__b.sql") > version("V1_2__a.sql"));
        assert!(version("V17.1__b.sql") > version("V17__a.sql"));
        assert_eq!(classify("R__views.sql").role, Role::Repeatable);
        assert_eq!(classify("U3__undo.sql").role, Role::Down);
        assert_eq!(classify("V1__init.sql").hint, Layout::Flyway);
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
    fn diesel_folders() {
        let (a, name) = diesel_folder("2019-11-15-182353_Add email notifications").unwrap();
        assert_eq!(name, "Add email notifications");
        let (b, _) = diesel_folder("20140924113530_dumped_migration_1").unwrap();
        let (zero, _) = diesel_folder("00000000000000_diesel_initial_setup").unwrap();
        assert!(a > b && b > zero);
        let (suffixed, _) = diesel_folder("2026-05-11-183755-0000_use-pgcrypto").unwrap();
        let (later, _) = diesel_folder("2026-06-05-120000_reverse_deps").unwrap();
        let (same_second, _) = diesel_folder("2026-05-11-183755_x").unwrap();
        assert!(suffixed < later, "the suffix does not make a version newer");
        assert!(suffixed > same_second);
        assert!(diesel_folder("-1_x").is_none());
        assert!(diesel_folder("abc_x").is_none());
        assert_eq!(
            diesel_file("1_x", "down.sql").map(|f| f.role),
            Some(Role::Down)
        );
        assert!(diesel_file("1_x", "other.sql").is_none());
    }
}
