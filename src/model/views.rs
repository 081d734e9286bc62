//! What the model keeps of a view's definition: the `*` its query selects
//! and the relations it reads. Also reads `ALTER [MATERIALIZED] VIEW …
//! RENAME TO …`, which `sqlparser` does not parse, from the tokens.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, ObjectName, Query, Select, SelectItem, Visit, Visitor};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Span, Token};

use crate::load::{LoadedFile, Statement};

/// Every `*` and `t.*` in a select list of the query, also in CTEs,
/// derived tables, set operations and scalar or `IN` subqueries: each is
/// expanded once, when the view is created. A `*` inside `EXISTS (…)` does
/// not count (it returns no columns), nor does `count(*)` (an argument, not
/// a select-list item).
pub fn wildcards(query: &Query) -> Vec<Span> {
    let mut stars = Stars::default();
    let _ = query.visit(&mut stars);
    stars.found
}

/// The tables and views the query names (CTE names included: a CTE that
/// shadows a table only makes a `DROP … CASCADE` of that table drop the
/// view too).
pub fn relations(query: &Query) -> Vec<ObjectName> {
    let mut names = Vec::new();
    let _ = sqlparser::ast::visit_relations(query, |name| {
        names.push(name.clone());
        ControlFlow::<()>::Continue(())
    });
    names
}

/// Collects the `*` of every select list outside `EXISTS (…)`.
#[derive(Default)]
struct Stars {
    found: Vec<Span>,
    in_exists: usize,
}

impl Visitor for Stars {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if matches!(expr, Expr::Exists { .. }) {
            self.in_exists += 1;
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if matches!(expr, Expr::Exists { .. }) {
            self.in_exists = self.in_exists.saturating_sub(1);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        if self.in_exists == 0 {
            for item in &select.projection {
                match item {
                    SelectItem::Wildcard(options) | SelectItem::QualifiedWildcard(_, options) => {
                        self.found.push(options.wildcard_token.0.span);
                    }
                    _ => {}
                }
            }
        }
        ControlFlow::Continue(())
    }
}

/// The old and new name of `ALTER [MATERIALIZED] VIEW [IF EXISTS] old
/// RENAME TO new`, read from the tokens of a statement the parser
/// rejected. The names keep their positions in the file.
pub fn unparsed_rename(
    file: &LoadedFile,
    statement: &Statement,
) -> Option<(ObjectName, ObjectName)> {
    let tokens = match statement.nested {
        Some(body) => file.nested.get(body)?,
        None => &file.tokens,
    };
    let slice = tokens.tokens.get(statement.tokens.clone())?.to_vec();
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect).with_tokens_with_locations(slice);
    let is_alter_view = parser.parse_keyword(Keyword::ALTER)
        && (parser.parse_keywords(&[Keyword::MATERIALIZED, Keyword::VIEW])
            || parser.parse_keyword(Keyword::VIEW));
    if !is_alter_view {
        return None;
    }
    let _ = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let old = parser.parse_object_name(false).ok()?;
    if !parser.parse_keywords(&[Keyword::RENAME, Keyword::TO]) {
        return None;
    }
    let new = parser.parse_object_name(false).ok()?;
    let ends = matches!(parser.peek_token().token, Token::EOF | Token::SemiColon);
    ends.then_some((old, new))
}
