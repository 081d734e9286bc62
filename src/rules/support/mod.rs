//! What several rules share: naming (snake case, plurals, templates,
//! identifiers that fit PostgreSQL's 63 bytes) and message text.

pub mod naming;
pub mod text;
pub mod words;
