//! The `attck` binary: parse, run, print the one error line, map to an exit code.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use attck_explorer::{cli::Cli, commands::Outcome, error::Error, run};
use clap::Parser;

/// Standard output whose write errors say which stream failed (`cannot write to standard
/// output: No space left on device`), keeping their kind so a broken pipe is still one.
struct Stdout<W>(W);

impl<W: Write> Write for Stdout<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(named)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(named)
    }
}

fn named(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), StdoutError(e))
}

/// The cause of a failed write to standard output, said with the stream's name.
#[derive(Debug)]
struct StdoutError(io::Error);

impl std::fmt::Display for StdoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write to standard output: {}", self.0)
    }
}

impl std::error::Error for StdoutError {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let mut out = BufWriter::new(Stdout(stdout.lock()));
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
