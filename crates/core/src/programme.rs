//! A year's programme as a tree: sections → areas → measures → sub-measures, in the source's order.
//! A measure may sit directly under a section. Each measure carries its entry in one round.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::round::{Decision, StatusEntry};

/// A measure's id, stable across the rounds of its programme and used in its URL.
pub type MeasureId = u32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    pub year: i32,
    pub title: String,
    pub sections: Vec<Section>,
}

/// "Politiske prioriteringer", "Innsatsområder" …
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    #[serde(default)]
    pub measures: Vec<Measure>,
    #[serde(default)]
    pub areas: Vec<Area>,
}

/// A focus area or cross-cutting theme, owned by a working group or by the secretariat.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Area {
    pub title: String,
    /// The owning working group's name; `None` is the secretariat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default)]
    pub measures: Vec<Measure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Measure {
    /// Assigned in document order when a programme is first read; kept from then on.
    #[serde(default)]
    pub id: Option<MeasureId>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Last year's measure this one continues (lineage), by its id in that year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continues: Option<MeasureId>,
    #[serde(flatten)]
    pub entry: StatusEntry,
    #[serde(default)]
    pub children: Vec<Measure>,
}

/// Where a measure sits, for messages and flat exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasurePath<'a> {
    pub section: &'a str,
    pub area: Option<&'a str>,
    /// Titles of the umbrella measures above, outermost first.
    pub parents: Vec<&'a str>,
    pub depth: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgrammeError {
    #[error("measure id {0} is used more than once")]
    DuplicateId(MeasureId),
    #[error("measure {measure:?} merges into id {target}, which is not a measure of this programme")]
    UnknownMergeTarget { measure: String, target: MeasureId },
    #[error("measure {measure:?} merges into itself")]
    MergeIntoSelf { measure: String },
    #[error("measure {0:?} has an empty title")]
    EmptyTitle(String),
    #[error("year {0} is outside 1900–2200")]
    Year(i32),
}

