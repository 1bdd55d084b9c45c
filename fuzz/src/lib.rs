//! Helpers shared by the fuzz targets: the hand-written sample knowledge base, a sweep of
//! queries and renderers over any knowledge base, and checks of the search and map views.

use std::io::sink;
use std::path::Path;
use std::sync::OnceLock;

use attck_explorer::model::{Kind, KnowledgeBase, TechniqueId, Visibility};
use attck_explorer::query::map::{MapOptions, map};
use attck_explorer::query::matrix::{MatrixOptions, matrix};
use attck_explorer::query::search::{Query, SearchOptions, search, search_objects};
use attck_explorer::query::tactic_techniques::{TechniqueFilter, tactic};
use attck_explorer::query::{detects, diff, list, show, tactic_list, technique};
use attck_explorer::render::{self, Format, Options};

/// Our own hand-written sample bundle (no MITRE text).
pub const SAMPLE: &[u8] = include_bytes!("../../data/sample/enterprise-attack-2.0.json");

/// Every object, revoked and deprecated ones included.
pub const ALL: Visibility = Visibility {
    include_revoked: true,
    include_deprecated: true,
};

/// The knowledge base of [`SAMPLE`], built once.
pub fn sample_kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        KnowledgeBase::from_bytes(SAMPLE, Path::new("enterprise-attack-2.0.json"), None)
            .expect("the sample bundle loads")
    })
}

/// Render options picked by one byte, so a run covers every format.
#[must_use]
pub fn render_options(seed: u8) -> Options {
    const FORMATS: [Format; 6] = [
        Format::Table,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Markdown,
        Format::Html,
    ];
    Options {
        format: FORMATS[usize::from(seed) % FORMATS.len()],
        color: seed & 8 != 0,
        width: (seed & 16 != 0).then_some(40),
        procedures: seed & 32 != 0,
    }
}

/// Checks that highlight marks lie inside `text` and on character boundaries.
pub fn check_marks(text: &str, marks: &[(usize, usize)]) {
    for &(a, b) in marks {
        assert!(a <= b && b <= text.len(), "mark {a}..{b} outside {text:?}");
        assert!(
            text.is_char_boundary(a) && text.is_char_boundary(b),
            "mark {a}..{b} not on character boundaries of {text:?}"
        );
    }
}

/// Runs a search over techniques and over every object kind, checking the snippets' marks.
pub fn run_search(kb: &KnowledgeBase, q: &Query, opts: Options) {
    let out = &mut sink();
    for filter in [
        TechniqueFilter::default(),
        TechniqueFilter {
            visibility: ALL,
            no_subtechniques: true,
            platforms: vec!["windows".into()],
        },
    ] {
        let hits = search(
            kb,
            q,
            &SearchOptions {
                filter,
                tactic: (!kb.tactics.is_empty()).then_some(0),
                limit: None,
            },
        );
        for h in &hits {
            check_marks(&h.snippet, &h.snippet_marks);
            assert!(h.score.is_finite());
        }
        render::list(out, &hits, &opts).expect("render into a sink");
    }
    let hits = search_objects(kb, q, &Kind::ALL, ALL, Some(50));
    for h in &hits {
        check_marks(&h.fields.snippet, &h.fields.snippet_marks);
    }
    render::list(out, &hits, &opts).expect("render into a sink");
}

/// Reads every part of `kb` once (lazy sections, every object, its edges and its detail
/// view) without rendering: the cheap sweep for knowledge bases decoded from a cache.
pub fn touch(kb: &KnowledgeBase) {
    let _ = (kb.edges().len(), kb.groups.len(), kb.software.len());
    let _ = (
        kb.campaigns.len(),
        kb.mitigations.len(),
        kb.data_sources.len(),
    );
    let _ = (kb.data_components.len(), kb.detection_strategies.len());
    let _ = (kb.analytics.len(), kb.assets.len());
    for k in Kind::ALL {
        for n in kb.nodes(k) {
            let m = kb.meta(n);
            let _ = (kb.nodes_with_id(&m.id), kb.nodes_named(&m.name));
            let _ = (kb.out_edges(n).len(), kb.in_edges(n).count());
            let _ = (kb.replacement_of(n), kb.aliases(n));
            let _ = show::view(kb, n, ALL);
        }
    }
    for i in 0..kb.data_components.len() as u32 {
        let _ = kb.techniques_detected_by_component(i);
    }
    let _ = tactic_list::tactics(kb);
}

