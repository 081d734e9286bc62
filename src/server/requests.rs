//! Requests about the findings: hover shows a rule's document, code
//! actions offer the fixes `actions` made for the findings.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Hover, HoverContents,
    HoverParams, MarkupContent, MarkupKind, WorkspaceEdit,
};

use super::actions::QuickFix;
use super::documents::{Document, Documents, Finding};

/// The documents of the rules whose findings are under the cursor.
pub fn hover(documents: &Documents, params: HoverParams) -> Option<Hover> {
    let at = params.text_document_position_params;
    let document = documents.get(&at.text_document.uri)?;
    let mut rules: Vec<crate::rules::RuleId> = Vec::new();
    let mut range = None;
    for finding in document.findings_at(at.position) {
        if let Some(rule) = finding.rule.filter(|r| !rules.contains(r)) {
            rules.push(rule);
            range.get_or_insert(finding.diagnostic.range);
        }
    }
    let docs: Vec<&str> = rules.iter().map(|rule| rule.def().doc).collect();
    if docs.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: docs.join("\n\n---\n\n"),
        }),
        range,
    })
}

/// Quick fixes for the findings in the requested range, while the
/// document is as it was linted (a fix computed for an older text would
/// edit the wrong place).
pub fn code_actions(documents: &Documents, params: CodeActionParams) -> Vec<CodeActionOrCommand> {
    let Some(document) = documents.get(&params.text_document.uri) else {
        return Vec::new();
    };
    if !wants_quickfixes(params.context.only.as_deref())
        || document.linted != Some(document.version)
    {
        return Vec::new();
    }
    let range = params.range;
    document
        .findings
        .iter()
        .filter(|f| f.diagnostic.range.start <= range.end && range.start <= f.diagnostic.range.end)
        .flat_map(|finding| {
            finding
                .fixes
                .iter()
                .map(move |fix| action(document, finding, fix))
        })
        .collect()
}

/// Whether the kinds a client asks for (`only`) include quick fixes.
fn wants_quickfixes(only: Option<&[CodeActionKind]>) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|kind| {
            let kind = kind.as_str();
            kind.is_empty() || kind == CodeActionKind::QUICKFIX.as_str()
        })
    })
}

// `WorkspaceEdit` keys its edits by `Uri`, which hashes and compares by
// its text; the `Cell` clippy sees is a parse cache inside it.
#[allow(clippy::mutable_key_type)]
fn action(document: &Document, finding: &Finding, fix: &QuickFix) -> CodeActionOrCommand {
    let mut edits = vec![fix.edit.clone()];
    edits.extend(fix.more.iter().cloned());
    let changes = HashMap::from([(document.uri.clone(), edits)]);
    CodeActionOrCommand::CodeAction(CodeAction {
        title: fix.title.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![finding.diagnostic.clone()]),
        edit: Some(WorkspaceEdit::new(changes)),
        is_preferred: Some(fix.preferred),
        ..CodeAction::default()
    })
}
