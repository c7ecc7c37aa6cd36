//! Writing to stdout. A reader that goes away early (`webaudit rules | head -1`) ends the
//! output quietly: the rest is dropped and the command exits as if it had all been read.
//! Colours are stripped by `anstream` when stdout is not a terminal or `NO_COLOR` is set.

use std::io::{self, Write};

use super::CliError;

/// Writes `text` to stdout and flushes it; a closed pipe is not an error.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut stdout = anstream::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    match written {
        Err(e) if !is_closed_pipe(&e) => {
            Err(CliError::usage(format!("could not write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// Writes `line` and a newline to stdout (see [`print`]).
pub fn println(line: &str) -> Result<(), CliError> {
    print(&format!("{line}\n"))
}

/// Whether a write failed because the reader closed the pipe.
pub fn is_closed_pipe(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
}
