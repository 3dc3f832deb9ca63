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
    let labels = Labels::for_language(language);
    let bytes: Vec<u8> = match args.format {
        ExportFormat::Json => json::write(&report.into()).into_bytes(),
        ExportFormat::Md => markdown::write(&report, &labels).into_bytes(),
        ExportFormat::Csv => csv_export::write(&report).into_bytes(),
        ExportFormat::Xlsx => {
            let vocabulary = db.vocabulary(org.id).await?;
            tiltak_formats::spreadsheet::write_xlsx(&report, &vocabulary, &labels)?
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?
        }
        None if args.format == ExportFormat::Xlsx => {
            anyhow::bail!("an XLSX file goes to a file: add -o FILE.xlsx")
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
