//! `tiltak`: the command line of Tiltak. Each subcommand is a thin shell over the library crates:
//! read (formats) → model (core) → store (db) → write (formats).

mod cli;
mod demo;
mod export;
mod import;
mod rollover;
mod users;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TILTAK_LOG")
                .unwrap_or_else(|_| "tiltak=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a Tokio runtime");
    match runtime.block_on(cli::run(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
