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
        assert!(measure.body.contains("entry.update"), "the change is kept in the log");
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
