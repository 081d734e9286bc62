//! `schema-lint`: a linter for PostgreSQL migrations.
//!
//! The module tree is the pipeline:
//! 1. [`discover`] finds migration files and orders them per set;
//! 2. [`load`] reads, splits and parses each file;
//! 3. [`model`] replays the DDL into the schema the set produces;
//! 4. [`rules`] check the schema and the statements, each through a
//!    reporter that decides a finding's severity ([`config`]'s
//!    `Settings::severity_in`: configuration, `[[overrides]]`, caps);
//! 5. `suppress` applies inline suppressions;
//! 6. [`report`] prints the findings.
//!
//! [`lint::lint`] runs steps 1–5; [`cli`] is the command line.
//!
//! Public are the modules the binary (`cli::main`), the integration tests,
//! the benchmarks and the examples (`parse_stats`, the fuzzer) reach; the
//! rest is the crate's own.

mod baseline;
mod changes;
pub mod cli;
pub mod config;
mod db;
mod diagnostic;
pub mod discover;
pub mod docs;
mod error;
mod fix;
pub mod lint;
pub mod load;
mod locate;
mod memory;
pub mod model;
mod new;
pub mod report;
pub mod rules;
mod schema;
mod server;
mod source;
mod suggest;
mod suppress;
#[cfg(test)]
mod testing;
