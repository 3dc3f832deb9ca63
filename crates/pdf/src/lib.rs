//! The board papers as tagged PDF (PDF/UA-1), typeset by typst as a library: no external program,
//! fonts embedded from typst's own assets. The templates in `templates/` lay out the same data the
//! Word writer uses ([`tiltak_formats::board`]), handed to typst as `/data.json`.
//!
//! typst is the heaviest dependency of the workspace (several minutes for a first release build), so
//! it lives in this crate alone and the binary takes it behind its `pdf` feature.

use std::collections::VecDeque;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use serde::Serialize;
use tiltak_core::StatusReport;
use tiltak_core::status::Vocabulary;
use tiltak_formats::Labels;
use tiltak_formats::board::{BoardReport, ChangesReport};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

const COMMON: &str = include_str!("../templates/common.typ");
const REPORT: &str = include_str!("../templates/report.typ");
const CHANGES: &str = include_str!("../templates/changes.typ");
const ANNUAL: &str = include_str!("../templates/annual.typ");

#[derive(Debug, Clone, thiserror::Error)]
#[error("could not typeset the PDF: {0}")]
pub struct PdfError(String);

/// The status report: title, summary, chart and the five-column table.
pub fn write_report(
    report: &StatusReport,
    vocabulary: &Vocabulary,
    labels: &Labels,
) -> Result<Vec<u8>, PdfError> {
    write_report_with(report, vocabulary, labels, &[])
}

/// The status report with the organisation's own fields `columns` as columns of its table.
pub fn write_report_with(
    report: &StatusReport,
    vocabulary: &Vocabulary,
    labels: &Labels,
    columns: &[String],
) -> Result<Vec<u8>, PdfError> {
    let board = BoardReport::with_columns(report, vocabulary, labels, columns);
    render(REPORT, &board, &board.title)
}

/// The changes since the previous round.
pub fn write_changes(changes: &ChangesReport) -> Result<Vec<u8>, PdfError> {
    render(CHANGES, changes, &changes.title)
}

/// The annual report.
pub fn write_annual(annual: &tiltak_formats::annual::AnnualReport) -> Result<Vec<u8>, PdfError> {
    render(ANNUAL, annual, &annual.title)
}

/// Fonts are parsed once per process: Libertinus Serif (all the templates use) from typst's
/// embedded assets. The math and monospace faces are left out: `tiltak export` pays for parsing
/// fonts on every run.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .filter(|data| data.windows(10).any(|w| w == b"Libertinus"))
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let book = FontBook::from_fonts(&fonts);
    (LazyHash::new(book), fonts)
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn id(path: &str) -> FileId {
    FileId::new(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid path")))
}

/// A world of three files: the template, `common.typ` and the data.
struct Papers {
    main: Source,
    common: Source,
    data: Bytes,
}

impl World for Papers {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.common.id() {
            Ok(self.common.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_without_slash().into()))
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self::id("/data.json") {
            Ok(self.data.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_without_slash().into()))
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }
    /// No clock: the same data gives the same bytes.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Documents made lately, by what they were made from (template, title and data): the same input
/// gives the same bytes, so a download of an unchanged report, or one already being made (by the
/// server ahead of a download, or by a second person at once), is answered from here. The cell is
/// taken before the work starts: a second caller with the same input waits for the first.
type Made = Arc<OnceLock<Result<Vec<u8>, PdfError>>>;
/// By the SHA-256 of what the document is made from, the most recently asked for last.
type Kept = VecDeque<([u8; 32], Made)>;
static MADE: LazyLock<Mutex<Kept>> = LazyLock::new(Mutex::default);
/// Documents kept in [`MADE`] (a board report is about 100 KB).
const KEEP: usize = 8;

fn render(template: &str, data: &impl Serialize, title: &str) -> Result<Vec<u8>, PdfError> {
    let json = serde_json::to_vec(data).map_err(|e| PdfError(e.to_string()))?;
    let key: [u8; 32] = Sha256::new()
        .chain_update(template.as_bytes())
        .chain_update([0])
        .chain_update(title.as_bytes())
        .chain_update([0])
        .chain_update(&json)
        .finalize()
        .into();
    let cell = {
        let mut made = MADE.lock().expect("not poisoned");
        match made.iter().position(|(k, _)| *k == key) {
            Some(i) => {
                // The most recently asked for goes last, so the oldest is dropped first.
                let entry = made.remove(i).expect("found");
                let cell = entry.1.clone();
                made.push_back(entry);
                cell
            }
            None => {
                if made.len() >= KEEP {
                    made.pop_front();
                }
                let cell = Made::default();
                made.push_back((key, cell.clone()));
                cell
            }
        }
    };
    cell.get_or_init(|| typeset(template, json, title)).clone()
}

fn typeset(template: &str, json: Vec<u8>, title: &str) -> Result<Vec<u8>, PdfError> {
    let world = Papers {
        main: Source::new(id("/main.typ"), template.to_owned()),
        common: Source::new(id("/common.typ"), COMMON.to_owned()),
        data: Bytes::new(json),
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|e| diagnostics(&e))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("tiltak:{title}")),
        creator: Smart::Custom(Some("Tiltak".into())),
        standards: PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| PdfError(format!("{e:?}")))?,
        tagged: true,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|e| diagnostics(&e));
    // typst's caches (comemo) are emptied after each document: measured on the sample, keeping
    // them does not make the next document faster once its data changed (about 30 ms either way;
    // an unchanged one comes from MADE), and they hold tens of megabytes.
    typst::comemo::evict(0);
    pdf
}

fn diagnostics(errors: &[SourceDiagnostic]) -> PdfError {
    PdfError(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
}
