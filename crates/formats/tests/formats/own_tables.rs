//! Tables of other organisations' own layouts: each read with the suggested or a given mapping to
//! the right measures and statuses, every unmapped column kept as a field on every measure, and
//! back again through Tiltak's own JSON and XLSX.

use rust_xlsxwriter::{Format, Workbook};
use tiltak_core::{Language, Measure, Vocabulary};
use tiltak_formats::import::{self, FileKind, ImportMeta};
use tiltak_formats::mapping::{Mapping, TableOptions, Target};
use tiltak_formats::{Labels, ReportDocument, json, spreadsheet};

use crate::common::sample;

fn meta() -> ImportMeta {
    ImportMeta {
        organisation: "o".into(),
        title: "Handlingsplan".into(),
        year: Some(2025),
        round: Some("pr 1 juni".into()),
        date: None,
    }
}

fn read(kind: FileKind, bytes: &[u8], options: &TableOptions) -> ReportDocument {
    import::read(kind, bytes, &Vocabulary::default_nb(), &meta(), options)
        .unwrap_or_else(|e| panic!("{e}"))
        .doc
}

fn all(doc: &ReportDocument) -> Vec<Measure> {
    doc.programme().measures().into_iter().map(|(_, m)| m.clone()).collect()
}

fn xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Uppdrag").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// Reads back what Tiltak writes: the same measures, statuses and fields.
fn round_trips(doc: &ReportDocument) {
    let v = Vocabulary::default_nb();
    let back = json::read(json::write(doc).as_bytes(), &v).unwrap();
    let (a, b) = (all(doc), all(&back));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (&x.title, x.entry.status.key(), &x.entry.fields),
            (&y.title, y.entry.status.key(), &y.entry.fields)
        );
    }
    let bytes = spreadsheet::write_xlsx(doc, &v, &Labels::for_language(Language::Nb)).unwrap();
    let (back, ids) =
        spreadsheet::read_xlsx_any(&bytes, &v, &Default::default(), &Default::default()).unwrap();
    assert!(ids, "Tiltak's own spreadsheet");
    for (x, y) in a.iter().zip(&all(&back)) {
        assert_eq!(
            (&x.title, x.entry.status.key(), &x.entry.fields),
            (&y.title, y.entry.status.key(), &y.entry.fields)
        );
    }
}

#[test]
fn a_swedish_list_of_assignments_reads_with_the_suggestion_and_a_status_mapping() {
    let rows = vec![
        vec!["Nämnd", "Uppdrag", "Status", "Kommentar", "Ansvarig"],
        vec!["Kommunstyrelsen", "Ta fram en klimatplan", "PÅGÅENDE", "Remiss i maj", "Anna"],
        vec!["Kommunstyrelsen", "Utreda gemensam IT", "AVSLUTAT", "Klar i mars", "Per"],
        vec!["Barn- och utbildningsnämnden", "Ny skolplan", "AVSLUTAT", "Antagen", "Eva"],
        vec!["Barn- och utbildningsnämnden", "Läxhjälp", "PÅGÅENDE", "Startar i höst", "Ali"],
    ];
    let bytes = xlsx(&rows);
    // Without a mapping of AVSLUTAT: the label is kept, the measure has no status, a warning says so.
    let doc = read(FileKind::Xlsx, &bytes, &TableOptions::default());
    let layout = doc.layout.clone().unwrap();
    assert!(layout.suggested);
    assert_eq!(
        layout.columns(),
        Mapping::parse_columns(
            "area=Nämnd,measure=Uppdrag,status=Status,description=Kommentar,field=Ansvarig"
        )
        .unwrap()
    );
    let m = all(&doc);
    assert_eq!(m.len(), 4);
    assert_eq!(doc.sections[0].areas.len(), 2);
    assert_eq!(m[0].entry.status.key(), "ongoing", "PÅGÅENDE is the vocabulary's Pågående");
    assert_eq!((m[1].entry.status.key(), m[1].entry.fields["Status"].as_str()), ("none", "AVSLUTAT"));
    assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
    assert!(m.iter().all(|x| x.entry.fields.contains_key("Ansvarig")));
    // With it: done, the label as written.
    let options = TableOptions {
        statuses: Mapping::parse_statuses("AVSLUTAT=done", &Vocabulary::default_nb()).unwrap(),
        ..Default::default()
    };
    let doc = read(FileKind::Xlsx, &bytes, &options);
    let m = all(&doc);
    let keys: Vec<&str> = m.iter().map(|x| x.entry.status.key()).collect();
    assert_eq!(keys, ["ongoing", "done", "done", "ongoing"]);
    assert_eq!(m[1].entry.status.label(), "AVSLUTAT");
    assert!(doc.warnings.is_empty());
    assert_eq!(doc.layout.as_ref().unwrap().statuses()[0], ("AVSLUTAT".to_owned(), "done".to_owned()));
    round_trips(&doc);
}

