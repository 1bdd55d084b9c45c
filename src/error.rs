//! Outcomes the program branches on: they decide the exit code.

use std::path::PathBuf;

use crate::ids::Domain;

/// An error whose kind matters to the caller (exit code, wording).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The query ran and found nothing: exit 1.
    #[error("{0}")]
    NotFound(String),
    /// No bundle for the domain (and version) in the data directory: exit 2.
    #[error(
        "no {domain}{} bundle in {}{}; run `attck update{}` or point --data-dir / ATTCK_DATA_DIR at a directory of ATT&CK bundles (or use --bundle FILE)",
        version.as_ref().map(|v| format!(" {v}")).unwrap_or_default(),
        dir.display(),
        if installed.is_empty() { String::new() } else { format!(" (installed versions: {})", installed.join(", ")) },
        domain_flag(*domain, version.as_deref()),
    )]
    NoData {
        /// The domain asked for.
        domain: Domain,
        /// The version asked for, if any.
        version: Option<String>,
        /// The directory searched.
        dir: PathBuf,
        /// Versions present for that domain.
        installed: Vec<String>,
    },
}

fn domain_flag(domain: Domain, version: Option<&str>) -> String {
    let mut s = String::new();
    if domain != Domain::Enterprise {
        s.push_str(" --domain ");
        s.push_str(domain.short_name());
    }
    if let Some(v) = version {
        s.push_str(" --attack-version ");
        s.push_str(v);
    }
    s
}

impl Error {
    /// The process exit code for this outcome.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::NotFound(_) => 1,
            Error::NoData { .. } => 2,
        }
    }
}
