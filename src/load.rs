//! Loading: finds the bundle the settings point at (downloading it on first use), opens it
//! through its index cache or parses it, and hands the model a way to read it again should a
//! cache section turn out damaged. Downloads and installs are driven from here too, with
//! their progress on stderr and the check that bytes are an ATT&CK bundle.
//!
//! These are methods of [`Ctx`] so every command loads the same way and loading notes go
//! through `Ctx::warn` / `Ctx::note`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::commands::Ctx;
use crate::commands::data::views::human_bytes;
use crate::error::Error;
use crate::ids::{Domain, Version};
use crate::model::KnowledgeBase;
use crate::model::cache_format::{self, Fallback};
use crate::store;
use crate::store::cache_file;
use crate::store::download::{Client, Progress};
use crate::store::update::{Installed, Validated};

impl Ctx<'_> {
    /// Finds and loads the knowledge base the settings point at, printing load warnings.
    /// With no data for the domain, downloads the latest bundle first unless offline.
    /// `--domain all` is refused: the command works on one domain.
    ///
    /// The knowledge base lives for the rest of the process (it is leaked): it is immutable,
    /// and not tearing down tens of thousands of objects at exit saves a lookup ~10% of its time.
    pub fn knowledge_base(&mut self) -> Result<&'static KnowledgeBase> {
        let version = self.settings.attack_version.clone();
        self.knowledge_base_at(version.as_ref())
    }

    /// [`Self::knowledge_base`] for a given ATT&CK version (`None`: the newest installed)
    /// instead of the settings' one.
    pub fn knowledge_base_at(
        &mut self,
        version: Option<&Version>,
    ) -> Result<&'static KnowledgeBase> {
        self.knowledge_base_in(self.settings.domain, version)
    }

    /// [`Self::knowledge_base`] for a given domain and ATT&CK version (`None`: the newest
    /// installed) instead of the settings' ones.
    pub fn knowledge_base_in(
        &mut self,
        domain: Domain,
        version: Option<&Version>,
    ) -> Result<&'static KnowledgeBase> {
        let s = self.settings;
        if s.bundle.is_none() && s.domains.len() > 1 {
            bail!(
                "--domain all works with `show`, `update` and `data` only; name one domain (enterprise, mobile or ics)"
            );
        }
        let path = match &s.bundle {
            Some(p) => p.clone(),
            None => match store::find_bundle(&s.data_dir, domain, version) {
                Ok(b) => b.path,
                Err(e)
                    if e.downcast_ref::<Error>()
                        .is_some_and(|e| matches!(e, Error::NoData { .. })) =>
                {
                    if s.offline {
                        return Err(e.context(
                            "offline (--offline or ATTCK_OFFLINE=1), so nothing is downloaded",
                        ));
                    }
                    let what =
                        version.map_or_else(|| "the latest".to_string(), |v| format!("ATT&CK {v}"));
                    let url = match version {
                        Some(v) => s.source.version_url(domain, v),
                        None => s.source.latest_url(domain),
                    };
                    self.note(&format!(
                        "no {} data in {}; downloading {what} from {url}",
                        domain,
                        s.data_dir.display()
                    ))?;
                    match self.download_at(domain, version)? {
                        Installed::New { path, .. } | Installed::UpToDate { path, .. } => path,
                    }
                }
                Err(e) => return Err(e),
            },
        };
        let kb = self.open_bundle(&path, Some(domain))?;
        for w in &kb.warnings {
            self.warn(w)?;
        }
        Ok(Box::leak(Box::new(kb)))
    }

    /// With `--verbose`, what a parse of the bundle skipped: dangling references and duplicate
    /// STIX ids. Said when the bundle is parsed, like the note about building the cache, so a
    /// warm cache keeps `-v` quiet.
    fn load_notes(&mut self, kb: &KnowledgeBase) -> Result<()> {
        if !self.settings.verbose {
            return Ok(());
        }
        let s = &kb.stats;
        if s.dangling_refs > 0 {
            self.note(&format!(
                "{}: {} reference(s) point at objects not in the bundle; ignored",
                kb.source.display(),
                s.dangling_refs
            ))?;
        }
        if s.duplicates > 0 {
            self.note(&format!(
                "{}: {} object(s) repeat a STIX id; kept the most recently modified of each",
                kb.source.display(),
                s.duplicates
            ))?;
        }
        Ok(())
    }

    /// Loads a bundle through its index cache: a fresh cache answers in milliseconds; a
    /// missing, stale or damaged one is rebuilt from the bundle (a note with `--verbose`).
    /// A cache that cannot be written costs one warning, never the answer.
    pub fn open_bundle(&mut self, path: &Path, expected: Option<Domain>) -> Result<KnowledgeBase> {
        let s = self.settings;
        let id = if s.no_cache {
            None
        } else {
            cache_file::identify(path)
        };
        let Some(id) = id else {
            let kb = parse_bundle(path, expected)?;
            self.load_notes(&kb)?;
            return Ok(kb);
        };
        let file = cache_file::path_for(&s.cache_dir, &id);
        match cache_file::map_for_process(&file)
            .map(|bytes| cache_format::decode(bytes, &id, reread(&id, file.clone())))
        {
            Some(Ok(kb)) => return Ok(kb),
            Some(Err(why)) if s.verbose => {
                self.note(&format!(
                    "index cache {} is {why}; rebuilding it",
                    file.display()
                ))?;
            }
            None if s.verbose => {
                self.note(&format!(
                    "no index cache for {} yet; building {}",
                    path.display(),
                    file.display()
                ))?;
            }
            _ => {}
        }
        let bytes = store::read_bundle_bytes(path)?;
        let kb = KnowledgeBase::from_bytes(&bytes, path, expected)?;
        self.load_notes(&kb)?;
        // A bundle that changed while it was read (rewritten in place) may have given a mix of
        // old and new bytes: answer from them if they parsed, but never cache them under an
        // identity they do not have.
        if cache_file::identify(path).as_ref() != Some(&id) {
            return Ok(kb);
        }
        let sha = store::download::sha256(&bytes);
        drop(bytes);
        let written = cache_format::encode(&kb, id, sha)
            .map_err(anyhow::Error::msg)
            .and_then(|encoded| cache_file::write_atomic(&file, &encoded));
        if let Err(e) = written
            && !self.cache_warned
        {
            self.cache_warned = true;
            self.warn(&format!(
                "{e:#}; answering from the bundle without an index cache"
            ))?;
        }
        Ok(kb)
    }

    /// Loads every knowledge base the settings ask for (`--domain all`: each installed domain;
    /// a missing one is skipped unless none is installed).
    pub fn knowledge_bases(&mut self) -> Result<Vec<&'static KnowledgeBase>> {
        let s = self.settings;
        if s.bundle.is_some() || s.domains.len() <= 1 {
            return Ok(vec![self.knowledge_base()?]);
        }
        let mut kbs = Vec::new();
        let mut first_err = None;
        for &d in &s.domains {
            match store::find_bundle(&s.data_dir, d, s.attack_version.as_ref()) {
                Ok(b) => {
                    let kb = self.open_bundle(&b.path, Some(d))?;
                    for w in &kb.warnings {
                        self.warn(w)?;
                    }
                    kbs.push(&*Box::leak(Box::new(kb)));
                }
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        match (kbs.is_empty(), first_err) {
            (true, Some(e)) => Err(e),
            _ => Ok(kbs),
        }
    }

    /// Downloads a domain's bundle (the settings' version, else the latest) with progress,
    /// then prints the one summary line.
    pub fn download(&mut self, domain: Domain) -> Result<Installed> {
        let version = self.settings.attack_version.clone();
        self.download_at(domain, version.as_ref())
    }

    /// [`Self::download`] of a given version (`None`: the latest).
    pub fn download_at(&mut self, domain: Domain, version: Option<&Version>) -> Result<Installed> {
        let s = self.settings;
        self.warn_plain_http()?;
        remove_partials_on_interrupt();
        let client = Client::new(s.http.clone())?;
        let mut reporter = Reporter::new(self.err, s.quiet, s.stderr_tty);
        let done = store::update::download(
            &client,
            &s.source,
            &s.data_dir,
            domain,
            version,
            &validate,
            &mut reporter,
        )?;
        self.report(&done)?;
        Ok(done)
    }

    /// Warns once, before the first request, when the source is plain http to another machine.
    pub fn warn_plain_http(&mut self) -> Result<()> {
        let s = self.settings;
        if self.plain_http_warned || !s.source.is_remote_plain_http() {
            return Ok(());
        }
        self.plain_http_warned = true;
        self.warn(&format!(
            "{} is plain http: what is downloaded can be read or altered on the way; prefer an https mirror",
            s.source.base()
        ))
    }

    /// The one line saying what an install did.
    pub fn report(&mut self, done: &Installed) -> Result<()> {
        match done {
            Installed::New {
                domain,
                version,
                path,
                size,
                wire_bytes,
                elapsed,
            } => {
                let transfer = if *wire_bytes > 0 {
                    let secs = elapsed.as_secs_f64().max(0.001);
                    format!(
                        "; {} received in {:.1} s, {}/s",
                        human_bytes(*wire_bytes),
                        secs,
                        human_bytes(
                            u64::try_from(
                                u128::from(*wire_bytes) * 1000 / elapsed.as_millis().max(1)
                            )
                            .unwrap_or(u64::MAX)
                        )
                    )
                } else {
                    String::new()
                };
                self.note(&format!(
                    "installed {domain} {version} ({}{transfer}) as {}",
                    human_bytes(*size),
                    path.display()
                ))
            }
            Installed::UpToDate {
                domain, version, ..
            } => self.note(&format!("{domain} {version} is up to date")),
        }
    }
}

