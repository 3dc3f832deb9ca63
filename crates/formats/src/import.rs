//! One door for every file people bring: report text, Tiltak's JSON, Word tables, spreadsheets.
//! The CLI's `import` and the web's import page both come through here, so a file reads the same
//! way wherever it is brought in.

use tiltak_core::status::Vocabulary;
use time::Date;

use tiltak_i18n::Message;

use crate::document::{Problem, Problems, ReportDocument};
use crate::mapping::TableOptions;
use crate::report_text::{self, TextOptions};
use crate::spreadsheet;
use crate::table::SheetMeta;
use crate::{docx, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Text,
    Json,
    Docx,
    Xlsx,
    Csv,
}

impl FileKind {
    /// By the file name's extension; anything unknown is read as report text.
    pub fn from_name(name: &str) -> FileKind {
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        match ext.as_str() {
            "json" => FileKind::Json,
            "docx" => FileKind::Docx,
            "xlsx" => FileKind::Xlsx,
            "csv" => FileKind::Csv,
            _ => FileKind::Text,
        }
    }
}

/// What the caller knows better than the file (each `None` leaves the file's own).
#[derive(Debug, Clone, Default)]
pub struct ImportMeta {
    pub organisation: String,
    /// The programme's title, for files that do not say it (CSV, Word tables without a title).
    pub title: String,
    pub year: Option<i32>,
    pub round: Option<String>,
    pub date: Option<Date>,
}

pub struct Imported {
    pub doc: ReportDocument,
    /// The measures' ids are the programme's own (Tiltak's JSON and spreadsheets); otherwise they
    /// are only the reading order, and saving matches measures by place and title.
    pub ids_are_the_programmes: bool,
}

/// Why a file could not be read: every problem found, each with its place, as messages.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ImportError(pub Problems);

impl From<Problem> for ImportError {
    fn from(p: Problem) -> Self {
        ImportError(p.into())
    }
}

pub fn read(
    kind: FileKind,
    bytes: &[u8],
    vocabulary: &Vocabulary,
    meta: &ImportMeta,
    options: &TableOptions,
) -> Result<Imported, ImportError> {
    let sheet_meta = SheetMeta {
        organisation: meta.organisation.clone(),
        title: meta.title.clone(),
        year: meta.year,
        round: meta.round.clone(),
        date: meta.date,
    };
    let (mut doc, ids) = match kind {
        FileKind::Json => {
            let mut doc = json::read(bytes, vocabulary).map_err(|x| x.problem())?;
            if let Some(year) = meta.year
                && year != doc.year
            {
                return Err(Problem::file(
                    Message::new("file-other-year").arg("file_year", doc.year).arg("year", year),
                )
                .into());
            }
            if let Some(label) = &meta.round {
                doc.report.round.label = label.clone();
            }
            if meta.date.is_some() {
                doc.report.round.date = meta.date;
            }
            (doc, true)
        }
        FileKind::Xlsx => {
            spreadsheet::read_xlsx_any(bytes, vocabulary, &sheet_meta, options).map_err(ImportError)?
        }
        FileKind::Csv => {
            spreadsheet::read_csv_any(bytes, vocabulary, &sheet_meta, options).map_err(ImportError)?
        }
        FileKind::Docx => (docx::read(bytes, vocabulary, &sheet_meta, options).map_err(ImportError)?, false),
        FileKind::Text => {
            let options = TextOptions {
                organisation: meta.organisation.clone(),
                year: meta.year,
                round_label: meta.round.clone(),
                round_date: meta.date,
            };
            (report_text::parse_bytes(bytes, vocabulary, &options).map_err(|x| x.problem())?, false)
        }
    };
    doc.report.organisation = meta.organisation.clone();
    Ok(Imported { doc, ids_are_the_programmes: ids })
}
