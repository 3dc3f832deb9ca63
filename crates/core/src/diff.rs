//! What changed between two rounds of a programme: status moves, new and removed measures,
//! changed decisions and descriptions.

use std::collections::BTreeMap;

use crate::round::{Decision, StatusEntry};
use crate::{MeasureId, StatusReport};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// In this round, not in the previous one.
    Added,
    /// In the previous round, not in this one.
    Removed,
    /// The same measure with a different entry.
    Changed { status: bool, description: bool, decision: bool, comment: bool, title: bool },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureChange {
    pub id: MeasureId,
    pub title: String,
    pub previous_title: Option<String>,
    pub kind: ChangeKind,
    pub before: Option<StatusEntry>,
    pub after: Option<StatusEntry>,
}

/// The measures whose entry differs between `previous` and `current`, in `current`'s order
/// (removed ones last). Measures without an entry in a round count as absent from it.
pub fn compare(previous: &StatusReport, current: &StatusReport) -> Vec<MeasureChange> {
    let index = |r: &StatusReport| -> BTreeMap<MeasureId, (String, StatusEntry)> {
        r.programme()
            .measures()
            .into_iter()
            .filter_map(|(_, m)| Some((m.id?, (m.title.clone(), m.entry.clone()))))
            .collect()
    };
    let before = index(previous);
    let mut changes = Vec::new();
    for (_, m) in current.programme().measures() {
        let Some(id) = m.id else { continue };
        match before.get(&id) {
            None => changes.push(MeasureChange {
                id,
                title: m.title.clone(),
                previous_title: None,
                kind: ChangeKind::Added,
                before: None,
                after: Some(m.entry.clone()),
            }),
            Some((old_title, old)) => {
                let new = &m.entry;
                let kind = ChangeKind::Changed {
                    status: old.status != new.status,
                    description: old.description != new.description,
                    decision: decision_key(&old.continuation.decision)
                        != decision_key(&new.continuation.decision),
                    comment: old.continuation.comment != new.continuation.comment,
                    title: *old_title != m.title,
                };
                if kind
                    != (ChangeKind::Changed {
                        status: false,
                        description: false,
                        decision: false,
                        comment: false,
                        title: false,
                    })
                {
                    changes.push(MeasureChange {
                        id,
                        title: m.title.clone(),
                        previous_title: (*old_title != m.title).then(|| old_title.clone()),
                        kind,
                        before: Some(old.clone()),
                        after: Some(new.clone()),
                    });
                }
            }
        }
    }
    let current_ids: Vec<MeasureId> =
        current.programme().measures().iter().filter_map(|(_, m)| m.id).collect();
    for (id, (title, entry)) in before {
        if !current_ids.contains(&id) {
            changes.push(MeasureChange {
                id,
                title,
                previous_title: None,
                kind: ChangeKind::Removed,
                before: Some(entry),
                after: None,
            });
        }
    }
    changes
}

/// Gives `report`'s measures the ids of `reference`'s measures in the same place (section, area,
/// umbrellas and title; the n-th of equal places in order) and new ids after the largest to the
/// rest; merge targets follow. This lets a file read by place (report text, a Word table) be
/// compared with a saved round before it is saved.
pub fn align_ids(reference: &StatusReport, report: &mut StatusReport) {
    use std::collections::{HashMap, VecDeque};
    let key = |p: &crate::programme::MeasurePath<'_>, title: &str| {
        format!("{}\u{1f}{}\u{1f}{}\u{1f}{title}", p.section, p.area.unwrap_or(""), p.parents.join("\u{1e}"))
    };
    let mut slots: HashMap<String, VecDeque<MeasureId>> = HashMap::new();
    let mut next = 1;
    for (path, m) in reference.programme().measures() {
        if let Some(id) = m.id {
            slots.entry(key(&path, &m.title)).or_default().push_back(id);
            next = next.max(id + 1);
        }
    }
    let mut map: HashMap<MeasureId, MeasureId> = HashMap::new();
    for (path, m) in report.programme().measures() {
        let new = slots.get_mut(&key(&path, &m.title)).and_then(VecDeque::pop_front).unwrap_or_else(|| {
            next += 1;
            next - 1
        });
        if let Some(old) = m.id {
            map.insert(old, new);
        }
    }
    let mut programme = report.programme();
    programme.for_each_measure_mut(|m| {
        m.id = m.id.and_then(|old| map.get(&old).copied());
        if let Decision::Merge { into } = &mut m.entry.continuation.decision {
            into.id = into.id.and_then(|old| map.get(&old).copied());
        }
    });
    report.sections = programme.sections;
}

