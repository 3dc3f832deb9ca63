//! Word documents: the board report and the changes report written with docx-rs, read back, and
//! people's own five-column tables read with clear errors.

use std::io::Read;

use tiltak_core::{Language, Status, Vocabulary};
use tiltak_formats::board::ChangesReport;
use tiltak_formats::spreadsheet::SheetMeta;
use tiltak_formats::{Labels, docx};

use crate::common::sample;

/// One part of the DOCX package as text.
pub fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
    let mut s = String::new();
    zip.by_name(name).expect("the part").read_to_string(&mut s).unwrap();
    s
}

fn nb() -> Labels {
    Labels::for_language(Language::Nb)
}

#[test]
fn the_report_reads_back_to_the_same_programme_and_the_same_bytes() {
    let report = sample().report;
    let v = Vocabulary::default_nb();
    let bytes = docx::write_report(&report, &v, &nb()).unwrap();
    assert_eq!(bytes, docx::write_report(&report, &v, &nb()).unwrap(), "same input, same bytes");
    let meta = SheetMeta { organisation: "osloregionen".into(), ..Default::default() };
    let back = docx::read(&bytes, &v, &meta, &Default::default()).unwrap();
    assert_eq!(back.report, report, "title, round, sections, areas, sub-measures and decisions");
}

#[test]
fn the_report_is_landscape_with_repeated_headers_page_numbers_and_described_chart() {
    let report = sample().report;
    let bytes = docx::write_report(&report, &Vocabulary::default_nb(), &nb()).unwrap();
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains(r#"w:orient="landscape""#), "landscape");
    assert!(xml.contains(r#"<w:pgSz w:w="16838" w:h="11906""#), "A4 landscape");
    // One summary table and one table per section, each with a repeating header row.
    assert_eq!(xml.matches("<w:tbl>").count(), 1 + report.sections.len());
    assert_eq!(xml.matches("<w:tblHeader />").count(), 1 + report.sections.len());
    assert!(xml.contains("Status – Osloregionens handlingsprogram 2025 – pr 2 sept"));
    assert!(xml.contains("Bør videreføres 2026?"));
    assert!(xml.contains(r#"descr="Søylediagram: antall tiltak"#), "the chart is described");
    assert!(xml.contains(r#"w:vMerge w:val="continue""#), "areas are merged cells");
    let footer = part(&bytes, "word/footer1.xml");
    assert!(footer.contains("PAGE"), "page numbers: {footer}");
    let core = part(&bytes, "docProps/core.xml");
    assert!(core.contains("<dc:language>nb-NO</dc:language>"));
    assert!(core.contains("2000-01-01T00:00:00Z"), "fixed dates");
    insta::assert_snapshot!("docx_document_xml", pretty(&xml));
}

#[test]
fn english_on_request() {
    let bytes = docx::write_report(&sample(), &Vocabulary::default_nb(), &Labels::for_language(Language::En))
        .unwrap();
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains("Continue in 2026?"));
    assert!(xml.contains("Number of measures per status category"));
    assert!(part(&bytes, "docProps/core.xml").contains("en-GB"));
}

#[test]
fn the_changes_report_strikes_what_went_and_underlines_what_came() {
    let before = sample().report;
    let mut after = before.clone();
    after.round.label = "pr 1 des".into();
    let m = &mut after.sections[0].areas[0].measures[0];
    m.entry.description = "Helt ny tekst".into();
    m.entry.status = Status::Reported { key: "done".into(), label: "Gjennomført".into() };
    let changes = ChangesReport::new(Some(("pr 2 sept", &before)), &after, &nb());
    assert_eq!(changes.rows.len(), 1);
    let bytes = docx::write_changes(&changes).unwrap();
    let xml = part(&bytes, "word/document.xml");
    assert!(xml.contains("Endringer i pr 1 des"));
    assert!(xml.contains("Sammenlignet med pr 2 sept."));
    assert!(xml.contains("<w:strike />"), "removed words and old values are struck");
    assert!(xml.contains(r#"<w:u w:val="single" />"#), "new words are underlined");
    assert!(xml.contains("Gjennomført"));
}

fn table_docx(rows: &[[&str; 5]]) -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
    let cell = |t: &str| TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(t)));
    let table = Table::new(rows.iter().map(|r| TableRow::new(r.iter().map(|t| cell(t)).collect())).collect());
    let mut out = std::io::Cursor::new(Vec::new());
    Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Klima")))
        .add_table(table)
        .build()
        .pack(&mut out)
        .unwrap();
    out.into_inner()
}

fn meta() -> SheetMeta {
    SheetMeta {
        organisation: "o".into(),
        title: "P".into(),
        year: Some(2025),
        round: Some("pr 1 mai".into()),
        date: None,
    }
}

#[test]
fn a_hand_made_table_in_any_column_order_reads_with_bullets_as_sub_measures() {
    let bytes = table_docx(&[
        ["STATUS", "Tiltak", "Kommentar", "Beskrivelse av fremdrift", "Område"],
        ["Pågående", "Lage plan", "Ja", "Godt i gang", "Klima:"],
        ["Gjennomført", "• Første del", "", "Ferdig", ""],
        ["", "Nytt tiltak", "Nei", "", "Energi:"],
    ]);
    let doc = docx::read(&bytes, &Vocabulary::default_nb(), &meta(), &Default::default()).unwrap();
    let s = &doc.sections[0];
    assert_eq!(s.title, "Klima");
    assert_eq!(s.areas.len(), 2);
    let plan = &s.areas[0].measures[0];
    assert_eq!(plan.title, "Lage plan");
    assert_eq!(plan.entry.status.key(), "ongoing");
    assert_eq!(plan.children[0].title, "Første del");
    assert_eq!(plan.entry.continuation.decision, tiltak_core::round::Decision::Yes);
    assert_eq!(s.areas[1].measures[0].entry.status, Status::None);
}

#[test]
fn bad_tables_name_the_table_row_and_column() {
    let v = Vocabulary::default_nb();
    let doc = docx::read(
        &table_docx(&[["Tiltak", "Status", "Beskrivelse", "", ""], ["A", "Nesten ferdig", "x", "", ""]]),
        &v,
        &meta(),
        &Default::default(),
    )
    .unwrap();
    assert!(doc.warnings[0].message.to_string().contains("«Nesten ferdig» is not a status"));
    assert_eq!(doc.sections[0].measures[0].entry.fields["Status"], "Nesten ferdig");
    let e = docx::read(
        &table_docx(&[["Navn", "Dato", "", "", ""], ["A", "B", "", "", ""]]),
        &v,
        &meta(),
        &Default::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("could not tell which column is the measure"), "{e}");
    assert!(e.to_string().contains("Navn, Dato"), "{e}");
    let e = docx::read(b"not a zip", &v, &meta(), &Default::default()).unwrap_err();
    assert!(e.to_string().contains("not a Word (DOCX) document"), "{e}");
    let e = docx::read(
        &table_docx(&[["Tiltak", "Status", "Beskrivelse", "", ""], ["• Under", "", "x", "", ""]]),
        &v,
        &meta(),
        &Default::default(),
    )
    .unwrap_err();
    assert_eq!(e.first().place.to_string(), "table 1, row 2, column Tiltak");
}

/// One element per line, so a snapshot diff shows what moved.
fn pretty(xml: &str) -> String {
    xml.replace("><w:p ", ">\n<w:p ").replace("><w:tr>", ">\n<w:tr>").replace("><w:tbl>", ">\n<w:tbl>")
}
