//! Rollover: next year's programme planned from this year's continuation decisions. Every measure
//! of the source year ends in exactly one list — carried, merged, dropped or pending — and nothing
//! pending is decided silently: a person accepts or rejects it first.

use std::collections::{BTreeMap, HashMap};

use crate::status::{StatusCategory, Vocabulary};
use crate::{Area, Decision, Measure, MeasureId, Programme, Section, StatusReport};

/// A person's decision on one measure of the plan; it overrides what the report says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Accept,
    Reject,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropReason {
    /// "Nei …": the comment as written.
    No {
        comment: String,
    },
    /// A `no` whose comment says the work goes on as separate items: add them in the new year.
    SeparateItems {
        comment: String,
    },
    Rejected,
    /// The umbrella above is dropped and this sub-measure has no decision of its own.
    ParentDropped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingReason {
    Conditional {
        condition: String,
    },
    Undecided {
        comment: String,
    },
    /// Status "will not be done" and no decision.
    WillNotBeDone,
    /// A merge into a measure that is not carried itself.
    MergeTargetNotCarried {
        target: MeasureId,
    },
    /// The umbrella above is pending and this sub-measure has no decision of its own.
    ParentPending,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Carried,
    Merged { into: MeasureId },
    Dropped(DropReason),
    Pending(PendingReason),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    pub id: MeasureId,
    pub title: String,
    pub depth: usize,
    pub outcome: Outcome,
    /// The outcome follows the umbrella above (the measure has no decision of its own).
    pub inherited: bool,
    /// A person's choice decided it.
    pub chosen: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloverPlan {
    pub from: i32,
    pub to: i32,
    pub round: String,
    /// Every measure of the source year, in document order.
    pub items: Vec<PlanItem>,
    /// (section, area) of areas left without a carried measure: kept, and listed.
    pub empty_areas: Vec<(String, String)>,
}

/// Plans the rollover of `report` (the source year's chosen round) into year `to`.
/// `separate_items` recognises a `no` comment that means "continues as separate items".
pub fn plan(
    report: &StatusReport,
    to: i32,
    vocabulary: &Vocabulary,
    choices: &HashMap<MeasureId, Choice>,
    separate_items: &dyn Fn(&str) -> bool,
) -> RolloverPlan {
    struct Walk<'a> {
        vocabulary: &'a Vocabulary,
        choices: &'a HashMap<MeasureId, Choice>,
        separate_items: &'a dyn Fn(&str) -> bool,
        items: Vec<PlanItem>,
    }
    fn visit(w: &mut Walk<'_>, m: &Measure, depth: usize, parent: Option<&Outcome>) {
        let id = m.id.unwrap_or_default();
        let c = &m.entry.continuation;
        let has_own = !(matches!(c.decision, Decision::Undecided) && c.comment.trim().is_empty());
        let dropped_status = w.vocabulary.category(&m.entry.status) == Some(StatusCategory::Dropped);
        let mut inherited = false;
        let chosen = w.choices.get(&id).copied();
        let outcome = match chosen {
            Some(Choice::Accept) => Outcome::Carried,
            Some(Choice::Reject) => Outcome::Dropped(DropReason::Rejected),
            None if !has_own && dropped_status => Outcome::Pending(PendingReason::WillNotBeDone),
            None if !has_own && parent.is_some() => {
                inherited = true;
                match parent.expect("checked") {
                    Outcome::Carried => Outcome::Carried,
                    Outcome::Merged { into } => Outcome::Merged { into: *into },
                    Outcome::Dropped(_) => Outcome::Dropped(DropReason::ParentDropped),
                    Outcome::Pending(_) => Outcome::Pending(PendingReason::ParentPending),
                }
            }
            None => match &c.decision {
                Decision::Yes => Outcome::Carried,
                Decision::No if (w.separate_items)(&c.comment) => {
                    Outcome::Dropped(DropReason::SeparateItems { comment: c.comment.clone() })
                }
                Decision::No => Outcome::Dropped(DropReason::No { comment: c.comment.clone() }),
                Decision::Merge { into } => match into.id {
                    Some(target) => Outcome::Merged { into: target },
                    None => Outcome::Pending(PendingReason::Undecided { comment: c.comment.clone() }),
                },
                Decision::Conditional { condition } => {
                    Outcome::Pending(PendingReason::Conditional { condition: condition.clone() })
                }
                Decision::Undecided => {
                    Outcome::Pending(PendingReason::Undecided { comment: c.comment.clone() })
                }
            },
        };
        w.items.push(PlanItem {
            id,
            title: m.title.clone(),
            depth,
            outcome: outcome.clone(),
            inherited,
            chosen: chosen.is_some(),
        });
        for child in &m.children {
            visit(w, child, depth + 1, Some(&outcome));
        }
    }
    let mut w = Walk { vocabulary, choices, separate_items, items: Vec::new() };
    let programme = report.programme();
    for s in &programme.sections {
        for m in &s.measures {
            visit(&mut w, m, 0, None);
        }
        for a in &s.areas {
            for m in &a.measures {
                visit(&mut w, m, 0, None);
            }
        }
    }
    // A merge needs a carried target; otherwise a person decides.
    let outcomes: HashMap<MeasureId, Outcome> = w.items.iter().map(|i| (i.id, i.outcome.clone())).collect();
    for item in &mut w.items {
        if let Outcome::Merged { into } = item.outcome
            && !item.chosen
            && outcomes.get(&into) != Some(&Outcome::Carried)
        {
            item.outcome = Outcome::Pending(PendingReason::MergeTargetNotCarried { target: into });
        }
    }
    let carried: Vec<MeasureId> =
        w.items.iter().filter(|i| i.outcome == Outcome::Carried).map(|i| i.id).collect();
    let mut empty_areas = Vec::new();
    for s in &programme.sections {
        for a in &s.areas {
            let ids: Vec<MeasureId> = Programme {
                year: 0,
                title: String::new(),
                sections: vec![Section { title: s.title.clone(), measures: vec![], areas: vec![a.clone()] }],
            }
            .measures()
            .iter()
            .filter_map(|(_, m)| m.id)
            .collect();
            if !ids.iter().any(|id| carried.contains(id)) {
                empty_areas.push((s.title.clone(), a.title.clone()));
            }
        }
    }
    RolloverPlan { from: report.year, to, round: report.round.label.clone(), items: w.items, empty_areas }
}

/// A measure in a summary: (id, title).
pub type Item = (MeasureId, String);

/// What happened between two years' programmes: carried, merged, dropped and new measures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transition {
    /// (last year's, this year's)
    pub carried: Vec<(Item, Item)>,
    /// (last year's merged measure, this year's measure it went into)
    pub merged: Vec<(Item, Item)>,
    pub dropped: Vec<Item>,
    pub new: Vec<Item>,
}