/// A decision as compared: its kind and its condition or target.
fn decision_key(d: &Decision) -> String {
    match d {
        Decision::Conditional { condition } => format!("conditional:{condition}"),
        Decision::Merge { into } => format!("merge:{:?}:{}", into.id, into.title),
        other => other.kind().key().to_owned(),
    }
}

/// A word-level diff of two texts: (unchanged | removed | added, text) runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffOp {
    Same,
    Removed,
    Added,
}

/// Word diff by longest common subsequence; descriptions are short, so O(n·m) is fine.
pub fn word_diff(before: &str, after: &str) -> Vec<(DiffOp, String)> {
    let a: Vec<&str> = before.split_whitespace().collect();
    let b: Vec<&str> = after.split_whitespace().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut out: Vec<(DiffOp, String)> = Vec::new();
    let mut push = |op: DiffOp, w: &str| match out.last_mut() {
        Some((last, text)) if *last == op => {
            text.push(' ');
            text.push_str(w);
        }
        _ => out.push((op, w.to_owned())),
    };
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            push(DiffOp::Same, a[i]);
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            push(DiffOp::Removed, a[i]);
            i += 1;
        } else {
            push(DiffOp::Added, b[j]);
            j += 1;
        }
    }
    for w in &a[i..] {
        push(DiffOp::Removed, w);
    }
    for w in &b[j..] {
        push(DiffOp::Added, w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Measure, RoundInfo, Section, Status};

    fn report(measures: Vec<(u32, &str, Option<&str>, &str)>) -> StatusReport {
        StatusReport {
            organisation: "o".into(),
            title: "P".into(),
            year: 2025,
            round: RoundInfo { label: "r".into(), date: None },
            sections: vec![Section {
                title: "S".into(),
                measures: measures
                    .into_iter()
                    .map(|(id, title, status, description)| Measure {
                        id: Some(id),
                        title: title.into(),
                        entry: StatusEntry {
                            status: status.map_or(Status::None, |k| Status::Reported {
                                key: k.into(),
                                label: k.into(),
                            }),
                            description: description.into(),
                            ..Default::default()
                        },
                        ..Default::default()
                    })
                    .collect(),
                areas: vec![],
            }],
        }
    }

    #[test]
    fn ids_follow_places_so_a_file_read_by_place_compares_with_the_saved_round() {
        let saved = report(vec![(7, "A", None, ""), (9, "B", None, ""), (12, "A", None, "")]);
        // Read from a file: reading-order ids, B edited, a new measure, and the two "A"s in order.
        let mut read =
            report(vec![(1, "A", None, ""), (2, "B", None, "new"), (3, "A", None, ""), (4, "N", None, "")]);
        align_ids(&saved, &mut read);
        let ids: Vec<_> = read.sections[0].measures.iter().map(|m| m.id.unwrap()).collect();
        assert_eq!(ids, [7, 9, 12, 13]);
        let kinds: Vec<_> = compare(&saved, &read).into_iter().map(|c| (c.id, c.kind)).collect();
        assert_eq!(kinds.len(), 2);
        assert_eq!(kinds[1], (13, ChangeKind::Added));
    }

    #[test]
    fn only_what_differs_is_listed() {
        let before = report(vec![(1, "A", Some("ongoing"), "x"), (2, "B", None, ""), (3, "C", None, "")]);
        let after = report(vec![(1, "A", Some("done"), "x"), (2, "B", None, ""), (4, "D", None, "")]);
        let changes = compare(&before, &after);
        let summary: Vec<_> = changes.iter().map(|c| (c.id, c.kind.clone())).collect();
        assert_eq!(
            summary,
            [
                (
                    1,
                    ChangeKind::Changed {
                        status: true,
                        description: false,
                        decision: false,
                        comment: false,
                        title: false
                    }
                ),
                (4, ChangeKind::Added),
                (3, ChangeKind::Removed),
            ]
        );
        assert!(compare(&after, &after).is_empty());
    }

    #[test]
    fn word_diff_marks_removed_and_added_words() {
        let d = word_diff("Planlegger seminar i mai", "Holdt seminar i mai med KS");
        assert_eq!(
            d,
            [
                (DiffOp::Removed, "Planlegger".into()),
                (DiffOp::Added, "Holdt".into()),
                (DiffOp::Same, "seminar i mai".into()),
                (DiffOp::Added, "med KS".into())
            ]
        );
    }
}
