//! From the sample: see the plan for 2026, decide the pending ones, save, adopt, and follow the
//! lineage back to 2025.

use axum::http::StatusCode;

use crate::TestApp;

/// The sample's pending measures with a decision of their own to make (sub-measures follow).
const ACCEPT: &[&str] = &["3", "23", "29", "34", "39", "40", "41", "53"];
const REJECT: &[&str] = &["5", "6", "7", "8", "27", "33", "49", "54", "55", "56", "60"];

#[tokio::test]
async fn plan_decide_save_adopt_and_follow_the_lineage() {
    for app in TestApp::all().await {
        let page = app.get("/osloregionen/2025/rollover").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Må avgjøres (30)") && page.body.contains("Videreføres (28)"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Slås sammen (1)") && page.body.contains("Videreføres ikke (1)"));
        assert!(page.body.contains("Sirkulærøkonomi:"), "empty areas are listed");

        let r = app
            .post("/osloregionen/2025/rollover", &[("round", "2025-09-02"), ("action", "save")], false)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing pending is decided silently");
        assert!(r.body.contains("30 tiltak må avgjøres"));
        assert!(app.get("/osloregionen/2026").await.status == StatusCode::NOT_FOUND);

        let mut form: Vec<(String, String)> =
            vec![("round".into(), "2025-09-02".into()), ("action".into(), "preview".into())];
        form.extend(ACCEPT.iter().map(|id| (format!("choice-{id}"), "accept".to_owned())));
        form.extend(REJECT.iter().map(|id| (format!("choice-{id}"), "reject".to_owned())));
        let as_refs =
            |f: &Vec<(String, String)>| f.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
        let pairs = as_refs(&form);
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let preview = app.post("/osloregionen/2025/rollover", &borrowed, false).await;
        assert_eq!(preview.status, StatusCode::OK);
        assert!(preview.body.contains("Må avgjøres (0)"), "inherited sub-measures follow their umbrella");
        assert!(
            app.get("/osloregionen/2026").await.status == StatusCode::NOT_FOUND,
            "a preview saves nothing"
        );

        form[1].1 = "save".into();
        let pairs = as_refs(&form);
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = app.post("/osloregionen/2025/rollover", &borrowed, false).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert_eq!(saved.location.as_deref(), Some("/osloregionen/2026"));

        let overview = app.get("/osloregionen/2026").await;
        assert!(overview.body.contains("Osloregionens handlingsprogram 2026"));
        assert!(overview.body.contains("Registrer styrevedtak"), "a draft waits for the board");
        let again = app.post("/osloregionen/2025/rollover", &borrowed, false).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "a rollover is done once");

        // Carried: 28 + accepted 8 + the sub-measures under accepted umbrellas (24–26, 30–32, 35–38, 42).
        let summary = app.get("/osloregionen/2025/rollover/summary").await;
        assert!(summary.body.contains("Videreføres (47)"), "{}", summary.body);
        assert!(summary.body.contains("Slås sammen (1)") && summary.body.contains("59 Arbeide for at"));
        assert!(summary.body.contains("Nye tiltak (0)"));
        let md = app.get("/osloregionen/2025/rollover/summary?format=md").await;
        assert!(
            md.body.starts_with("# 2025 → 2026") && md.body.contains("## Ikke videreført (12)"),
            "9 and the eleven rejected: {}",
            md.body
        );

        let first = app.get("/osloregionen/2026/measures/1").await;
        assert!(
            first.body.contains("href=\"/osloregionen/2025/measures/1\""),
            "2026's measure links back to 2025"
        );
        assert!(first.body.contains("2025: Tiltak er blitt jobbet m ihht styrevedtak 6.feb 2025"));
        let back = app.get("/osloregionen/2025/measures/1").await;
        assert!(back.body.contains("href=\"/osloregionen/2026/measures/1\""), "and 2025's forward to 2026");
        let merged = app.get("/osloregionen/2025/measures/59").await;
        assert!(merged.body.contains("Slått sammen med"), "{}", merged.body);

        let r = app
            .post(
                "/osloregionen/2026/adopt",
                &[
                    ("decided_on", "2025-12-10"),
                    ("reference", "Sak 45/25"),
                    ("text", "Vedtatt som foreslått"),
                ],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let overview = app.get("/osloregionen/2026").await;
        assert!(!overview.body.contains("Registrer styrevedtak"));
        assert!(overview.body.contains("10. desember 2025 – Sak 45/25"));
        let org = app.get("/osloregionen").await;
        assert!(org.body.contains("Osloregionens handlingsprogram 2026</a>\n    (Vedtatt"), "{}", org.body);
    }
}
