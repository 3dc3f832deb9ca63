//! Markdown and CSV exports of the sample.

use tiltak_core::Language;
use tiltak_formats::{Labels, csv_export, markdown};

use crate::common::sample;

#[test]
fn markdown_is_the_five_column_report() {
    let md = markdown::write(&sample(), &Labels::for_language(Language::Nb));
    assert!(md.starts_with("# Status – Osloregionens handlingsprogram 2025 – pr 2 sept\n"));
    assert!(md.contains(
        "| Innsatsområde/tverrgående tema | Tiltak | Status | Beskrivelse | Bør videreføres 2026? |"
    ));
    assert_eq!(md.matches("\n## ").count(), 4);
    insta::assert_snapshot!(md);
}

#[test]
fn markdown_in_english_has_english_headings() {
    let md = markdown::write(&sample(), &Labels::for_language(Language::En));
    assert!(md.contains("| Measure | Status | Description | Continue in 2026? |"));
}

#[test]
fn csv_has_a_row_per_measure_with_its_path() {
    let labels = Labels::for_language(Language::Nb);
    let csv_text = csv_export::write(&sample(), &tiltak_core::Vocabulary::default_nb(), &labels);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), csv_export::headings(&labels));
    assert_eq!(&headers[0], "Nr.", "headings in the export's language");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 60);
    let child = rows.iter().find(|r| r[5].starts_with("Rikstunnel")).unwrap();
    assert_eq!(&child[1], "Innsatsområder");
    assert_eq!(&child[2], "Transport og mobilitet:");
    assert_eq!(&child[3], "16", "parent id");
    assert_eq!(
        &child[13],
        "Innsatsområder > Transport og mobilitet: > Utarbeide underlag for å forsterke politisk påvirkningsarbeid for jernbanesatsing i hele regionen, person- og godstransport. Aktuelle tema: > Rikstunnel"
    );
}
