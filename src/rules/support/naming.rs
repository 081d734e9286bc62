//! Naming helpers shared by the naming rules: name templates, snake_case,
//! and English singulars and plurals.

use crate::diagnostic::{Diagnostic, Fix, ObjectRef};
use crate::fix::edits;
use crate::rules::{Context, Reporter, RuleId};
use std::borrow::Borrow;

use crate::model::names::quote;
use crate::model::{Index, Name};
use crate::source::Origin;

/// The `template` option of the naming rules: a name made of text and the
/// placeholders `{table}` and `{columns}` (`idx_{table}_{columns}`).
/// Checked when the config is read, so that a template that cannot name
/// anything (`""`, `"{nonsense}{"`) is a config error, not a finding on
/// every index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct NameTemplate(String);

/// The placeholders a name template may use.
const PLACEHOLDERS: [&str; 2] = ["{table}", "{columns}"];

impl NameTemplate {
    /// A default written in the code (`template_checks` tests the defaults).
    pub fn fixed(text: &'static str) -> NameTemplate {
        NameTemplate(text.to_string())
    }

    /// The name for a table and columns (see `expand`).
    pub fn expand(&self, table: &str, columns: &[impl Borrow<str>]) -> String {
        expand(&self.0, table, columns)
    }
}

impl TryFrom<String> for NameTemplate {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        match template_problem(&text) {
            None => Ok(NameTemplate(text)),
            // The first backquoted word names the option (see
            // `config::option_error`, which shows its line).
            Some(problem) => Err(format!(
                "`template` {text:?} is not a name template: {problem}; write text and the placeholders `{{table}}` and `{{columns}}`, such as \"idx_{{table}}_{{columns}}\""
            )),
        }
    }
}

impl From<NameTemplate> for String {
    fn from(template: NameTemplate) -> String {
        template.0
    }
}

/// What is wrong with a name template, if anything.
fn template_problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("it is empty".to_string());
    }
    let mut rest = text;
    let mut placeholders = 0;
    while let Some(at) = rest.find(['{', '}']) {
        let tail = &rest[at..];
        if tail.starts_with('}') {
            return Some("a `}` closes no placeholder".to_string());
        }
        let Some(end) = tail.find('}') else {
            return Some("a `{` is not closed".to_string());
        };
        let placeholder = &tail[..=end];
        if !PLACEHOLDERS.contains(&placeholder) {
            return Some(format!("`{placeholder}` is not a placeholder"));
        }
        placeholders += 1;
        rest = &tail[end + 1..];
    }
    (placeholders == 0)
        .then(|| "it has no placeholder, so every name would be the same".to_string())
}

/// PostgreSQL cuts identifiers to 63 bytes (NAMEDATALEN - 1).
pub const MAX_IDENTIFIER: usize = 63;

/// Expands `{table}` and `{columns}` (column names joined by `_`), cut to
/// the length PostgreSQL would keep of it.
pub fn expand(template: &str, table: &str, columns: &[impl Borrow<str>]) -> String {
    let mut name = template
        .replace("{table}", table)
        .replace("{columns}", &columns.join("_"));
    cut_identifier(&mut name);
    name
}

