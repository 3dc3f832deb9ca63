//! A new round starts from the last one; three updates show as exactly three changes; frozen
//! rounds are read-only.

use axum::http::StatusCode;

use crate::TestApp;

#[tokio::test]
async fn open_a_round_update_three_measures_and_see_exactly_those_three_changes() {
    for app in TestApp::all().await {
        let r = app
            .post(
                "/osloregionen/2025/rounds",
                &[("label", "pr 1 des"), ("date", "2025-12-01"), ("deadline", "2025-12-15")],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let rounds = app.get("/osloregionen/2025/rounds").await;
        assert!(rounds.body.contains("pr 1 des") && rounds.body.contains("15. desember 2025"));
        assert!(rounds.body.contains("0 av 60"), "the new round starts from the last one's 60 entries");

        let report = app.get("/osloregionen/2025/report").await;
        assert!(
            report.body.contains("<option value=\"2025-12-01\" selected>pr 1 des</option>"),
            "the latest round is shown"
        );

        let round = "2025-12-01";
        let save = |id: u32, status: &'static str, description: &'static str, decision: &'static str| {
            let app = &app;
            async move {
                let version = app.version_of(round, id).await;
                let condition = if decision == "conditional" { "ekstern finansiering" } else { "" };
                let r = app
                    .post(
                        &format!("/osloregionen/2025/rounds/{round}/measures/{id}"),
                        &[
                            ("version", &version),
                            ("status", status),
                            ("description", description),
                            ("decision", decision),
                            ("condition", condition),
                            ("merge_into", ""),
                            ("comment", ""),
                        ],
                        false,
                    )
                    .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            }
        };
        save(2, "done", "Avtale inngått med fylkeskommunene", "yes").await;
        save(27, "ongoing", "Kartlegging startet i oktober", "yes").await;
        save(56, "not_started", "", "conditional").await;

        let rounds = app.get("/osloregionen/2025/rounds").await;
        assert!(rounds.body.contains("3 av 60"), "{}", rounds.body);
        let changes = app.get(&format!("/osloregionen/2025/rounds/{round}/changes")).await;
        assert!(changes.body.contains("3 tiltak er endret"), "{}", changes.body);
        assert_eq!(changes.body.matches("<li id=\"c").count(), 3);
        for id in [2, 27, 56] {
            assert!(changes.body.contains(&format!("<li id=\"c{id}\"")), "measure {id} is listed");
        }
        assert!(changes.body.contains("<ins>Kartlegging startet i oktober</ins>"));
        assert!(changes.body.contains("Hvis ekstern finansiering"));
        let first_round = app.get("/osloregionen/2025/rounds/2025-09-02/changes").await;
        assert!(first_round.body.contains("første runde"));

        // The same changes as a Word document for the board: the three measures, no others.
        let href = format!("/osloregionen/2025/rounds/{round}/changes/download?format=docx");
        assert!(changes.body.contains(&href), "the page offers it");
        let docx = app.get(&href).await;
        assert_eq!(docx.status, StatusCode::OK);
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let p = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        let rounds = app.db.rounds(p.id).await.unwrap();
        let (before, after) = (
            app.db.round_report(&org, 2025, &rounds[0]).await.unwrap(),
            app.db.round_report(&org, 2025, &rounds[1]).await.unwrap(),
        );
        let labels = tiltak_formats::Labels::for_language(tiltak_core::Language::Nb);
        let expected =
            tiltak_formats::board::ChangesReport::new(Some((&rounds[0].label, &before)), &after, &labels);
        assert_eq!(expected.rows.len(), 3);
        assert_eq!(docx.bytes, tiltak_formats::docx::write_changes(&expected).unwrap());
        #[cfg(feature = "pdf")]
        {
            let pdf = app.get(&href.replace("docx", "pdf")).await;
            assert!(pdf.bytes.starts_with(b"%PDF-"));
        }

        // A measure added while the round is open is new in its changes.
        let r = app
            .post(
                "/osloregionen/2025/measures",
                &[("place", "under:16"), ("title", "Nattog til Stockholm")],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let changes = app.get(&format!("/osloregionen/2025/rounds/{round}/changes")).await;
        assert!(changes.body.contains("<li id=\"c61\" class=\"change-added\">"), "{}", changes.body);
        assert!(changes.body.contains("Nytt tiltak"));

        let r = app
            .post(&format!("/osloregionen/2025/rounds/{round}/freeze"), &[("confirm", "yes")], false)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let edit = app.get(&format!("/osloregionen/2025/rounds/{round}/measures/2/edit")).await;
        assert_eq!(edit.status, StatusCode::CONFLICT, "a frozen round is read-only");
        let report = app.get("/osloregionen/2025/report").await;
        assert!(!report.body.contains("/edit\""), "no edit links in a frozen round");
        let r = app.post("/osloregionen/2025/measures/2/remove", &[], false).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "a measure of a frozen report stays");
    }
}

