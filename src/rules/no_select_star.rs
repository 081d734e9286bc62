//! `no-select-star`: views and materialized views defined with `SELECT *`.
//!
//! Every `*` and `t.*` in a select list of the view's query counts, also in
//! CTEs, derived tables, set operations and scalar or `IN` subqueries: each
//! is expanded once, when the view is created. A `*` inside `EXISTS (…)`
//! does not count (it returns no columns), nor does `count(*)` (an
//! argument, not a select-list item). One finding per view, on its first
//! `*`; the others are related locations.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Select, SelectItem, Statement, Visit, Visitor};
use sqlparser::tokenizer::Span;

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::names::QualifiedName;
use crate::rules::{Context, NoOptions, Rule, RuleMeta};

pub struct NoSelectStar;

pub static META: RuleMeta = RuleMeta {
    name: "no-select-star",
    default_severity: Some(Severity::Warning),
    summary: "views and materialized views defined with `SELECT *`",
    doc: include_str!("../../rules/no-select-star.md"),
};

impl Rule for NoSelectStar {
    type Options = NoOptions;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(_: NoOptions) -> Self {
        NoSelectStar
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (locator, statement) in cx.up_statements() {
            let Statement::CreateView(view) = statement else {
                continue;
            };
            let mut stars = Stars::default();
            let _ = view.query.visit(&mut stars);
            let mut origins: Vec<_> = stars.found.iter().map(|&span| locator.span(span)).collect();
            origins.sort_by_key(|o| (o.span.start, o.span.end));
            origins.dedup();
            let Some((first, rest)) = origins.split_first() else {
                continue;
            };
            let name = QualifiedName::from_object_name(&view.name)
                .map(|n| n.to_string())
                .unwrap_or_else(|| view.name.to_string());
            let kind = if view.materialized {
                "materialized view"
            } else {
                "view"
            };
            let count = match rest.len() {
                0 => String::new(),
                n => format!(" ({} wildcards)", n + 1),
            };
            let mut diagnostic = Diagnostic::new(
                META.name,
                first,
                format!("{kind} `{name}` selects `*`{count}; list its columns"),
            )
            .help("PostgreSQL expands `*` once, when the view is created: columns added to the table later never appear, and the view's columns depend on the table's column order. Name the columns the view promises")
            .object(ObjectRef::table(name));
            for other in rest {
                diagnostic = diagnostic.related(other, "another `*`");
            }
            out.push(diagnostic);
        }
    }
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
