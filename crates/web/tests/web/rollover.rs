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

/// The visibility rule on lineage, both ways: the public never sees an unpublished year's titles
/// through a link, nor a status from an internal round; a measure added while the latest round is
/// internal appears for the public only once a public round has it.
#[tokio::test]
async fn lineage_and_new_measures_follow_the_visibility_rule() {
    for mut app in TestApp::all().await {
        let mut form: Vec<(String, String)> =
            vec![("round".into(), "2025-09-02".into()), ("action".into(), "save".into())];
        form.extend(ACCEPT.iter().map(|id| (format!("choice-{id}"), "accept".to_owned())));
        form.extend(REJECT.iter().map(|id| (format!("choice-{id}"), "reject".to_owned())));
        let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        // An event linked to measure 10 before the rollover stays linked to its successor.
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let p2025 = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        let mut event = tiltak_core::Entity::new(tiltak_core::EntityKind::Event, "Fagsamling om klima");
        event.starts_on = Some(time::macros::date!(2025 - 08 - 28));
        app.db.add_entity(org.id, event, Some((p2025.id, 10)), "test").await.unwrap();
        let saved = app.post("/osloregionen/2025/rollover", &borrowed, false).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        // 2026 is an unpublished draft: measure 10 of 2025 is carried into it, renamed there.
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let p2026 = app.db.programme(org.id, 2026).await.unwrap().unwrap();
        let successor = app.get("/osloregionen/2025/measures/10").await;
        let at = successor.body.find("/osloregionen/2026/measures/").expect("members see the successor");
        let number: String = successor.body[at + 28..].chars().take_while(char::is_ascii_digit).collect();
        let number: u32 = number.parse().unwrap();
        let carried = app.db.programme_entities(org.id, 2026, tiltak_db::Audience::Members).await.unwrap();
        assert_eq!(carried.len(), 1, "the carried measure keeps its links");
        assert_eq!(carried[0].0.entity.title, "Fagsamling om klima");
        assert_eq!(carried[0].1, vec![number]);
        let version =
            app.db.measure_detail(p2026.id, number, tiltak_db::Audience::Members).await.unwrap().version;
        app.db.rename_measure(org.id, p2026.id, number, "Hemmelig neste år", version, "test").await.unwrap();
        assert!(app.get("/osloregionen/2025/measures/10").await.body.contains("Hemmelig neste år"));
        app.act_as("anonymous");
        let public = app.get("/osloregionen/2025/measures/10").await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(!public.body.contains("Hemmelig neste år"), "an unpublished successor stays hidden");
        assert!(!public.body.contains("/osloregionen/2026/"), "{}", public.body);

        // 2026 published, with an internal first round: its measures show the 2025 status of the
        // public round, never one from an internal 2025 round.
        app.act_as("secretariat");
        app.db.set_published(p2026.id, true, "test").await.unwrap();
        let p2025 = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        let r = app
            .post("/osloregionen/2025/rounds", &[("label", "pr 1 des"), ("date", "2025-12-01")], false)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let internal =
            app.db.rounds(p2025.id).await.unwrap().into_iter().find(|r| r.label == "pr 1 des").unwrap();
        app.db.set_round_public(org.id, p2025.id, &internal, false, "test").await.unwrap();
        let v = app.version_of("2025-12-01", 10).await;
        let r = app
            .post(
                "/osloregionen/2025/rounds/2025-12-01/measures/10",
                &[
                    ("version", &v),
                    ("status", "will_not_be_done"),
                    ("description", "Internt"),
                    ("decision", "yes"),
                    ("comment", ""),
                ],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = app
            .post("/osloregionen/2026/rounds", &[("label", "pr 1 mai"), ("date", "2026-05-01")], false)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // A new round opens internal; the secretariat makes it public.
        let opened = app.db.rounds(p2026.id).await.unwrap().remove(0);
        app.db.set_round_public(org.id, p2026.id, &opened, true, "test").await.unwrap();
        app.act_as("anonymous");
        let public = app.get(&format!("/osloregionen/2026/measures/{number}")).await;
        assert_eq!(public.status, StatusCode::OK, "{}", public.body);
        assert!(public.body.contains("/osloregionen/2025/measures/10"), "the predecessor is public");
        assert!(
            !public.body.contains("Blir ikke gjennomført"),
            "not the internal round's status: {}",
            public.body
        );

        // A measure added while the latest round is internal is for members only…
        app.act_as("secretariat");
        let r2026 = app.db.rounds(p2026.id).await.unwrap().remove(0);
        app.db.set_round_public(org.id, p2026.id, &r2026, false, "test").await.unwrap();
        let places = app.db.programme_places(p2026.id).await.unwrap();
        let added = app
            .db
            .add_measure(
                org.id,
                p2026.id,
                tiltak_db::Placement::Section(places[0].0),
                "Nytt internt tiltak",
                "test",
            )
            .await
            .unwrap();
        app.act_as("anonymous");
        assert_eq!(
            app.get(&format!("/osloregionen/2026/measures/{added}")).await.status,
            StatusCode::NOT_FOUND
        );
        let search = app.get("/osloregionen/search?q=internt").await;
        assert!(!search.body.contains("Nytt internt tiltak"), "not found by the public either");
        assert!(!app.get("/osloregionen/2026/report").await.body.contains("Nytt internt tiltak"));
        // …until a public round has it.
        app.db.set_round_public(org.id, p2026.id, &r2026, true, "test").await.unwrap();
        let page = app.get("/osloregionen/2026/report").await;
        assert!(page.body.contains("Nytt internt tiltak"), "{}", page.body);
        assert_eq!(app.get(&format!("/osloregionen/2026/measures/{added}")).await.status, StatusCode::OK);
    }
}
