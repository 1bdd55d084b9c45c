//! Tests for technique.
