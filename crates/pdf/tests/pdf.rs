//! The PDF of the sample: typeset, deterministic, tagged, and (with poppler's tools) every measure
//! title is in its text and page 1 renders in landscape.

use std::process::Command;

use tiltak_core::{Language, Vocabulary};
use tiltak_formats::Labels;
use tiltak_formats::board::ChangesReport;
use tiltak_formats::report_text::{self, TextOptions};

const SAMPLE: &str = include_str!("../../../samples/osloregionen-status-2025-pr-2-sept.txt");

fn sample() -> tiltak_core::StatusReport {
    let options = TextOptions { organisation: "osloregionen".into(), ..Default::default() };
    report_text::parse(SAMPLE, &Vocabulary::default_nb(), &options).expect("the sample reads").report
}

/// Runs a command line tool, or says why not: missing tools fail only where CI installed them.
fn tool(name: &str, args: &[&str]) -> Option<String> {
    match Command::new(name).args(args).output() {
        Ok(out) => {
            assert!(out.status.success(), "{name} failed: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(e) if std::env::var_os("TILTAK_E2E").is_none() => {
            eprintln!("skipping the {name} check: {e} (.ci/run installs poppler-utils)");
            None
        }
        Err(e) => panic!("{name} is needed here: {e}"),
    }
}

fn dir() -> std::path::PathBuf {
    let d = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tmp/pdf");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn the_report_is_a_tagged_landscape_pdf_with_every_measure() {
    let report = sample();
    let v = Vocabulary::default_nb();
    let labels = Labels::for_language(Language::Nb);
    let pdf = tiltak_pdf::write_report(&report, &v, &labels).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(pdf, tiltak_pdf::write_report(&report, &v, &labels).unwrap(), "same input, same bytes");
    let path = dir().join("report.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let p = path.to_str().unwrap();
    let Some(info) = tool("pdfinfo", &[p]) else { return };
    assert!(info.lines().any(|l| l.starts_with("Tagged:") && l.ends_with("yes")), "{info}");
    assert!(
        info.contains("Title:           Status – Osloregionens handlingsprogram 2025 – pr 2 sept"),
        "{info}"
    );
    assert!(info.contains("841.89 x 595.276 pts (A4)"), "A4 landscape: {info}");
    // pdftotext reads a cell's lines in order but may slip a neighbouring cell's line (a status)
    // in between: each title's words must come in order, with at most a few others among them.
    let text = tool("pdftotext", &[p, "-"]).unwrap();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (_, m) in report.programme().measures() {
        let title: Vec<&str> = m.title.split_whitespace().collect();
        assert!(in_order(&words, &title, 4), "{:?} is in the PDF text", m.title);
    }
    tool(
        "pdftoppm",
        &["-png", "-r", "60", "-f", "1", "-l", "1", p, dir().join("report-page").to_str().unwrap()],
    );
}

#[test]
fn english_and_the_changes_report() {
    let before = sample();
    let mut after = before.clone();
    after.round.label = "pr 1 des".into();
    after.sections[0].areas[0].measures[0].entry.description = "Helt ny tekst".into();
    let labels = Labels::for_language(Language::En);
    let changes = ChangesReport::new(Some(("pr 2 sept", &before)), &after, &labels);
    let pdf = tiltak_pdf::write_changes(&changes).unwrap();
    let path = dir().join("changes.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let Some(text) = tool("pdftotext", &[path.to_str().unwrap(), "-"]) else { return };
    assert!(text.contains("Changes in pr 1 des"), "{text}");
    assert!(text.contains("Compared with pr 2 sept."));
    assert!(text.contains("Helt ny tekst"));
    let first = tiltak_pdf::write_changes(&ChangesReport::new(None, &after, &labels)).unwrap();
    std::fs::write(&path, &first).unwrap();
    let text = tool("pdftotext", &[path.to_str().unwrap(), "-"]).unwrap();
    assert!(text.contains("This is the first round"));
}

/// Whether `wanted` occurs in `words` in order, with at most `slack` other words in between.
fn in_order(words: &[&str], wanted: &[&str], slack: usize) -> bool {
    (0..words.len()).filter(|i| words[*i] == wanted[0]).any(|start| {
        let (mut at, mut skipped) = (start + 1, 0);
        for w in &wanted[1..] {
            while at < words.len() && words[at] != *w && skipped <= slack {
                at += 1;
                skipped += 1;
            }
            if at >= words.len() || skipped > slack {
                return false;
            }
            at += 1;
        }
        true
    })
}

#[test]
fn the_annual_report_is_a_tagged_pdf_with_every_done_measure() {
    use std::collections::BTreeMap;
    use tiltak_formats::annual::{AnnualInput, AnnualReport};
    let report = sample();
    let v = Vocabulary::default_nb();
    let mut texts = BTreeMap::new();
    let heading = format!("{} › {}", report.sections[2].title, report.sections[2].areas[0].title);
    texts.insert(heading, "Et år med mye arbeid.\nOg en andre linje.".to_owned());
    let input = AnnualInput { entities: &[], carried: None, texts: &texts };
    let annual = AnnualReport::new(&report, &v, &Labels::for_language(Language::Nn), &input);
    let pdf = tiltak_pdf::write_annual(&annual).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let path = dir().join("annual.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let p = path.to_str().unwrap();
    let Some(info) = tool("pdfinfo", &[p]) else { return };
    assert!(info.lines().any(|l| l.starts_with("Tagged:") && l.ends_with("yes")), "{info}");
    assert!(info.contains("Title:           Årsmelding 2025"), "{info}");
    let text = tool("pdftotext", &[p, "-"]).unwrap();
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(text.contains("Et år med mye arbeid."), "the secretariat's text");
    assert!(text.contains("Pågåande"), "nynorsk headings");
    let done = annual.done_titles();
    assert!(done.len() >= 3);
    for title in done {
        let title: Vec<&str> = title.split_whitespace().collect();
        assert!(in_order(&words, &title, 4), "{title:?} is in the PDF text");
    }
}

#[test]
fn a_document_is_made_once_for_the_same_input_and_again_for_a_changed_one() {
    let mut report = sample();
    let v = Vocabulary::default_nb();
    let labels = Labels::for_language(Language::Nb);
    // Four at once with the same input: one typesets, the others wait for it; all get its bytes.
    let made: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..4).map(|_| s.spawn(|| tiltak_pdf::write_report(&report, &v, &labels).unwrap())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(made.windows(2).all(|w| w[0] == w[1]));
    // A changed entry is never answered with the document made before the change.
    let title = report.sections[0].title.clone();
    report.sections[0].title.push_str(" (endret)");
    let changed = tiltak_pdf::write_report(&report, &v, &labels).unwrap();
    assert_ne!(changed, made[0]);
    report.sections[0].title = title;
    assert_eq!(
        tiltak_pdf::write_report(&report, &v, &labels).unwrap(),
        made[0],
        "the same input, the same bytes"
    );
}
