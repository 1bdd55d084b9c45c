//! The `attck` binary: parse, run, print the one error line, map to an exit code.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use attck_explorer::{cli::Cli, commands::Outcome, error::Error, run};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    let result =
        run(&cli, &mut out, &mut err).and_then(|o| out.flush().map(|()| o).map_err(Into::into));
    match result {
        Ok(Outcome::Found) => ExitCode::SUCCESS,
        Ok(Outcome::Nothing) => ExitCode::from(1),
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = e
                .chain()
                .find_map(|c| c.downcast_ref::<Error>())
                .map_or(2, Error::exit_code);
            let msg = attck_explorer::render::sanitize(&format!("{e:#}"), false);
            let _ = writeln!(err, "attck: {msg}");
            ExitCode::from(code)
        }
    }
}
