//! A status report: a programme's tree with every measure's entry in one reporting round. It is
//! what imports produce, what the store saves and loads, and what every export writes.

use serde::{Deserialize, Serialize};

use crate::{Programme, RoundInfo, Section};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    /// The organisation's slug.
    pub organisation: String,
    pub title: String,
    pub year: i32,
    pub round: RoundInfo,
    pub sections: Vec<Section>,
}

impl StatusReport {
    pub fn programme(&self) -> Programme {
        Programme { year: self.year, title: self.title.clone(), sections: self.sections.clone() }
    }

    pub fn measure_count(&self) -> usize {
        self.programme().measure_count()
    }
}
