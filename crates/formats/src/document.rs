//! What a reader yields: a status report, with the reader's warnings and where each measure was read.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Serialize};
use tiltak_core::{MeasureId, StatusReport};
use tiltak_i18n::Message;

/// A status report as read from a file: the JSON shape documented in the README.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDocument {
    #[serde(flatten)]
    pub report: StatusReport,
    /// Written with the JSON (in English) for people reading a dry run; not read back.
    #[serde(default, skip_deserializing)]
    pub warnings: Vec<Warning>,
    /// The source line each measure was read from, for previews and messages; not part of the JSON.
    #[serde(skip)]
    pub source_lines: BTreeMap<MeasureId, usize>,
    /// A table's columns as read and what each holds (for tables of the organisation's own
    /// layout); not part of the JSON.
    #[serde(skip)]
    pub layout: Option<crate::mapping::Layout>,
    /// The events, projects, partners and decisions linked to the report's measures (Tiltak's
    /// JSON only; an additive field older files lack).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<LinkedEntity>,
}

/// An event, project, partner or decision with the numbers of the report's measures it is linked to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedEntity {
    #[serde(flatten)]
    pub entity: tiltak_core::Entity,
    #[serde(default)]
    pub measures: Vec<MeasureId>,
}

/// Something a reader was not sure of, with the line (or 0 when it concerns the whole document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: usize,
    #[serde(serialize_with = "english")]
    pub message: Message,
}

fn english<S: serde::Serializer>(m: &Message, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(m)
}

/// Something wrong in a file, kept as data until it is shown: where ("sheet Status, row 7,
/// column Status") and what, each a message in the locale files. `Display` is English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct Problem {
    pub place: Message,
    pub message: Message,
}

impl Problem {
    pub fn new(place: Message, message: Message) -> Self {
        Problem { place, message }
    }

    /// A problem with the file as a whole.
    pub fn file(message: Message) -> Self {
        Problem { place: Message::new("file-place-file"), message }
    }
}

/// Every problem found in a file (a reader reports all it finds, not only the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl From<Problem> for Problems {
    fn from(p: Problem) -> Self {
        Problems(vec![p])
    }
}

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl Problems {
    pub fn first(&self) -> &Problem {
        self.0.first().expect("a Problems holds at least one problem")
    }
}

impl From<StatusReport> for ReportDocument {
    fn from(report: StatusReport) -> Self {
        ReportDocument {
            report,
            warnings: Vec::new(),
            source_lines: BTreeMap::new(),
            layout: None,
            entities: Vec::new(),
        }
    }
}

impl Deref for ReportDocument {
    type Target = StatusReport;
    fn deref(&self) -> &StatusReport {
        &self.report
    }
}

impl DerefMut for ReportDocument {
    fn deref_mut(&mut self) -> &mut StatusReport {
        &mut self.report
    }
}

/// The part of a file a reader reads: a sheet, a CSV, a Word table. It names places in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Sheet(String),
    Csv,
    /// The n-th table of a Word document (from 1).
    Table(usize),
}

impl Source {
    /// The part as a whole: "sheet Status".
    pub fn whole(&self) -> Message {
        match self {
            Source::Sheet(name) => Message::new("file-place-sheet").arg("sheet", name),
            Source::Csv => Message::new("file-place-csv"),
            Source::Table(n) => Message::new("file-place-table").arg("table", n),
        }
    }

    /// A row (or, in a CSV, a line): "sheet Status, row 7".
    pub fn row(&self, row: usize) -> Message {
        match self {
            Source::Sheet(name) => Message::new("file-place-sheet-row").arg("sheet", name).arg("row", row),
            Source::Csv => Message::new("file-place-csv-row").arg("row", row),
            Source::Table(n) => Message::new("file-place-table-row").arg("table", n).arg("row", row),
        }
    }

    /// A cell, by the heading of its column as the file has it: "sheet Status, row 7, column Status".
    pub fn cell(&self, row: usize, column: &str) -> Message {
        match self {
            Source::Sheet(name) => {
                Message::new("file-place-sheet-cell").arg("sheet", name).arg("row", row).arg("column", column)
            }
            Source::Csv => Message::new("file-place-csv-cell").arg("row", row).arg("column", column),
            Source::Table(n) => {
                Message::new("file-place-table-cell").arg("table", n).arg("row", row).arg("column", column)
            }
        }
    }
}
