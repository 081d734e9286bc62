//! `schema-lint`: a linter for PostgreSQL migrations.
//!
//! The module tree is the pipeline:
//! 1. [`discover`] finds migration files and orders them per set;
//! 2. [`load`] reads, splits and parses each file;
//! 3. [`model`] replays the DDL into the schema the set produces;
//! 4. [`rules`] check the schema and the statements;
//! 5. [`suppress`] applies inline suppressions (and [`config`] overrides);
//! 6. [`report`] prints the findings.
//!
//! [`lint::lint`] runs steps 1–5; [`cli`] is the command line.

mod baseline;
mod changes;
pub mod cli;
pub mod config;
pub mod db;
pub mod diagnostic;
pub mod discover;
pub mod docs;
mod error;
pub mod fix;
pub mod lint;
pub mod load;
mod locate;
pub mod model;
mod new;
pub mod report;
pub mod rules;
mod schema;
mod server;
pub mod source;
mod suggest;
mod suppress;
