//! Command-line arguments (clap derive types only; no I/O here).

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::ids::{TechniqueId, Version};
use crate::input::Source;
use crate::model::{KINDS, Kind};
use crate::query::lint::FindingKind;

/// The top-level `--help`: one screen. Global options are listed in each command's help.
const HELP_TEMPLATE: &str = "\
attck: explore the MITRE ATT&CK knowledge base from the terminal.

{usage-heading} {usage}

Commands:
{subcommands}

Examples:
  attck technique T1059              a technique's details
  attck search credential dumping    ranked search of techniques
  attck show APT29                   any object by ID, name or alias
  attck list techniques --group APT29 --tactic persistence
  attck coverage ./sigma-rules       what a rule set covers, and the gaps
  attck matrix -f html > matrix.html

`attck COMMAND --help`: a command's options and examples, then the global ones
(--domain, --attack-version, -f FORMAT, --data-dir, --offline, …). -V: version.
Data: --bundle FILE, else the newest bundle in --data-dir, $ATTCK_DATA_DIR or
~/.cache/attck (downloaded on first use unless --offline).
Exit codes: 0 found, 1 nothing found, 2 error.";

/// attck: explore the MITRE ATT&CK knowledge base from the terminal.
///
/// Looks up techniques, lists tactics and searches descriptions in ATT&CK STIX bundles
/// (enterprise, mobile and ICS; STIX 2.0 and 2.1), draws the matrix, writes Navigator layers
/// and measures detection coverage, with table, JSON, CSV, Markdown and HTML output.
#[derive(Debug, Parser)]
#[command(
    name = "attck",
    version,
    about,
    long_about,
    help_template = HELP_TEMPLATE,
    max_term_width = 100
)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after any subcommand; listed under their own heading, after
/// the command's own options.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Read this bundle file instead of looking in the data directory.
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub bundle: Option<PathBuf>,

    /// Directory holding `<domain>-attack[-<version>].json` bundles [env: `ATTCK_DATA_DIR`].
    #[arg(long, global = true, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub data_dir: Option<PathBuf>,

    /// ATT&CK domain: enterprise (the default), mobile, ics, or all (show, update, data).
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "DOMAIN",
        hide_possible_values = true
    )]
    pub domain: Option<DomainArg>,

    /// ATT&CK version to use (such as 17.1) instead of the newest installed.
    #[arg(long, global = true, value_name = "VERSION")]
    pub attack_version: Option<Version>,

    /// Output format: table (the default), json, jsonl, csv, markdown, html or text (lint).
    #[arg(
        short = 'f',
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        hide_possible_values = true
    )]
    pub format: Option<FormatArg>,

    /// Colour: auto (on a terminal unless `NO_COLOR` is set), always or never.
    #[arg(long, global = true, value_name = "WHEN", value_parser = when_parser(), hide_possible_values = true)]
    pub color: Option<ColorValue>,

    /// Show revoked objects in lists and search (marked as such).
    #[arg(long, global = true)]
    pub include_revoked: bool,

    /// Show deprecated objects in lists and search (marked as such).
    #[arg(long, global = true)]
    pub include_deprecated: bool,

    /// Print nothing on stderr but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Never download: fail when data is missing instead [env: `ATTCK_OFFLINE`=1].
    #[arg(long, global = true)]
    pub offline: bool,

    /// Download from this mirror of attack-stix-data [env: `ATTCK_SOURCE_URL`].
    #[arg(long, global = true, value_name = "URL", value_hint = ValueHint::Url)]
    pub source_url: Option<String>,

    /// Directory of the index caches built from bundles [env: `ATTCK_CACHE_DIR`].
    #[arg(long, global = true, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub cache_dir: Option<PathBuf>,

    /// Parse the bundle instead of using (or writing) its index cache.
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// More detail: procedure examples in detail tables, notes about the cache.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show a technique or sub-technique by ID (T1059, T1059.001).
    Technique(TechniqueArgs),
    /// List the domain's tactics in matrix order, with technique counts.
    #[command(after_help = "\
Examples:
  attck tactics
  attck tactics --domain ics
  attck tactics --attack-version 17.1 -f csv")]
    Tactics,
    /// List a tactic's techniques, sub-techniques after their parent.
    Tactic(TacticArgs),
    /// Search techniques, procedure examples or any object, ranked.
    Search(SearchArgs),
    /// Show any object by ATT&CK ID, name or alias.
    Show(ShowArgs),
    /// List the objects of one type, with filters for techniques.
    List(ListArgs),
    /// What a log source or data component helps detect.
    ///
    /// What a log source or data component can help detect: analytics, detection strategies
    /// and techniques.
    Detects(DetectsArgs),
    /// Download ATT&CK bundles into the data directory.
    Update(UpdateArgs),
    /// Show or clear the data directory (never loads a bundle).
    #[command(
        subcommand,
        after_help = "\
Examples:
  attck data path                    where the bundles are, and which setting chose it
  attck data status                  what is installed, and how old it is
  attck data clear --cache --yes     remove the index caches (rebuilt on the next query)"
    )]
    Data(DataCommand),
    /// Print a shell completion script on stdout.
    #[command(after_help = "\