/// Why a plan cannot be saved yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} measures still need a decision: {}", .0.len(), .0.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", "))]
pub struct StillPending(pub Vec<MeasureId>);

/// The new year's programme from a plan with nothing pending: carried measures keep their title,
/// place and owner and point back (`continues`); a merged measure's new counterpart is its target's.
/// Returns the programme and the extra predecessors (new id, old id) that merges add.
pub fn build(
    plan: &RolloverPlan,
    report: &StatusReport,
    title: &str,
) -> Result<(Programme, Vec<(MeasureId, MeasureId)>), StillPending> {
    let pending: Vec<MeasureId> =
        plan.items.iter().filter(|i| matches!(i.outcome, Outcome::Pending(_))).map(|i| i.id).collect();
    if !pending.is_empty() {
        return Err(StillPending(pending));
    }
    let outcome: HashMap<MeasureId, &Outcome> = plan.items.iter().map(|i| (i.id, &i.outcome)).collect();
    // Carried measures are copied; a dropped or merged umbrella's carried sub-measures move up.
    fn carry(measures: &[Measure], outcome: &HashMap<MeasureId, &Outcome>) -> Vec<Measure> {
        let mut out = Vec::new();
        for m in measures {
            let children = carry(&m.children, outcome);
            match m.id.and_then(|id| outcome.get(&id)) {
                Some(Outcome::Carried) => out.push(Measure {
                    id: None,
                    title: m.title.clone(),
                    owner: m.owner.clone(),
                    continues: m.id,
                    entry: Default::default(),
                    children,
                }),
                _ => out.extend(children),
            }
        }
        out
    }
    let sections = report
        .sections
        .iter()
        .map(|s| Section {
            title: s.title.clone(),
            measures: carry(&s.measures, &outcome),
            areas: s
                .areas
                .iter()
                .map(|a| Area {
                    title: a.title.clone(),
                    owner: a.owner.clone(),
                    measures: carry(&a.measures, &outcome),
                })
                .collect(),
        })
        .collect();
    let mut programme = Programme { year: plan.to, title: title.to_owned(), sections };
    programme.assign_ids();
    let new_of: BTreeMap<MeasureId, MeasureId> =
        programme.measures().iter().filter_map(|(_, m)| Some((m.continues?, m.id?))).collect();
    let merges = plan
        .items
        .iter()
        .filter_map(|i| match i.outcome {
            Outcome::Merged { into } => new_of.get(&into).map(|new| (*new, i.id)),
            _ => None,
        })
        .collect();
    Ok((programme, merges))
}

