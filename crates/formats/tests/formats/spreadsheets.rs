//! XLSX and CSV: the exports read back to the same report, and bad cells are named.

use tiltak_core::{Language, Vocabulary};
use tiltak_formats::document::Source;
use tiltak_formats::spreadsheet::{SheetMeta, read_csv, read_rows, read_xlsx, write_xlsx};
use tiltak_formats::{Labels, csv_export};

fn nb() -> Labels {
    Labels::for_language(Language::Nb)
}

/// The report as the spreadsheet holds it: each status by the vocabulary's label (the sample's
/// text writes some as an alias, "Delvis påbegynt").
fn as_labelled(mut report: tiltak_core::StatusReport, v: &Vocabulary) -> tiltak_core::StatusReport {
    fn walk(m: &mut tiltak_core::Measure, v: &Vocabulary) {
        if let tiltak_core::Status::Reported { key, label } = &mut m.entry.status {
            *label = v.get(key).unwrap().label.clone();
        }
        m.children.iter_mut().for_each(|c| walk(c, v));
    }
    for s in &mut report.sections {
        s.measures.iter_mut().for_each(|m| walk(m, v));
        for a in &mut s.areas {
            a.measures.iter_mut().for_each(|m| walk(m, v));
        }
    }
    report
}

fn sheet() -> Source {
    Source::Sheet("Status".into())
}

use crate::common::sample;

fn meta() -> SheetMeta {
    SheetMeta {
        organisation: "osloregionen".into(),
        title: "Osloregionens handlingsprogram 2025".into(),
        year: Some(2025),
        round: Some("pr 2 sept".into()),
        date: None,
    }
}

#[test]
fn xlsx_reads_back_to_the_same_report_and_the_same_bytes() {
    let report = sample().report;
    let v = Vocabulary::default_nb();
    let bytes = write_xlsx(&report, &v, &Labels::for_language(Language::Nb)).unwrap();
    assert_eq!(
        bytes,
        write_xlsx(&report, &v, &Labels::for_language(Language::Nb)).unwrap(),
        "same input, same bytes"
    );
    let back = read_xlsx(&bytes, &v, &SheetMeta::default()).unwrap();
    assert_eq!(back.report, as_labelled(report, &v), "the about sheet carries programme and round");
}

#[test]
fn csv_reads_back_to_the_same_report() {
    let mut report = sample().report;
    report.round.date = None;
    let v = Vocabulary::default_nb();
    let report = as_labelled(report, &v);
    let back = read_csv(csv_export::write(&report, &v, &nb()).as_bytes(), &v, &meta()).unwrap();
    assert_eq!(back.report, report);
    // The headings of any language are read.
    let en = csv_export::write(&report, &v, &Labels::for_language(Language::En));
    assert!(en.starts_with("No.,Section,Area,"), "{}", &en[..80]);
    assert_eq!(read_csv(en.as_bytes(), &v, &meta()).unwrap().report, report);
}

#[test]
fn an_edited_cell_changes_only_its_measure() {
    let v = Vocabulary::default_nb();
    let report = as_labelled(sample().report, &v);
    let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_export::write(&report, &v, &nb()).as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let row = rows.iter().position(|r| r[0] == "7").unwrap();
    rows[row][6] = "Gjennomført".into();
    let mut m = meta();
    m.date = report.round.date;
    let back = read_rows(&rows, &sheet(), &v, &m).unwrap().report;
    let seven = back.programme().measures().into_iter().find(|(_, m)| m.id == Some(7)).unwrap().1.clone();
    assert_eq!(
        seven.entry.status,
        tiltak_core::Status::Reported { key: "done".into(), label: "Gjennomført".into() },
        "a status written as a label sets the matching key"
    );
    let before = report.programme();
    let after = back.programme();
    let changed: Vec<u32> = before
        .measures()
        .iter()
        .zip(after.measures().iter())
        .filter(|((_, a), (_, b))| a != b)
        .map(|((_, a), _)| a.id.unwrap())
        .collect();
    assert_eq!(changed, [7]);
}

