//! Resolves the command line and the environment into [`Settings`], once, before any work.
//! This is the only module that reads environment variables.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};

use crate::cli::{ColorArg, ColorValue, DomainArg, FormatArg, GlobalArgs};
use crate::ids::{Domain, Version};
use crate::model::Visibility;
use crate::render::{self, Format};
use crate::store::download::HttpConfig;
use crate::store::update::{DEFAULT_SOURCE, Source};

/// Which setting chose the data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--data-dir`.
    Flag,
    /// `ATTCK_DATA_DIR`.
    Env,
    /// The OS cache directory.
    Default,
}

impl Origin {
    /// The origin as a stable key: `flag`, `env` or `default`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Origin::Flag => "flag",
            Origin::Env => "env",
            Origin::Default => "default",
        }
    }

    /// How the origin is described to users.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Flag => "--data-dir",
            Origin::Env => "ATTCK_DATA_DIR",
            Origin::Default => "default (OS cache directory)",
        }
    }
}

/// Everything a command needs to know about how it was asked to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// An explicit bundle file (`--bundle`), which overrides the data directory.
    pub bundle: Option<PathBuf>,
    /// The data directory.
    pub data_dir: PathBuf,
    /// Which setting chose the data directory.
    pub data_dir_origin: Origin,
    /// The domain asked for (enterprise by default, and for `--domain all`).
    pub domain: Domain,
    /// The domains `--domain` named (all three for `all`); empty when it was not given.
    pub domains: Vec<Domain>,
    /// The ATT&CK version asked for, if any.
    pub attack_version: Option<Version>,
    /// Output format and styling for stdout.
    pub render: render::Options,
    /// Colour on stderr.
    pub color_stderr: bool,
    /// Revoked / deprecated objects shown in lists.
    pub visibility: Visibility,
    /// No progress, warnings or hints on stderr.
    pub quiet: bool,
    /// Never download (`--offline`, `ATTCK_OFFLINE=1`).
    pub offline: bool,
    /// Where bundles are downloaded from (`--source-url`, `ATTCK_SOURCE_URL`, MITRE).
    pub source: Source,
    /// Timeouts and retries of downloads (`ATTCK_HTTP_TIMEOUT_SECS`, for tests).
    pub http: HttpConfig,
    /// stderr is a terminal (progress bars).
    pub stderr_tty: bool,
    /// stdin is a terminal (confirmation prompts).
    pub stdin_tty: bool,
    /// Where index caches go (`--cache-dir`, `ATTCK_CACHE_DIR`, the OS cache directory).
    pub cache_dir: PathBuf,
    /// Which setting chose the cache directory.
    pub cache_dir_origin: Origin,
    /// Parse bundles, never read or write caches (`--no-cache`).
    pub no_cache: bool,
    /// More detail (`-v`, `--verbose`).
    pub verbose: bool,
}

/// Where environment variables come from (the process, or a map in tests).
pub trait Env {
    /// The variable's value, if set.
    fn var(&self, key: &str) -> Option<OsString>;
}

/// The process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, key: &str) -> Option<OsString> {
        std::env::var_os(key)
    }
}

fn default_data_dir(env: &dyn Env) -> Result<PathBuf> {
    use etcetera::BaseStrategy;
    if let Some(x) = env.var("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(x);
        if p.is_absolute() {
            return Ok(p.join("attck"));
        }
    }
    let base = etcetera::choose_base_strategy().map_err(|e| {
        anyhow!("cannot find the OS cache directory ({e}); use --data-dir or ATTCK_DATA_DIR")
    })?;
    Ok(base.cache_dir().join("attck"))
}

/// Resolves the data directory alone (for commands that only need paths).
pub fn data_dir(args: &GlobalArgs, env: &dyn Env) -> Result<(PathBuf, Origin)> {
    if let Some(d) = &args.data_dir {
        return Ok((d.clone(), Origin::Flag));
    }
    if let Some(d) = env.var("ATTCK_DATA_DIR").filter(|v| !v.is_empty()) {
        return Ok((PathBuf::from(d), Origin::Env));
    }
    Ok((default_data_dir(env)?, Origin::Default))
}

