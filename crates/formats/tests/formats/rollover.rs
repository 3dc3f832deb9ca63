//! The sample rolled over to 2026 with its own decisions gives the plan written down by hand.

use std::collections::HashMap;

use tiltak_core::Vocabulary;
use tiltak_core::rollover::{Choice, Outcome, build, plan};
use tiltak_formats::rollover::{plan_json, separate_items};

use crate::common::sample;

fn expected(key: &str) -> Vec<u32> {
    let text = include_str!("fixtures/sample-rollover-2026.txt");
    let line = text.lines().find(|l| l.starts_with(&format!("{key}: "))).unwrap();
    line[key.len() + 2..]
        .split(", ")
        .map(|item| item.split([' ', '-']).next().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn the_sample_plans_to_the_hand_written_lists() {
    let report = sample();
    let p = plan(&report, 2026, &Vocabulary::default_nb(), &HashMap::new(), &separate_items);
    let ids = |f: &dyn Fn(&Outcome) -> bool| -> Vec<u32> {
        p.items.iter().filter(|i| f(&i.outcome)).map(|i| i.id).collect()
    };
    assert_eq!(ids(&|o| *o == Outcome::Carried), expected("carried"));
    assert_eq!(ids(&|o| matches!(o, Outcome::Merged { into: 58 })), expected("merged"));
    assert_eq!(ids(&|o| matches!(o, Outcome::Dropped(_))), expected("dropped"));
    assert_eq!(ids(&|o| matches!(o, Outcome::Pending(_))), expected("pending"));
    let areas: Vec<&str> = p.empty_areas.iter().map(|(_, a)| a.as_str()).collect();
    assert_eq!(areas, ["Kokurransekraft og næringsutvikling:", "Sirkulærøkonomi:"]);

    let v: serde_json::Value = serde_json::from_str(&plan_json(&p)).unwrap();
    assert_eq!(
        (v["from"].as_i64(), v["to"].as_i64(), v["round"].as_str()),
        (Some(2025), Some(2026), Some("pr 2 sept"))
    );
    let total: usize =
        ["carried", "merged", "dropped", "pending"].iter().map(|k| v[k].as_array().unwrap().len()).sum();
    assert_eq!(total, 60, "every measure in exactly one list");
    assert_eq!(v["merged"][0]["from"]["id"], 59);
    assert_eq!(v["merged"][0]["into"]["id"], 58);
    assert_eq!(v["dropped"][0]["separate_items"], true);
    assert!(v["pending"][0]["reason"].as_str().unwrap().starts_with("conditional: finansiering"));
}

#[test]
fn deciding_every_pending_measure_builds_2026_with_lineage() {
    let report = sample();
    let first = plan(&report, 2026, &Vocabulary::default_nb(), &HashMap::new(), &separate_items);
    let choices: HashMap<u32, Choice> = first
        .items
        .iter()
        .filter(|i| matches!(i.outcome, Outcome::Pending(_)) && !i.inherited)
        .map(|i| (i.id, if i.id % 2 == 0 { Choice::Accept } else { Choice::Reject }))
        .collect();
    let decided = plan(&report, 2026, &Vocabulary::default_nb(), &choices, &separate_items);
    assert!(
        decided.items.iter().all(|i| !matches!(i.outcome, Outcome::Pending(_))),
        "inherited ones follow their umbrella"
    );
    let (programme, merges) = build(&decided, &report, "Osloregionens handlingsprogram 2026").unwrap();
    let carried = decided.items.iter().filter(|i| i.outcome == Outcome::Carried).count();
    assert_eq!(programme.measure_count(), carried);
    assert!(programme.measures().iter().all(|(_, m)| m.continues.is_some() && m.entry == Default::default()));
    let new_58 = programme.measures().iter().find(|(_, m)| m.continues == Some(58)).unwrap().1.id.unwrap();
    assert_eq!(merges, [(new_58, 59)]);
}
