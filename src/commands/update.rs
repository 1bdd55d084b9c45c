//! `attck update`: download bundles, list published versions, or install a local file.

use anyhow::{Result, bail};

use super::{Ctx, Outcome};
use crate::cli::UpdateArgs;
use crate::commands::data::views as data;
use crate::load::{Reporter, remove_partials_on_interrupt, validate};
use crate::model::Domain;
use crate::store::download::Client;
use crate::store::index::Index;
use crate::{render, store};

/// Runs `attck update`.
pub fn run(ctx: &mut Ctx, args: &UpdateArgs) -> Result<Outcome> {
    let s = ctx.settings;
    if s.bundle.is_some() {
        bail!("--bundle names a file to query; to install it use `attck update --from FILE`");
    }
    if args.list {
        return list(ctx);
    }
    if let Some(from) = &args.from {
        if s.domains.len() > 1 {
            bail!("--from installs one bundle; --domain all does not apply");
        }
        remove_partials_on_interrupt();
        let mut reporter = Reporter::new(ctx.err, s.quiet, s.stderr_tty);
        let done = store::update::install_file(
            &s.data_dir,
            from,
            s.domains.first().copied(),
            s.attack_version.as_ref(),
            &validate,
            &mut reporter,
        )?;
        ctx.report(&done)?;
        return Ok(Outcome::Found);
    }
    if s.offline {
        bail!(
            "`attck update` downloads, but offline mode is on (--offline or ATTCK_OFFLINE=1); use `attck update --from FILE` to install a bundle you have"
        );
    }
    // Without --domain: enterprise, plus every domain already installed.
    let domains = if s.domains.is_empty() {
        let installed = store::installed(&s.data_dir, &Domain::ALL)?;
        Domain::ALL
            .into_iter()
            .filter(|&d| d == Domain::Enterprise || installed.iter().any(|b| b.file.domain == d))
            .collect()
    } else {
        s.domains.clone()
    };
    for d in domains {
        ctx.download(d)?;
    }
    Ok(Outcome::Found)
}

/// `attck update --list`: the published versions per domain, and which are installed.
fn list(ctx: &mut Ctx) -> Result<Outcome> {
    let s = ctx.settings;
    let index = if s.offline {
        let Some(ix) = Index::read_kept(&s.data_dir) else {
            bail!(
                "offline (--offline or ATTCK_OFFLINE=1) and no index.json kept in {}; run `attck update --list` online once",
                s.data_dir.display()
            );
        };
        ctx.note("offline: listing the index fetched last")?;
        ix
    } else {
        ctx.warn_plain_http()?;
        remove_partials_on_interrupt();
        let client = Client::new(s.http.clone())?;
        store::update::fetch_index(&client, &s.source, &s.data_dir)?
    };
    for skipped in &index.skipped {
        ctx.warn(skipped)?;
    }
    let domains = if s.domains.is_empty() {
        Domain::ALL.to_vec()
    } else {
        s.domains.clone()
    };
    let installed = store::installed(&s.data_dir, &domains)?;
    let rows = data::published(&index, &domains, &installed);
    render::list(ctx.out, &rows, &s.render)?;
    Ok(Outcome::from_count(rows.len()))
}
