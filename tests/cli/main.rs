//! Integration tests: the real `attck` binary, one module per command or concern.

mod common;
mod contract;
mod errors;
mod real_data;
mod search;
mod snapshots;
mod tactic;
mod technique;