Examples:
  attck completions bash > ~/.local/share/bash-completion/completions/attck
  attck completions zsh > ~/.zfunc/_attck
  attck completions fish > ~/.config/fish/completions/attck.fish")]
    Completions(CompletionsArgs),
    /// Print the man page (roff) on stdout.
    #[command(after_help = "\
Examples:
  attck man > attck.1 && man ./attck.1
  attck man | gzip > /usr/local/share/man/man1/attck.1.gz")]
    Man,
    /// Draw the domain's matrix: tactics as columns, techniques by name.
    Matrix(MatrixArgs),
    /// Write an ATT&CK Navigator layer from a selection of techniques.
    Layer(LayerArgs),
    /// Measure what a set of detections covers, and rank the gaps.
    Coverage(CoverageArgs),
    /// What changed between two ATT&CK versions.
    ///
    /// What changed between two ATT&CK versions: techniques, groups, software, mitigations,
    /// campaigns, relationships and the data model.
    Diff(DiffArgs),
    /// Find ATT&CK IDs and names in free text.
    ///
    /// Find ATT&CK references in free text: technique, tactic, group, software and campaign
    /// IDs, and with --names their names and aliases.
    Map(MapArgs),
    /// Rank the groups whose known behaviour best fits an observation.
    Attribute(AttributeArgs),
    /// Compare groups, campaigns, software or technique lists.
    Compare(CompareArgs),
    /// Suggest the techniques to look for next, from what was observed.
    Next(NextArgs),
    /// Check rules, tests, layers and ID lists for ATT&CK drift.
    ///
    /// Check the ATT&CK references of rule files, tests, layers and ID lists against the
    /// data: unknown, revoked and deprecated IDs, stale names, wrong tactics; --fix rewrites
    /// revoked IDs.
    Lint(LintArgs),
}

/// Arguments of `attck lint`.
#[derive(Debug, Args)]
#[command(after_help = "\
Reads Sigma, Elastic, Splunk, Sentinel, CAR and Atomic Red Team files, Navigator layers and ID
lists (told apart by content; a directory: its *.yml, *.yaml, *.toml, *.json and *.csv files).
Finding kinds: parse-error, unknown, revoked, deprecated, name-mismatch, tactic-mismatch,
unknown-tactic. With -f text, one `path:line:col: kind: message` line per finding.

--fix rewrites in place every revoked ID that has exactly one successor, in the spelling it
was written in (attack.t1574.002 becomes attack.t1574.001), and Elastic's name and reference
beside it; every other byte stays. Files are replaced atomically; symbolic links are not
followed. References with several successors or none are reported and left alone.

Exit codes: 0 no findings (of the --fail-on kinds), 1 findings, 2 error.

Examples:
  attck lint rules/
  attck lint detection-rules/rules -f text
  attck lint rules/ --fail-on revoked,unknown
  attck lint rules/ --fix --dry-run
  attck lint rules/ --fix --attack-version 19.0")]
pub struct LintArgs {
    /// Rule files, tests, layers, ID lists or directories of them; - for stdin.
    #[arg(value_name = "PATH", required = true, num_args = 1..)]
    pub paths: Vec<Source>,

    /// Rewrite revoked IDs that have exactly one successor, in place.
    #[arg(long)]
    pub fix: bool,

    /// With --fix: print a unified diff of the changes and write nothing.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,

    /// Count only findings of these kinds for the exit code (comma-separated): parse-error,
    /// unknown, revoked, deprecated, name-mismatch, tactic-mismatch, unknown-tactic.
    #[arg(long, value_name = "KIND,...", value_delimiter = ',')]
    pub fail_on: Vec<FindingKind>,
}

/// What `attribute --type` ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CandidateArg {
    /// Groups; a group's profile includes its attributed campaigns (the default).
    #[default]
    Group,
    /// Campaigns.
    Campaign,
    /// Software (malware and tools).
    Software,
}

/// A count of at least 1.
pub fn parse_top(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("'{s}' is not a whole number of at least 1")),
    }
}

/// Arguments of `attck attribute`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each candidate's score, from 0 to 1, says how much of the observation its known behaviour
accounts for (techniques and software few candidates use weigh more; a sub-technique earns
half credit against its parent, a quarter against a sibling), discounted a little for the
size of its own profile. Scores rank the candidates of one run; they are leads, not
probabilities, and say nothing about behaviour ATT&CK does not record (see the README).

Examples:
  attck attribute T1566.001 T1059.001 T1105 S0002
  attck attribute T1566.001,T1204.002,T1547.001 -f json
  attck attribute incident-layer.json --top 5 --layer overlap.json
  attck layer --group APT29 | attck attribute - --exclude G0016     who else behaves like APT29
  attck attribute observed.txt --type software")]
pub struct AttributeArgs {
    /// What was observed: technique IDs (T1059.001), software IDs or names (S0002, Mimikatz),
    /// comma-separated lists of them, files naming technique IDs (text, CSV, Navigator layers,
    /// detection rules of any format `coverage` reads), or - for stdin.
    #[arg(value_name = "INPUT", required = true, num_args = 1..)]
    pub inputs: Vec<String>,

