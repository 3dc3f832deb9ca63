//! `tiltak`: the command line of Tiltak. Each subcommand is a thin shell over the library crates:
//! read (formats) → model (core) → store (db) → write (formats).

mod cli;
mod demo;
mod export;
mod import;
mod remind;
mod rollover;
mod users;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Output piped into a program that stops reading (`tiltak import … --dry-run | head`) ends
    // the command quietly instead of with a panic.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
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