fn docx_table(heading: &str, rows: &[Vec<&str>]) -> Vec<u8> {
    use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
    let cell = |t: &str| TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(t)));
    let table = Table::new(rows.iter().map(|r| TableRow::new(r.iter().map(|t| cell(t)).collect())).collect());
    let mut out = std::io::Cursor::new(Vec::new());
    Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(heading)).style("Heading1"))
        .add_table(table)
        .build()
        .pack(&mut out)
        .unwrap();
    out.into_inner()
}

#[test]
fn a_norwegian_table_of_decisions_reads_with_the_measure_under_beskrivelse() {
    let rows = vec![
        vec!["Vedtakspunkt og dato", "Beskrivelse", "Ansvarlig", "Kommentar"],
        vec![
            "Sak 12/22, 3. mars 2022",
            "Etablere felles innkjøpsordning",
            "Rådmannsgruppen",
            "Avtale inngått",
        ],
        vec!["Sak 18/22, 5. mai 2022", "Kartlegge ladeinfrastruktur", "Klimanettverket", "Rapport levert"],
        vec!["Sak 25/22, 9. juni 2022", "Felles høringssvar om regionreformen", "Sekretariatet", "Sendt"],
    ];
    let bytes = docx_table("Vedtak fra styret", &rows);
    let columns = Mapping::parse_columns("measure=Beskrivelse,description=Kommentar").unwrap();
    let doc = read(FileKind::Docx, &bytes, &TableOptions { columns: Some(columns), ..Default::default() });
    let m = all(&doc);
    assert_eq!(m.len(), 3);
    assert_eq!(doc.sections[0].title, "Vedtak fra styret", "the heading above names the section");
    assert_eq!(m[0].title, "Etablere felles innkjøpsordning");
    assert_eq!(m[0].entry.description, "Avtale inngått");
    assert!(m.iter().all(|x| x.entry.status.key() == "none"));
    for x in &m {
        assert_eq!(x.entry.fields.keys().collect::<Vec<_>>(), ["Ansvarlig", "Vedtakspunkt og dato"]);
    }
    assert!(!doc.layout.as_ref().unwrap().suggested);
    round_trips(&doc);
}

#[test]
fn an_english_rag_report_keeps_dates_percentages_and_the_rating_as_typed_fields() {
    let csv = "Objective,Directorate,Stage,Due date,Percentage complete,Status (RAG),Comments\n\
               Publish the digital strategy,Digital,Completed,31.03.2025,100%,Green,Published in March\n\
               Open data portal,Digital,In progress,30.09.2025,40%,Amber,Supplier chosen\n\
               New procurement rules,Finance,Not started,2025-12-31,0%,Red,Waiting for funding\n\
               Shared payroll,Finance,In progress,30.06.2025,65%,Green,Pilot running\n";
    let v = Vocabulary::default_nb();
    // The web preview maps the statuses it can tell, for the person to confirm.
    let options = TableOptions { suggest_statuses: true, ..Default::default() };
    let doc = read(FileKind::Csv, csv.as_bytes(), &options);
    let layout = doc.layout.clone().unwrap();
    assert_eq!(
        layout.columns().iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        [
            Target::Measure,
            Target::Field,
            Target::Status,
            Target::Field,
            Target::Field,
            Target::Field,
            Target::Description
        ]
    );
    let m = all(&doc);
    assert_eq!(m.len(), 4);
    let categories: Vec<_> = m.iter().map(|x| v.category(&x.entry.status).unwrap().key()).collect();
    assert_eq!(categories, ["done", "in_progress", "not_started", "in_progress"]);
    assert_eq!(m[1].entry.status.label(), "In progress");
    let kinds: Vec<(&str, &str)> = layout.fields.iter().map(|f| (f.name.as_str(), f.kind.key())).collect();
    assert_eq!(
        kinds,
        [
            ("Directorate", "choice"),
            ("Due date", "date"),
            ("Percentage complete", "percent"),
            ("Status (RAG)", "choice")
        ]
    );
    assert_eq!(m[0].entry.fields["Due date"], "2025-03-31");
    assert_eq!(m[1].entry.fields["Percentage complete"], "40");
    assert_eq!(m[2].entry.fields["Status (RAG)"], "Red");
    assert!(m.iter().all(|x| x.entry.fields.len() == 4));
    // On the command line, without --statuses, the labels are kept and named in warnings.
    let doc = read(FileKind::Csv, csv.as_bytes(), &TableOptions::default());
    assert!(all(&doc).iter().all(|x| x.entry.status.key() == "none"));
    assert_eq!(doc.warnings.len(), 3);
    let options = TableOptions {
        statuses: Mapping::parse_statuses("Completed=done,In progress=ongoing,Not started=not_started", &v)
            .unwrap(),
        ..Default::default()
    };
    let doc = read(FileKind::Csv, csv.as_bytes(), &options);
    assert_eq!(
        all(&doc).iter().map(|x| x.entry.status.key()).collect::<Vec<_>>(),
        ["done", "ongoing", "not_started", "ongoing"]
    );
    round_trips(&doc);
}

