//! Errors and hints that lead somewhere: each names what went wrong and the way out.

use crate::common::{attck_in, online, real, run, run_with, sample, sample_dir, snapshot};

/// The one `attck:` line of a failed run.
fn one_line(r: &crate::common::Run) -> &str {
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stderr);
    assert!(lines[0].starts_with("attck: "), "{}", r.stderr);
    lines[0]
}

#[test]
fn a_name_of_another_kind_says_what_it_is_and_how_to_ask() {
    // Sample: NightCrate is software S0901, Tin Lantern a group G0902.
    let r = sample(&["list", "techniques", "--group", "NightCrate"]);
    assert_eq!(r.code, 1);
    let l = one_line(&r);
    assert!(
        l.contains("NightCrate is software (S0901), not a group"),
        "{l}"
    );
    assert!(l.contains("--software S0901"), "{l}");
    assert!(!l.contains("did you mean"), "{l}");
    // The hint works as given.
    assert_eq!(
        sample(&["list", "techniques", "--software", "S0901"]).code,
        0
    );

    let r = sample(&["layer", "--software", "Tin Lantern"]);
    assert!(
        one_line(&r).contains(
            "Tin Lantern is a group (G0902), not software; ask for it with --group G0902"
        ),
        "{}",
        r.stderr
    );
    let r = sample(&["show", "NightCrate", "--type", "group"]);
    assert!(
        one_line(&r).contains("ask for it with --type software"),
        "{}",
        r.stderr
    );
    // A kind with no such flag is asked for by ID.
    let r = sample(&["list", "techniques", "--group", "T1059"]);
    assert!(one_line(&r).contains("`attck show T1059`"), "{}", r.stderr);

    if let Some(r) = real(&["list", "techniques", "--group", "Mimikatz"]) {
        assert_eq!(r.code, 1);
        assert!(
            one_line(&r).contains(
                "Mimikatz is software (S0002), not a group; ask for it with --software S0002"
            ),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn an_id_of_another_domain_names_that_domain() {
    // The sample enterprise and ICS bundles: T1059 is enterprise only.
    let r = sample(&["technique", "T1059", "--domain", "ics"]);
    assert_eq!(r.code, 1);
    let l = one_line(&r);
    assert!(
        l.contains("T1059 is an enterprise technique") && l.contains("--domain enterprise"),
        "{l}"
    );
    let r = sample(&["show", "G0902", "--domain", "ics"]);
    assert!(
        one_line(&r).contains("G0902 is an enterprise group (Tin Lantern)"),
        "{}",
        r.stderr
    );
    // With --bundle there is nowhere else to look: the plain answer.
    let bundle = sample_dir().join("ics-attack-1.0.json");
    let r = run(&["--bundle", bundle.to_str().unwrap(), "technique", "T1059"]);
    assert_eq!(r.code, 1);
    assert!(one_line(&r).contains("no technique T1059"), "{}", r.stderr);

    if let Some(r) = real(&["technique", "T1059", "--domain", "mobile"]) {
        assert!(
            one_line(&r)
                .contains("T1059 is an enterprise technique (Command and Scripting Interpreter)"),
            "{}",
            r.stderr
        );
    }
    if let Some(r) = real(&["show", "G0016", "--domain", "ics"]) {
        let l = one_line(&r);
        assert!(
            l.contains("G0016 is an enterprise group") && !l.contains("A0016"),
            "{l}"
        );
    }
}

#[test]
fn ids_suggest_only_ids_of_their_kind_and_names_once() {
    let r = sample(&["show", "G0999"]);
    assert_eq!(r.code, 1);
    let l = one_line(&r);
    let offered = l.split("did you mean").nth(1).unwrap_or_default();
    assert!(offered.contains("G09"), "{l}");
    assert!(!offered.contains("C0") && !offered.contains("S0"), "{l}");
    let r = sample(&["tactic", "executio"]);
    let l = one_line(&r);
    assert!(l.contains("did you mean execution?"), "{l}");
    // A tactic's name and shortname differ only in case: one of them is offered, once,
    // spelled as the user spelled the rest.
    for (args, offered) in [
        (
            &["list", "techniques", "--tactic", "Executon"][..],
            "Execution",
        ),
        (&["search", "launch", "--tactic", "executon"], "execution"),
        (&["show", "executon"], "Execution"),
    ] {
        let r = sample(args);
        let l = one_line(&r);
        let said = l.split("did you mean ").nth(1).unwrap_or_default();
        assert_eq!(said, format!("{offered}?)"), "{args:?}: {l}");
    }
}

#[test]
fn a_word_where_a_technique_id_belongs_points_to_search_and_show() {
    let r = run(&["technique", "powershell"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`attck search powershell`")
            && r.stderr.contains("`attck show powershell`"),
        "{}",
        r.stderr
    );
    // A mistyped ID gets the format instead.
    let r = run(&["technique", "T10x9"]);
    assert!(
        r.stderr.contains("expected T followed by four digits") && !r.stderr.contains("search"),
        "{}",
        r.stderr
    );
}

#[test]
fn empty_filtered_results_blame_the_filter() {
    // Sample: "launch" matches execution techniques, none of them for PRE; count what the
    // words match without the platform independently, through JSON.
    let without: Vec<serde_json::Value> =
        sample(&["search", "launch", "--tactic", "execution", "-f", "json"]).json();
    assert!(!without.is_empty());
    let r = sample(&[
        "search",
        "launch",
        "--tactic",
        "execution",
        "--platform",
        "pre",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    let l = one_line(&r);
    assert!(
        l.contains("matched both the words (launch)") && l.contains("the platform PRE"),
        "{l}"
    );
    assert!(
        l.contains(&format!("{} match without --platform", without.len())),
        "{l}"
    );
    assert!(
        l.contains("the filters (the tactic Execution, the platform PRE)"),
        "{l}"
    );
    // In JSON the empty list is still printed, and the same hint goes to stderr.
    let r = sample(&[
        "search",
        "launch",
        "--tactic",
        "execution",
        "--platform",
        "pre",
        "-f",
        "json",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.trim(), "[]");
    assert_eq!(one_line(&r), l);
    // A word that matches nothing is blamed on the word.
    let r = sample(&["search", "zzzzqq", "--platform", "linux"]);
    assert!(one_line(&r).contains("matches zzzzqq"), "{}", r.stderr);
    // list: how many pass without each filter. G0904 uses one discovery technique.
    let r = sample(&[
        "list",
        "techniques",
        "--group",
        "G0904",
        "--tactic",
        "execution",
    ]);
    assert_eq!(r.code, 1);
    let l = one_line(&r);
    assert!(
        l.contains("passes every filter (--tactic execution, --group G0904)")
            && l.contains("1 without --tactic"),
        "{l}"
    );

    if let Some(r) = real(&[
        "search",
        "container",
        "--tactic",
        "execution",
        "--platform",
        "linux",
    ]) {
        let without: Vec<serde_json::Value> =
            real(&["search", "container", "--tactic", "execution", "-f", "json"])
                .unwrap()
                .json();
        let l = one_line(&r);
        assert!(l.contains("the platform Linux"), "{l}");
        assert!(
            l.contains(&format!("{} match without --platform", without.len())),
            "{l}"
        );
    }
}

#[test]
fn an_unknown_platform_is_the_same_error_in_every_command() {
    let mut seen = Vec::new();
    for args in [
        &["list", "techniques"][..],
        &["tactic", "execution"],
        &["search", "interpreter"],
        &["matrix"],
        &["layer", "--search", "interpreter"],
        &["coverage", "-"],
        &["next", "T1059.001"],
    ] {
        let mut a = args.to_vec();
        a.extend(["--platform", "linx"]);
        let r = sample(&a);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        let l = one_line(&r).to_string();
        assert!(
            l.contains("unknown platform 'linx'") && l.contains("did you mean Linux?"),
            "{l}"
        );
        assert!(
            l.contains("the platforms are: Linux, macOS, PRE, Windows"),
            "{l}"
        );
        seen.push(l);
    }
    seen.dedup();
    assert_eq!(seen.len(), 1, "{seen:?}");
    // Case does not matter for a known platform.
    assert_eq!(
        sample(&["list", "techniques", "--platform", "LINUX"]).code,
        0
    );
}

#[test]
fn a_major_version_picks_the_newest_installed_minor() {
    let dir = tempfile::tempdir().unwrap();
    for v in ["1.0", "2.0"] {
        std::fs::copy(
            sample_dir().join(format!("enterprise-attack-{v}.json")),
            dir.path().join(format!("enterprise-attack-{v}.json")),
        )
        .unwrap();
    }
    std::fs::copy(
        sample_dir().join("enterprise-attack-1.0.json"),
        dir.path().join("enterprise-attack-1.2.json"),
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    // The 1.0 sample has no collection object: its version comes from the file name.
    for (asked, got) in [("1", "1.2"), ("2", "2.0"), ("1.0", "1.0"), ("1.2", "1.2")] {
        let r = run(&[
            "--data-dir",
            d,
            "technique",
            "T1059",
            "--attack-version",
            asked,
            "-f",
            "json",
        ]);
        assert_eq!(r.code, 0, "{asked}: {}", r.stderr);
        let v: serde_json::Value = r.json();
        assert_eq!(v["attack_version"], got, "{asked}");
    }
    // 3 covers nothing installed: the offline error names what is.
    let r = run(&["--data-dir", d, "tactics", "--attack-version", "3"]);
    assert_eq!(r.code, 2);
    assert!(
        one_line(&r).contains("installed versions: 1.0, 1.2, 2.0"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_missing_version_names_the_installed_ones_before_downloading_and_a_failed_download_the_ways_out()
 {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        sample_dir().join("enterprise-attack-2.0.json"),
        dir.path().join("enterprise-attack-2.0.json"),
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    // A closed loopback port: the download fails at once.
    let cmd = online(attck_in(home.path()), "http://127.0.0.1:9");
    let r = run_with(
        cmd,
        &[
            "--data-dir",
            dir.path().to_str().unwrap(),
            "tactics",
            "--attack-version",
            "1.0",
        ],
    );
    assert_eq!(r.code, 2);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(
        lines[0].contains("ATT&CK 1.0 of enterprise-attack is not installed")
            && lines[0].contains("(installed: 2.0)"),
        "{}",
        r.stderr
    );
    let last = lines.last().unwrap();
    for way in [
        "--data-dir",
        "ATTCK_DATA_DIR",
        "--bundle FILE",
        "attck update --from FILE",
    ] {
        assert!(last.contains(way), "{way}: {last}");
    }
    // The first-use download into an empty directory says the same ways out.
    let empty = tempfile::tempdir().unwrap();
    let cmd = online(attck_in(home.path()), "http://127.0.0.1:9");
    let r = run_with(
        cmd,
        &["--data-dir", empty.path().to_str().unwrap(), "tactics"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .lines()
            .last()
            .unwrap()
            .contains("attck update --from FILE"),
        "{}",
        r.stderr
    );
}

#[test]
fn plurals_agree_with_their_counts() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.txt");
    std::fs::write(&one, "T1059\n").unwrap();
    let r = sample(&["coverage", one.to_str().unwrap()]);
    assert!(
        r.stderr.contains("1 technique ID") && !r.stderr.contains("1 technique IDs"),
        "{}",
        r.stderr
    );
    let r = sample(&["list", "groups", "--attack-version", "2.0"]);
    assert!(r.stdout.starts_with("3 groups in"), "{}", r.stdout);
    // The sample ICS bundle has one group and one mitigation.
    let r = sample(&["--domain", "ics", "list", "groups"]);
    assert!(
        r.stdout.starts_with("1 group in ics-attack"),
        "{}",
        r.stdout
    );
    let r = sample(&["--domain", "ics", "list", "mitigations"]);
    assert!(r.stdout.starts_with("1 mitigation in"), "{}", r.stdout);
    // Only G0902 uses T1543.002.
    let r = sample(&["attribute", "T1543.002"]);
    assert!(
        r.stdout.starts_with("1 group ranked") && r.stderr.contains("1 of 3 groups shares"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = sample(&["list", "techniques", "--group", "G0904"]);
    let n = r.stdout.lines().filter(|l| l.starts_with("│ T")).count();
    let noun = if n == 1 {
        "1 technique in"
    } else {
        "techniques in"
    };
    assert!(
        r.stdout.lines().next().unwrap().contains(noun),
        "{}",
        r.stdout
    );
}

#[test]
fn a_named_data_directory_that_does_not_exist_is_an_error_and_stays_absent() {
    let base = tempfile::tempdir().unwrap();
    let missing = base.path().join("no-such-dir");
    let m = missing.to_str().unwrap();
    for args in [
        &["tactics"][..],
        &["show", "T1059"],
        &["data", "status"],
        &["--domain", "all", "show", "T1059"],
    ] {
        let mut a = vec!["--data-dir", m];
        a.extend_from_slice(args);
        let r = run(&a);
        assert_eq!(r.code, 2, "{args:?}");
        let l = one_line(&r);
        assert!(
            l.contains(m) && l.contains("does not exist") && l.contains("--data-dir"),
            "{l}"
        );
        assert!(!missing.exists(), "{args:?} created it");
    }
    let home = tempfile::tempdir().unwrap();
    let mut cmd = attck_in(home.path());
    cmd.env("ATTCK_DATA_DIR", &missing);
    let r = run_with(cmd, &["tactics"]);
    assert!(one_line(&r).contains("ATTCK_DATA_DIR"), "{}", r.stderr);
    assert!(!missing.exists());
    // `data path` only prints it; `update` may create it.
    assert_eq!(run(&["--data-dir", m, "data", "path"]).code, 0);
    assert!(!missing.exists());
    let bundle = sample_dir().join("enterprise-attack-2.0.json");
    let r = run(&[
        "--data-dir",
        m,
        "update",
        "--from",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(missing.join("enterprise-attack-2.0.json").is_file());
}

#[test]
fn read_only_queries_leave_the_data_directory_untouched() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "enterprise-attack-1.0.json",
        "enterprise-attack-2.0.json",
        "ics-attack-1.0.json",
    ] {
        std::fs::copy(sample_dir().join(f), dir.path().join(f)).unwrap();
    }
    let listing = |p: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(p)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = (listing(dir.path()), snapshot(dir.path()));
    let d = dir.path().to_str().unwrap();
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(rules.path().join("ids.txt"), "T1059\n").unwrap();
    let ids = rules.path().join("ids.txt");
    for args in [
        &["tactics"][..],
        &["technique", "T1059"],
        &["search", "interpreter"],
        &["show", "G0902"],
        &["--domain", "all", "show", "T1059"],
        &["list", "groups"],
        &["matrix"],
        &["detects", "WinEventLog:Security"],
        &["coverage", ids.to_str().unwrap()],
        &["diff", "1.0", "2.0"],
        &["data", "status"],
        &["technique", "T1059", "--domain", "ics"],
    ] {
        let mut a = vec!["--data-dir", d];
        a.extend_from_slice(args);
        let r = run(&a);
        assert!(r.code <= 1, "{args:?}: {}", r.stderr);
        assert_eq!(
            (listing(dir.path()), snapshot(dir.path())),
            before,
            "{args:?} changed the data directory"
        );
    }
}