    /// Rank groups, campaigns or software.
    #[arg(
        short = 't',
        long = "type",
        value_enum,
        value_name = "TYPE",
        default_value_t
    )]
    pub kind: CandidateArg,

    /// Leave objects out of the evidence everywhere: groups, campaigns, software or techniques
    /// by ID or name (repeatable, or comma-separated).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub exclude: Vec<String>,

    /// Show the N best candidates.
    #[arg(short = 'n', long, value_name = "N", default_value = "10", value_parser = parse_top)]
    pub top: usize,

    /// Layers given as INPUT: read every listed technique, not only enabled ones scored above 0.
    #[arg(long)]
    pub layer_all: bool,

    /// Also write the best candidate's overlap with the observation as a Navigator layer.
    #[arg(long, value_name = "FILE")]
    pub layer: Option<PathBuf>,
}

/// Arguments of `attck compare`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each side is a group, campaign or piece of software (ID, name or alias) or a file naming
technique IDs (text, CSV, a Navigator layer, detection rules; - for stdin). A group's
techniques include those of the campaigns attributed to it. Techniques are compared by exact
ID: a sub-technique and its parent are different techniques here. The Jaccard index is the
number of techniques every side has divided by the number any side has.

Examples:
  attck compare APT29 APT28
  attck compare G0016 G0007 G0032 -f json
  attck compare \"Cozy Bear\" our-detections.json --layer apt29-vs-us.json
  attck compare S0154 S0002 -f markdown")]
pub struct CompareArgs {
    /// Two or more groups, campaigns or software (ID, name or alias) or technique-list files.
    #[arg(value_name = "SIDE", required = true, num_args = 2..)]
    pub sides: Vec<String>,

    /// Layers given as sides: read every listed technique, not only enabled ones scored above 0.
    #[arg(long)]
    pub layer_all: bool,

    /// Also write one Navigator layer colouring the techniques only in each side, in all, and
    /// (three sides or more) in some, with a legend.
    #[arg(long, value_name = "FILE")]
    pub layer: Option<PathBuf>,
}

/// Arguments of `attck next`.
#[derive(Debug, Args)]
#[command(after_help = "\
A technique's score, from 0 to 1, is its mean association with the observed items: for
each observed technique or software, how often the two are used by the same group, campaign
or piece of software relative to how often each is used at all (1: always together). Each
row says how many of the actors closest to the observation use it. Leads, not predictions:
ATT&CK records what was reported, not everything adversaries do (see the README).

Examples:
  attck next T1566.001 T1059.001 T1105
  attck next incident-layer.json --tactic persistence --platform windows
  attck next T1190,T1505.003,S0002 --top 10 -f json
  attck layer --group APT29 | attck next - --exclude G0016")]
pub struct NextArgs {
    /// What was observed: technique IDs (T1059.001), software IDs or names (S0002, Mimikatz),
    /// comma-separated lists of them, files naming technique IDs (text, CSV, Navigator layers,
    /// detection rules of any format `coverage` reads), or - for stdin.
    #[arg(value_name = "INPUT", required = true, num_args = 1..)]
    pub inputs: Vec<String>,

    /// Leave objects out of the evidence everywhere: groups, campaigns, software or techniques
    /// by ID or name (repeatable, or comma-separated).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub exclude: Vec<String>,

    /// Only suggest techniques under this tactic (ID, shortname or name).
    #[arg(long, value_name = "TACTIC")]
    pub tactic: Option<String>,

    /// Only suggest techniques for this platform (case-insensitive; repeat for several).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Vec<String>,

    /// Show the N strongest suggestions.
    #[arg(short = 'n', long, value_name = "N", default_value = "20", value_parser = parse_top)]
    pub top: usize,

    /// Layers given as INPUT: read every listed technique, not only enabled ones scored above 0.
    #[arg(long)]
    pub layer_all: bool,
}

/// Arguments of `attck diff`.
#[derive(Debug, Args)]
#[command(after_help = "\
OLD and NEW are each a bundle file, or an ATT&CK version installed for --domain (a missing
version is downloaded unless offline). Objects are matched by STIX id, then by ATT&CK ID.
A field emptied, removed or introduced on a whole object type is reported once as a
data-model change, not as an edit of every object.

Examples:
  attck diff 17.1 18.1
  attck diff 17.1 18.1 -f markdown > CHANGES.md
  attck diff --domain ics 17.1 18.1 -f json
  attck diff old/enterprise-attack.json enterprise-attack-18.1.json
  attck diff 17.1 18.1 --for detections.txt     what in my mapping must change
  attck diff 17.1 18.1 --for ./sigma-rules -f markdown")]
pub struct DiffArgs {
    /// The older version (17.1) or bundle file.
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The newer version (18.1) or bundle file.
    #[arg(value_name = "NEW")]
    pub new: String,

    /// Limit the report to the techniques a file names, with what to do about each: text or
    /// CSV naming IDs, a Navigator layer (every listed technique), detection rules or a
    /// directory of them, or - for stdin.
    #[arg(long = "for", value_name = "FILE")]
    pub for_input: Option<Source>,
}

