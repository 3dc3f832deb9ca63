//! A rollover plan as JSON (`tiltak rollover --dry-run --format json`) and as text, and the
//! "programme A → B" summary as Markdown. The phrases that flag a `no` as "continues as separate
//! items" come from [`crate::phrases`].

use std::collections::HashMap;

use serde_json::{Value, json};
use tiltak_core::MeasureId;
use tiltak_core::rollover::{DropReason, Outcome, PendingReason, PlanItem, RolloverPlan, Transition};

use crate::phrases;

/// Whether a `no` comment says the work continues as separate items ("egne poster").
pub fn separate_items(comment: &str) -> bool {
    phrases::SEPARATE_ITEMS.iter().any(|p| phrases::find_phrase(comment, p).is_some())
}

pub fn drop_reason(r: &DropReason) -> String {
    match r {
        DropReason::No { comment } => format!("no: {comment}"),
        DropReason::SeparateItems { comment } => {
            format!("separate items (add them as new measures): {comment}")
        }
        DropReason::Rejected => "rejected".into(),
        DropReason::ParentDropped => "follows its umbrella (dropped)".into(),
    }
}

pub fn pending_reason(r: &PendingReason) -> String {
    match r {
        PendingReason::Conditional { condition } => format!("conditional: {condition}"),
        PendingReason::Undecided { comment } if comment.is_empty() => "undecided".into(),
        PendingReason::Undecided { comment } => format!("undecided: {comment}"),
        PendingReason::WillNotBeDone => "will not be done, and no decision".into(),
        PendingReason::MergeTargetNotCarried { target } => {
            format!("merges into measure {target}, which is not carried")
        }
        PendingReason::ParentPending => "follows its umbrella (pending)".into(),
    }
}

fn m(item: &PlanItem) -> Value {
    json!({ "id": item.id, "title": item.title, "inherited": item.inherited, "chosen": item.chosen })
}

/// `{from, to, round, carried: [M], merged: [{from: M, into: M}], dropped: [{measure: M, reason}],
/// pending: [{measure: M, reason}], empty_areas: [{section, area}]}` with `M = {id, title, …}`.
pub fn plan_json(plan: &RolloverPlan) -> String {
    let titles: HashMap<MeasureId, &str> = plan.items.iter().map(|i| (i.id, i.title.as_str())).collect();
    let (mut carried, mut merged, mut dropped, mut pending) = (vec![], vec![], vec![], vec![]);
    for item in &plan.items {
        match &item.outcome {
            Outcome::Carried => carried.push(m(item)),
            Outcome::Merged { into } => merged.push(json!({
                "from": m(item),
                "into": { "id": into, "title": titles.get(into).copied().unwrap_or_default() },
            })),
            Outcome::Dropped(r) => dropped.push(json!({
                "measure": m(item),
                "reason": drop_reason(r),
                "separate_items": matches!(r, DropReason::SeparateItems { .. }),
            })),
            Outcome::Pending(r) => pending.push(json!({ "measure": m(item), "reason": pending_reason(r) })),
        }
    }
    let empty: Vec<Value> =
        plan.empty_areas.iter().map(|(s, a)| json!({ "section": s, "area": a })).collect();
    let mut out = serde_json::to_string_pretty(&json!({
        "from": plan.from,
        "to": plan.to,
        "round": plan.round,
        "carried": carried,
        "merged": merged,
        "dropped": dropped,
        "pending": pending,
        "empty_areas": empty,
    }))
    .expect("JSON of plain values");
    out.push('\n');
    out
}

pub fn plan_text(plan: &RolloverPlan) -> String {
    let count = |f: &dyn Fn(&Outcome) -> bool| plan.items.iter().filter(|i| f(&i.outcome)).count();
    let mut out = format!(
        "Rollover {} → {} from round {:?}: {} carried, {} merged, {} dropped, {} pending\n",
        plan.from,
        plan.to,
        plan.round,
        count(&|o| *o == Outcome::Carried),
        count(&|o| matches!(o, Outcome::Merged { .. })),
        count(&|o| matches!(o, Outcome::Dropped(_))),
        count(&|o| matches!(o, Outcome::Pending(_))),
    );
    for item in &plan.items {
        let what = match &item.outcome {
            Outcome::Carried => "carried".to_owned(),
            Outcome::Merged { into } => format!("merged into {into}"),
            Outcome::Dropped(r) => format!("dropped: {}", drop_reason(r)),
            Outcome::Pending(r) => format!("PENDING: {}", pending_reason(r)),
        };
        out.push_str(&format!("{:>4} {}{} — {what}\n", item.id, "  ".repeat(item.depth), item.title));
    }
    for (s, a) in &plan.empty_areas {
        out.push_str(&format!("empty area: {s} › {a}\n"));
    }
    out
}

/// The "programme A → B" summary as Markdown, in the labels' language, every title escaped.
pub fn transition_markdown(from: i32, to: i32, t: &Transition, labels: &crate::Labels) -> String {
    use crate::markdown::escape;
    let mut out = format!("# {from} → {to}\n");
    let list = |out: &mut String, heading: &str, items: Vec<String>| {
        out.push_str(&format!("\n## {heading} ({})\n\n", items.len()));
        for i in items {
            out.push_str(&format!("- {i}\n"));
        }
    };
    let pair = |o: &(MeasureId, String), n: &(MeasureId, String)| {
        format!("{} {} → {} {}", o.0, escape(&o.1), n.0, escape(&n.1))
    };
    list(&mut out, labels.carried, t.carried.iter().map(|(o, n)| pair(o, n)).collect());
    list(&mut out, labels.merged, t.merged.iter().map(|(o, n)| pair(o, n)).collect());
    let one = |(id, title): &(MeasureId, String)| format!("{id} {}", escape(title));
    list(&mut out, labels.dropped, t.dropped.iter().map(one).collect());
    list(&mut out, labels.added, t.new.iter().map(one).collect());
    out
}