/// Runs the queries of every command over `kb` and renders their views, so query and render
/// code meet odd graphs. Any panic is a bug.
pub fn exercise(kb: &KnowledgeBase, seed: u8) {
    let opts = render_options(seed);
    let out = &mut sink();
    let _ = kb.label();
    let _ = kb.lookup_keys().count();

    let rows = tactic_list::tactics(kb);
    render::list(out, &rows, &opts).expect("render into a sink");
    for t in kb.tactics.iter().chain(kb.unlisted_tactics.iter()) {
        for key in [
            t.shortname.as_str(),
            t.meta.id.as_str(),
            t.meta.name.as_str(),
        ] {
            if let Ok(rows) = tactic(kb, key, &TechniqueFilter::default()) {
                render::list(out, &rows, &opts).expect("render into a sink");
            }
        }
    }

    for i in 0..kb.techniques.len() {
        let d = technique::technique_at(kb, i as u32, ALL);
        render::detail(out, &d, &opts).expect("render into a sink");
        let t = &kb.techniques[i];
        let _ = kb.replacement(t);
        if let Ok(id) = t.meta.id.parse::<TechniqueId>() {
            let _ = technique::technique(kb, &id, Visibility::default());
        }
    }
    // An ID the knowledge base may lack: the not-found path with suggestions.
    if let Ok(id) = "T1059.001".parse::<TechniqueId>() {
        let _ = technique::technique(kb, &id, Visibility::default());
    }

    for k in Kind::ALL {
        for n in kb.nodes(k) {
            let v = show::view(kb, n, ALL);
            render::detail(out, &v, &opts).expect("render into a sink");
            let _ = kb.replacement_of(n);
            let _ = kb.aliases(n);
            let m = kb.meta(n);
            for key in [m.id.as_str(), m.name.as_str()] {
                if let Ok((v, _)) = show::show(&[kb], key, Some(k), Visibility::default()) {
                    render::detail(out, &v, &opts).expect("render into a sink");
                }
            }
        }
    }
    for key in ["", "T1059", "nothing at all", "TA0002"] {
        let _ = show::show(&[kb], key, None, ALL);
    }

    for subtechniques in [false, true] {
        let m = matrix(
            kb,
            &MatrixOptions {
                platforms: Vec::new(),
                subtechniques,
            },
        );
        render::report(out, &m, &opts).expect("render into a sink");
    }
    let _ = attck_explorer::query::matrix::platforms(kb);

    render::list(out, &list::groups(kb, ALL), &opts).expect("render into a sink");
    render::list(out, &list::software(kb, ALL), &opts).expect("render into a sink");
    render::list(out, &list::campaigns(kb, ALL), &opts).expect("render into a sink");
    render::list(out, &list::mitigations(kb, ALL), &opts).expect("render into a sink");
    render::list(out, &list::data_sources(kb, ALL), &opts).expect("render into a sink");
    render::list(out, &list::data_components(kb, ALL), &opts).expect("render into a sink");
    render::list(out, &list::detection_strategies(kb, ALL), &opts).expect("render into a sink");
    render::list(out, &list::analytics(kb, ALL), &opts).expect("render into a sink");
    render::list(out, &list::assets(kb, ALL), &opts).expect("render into a sink");
    if let Ok(rows) = list::techniques(kb, &list::TechniqueListFilter::default()) {
        render::list(out, &rows, &opts).expect("render into a sink");
    }

    for dc in kb.data_components.iter() {
        if let Ok(rows) = detects::detects(kb, &dc.meta.name, None, ALL) {
            render::list(out, &rows, &opts).expect("render into a sink");
        }
    }

    let words: Vec<String> = kb
        .techniques
        .iter()
        .take(3)
        .flat_map(|t| t.meta.name.split_whitespace().take(2).map(str::to_string))
        .collect();
    run_search(kb, &Query::parse(&words), opts);
    run_search(
        kb,
        &Query::parse(&["\"command line\" t1059".to_string()]),
        opts,
    );

    let text: String = kb.lookup_keys().take(200).collect::<Vec<_>>().join(" \n");
    let found = map(kb, &text, MapOptions { names: true });
    render::list(out, &found.found, &opts).expect("render into a sink");
    if let Some(layer) = attck_explorer::query::layer::from_map(kb, &found, "fuzz") {
        render::json_document(out, &layer).expect("render into a sink");
    }

    let report = diff::diff(sample_kb(), kb);
    render::report(out, &report, &opts).expect("render into a sink");
    let report = diff::diff(kb, kb);
    render::report(out, &report, &opts).expect("render into a sink");
}