/// Arguments of `attck map`.
#[derive(Debug, Args)]
#[command(after_help = "\
IDs are found anywhere in the text: T1059, t1059.001, T1059/001, TA0002, G0016, S0002, C0024
(technique IDs in any case, the others in capitals). Revoked IDs are mapped to their
replacement; unknown IDs are listed as warnings on stderr.

With --names, exact technique, group and software names and aliases are found too, as whole
words and case-insensitively. A one-word name that is also an ordinary word of ATT&CK's own
prose (Phishing, Net, Mimikatz) is found only when capitalised as in ATT&CK; one written in
lower case there (at, route, cmd) is found only through its ID or other aliases (cmd.exe).
A name shared by several objects is not mapped (a warning names them).

Examples:
  attck map report.txt
  attck map report.txt --names -f json
  pbpaste | attck map - --names --layer report-layer.json")]
pub struct MapArgs {
    /// The text to read: a file, or - for stdin.
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub input: Source,

    /// Also find technique, group and software names and aliases.
    #[arg(long)]
    pub names: bool,

    /// Also write the techniques found as an ATT&CK Navigator layer to FILE.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub layer: Option<PathBuf>,
}

/// Arguments of `attck update`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  attck update                          the latest enterprise bundle
  attck update --domain all             the latest of all three domains
  attck update --attack-version 17.1    an older version, beside the newest
  attck update --list                   the versions published, and which are installed
  attck update --from enterprise-attack-18.1.json    install a file (air-gapped networks)")]
pub struct UpdateArgs {
    /// List the versions published per domain (from index.json) and which are installed.
    #[arg(long, conflicts_with = "from")]
    pub list: bool,

    /// Install this bundle file instead of downloading (for air-gapped networks).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub from: Option<PathBuf>,
}

/// `attck data` subcommands.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Print the data directory and which setting chose it.
    #[command(after_help = "\
Examples:
  attck data path
  attck data path --data-dir ./data/sample
  ATTCK_DATA_DIR=/srv/attck attck data path")]
    Path,
    /// List the installed bundles: domain, version, file, size, fetch date and age.
    #[command(after_help = "\
Examples:
  attck data status
  attck data status -f json")]
    Status,
    /// Remove installed bundles (all domains, or --domain).
    #[command(after_help = "\
Examples:
  attck data clear                   asks before removing every bundle
  attck data clear --domain ics --yes
  attck data clear --cache --yes     index caches only; bundles stay")]
    Clear(ClearArgs),
}

/// Arguments of `attck data clear`.
#[derive(Debug, Args)]
pub struct ClearArgs {
    /// Remove without asking (required when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,

    /// Remove the index caches only (in the cache directory); bundles stay.
    #[arg(long)]
    pub cache: bool,
}

/// Arguments of `attck completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Arguments of `attck matrix`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  attck matrix
  attck matrix --platform linux --subtechniques
  attck matrix --domain ics -f markdown
  attck matrix --subtechniques -f html > matrix.html")]
pub struct MatrixArgs {
    /// Keep techniques for this platform (case-insensitive; repeat for several).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Vec<String>,

    /// List sub-techniques under their parent technique.
    #[arg(long)]
    pub subtechniques: bool,
}

/// Arguments of `attck layer`.
#[derive(Debug, Args)]
#[command(
    after_help = "\
The selections combine: the layer holds every technique any of them names. Each technique
appears once per tactic it belongs to. Without --score, a technique's score is the number of
selections naming it, and the gradient colours it.

Examples:
  attck layer --group APT29 -o apt29.json
  attck layer --group G0016 --group APT28 --name \"APT29 + APT28\"
  attck layer --software \"Cobalt Strike\" --campaign C0024 --search \"credential dumping\"
  attck layer --ids detections.txt --ids old-layer.json --name \"Our rules\" --color '#8ec843'
  attck layer upgrade old-layer.json -o new-layer.json     a layer made for an older ATT&CK",
    args_conflicts_with_subcommands = true
)]
pub struct LayerArgs {
    /// Rewrite an existing layer instead (see `attck layer upgrade --help`).
    #[command(subcommand)]
    pub action: Option<LayerCommand>,

    /// Techniques this group uses directly: ID, name or alias (repeatable).
    #[arg(long, value_name = "GROUP")]
    pub group: Vec<String>,

    /// Techniques this software uses: ID, name or alias (repeatable).
    #[arg(long, value_name = "SOFTWARE")]
    pub software: Vec<String>,

    /// Techniques used in this campaign: ID, name or alias (repeatable).
    #[arg(long, value_name = "CAMPAIGN")]
    pub campaign: Vec<String>,

    /// Techniques this mitigation mitigates: ID or name (repeatable).
    #[arg(long, value_name = "MITIGATION")]
    pub mitigation: Vec<String>,

    /// Techniques matching these search words (repeat for several searches).
    #[arg(long, value_name = "WORDS")]
    pub search: Vec<String>,

    /// Techniques named in a file: text or CSV, a Navigator layer, detection rules or a
    /// directory of them, or - for stdin (repeat for several).
    #[arg(long, value_name = "FILE")]
    pub ids: Vec<Source>,

    /// Layers given to --ids: read every listed technique, not only enabled ones scored above 0.
    #[arg(long)]
    pub layer_all: bool,

