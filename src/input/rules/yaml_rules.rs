//! The YAML formats: Sigma, Splunk, Sentinel, CAR and Atomic Red Team technique files, told
//! apart by their root keys after one parse.

use super::yaml::{self, Doc, Scalar};
use super::{
    Format, Lines, ParseError, Read, RefKind, Reference, RuleFile, locate, locate_value,
    looks_like_tactic_id, looks_like_technique,
};

/// Root keys whose scalars a format reads; the rest (queries, descriptions) is parsed but
/// not kept.
const KEPT: [&str; 11] = [
    "id",
    "title",
    "name",
    "tags",
    "relevantTechniques",
    "tactics",
    "coverage",
    "attack_technique",
    "display_name",
    "atomic_tests",
    "techniques",
];

/// Whether the text may be one of the YAML formats (a cheap look before parsing): a root key
/// that one of them requires, or Splunk's `mitre_attack_id:`.
pub fn looks_like(text: &str) -> bool {
    const ROOTS: [&str; 7] = [
        "detection:",
        "logsource:",
        "attack_technique:",
        "relevantTechniques:",
        "coverage:",
        "analytic_types:",
        "how_to_implement:",
    ];
    text.lines().any(|l| ROOTS.iter().any(|r| l.starts_with(r)))
        || text.contains("mitre_attack_id:")
}

/// Parses the YAML and reads it as the format its root keys say.
pub fn read(text: &str, path: &str) -> Result<Read, ParseError> {
    let lines = Lines::new(text);
    let doc = yaml::read(text, &lines, &|k| KEPT.contains(&k))?;
    let format = if doc.has_key("attack_technique") && doc.has_key("atomic_tests") {
        Format::Atomic
    } else if doc.has_key("relevantTechniques")
        || (doc.has_key("tactics")
            && (doc.has_key("queryFrequency") || doc.has_key("triggerOperator")))
    {
        Format::Sentinel
    } else if doc
        .scalars
        .iter()
        .any(|s| s.at(&["coverage", "*", "technique"]))
        || (doc.has_key("analytic_types")
            && doc
                .first(&["id"])
                .is_some_and(|s| s.value.starts_with("CAR-")))
    {
        Format::Car
    } else if doc
        .scalars
        .iter()
        .any(|s| s.at(&["tags", "mitre_attack_id", "*"]) || s.at(&["tags", "mitre_attack_id"]))
        || (doc.has_key("search") && doc.has_key("how_to_implement"))
    {
        Format::Splunk
    } else if doc.has_key("detection") || doc.has_key("logsource") {
        Format::Sigma
    } else {
        return Ok(Read::Other);
    };
    let mut f = RuleFile::new(path, format);
    let text_of = |keys: &[&str]| doc.first(keys).map(|s| s.value.trim().to_string());
    match format {
        Format::Sigma | Format::Car => {
            f.id = text_of(&["id"]);
            f.title = text_of(&["title"]);
        }
        Format::Splunk | Format::Sentinel => {
            f.id = text_of(&["id"]);
            f.title = text_of(&["name"]);
        }
        _ => {
            f.title = text_of(&["display_name"]);
        }
    }
    match format {
        Format::Sigma => sigma(text, &doc, &mut f),
        Format::Splunk => {
            for s in doc.scalars.iter().filter(|s| {
                s.at(&["tags", "mitre_attack_id", "*"]) || s.at(&["tags", "mitre_attack_id"])
            }) {
                push_ids(text, s, RefKind::Technique, 0, &mut f);
            }
        }
        Format::Sentinel => {
            for s in &doc.scalars {
                if s.at(&["relevantTechniques", "*"]) || s.at(&["relevantTechniques"]) {
                    push_ids(text, s, RefKind::Technique, 0, &mut f);
                } else if s.at(&["tactics", "*"]) || s.at(&["tactics"]) {
                    push_ids(text, s, RefKind::Tactic, 0, &mut f);
                }
            }
        }
        Format::Car => {
            for s in &doc.scalars {
                let entry = s.index_at(1).map_or(0, |i| i as u32 + 1);
                if s.at(&["coverage", "*", "technique"])
                    || s.at(&["coverage", "*", "subtechniques", "*"])
                {
                    push_ids(text, s, RefKind::Technique, entry, &mut f);
                } else if s.at(&["coverage", "*", "tactics", "*"]) {
                    push_ids(text, s, RefKind::Tactic, entry, &mut f);
                }
            }
        }
        _ => atomic(text, &doc, &mut f),
    }
    Ok(Read::File(f))
}

