//! What a reader yields: a status report, with the reader's warnings and where each measure was read.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Serialize};
use tiltak_core::{MeasureId, StatusReport};

/// A status report as read from a file: the JSON shape documented in the README.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDocument {
    #[serde(flatten)]
    pub report: StatusReport,
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// The source line each measure was read from, for previews and messages; not part of the JSON.
    #[serde(skip)]
    pub source_lines: BTreeMap<MeasureId, usize>,
}

/// Something a reader was not sure of, with the line (or 0 when it concerns the whole document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

impl From<StatusReport> for ReportDocument {
    fn from(report: StatusReport) -> Self {
        ReportDocument { report, warnings: Vec::new(), source_lines: BTreeMap::new() }
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