    /// Keep techniques for this platform (also Navigator's platform filter; repeatable).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Vec<String>,

    /// The layer's name [default: the selections].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Score every technique with N [default: how many selections name it].
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = parse_score)]
    pub score: Option<f64>,

    /// Colour every technique (#rgb or #rrggbb) [default: by score, through the gradient].
    #[arg(long, value_name = "COLOR", value_parser = parse_color)]
    pub color: Option<ColorValue>,

    /// Write the layer to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `attck layer` subcommands.
#[derive(Debug, Subcommand)]
pub enum LayerCommand {
    /// Rewrite a layer made for an older ATT&CK version for a newer one.
    Upgrade(Box<LayerUpgradeArgs>),
}

/// Arguments of `attck layer upgrade`.
#[derive(Debug, Args)]
#[command(after_help = "\
The layer's versions.attack (17, or 17.1) says which installed version it was made for
(--from overrides it). Revoked techniques are replaced by their successors, keeping score,
colour, comment and metadata, with a comment saying what was replaced; deprecated and
removed techniques are dropped with a warning; renumbered sub-techniques get their new ID;
tactics are re-derived for techniques whose tactics changed; versions.attack is set.
Every other field of the layer is kept as it was. What changed goes to stderr.

Examples:
  attck layer upgrade old.json > new.json
  attck layer upgrade old.json --to 18.1 -o old.json")]
pub struct LayerUpgradeArgs {
    /// The layer to upgrade: a Navigator layer file, or - for stdin.
    #[arg(value_name = "LAYER")]
    pub layer: Source,

    /// The ATT&CK version to upgrade to [default: the newest installed].
    #[arg(long, value_name = "VERSION")]
    pub to: Option<Version>,

    /// The ATT&CK version the layer was made for [default: its versions.attack].
    #[arg(long, value_name = "VERSION")]
    pub from: Option<Version>,

    /// Write the upgraded layer to FILE instead of stdout (may be the layer itself).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `attck coverage`.
#[derive(Debug, Args)]
#[command(after_help = "\
Inputs are told apart by content: a Navigator layer (JSON); detection content of Sigma
(tags: attack.t1059), Elastic (TOML [[rule.threat]]), Splunk (tags: mitre_attack_id:), Microsoft
Sentinel (relevantTechniques:), MITRE CAR (coverage:) or Atomic Red Team (attack_technique:,
or the index.csv); otherwise text or CSV naming technique IDs anywhere. A directory is read as
rules: every *.yml, *.yaml and *.toml under it (files of no format are skipped, files that do
not parse are named with the reason, and the run goes on). - reads stdin.

Exit codes: 0 report printed, 1 coverage below --fail-under, 2 error.

Examples:
  attck coverage detections.txt
  attck coverage ./sigma-rules --against APT29 --layer gaps.json
  attck coverage detection-rules/rules --tests atomic-red-team/atomics -f html > cov.html
  attck coverage security_content/detections --by-rule
  attck coverage detections.txt --against threat-model-layer.json --subtechniques
  attck coverage rules/ -f json | jq '.rules[] | select(.rule_count > 3)'
  attck coverage rules/ --fail-under 60 --quiet -f json > coverage.json")]
pub struct CoverageArgs {
    /// Detections: text or CSV naming technique IDs, Navigator layers, rule files or
    /// directories of them (Sigma, Elastic, Splunk, Sentinel, CAR), or - for stdin.
    #[arg(value_name = "INPUT", required = true, num_args = 1..)]
    pub inputs: Vec<Source>,

    /// Atomic Red Team tests (an atomics directory, technique files or the index.csv):
    /// mark each technique detected, tested, both or neither (repeatable).
    #[arg(long, value_name = "ATOMICS")]
    pub tests: Vec<Source>,

    /// List each rule file with the techniques it names, instead of the report.
    #[arg(long)]
    pub by_rule: bool,

    /// Count sub-techniques (and techniques that have none) as the units, not techniques.
    #[arg(long)]
    pub subtechniques: bool,

    /// Layers: read every listed technique, not only enabled ones scored above 0.
    #[arg(long)]
    pub layer_all: bool,

    /// Measure only against what an adversary uses: a group, software or campaign (ID, name
    /// or alias: G0016, APT29, "Cozy Bear"), or a technique list or layer file.
    #[arg(long, value_name = "ADVERSARY|FILE")]
    pub against: Option<String>,

    /// Restrict the universe to techniques for this platform (repeatable).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Vec<String>,

    /// Also write the coverage as a Navigator layer: covered and gaps in two colours.
    #[arg(long, value_name = "FILE")]
    pub layer: Option<PathBuf>,

    /// Name of the layer written by --layer [default: the inputs].
    #[arg(long, value_name = "NAME", requires = "layer")]
    pub layer_name: Option<String>,

    /// Exit 1 when the total coverage is below PERCENT (for CI pipelines).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub fail_under: Option<f64>,

    /// Show at most N gaps.
    #[arg(short = 'n', long, value_name = "N")]
    pub limit: Option<usize>,
}

/// A `--color` value. The global `--color WHEN` and `layer --color COLOR` share one argument
/// (clap lets a subcommand's argument shadow a global one of the same id, and then passes
/// values between them), so they share one type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColorValue {
    /// When to colour terminal output.
    When(ColorArg),
    /// A technique colour for `layer`, as `#rrggbb`.
    Hex(String),
}

