//! `repeating-columns`: numbered column families (`phone1`, `phone2`) are a
//! repeating group that belongs in its own table (third normal form).

use crate::rules::Reporter;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::Table;
use crate::rules::support::naming::{matches_pattern, plural_of, singular, to_snake_case};
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// The smallest family reported.
    pub min_members: usize,
    /// Families never reported, by their name without the number
    /// (`address_line` for `address_line1`); `*` matches any text.
    pub allow: Vec<String>,
    /// Families accepted when they have exactly two members (postal
    /// `line1`/`line2`); a third member is reported.
    pub allow_pairs: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_members: 2,
            allow: Vec::new(),
            allow_pairs: ["line", "*_line", "address", "street"]
                .map(String::from)
                .to_vec(),
        }
    }
}

pub struct RepeatingColumns {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::RepeatingColumns,
    name: "repeating-columns",
    default_severity: Some(Severity::Warning),
    summary: "numbered column families (`phone1`, `phone2`, …): a repeating group that belongs in its own table (3NF)",
    doc: include_str!("../../rules/repeating-columns.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for RepeatingColumns {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        RepeatingColumns { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            for family in families(table) {
                let members = family.members.len();
                if members < self.options.min_members.max(2)
                    || self.matches(&self.options.allow, &family.name)
                    || (members == 2 && self.matches(&self.options.allow_pairs, &family.name))
                {
                    continue;
                }
                let names: Vec<crate::model::Name> = family
                    .members
                    .iter()
                    .map(|&i| table.columns[i].name.clone())
                    .collect();
                let first = &table.columns[family.members[0]];
                let listed = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let owner = singular(&to_snake_case(&table.name.name));
                let family_snake = to_snake_case(&family.name);
                // `addresses` + `address_line` → `address_lines`.
                let child =
                    if family_snake == owner || family_snake.starts_with(&format!("{owner}_")) {
                        pluralize_last(&family_snake)
                    } else {
                        format!("{owner}_{}", pluralize_last(&family_snake))
                    };
                out.push(
                    Diagnostic::new(
                        DEF.id,
                        &first.name_origin,
                        format!(
                            "table `{}` repeats one column as a numbered family: {listed}",
                            table.name
                        ),
                    )
                    .help(format!(
                        "move the family to its own table (e.g. `{child}` with `{}_id`, a position and the value, one row each): numbered columns cap how many there can be, leave empty columns, and make every query look in each one",
                        owner
                    ))
                    .object(ObjectRef::table(&table.name).with_columns(names)),
                );
            }
        }
    }
}

/// `address_line` → `address_lines`.
fn pluralize_last(snake: &str) -> String {
    match snake.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", plural_of(last)),
        None => plural_of(snake),
    }
}

impl RepeatingColumns {
    fn matches(&self, patterns: &[String], name: &str) -> bool {
        patterns.iter().any(|p| matches_pattern(p, name))
    }
}

/// A numbered family: its name without the number, and its columns (as
/// indexes into the table's columns, in table order).
#[derive(Debug, PartialEq, Eq)]
struct Family {
    name: String,
    members: Vec<usize>,
}

/// A column name split around its last number: `address_line_2` →
/// (`address_line_`, 2, ``); `address2_city` → (`address`, 2, `_city`).
#[derive(Debug, PartialEq, Eq)]
struct Numbered<'a> {
    before: &'a str,
    number: u32,
    after: &'a str,
}

impl Numbered<'_> {
    /// The family's name: the column name without its number
    /// (`address_line`, `address_city`).
    fn family(&self) -> String {
        format!("{}{}", self.before.trim_end_matches('_'), self.after)
    }
}

/// Splits a name at its last run of digits, when that run ends the name or
/// a `_`-separated word, and follows a word of two or more letters:
/// `phone1`, `tag_2`, `address1_city`. Not: `x1` (a coordinate, not a
/// family member), `oauth2token`, `a1b`.
fn split(name: &str) -> Option<Numbered<'_>> {
    let bytes = name.as_bytes();
    let end = bytes.iter().rposition(u8::is_ascii_digit)? + 1;
    if end < bytes.len() && bytes[end] != b'_' {
        return None;
    }
    let start = bytes[..end]
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let before = &name[..start];
    let digits = &name[start..end];
    if digits.len() > 9 {
        return None;
    }
    // The word the number belongs to: the letters before it, or the
    // previous word for `tag_1`.
    let anchor = before.trim_end_matches('_');
    let anchor = anchor.rsplit('_').next().unwrap_or("");
    if anchor.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return None;
    }
    Some(Numbered {
        before,
        number: digits.parse().ok()?,
        after: &name[end..],
    })
}

/// The numbered families of a table whose numbers form a sequence from 0
/// or 1 (`phone1`, `phone2`), or from 2 when the unnumbered name is there
/// too (`email`, `email2`; numbers at the end of the name only). `ipv4`/`ipv6` and `sha1`/`sha256` are not a
/// sequence. Only the members of the sequence count.
fn families(table: &Table) -> Vec<Family> {
    // By family name: whether the number ends the name, and the members.
    let mut groups: BTreeMap<String, (bool, Vec<(u32, usize)>)> = BTreeMap::new();
    for (i, column) in table.columns.iter().enumerate() {
        if let Some(numbered) = split(&column.name) {
            let group = groups
                .entry(numbered.family())
                .or_insert((numbered.after.is_empty(), Vec::new()));
            group.0 &= numbered.after.is_empty();
            group.1.push((numbered.number, i));
        }
    }
    let mut out = Vec::new();
    for (name, (trailing, mut numbered)) in groups {
        numbered.sort();
        // The unnumbered name counts as the first member (`email`, `email2`)
        // only for numbers at the end: `oauth_token` and `oauth2_token` are
        // different things.
        let bare = table
            .columns
            .iter()
            .position(|c| c.name == name)
            .filter(|_| trailing);
        let Some(&(start, _)) = numbered.first() else {
            continue;
        };
        if !(start <= 1 || (start == 2 && bare.is_some())) {
            continue;
        }
        let mut members: Vec<usize> = bare.into_iter().collect();
        let mut next = start;
        for &(number, index) in &numbered {
            if number == next || number + 1 == next {
                members.push(index);
                next = number + 1;
            } else {
                break;
            }
        }
        members.sort();
        members.dedup();
        out.push(Family { name, members });
    }
    // Report in table order.
    out.sort_by_key(|f| f.members.first().copied());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        let s = split("address_line_2").unwrap();
        assert_eq!((s.before, s.number, s.after), ("address_line_", 2, ""));
        assert_eq!(s.family(), "address_line");
        let s = split("address2_city").unwrap();
        assert_eq!((s.before, s.number, s.after), ("address", 2, "_city"));
        assert_eq!(s.family(), "address_city");
        assert_eq!(split("phone1").unwrap().family(), "phone");
        assert_eq!(split("addressLine1").unwrap().family(), "addressLine");
        for name in [
            "x1",
            "y_2",
            "oauth2token",
            "name",
            "l1",
            "v1",
            "1",
            "q3_revenue",
        ] {
            assert_eq!(split(name), None, "{name}");
        }
        // Numbers inside words are not split off, at the end they are.
        assert_eq!(split("sha256").unwrap().number, 256);
        assert_eq!(split("v1_match_id"), None);
    }
}
