//! The import page: a file is read and shown (tree, warnings, what changes) without saving, then
//! saved on confirmation; an edited spreadsheet changes only the edited rows; bad files change nothing.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tiltak_core::{Language, StatusReport};
use tiltak_formats::{Labels, docx, spreadsheet};

use crate::TestApp;

const BOUNDARY: &str = "tiltak-test-boundary";

/// A multipart upload as a browser sends it.
pub(crate) async fn upload(app: &TestApp, name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> crate::Reply {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes(),
        );
    }
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").bytes());
    let request = Request::post("/osloregionen/import")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

/// The hidden fields of the confirmation form, to send back.
pub(crate) fn hidden_fields(body: &str) -> Vec<(String, String)> {
    let form = &body[body.find("/import/confirm").expect("a confirmation form")..];
    let form = &form[..form.find("</form>").unwrap()];
    form.split("<input type=\"hidden\" ")
        .skip(1)
        .map(|i| {
            let attr = |a: &str| {
                let at = i.find(&format!("{a}=\"")).unwrap() + a.len() + 2;
                i[at..at + i[at..].find('"').unwrap()]
                    .replace("&#43;", "+")
                    .replace("&#47;", "/")
                    .replace("&#61;", "=")
            };
            (attr("name"), attr("value"))
        })
        .collect()
}

pub(crate) async fn current(app: &TestApp) -> StatusReport {
    let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
    app.db.load_report(&org, 2025, None, tiltak_db::Audience::Members).await.unwrap()
}

#[tokio::test]
async fn an_edited_spreadsheet_is_previewed_then_saved_and_only_its_edited_rows_change() {
    for app in TestApp::all().await {
        let page = app.get("/osloregionen/import").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("enctype=\"multipart/form-data\""));

        let before = current(&app).await;
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let vocabulary = app.db.vocabulary(org.id).await.unwrap();
        let mut edited = before.clone();
        edited.sections[0].areas[0].measures[0].entry.description = "Oppdatert i regnearket".into();
        edited.sections[1].measures[0].entry.continuation.comment = "Nei".into();
        edited.sections[1].measures[0].entry.continuation.decision = tiltak_core::round::Decision::No;
        let xlsx =
            spreadsheet::write_xlsx(&edited, &vocabulary, &Labels::for_language(Language::Nb)).unwrap();

        let preview = upload(&app, "status.xlsx", &xlsx, &[("csrf", app.csrf.as_str())]).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(preview.body.contains("finnes og blir erstattet"), "{}", preview.body);
        assert!(preview.body.contains("2 tiltak er endret"), "{}", preview.body);
        assert_eq!(current(&app).await, before, "a preview saves nothing");

        let fields = hidden_fields(&preview.body);
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = app.post_raw("/osloregionen/import/confirm", &form, false).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert_eq!(saved.location.as_deref(), Some("/osloregionen/2025/report?round=2025-09-02"));
        let after = current(&app).await;
        let changed: Vec<_> = tiltak_core::diff::compare(&before, &after).into_iter().map(|c| c.id).collect();
        assert_eq!(
            changed,
            vec![
                before.sections[0].areas[0].measures[0].id.unwrap(),
                before.sections[1].measures[0].id.unwrap()
            ],
            "exactly the two edited rows"
        );
        let log = app.db.organisation_changes(org.id, Some(2025), None, Some("report."), 1).await.unwrap();
        assert_eq!(log[0].actor, "secretariat@example.no");
        assert_eq!(log[0].action, "report.replace");
        // A spreadsheet carries no owners: the area keeps its working group, its editor their access.
        let editor = app.db.user_by_email("editor@example.no").await.unwrap().unwrap();
        let programme = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        assert!(
            app.db.group_owns_measure(editor.id, programme.id, 10).await.unwrap(),
            "the import kept the owner"
        );
        let owners = app.db.owners(programme.id).await.unwrap();
        assert!(
            owners
                .iter()
                .any(|o| o.area == "Klima, miljø og natur:" && o.group.as_deref() == Some("Klimagruppa"))
        );
        // A measure outside any area is listed too, owned by the secretariat.
        let outside = before.sections[1].measures[0].id.unwrap();
        assert!(
            owners.iter().any(|o| o.area.is_empty()
                && o.measure.as_ref().map(|m| m.0) == Some(outside)
                && o.group.is_none()),
            "{owners:?}"
        );
    }
}

