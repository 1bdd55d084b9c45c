//! Where a warm query's time goes: the steps of `attck --bundle B <query> -f json` with a fresh
//! index cache, timed one by one in a fresh process each run (so page faults on the mapped
//! cache and cold CPU caches count, as they do for the real binary), medians over the runs.
//!
//! `cargo run --release --example warm_profile [-- RUNS]` (default 31 runs per query).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use attck_bench as setup;
use attck_explorer::cli::Cli;
use attck_explorer::model::TechniqueId;
use attck_explorer::model::cache_format;
use attck_explorer::query::search::{Query, SearchOptions};
use attck_explorer::query::tactic_techniques::TechniqueFilter;
use attck_explorer::render::{self, Format, Options};
use attck_explorer::settings::{self, ProcessEnv};
use attck_explorer::store::cache_file;
use attck_explorer::{model::Visibility, query};
use clap::Parser;

const CHILD: &str = "ATTCK_PROFILE_CHILD";
const CACHE: &str = "ATTCK_PROFILE_CACHE";
const QUERIES: [&str; 3] = ["technique", "tactic", "search"];

fn argv(bundle: &Path, cache_dir: &Path, query: &str) -> Vec<String> {
    let mut v: Vec<String> = [
        "attck",
        "--bundle",
        bundle.to_str().unwrap(),
        "--cache-dir",
        cache_dir.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec();
    v.extend(
        match query {
            "technique" => &["technique", "T1059"][..],
            "tactic" => &["tactic", "execution"][..],
            _ => &["search", "powershell"][..],
        }
        .iter()
        .map(|s| (*s).to_string()),
    );
    v.extend(["-f".to_string(), "json".to_string()]);
    v
}

fn main() {
    let Some(bundle) = setup::bundle_or_skip() else {
        return;
    };
    if let Ok(mode) = std::env::var(CHILD) {
        child(
            &mode,
            &bundle,
            &PathBuf::from(std::env::var_os(CACHE).unwrap()),
        );
        return;
    }
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(31);
    let cache_dir = std::env::temp_dir().join(format!("attck-profile-{}", std::process::id()));
    // Build the cache the way the binary does, through its own entry point.
    let cli = Cli::parse_from(argv(&bundle, &cache_dir, "technique"));
    attck_explorer::run(&cli, &mut std::io::sink(), &mut std::io::sink()).unwrap();

    let exe = std::env::current_exe().unwrap();
    let mut table: BTreeMap<String, BTreeMap<&str, Vec<f64>>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for mode in ["empty", "run-technique", "technique", "tactic", "search"] {
        for _ in 0..runs {
            let t = Instant::now();
            let out = Command::new(&exe)
                .env(CHILD, mode)
                .env(CACHE, &cache_dir)
                .output()
                .unwrap();
            let wall = t.elapsed().as_secs_f64() * 1e6;
            assert!(
                out.status.success(),
                "{mode}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let mut rows = vec![("whole process (spawn to exit)".to_string(), wall)];
            for line in String::from_utf8(out.stdout).unwrap().lines() {
                let (k, v) = line.split_once('\t').unwrap();
                rows.push((k.to_string(), v.parse().unwrap()));
            }
            for (k, v) in rows {
                if !order.contains(&k) {
                    order.push(k.clone());
                }
                table.entry(k).or_default().entry(mode).or_default().push(v);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&cache_dir);

    println!("medians of {runs} fresh processes each, µs (enterprise 18.1, warm cache)\n");
    println!(
        "| step | technique T1059 | tactic execution | search powershell | run() (technique) | empty process |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for k in &order {
        let cell = |m: &str| {
            table[k]
                .get(m)
                .map_or_else(String::new, |v| format!("{:.0}", median(v)))
        };
        println!(
            "| {k} | {} | {} | {} | {} | {} |",
            cell("technique"),
            cell("tactic"),
            cell("search"),
            cell("run-technique"),
            cell("empty")
        );
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Consecutive timed steps, in µs.
struct Laps {
    t: Instant,
    spans: Vec<(&'static str, f64)>,
}

impl Laps {
    fn lap(&mut self, name: &'static str) {
        self.spans
            .push((name, self.t.elapsed().as_secs_f64() * 1e6));
        self.t = Instant::now();
    }
}

/// One measured run: prints `step<TAB>µs` lines.
fn child(mode: &str, bundle: &Path, cache_dir: &Path) {
    let mut laps = Laps {
        t: Instant::now(),
        spans: Vec::new(),
    };
    let mut devnull = std::io::BufWriter::new(std::fs::File::create("/dev/null").unwrap());
    match mode {
        "empty" => {}
        "run-technique" => {
            let cli = Cli::parse_from(argv(bundle, cache_dir, "technique"));
            attck_explorer::run(&cli, &mut devnull, &mut std::io::sink()).unwrap();
            laps.lap("in-process total: lib run() incl. arguments");
        }
        q if QUERIES.contains(&q) => {
            let cli = Cli::parse_from(argv(bundle, cache_dir, q));
            let _settings = settings::resolve(&cli.global, &ProcessEnv).unwrap();
            laps.lap("arguments + settings");
            let id = cache_file::identify(bundle).unwrap();
            laps.lap("identify bundle (canonicalize + stat)");
            let file = cache_file::path_for(cache_dir, &id);
            let bytes = cache_file::map_for_process(&file).unwrap();
            laps.lap("open + mmap cache");
            let kb = cache_format::decode(bytes, &id, cache_format::Fallback::none()).unwrap();
            laps.lap("decode: header + CRC + postcard + link check");
            let json = Options {
                format: Format::Json,
                color: false,
                width: None,
                procedures: false,
            };
            let mut out = Vec::new();
            match q {
                "technique" => {
                    let tid: TechniqueId = "T1059".parse().unwrap();
                    let v = query::technique::technique(&kb, &tid, Visibility::default()).unwrap();
                    laps.lap("query (view)");
                    render::detail(&mut out, &v, &json).unwrap();
                }
                "tactic" => {
                    let v = query::tactic_techniques::tactic(
                        &kb,
                        "execution",
                        &TechniqueFilter::default(),
                    )
                    .unwrap();
                    laps.lap("query (view)");
                    render::list(&mut out, &v, &json).unwrap();
                }
                _ => {
                    let q = Query::parse(&["powershell".to_string()]);
                    let opts = SearchOptions {
                        filter: TechniqueFilter::default(),
                        tactic: None,
                        limit: None,
                    };
                    let v = query::search::search(&kb, &q, &opts);
                    laps.lap("query (view)");
                    render::list(&mut out, &v, &json).unwrap();
                }
            }
            devnull.write_all(&out).unwrap();
            devnull.flush().unwrap();
            laps.lap("render JSON + write");
            let total: f64 = laps.spans.iter().map(|s| s.1).sum();
            laps.spans.push(("sum of the steps above", total));
            // How the decode step splits, re-run now that its pages are resident.
            laps.t = Instant::now();
            let header = cache_format::header(bytes).unwrap();
            laps.lap("of decode, re-run: header");
            let crc = header.sections.iter().fold(0, |a, s| {
                a ^ crc32fast::hash(&bytes[s.offset as usize..(s.offset + s.len) as usize])
            });
            std::hint::black_box(crc);
            laps.lap("of decode, re-run: CRC-32 of both sections");
            kb.check().unwrap();
            laps.lap("of decode, re-run: link check");
            let again = cache_format::decode(bytes, &id, cache_format::Fallback::none()).unwrap();
            std::hint::black_box(&again);
            laps.lap("of decode, re-run: whole decode");
            std::mem::forget(again);
            std::mem::forget(kb);
        }
        other => panic!("unknown mode {other}"),
    }
    let mut stdout = std::io::stdout().lock();
    for (k, v) in laps.spans {
        writeln!(stdout, "{k}\t{v}").unwrap();
    }
}