/// Cuts a name to the length PostgreSQL keeps of it.
pub fn cut_identifier(name: &mut String) {
    if name.len() > MAX_IDENTIFIER {
        let mut cut = MAX_IDENTIFIER;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
}

/// The singular of an English plural table name, by a small documented
/// heuristic: `categories` → `category`, `statuses` → `status`,
/// `boxes` → `box`, `users` → `user`; words not ending in `s` are returned
/// as they are. Only the last `_`-separated word changes
/// (`scene_types` → `scene_type`).
pub fn singular(name: &str) -> String {
    let (head, last) = match name.rsplit_once('_') {
        Some((head, last)) => (Some(head), last),
        None => (None, name),
    };
    let single = singular_word(last);
    match head {
        Some(head) => format!("{head}_{single}"),
        None => single,
    }
}

/// Words whose plural is not made with `s`/`es`, as (plural, singular).
const IRREGULAR: [(&str, &str); 22] = [
    ("people", "person"),
    ("children", "child"),
    ("men", "man"),
    ("women", "woman"),
    ("feet", "foot"),
    ("teeth", "tooth"),
    ("mice", "mouse"),
    ("geese", "goose"),
    ("oxen", "ox"),
    ("criteria", "criterion"),
    ("phenomena", "phenomenon"),
    ("alumni", "alumnus"),
    ("indices", "index"),
    ("vertices", "vertex"),
    ("matrices", "matrix"),
    ("appendices", "appendix"),
    ("caches", "cache"),
    ("aliases", "alias"),
    ("statuses", "status"),
    ("quizzes", "quiz"),
    ("leaves", "leaf"),
    ("lives", "life"),
];

/// Words that are the same in the singular and the plural, or mass nouns
/// that have no plural a table would use (`user_data`, `login_history`,
/// `app_config`).
/// `table-naming` accepts them as plural; `singular` keeps them.
pub const UNCOUNTABLE: [&str; 27] = [
    "data",
    "metadata",
    "media",
    "information",
    "info",
    "news",
    "series",
    "species",
    "equipment",
    "feedback",
    "software",
    "hardware",
    "firmware",
    "history",
    "analytics",
    "statistics",
    "stats",
    "staff",
    "personnel",
    "evidence",
    "knowledge",
    "research",
    "traffic",
    "access",
    "progress",
    "inventory",
    "config",
];

/// Singular words ending in `s` that the `-s` rule would take for plurals
/// (besides the `-ss`, `-us` and `-is` endings, which are always singular).
const SINGULAR_S: [&str; 10] = [
    "alias", "atlas", "bias", "canvas", "gas", "lens", "chaos", "kudos", "ethos", "cosmos",
];

/// Singular words ending in `-is` that are not `-sis`/`-xis` (`analysis`,
/// `axis`, always singular); other words ending in `-is` are plurals of
/// words ending in `-i` (`apis`, `uris`, `jtis`, `emojis`).
const SINGULAR_IS: [&str; 9] = [
    "tennis",
    "iris",
    "debris",
    "trellis",
    "metropolis",
    "pelvis",
    "cannabis",
    "mantis",
    "aegis",
];

/// Plurals of words ending in `-u`, which the `-us` rule (`status`,
/// `bonus`, `campus`: singular) would take for singulars.
const U_PLURALS: [&str; 13] = [
    "menus", "skus", "cpus", "gpus", "tpus", "emus", "gurus", "haikus", "tofus", "tutus", "imus",
    "ecus", "mmus",
];

/// Whether a word ending in `s` is singular all the same: `address`,
/// `status`, `analysis`, `alias` (but not `menus`, `apis`).
fn singular_in_s(word: &str) -> bool {
    if U_PLURALS.contains(&word) {
        return false;
    }
    SINGULAR_S.contains(&word)
        || SINGULAR_IS.contains(&word)
        || word.ends_with("ss")
        || word.ends_with("us")
        || word.ends_with("sis")
        || word.ends_with("xis")
}

/// Singulars ending in `-ie`, whose plural `-ies` is not `-y` → `-ies`.
const IE_PLURALS: [&str; 14] = [
    "movies",
    "cookies",
    "pies",
    "ties",
    "lies",
    "calories",
    "zombies",
    "selfies",
    "rookies",
    "brownies",
    "smoothies",
    "goalies",
    "freebies",
    "newbies",
];

fn singular_word(word: &str) -> String {
    if UNCOUNTABLE.contains(&word) || singular_in_s(word) {
        return word.to_string();
    }
    if let Some((_, single)) = IRREGULAR.iter().find(|(plural, _)| *plural == word) {
        return single.to_string();
    }
    if IE_PLURALS.contains(&word) {
        return word[..word.len() - 1].to_string();
    }
    if let Some(stem) = word.strip_suffix("ies")
        && !stem.is_empty()
    {
        return format!("{stem}y");
    }
    // `-zes` is mostly `-ze` + `s` (`sizes`, `prizes`); `-zzes` is `-zz` + `es`.
    for suffix in ["sses", "shes", "ches", "xes", "zzes"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            return format!("{stem}{}", &suffix[..suffix.len() - 2]);
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => word.to_string(),
    }
}

/// Whether an English word (lower case) reads as a plural, by the heuristic
/// `singular` uses: irregular plurals (`people`, `criteria`) and the
/// uncountable words (`data`, `news`, `history`, `settings`, see
/// `UNCOUNTABLE`) are plural; irregular singulars (`person`, `index`),
/// words ending in `-ss`, `-us`, `-sis`, `-xis` (`address`, `status`,
/// `analysis`, `axis`) and a few others (`alias`, `canvas`, `tennis`) are
/// singular, except plurals of words in `-u` (`menus`, `skus`);
/// otherwise a word is plural when it ends in `s` (`apis`, `jtis` too).
pub fn is_plural_word(word: &str) -> bool {
    if UNCOUNTABLE.contains(&word) || IRREGULAR.iter().any(|(plural, _)| *plural == word) {
        return true;
    }
    if IRREGULAR.iter().any(|(_, single)| *single == word) || singular_in_s(word) {
        return false;
    }
    word.len() > 1 && word.ends_with('s')
}

/// The English plural of a singular word, by the rules `singular` undoes.
pub fn plural_of(word: &str) -> String {
    if UNCOUNTABLE.contains(&word) {
        return word.to_string();
    }
    if let Some((plural, _)) = IRREGULAR.iter().find(|(_, single)| *single == word) {
        return plural.to_string();
    }
    // `analysis` → `analyses`
    if let Some(stem) = word.strip_suffix("is")
        && stem.len() > 1
    {
        return format!("{stem}es");
    }
    if let Some(stem) = word.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
        && !stem.is_empty()
    {
        return format!("{stem}ies");
    }
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| word.ends_with(end))
    {
        return format!("{word}es");
    }
    format!("{word}s")
}

