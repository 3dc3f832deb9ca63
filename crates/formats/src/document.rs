//! The document every reader produces and every writer takes: one round's status report of a
//! programme, in the JSON shape documented in the README.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use tiltak_core::{MeasureId, Programme, RoundInfo, Section};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDocument {
    pub organisation: String,
    pub title: String,
    pub year: i32,
    pub round: RoundInfo,
    pub sections: Vec<Section>,
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

impl ReportDocument {
    pub fn programme(&self) -> Programme {
        Programme { year: self.year, title: self.title.clone(), sections: self.sections.clone() }
    }

    pub fn measure_count(&self) -> usize {
        self.programme().measure_count()
    }
}