#[test]
fn the_sample_as_a_secretariat_keeps_it_in_one_sheet_reads_like_the_report() {
    let report = sample();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Ark1").unwrap();
    let bold = Format::new().set_bold();
    sheet.merge_range(0, 0, 0, 4, "Status – Osloregionens handlingsprogram 2025 – pr 2 sept", &bold).unwrap();
    for (c, h) in ["Innsatsområde", "Tiltak", "Status", "Beskrivelse", "Bør videreføres?"].iter().enumerate()
    {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let mut r = 2;
    fn rows(sheet: &mut rust_xlsxwriter::Worksheet, r: &mut u32, area: &str, m: &Measure, depth: usize) {
        let title = format!("{}{}", "• ".repeat(depth.min(1)), m.title);
        let cells =
            [area, &title, m.entry.status.label(), &m.entry.description, &m.entry.continuation.comment];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(*r, c as u16, *v).unwrap();
            }
        }
        *r += 1;
        for child in &m.children {
            rows(sheet, r, "", child, depth + 1);
        }
    }
    for s in &report.sections {
        sheet.merge_range(r, 0, r, 4, &s.title, &bold).unwrap();
        r += 1;
        for m in &s.measures {
            rows(sheet, &mut r, "", m, 0);
        }
        for a in &s.areas {
            for (i, m) in a.measures.iter().enumerate() {
                rows(sheet, &mut r, if i == 0 { &a.title } else { "" }, m, 0);
            }
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let no_meta = ImportMeta { organisation: "osloregionen".into(), ..Default::default() };
    let doc =
        import::read(FileKind::Xlsx, &bytes, &Vocabulary::default_nb(), &no_meta, &TableOptions::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .doc;
    assert_eq!((doc.year, doc.round.label.as_str()), (2025, "pr 2 sept"), "from the title row");
    assert_eq!(
        doc.sections.iter().map(|s| &s.title).collect::<Vec<_>>(),
        report.sections.iter().map(|s| &s.title).collect::<Vec<_>>()
    );
    let (want, got) = (all(&report), all(&doc));
    assert_eq!(got.len(), 60);
    for (w, g) in want.iter().zip(&got) {
        assert_eq!((&g.title, g.entry.status.key()), (&w.title, w.entry.status.key()));
        assert_eq!(g.entry.continuation.decision.kind(), w.entry.continuation.decision.kind(), "{}", w.title);
        assert!(g.entry.fields.is_empty());
    }
    round_trips(&doc);
}

#[test]
fn without_a_mapping_the_error_lists_the_headings_and_a_columns_line() {
    let rows = vec![vec!["Nr", "Hva", "Hvem"], vec!["1", "Ting", "Kari"], vec!["2", "Mer", "Ola"]];
    let e = import::read(
        FileKind::Xlsx,
        &xlsx(&rows),
        &Vocabulary::default_nb(),
        &meta(),
        &TableOptions::default(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("Nr, Hva, Hvem"), "{e}");
    assert!(e.contains("--columns \"measure="), "{e}");
    // A heading the mapping names but the file lacks is named with those it has.
    let options = TableOptions {
        columns: Some(Mapping::parse_columns("measure=Tiltak").unwrap()),
        ..Default::default()
    };
    let e = import::read(FileKind::Xlsx, &xlsx(&rows), &Vocabulary::default_nb(), &meta(), &options)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("«Tiltak»") && e.contains("Nr, Hva, Hvem"), "{e}");
}

#[test]
fn with_a_mapping_only_the_tables_with_its_measure_column_are_read() {
    // Tiltak's own board document: a summary table, then the report's tables.
    let v = Vocabulary::default_nb();
    let bytes =
        tiltak_formats::docx::write_report(&sample(), &v, &Labels::for_language(Language::Nb)).unwrap();
    let suggested = read(FileKind::Docx, &bytes, &TableOptions::default());
    assert_eq!(all(&suggested).len(), 60);
    let columns = suggested.layout.unwrap().columns();
    let given = read(FileKind::Docx, &bytes, &TableOptions { columns: Some(columns), ..Default::default() });
    assert_eq!(all(&given).len(), 60);
}
