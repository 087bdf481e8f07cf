//! The `jianbao` binary: parse flags, run, print an error once, map it to an exit code.

use std::process::ExitCode;

use clap::Parser;
use jianbao::cli::{self, Cli};

fn main() -> ExitCode {
    jianbao::allocator::return_freed_memory();
    // `.env` first, so its variables configure logging and settings alike.
    let dotenv = dotenvy::dotenv();
    let args = Cli::parse();
    cli::init_logging(if matches!(args.command, Some(cli::Command::Check)) {
        "error"
    } else {
        "warn"
    });
    if let Err(err) = &dotenv
        && !err.not_found()
    {
        tracing::warn!("cannot read .env: {err}");
    }
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("jianbao: {err:#}");
            ExitCode::from(2)
        }
    }
}
