//! Not one word of the source is lost or duplicated by the reader.

use std::collections::BTreeMap;

use crate::common::{SAMPLE, sample};

/// Runs of letters and digits, counted.
pub fn words(text: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *counts.entry(w.to_owned()).or_insert(0) += 1;
    }
    counts
}

pub fn document_text(doc: &tiltak_formats::ReportDocument) -> String {
    let mut out = vec![doc.title.clone(), doc.round.label.clone()];
    for s in &doc.sections {
        out.push(s.title.clone());
        for a in &s.areas {
            out.push(a.title.clone());
        }
    }
    for (_, m) in doc.programme().measures() {
        out.push(m.title.clone());
        out.push(m.entry.status.label().to_owned());
        out.push(m.entry.description.clone());
        out.push(m.entry.continuation.comment.clone());
    }
    out.join("\n")
}

#[test]
fn the_words_of_the_sample_and_of_what_was_read_are_the_same_multiset() {
    // The column-heading line is layout, and so is the fixed word of the title line
    // ("Status - <programme> - <round>"): every export writes both again.
    let mut source: Vec<&str> = SAMPLE.lines().collect();
    source.remove(2);
    let mut input = words(&source.join("\n"));
    *input.get_mut("Status").unwrap() -= 1;
    input.retain(|_, n| *n > 0);
    let output = words(&document_text(&sample()));
    let missing: Vec<_> = input.iter().filter(|(w, n)| output.get(*w) != Some(n)).collect();
    let extra: Vec<_> = output.iter().filter(|(w, n)| input.get(*w) != Some(n)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "lost or changed: {missing:?}\nadded: {extra:?}");
}