impl Programme {
    /// Every measure in document order with its place in the tree.
    pub fn measures(&self) -> Vec<(MeasurePath<'_>, &Measure)> {
        fn walk<'a>(
            m: &'a Measure,
            section: &'a str,
            area: Option<&'a str>,
            parents: &mut Vec<&'a str>,
            out: &mut Vec<(MeasurePath<'a>, &'a Measure)>,
        ) {
            out.push((MeasurePath { section, area, parents: parents.clone(), depth: parents.len() }, m));
            parents.push(&m.title);
            for c in &m.children {
                walk(c, section, area, parents, out);
            }
            parents.pop();
        }
        let mut out = Vec::new();
        for s in &self.sections {
            for m in &s.measures {
                walk(m, &s.title, None, &mut Vec::new(), &mut out);
            }
            for a in &s.areas {
                for m in &a.measures {
                    walk(m, &s.title, Some(&a.title), &mut Vec::new(), &mut out);
                }
            }
        }
        out
    }

    pub fn measure_count(&self) -> usize {
        self.measures().len()
    }

    /// Visits every measure mutably in document order.
    pub fn for_each_measure_mut(&mut self, mut f: impl FnMut(&mut Measure)) {
        fn walk(m: &mut Measure, f: &mut impl FnMut(&mut Measure)) {
            f(m);
            for c in &mut m.children {
                walk(c, f);
            }
        }
        for s in &mut self.sections {
            for m in &mut s.measures {
                walk(m, &mut f);
            }
            for a in &mut s.areas {
                for m in &mut a.measures {
                    walk(m, &mut f);
                }
            }
        }
    }

    /// Gives every measure without an id the next free one, in document order.
    pub fn assign_ids(&mut self) {
        let mut next = self.measures().iter().filter_map(|(_, m)| m.id).max().unwrap_or(0) + 1;
        self.for_each_measure_mut(|m| {
            if m.id.is_none() {
                m.id = Some(next);
                next += 1;
            }
        });
    }

    /// Fills in merge targets' titles from their ids (and ids from unique titles).
    pub fn resolve_merge_targets(&mut self) {
        let by_id: HashMap<MeasureId, String> =
            self.measures().iter().filter_map(|(_, m)| Some((m.id?, m.title.clone()))).collect();
        let mut by_title: HashMap<String, Vec<MeasureId>> = HashMap::new();
        for (id, title) in &by_id {
            by_title.entry(title.clone()).or_default().push(*id);
        }
        self.for_each_measure_mut(|m| {
            if let Decision::Merge { into } = &mut m.entry.continuation.decision {
                match into.id {
                    Some(id) => {
                        if let Some(t) = by_id.get(&id) {
                            into.title = t.clone();
                        }
                    }
                    None => {
                        if let Some([only]) = by_title.get(&into.title).map(Vec::as_slice) {
                            into.id = Some(*only);
                        }
                    }
                }
            }
        });
    }

    /// Checks what the tree itself can tell: the year, titles, unique ids, merge targets.
    pub fn validate(&self) -> Result<(), ProgrammeError> {
        if !(1900..=2200).contains(&self.year) {
            return Err(ProgrammeError::Year(self.year));
        }
        let all = self.measures();
        let mut seen = HashSet::new();
        for (path, m) in &all {
            if m.title.trim().is_empty() {
                return Err(ProgrammeError::EmptyTitle(format!(
                    "{} / {}",
                    path.section,
                    path.area.unwrap_or("")
                )));
            }
            if let Some(id) = m.id
                && !seen.insert(id)
            {
                return Err(ProgrammeError::DuplicateId(id));
            }
        }
        for (_, m) in &all {
            if let Decision::Merge { into } = &m.entry.continuation.decision
                && let Some(target) = into.id
            {
                if Some(target) == m.id {
                    return Err(ProgrammeError::MergeIntoSelf { measure: m.title.clone() });
                }
                if !seen.contains(&target) {
                    return Err(ProgrammeError::UnknownMergeTarget { measure: m.title.clone(), target });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::round::{Continuation, MergeTarget};

    fn measure(title: &str, children: Vec<Measure>) -> Measure {
        Measure { title: title.into(), children, ..Default::default() }
    }

    fn sample() -> Programme {
        Programme {
            year: 2025,
            title: "Handlingsprogram 2025".into(),
            sections: vec![Section {
                title: "Innsatsområder".into(),
                measures: vec![measure("Direkte", vec![])],
                areas: vec![Area {
                    title: "Klima".into(),
                    owner: None,
                    measures: vec![measure(
                        "Paraply:",
                        vec![measure("Under", vec![measure("Dypere", vec![])])],
                    )],
                }],
            }],
        }
    }

    #[test]
    fn measures_come_in_document_order_with_their_paths() {
        let p = sample();
        let all = p.measures();
        let titles: Vec<_> = all.iter().map(|(_, m)| m.title.as_str()).collect();
        assert_eq!(titles, ["Direkte", "Paraply:", "Under", "Dypere"]);
        assert_eq!(all[3].0.parents, ["Paraply:", "Under"]);
        assert_eq!(all[3].0.area, Some("Klima"));
        assert_eq!(all[0].0.area, None);
    }

    #[test]
    fn ids_are_assigned_after_the_highest_given_one() {
        let mut p = sample();
        p.sections[0].measures[0].id = Some(7);
        p.assign_ids();
        let ids: Vec<_> = p.measures().iter().map(|(_, m)| m.id.unwrap()).collect();
        assert_eq!(ids, [7, 8, 9, 10]);
        assert!(p.validate().is_ok());
    }

    #[test]
    fn duplicate_ids_and_unknown_merge_targets_are_refused() {
        let mut p = sample();
        p.assign_ids();
        p.sections[0].areas[0].measures[0].children[0].id = Some(1);
        assert_eq!(p.validate(), Err(ProgrammeError::DuplicateId(1)));

        let mut p = sample();
        p.assign_ids();
        p.sections[0].measures[0].entry.continuation = Continuation {
            decision: Decision::Merge { into: MergeTarget { id: Some(99), title: String::new() } },
            comment: "slås sammen".into(),
        };
        assert!(matches!(p.validate(), Err(ProgrammeError::UnknownMergeTarget { target: 99, .. })));
        p.sections[0].measures[0].entry.continuation.decision =
            Decision::Merge { into: MergeTarget { id: Some(2), title: String::new() } };
        p.resolve_merge_targets();
        assert!(p.validate().is_ok());
        let Decision::Merge { into } = &p.sections[0].measures[0].entry.continuation.decision else {
            panic!()
        };
        assert_eq!(into.title, "Paraply:");
    }
}

/// Where a year's programme stands: a draft (made by a rollover, not yet adopted) or adopted by
/// the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProgrammeState {
    Draft,
    Adopted,
}

impl ProgrammeState {
    pub fn key(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Adopted => "adopted",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::ParseError> {
        match s {
            "draft" => Ok(Self::Draft),
            "adopted" => Ok(Self::Adopted),
            _ => Err(crate::ParseError {
                what: "programme state",
                got: s.to_owned(),
                expected: "draft or adopted",
            }),
        }
    }
}
