//! The README's reliability table: every line names a test, and every named test exists.

use std::path::Path;

/// The rows of the tables under "## Reliability" (up to the next `## ` heading).
fn reliability_rows(readme: &str) -> Vec<&str> {
    let start = readme
        .find("\n## Reliability")
        .expect("the README has a Reliability section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    rest[..end]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("|---"))
        .filter(|l| !l.starts_with("| fault |") && !l.starts_with("| bad input |"))
        .filter(|l| !l.starts_with("| limit |"))
        .filter(|l| l.trim_end().ends_with('|') && l.matches(" | ").count() >= 2)
        .filter(|l| l.contains(".rs::"))
        .collect()
}

/// `path.rs::mod::name` references in a row's last cell.
fn named_tests(row: &str) -> Vec<(String, String)> {
    let cell = row.trim_end().trim_end_matches('|');
    let cell = &cell[cell.rfind(" | ").map_or(0, |i| i + 3)..];
    cell.split(", ")
        .filter_map(|r| {
            let (path, rest) = r.trim().split_once("::")?;
            let name = rest.rsplit("::").next()?;
            Some((path.to_string(), name.to_string()))
        })
        .collect()
}

#[test]
fn every_line_of_the_reliability_table_names_a_test_that_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let rows = reliability_rows(&readme);
    assert!(rows.len() >= 40, "only {} rows found", rows.len());
    for row in rows {
        let tests = named_tests(row);
        assert!(!tests.is_empty(), "no test named in: {row}");
        for (path, name) in tests {
            let source = std::fs::read_to_string(root.join(&path))
                .unwrap_or_else(|e| panic!("{path} ({e}), named in: {row}"));
            let defined = source.match_indices(&format!("fn {name}(")).any(|(at, _)| {
                // A test function: #[test] (or a proptest! block) shortly before it.
                let before = &source[at.saturating_sub(200)..at];
                before.contains("#[test]") || before.contains("proptest")
            });
            assert!(defined, "no test fn {name} in {path}, named in: {row}");
        }
    }
}
