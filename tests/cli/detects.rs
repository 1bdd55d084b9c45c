//! `attck detects`: the reverse of the detection chain, on the samples.

use serde::Deserialize;

use crate::common::sample;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ref {
    id: String,
    #[allow(dead_code)]
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptRef {
    id: Option<String>,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    technique: Ref,
    detection_strategy: Option<Ref>,
    analytic: Option<Ref>,
    platforms: Vec<String>,
    log_source: Option<String>,
    channel: Option<String>,
    data_component: Option<OptRef>,
}

fn rows(args: &[&str]) -> Vec<Row> {
    let mut a = vec!["detects"];
    a.extend_from_slice(args);
    a.extend(["-f", "json"]);
    let r = sample(&a);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.json()
}

fn paths(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.technique.id,
                r.detection_strategy.as_ref().map_or("-", |d| d.id.as_str()),
                r.analytic.as_ref().map_or("-", |a| a.id.as_str())
            )
        })
        .collect()
}

#[test]
fn a_log_source_with_a_channel() {
    let r = rows(&["WinEventLog:Security", "--channel", "4688"]);
    // AN0901 (DET0901 → T1059) and AN0904 (DET0903 → T1497) read it.
    assert_eq!(paths(&r), ["T1059 DET0901 AN0901", "T1497 DET0903 AN0904"]);
    assert_eq!(r[0].log_source.as_deref(), Some("WinEventLog:Security"));
    assert_eq!(r[0].channel.as_deref(), Some("EventCode=4688"));
    assert_eq!(r[0].platforms, ["Windows"]);
    let dc = r[0].data_component.as_ref().unwrap();
    assert_eq!(
        (dc.id.as_deref(), dc.name.as_str()),
        (Some("DC0901"), "Program Launch")
    );
    // Case-insensitive name; a channel nobody uses finds nothing (exit 1).
    assert_eq!(rows(&["wineventlog:security"]).len(), 2);
    let r = sample(&["detects", "WinEventLog:Security", "--channel", "4689"]);
    assert_eq!(r.code, 1);
}

#[test]
fn a_data_component_v2_and_before() {
    assert_eq!(
        paths(&rows(&["DC0901"])),
        [
            "T1059 DET0901 AN0901",
            "T1059 DET0901 AN0902",
            "T1497 DET0903 AN0904",
            "T1497 DET0903 AN0904"
        ]
    );
    assert_eq!(
        paths(&rows(&["Job", "Entry", "Registration"])),
        ["T1053.003 DET0902 AN0903"]
    );
    // 1.0 has no analytics: data component → technique `detects` relationships.
    let r = rows(&["--attack-version", "1.0", "Program Launch"]);
    assert_eq!(paths(&r), ["T1059 - -", "T1497 - -", "T1543 - -"]);
    assert!(
        r.iter()
            .all(|r| r.log_source.is_none() && r.channel.is_none())
    );
    assert!(r[0].data_component.as_ref().unwrap().id.is_none());
}

#[test]
fn unknown_sources_exit_1_with_suggestions() {
    let r = sample(&["detects", "WinEventLog:Securty"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 1);
    assert!(
        r.stderr.contains("did you mean WinEventLog:Security"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_format() {
    for f in ["table", "json", "jsonl", "csv", "markdown"] {
        let r = sample(&["detects", "auditd:SYSCALL", "-f", f]);
        assert_eq!(r.code, 0, "{f}: {}", r.stderr);
        assert!(r.stdout.contains("T1059"), "{f}");
    }
}
