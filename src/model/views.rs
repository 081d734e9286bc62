//! What the model keeps of a view's definition: the `*` its query selects
//! and the relations it reads.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, ObjectName, Query, Select, SelectItem, Visit, Visitor};
use sqlparser::tokenizer::Span;

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