fn color(choice: Option<ColorArg>, is_tty: bool, env: &dyn Env) -> bool {
    match choice.unwrap_or(ColorArg::Auto) {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => is_tty && env.var("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

fn source(args: &GlobalArgs, env: &dyn Env) -> Result<Source> {
    let (url, from) = match (&args.source_url, env.var("ATTCK_SOURCE_URL")) {
        (Some(u), _) => (u.clone(), "--source-url"),
        (None, Some(u)) if !u.is_empty() => (u.to_string_lossy().into_owned(), "ATTCK_SOURCE_URL"),
        _ => return Ok(Source::new(DEFAULT_SOURCE)),
    };
    match reqwest::Url::parse(&url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Ok(Source::new(&url))
        }
        _ => bail!("{from} '{url}' is not an http:// or https:// URL"),
    }
}

fn flag_env(env: &dyn Env, key: &str) -> Result<bool> {
    let Some(v) = env.var(key) else {
        return Ok(false);
    };
    match v.to_string_lossy().trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "off" => Ok(false),
        "1" | "true" | "yes" | "on" => Ok(true),
        other => bail!("{key}='{other}' is not 1 or 0"),
    }
}

fn http(env: &dyn Env) -> Result<HttpConfig> {
    let mut c = HttpConfig::default();
    if let Some(v) = env.var("ATTCK_HTTP_TIMEOUT_SECS").filter(|v| !v.is_empty()) {
        let v = v.to_string_lossy();
        let secs: f64 = v
            .trim()
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 3600.0)
            .ok_or_else(|| {
                anyhow!(
                    "ATTCK_HTTP_TIMEOUT_SECS='{v}' is not a number of seconds above 0 and at most 3600"
                )
            })?;
        c.read_timeout = Duration::from_secs_f64(secs);
        c.connect_timeout = c.connect_timeout.min(c.read_timeout);
        // A short timeout is a test's: keep its retries quick too.
        c.backoff = c.backoff.min(c.read_timeout / 4);
    }
    // Hidden, for tests: a lower size cap lets them send "too large" bodies cheaply.
    if let Some(v) = env
        .var("ATTCK_MAX_DOWNLOAD_BYTES")
        .filter(|v| !v.is_empty())
    {
        let v = v.to_string_lossy();
        c.max_bytes = v
            .trim()
            .parse()
            .ok()
            .filter(|&n: &u64| n > 0)
            .ok_or_else(|| {
                anyhow!("ATTCK_MAX_DOWNLOAD_BYTES='{v}' is not a positive number of bytes")
            })?;
    }
    Ok(c)
}

/// The width tables are fitted to: an exported `COLUMNS` (20 or more) wherever stdout goes,
/// else the terminal's width when stdout is one; `None` (nothing wrapped or left out) when
/// piped.
fn table_width(env: &dyn Env, stdout_tty: bool) -> Option<usize> {
    let columns = env
        .var("COLUMNS")
        .and_then(|v| v.to_string_lossy().trim().parse::<usize>().ok())
        .filter(|&w| w >= 20);
    columns.or_else(|| {
        stdout_tty
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(w, _)| usize::from(w.0))
            .filter(|&w| w >= 20)
    })
}

/// Resolves the global arguments and the environment.
pub fn resolve(args: &GlobalArgs, env: &dyn Env) -> Result<Settings> {
    let (data_dir, data_dir_origin) = data_dir(args, env)?;
    let (cache_dir, cache_dir_origin) = cache_dir(args, env)?;
    let format = match args.format.unwrap_or(FormatArg::Table) {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Csv => Format::Csv,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
        FormatArg::Text => Format::Text,
    };
    let stdout_tty = std::io::stdout().is_terminal();
    // `layer --color` shares the flag; a technique colour says nothing about the terminal.
    let width = table_width(env, stdout_tty);
    Ok(Settings {
        bundle: args.bundle.clone(),
        data_dir,
        data_dir_origin,
        domain: match args.domain.unwrap_or(DomainArg::Enterprise) {
            DomainArg::Enterprise | DomainArg::All => Domain::Enterprise,
            DomainArg::Mobile => Domain::Mobile,
            DomainArg::Ics => Domain::Ics,
        },
        domains: match args.domain {
            None => Vec::new(),
            Some(DomainArg::Enterprise) => vec![Domain::Enterprise],
            Some(DomainArg::Mobile) => vec![Domain::Mobile],
            Some(DomainArg::Ics) => vec![Domain::Ics],
            Some(DomainArg::All) => Domain::ALL.to_vec(),
        },
        attack_version: args.attack_version.clone(),
        render: render::Options {
            format,
            color: matches!(format, Format::Table | Format::Markdown | Format::Csv)
                && color(
                    args.color.as_ref().and_then(ColorValue::when),
                    stdout_tty,
                    env,
                ),
            width,
            procedures: args.verbose,
        },
        color_stderr: color(
            args.color.as_ref().and_then(ColorValue::when),
            std::io::stderr().is_terminal(),
            env,
        ),
        visibility: Visibility {
            include_revoked: args.include_revoked,
            include_deprecated: args.include_deprecated,
        },
        quiet: args.quiet,
        offline: args.offline || flag_env(env, "ATTCK_OFFLINE")?,
        source: source(args, env)?,
        http: http(env)?,
        stderr_tty: std::io::stderr().is_terminal(),
        stdin_tty: std::io::stdin().is_terminal(),
        cache_dir,
        cache_dir_origin,
        no_cache: args.no_cache,
        verbose: args.verbose,
    })
}

