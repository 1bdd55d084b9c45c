//! Resolves the command line and the environment into [`Settings`], once, before any work.
//! This is the only module that reads environment variables.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Result, anyhow};

use crate::cli::{ColorArg, ColorValue, DomainArg, FormatArg, GlobalArgs};
use crate::model::{Domain, Version, Visibility};
use crate::render::{self, Format};

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
    /// The domain asked for (enterprise by default).
    pub domain: Domain,
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

/// Resolves the global arguments and the environment.
pub fn resolve(args: &GlobalArgs, env: &dyn Env) -> Result<Settings> {
    let (data_dir, data_dir_origin) = data_dir(args, env)?;
    let format = match args.format.unwrap_or(FormatArg::Table) {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Csv => Format::Csv,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
    };
    let stdout_tty = std::io::stdout().is_terminal();
    // `layer --color` shares the flag; a technique colour says nothing about the terminal.
    let width = if stdout_tty {
        terminal_size::terminal_size()
            .map(|(w, _)| usize::from(w.0))
            .filter(|&w| w >= 20)
    } else {
        None
    };
    Ok(Settings {
        bundle: args.bundle.clone(),
        data_dir,
        data_dir_origin,
        domain: match args.domain.unwrap_or(DomainArg::Enterprise) {
            DomainArg::Enterprise => Domain::Enterprise,
            DomainArg::Mobile => Domain::Mobile,
            DomainArg::Ics => Domain::Ics,
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
    })
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
    fn no_color_is_respected() {
        let env = MapEnv(HashMap::from([("NO_COLOR", "1")]));
        assert!(!color(None, true, &env));
        assert!(color(Some(ColorArg::Always), false, &env));
        let empty = MapEnv(HashMap::from([("NO_COLOR", "")]));
        assert!(color(None, true, &empty));
        assert!(!color(None, false, &empty));
    }
}
