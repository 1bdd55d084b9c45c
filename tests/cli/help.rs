//! `--help` of every command, snapshotted: a changed flag or doc line shows up in review.

use crate::common::run;

#[test]
fn help_texts() {
    let top = run(&["--help"]);
    assert_eq!(top.code, 0);
    insta::assert_snapshot!("help", top.stdout);
    let commands: Vec<String> = top
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(ToString::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    for c in &commands {
        let r = run(&[c, "--help"]);
        assert_eq!(r.code, 0, "{c}");
        insta::assert_snapshot!(format!("help_{c}"), r.stdout);
    }
    let r = run(&["layer", "upgrade", "--help"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("help_layer_upgrade", r.stdout);
}

#[test]
fn version_and_usage_errors() {
    let v = run(&["--version"]);
    assert_eq!(v.code, 0);
    assert!(v.stdout.starts_with("attck "), "{}", v.stdout);
    let bad = run(&["--no-such-flag"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--no-such-flag"));
}