/// The title of next year's programme: the year in the title replaced ("… 2025" → "… 2026").
pub fn next_title(title: &str, from: i32, to: i32) -> String {
    if title.contains(&from.to_string()) {
        title.replace(&from.to_string(), &to.to_string())
    } else {
        format!("{title} {to}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::round::{Continuation, MergeTarget, StatusEntry};
    use crate::{RoundInfo, Status};
    use proptest::prelude::*;

    fn m(id: u32, decision: Decision, comment: &str, children: Vec<Measure>) -> Measure {
        Measure {
            id: Some(id),
            title: format!("M{id}"),
            entry: StatusEntry {
                continuation: Continuation { decision, comment: comment.into() },
                ..Default::default()
            },
            children,
            ..Default::default()
        }
    }

    fn report(measures: Vec<Measure>) -> StatusReport {
        StatusReport {
            organisation: "o".into(),
            title: "Plan 2025".into(),
            year: 2025,
            round: RoundInfo { label: "r".into(), date: None },
            sections: vec![Section {
                title: "S".into(),
                measures: vec![],
                areas: vec![Area { title: "A".into(), owner: None, measures }],
            }],
        }
    }

    fn no_separate(_: &str) -> bool {
        false
    }

    #[test]
    fn rules_for_each_kind_of_decision() {
        let r = report(vec![
            m(
                1,
                Decision::Yes,
                "ja",
                vec![m(2, Decision::Undecided, "", vec![]), m(3, Decision::No, "nei", vec![])],
            ),
            m(
                4,
                Decision::Merge { into: MergeTarget { id: Some(1), title: "M1".into() } },
                "slås sammen",
                vec![],
            ),
            m(5, Decision::Conditional { condition: "penger".into() }, "Hvis penger", vec![]),
            m(6, Decision::Undecided, "bør vurderes", vec![m(7, Decision::Undecided, "", vec![])]),
            m(8, Decision::No, "Nei, egne poster", vec![]),
            m(9, Decision::Merge { into: MergeTarget { id: Some(8), title: "M8".into() } }, "", vec![]),
        ]);
        let p =
            plan(&r, 2026, &Vocabulary::default_nb(), &HashMap::new(), &|c: &str| c.contains("egne poster"));
        let outcome = |id| p.items.iter().find(|i| i.id == id).unwrap().outcome.clone();
        assert_eq!(outcome(1), Outcome::Carried);
        assert_eq!(outcome(2), Outcome::Carried);
        assert!(p.items[1].inherited);
        assert_eq!(outcome(3), Outcome::Dropped(DropReason::No { comment: "nei".into() }));
        assert_eq!(outcome(4), Outcome::Merged { into: 1 });
        assert_eq!(outcome(5), Outcome::Pending(PendingReason::Conditional { condition: "penger".into() }));
        assert_eq!(outcome(7), Outcome::Pending(PendingReason::ParentPending));
        assert!(matches!(outcome(8), Outcome::Dropped(DropReason::SeparateItems { .. })));
        assert_eq!(outcome(9), Outcome::Pending(PendingReason::MergeTargetNotCarried { target: 8 }));
        assert!(build(&p, &r, "Plan 2026").is_err(), "pending measures block saving");

        let choices = HashMap::from([
            (5, Choice::Accept),
            (6, Choice::Reject),
            (9, Choice::Reject),
            (3, Choice::Accept),
        ]);
        let p = plan(&r, 2026, &Vocabulary::default_nb(), &choices, &no_separate);
        assert_eq!(
            p.items.iter().find(|i| i.id == 7).unwrap().outcome,
            Outcome::Dropped(DropReason::ParentDropped)
        );
        let (programme, merges) = build(&p, &r, "Plan 2026").unwrap();
        let carried: Vec<(Option<u32>, Option<u32>)> =
            programme.measures().iter().map(|(_, m)| (m.id, m.continues)).collect();
        assert_eq!(carried, [(Some(1), Some(1)), (Some(2), Some(2)), (Some(3), Some(3)), (Some(4), Some(5))]);
        assert_eq!(merges, [(1, 4)], "measure 4 merged into 1, whose new id is 1");
        assert_eq!(programme.sections[0].areas[0].measures[0].children.len(), 2, "structure is kept");
    }

    #[test]
    fn will_not_be_done_without_a_decision_is_pending_and_empty_areas_are_listed() {
        let mut dropped = m(1, Decision::Undecided, "", vec![]);
        dropped.entry.status =
            Status::Reported { key: "will_not_be_done".into(), label: "Blir ikke gjennomført".into() };
        let r = report(vec![dropped]);
        let p = plan(&r, 2026, &Vocabulary::default_nb(), &HashMap::new(), &no_separate);
        assert_eq!(p.items[0].outcome, Outcome::Pending(PendingReason::WillNotBeDone));
        assert_eq!(p.empty_areas, [("S".to_owned(), "A".to_owned())]);
    }

    #[test]
    fn titles_move_to_the_new_year() {
        assert_eq!(
            next_title("Osloregionens handlingsprogram 2025", 2025, 2026),
            "Osloregionens handlingsprogram 2026"
        );
        assert_eq!(next_title("Handlingsprogram", 2025, 2026), "Handlingsprogram 2026");
    }

    fn arb_decision() -> impl Strategy<Value = (Decision, String)> {
        prop_oneof![
            Just((Decision::Yes, "ja".to_owned())),
            Just((Decision::No, "nei".to_owned())),
            Just((Decision::No, "Nei, egne poster".to_owned())),
            Just((Decision::Conditional { condition: "x".into() }, "Hvis x".to_owned())),
            Just((Decision::Undecided, String::new())),
            Just((Decision::Undecided, "bør vurderes".to_owned())),
            (1u32..40).prop_map(|t| (
                Decision::Merge { into: MergeTarget { id: Some(t), title: String::new() } },
                "slås sammen".to_owned()
            )),
        ]
    }

    proptest! {
        #[test]
        fn every_measure_ends_in_exactly_one_list(
            decisions in proptest::collection::vec((arb_decision(), 0usize..3, any::<bool>()), 1..40),
            choices in proptest::collection::vec((1u32..40, any::<bool>()), 0..10),
        ) {
            // Build a tree: each measure is top-level or a child of the last top-level one.
            let mut measures: Vec<Measure> = Vec::new();
            for (i, ((decision, comment), nest, dropped_status)) in decisions.iter().enumerate() {
                let mut x = m(i as u32 + 1, decision.clone(), comment, vec![]);
                if *dropped_status {
                    x.entry.status = Status::Reported { key: "will_not_be_done".into(), label: String::new() };
                }
                match measures.last_mut() {
                    Some(last) if *nest > 0 => last.children.push(x),
                    _ => measures.push(x),
                }
            }
            let r = report(measures);
            let choices: HashMap<u32, Choice> =
                choices.into_iter().map(|(id, a)| (id, if a { Choice::Accept } else { Choice::Reject })).collect();
            let p = plan(&r, 2026, &Vocabulary::default_nb(), &choices, &|c: &str| c.contains("egne poster"));
            let ids: Vec<u32> = r.programme().measures().iter().filter_map(|(_, m)| m.id).collect();
            let planned: Vec<u32> = p.items.iter().map(|i| i.id).collect();
            prop_assert_eq!(&planned, &ids, "each measure once, in document order");
            // Decide everything pending, and the new programme holds exactly the carried ones.
            let mut all = choices.clone();
            for i in &p.items {
                if matches!(i.outcome, Outcome::Pending(_)) {
                    all.insert(i.id, Choice::Accept);
                }
            }
            let p = plan(&r, 2026, &Vocabulary::default_nb(), &all, &|c: &str| c.contains("egne poster"));
            let carried = p.items.iter().filter(|i| i.outcome == Outcome::Carried).count();
            let (programme, _) = build(&p, &r, "Plan 2026").map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(programme.measure_count(), carried);
        }
    }
}