#[test]
fn bad_cells_are_named_by_sheet_row_and_column() {
    let report = sample().report;
    let v = Vocabulary::default_nb();
    let rows = |edit: &dyn Fn(&mut Vec<Vec<String>>)| {
        let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv_export::write(&report, &v, &nb()).as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        edit(&mut rows);
        read_rows(&rows, &sheet(), &v, &meta()).unwrap_err()
    };
    let e = rows(&|r| r[5][6] = "finished".into()).to_string();
    assert!(e.starts_with("sheet Status, row 6, column Status: «finished» is not a status"), "{e}");
    let e = rows(&|r| r[3][4] = "first".into()).to_string();
    assert!(e.starts_with("sheet Status, row 4, column Rekkefølge"), "{e}");
    let e = rows(&|r| r[9][3] = "999".into()).to_string();
    assert!(e.contains("row 10, column Under nr.: no row has number 999"), "{e}");
    let e = rows(&|r| r[2][0] = "1".into()).to_string();
    assert!(e.contains("row 3, column Nr.: number 1 is also on row 2"), "{e}");
    let e = rows(&|r| {
        r[4][8] = "Slås sammen med".into();
        r[4][10] = String::new();
    })
    .to_string();
    assert!(e.contains("row 5, column Slås sammen med nr."), "{e}");
    let e = rows(&|r| r[0].retain(|c| c != "Videreføring")).to_string();
    assert!(e.contains("row 1") && e.contains("no column «Videreføring»"), "{e}");
    // Every bad cell of the file at once, each in its place; in Norwegian for the web.
    let all = rows(&|r| {
        r[5][6] = "finished".into();
        r[7][8] = "kanskje".into();
        r[9][4] = "x".into();
    });
    assert_eq!(all.0.len(), 3, "{all}");
    let tr = tiltak_i18n::Tr::new(Language::Nb);
    assert_eq!(tr.message(&all.0[1].place), "arket Status, rad 8, kolonne Videreføring");
    assert!(tr.message(&all.0[1].message).starts_with("«kanskje» er ikke et valg for videreføring"));
    let e = read_xlsx(b"not a workbook", &v, &meta()).unwrap_err().to_string();
    assert!(e.contains("not an XLSX workbook"), "{e}");
}

#[test]
fn the_five_column_table_kept_in_a_spreadsheet_reads_like_the_word_table() {
    use tiltak_formats::spreadsheet::{read_csv_any, read_xlsx_any};
    let v = Vocabulary::default_nb();
    let csv = "Innsatsområde,Tiltak,Status,Beskrivelse,Bør videreføres 2026?\n\
               Klima:,Lage plan,Pågående,Godt i gang,Ja\n\
               ,• Første del,Gjennomført,Ferdig,\n\
               Energi:,Nytt tiltak,,,Nei\n";
    let (doc, ids) = read_csv_any(csv.as_bytes(), &v, &meta(), &Default::default()).unwrap();
    assert!(!ids, "a plain table has no ids of the programme's");
    let s = &doc.sections[0];
    assert_eq!(
        s.title, "Osloregionens handlingsprogram 2025",
        "a CSV is one section named after the programme"
    );
    assert_eq!(s.areas.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(), ["Klima:", "Energi:"]);
    assert_eq!(s.areas[0].measures[0].children[0].title, "Første del");

    // In a workbook each sheet is a section; a status the vocabulary does not know is kept as
    // written in a field, the measure has none, and a warning names it.
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, status) in [("Innsatsområder", "Pågående"), ("Tverrgående temaer", "Halvveis")] {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        for (c, h) in ["Tiltak", "Status", "Beskrivelse"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "Et tiltak").unwrap();
        sheet.write_string(1, 1, status).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let (doc, _) = read_xlsx_any(&bytes, &v, &meta(), &Default::default()).unwrap();
    assert_eq!(doc.sections.len(), 2);
    let m = &doc.sections[1].measures[0];
    assert_eq!((m.entry.status.key(), m.entry.fields["Status"].as_str()), ("none", "Halvveis"));
    assert_eq!(doc.warnings.len(), 1);
    assert!(doc.warnings[0].message.to_string().contains("«Halvveis» is not a status"), "{:?}", doc.warnings);
    assert_eq!(doc.warnings[0].line, 2);
}
