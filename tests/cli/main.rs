//! Integration tests: the real `attck` binary, one module per command or concern.

mod common;
mod completions;
mod data;
mod errors;
mod real_data;
mod search;
mod server;
mod snapshots;
mod tactic;
mod technique;
mod update;