#[tokio::test]
async fn a_word_table_for_a_new_round_is_previewed_with_its_tree() {
    for app in TestApp::all().await {
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let vocabulary = app.db.vocabulary(org.id).await.unwrap();
        let mut report = current(&app).await;
        report.round.label = "pr 1 des".into();
        report.round.date = None;
        let bytes = docx::write_report(&report, &vocabulary, &Labels::for_language(Language::Nb)).unwrap();
        let preview =
            upload(&app, "styremøte.docx", &bytes, &[("csrf", app.csrf.as_str()), ("date", "2025-12-01")])
                .await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(preview.body.contains("Dette blir en ny runde"));
        assert!(preview.body.contains("runde «pr 1 des» (2025), 60 tiltak"), "{}", preview.body);
        assert!(preview.body.contains("Rikstunnel"), "the tree shows sub-measures");
        let fields = hidden_fields(&preview.body);
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = app.post_raw("/osloregionen/import/confirm", &form, false).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let p = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        let rounds = app.db.rounds(p.id).await.unwrap();
        assert_eq!(rounds.len(), 2);
        assert_eq!(rounds[1].date.as_deref(), Some("2025-12-01"));
        let new = app.db.round_report(&org, 2025, &rounds[1]).await.unwrap();
        let old = app.db.round_report(&org, 2025, &rounds[0]).await.unwrap();
        assert!(tiltak_core::diff::compare(&old, &new).is_empty(), "the same measures, matched by place");
    }
}