#[tokio::test]
async fn a_round_with_a_taken_label_or_a_bad_date_is_refused_with_a_message() {
    for app in TestApp::all().await {
        let r = app
            .post("/osloregionen/2025/rounds", &[("label", "pr 2 sept"), ("date", "2025-10-01")], false)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("finnes allerede") && r.body.contains("value=\"pr 2 sept\""), "{}", r.body);
        let r = app
            .post("/osloregionen/2025/rounds", &[("label", "pr 1 okt"), ("date", "1. oktober")], false)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("ÅÅÅÅ-MM-DD") && r.body.contains("«1. oktober»"), "{}", r.body);
        let rounds = app.get("/osloregionen/2025/rounds").await;
        assert!(!rounds.body.contains("pr 1 okt"));
    }
}

/// A round's life: it opens internal, its dates are checked, the previous round can be frozen as
/// it opens, freezing asks first, and an admin can reopen a frozen round (logged).
#[tokio::test]
async fn a_round_opens_internal_freezes_after_asking_and_reopens_for_an_admin() {
    for mut app in TestApp::all().await {
        let r = app
            .post(
                "/osloregionen/2025/rounds",
                &[("label", "pr 1 des"), ("date", "2025-12-01"), ("deadline", "2025-11-01")],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Fristen 1. november 2025 er før rundens dato 1. desember 2025"),
            "{}",
            r.body
        );
        let r = app
            .post("/osloregionen/2025/rounds", &[("label", "pr 1 des"), ("date", "2031-12-01")], false)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("for langt fra programåret 2025"), "{}", r.body);

        let page = app.get("/osloregionen/2025/rounds").await;
        assert!(page.body.contains("name=\"freeze_previous\" value=\"1\" checked"), "the form offers it");
        let r = app
            .post(
                "/osloregionen/2025/rounds",
                &[
                    ("label", "pr 1 des"),
                    ("date", "2025-12-01"),
                    ("deadline", "2025-12-15"),
                    ("freeze_previous", "1"),
                ],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let p = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        let rounds = app.db.rounds(p.id).await.unwrap();
        assert!(rounds[0].frozen, "the previous round is frozen as offered");
        assert!(!rounds[1].public && !rounds[1].frozen, "the new round opens internal and open");
        app.act_as("anonymous");
        assert!(
            !app.get("/osloregionen/2025/rounds").await.body.contains("pr 1 des"),
            "the public does not see it"
        );
        assert_eq!(
            app.get("/osloregionen/2025/rounds/2025-12-01/changes").await.status,
            StatusCode::NOT_FOUND
        );

        // Freezing asks first.
        app.act_as("secretariat");
        let ask = app.post("/osloregionen/2025/rounds/2025-12-01/freeze", &[], false).await;
        assert_eq!(ask.status, StatusCode::OK);
        assert!(
            ask.body.contains("Låse runden pr 1 des?") && ask.body.contains("name=\"confirm\" value=\"yes\""),
            "{}",
            ask.body
        );
        assert!(!app.db.rounds(p.id).await.unwrap()[1].frozen, "asking freezes nothing");
        let r = app.post("/osloregionen/2025/rounds/2025-12-01/freeze", &[("confirm", "yes")], false).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(app.db.rounds(p.id).await.unwrap()[1].frozen);

        // Only an admin reopens, and it is logged.
        let r = app.post("/osloregionen/2025/rounds/2025-12-01/reopen", &[], false).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        app.act_as("admin");
        assert!(app.get("/osloregionen/2025/rounds").await.body.contains("Åpne igjen"));
        let r = app.post("/osloregionen/2025/rounds/2025-12-01/reopen", &[], false).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(!app.db.rounds(p.id).await.unwrap()[1].frozen);
        let log = app.get("/osloregionen/audit").await;
        assert!(
            log.body.contains("Runde åpnet igjen") && log.body.contains("admin@example.no"),
            "{}",
            log.body
        );
    }
}
