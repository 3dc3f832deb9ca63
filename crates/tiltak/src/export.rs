//! `tiltak export`: a programme's round out as JSON, Markdown, CSV, XLSX, DOCX or PDF; with
//! `--changes`, what changed since the previous round as DOCX or PDF.

use std::process::ExitCode;

use anyhow::{Context, bail};
use tiltak_core::Language;
use tiltak_db::Db;
use tiltak_formats::board::ChangesReport;
use tiltak_formats::{Labels, csv_export, docx, json, markdown};

use crate::cli::{ExportArgs, ExportFormat};

pub async fn run(db: &Db, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let org = db
        .organisation(&args.org)
        .await?
        .with_context(|| format!("organisation {:?} was not found", args.org))?;
    let language = args.language.as_deref().map(Language::parse).transpose()?.unwrap_or(org.language);
    let labels = Labels::for_language(language);
    let bytes: Vec<u8> = if args.changes {
        let programme = db
            .programme(org.id, args.year)
            .await?
            .with_context(|| format!("{} has no programme for {}", org.slug, args.year))?;
        let rounds = db.rounds(programme.id).await?;
        let at = match &args.round {
            Some(r) => rounds.iter().position(|x| x.slug == *r || x.label == *r),
            None => rounds.len().checked_sub(1),
        }
        .with_context(|| {
            format!("no round {:?} in {}", args.round.as_deref().unwrap_or("(latest)"), args.year)
        })?;
        let current = db.round_report(&org, args.year, &rounds[at]).await?;
        let previous = match at.checked_sub(1) {
            Some(p) => Some((rounds[p].label.clone(), db.round_report(&org, args.year, &rounds[p]).await?)),
            None => None,
        };
        let changes = ChangesReport::new(previous.as_ref().map(|(l, r)| (l.as_str(), r)), &current, &labels);
        match args.format {
            ExportFormat::Docx => docx::write_changes(&changes)?,
            ExportFormat::Pdf => pdf_changes(&changes)?,
            _ => bail!("the changes report is written as docx or pdf"),
        }
    } else {
        let report =
            db.load_report(&org, args.year, args.round.as_deref(), tiltak_db::Audience::Members).await?;
        let vocabulary = db.vocabulary(org.id).await?;
        match args.format {
            ExportFormat::Json => {
                // With the events, projects, partners and decisions linked to its measures.
                let mut doc: tiltak_formats::ReportDocument = report.into();
                doc.entities = db
                    .programme_entities(org.id, args.year, tiltak_db::Audience::Members)
                    .await?
                    .into_iter()
                    .map(|(row, measures)| tiltak_formats::document::LinkedEntity {
                        entity: row.entity,
                        measures,
                    })
                    .collect();
                json::write(&doc).into_bytes()
            }
            ExportFormat::Md => markdown::write(&report, &labels).into_bytes(),
            ExportFormat::Csv => csv_export::write(&report, &vocabulary, &labels).into_bytes(),
            ExportFormat::Xlsx => tiltak_formats::spreadsheet::write_xlsx(&report, &vocabulary, &labels)?,
            ExportFormat::Docx => docx::write_report(&report, &vocabulary, &labels)?,
            ExportFormat::Pdf => pdf_report(&report, &vocabulary, &labels)?,
        }
    };
    let binary = matches!(args.format, ExportFormat::Xlsx | ExportFormat::Docx | ExportFormat::Pdf);
    match &args.output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?
        }
        None if binary => bail!("a binary document goes to a file: add -o FILE"),
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "pdf")]
fn pdf_report(
    report: &tiltak_core::StatusReport,
    vocabulary: &tiltak_core::Vocabulary,
    labels: &Labels,
) -> anyhow::Result<Vec<u8>> {
    Ok(tiltak_pdf::write_report(report, vocabulary, labels)?)
}

#[cfg(feature = "pdf")]
fn pdf_changes(changes: &ChangesReport) -> anyhow::Result<Vec<u8>> {
    Ok(tiltak_pdf::write_changes(changes)?)
}

#[cfg(not(feature = "pdf"))]
fn pdf_report(
    _: &tiltak_core::StatusReport,
    _: &tiltak_core::Vocabulary,
    _: &Labels,
) -> anyhow::Result<Vec<u8>> {
    bail!("this tiltak was built without PDF support (the `pdf` feature)")
}

#[cfg(not(feature = "pdf"))]
fn pdf_changes(_: &ChangesReport) -> anyhow::Result<Vec<u8>> {
    bail!("this tiltak was built without PDF support (the `pdf` feature)")
}