/// Resolves the cache directory: `--cache-dir` > `ATTCK_CACHE_DIR` > `<OS cache dir>/attck/index`.
pub fn cache_dir(args: &GlobalArgs, env: &dyn Env) -> Result<(PathBuf, Origin)> {
    if let Some(d) = &args.cache_dir {
        return Ok((d.clone(), Origin::Flag));
    }
    if let Some(d) = env.var("ATTCK_CACHE_DIR").filter(|v| !v.is_empty()) {
        return Ok((PathBuf::from(d), Origin::Env));
    }
    Ok((default_data_dir(env)?.join("index"), Origin::Default))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct MapEnv(HashMap<&'static str, &'static str>);
    impl Env for MapEnv {
        fn var(&self, key: &str) -> Option<OsString> {
            self.0.get(key).map(OsString::from)
        }
    }

    fn args(extra: &[&str]) -> GlobalArgs {
        use clap::Parser;
        let mut v = vec!["attck"];
        v.extend_from_slice(extra);
        v.push("tactics");
        crate::cli::Cli::parse_from(v).global
    }

    #[test]
    fn data_dir_precedence() {
        let env = MapEnv(HashMap::from([
            ("ATTCK_DATA_DIR", "/env"),
            ("XDG_CACHE_HOME", "/xdg"),
        ]));
        assert_eq!(
            data_dir(&args(&["--data-dir", "/flag"]), &env).unwrap(),
            (PathBuf::from("/flag"), Origin::Flag)
        );
        assert_eq!(
            data_dir(&args(&[]), &env).unwrap(),
            (PathBuf::from("/env"), Origin::Env)
        );
        let env = MapEnv(HashMap::from([("XDG_CACHE_HOME", "/xdg")]));
        assert_eq!(
            data_dir(&args(&[]), &env).unwrap(),
            (PathBuf::from("/xdg/attck"), Origin::Default)
        );
    }

    #[test]
    fn source_offline_and_timeout_resolve() {
        let env = MapEnv(HashMap::from([
            ("ATTCK_SOURCE_URL", "http://127.0.0.1:9/m/"),
            ("ATTCK_OFFLINE", "1"),
            ("ATTCK_HTTP_TIMEOUT_SECS", "0.5"),
        ]));
        let s = resolve(&args(&[]), &env).unwrap();
        assert_eq!(s.source.base(), "http://127.0.0.1:9/m");
        assert!(s.offline);
        assert_eq!(s.http.read_timeout, Duration::from_millis(500));
        assert_eq!(s.http.max_bytes, crate::store::download::MAX_BYTES);
        let capped = MapEnv(HashMap::from([("ATTCK_MAX_DOWNLOAD_BYTES", "1000")]));
        assert_eq!(resolve(&args(&[]), &capped).unwrap().http.max_bytes, 1000);
        let s = resolve(&args(&["--source-url", "https://mirror.example/a"]), &env).unwrap();
        assert_eq!(s.source.base(), "https://mirror.example/a");
        let s = resolve(&args(&[]), &MapEnv(HashMap::new())).unwrap();
        assert_eq!(s.source.base(), DEFAULT_SOURCE);
        assert!(!s.offline);
        for (k, v) in [
            ("ATTCK_SOURCE_URL", "ftp://x"),
            ("ATTCK_OFFLINE", "maybe"),
            ("ATTCK_HTTP_TIMEOUT_SECS", "-1"),
            ("ATTCK_MAX_DOWNLOAD_BYTES", "0"),
            ("ATTCK_MAX_DOWNLOAD_BYTES", "1e6"),
        ] {
            let e = resolve(&args(&[]), &MapEnv(HashMap::from([(k, v)]))).unwrap_err();
            assert!(e.to_string().contains(k), "{e}");
        }
        // The message says what is accepted: 0 is not.
        for v in ["0", "0.0", "3600.5", "nan"] {
            let e = resolve(
                &args(&[]),
                &MapEnv(HashMap::from([("ATTCK_HTTP_TIMEOUT_SECS", v)])),
            )
            .unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "ATTCK_HTTP_TIMEOUT_SECS='{v}' is not a number of seconds above 0 and at most 3600"
                )
            );
        }
        let at_most = MapEnv(HashMap::from([("ATTCK_HTTP_TIMEOUT_SECS", "3600")]));
        assert_eq!(
            resolve(&args(&[]), &at_most).unwrap().http.read_timeout,
            Duration::from_secs(3600)
        );
        let e = resolve(
            &args(&["--source-url", "not a url"]),
            &MapEnv(HashMap::new()),
        );
        assert!(e.unwrap_err().to_string().contains("--source-url"));
    }

    #[test]
    fn no_color_is_respected() {
        let env = MapEnv(HashMap::from([("NO_COLOR", "1")]));
        assert!(!color(None, true, &env));
        assert!(color(Some(ColorArg::Always), false, &env));
        let empty = MapEnv(HashMap::from([("NO_COLOR", "")]));
        assert!(color(None, true, &empty));
        assert!(!color(None, false, &empty));
    }
}
