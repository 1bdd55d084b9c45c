//! Elastic detection rules (TOML): the `[[rule.threat]]` entries whose framework is
//! `MITRE ATT&CK`, with the tactic, techniques and sub-techniques each names, and the `name`
//! and `reference` written beside each ID.

use serde::Deserialize;
use toml::Spanned;

use super::{Format, Lines, Located, ParseError, RefKind, Reference, RuleFile, locate_value};

#[derive(Deserialize)]
struct Doc {
    rule: Option<Rule>,
}

#[derive(Deserialize)]
#[allow(clippy::struct_field_names)] // Elastic's own key names
struct Rule {
    rule_id: Option<String>,
    name: Option<String>,
    #[serde(default)]
    threat: Vec<Threat>,
}

#[derive(Deserialize)]
struct Threat {
    framework: Option<String>,
    tactic: Option<Entry>,
    #[serde(default)]
    technique: Vec<Technique>,
}

#[derive(Deserialize)]
struct Entry {
    id: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    reference: Option<Spanned<String>>,
}

// Not `#[serde(flatten)]` over `Entry`: flattening buffers the values and loses their spans.
#[derive(Deserialize)]
struct Technique {
    id: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    reference: Option<Spanned<String>>,
    #[serde(default)]
    subtechnique: Vec<Entry>,
}

/// Whether the text is an Elastic rule: a `[rule]` table or `[[rule.threat]]` entries.
pub fn looks_like(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_end();
        l == "[rule]" || l.starts_with("[[rule.threat")
    })
}

/// Parses the rule.
pub fn read(text: &str, path: &str) -> Result<RuleFile, ParseError> {
    let doc: Doc = toml::from_str(text).map_err(|e| {
        let (line, col) = e
            .span()
            .map_or((1, 1), |s| Lines::new(text).position(s.start));
        ParseError {
            message: e.message().trim().replace('\n', " "),
            line,
            col,
        }
    })?;
    let mut f = RuleFile::new(path, Format::Elastic);
    let Some(rule) = doc.rule else {
        return Ok(f);
    };
    f.id = rule.rule_id;
    f.title = rule.name;
    for (n, threat) in rule.threat.iter().enumerate() {
        if !threat
            .framework
            .as_deref()
            .is_some_and(|fw| fw.trim().eq_ignore_ascii_case("MITRE ATT&CK"))
        {
            continue;
        }
        let entry = n as u32 + 1;
        if let Some(t) = &threat.tactic {
            push(text, t, RefKind::Tactic, entry, &mut f);
        }
        for t in &threat.technique {
            let own = Entry {
                id: t.id.clone(),
                name: t.name.clone(),
                reference: t.reference.clone(),
            };
            push(text, &own, RefKind::Technique, entry, &mut f);
            for s in &t.subtechnique {
                push(text, s, RefKind::Technique, entry, &mut f);
            }
        }
    }
    Ok(f)
}

fn located(text: &str, v: &Spanned<String>) -> Located {
    let span = v.span();
    locate_value(text, span.start, span.end, v.get_ref())
}

fn push(text: &str, e: &Entry, kind: RefKind, entry: u32, f: &mut RuleFile) {
    let Some(id) = &e.id else {
        return;
    };
    f.refs.push(Reference {
        kind,
        at: located(text, id),
        entry,
        name: e.name.as_ref().map(|n| located(text, n)),
        link: e.reference.as_ref().map(|r| located(text, r)),
        tests: 0,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = r#"[metadata]
creation_date = "2026/01/01"

[rule]
name = "Our rule"
rule_id = "0000-1111"
query = '''
process where true
'''

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1574"
name = "Hijack Execution Flow"
reference = "https://attack.mitre.org/techniques/T1574/"
[[rule.threat.technique.subtechnique]]
id = "T1574.002"
name = "DLL Side-Loading"
reference = "https://attack.mitre.org/techniques/T1574/002/"

[rule.threat.tactic]
id = "TA0005"
name = "Defense Evasion"
reference = "https://attack.mitre.org/tactics/TA0005/"

[[rule.threat]]
framework = "Other"
[[rule.threat.technique]]
id = "T9999"
"#;

    #[test]
    fn threat_entries() {
        assert!(looks_like(RULE));
        let f = read(RULE, "r.toml").unwrap();
        assert_eq!(f.id.as_deref(), Some("0000-1111"));
        assert_eq!(f.title.as_deref(), Some("Our rule"));
        let ids: Vec<(&str, RefKind, u32)> = f
            .refs
            .iter()
            .map(|r| (r.at.text.as_str(), r.kind, r.entry))
            .collect();
        assert_eq!(
            ids,
            [
                ("TA0005", RefKind::Tactic, 1),
                ("T1574", RefKind::Technique, 1),
                ("T1574.002", RefKind::Technique, 1)
            ]
        );
        for r in &f.refs {
            assert_eq!(&RULE[r.at.start..r.at.end], r.at.text);
            let n = r.name.as_ref().unwrap();
            assert_eq!(&RULE[n.start..n.end], n.text);
            let l = r.link.as_ref().unwrap();
            assert!(RULE[l.start..l.end].starts_with("https://attack.mitre.org/"));
        }
    }

    #[test]
    fn errors_have_a_place() {
        let e = read("[rule]\nname = \"x\nrule_id = 1\n", "r.toml").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(!e.message.contains('\n'));
    }
}
