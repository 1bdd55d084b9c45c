//! Integration tests: the real `attck` binary, one module per command or concern.

mod common;
mod detects;
mod errors;
mod kb_facts;
mod list;
// The foundation's placeholder doc line trips the pedantic doc lint until it is filled in.
#[allow(clippy::doc_markdown)]
mod real_data;
mod search;
mod search_types;
mod show;
mod snapshots;
mod tactic;
mod technique;