/// From now on, an interruption (Ctrl-C, SIGTERM, SIGHUP) removes the partial files of the
/// downloads under way, then ends the process as the signal would have. Installed once, when
/// the first download or install begins; a thread waits for the signal, so nothing of ours
/// runs inside a signal handler. (SIGKILL cannot be caught: its leftovers are removed by the
/// next update, see `store::update::partials`.)
pub fn remove_partials_on_interrupt() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    store::update::remove_in_flight();
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    std::process::exit(128 + sig);
                }
            });
        });
    }
}

/// Reads and builds a knowledge base from a bundle file; `expected` is the domain asked for
/// (used only when the bundle does not say).
pub fn parse_bundle(path: &Path, expected: Option<Domain>) -> Result<KnowledgeBase> {
    let bytes = store::read_bundle_bytes(path)?;
    KnowledgeBase::from_bytes(&bytes, path, expected)
}

/// How a cache of the bundle `id` answers a section found damaged on first use: the damaged
/// cache file is removed (the next query builds a whole one) and the bundle read again.
#[must_use]
pub fn reread(id: &cache_file::SourceId, cache: PathBuf) -> Fallback {
    let bundle = PathBuf::from(&id.path);
    Fallback::new(move || {
        let _ = std::fs::remove_file(&cache);
        parse_bundle(&bundle, None)
    })
}