#[tokio::test]
async fn a_bad_file_is_named_and_changes_nothing() {
    for app in TestApp::all().await {
        let before = current(&app).await;
        let csv = "id,section,area,parent_id,position,title,status,description,decision,comment\n\
                   1,S,,,1,Tittel,nesten,,,\n";
        let r = upload(
            &app,
            "status.csv",
            csv.as_bytes(),
            &[("csrf", app.csrf.as_str()), ("year", "2025"), ("round", "pr 2 sept")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // In the person's language, with the place: file, row and column, and what was expected.
        assert!(
            r.body.contains("«status.csv» kunne ikke leses (1 feil). Ingenting er lagret."),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("<li>CSV-filen, rad 2, kolonne status: «nesten» er ikke en status; ventet en av"),
            "{}",
            r.body
        );
        let r = upload(&app, "status.xlsx", b"not a workbook", &[("csrf", app.csrf.as_str())]).await;
        assert!(r.body.contains("filen: ikke en XLSX-arbeidsbok"), "{}", r.body);
        assert_eq!(current(&app).await, before);
        // Without the CSRF field the upload is refused before it is read.
        let r = upload(&app, "status.csv", csv.as_bytes(), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn only_the_secretariat_and_admins_import() {
    for mut app in TestApp::all().await {
        for (persona, ok) in [("reader", false), ("editor", false), ("secretariat", true), ("admin", true)] {
            app.act_as(persona);
            let page = app.get("/osloregionen/import").await;
            assert_eq!(page.status == StatusCode::OK, ok, "{persona}");
            assert_eq!(
                app.get("/osloregionen/2025").await.body.contains("/osloregionen/import\""),
                ok,
                "{persona}"
            );
        }
    }
}

/// A spreadsheet exported before an editor's web save is imported: the preview names the measure
/// changed on the web since, the import keeps that save, and writes the file's other changes into
/// each measure's history. The CLI's `--replace` refuses such a file instead.
#[tokio::test]
async fn a_stale_import_keeps_the_newer_web_edit() {
    for mut app in TestApp::all().await {
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let vocabulary = app.db.vocabulary(org.id).await.unwrap();
        let mut old = current(&app).await;
        // The file changes measure 11, and has measure 10 as it was before the web save below.
        let first = &mut old.sections[0].areas[0].measures[0];
        assert_ne!(first.id, Some(10));
        let other = first.id.unwrap();
        first.entry.description = "Fra regnearket".into();
        let xlsx = spreadsheet::write_xlsx(&old, &vocabulary, &Labels::for_language(Language::Nb)).unwrap();

        app.act_as("editor");
        let v = app.version_of("2025-09-02", 10).await;
        let r = app
            .post(
                "/osloregionen/2025/rounds/2025-09-02/measures/10",
                &[
                    ("version", &v),
                    ("status", "done"),
                    ("description", "Ny tekst fra nettet"),
                    ("decision", "yes"),
                    ("comment", ""),
                ],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        app.act_as("secretariat");
        let preview = upload(&app, "status.xlsx", &xlsx, &[("csrf", app.csrf.as_str())]).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(preview.body.contains("Endret på nettet etter at filen ble laget"), "{}", preview.body);
        assert!(preview.body.contains("name=\"overwrite_newer\""));
        let fields = hidden_fields(&preview.body);
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = app.post_raw("/osloregionen/import/confirm", &form, false).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let now = current(&app).await;
        let find = |r: &StatusReport, id: u32| {
            r.programme().measures().into_iter().find(|(_, m)| m.id == Some(id)).unwrap().1.clone()
        };
        assert_eq!(find(&now, 10).entry.description, "Ny tekst fra nettet", "the newer web edit is kept");
        assert_eq!(find(&now, other).entry.description, "Fra regnearket", "the file's own change is saved");
        let history = app
            .db
            .changes(app.db.programme(org.id, 2025).await.unwrap().unwrap().id, Some(i64::from(other)), 5)
            .await
            .unwrap();
        assert!(
            history.iter().any(|c| c.action == "entry.import"
                && c.after.as_deref().is_some_and(|a| a.contains("Fra regnearket"))),
            "the import's change is in the measure's history: {history:?}"
        );
        // What the CLI's --replace does with the same stale file: refused, naming measure 10.
        let mut stale = old.clone();
        stale.sections[0].title = stale.sections[0].title.clone();
        let refused = app
            .db
            .save_report_as(
                &org,
                &stale,
                tiltak_db::IdSource::Document,
                tiltak_db::Owners::Keep,
                tiltak_db::OnExisting::ReplaceRefusingNewer,
                "cli",
            )
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("10 «"), "{refused}");
        assert_eq!(find(&current(&app).await, 10).entry.description, "Ny tekst fra nettet", "nothing saved");
    }
}

/// A spreadsheet exported after the last web save carries that save's version: it is not stale,
/// so its change is saved without asking; the preview shows the change field by field, old → new;
/// the status written as a label sets the matching key; and the import counts as an update in
/// the round's progress.
#[tokio::test]
async fn a_file_made_after_the_last_save_overwrites_it_and_shows_old_and_new() {
    for mut app in TestApp::all().await {
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let vocabulary = app.db.vocabulary(org.id).await.unwrap();
        app.act_as("editor");
        let v = app.version_of("2025-09-02", 10).await;
        let form = [
            ("version", v.as_str()),
            ("status", "ongoing"),
            ("description", "Fra nettet"),
            ("decision", "yes"),
            ("comment", ""),
        ];
        let r = app.post("/osloregionen/2025/rounds/2025-09-02/measures/10", &form, false).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // Exported now (with the save's version), the status changed by its label in the sheet.
        let mut file = current(&app).await;
        let ten = file
            .sections
            .iter_mut()
            .flat_map(|s| s.areas.iter_mut())
            .flat_map(|a| a.measures.iter_mut())
            .find(|m| m.id == Some(10))
            .unwrap();
        assert_eq!(ten.entry.version, Some(2), "the export carries the entry's version");
        ten.entry.status =
            tiltak_core::Status::Reported { key: "ongoing".into(), label: "Gjennomført".into() };
        let csv = tiltak_formats::csv_export::write(&file, &vocabulary, &Labels::for_language(Language::Nb));
        let csv = csv.replacen(",Pågående,Fra nettet,", ",Gjennomført,Fra nettet,", 1);

        app.act_as("secretariat");
        let fields = [("csrf", app.csrf.as_str()), ("year", "2025"), ("round", "pr 2 sept")];
        let preview = upload(&app, "status.csv", csv.as_bytes(), &fields).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(!preview.body.contains("name=\"overwrite_newer\""), "not stale: nothing to choose");
        assert!(
            preview.body.contains("<dt>Status</dt><dd><del>Pågående</del> → <ins>Gjennomført</ins></dd>")
        );
        let fields = hidden_fields(&preview.body);
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = app.post_raw("/osloregionen/import/confirm", &form, false).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let now = current(&app).await;
        let ten = now.programme().measures().into_iter().find(|(_, m)| m.id == Some(10)).unwrap().1.clone();
        assert_eq!(
            ten.entry.status,
            tiltak_core::Status::Reported { key: "done".into(), label: "Gjennomført".into() },
            "the label sets the key"
        );
        assert_eq!(ten.entry.version, Some(3));
        let round = app.db.rounds(app.db.programme(org.id, 2025).await.unwrap().unwrap().id).await.unwrap();
        let progress = app.db.round_progress(round[0].id).await.unwrap();
        assert_eq!(progress.entries, 60);
        assert_eq!(progress.updated, 60, "the sample's import and the saves are all updates in the round");
    }
}

/// A workbook as a spreadsheet program saves it after a person changed one cell: every cell of every
/// sheet copied, the cell at (sheet, row, column) holding `value` instead.
fn resave_with(xlsx: &[u8], sheet: &str, row: u32, column: u16, value: &str) -> Vec<u8> {
    use calamine::{Data, Reader};
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        let ws = out.add_worksheet().set_name(&name).unwrap();
        for (r, c, cell) in range.used_cells() {
            let (r, c) = (r as u32, c as u16);
            if name == sheet && (r, c) == (row, column) {
                ws.write_string(r, c, value).unwrap();
                continue;
            }
            match cell {
                Data::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()),
                Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()),
                Data::Empty => Ok(()),
                other => ws.write_string(r, c, other.to_string()).map(|_| ()),
            }
            .unwrap();
        }
    }
    out.save_to_buffer().unwrap()
}

/// The secretariat downloads the report as XLSX, a person changes one measure's status by its
/// label in the sheet, and the import sets that status (its key from the vocabulary), shows
/// old → new, and leaves every other measure as it was.
#[tokio::test]
async fn a_downloaded_workbook_with_one_status_changed_by_label_sets_that_status() {
    for mut app in TestApp::all().await {
        app.act_as("secretariat");
        let before = current(&app).await;
        let r = app.get("/osloregionen/2025/report/download?format=xlsx&round=2025-09-02").await;
        assert_eq!(r.status, StatusCode::OK);
        let labels = Labels::for_language(Language::Nb);
        let columns = tiltak_formats::csv_export::headings(&labels);
        let at =
            |c: tiltak_formats::labels::Column| columns.iter().position(|h| *h == labels.column(c)).unwrap();
        // The first measure that is "Pågående" in the first sheet (statuses are written in words).
        let (sheet, id) = {
            use calamine::Reader;
            let mut book = calamine::Xlsx::new(std::io::Cursor::new(r.bytes.clone())).unwrap();
            let name = book.sheet_names()[0].clone();
            let range = book.worksheet_range(&name).unwrap();
            let status = at(tiltak_formats::labels::Column::Status);
            let row = range.rows().position(|row| row[status] == "Pågående").unwrap();
            let id = range.rows().nth(row).unwrap()[at(tiltak_formats::labels::Column::Id)].to_string();
            ((name, row as u32), id.parse::<u32>().unwrap())
        };
        let edited = resave_with(
            &r.bytes,
            &sheet.0,
            sheet.1,
            at(tiltak_formats::labels::Column::Status) as u16,
            "Gjennomført",
        );

        let fields = [("csrf", app.csrf.as_str()), ("year", "2025"), ("round", "pr 2 sept")];
        let preview = upload(&app, "status.xlsx", &edited, &fields).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(
            preview.body.contains("<dt>Status</dt><dd><del>Pågående</del> → <ins>Gjennomført</ins></dd>"),
            "{}",
            preview.body
        );
        let fields = hidden_fields(&preview.body);
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = app.post_raw("/osloregionen/import/confirm", &form, false).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

        let now = current(&app).await;
        let changed: Vec<_> = before
            .programme()
            .measures()
            .into_iter()
            .zip(now.programme().measures())
            .filter(|((_, a), (_, b))| a.entry.status != b.entry.status)
            .map(|((_, _), (_, b))| (b.id, b.entry.status.clone()))
            .collect();
        assert_eq!(
            changed,
            vec![(
                Some(id),
                tiltak_core::Status::Reported { key: "done".into(), label: "Gjennomført".into() }
            )],
            "exactly that measure changed, to the status the label names"
        );
    }
}

/// A 10 MB spreadsheet (CSV) previews and is saved: the confirmation sends the preview's id, not
/// the file again, so any file the preview takes can be saved.
#[tokio::test]
async fn a_ten_megabyte_file_previews_and_confirms() {
    let app = TestApp::on(tiltak_db::testing::sqlite().await.unwrap()).await;
    let mut report = current(&app).await;
    let long = "Lang beskrivelse av arbeidet i arbeidsgruppen. ".repeat(10_000);
    for s in &mut report.sections {
        for a in &mut s.areas {
            for m in &mut a.measures {
                m.entry.description = long.clone();
            }
        }
    }
    let csv = tiltak_formats::csv_export::write(
        &report,
        &tiltak_core::Vocabulary::default_nb(),
        &tiltak_formats::Labels::for_language(tiltak_core::Language::Nb),
    );
    assert!(csv.len() > 10_000_000, "{} bytes", csv.len());
    let preview = upload(
        &app,
        "stor.csv",
        csv.as_bytes(),
        &[("csrf", app.csrf.as_str()), ("year", "2025"), ("round", "pr 2 sept")],
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", &preview.body[..preview.body.len().min(3000)]);
    let fields = hidden_fields(&preview.body);
    assert!(fields.iter().all(|(k, v)| k != "data" && v.len() < 100), "no file in the confirmation form");
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = app.post_raw("/osloregionen/import/confirm", &form, false).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", &saved.body[..saved.body.len().min(3000)]);
    let now = current(&app).await;
    assert!(now.programme().measures().iter().any(|(_, m)| m.entry.description == long.trim()), "saved");
    // The same confirmation again (after saving) finds no file: a clear message, nothing saved.
    let again = app.post_raw("/osloregionen/import/confirm", &form, false).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Last den opp på nytt"), "{}", again.body);
}

/// The fields a browser sends for the form whose action ends with `action`, as rendered: hidden
/// and text inputs, each select's chosen option, checked boxes (no button).
pub fn rendered_form(body: &str, action: &str) -> Vec<(String, String)> {
    use scraper::{Html, Selector};
    let doc = Html::parse_document(body);
    let form = doc
        .select(&Selector::parse("form").unwrap())
        .find(|f| f.value().attr("action").is_some_and(|a| a.ends_with(action)))
        .unwrap_or_else(|| panic!("a form to {action} in {body}"));
    let mut out = Vec::new();
    for el in form.select(&Selector::parse("input, select, textarea").unwrap()) {
        let v = el.value();
        let Some(name) = v.attr("name") else { continue };
        match v.name() {
            "select" => {
                let options: Vec<_> = el.select(&Selector::parse("option").unwrap()).collect();
                let chosen =
                    options.iter().find(|o| o.value().attr("selected").is_some()).or(options.first());
                out.push((
                    name.to_owned(),
                    chosen.and_then(|o| o.value().attr("value")).unwrap_or_default().to_owned(),
                ));
            }
            "textarea" => out.push((name.to_owned(), el.text().collect())),
            _ => match v.attr("type").unwrap_or("text") {
                "checkbox" if v.attr("checked").is_none() => {}
                "submit" | "file" => {}
                _ => out.push((name.to_owned(), v.attr("value").unwrap_or_default().to_owned())),
            },
        }
    }
    out
}

pub fn set(form: &mut [(String, String)], name: &str, value: &str) {
    let names: Vec<String> = form.iter().map(|(k, _)| k.clone()).collect();
    let field =
        form.iter_mut().find(|(k, _)| k == name).unwrap_or_else(|| panic!("no field {name} in {names:?}"));
    field.1 = value.to_owned();
}

pub async fn send_form(app: &TestApp, path: &str, form: &[(String, String)]) -> crate::Reply {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_raw(path, &fields, false).await
}

fn own_table(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Uppdrag").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_own_table_is_mapped_in_the_preview_saved_with_its_profile_and_the_next_file_needs_no_questions() {
    for app in TestApp::all().await {
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let heads = ["Nämnd", "Uppdrag", "Status", "Ansvarig", "Klart senast"];
        let first = own_table(&[
            heads,
            ["Kommunstyrelsen", "Ta fram en klimatplan", "PÅGÅENDE", "Anna", "30.06.2027"],
            ["Kommunstyrelsen", "Utreda gemensam IT", "AVSLUTAT", "Per", "31.03.2027"],
            ["Barn- och utbildningsnämnden", "Ny skolplan", "AVSLUTAT", "Eva", "2027-02-01"],
        ]);
        let fields = [("csrf", app.csrf.as_str()), ("year", "2027"), ("round", "pr 1 juni")];
        let preview = upload(&app, "uppdrag.xlsx", &first, &fields).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(
            preview.body.contains("Tiltak har foreslått hva hver kolonne inneholder"),
            "{}",
            preview.body
        );
        let mut form = rendered_form(&preview.body, "/import/confirm");
        let value =
            |form: &[(String, String)], k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(value(&form, "map:Uppdrag").as_deref(), Some("measure"));
        assert_eq!(value(&form, "map:Nämnd").as_deref(), Some("area"));
        assert_eq!(value(&form, "map:Ansvarig").as_deref(), Some("field"));
        assert_eq!(value(&form, "st:AVSLUTAT").as_deref(), Some("done"), "the suggestion, to confirm");
        assert!(app.db.programme(org.id, 2027).await.unwrap().is_none(), "a preview saves nothing");

        // The person changes a column: it is read again and shown, nothing saved yet.
        set(&mut form, "map:Klart senast", "skip");
        form.push(("step".into(), "remap".into()));
        let again = send_form(&app, "/osloregionen/import/confirm", &form).await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.body);
        assert!(again.body.contains("Kolonnene er lest slik dere valgte"), "{}", again.body);
        assert!(app.db.programme(org.id, 2027).await.unwrap().is_none());
        let mut form = rendered_form(&again.body, "/import/confirm");
        assert_eq!(value(&form, "map:Klart senast").as_deref(), Some("skip"));
        // Changed back, and saved straight away: what was not shown is shown first, not saved.
        set(&mut form, "map:Klart senast", "field");
        let shown = send_form(&app, "/osloregionen/import/confirm", &form).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
        assert!(app.db.programme(org.id, 2027).await.unwrap().is_none());
        let form = rendered_form(&shown.body, "/import/confirm");
        let saved = send_form(&app, "/osloregionen/import/confirm", &form).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

        // Saved: the measures with their statuses and fields, the organisation's new fields, the
        // profile, and AVSLUTAT as another name of Gjennomført.
        let programme = app.db.programme(org.id, 2027).await.unwrap().unwrap();
        let round = app.db.rounds(programme.id).await.unwrap().remove(0);
        let report = app.db.round_report(&org, 2027, &round).await.unwrap();
        let measures: Vec<_> = report.programme().measures().into_iter().map(|(_, m)| m.clone()).collect();
        assert_eq!(measures.len(), 3);
        assert_eq!(measures[1].entry.status.key(), "done");
        assert_eq!(measures[1].entry.status.label(), "AVSLUTAT");
        assert_eq!(measures[0].entry.fields["Klart senast"], "2027-06-30");
        assert_eq!(measures[2].entry.fields["Ansvarig"], "Eva");
        let defs = app.db.custom_fields(org.id).await.unwrap();
        let kinds: Vec<_> = defs.iter().map(|d| (d.name.as_str(), d.kind.key())).collect();
        assert_eq!(kinds, [("Ansvarig", "text"), ("Klart senast", "date")]);
        let vocabulary = app.db.vocabulary(org.id).await.unwrap();
        assert_eq!(vocabulary.match_label("avslutat").unwrap().key, "done");
        let log = app.db.organisation_changes(org.id, None, None, Some("import.profile"), 1).await.unwrap();
        assert_eq!(log.len(), 1);

        // The next round's file, same headings: read with the profile, no question about statuses.
        let next = own_table(&[
            heads,
            ["Kommunstyrelsen", "Ta fram en klimatplan", "AVSLUTAT", "Anna", "30.06.2027"],
            ["Kommunstyrelsen", "Utreda gemensam IT", "AVSLUTAT", "Per", "31.03.2027"],
            ["Barn- och utbildningsnämnden", "Ny skolplan", "PÅGÅENDE", "Ola", "2027-09-01"],
        ]);
        let fields = [("csrf", app.csrf.as_str()), ("year", "2027"), ("round", "pr 1 des")];
        let preview = upload(&app, "uppdrag-des.xlsx", &next, &fields).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(preview.body.contains("Kolonnene er lest med oppsettet dere lagret"), "{}", preview.body);
        assert!(!preview.body.contains("name=\"st:"), "no status to ask about");
        let saved =
            send_form(&app, "/osloregionen/import/confirm", &rendered_form(&preview.body, "/import/confirm"))
                .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    }
}

#[tokio::test]
async fn own_fields_of_each_kind_are_edited_checked_and_filtered() {
    for mut app in TestApp::all().await {
        app.act_as("admin");
        for (name, kind, choices) in [
            ("Ansvarlig", "text", ""),
            ("Frist", "date", ""),
            ("Ferdig", "percent", ""),
            ("Vurdering", "choice", "Grønn, Gul, Rød"),
        ] {
            let settings = app.get("/osloregionen/settings").await;
            // The last form to /settings/fields is the one that adds.
            let mut form = {
                use scraper::{Html, Selector};
                let doc = Html::parse_document(&settings.body);
                let forms: Vec<_> = doc
                    .select(&Selector::parse("form").unwrap())
                    .filter(|f| f.value().attr("action").is_some_and(|a| a.ends_with("/settings/fields")))
                    .map(|f| f.html())
                    .collect();
                rendered_form(forms.last().unwrap(), "/settings/fields")
            };
            set(&mut form, "name", name);
            set(&mut form, "kind", kind);
            set(&mut form, "choices", choices);
            form.push(("in_report".into(), "1".into()));
            let r = send_form(&app, "/osloregionen/settings/fields", &form).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        assert_eq!(app.db.custom_fields(org.id).await.unwrap().len(), 4);

        app.act_as("secretariat");
        let round = "2025-09-02";
        let path = format!("/osloregionen/2025/rounds/{round}/measures/10");
        let edit = app.get(&format!("{path}/edit")).await;
        assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
        assert!(edit.body.contains("type=\"date\" id=\"f1-10\" name=\"f:Frist\""), "{}", edit.body);
        let mut form = rendered_form(&edit.body, &path);
        set(&mut form, "f:Ansvarlig", "Kari Nordmann");
        set(&mut form, "f:Frist", "snart");
        let refused = send_form(&app, &path, &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Frist: «snart» er ikke en dato"), "{}", refused.body);
        set(&mut form, "f:Frist", "2025-12-15");
        set(&mut form, "f:Ferdig", "40");
        set(&mut form, "f:Vurdering", "Gul");
        let saved = send_form(&app, &path, &form).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let entry = app
            .db
            .editable_entry(
                app.db.programme(org.id, 2025).await.unwrap().unwrap().id,
                {
                    let p = app.db.programme(org.id, 2025).await.unwrap().unwrap();
                    app.db.rounds(p.id).await.unwrap().iter().find(|r| r.slug == round).unwrap().id
                },
                10,
            )
            .await
            .unwrap();
        let f = &entry.entry.fields;
        assert_eq!(
            (f["Ansvarlig"].as_str(), f["Frist"].as_str(), f["Ferdig"].as_str(), f["Vurdering"].as_str()),
            ("Kari Nordmann", "2025-12-15", "40", "Gul")
        );

        // The report shows them as columns and filters by them; the measure page lists them.
        let report =
            app.get(&format!("/osloregionen/2025/report?round={round}&field=Ansvarlig&value=kari")).await;
        assert_eq!(crate::report_rows(&report.body), 1, "{}", report.body);
        assert!(report.body.contains("<th scope=\"col\">Vurdering</th>"));
        assert!(report.body.contains("40 %"));
        let page = app.get("/osloregionen/2025/measures/10").await;
        assert!(page.body.contains("<dt>Frist</dt><dd>15. desember 2025</dd>"), "{}", page.body);
        // A date field is a due date in the calendar feed.
        let ics = app.get("/osloregionen/calendar.ics").await;
        assert!(
            ics.body.contains("SUMMARY:Frist: ") && ics.body.contains("DTSTART;VALUE=DATE:20251215"),
            "{}",
            ics.body
        );
        // And the JSON export carries them.
        let json = app.get(&format!("/osloregionen/2025/report/download?format=json&round={round}")).await;
        assert!(
            json.body.contains("\"Vurdering\": \"Gul\"") || json.body.contains("\"Vurdering\":\"Gul\""),
            "{}",
            &json.body[..500.min(json.body.len())]
        );
    }
}