impl ColorValue {
    /// The terminal colour choice, if this is one.
    #[must_use]
    pub fn when(&self) -> Option<ColorArg> {
        match self {
            ColorValue::When(w) => Some(*w),
            ColorValue::Hex(_) => None,
        }
    }

    /// The technique colour, if this is one.
    #[must_use]
    pub fn hex(&self) -> Option<&str> {
        match self {
            ColorValue::Hex(h) => Some(h),
            ColorValue::When(_) => None,
        }
    }
}

fn when_parser() -> impl clap::builder::TypedValueParser<Value = ColorValue> {
    use clap::builder::TypedValueParser;
    clap::builder::EnumValueParser::<ColorArg>::new().map(ColorValue::When)
}

/// A colour as Navigator takes it: `#rgb` or `#rrggbb` (the `#` optional), as `#rrggbb`.
pub fn parse_color(s: &str) -> Result<ColorValue, String> {
    parse_hex(s).map(ColorValue::Hex)
}

fn parse_hex(s: &str) -> Result<String, String> {
    let h = s.trim().trim_start_matches('#');
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) || !(h.len() == 3 || h.len() == 6) {
        return Err(format!(
            "'{s}' is not a colour (expected #rgb or #rrggbb, such as #66b1ff)"
        ));
    }
    let h = h.to_ascii_lowercase();
    Ok(if h.len() == 3 {
        h.chars()
            .flat_map(|c| [c, c])
            .fold("#".to_string(), |mut a, c| {
                a.push(c);
                a
            })
    } else {
        format!("#{h}")
    })
}

/// A percentage from 0 to 100.
pub fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("'{s}' is not a percentage from 0 to 100")),
    }
}

/// A finite score.
pub fn parse_score(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(p) if p.is_finite() => Ok(p),
        _ => Err(format!("'{s}' is not a number")),
    }
}

/// Arguments of `attck technique`.
#[derive(Debug, Args)]
#[command(after_help = "\
To look a technique up by name, use `attck search WORDS` or `attck show NAME`.

Examples:
  attck technique T1059
  attck technique t1059.001 --procedures
  attck technique T1003 -f json
  attck technique T1059 --attack-version 17.1")]
pub struct TechniqueArgs {
    /// Technique ID: T1059, t1059, T1059.001 or T1059/001.
    #[arg(value_name = "ID")]
    pub id: TechniqueId,

    /// Show procedure examples (how groups, software and campaigns used it) in the table
    /// (also with the global -v / --verbose).
    #[arg(long)]
    pub procedures: bool,
}

/// Arguments of `attck show`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  attck show APT29
  attck show Cozy Bear                  several words are one name
  attck show S0002 --procedures
  attck show Mimikatz --type software   when a name is shared by several types
  attck show G0016 --domain all         look in every installed domain")]
pub struct ShowArgs {
    /// ATT&CK ID, name or alias: T1059, G0016, APT29, "Cozy Bear", S0002, DET0516, AN0001.
    /// Several words are joined with spaces.
    #[arg(value_name = "ID|NAME", required = true, num_args = 1..)]
    pub key: Vec<String>,

    /// Only look at objects of this type (for names shared by several types).
    #[arg(short = 't', long = "type", value_enum, value_name = "TYPE")]
    pub kind: Option<KindArg>,

    /// Show procedure examples (techniques, groups, software, campaigns) in the table
    /// (also with the global -v / --verbose).
    #[arg(long)]
    pub procedures: bool,
}

/// Arguments of `attck list`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  attck list groups
  attck list techniques --tactic persistence --platform linux
  attck list techniques --group APT29 --subtechniques only
  attck list techniques --software Mimikatz -f csv
  attck list mitigations -f json")]
pub struct ListArgs {
    /// What to list.
    #[arg(value_enum, value_name = "TYPE")]
    pub kind: ListKindArg,

    /// Techniques: keep those in this tactic (ID, shortname or name).
    #[arg(long, value_name = "TACTIC")]
    pub tactic: Option<String>,

    /// Techniques: keep those for this platform (case-insensitive; repeat for several).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Vec<String>,

    /// Techniques: keep those this group uses directly (ID, name or alias).
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,

    /// Techniques: keep those this software uses (ID, name or alias).
    #[arg(long, value_name = "SOFTWARE")]
    pub software: Option<String>,

    /// Techniques: keep those used in this campaign (ID, name or alias).
    #[arg(long, value_name = "CAMPAIGN")]
    pub campaign: Option<String>,

    /// Techniques: keep those this mitigation mitigates (ID or name).
    #[arg(long, value_name = "MITIGATION")]
    pub mitigation: Option<String>,

    /// Techniques: keep those a component of this data source helps detect (ID or name).
    #[arg(long, value_name = "DATA_SOURCE")]
    pub data_source: Option<String>,

    /// Techniques: keep those this data component helps detect (ID or name).
    #[arg(long, value_name = "DATA_COMPONENT")]
    pub data_component: Option<String>,