/// Runs `f` on a copy of `bytes` that passes for `'static`, as the cache decoder requires (the
/// program leaks its memory map; a fuzzer running millions of inputs cannot leak them).
///
/// # Safety
///
/// Nothing borrowed from the slice may outlive `f`: every knowledge base decoded from it must
/// be dropped inside `f`.
pub unsafe fn with_static_bytes(bytes: &[u8], f: impl FnOnce(&'static [u8])) {
    let copy: Vec<u8> = bytes.to_vec();
    // SAFETY: `copy` lives until the end of this function, after `f` returned; the caller
    // promises nothing borrowed from it survives `f`.
    let stat: &'static [u8] = unsafe { std::slice::from_raw_parts(copy.as_ptr(), copy.len()) };
    f(stat);
    drop(copy);
}

/// Compares two knowledge bases by their serialised form, lazy parts included.
pub fn assert_same(a: &KnowledgeBase, b: &KnowledgeBase) {
    assert_eq!(json(a), json(b), "core");
    assert_eq!(a.edges().len(), b.edges().len(), "edges");
    assert_eq!(json(a.groups.get()), json(b.groups.get()), "groups");
    assert_eq!(json(a.software.get()), json(b.software.get()), "software");
    assert_eq!(
        json(a.campaigns.get()),
        json(b.campaigns.get()),
        "campaigns"
    );
    assert_eq!(
        json(a.mitigations.get()),
        json(b.mitigations.get()),
        "mitigations"
    );
    assert_eq!(
        json(a.data_sources.get()),
        json(b.data_sources.get()),
        "data sources"
    );
    assert_eq!(
        json(a.data_components.get()),
        json(b.data_components.get()),
        "data components"
    );
    assert_eq!(
        json(a.detection_strategies.get()),
        json(b.detection_strategies.get()),
        "detection strategies"
    );
    assert_eq!(
        json(a.analytics.get()),
        json(b.analytics.get()),
        "analytics"
    );
    assert_eq!(json(a.assets.get()), json(b.assets.get()), "assets");
    for k in Kind::ALL {
        for n in a.nodes(k) {
            let m = a.meta(n);
            assert_eq!(a.nodes_with_id(&m.id), b.nodes_with_id(&m.id), "ids");
            assert_eq!(a.nodes_named(&m.name), b.nodes_named(&m.name), "names");
            assert_eq!(
                format!("{:?}", a.out_edges(n)),
                format!("{:?}", b.out_edges(n)),
                "out edges"
            );
            let ins = |kb: &KnowledgeBase| format!("{:?}", kb.in_edges(n).collect::<Vec<_>>());
            assert_eq!(ins(a), ins(b), "in edges");
        }
    }
}

fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).expect("model values serialise")
}
