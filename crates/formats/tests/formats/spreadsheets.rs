//! XLSX and CSV: the exports read back to the same report, and bad cells are named.

use tiltak_core::{Language, Vocabulary};
use tiltak_formats::spreadsheet::{SheetMeta, read_csv, read_rows, read_xlsx, write_xlsx};
use tiltak_formats::{Labels, csv_export};

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
    assert_eq!(back.report, report, "the About sheet carries programme and round");
}

#[test]
fn csv_reads_back_to_the_same_report() {
    let mut report = sample().report;
    report.round.date = None;
    let v = Vocabulary::default_nb();
    let back = read_csv(csv_export::write(&report).as_bytes(), &v, &meta()).unwrap();
    assert_eq!(back.report, report);
}

#[test]
fn an_edited_cell_changes_only_its_measure() {
    let report = sample().report;
    let v = Vocabulary::default_nb();
    let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_export::write(&report).as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let row = rows.iter().position(|r| r[0] == "7").unwrap();
    rows[row][6] = "done".into();
    rows[row][10] = String::new();
    let mut m = meta();
    m.date = report.round.date;
    let back = read_rows(&rows, "sheet Status", &v, &m).unwrap().report;
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
            .from_reader(csv_export::write(&report).as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        edit(&mut rows);
        read_rows(&rows, "sheet Status", &v, &meta()).unwrap_err().to_string()
    };
    let e = rows(&|r| r[5][6] = "finished".into());
    assert!(e.starts_with("sheet Status, row 6, column status: \"finished\" is not a status"), "{e}");
    let e = rows(&|r| r[3][4] = "first".into());
    assert!(e.starts_with("sheet Status, row 4, column position"), "{e}");
    let e = rows(&|r| r[9][3] = "999".into());
    assert!(e.contains("row 10, column parent_id: no row has id 999"), "{e}");
    let e = rows(&|r| r[2][0] = "1".into());
    assert!(e.contains("row 3, column id: id 1 is also on row 2"), "{e}");
    let e = rows(&|r| {
        r[4][8] = "merge".into();
        r[4][12] = String::new();
    });
    assert!(e.contains("row 5, column merge_into_id"), "{e}");
    let e = rows(&|r| r[0].retain(|c| c != "decision"));
    assert!(e.contains("row 1") && e.contains("no column \"decision\""), "{e}");
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
    let (doc, ids) = read_csv_any(csv.as_bytes(), &v, &meta()).unwrap();
    assert!(!ids, "a plain table has no ids of the programme's");
    let s = &doc.sections[0];
    assert_eq!(
        s.title, "Osloregionens handlingsprogram 2025",
        "a CSV is one section named after the programme"
    );
    assert_eq!(s.areas.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(), ["Klima:", "Energi:"]);
    assert_eq!(s.areas[0].measures[0].children[0].title, "Første del");

    // In a workbook each sheet is a section; a bad status names the sheet, row and column.
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
    let e = read_xlsx_any(&bytes, &v, &meta()).unwrap_err();
    assert_eq!(e.place, "sheet Tverrgående temaer, row 2, column Status");
    assert!(e.message.contains("\"Halvveis\" is not a status"), "{e}");
}