/// Checks that bytes are an ATT&CK bundle; says which domain and version it holds.
pub fn validate(bytes: &[u8], name: &Path) -> Result<Validated> {
    let bytes = crate::encoding::to_utf8_slice(bytes);
    let bundle = crate::stix::parse_bundle(&bytes).map_err(|e| anyhow!(e))?;
    let kb = KnowledgeBase::from_bundle(bundle, name, None)?;
    if kb.techniques.is_empty() || kb.tactics.is_empty() {
        bail!("not an ATT&CK bundle (it holds no techniques or no tactics)");
    }
    Ok(Validated {
        domain: kb.domain,
        version: kb.attack_version,
    })
}

/// Draws download progress on stderr: a bar on a terminal, nothing otherwise (the caller
/// prints one summary line), nothing at all with `--quiet`.
pub struct Reporter<'a> {
    err: &'a mut dyn Write,
    quiet: bool,
    tty: bool,
    bar: Option<ProgressBar>,
}

impl<'a> Reporter<'a> {
    /// A reporter writing notes to `err`.
    pub fn new(err: &'a mut dyn Write, quiet: bool, tty: bool) -> Reporter<'a> {
        Reporter {
            err,
            quiet,
            tty,
            bar: None,
        }
    }
}

impl Progress for Reporter<'_> {
    fn waiting_for_lock(&mut self, lock: &Path) {
        if !self.quiet {
            let _ = writeln!(
                self.err,
                "attck: waiting for another attck to finish with the data directory (lock {})",
                lock.display()
            );
        }
    }

    fn start(&mut self, url: &str, total: Option<u64>) {
        if self.quiet || !self.tty {
            return;
        }
        let name = url.rsplit('/').next().unwrap_or(url).to_string();
        let bar = match total {
            Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr())
                .with_style(
                    ProgressStyle::with_template(
                        "{msg} [{bar:30}] {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} {eta}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
                ProgressStyle::with_template("{msg} {spinner} {decimal_bytes} {decimal_bytes_per_sec}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        bar.set_message(name);
        self.bar = Some(bar);
    }

    fn advance(&mut self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }

    fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }

    fn swept(&mut self, files: usize, bytes: u64) {
        if !self.quiet {
            let _ = writeln!(
                self.err,
                "attck: removed {files} partial download{} ({}) left by an interrupted update",
                if files == 1 { "" } else { "s" },
                human_bytes(bytes)
            );
        }
    }

    fn retry(&mut self, url: &str, cause: &str, next: u32, of: u32, wait: Duration) {
        if !self.quiet {
            let _ = writeln!(
                self.err,
                "attck: warning: {url}: {cause}; retrying in {:.1} s (attempt {next} of {of})",
                wait.as_secs_f64()
            );
        }
    }
}
