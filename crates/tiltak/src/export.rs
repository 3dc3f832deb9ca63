//! `tiltak export`: a programme's round out as JSON, Markdown or CSV.

use std::process::ExitCode;

use anyhow::Context;
use tiltak_core::Language;
use tiltak_db::Db;
use tiltak_formats::{Labels, csv_export, json, markdown};

use crate::cli::{ExportArgs, ExportFormat};

pub async fn run(db: &Db, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let org = db
        .organisation(&args.org)
        .await?
        .with_context(|| format!("organisation {:?} was not found", args.org))?;
    let report = db.load_report(&org, args.year, args.round.as_deref()).await?;
    let language = args.language.as_deref().map(Language::parse).transpose()?.unwrap_or(org.language);
    let bytes = match args.format {
        ExportFormat::Json => json::write(&report.into()),
        ExportFormat::Md => markdown::write(&report, &Labels::for_language(language)),
        ExportFormat::Csv => csv_export::write(&report),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?
        }
        None => print!("{bytes}"),
    }
    Ok(ExitCode::SUCCESS)
}
