//! Client-side syntax is not SQL: migration tools and psql replace or run
//! it before PostgreSQL sees the statement. It is masked, never reported:
//!
//! - Go templates (`{{ index .Options "Namespace" }}`, tern's
//!   `{{ template "shared/x.sql" . }}`) and `${placeholders}` (Flyway,
//!   goose `ENVSUB`): read as an identifier of the same length, or as
//!   blanks when a template stands alone on its line (an include);
//! - data lines of `COPY … FROM stdin` up to `\.`;
//! - psql meta-commands (`\set`, `\connect`, `\i`) to the end of the line;
//! - psql variables and graphile-migrate placeholders (`:name`, `:'name'`,
//!   `:"name"`, `:DATABASE_OWNER`): the colon is blanked, so the name
//!   reads as an identifier or a string.
//!
//! Every mask keeps every byte offset: text masks replace ASCII with ASCII
//! of the same length, token masks turn tokens into whitespace in place.

use sqlparser::tokenizer::{Token, Whitespace};

use super::tokens::Tokens;

/// The text with templates, placeholders and `COPY` data masked; `None`
/// when there is nothing to mask.
pub fn mask_text(text: &str) -> Option<String> {
    let has_templates = text.contains("{{") || text.contains("${");
    let has_copy = text.contains("\\.");
    if !has_templates && !has_copy {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    if has_templates {
        mask_braces(text, &mut bytes, "{{", "}}");
        mask_braces(text, &mut bytes, "${", "}");
    }
    if has_copy {
        mask_copy_data(text, &mut bytes);
    }
    // Only ASCII was written over ASCII.
    String::from_utf8(bytes).ok()
}

/// Masks `open … close` spans that close on the same line and hold only
/// ASCII.
fn mask_braces(text: &str, bytes: &mut [u8], open: &str, close: &str) {
    let mut from = 0;
    while let Some(found) = text[from..].find(open) {
        let start = from + found;
        let after = &text[start..];
        let Some(end) = after
            .find(close)
            .filter(|&end| !after[..end].contains('\n') && after[..end].is_ascii())
            .map(|end| start + end + close.len())
        else {
            from = start + open.len();
            continue;
        };
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        let alone =
            text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty();
        let fill = if alone { b' ' } else { b'_' };
        for byte in &mut bytes[start..end] {
            *byte = fill;
        }
        from = end;
    }
}

/// Blanks the data lines that follow `COPY … FROM stdin;`, up to and
/// including the `\.` line (pg_dump writes them; psql reads them).
fn mask_copy_data(text: &str, bytes: &mut [u8]) {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("from stdin") {
        let at = from + found;
        from = at + "from stdin".len();
        // The data starts on the line after the statement's `;`.
        let Some(semicolon) = lower[from..].find(';').map(|i| from + i) else {
            break;
        };
        if lower[from..semicolon].contains('\n') {
            continue;
        }
        let Some(data_start) = lower[semicolon..].find('\n').map(|i| semicolon + i + 1) else {
            break;
        };
        let mut line_start = data_start;
        let end = loop {
            let line_end = text[line_start..]
                .find('\n')
                .map_or(text.len(), |i| line_start + i);
            if text[line_start..line_end].trim_end() == "\\." {
                break line_end;
            }
            if line_end >= text.len() {
                break line_end;
            }
            line_start = line_end + 1;
        };
        for byte in &mut bytes[data_start..end] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
        from = end;
    }
}

/// Masks psql meta-commands and variables in the token list.
pub fn mask_tokens(tokens: &mut Tokens) {
    let mut line_start = true;
    let mut index = 0;
    while index < tokens.tokens.len() {
        let token = &tokens.tokens[index].token;
        match token {
            Token::Backslash if line_start => {
                // `\set name value` and friends, to the end of the line.
                while index < tokens.tokens.len()
                    && tokens.tokens[index].token != Token::Whitespace(Whitespace::Newline)
                {
                    blank(tokens, index);
                    index += 1;
                }
                continue;
            }
            Token::Colon if is_variable(tokens, index) => blank(tokens, index),
            _ => {}
        }
        line_start = match &tokens.tokens[index].token {
            Token::Whitespace(Whitespace::Newline) => true,
            Token::Whitespace(Whitespace::SingleLineComment { .. }) => true,
            Token::Whitespace(_) => line_start,
            _ => false,
        };
        index += 1;
    }
}

fn blank(tokens: &mut Tokens, index: usize) {
    tokens.tokens[index].token = Token::Whitespace(Whitespace::Space);
}

/// `:name` where a value may stand: glued to a name or string after it,
/// and not glued to a value before it (`a[1:n]`, `x::int` are SQL).
fn is_variable(tokens: &Tokens, index: usize) -> bool {
    let next = tokens.tokens.get(index + 1).map(|t| &t.token);
    let named = matches!(next, Some(Token::Word(_) | Token::SingleQuotedString(_)));
    let previous = index
        .checked_sub(1)
        .and_then(|i| tokens.tokens.get(i))
        .map(|t| &t.token);
    let after_value = matches!(
        previous,
        Some(
            Token::Word(_)
                | Token::Number(..)
                | Token::RParen
                | Token::RBracket
                | Token::Colon
                | Token::SingleQuotedString(_)
        )
    );
    named && !after_value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_keep_positions() {
        let text = "CREATE TABLE {{ index .Options \"Namespace\" }}.users (id int);\n  {{ template \"shared/x.sql\" . }}\nSELECT ${flyway:user};";
        let masked = mask_text(text).unwrap();
        assert_eq!(masked.len(), text.len());
        assert!(masked.starts_with("CREATE TABLE ________"));
        assert!(masked.contains("\n                                 \n"));
        assert!(masked.ends_with("SELECT ______________;"));
    }

    #[test]
    fn copy_data_is_blanked() {
        let text = "COPY t (a, b) FROM stdin;\n1\t'x\n2\ty\n\\.\nSELECT 1;";
        let masked = mask_text(text).unwrap();
        assert_eq!(
            masked,
            "COPY t (a, b) FROM stdin;\n    \n   \n  \nSELECT 1;"
        );
    }

    fn masked_words(text: &str) -> Vec<String> {
        let (mut tokens, _) = Tokens::tokenize(text);
        mask_tokens(&mut tokens);
        tokens
            .tokens
            .iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_)))
            .map(|t| t.token.to_string())
            .collect()
    }

    #[test]
    fn psql_syntax_is_masked() {
        assert_eq!(
            masked_words("\\set owner 'bob'\nGRANT ALL ON t TO :owner, :'role';"),
            ["GRANT", "ALL", "ON", "t", "TO", "owner", ",", "'role'", ";"]
        );
        assert_eq!(
            masked_words("SELECT a[1:n], x::int, a[i:j];"),
            [
                "SELECT", "a", "[", "1", ":", "n", "]", ",", "x", "::", "int", ",", "a", "[", "i",
                ":", "j", "]", ";"
            ]
        );
    }
}
