//! The `webaudit` binary: parses the command line and runs it (see [`webaudit::cli`]).

fn main() -> std::process::ExitCode {
    webaudit::cli::main()
}
