//! Tests for `real_data`.