/// Whether a name is snake_case: lower-case ASCII letters, digits and `_`,
/// not starting with a digit.
pub fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The snake_case spelling of a name, for suggestions: `createdAt` →
/// `created_at`, `UserOAuth` → `user_o_auth`, `Tenant ID` → `tenant_id`.
/// Names that are already snake_case are returned as they are.
pub fn to_snake_case(name: &str) -> String {
    if is_snake_case(name) {
        return name.to_string();
    }
    heck::ToSnakeCase::to_snake_case(name)
}

/// The lower-case words of a name in any case style: `parentStepId` →
/// `parent`, `step`, `id`; `user_id` → `user`, `id`.
pub fn words(name: &str) -> Vec<String> {
    to_snake_case(name)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `name` matches a pattern with `*` wildcards (`*_status`).
pub fn matches_pattern(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, rest)) => {
            let Some(after) = name.strip_prefix(prefix) else {
                return false;
            };
            if !rest.contains('*') {
                // The last wildcard: the rest must end the name.
                return after.ends_with(rest);
            }
            // Try every split point for the rest of the pattern.
            (0..=after.len())
                .filter(|&i| after.is_char_boundary(i))
                .any(|i| matches_pattern(rest, &after[i..]))
        }
    }
}

/// The names for an index's `{columns}`: its plain columns, and the columns
/// an expression uses (`lower(email)` → `email`).
pub fn index_columns(index: &crate::model::Index) -> Vec<Name> {
    index
        .keys
        .iter()
        .flat_map(|key| match key {
            crate::model::IndexKey::Column(name) => vec![name.clone()],
            crate::model::IndexKey::Expression(text) => expression_words(text),
        })
        .collect()
}

