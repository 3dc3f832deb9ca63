//! Counts per status category, per area and in total: what the overview page and its chart show.

use crate::StatusReport;
use crate::status::{StatusCategory, Vocabulary};

/// How many measures of a group are in each category, and how many are not reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub not_started: usize,
    pub in_progress: usize,
    pub done: usize,
    pub dropped: usize,
    pub not_reported: usize,
}

impl Counts {
    pub fn add(&mut self, category: Option<StatusCategory>) {
        match category {
            Some(StatusCategory::NotStarted) => self.not_started += 1,
            Some(StatusCategory::InProgress) => self.in_progress += 1,
            Some(StatusCategory::Done) => self.done += 1,
            Some(StatusCategory::Dropped) => self.dropped += 1,
            None => self.not_reported += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.not_started + self.in_progress + self.done + self.dropped + self.not_reported
    }

    /// (category key or "none", count) in display order.
    pub fn parts(&self) -> [(&'static str, usize); 5] {
        [
            ("not_started", self.not_started),
            ("in_progress", self.in_progress),
            ("done", self.done),
            ("dropped", self.dropped),
            ("none", self.not_reported),
        ]
    }

    fn merge(&mut self, other: &Counts) {
        self.not_started += other.not_started;
        self.in_progress += other.in_progress;
        self.done += other.done;
        self.dropped += other.dropped;
        self.not_reported += other.not_reported;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCounts {
    pub section: String,
    /// `None` for the measures directly under the section.
    pub area: Option<String>,
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub groups: Vec<GroupCounts>,
    pub total: Counts,
}

/// Every measure (sub-measures included) counted once, in its area or its section.
pub fn overview(report: &StatusReport, vocabulary: &Vocabulary) -> Overview {
    let mut groups: Vec<GroupCounts> = Vec::new();
    let mut total = Counts::default();
    for (path, m) in report.programme().measures() {
        let (section, area) = (path.section.to_owned(), path.area.map(str::to_owned));
        let group = match groups.iter_mut().position(|g| g.section == section && g.area == area) {
            Some(i) => &mut groups[i],
            None => {
                groups.push(GroupCounts { section, area, counts: Counts::default() });
                groups.last_mut().expect("just pushed")
            }
        };
        group.counts.add(vocabulary.category(&m.entry.status));
    }
    for g in &groups {
        total.merge(&g.counts);
    }
    Overview { groups, total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Area, Measure, RoundInfo, Section, Status, StatusEntry};

    fn m(key: Option<&str>, children: Vec<Measure>) -> Measure {
        let status = match key {
            Some(k) => Status::Reported { key: k.into(), label: k.into() },
            None => Status::None,
        };
        Measure {
            title: "t".into(),
            entry: StatusEntry { status, ..Default::default() },
            children,
            ..Default::default()
        }
    }

    #[test]
    fn counts_every_measure_once_in_its_group() {
        let report = StatusReport {
            organisation: "o".into(),
            title: "P".into(),
            year: 2025,
            round: RoundInfo { label: "r".into(), date: None },
            sections: vec![Section {
                title: "S".into(),
                measures: vec![m(Some("done"), vec![])],
                areas: vec![Area {
                    title: "A".into(),
                    owner: None,
                    measures: vec![m(
                        Some("ongoing"),
                        vec![m(None, vec![]), m(Some("will_not_be_done"), vec![])],
                    )],
                }],
            }],
        };
        let o = overview(&report, &Vocabulary::default_nb());
        assert_eq!(o.groups.len(), 2);
        assert_eq!(o.groups[0].counts.done, 1);
        assert_eq!(
            o.groups[1].counts,
            Counts { in_progress: 1, dropped: 1, not_reported: 1, ..Default::default() }
        );
        assert_eq!(o.total.total(), 4);
    }
}
