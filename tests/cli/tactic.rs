//! Tests for tactic.
