//! Naming helpers shared by the naming rules: name templates and English
//! singulars.

/// Options of the rules about lookup tables: which tables are lookups.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LookupOptions {
    /// Tables whose name ends with this are lookup tables.
    pub suffix: String,
}

impl Default for LookupOptions {
    fn default() -> Self {
        LookupOptions {
            suffix: "_statuses".to_string(),
        }
    }
}

/// PostgreSQL cuts identifiers to 63 bytes (NAMEDATALEN - 1).
pub const MAX_IDENTIFIER: usize = 63;

/// Expands `{table}` and `{columns}` (column names joined by `_`), cut to
/// the length PostgreSQL would keep of it.
pub fn expand(template: &str, table: &str, columns: &[String]) -> String {
    let mut name = template
        .replace("{table}", table)
        .replace("{columns}", &columns.join("_"));
    if name.len() > MAX_IDENTIFIER {
        let mut cut = MAX_IDENTIFIER;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    name
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

fn singular_word(word: &str) -> String {
    const SAME: [&str; 6] = ["status", "news", "series", "species", "data", "metadata"];
    const IRREGULAR: [(&str, &str); 10] = [
        ("people", "person"),
        ("children", "child"),
        ("men", "man"),
        ("women", "woman"),
        ("indices", "index"),
        ("vertices", "vertex"),
        ("matrices", "matrix"),
        ("caches", "cache"),
        ("aliases", "alias"),
        ("statuses", "status"),
    ];
    if SAME.contains(&word) || word.ends_with("ss") || word.ends_with("us") || word.ends_with("is")
    {
        return word.to_string();
    }
    if let Some((_, single)) = IRREGULAR.iter().find(|(plural, _)| *plural == word) {
        return single.to_string();
    }
    if let Some(stem) = word.strip_suffix("ies")
        && !stem.is_empty()
    {
        return format!("{stem}y");
    }
    for suffix in ["sses", "shes", "ches", "xes", "zes"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            return format!("{stem}{}", &suffix[..suffix.len() - 2]);
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => word.to_string(),
    }
}

/// Whether `name` matches a pattern with `*` wildcards (`*_status`).
pub fn matches_pattern(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, rest)) => {
            let Some(after) = name.strip_prefix(prefix) else {
                return false;
            };
            // Try every split point for the rest of the pattern.
            (0..=after.len())
                .filter(|&i| after.is_char_boundary(i))
                .any(|i| matches_pattern(rest, &after[i..]))
        }
    }
}

/// The names for an index's `{columns}`: its plain columns, and the columns
/// an expression uses (`lower(email)` → `email`).
pub fn index_columns(index: &crate::model::Index) -> Vec<String> {
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
fn expression_words(text: &str) -> Vec<String> {
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
            words.push(word.to_lowercase());
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
        ] {
            assert_eq!(singular(plural), single, "{plural}");
        }
    }

    #[test]
    fn patterns() {
        assert!(matches_pattern("*_status", "job_status"));
        assert!(!matches_pattern("*_status", "status"));
        assert!(matches_pattern("status", "status"));
        assert!(!matches_pattern("*_status", "status_id"));
        assert!(matches_pattern("*_state*", "my_state_x"));
    }

    #[test]
    fn templates() {
        let columns = vec!["a".to_string(), "b".to_string()];
        assert_eq!(expand("idx_{table}_{columns}", "t", &columns), "idx_t_a_b");
        let long = vec!["a_very_long_column_name_that_goes_on".to_string(); 2];
        assert_eq!(expand("idx_{table}_{columns}", "t", &long).len(), 63);
    }
}
