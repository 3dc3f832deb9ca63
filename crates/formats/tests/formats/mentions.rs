//! Suggestions from the sample's text against a hand-made list of what a careful reader finds in it
//! (fixtures/sample-mentions.tsv): an event, decision or project of a measure counts as found when
//! a suggestion of that measure has its kind and start date (or, undated, none). Precision and
//! recall are printed and must each be at least 0.8.

use std::collections::HashMap;

use tiltak_core::entities::EntityKind;
use tiltak_core::round::parse_iso_date;
use tiltak_formats::mentions;

use crate::common::sample;

type Key = (usize, EntityKind, Option<time::Date>);

/// The fixture's lines as keys: the measure (by index in document order), kind and start date.
fn expected(titles: &[(Option<String>, String)]) -> Vec<(Key, String)> {
    let text = include_str!("fixtures/sample-mentions.tsv");
    let mut out = Vec::new();
    for (n, line) in
        text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty()).skip(1)
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 3, "fixture line {}: {line:?}", n + 1);
        let (area, title) = match cols[0].split_once(" / ") {
            Some((a, t)) => (Some(a.trim()), t.trim()),
            None => (None, cols[0].trim()),
        };
        let norm =
            |s: &str| s.replace(['\u{a0}', '\u{202f}'], " ").split_whitespace().collect::<Vec<_>>().join(" ");
        let (area, title) = (area.map(norm), norm(title));
        let matches: Vec<usize> = titles
            .iter()
            .enumerate()
            .filter(|(_, (a, t))| {
                norm(t).contains(&title)
                    && area
                        .as_ref()
                        .is_none_or(|want| a.as_deref().is_some_and(|a| norm(a).starts_with(want.as_str())))
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(
            matches.len(),
            1,
            "fixture line {}: {:?} names {} measures",
            n + 1,
            cols[0],
            matches.len()
        );
        let kind = EntityKind::parse(cols[1]).unwrap_or_else(|e| panic!("fixture line {}: {e}", n + 1));
        let starts_on = Some(cols[2].trim()).filter(|s| !s.is_empty()).map(|s| parse_iso_date(s).unwrap());
        out.push(((matches[0], kind, starts_on), line.to_owned()));
    }
    out
}

#[test]
fn suggestions_from_the_sample_match_a_careful_reader() {
    let doc = sample();
    let programme = doc.report.programme();
    let measures = programme.measures();
    let titles: Vec<(Option<String>, String)> =
        measures.iter().map(|(p, m)| (p.area.map(str::to_owned), m.title.clone())).collect();
    let expected = expected(&titles);
    // What the app offers: every measure's suggestions, as the import gives them.
    let index: HashMap<tiltak_core::MeasureId, usize> =
        measures.iter().enumerate().filter_map(|(i, (_, m))| Some((m.id?, i))).collect();
    let mut found: Vec<(Key, String)> = Vec::new();
    for (id, suggestions) in mentions::in_report(&doc.report) {
        let i = index[&id];
        for s in suggestions {
            let what = format!("{}: {} ({:?}) «{}»", measures[i].1.title, s.title, s.starts_on, s.quote);
            found.push(((i, s.kind, s.starts_on), what));
        }
    }
    // Matched as multisets: two undated events of one measure count twice.
    let mut left: HashMap<Key, usize> = HashMap::new();
    for (k, _) in &expected {
        *left.entry(*k).or_default() += 1;
    }
    let mut hits = 0;
    let mut wrong = Vec::new();
    for (k, what) in &found {
        match left.get_mut(k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                hits += 1;
            }
            _ => wrong.push(what.clone()),
        }
    }
    let missed: Vec<&String> = expected
        .iter()
        .filter(|(k, _)| {
            let n = left.get_mut(k).unwrap();
            if *n > 0 {
                *n -= 1;
                true
            } else {
                false
            }
        })
        .map(|(_, l)| l)
        .collect();
    let precision = hits as f64 / found.len().max(1) as f64;
    let recall = hits as f64 / expected.len().max(1) as f64;
    println!(
        "suggestions on the sample: {} found, {} expected, {hits} right: precision {precision:.2}, recall {recall:.2}",
        found.len(),
        expected.len()
    );
    for w in &wrong {
        println!("  not in the list: {w}");
    }
    for m in &missed {
        println!("  missed: {m}");
    }
    assert!(expected.len() >= 15, "the hand-made list has {} lines", expected.len());
    assert!(precision >= 0.8, "precision {precision:.2}");
    assert!(recall >= 0.8, "recall {recall:.2}");
}