/// Adds the IDs of a scalar (one, or several separated by commas or spaces, as some files
/// write them) as references of `kind`.
fn push_ids(text: &str, s: &Scalar, kind: RefKind, entry: u32, f: &mut RuleFile) {
    let mut at = 0;
    for piece in s.value.split([',', ' ']) {
        let here = at;
        at += piece.len() + 1;
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let lead = s.value[here..].len() - s.value[here..].trim_start().len();
        f.refs.push(reference(
            kind,
            locate(text, s.start, s.end, &s.value, here + lead, piece),
            entry,
        ));
    }
}

fn reference(kind: RefKind, at: super::Located, entry: u32) -> Reference {
    Reference {
        kind,
        at,
        entry,
        name: None,
        link: None,
        tests: 0,
    }
}

/// Sigma: `attack.tNNNN[.NNN]` tags are techniques; `attack.taNNNN` and tags of words
/// (`attack.execution`, `attack.defense-evasion`) are tactics; group, software and campaign
/// tags (`attack.g0016`) and every other tag are not read.
fn sigma(text: &str, doc: &Doc, f: &mut RuleFile) {
    for s in doc.scalars.iter().filter(|s| s.at(&["tags", "*"])) {
        let value = s.value.trim();
        let Some(rest) = value
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("attack."))
            .map(|_| &value[7..])
        else {
            continue;
        };
        let lead = s.value.len() - s.value.trim_start().len();
        let kind = if looks_like_technique(rest) {
            RefKind::Technique
        } else if looks_like_tactic_id(rest)
            || (!rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_')
                && !is_other_object_tag(rest))
        {
            RefKind::Tactic
        } else {
            continue;
        };
        f.refs.push(reference(
            kind,
            locate(text, s.start, s.end, &s.value, lead + 7, rest),
            0,
        ));
    }
}

/// Sigma tags of other ATT&CK objects (`attack.g0016`, `attack.s0002`) are digits after a
/// letter, so a word tag never is one; this keeps the check in one place.
fn is_other_object_tag(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.len() == 5
        && matches!(b[0], b'g' | b'G' | b's' | b'S' | b'c' | b'C')
        && b[1..].iter().all(u8::is_ascii_digit)
}

