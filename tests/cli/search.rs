//! Tests for search.