    /// Techniques: include sub-techniques (the default), exclude them, or list only them.
    #[arg(long, value_enum, value_name = "MODE")]
    pub subtechniques: Option<SubtechniquesArg>,
}

/// Arguments of `attck detects`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  attck detects WinEventLog:Security --channel 4688
  attck detects auditd:SYSCALL
  attck detects Process Creation            a data component, by name
  attck detects DC0032 -f csv")]
pub struct DetectsArgs {
    /// A log source name (WinEventLog:Security, auditd:SYSCALL) or a data component (ID or
    /// name: DC0032, "Process Creation"). Several words are joined with spaces.
    #[arg(value_name = "SOURCE", required = true, num_args = 1..)]
    pub source: Vec<String>,

    /// Keep log sources whose channel holds these words (4688, "EventCode=4688").
    #[arg(long, value_name = "WORDS")]
    pub channel: Option<String>,
}

/// An object type, for `show --type` and `search --type`: one kind, or `all` (`None`). The
/// values and their help come from the model's kind table, [`KINDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindArg(pub Option<Kind>);

/// Every `--type` value: each kind in listing order, then `all`.
static KIND_ARGS: [KindArg; Kind::ALL.len() + 1] = {
    let mut v = [KindArg(None); Kind::ALL.len() + 1];
    let mut i = 0;
    while i < Kind::ALL.len() {
        v[i] = KindArg(Some(Kind::ALL[i]));
        i += 1;
    }
    v
};

impl ValueEnum for KindArg {
    fn value_variants<'a>() -> &'a [Self] {
        &KIND_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self.0 {
            Some(k) => PossibleValue::new(k.name()).help(k.info().help),
            None => PossibleValue::new("all").help("Every type"),
        })
    }
}

/// An `attck list` type: a kind that has a list (its `list` value in [`KINDS`], with the
/// singular as an alias).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListKindArg(pub Kind);

/// Every `attck list` value, in listing order.
static LIST_KIND_ARGS: [ListKindArg; listed_kinds()] = {
    let mut v = [ListKindArg(Kind::Technique); listed_kinds()];
    let (mut i, mut n) = (0, 0);
    while i < Kind::ALL.len() {
        if Kind::ALL[i].info().list.is_some() {
            v[n] = ListKindArg(Kind::ALL[i]);
            n += 1;
        }
        i += 1;
    }
    v
};

/// How many kinds have a list.
const fn listed_kinds() -> usize {
    let (mut i, mut n) = (0, 0);
    while i < KINDS.len() {
        if KINDS[i].list.is_some() {
            n += 1;
        }
        i += 1;
    }
    n
}

impl ValueEnum for ListKindArg {
    fn value_variants<'a>() -> &'a [Self] {
        &LIST_KIND_ARGS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let info = self.0.info();
        let value = PossibleValue::new(info.list?).help(info.help);
        Some(if info.list == Some(info.name) {
            value
        } else {
            value.alias(info.name)
        })
    }
}

/// `--subtechniques` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SubtechniquesArg {
    /// Techniques and sub-techniques.
    Include,
    /// Techniques only.
    Exclude,
    /// Sub-techniques only.
    Only,
}

/// Arguments of `attck tactic`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  attck tactic execution
  attck tactic TA0003 --no-subtechniques
  attck tactic \"Defense Evasion\" --platform linux
  attck tactic collection --domain mobile -f markdown")]
pub struct TacticArgs {
    /// Tactic ID, shortname or name: TA0002, execution, Execution, "Defense Evasion".
    #[arg(value_name = "TACTIC")]
    pub tactic: String,

    /// Leave sub-techniques out.
    #[arg(long)]
    pub no_subtechniques: bool,

    /// Keep techniques for this platform (case-insensitive; repeat for several).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Vec<String>,
}

/// Arguments of `attck search`.
#[derive(Debug, Args)]
#[command(after_help = "\
Every word must occur in the name, the description or the text ATT&CK links to a technique
(its procedure examples, the groups, software and campaigns that use it, its detection
strategies and analytics), as a whole word or the start of one. Names rank first: a name
that is the query, then one holding it as a phrase, then one holding every word; then BM25
over the description, and over the linked text at lower weight.

Examples:
  attck search powershell
  attck search process injection -n 5
  attck search mimikatz                     found through procedure examples too
  attck search '\"lateral movement\"' smb     a quoted phrase and a word
  attck search container --tactic execution --platform linux
  attck search --type procedure temp -n 20  procedure examples naming %TEMP%
  attck search --type all sandworm          every type, ordered by one score
  attck search powershell -f json | jq '.[].id'")]
pub struct SearchArgs {
    /// Words that must all occur (whole word or word start); "quoted words" form a phrase.
    #[arg(value_name = "WORD", required = true, num_args = 1..)]
    pub words: Vec<String>,

    /// Show at most N hits.
    #[arg(short = 'n', long, value_name = "N")]
    pub limit: Option<usize>,

    /// Keep techniques in this tactic (ID, shortname or name).
    #[arg(long, value_name = "TACTIC")]
    pub tactic: Option<String>,

    /// Keep techniques for this platform (case-insensitive; repeat for several).
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Vec<String>,