/// Identifiers in an expression's text that are not function names or
/// keywords: `lower(email)` → `email`, `(a || b)` → `a`, `b`.
fn expression_words(text: &str) -> Vec<Name> {
    let mut words = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_alphabetic() || c == '_') {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        let word = &tail[..end];
        let after = tail[end..].trim_start();
        let quoted = rest[..start].ends_with('\'');
        if !after.starts_with('(') && !quoted && !is_sql_word(word) {
            words.push(Name::new(word.to_lowercase()));
        }
        rest = &tail[end..];
    }
    words
}

fn is_sql_word(word: &str) -> bool {
    matches!(
        word.to_ascii_uppercase().as_str(),
        "AND" | "OR" | "NOT" | "NULL" | "IS" | "AS" | "CAST" | "TEXT" | "COLLATE" | "DESC" | "ASC"
    )
}

/// Index methods of pgvector, whose indexes may end in `_vec`.
const VECTOR_METHODS: [&str; 2] = ["hnsw", "ivfflat"];

/// Where `index_name_finding` places its finding: the index's name where
/// it was last given (a rename may be in a later file), else the
/// statement that created it.
fn index_name_origin(index: &Index) -> &Origin {
    index.name_origin.as_ref().unwrap_or(&index.origin)
}

/// `index-naming` and `unique-naming`: each index that is unique (or not,
/// as `unique` says) is named as `template` expands for it, or gets a
/// finding (`what` names the kind of index) with a fix that renames it.
pub fn check_index_names(
    cx: &Context<'_>,
    out: &mut Reporter<'_>,
    rule: RuleId,
    unique: bool,
    template: &NameTemplate,
    what: &str,
) {
    for index in cx.catalog.indexes.iter().filter(|i| i.unique == unique) {
        // Judging a name and its fix costs work (the fix looks for the
        // name in every file): only where the finding is reported.
        if !out.reports(index_name_origin(index)) {
            continue;
        }
        let expected = template.expand(&index.table.name, &index_columns(index));
        if let Some(diagnostic) = index_name_finding(index, &expected, rule, what) {
            out.push_with_fix(diagnostic, || {
                edits::rename_index(cx, index, &expected)
                    .map(|edit| Fix::safe(format!("name the index `{expected}`"), vec![edit]))
            });
        }
    }
}

