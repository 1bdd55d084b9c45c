//! Integration tests: the real `attck` binary, one module per command or concern.

mod common;
mod completions;
mod contract;
mod coverage;
mod coverage_real;
mod data;
mod detects;
mod diff;
mod errors;
mod kb_facts;
mod layer;
mod layer_upgrade;
mod list;
mod map;
mod matrix;
mod navigator;
mod real_data;
mod search;
mod search_types;
mod server;
mod show;
mod snapshots;
mod tactic;
mod technique;
mod update;
