//! `char-fixed-width`: `CHAR(n)` only for values that really have a fixed
//! width (ISO codes), by column name.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::{CharLength, Column, TypeKind};
use crate::rules::support::naming::matches_pattern;
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Column names that hold fixed-width values (`*` matches any text).
    /// Setting it replaces the defaults.
    pub allow: Vec<String>,
}

/// ISO 3166 country codes, ISO 4217 currency codes, ISO 639 language codes.
pub const DEFAULT_ALLOW: [&str; 12] = [
    "country_code",
    "*_country_code",
    "currency_code",
    "*_currency_code",
    "language_code",
    "*_language_code",
    "iso2",
    "*_iso2",
    "iso3",
    "*_iso3",
    "iso_code",
    "*_iso_code",
];

impl Default for Options {
    fn default() -> Self {
        Options {
            allow: DEFAULT_ALLOW.map(String::from).to_vec(),
        }
    }
}

pub struct CharFixedWidth {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::CharFixedWidth,
    name: "char-fixed-width",
    default_severity: Some(Severity::Warning),
    summary: "`CHAR(n)` outside the configured fixed-width allowlist",
    doc: include_str!("../../rules/char-fixed-width.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for CharFixedWidth {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        CharFixedWidth { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for (table, column) in cx.columns() {
            if !is_char(column.kind()) || !out.reports(&column.type_origin) {
                continue;
            }
            let width = width(column);
            // A bare `CHAR` is CHAR(1), which no fixed-width code fits: the
            // author meant a string, whatever the column is called.
            if width != Width::Unwritten
                && self
                    .options
                    .allow
                    .iter()
                    .any(|pattern| matches_pattern(pattern, &column.name))
            {
                continue;
            }
            let written = column.written_type();
            let what = match width {
                Width::Unwritten => "which PostgreSQL reads as CHAR(1): one blank-padded character",
                Width::One => "one blank-padded character",
                Width::Fixed => "a blank-padded fixed-width string",
                Width::Unlimited => "a blank-padded string",
            };
            let help = match width {
                Width::Unwritten | Width::One => {
                    "a one-character code is usually a BOOLEAN or a lookup table in disguise; for text use TEXT, with a CHECK (char_length(...) <= n) if the length is a real rule"
                }
                _ => {
                    "use TEXT, with a CHECK (char_length(...) = n) if the width is a real rule: CHAR pads with blanks that comparisons ignore and `||`, LIKE and clients keep. If the value truly has a fixed width (an ISO code), add the column name to `allow`"
                }
            };
            out.push(
                Diagnostic::new(
                    DEF.id,
                    &column.type_origin,
                    format!(
                        "column `{}.{}` is `{written}`, {what}",
                        table.name, column.name
                    ),
                )
                .help(help)
                .object(ObjectRef::column(&table.name, &column.name)),
            );
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Width {
    /// `CHAR`, `CHARACTER`: CHAR(1).
    Unwritten,
    /// `CHAR(1)`.
    One,
    /// `CHAR(n)`.
    Fixed,
    /// `bpchar`, which without a length has none.
    Unlimited,
}

fn is_char(kind: &TypeKind) -> bool {
    match kind {
        TypeKind::Char => true,
        TypeKind::Array(inner) => is_char(inner),
        _ => false,
    }
}

fn width(column: &Column) -> Width {
    match column.char_length() {
        None | Some(CharLength::Unwritten) => Width::Unwritten,
        Some(CharLength::Written(1)) => Width::One,
        Some(CharLength::Written(_)) => Width::Fixed,
        Some(CharLength::Unlimited) => Width::Unlimited,
    }
}
