//! A status report: a programme's tree with every measure's entry in one reporting round. It is
//! what imports produce, what the store saves and loads, and what every export writes.

use serde::{Deserialize, Serialize};

use crate::{Measure, MeasureId, Programme, RoundInfo, Section};

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

    /// The report with only the measures `keep` accepts (a measure dropped takes its sub-measures).
    pub fn only_measures(&self, keep: impl Fn(MeasureId) -> bool) -> StatusReport {
        fn prune(measures: &[Measure], keep: &dyn Fn(MeasureId) -> bool) -> Vec<Measure> {
            measures
                .iter()
                .filter(|m| m.id.is_some_and(keep))
                .map(|m| Measure { children: prune(&m.children, keep), ..m.clone() })
                .collect()
        }
        let mut out = self.clone();
        for s in &mut out.sections {
            s.measures = prune(&s.measures, &keep);
            for a in &mut s.areas {
                a.measures = prune(&a.measures, &keep);
            }
        }
        out
    }
}