/// The finding for an index whose name is not `expected`.
fn index_name_finding(
    index: &Index,
    expected: &str,
    rule: RuleId,
    what: &str,
) -> Option<Diagnostic> {
    let vector = VECTOR_METHODS.contains(&index.method());
    let object = ObjectRef::table(&index.table)
        .with_columns(index_columns(index))
        .with_name(index.name.as_ref().map(|n| n.name.clone()));
    let Some(name) = &index.name else {
        return Some(
            Diagnostic::new(rule, index_name_origin(index), format!("{what} on `{}` has no name", index.table))
                .help(format!("name it: CREATE {}INDEX {} ON …; PostgreSQL's generated names differ between versions and say nothing", if index.unique { "UNIQUE " } else { "" }, quote(expected)))
                .object(object),
        );
    };
    let accepted = name.name == expected || (vector && name.name == format!("{expected}_vec"));
    if accepted {
        return None;
    }
    Some(
        Diagnostic::new(
            rule,
            index_name_origin(index),
            format!(
                "{what} `{}` on `{}` should be named `{expected}`",
                name.name, index.table
            ),
        )
        .help(format!(
            "ALTER INDEX {} RENAME TO {};",
            name.sql(),
            quote(expected)
        ))
        .object(object),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singulars() {
        for (plural, single) in [
            ("users", "user"),
            ("categories", "category"),
            ("job_statuses", "job_status"),
            ("statuses", "status"),
            ("boxes", "box"),
            ("matches", "match"),
            ("addresses", "address"),
            ("scene_types", "scene_type"),
            ("status", "status"),
            ("news", "news"),
            ("data", "data"),
            ("houses", "house"),
            ("caches", "cache"),
            ("people", "person"),
            ("batches", "batch"),
            ("sizes", "size"),
            ("buzzes", "buzz"),
            ("movies", "movie"),
            ("criteria", "criterion"),
            ("aliases", "alias"),
            ("user_settings", "user_setting"),
            ("apis", "api"),
            ("jtis", "jti"),
            ("menus", "menu"),
            ("skus", "sku"),
            ("analysis", "analysis"),
            ("axis", "axis"),
            ("login_history", "login_history"),
        ] {
            assert_eq!(singular(plural), single, "{plural}");
        }
    }

    #[test]
    fn plurals() {
        for word in [
            "users",
            "types",
            "settings",
            "data",
            "news",
            "series",
            "people",
            "statuses",
            "categories",
            "history",
            "indices",
            "metadata",
            "criteria",
            "aliases",
            "menus",
            "skus",
            "apis",
            "jtis",
            "uris",
        ] {
            assert!(is_plural_word(word), "{word}");
        }
        for word in [
            "user", "log", "status", "address", "analysis", "person", "index", "alias", "s",
            "campus", "canvas", "axis", "tennis", "bonus",
        ] {
            assert!(!is_plural_word(word), "{word}");
        }
    }

    #[test]
    fn snake_case() {
        for name in ["users", "user_id", "_private", "v1_tasks", "a2b"] {
            assert!(is_snake_case(name), "{name}");
        }
        for name in [
            "UserOAuth",
            "createdAt",
            "1st",
            "",
            "user-id",
            "user id",
            "naïve",
        ] {
            assert!(!is_snake_case(name), "{name}");
        }
        assert_eq!(to_snake_case("createdAt"), "created_at");
        assert_eq!(to_snake_case("UserOAuth"), "user_o_auth");
        assert_eq!(to_snake_case("tenantId"), "tenant_id");
        assert_eq!(to_snake_case("user_id"), "user_id");
        assert_eq!(words("parentStepId"), ["parent", "step", "id"]);
        assert_eq!(words("user__id"), ["user", "id"]);
    }

    #[test]
    fn patterns() {
        assert!(matches_pattern("*_status", "job_status"));
        assert!(!matches_pattern("*_status", "status"));
        assert!(matches_pattern("status", "status"));
        assert!(!matches_pattern("*_status", "status_id"));
        assert!(matches_pattern("*_state*", "my_state_x"));
        assert!(matches_pattern("is_*", "is_"));
        assert!(matches_pattern("*_*_at", "a_b_at"));
        assert!(!matches_pattern("*_*_at", "ab_at"));
        assert!(matches_pattern("*é", "café"));
    }

    #[test]
    fn template_checks() {
        let defaults = crate::rules::registry()
            .filter_map(|rule| rule.default_options().get("template").cloned())
            .filter_map(|value| value.as_str().map(str::to_string))
            .collect::<Vec<_>>();
        assert_eq!(defaults, ["idx_{table}_{columns}", "uq_{table}_{columns}"]);
        for good in defaults
            .iter()
            .map(String::as_str)
            .chain(["{table}_{columns}_idx", "uq_{columns}"])
        {
            assert!(NameTemplate::try_from(good.to_string()).is_ok(), "{good}");
        }
        for (bad, problem) in [
            ("", "it is empty"),
            ("  ", "it is empty"),
            ("{nonsense}{", "`{nonsense}` is not a placeholder"),
            ("idx_{table", "a `{` is not closed"),
            ("idx_table}", "a `}` closes no placeholder"),
            ("idx_{Table}", "`{Table}` is not a placeholder"),
            ("idx", "it has no placeholder"),
        ] {
            let error = NameTemplate::try_from(bad.to_string())
                .err()
                .unwrap_or_default();
            assert!(error.starts_with("`template`"), "{bad}: {error}");
            assert!(error.contains(problem), "{bad}: {error}");
        }
    }

    #[test]
    fn templates() {
        let columns = vec!["a".to_string(), "b".to_string()];
        assert_eq!(expand("idx_{table}_{columns}", "t", &columns), "idx_t_a_b");
        let long = vec!["a_very_long_column_name_that_goes_on".to_string(); 2];
        assert_eq!(expand("idx_{table}_{columns}", "t", &long).len(), 63);
    }
}