    /// What to search: techniques (the default), procedure examples, another type, or all.
    #[arg(short = 't', long = "type", value_enum, value_name = "TYPE")]
    pub kind: Option<SearchType>,
}

/// `search --type` values: an object type (as `show --type`), or procedure examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchType {
    /// One object type, or all of them.
    Kind(KindArg),
    /// Procedure examples: the `uses` descriptions of groups, software and campaigns.
    Procedure,
}

/// Every `search --type` value: `technique`, `procedure`, the other kinds, then `all`.
static SEARCH_TYPES: [SearchType; Kind::ALL.len() + 2] = {
    let mut v = [SearchType::Procedure; Kind::ALL.len() + 2];
    let (mut i, mut n) = (0, 0);
    while i < Kind::ALL.len() {
        v[n] = SearchType::Kind(KindArg(Some(Kind::ALL[i])));
        n += 1;
        if i == 0 {
            // Kind::ALL starts with techniques; procedure examples follow them.
            n += 1;
        }
        i += 1;
    }
    v[n] = SearchType::Kind(KindArg(None));
    v
};

impl ValueEnum for SearchType {
    fn value_variants<'a>() -> &'a [Self] {
        &SEARCH_TYPES
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        match self {
            SearchType::Kind(k) => k.to_possible_value(),
            SearchType::Procedure => Some(
                PossibleValue::new("procedure")
                    .help("Procedure examples: how groups, software and campaigns use techniques"),
            ),
        }
    }
}

/// `--domain` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DomainArg {
    /// Enterprise ATT&CK (the default).
    Enterprise,
    /// Mobile ATT&CK.
    Mobile,
    /// ATT&CK for ICS.
    Ics,
    /// All three domains (`show`, `update` and `data`).
    All,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A table (the default), fitted to the terminal.
    Table,
    /// Pretty-printed JSON (the documented contract).
    Json,
    /// JSON Lines: one list element per line.
    Jsonl,
    /// CSV with a header row; lists joined with ';'.
    Csv,
    /// A GitHub Markdown table.
    Markdown,
    /// One self-contained HTML page (a matrix or heat map for `matrix` and `coverage`).
    Html,
    /// Plain lines: `path:line:col: kind: message` for `lint`; other commands print their
    /// table.
    Text,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when the stream is a terminal and `NO_COLOR` is unset (the default).
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn globals_work_after_the_subcommand() {
        let c = Cli::try_parse_from(["attck", "tactics", "--domain", "ics", "-f", "json"]).unwrap();
        assert_eq!(c.global.domain, Some(DomainArg::Ics));
        assert_eq!(c.global.format, Some(FormatArg::Json));
    }

    #[test]
    fn colours_percentages_and_scores_parse_at_the_edge() {
        assert_eq!(parse_hex("#66B1FF").unwrap(), "#66b1ff");
        assert_eq!(parse_hex("abc").unwrap(), "#aabbcc");
        for bad in ["red", "#12345", "#gggggg", "", "never"] {
            assert!(parse_hex(bad).is_err(), "{bad}");
        }
        assert!((parse_percent("42.5%").unwrap() - 42.5).abs() < 1e-9);
        for bad in ["101", "-1", "x", "NaN"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
        assert!((parse_score("-2").unwrap() + 2.0).abs() < 1e-9);
        assert!(parse_score("inf").is_err());
        let c = Cli::try_parse_from(["attck", "layer", "--score", "-1", "--search", "x"]).unwrap();
        let Command::Layer(a) = c.command else {
            panic!("not layer")
        };
        assert!(a.score.is_some_and(|s| (s + 1.0).abs() < 1e-9));
        assert!(Cli::try_parse_from(["attck", "coverage"]).is_err());
    }

    #[test]
    fn layer_color_and_global_color_share_the_flag() {
        let c =
            Cli::try_parse_from(["attck", "layer", "--search", "x", "--color", "#F0F"]).unwrap();
        let Command::Layer(a) = &c.command else {
            panic!("not layer")
        };
        assert_eq!(a.color.as_ref().and_then(ColorValue::hex), Some("#ff00ff"));
        assert_eq!(c.global.color.as_ref().and_then(ColorValue::when), None);
        let c =
            Cli::try_parse_from(["attck", "--color", "never", "layer", "--search", "x"]).unwrap();
        assert_eq!(
            c.global.color.as_ref().and_then(ColorValue::when),
            Some(ColorArg::Never)
        );
        let Command::Layer(a) = &c.command else {
            panic!("not layer")
        };
        assert_eq!(a.color.as_ref().and_then(ColorValue::hex), None);
        let c = Cli::try_parse_from(["attck", "tactics", "--color", "always"]).unwrap();
        assert_eq!(
            c.global.color.as_ref().and_then(ColorValue::when),
            Some(ColorArg::Always)
        );
        assert!(Cli::try_parse_from(["attck", "tactics", "--color", "#fff"]).is_err());
        assert!(
            Cli::try_parse_from(["attck", "layer", "--search", "x", "--color", "never"]).is_err()
        );
    }

    #[test]
    fn malformed_ids_are_usage_errors() {
        let e = Cli::try_parse_from(["attck", "technique", "T10x9"]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::ValueValidation);
    }
}
