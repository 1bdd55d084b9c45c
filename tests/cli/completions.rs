//! `attck completions` and `attck man`: generated from the CLI, never loading a bundle.

use crate::common::{attck_in, run, run_with};

#[test]
fn completions_for_every_shell_without_data() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        // An unusable data directory proves no bundle is looked for.
        let r = run(&["--data-dir", "/nonexistent/attck", "completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {r:?}");
        assert!(r.stdout.contains("attck"), "{shell}");
        assert!(r.stdout.contains("update"), "{shell}");
        // clap_complete offers values in these shells only. Tactics are not offered: they
        // come from the data (ATT&CK 19 renames one), which completion scripts never read.
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(r.stdout.contains("enterprise"), "{shell}: domains");
            assert!(
                !r.stdout.contains("defense-evasion"),
                "{shell}: no tactic list"
            );
        }
        assert!(r.stderr.is_empty(), "{shell}: {}", r.stderr);
    }
    let r = run(&["completions", "tcsh"]);
    assert_eq!(r.code, 2);
}

#[test]
fn man_page_is_roff() {
    let home = tempfile::tempdir().unwrap();
    let r = run_with(attck_in(home.path()), &["man"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.starts_with(".ie"),
        "{}",
        &r.stdout[..80.min(r.stdout.len())]
    );
    assert!(r.stdout.contains(".TH attck 1"), "roff title");
    assert!(r.stdout.contains("update") && r.stdout.contains("ATTCK_OFFLINE"));
    assert!(!home.path().join("cache").exists());
}

#[test]
fn tactic_arguments_still_take_any_text() {
    // Any text is a tactic argument: IDs, shortnames and names are resolved against the data.
    let home = tempfile::tempdir().unwrap();
    let r = run_with(attck_in(home.path()), &["tactic", "TA0002"]);
    // No data here: the failure is about data, not about the argument.
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("no enterprise-attack bundle"),
        "{}",
        r.stderr
    );
}
