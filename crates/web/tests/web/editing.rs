//! Editing a measure's entry with and without JavaScript; a stale save is refused, never lost.

use axum::http::StatusCode;

use crate::TestApp;

const ROUND: &str = "2025-09-02";

fn form<'a>(version: &'a str, status: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("version", version),
        ("status", status),
        ("description", description),
        ("decision", "yes"),
        ("condition", ""),
        ("merge_into", ""),
        ("comment", "ja"),
    ]
}

#[tokio::test]
async fn a_plain_form_saves_and_the_report_shows_it() {
    for app in TestApp::all().await {
        let version = app.version_of(ROUND, 7).await;
        let r = app
            .post(
                &format!("/osloregionen/2025/rounds/{ROUND}/measures/7"),
                &form(&version, "done", "Holdt innlegg på Arendalsuka"),
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let to = r.location.unwrap();
        assert!(to.contains("saved=7#m7"), "{to}");
        let report = app.get(&to).await;
        assert!(report.body.contains("Lagret."));
        assert!(report.body.contains("Holdt innlegg på Arendalsuka"));
        let measure = app.get("/osloregionen/2025/measures/7").await;
        assert!(
            measure.body.contains("Status oppdatert"),
            "the change is kept in the log, as people read it"
        );
        assert!(!measure.body.contains("entry.update") && measure.body.contains(" kl. "));
    }
}

#[tokio::test]
async fn htmx_gets_the_form_and_the_saved_row_as_fragments() {
    for app in TestApp::all().await {
        let edit = app
            .get_with(
                &format!("/osloregionen/2025/rounds/{ROUND}/measures/3/edit"),
                &[("hx-request", "true")],
            )
            .await;
        assert!(edit.body.trim_start().starts_with("<tr id=\"m3\""), "{}", edit.body);
        assert!(edit.body.contains("hx-post="));
        let version = app.version_of(ROUND, 3).await;
        let r = app
            .post(
                &format!("/osloregionen/2025/rounds/{ROUND}/measures/3"),
                &form(&version, "ongoing", "Ny søknad sendt"),
                true,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.trim_start().starts_with("<tr id=\"m3\""));
        assert!(r.body.contains("Ny søknad sendt") && r.body.contains("Pågående"));
    }
}

#[tokio::test]
async fn a_stale_save_is_refused_with_the_other_change_shown() {
    for app in TestApp::all().await {
        let stale = app.version_of(ROUND, 12).await;
        let first = app
            .post(
                &format!("/osloregionen/2025/rounds/{ROUND}/measures/12"),
                &form(&stale, "done", "Første persons tekst"),
                false,
            )
            .await;
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        let second = app
            .post(
                &format!("/osloregionen/2025/rounds/{ROUND}/measures/12"),
                &form(&stale, "not_started", "Andre persons tekst"),
                false,
            )
            .await;
        assert_eq!(second.status, StatusCode::CONFLICT);
        assert!(second.body.contains("Noen andre har lagret"));
        assert!(second.body.contains("Første persons tekst"), "the other person's change is shown");
        assert!(second.body.contains("Andre persons tekst"), "your own values stay in the form");
        let report = app.get("/osloregionen/2025/report").await;
        assert!(
            report.body.contains("Første persons tekst") && !report.body.contains("Andre persons tekst"),
            "nothing was overwritten"
        );
    }
}

#[tokio::test]
async fn invalid_values_are_refused_with_a_message() {
    for app in TestApp::all().await {
        let version = app.version_of(ROUND, 5).await;
        let mut f = form(&version, "ongoing", "x");
        f[3] = ("decision", "conditional");
        let r = app.post(&format!("/osloregionen/2025/rounds/{ROUND}/measures/5"), &f, false).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Betingelse"));
        let r = app
            .post(
                &format!("/osloregionen/2025/rounds/{ROUND}/measures/5"),
                &form(&version, "finished", "x"),
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn text_comes_back_escaped() {
    for app in TestApp::all().await {
        let xss = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        let version = app.version_of(ROUND, 8).await;
        let r = app
            .post(
                &format!("/osloregionen/2025/rounds/{ROUND}/measures/8"),
                &form(&version, "done", xss),
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        for page in
            ["/osloregionen/2025/report", "/osloregionen/2025/measures/8", "/osloregionen/search?q=alert"]
        {
            let body = app.get(page).await.body;
            assert!(!body.contains("<script>alert") && !body.contains("<img src=x"), "{page}");
            assert!(
                body.contains("&lt;script&gt;")
                    || body.contains("&#60;script&#62;")
                    || page.contains("search"),
                "{page}"
            );
        }
    }
}

#[tokio::test]
async fn measures_are_added_renamed_moved_and_removed() {
    for app in TestApp::all().await {
        let r = app
            .post(
                "/osloregionen/2025/measures",
                &[("place", "under:10"), ("title", "Webinar om overvann")],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/osloregionen/2025/measures/61"));
        let page = app.get("/osloregionen/2025/measures/61").await;
        assert!(
            page.body.contains("Webinar om overvann") && page.body.contains("/osloregionen/2025/measures/10")
        );

        let version = {
            let at = page.body.find("name=\"version\" value=\"").unwrap();
            let rest = &page.body[at + 22..];
            rest[..rest.find('"').unwrap()].to_owned()
        };
        let r = app
            .post(
                "/osloregionen/2025/measures/61/rename",
                &[("title", "Webinar om overvann og flom"), ("version", &version)],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = app
            .post(
                "/osloregionen/2025/measures/61/rename",
                &[("title", "Gammel tittel"), ("version", &version)],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "a stale rename is refused");

        let r = app.post("/osloregionen/2025/measures/61/move", &[("direction", "up")], false).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let report = app.get("/osloregionen/2025/report").await.body;
        let new = report.find("Webinar om overvann og flom").unwrap();
        let last_sibling = report.find("Erfaringsdeling om bruk av offentlige innkjøp").unwrap();
        assert!(new < last_sibling, "moved above its former neighbour");

        let report = app.get("/osloregionen/2025/report").await.body;
        let place = report.split("<option value=\"area:").nth(1).expect("areas are offered as places");
        let area_id = &place[..place.find('"').unwrap()];
        let r = app
            .post(
                "/osloregionen/2025/measures",
                &[("place", &format!("area:{area_id}")), ("title", "Nytt hovedtiltak")],
                false,
            )
            .await;
        assert_eq!(r.location.as_deref(), Some("/osloregionen/2025/measures/62"));
        assert!(app.get("/osloregionen/2025/report").await.body.contains("Nytt hovedtiltak"));
        let r =
            app.post("/osloregionen/2025/measures", &[("place", "area:x"), ("title", "Feil")], false).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r =
            app.post("/osloregionen/2025/measures", &[("place", "under:10"), ("title", "  ")], false).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a measure needs a title");

        let r = app.post("/osloregionen/2025/measures/61/remove", &[], false).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/osloregionen/2025/measures/61").await.status, StatusCode::NOT_FOUND);
    }
}

/// The fields of an edit form as rendered: names with the values it would send.
fn form_fields(body: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(body);
    let fields =
        scraper::Selector::parse("form.edit-form input, form.edit-form select, form.edit-form textarea")
            .unwrap();
    let selected = scraper::Selector::parse("option[selected]").unwrap();
    let mut out = Vec::new();
    for el in doc.select(&fields) {
        let Some(name) = el.value().attr("name") else { continue };
        let value = match el.value().name() {
            "textarea" => el.text().collect(),
            "select" => el
                .select(&selected)
                .next()
                .and_then(|o| o.value().attr("value"))
                .unwrap_or_default()
                .to_owned(),
            _ => el.value().attr("value").unwrap_or_default().to_owned(),
        };
        out.push((name.to_owned(), value));
    }
    out
}

/// The edit form as rendered for this measure: its fields, with the values it started from.
async fn rendered_form(app: &TestApp, round: &str, id: u32) -> Vec<(String, String)> {
    let page = app.get(&format!("/osloregionen/2025/rounds/{round}/measures/{id}/edit")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    form_fields(&page.body)
}

fn with(form: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    form.iter().map(|(k, v)| (k.clone(), if k == name { value.to_owned() } else { v.clone() })).collect()
}

async fn submit(app: &TestApp, id: u32, form: &[(String, String)]) -> crate::Reply {
    let pairs: Vec<(&str, &str)> =
        form.iter().filter(|(k, _)| k != "csrf").map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post(&format!("/osloregionen/2025/rounds/2025-09-02/measures/{id}"), &pairs, false).await
}

/// Two people open the same measure; A changes the status, B only the description. B's save
/// merges: A's status stays. When both change the same field, B sees A's value and decides, and
/// saving again keeps A's other changes.
#[tokio::test]
async fn conflicts_are_merged_field_by_field() {
    for mut app in TestApp::all().await {
        app.act_as("secretariat");
        let a = rendered_form(&app, "2025-09-02", 10).await;
        app.act_as("admin");
        let b = rendered_form(&app, "2025-09-02", 10).await;
        app.act_as("secretariat");
        assert_eq!(submit(&app, 10, &with(&a, "status", "done")).await.status, StatusCode::SEE_OTHER);
        app.act_as("admin");
        let r = submit(&app, 10, &with(&b, "description", "Bare beskrivelsen er endret.")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "nothing to ask: {}", r.body);
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let p = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        let round = app.db.rounds(p.id).await.unwrap().remove(0);
        let saved = app.db.editable_entry(p.id, round.id, 10).await.unwrap();
        assert_eq!(saved.entry.status.key(), "done", "A's status is kept");
        assert_eq!(saved.entry.description, "Bare beskrivelsen er endret.");

        // Both change the comment: B is asked, with A's comment shown.
        app.act_as("secretariat");
        let a = rendered_form(&app, "2025-09-02", 10).await;
        app.act_as("admin");
        let b = rendered_form(&app, "2025-09-02", 10).await;
        app.act_as("secretariat");
        let a2 = with(&with(&a, "comment", "Kommentar fra A"), "decision", "no");
        assert_eq!(submit(&app, 10, &a2).await.status, StatusCode::SEE_OTHER);
        app.act_as("admin");
        let r = submit(&app, 10, &with(&b, "comment", "Kommentar fra B")).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Kommentar fra A") && r.body.contains("Kommentar fra B"), "{}", r.body);
        // Saving the conflict page as it is keeps A's decision (B never changed it).
        let again = form_fields(&r.body);
        assert_eq!(submit(&app, 10, &again).await.status, StatusCode::SEE_OTHER);
        let saved = app.db.editable_entry(p.id, round.id, 10).await.unwrap();
        assert_eq!(saved.entry.continuation.decision.kind().key(), "no", "A's decision is not reverted");
        assert_eq!(saved.entry.continuation.comment, "Kommentar fra B");
        assert_eq!(saved.entry.status.key(), "done");
    }
}

/// Eight people save the very first entry of a measure at once: one is saved, the others are
/// told someone was first (409), never an error.
#[tokio::test]
async fn raced_first_saves_are_conflicts_not_errors() {
    for app in TestApp::all().await {
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let p = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        let first = app.db.rounds(p.id).await.unwrap().remove(0);
        app.db.freeze_round(org.id, p.id, &first, "test").await.unwrap();
        let places = app.db.programme_places(p.id).await.unwrap();
        let id = app
            .db
            .add_measure(org.id, p.id, tiltak_db::Placement::Section(places[0].0), "Uten runde", "test")
            .await
            .unwrap();
        let r = app
            .post("/osloregionen/2025/rounds", &[("label", "pr 1 des"), ("date", "2025-12-01")], false)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let version = app.version_of("2025-12-01", id).await;
        assert_eq!(version, "0", "the new measure has no entry in the new round yet");
        let path = format!("/osloregionen/2025/rounds/2025-12-01/measures/{id}");
        let saves = (0..8).map(|i| {
            let (app, path, version) = (&app, &path, &version);
            async move {
                let description = format!("Lagret av nummer {i}");
                app.post(
                    path,
                    &[
                        ("version", version),
                        ("status", "ongoing"),
                        ("description", &description),
                        ("decision", "yes"),
                    ],
                    false,
                )
                .await
                .status
            }
        });
        let statuses = futures_util::future::join_all(saves).await;
        let saved = statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count();
        assert!(saved >= 1, "{statuses:?}");
        assert!(
            statuses.iter().all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT),
            "{statuses:?}"
        );
    }
}

/// The server makes the report PDFs downloaded lately again after a change (ahead of the next
/// download): a download right after a save, and one a moment later, both have the change.
#[cfg(feature = "pdf")]
#[tokio::test]
async fn the_pdf_downloaded_after_a_save_is_made_from_the_saved_entry() {
    for app in TestApp::all().await {
        let pdf = "/osloregionen/2025/report/download?format=pdf";
        let before = app.get(pdf).await;
        assert!(before.bytes.starts_with(b"%PDF-"));
        let version = app.version_of(ROUND, 7).await;
        let path = format!("/osloregionen/2025/rounds/{ROUND}/measures/7");
        let r = app.post(&path, &form(&version, "done", "Ferdig før fristen, med rapport"), false).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let at_once = app.get(pdf).await;
        assert_ne!(at_once.bytes, before.bytes, "{:?}: no PDF from before the save", app.db.backend());
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(app.get(pdf).await.bytes, at_once.bytes, "made once for the saved data");
    }
}