/// Atomic Red Team technique file: `attack_technique`, its `display_name`, and how many
/// `atomic_tests` it holds.
fn atomic(text: &str, doc: &Doc, f: &mut RuleFile) {
    let tests = doc
        .scalars
        .iter()
        .filter(|s| s.path.len() >= 3 && s.at(&["atomic_tests", "*", "name"]))
        .count();
    let name = doc
        .first(&["display_name"])
        .map(|s| locate_value(text, s.start, s.end, &s.value));
    if let Some(s) = doc.first(&["attack_technique"]) {
        let mut r = reference(
            RefKind::Technique,
            locate_value(text, s.start, s.end, s.value.trim()),
            0,
        );
        r.name = name;
        r.tests = tests;
        f.refs.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> RuleFile {
        match super::read(text, "f.yml").unwrap() {
            Read::File(f) => f,
            Read::Other => panic!("not read as a rule: {text}"),
        }
    }

    fn ids(f: &RuleFile, kind: RefKind) -> Vec<&str> {
        f.refs
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.at.text.as_str())
            .collect()
    }

    #[test]
    fn sigma_tags() {
        let text = "title: Our rule\nid: 1234\ntags:\n    - attack.execution\n    - attack.t1059.001\n    - attack.T1027 # obfuscation\n    - 'attack.t1082'\n    - attack.g0016\n    - cve.2021-44228\n    - attack.ta0005\nlogsource:\n    product: windows\ndetection:\n    selection:\n        tags: attack.t9999\n    condition: selection\n";
        let f = file(text);
        assert_eq!(f.format, Format::Sigma);
        assert_eq!(
            (f.id.as_deref(), f.title.as_deref()),
            (Some("1234"), Some("Our rule"))
        );
        assert_eq!(ids(&f, RefKind::Technique), ["t1059.001", "T1027", "t1082"]);
        assert_eq!(ids(&f, RefKind::Tactic), ["execution", "ta0005"]);
        for r in &f.refs {
            assert!(r.at.exact);
            assert_eq!(&text[r.at.start..r.at.end], r.at.text);
        }
    }

    #[test]
    fn flow_lists_and_documents() {
        let f = file(
            "tags: [attack.t1059, 'attack.t1003.001']\ndetection: {a: 1}\n---\ntags:\n- attack.t1027\n",
        );
        assert_eq!(ids(&f, RefKind::Technique), ["t1059", "t1003.001", "t1027"]);
    }

    #[test]
    fn splunk_sentinel_car_atomic() {
        let s = file(
            "name: A\nid: x-1\nsearch: '| tstats'\ntags:\n  analytic_story:\n  - T1000 story\n  mitre_attack_id:\n  - T1574.002\n  - T1003\n",
        );
        assert_eq!(s.format, Format::Splunk);
        assert_eq!(ids(&s, RefKind::Technique), ["T1574.002", "T1003"]);
        assert_eq!(s.title.as_deref(), Some("A"));

        let m = file(
            "id: abc\nname: Sentinel rule\nqueryFrequency: 1h\ntactics:\n  - DefenseEvasion\n  - Execution\nrelevantTechniques:\n  - T1059\n  - T1027.002\n",
        );
        assert_eq!(m.format, Format::Sentinel);
        assert_eq!(ids(&m, RefKind::Tactic), ["DefenseEvasion", "Execution"]);
        assert_eq!(ids(&m, RefKind::Technique), ["T1059", "T1027.002"]);

        let c = file(
            "title: C\nid: CAR-1\ncoverage:\n  - technique: T1547\n    tactics:\n      - TA0003\n    subtechniques:\n      - T1547.001\n  - technique: T1112\n    tactics: [TA0005]\n",
        );
        assert_eq!(c.format, Format::Car);
        let entries: Vec<(&str, u32)> = c
            .refs
            .iter()
            .map(|r| (r.at.text.as_str(), r.entry))
            .collect();
        assert_eq!(
            entries,
            [
                ("T1547", 1),
                ("TA0003", 1),
                ("T1547.001", 1),
                ("T1112", 2),
                ("TA0005", 2)
            ]
        );

        let a = file(
            "attack_technique: T1020\ndisplay_name: Automated Exfiltration\natomic_tests:\n- name: one\n  input_arguments:\n    name:\n      default: x\n- name: two\n",
        );
        assert_eq!(a.format, Format::Atomic);
        assert_eq!(a.refs.len(), 1);
        assert_eq!(a.refs[0].tests, 2);
        assert_eq!(
            a.refs[0].name.as_ref().unwrap().text,
            "Automated Exfiltration"
        );
    }

    #[test]
    fn a_flow_list_line_break_separates_words() {
        let f = file("tags: [attack.t10\r\n  59, attack.t1027]\ndetection:\n  x: 1\n");
        assert_eq!(ids(&f, RefKind::Technique), ["t1027"]);
        assert!(ids(&f, RefKind::Tactic).is_empty());
        let g = file("tags: [attack.t1059,\n  attack.t1027\n  ]\ndetection: {}\n");
        assert_eq!(ids(&g, RefKind::Technique), ["t1059", "t1027"]);
    }

    #[test]
    fn other_yaml_and_errors() {
        assert!(matches!(
            super::read("coverage: 3\nx: 1\n", "f").unwrap(),
            Read::Other
        ));
        let e = super::read("detection:\n  a: [1\ntitle: x\n", "f").unwrap_err();
        assert!(e.line >= 2, "{e}");
    }
}
