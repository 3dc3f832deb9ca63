//! The reporting round as a workflow: "my measures", progress per working group, the calendar
//! feed, comments and a measure's history — on SQLite and PostgreSQL, through the pages.

use axum::http::StatusCode;
use scraper::{Html, Selector};

use crate::TestApp;

/// Opens a new round (every entry carried forward, none updated yet) with a deadline.
pub async fn open_new_round(app: &mut TestApp) {
    app.act_as("secretariat");
    let r = app
        .post(
            "/osloregionen/2025/rounds",
            &[
                ("label", "pr 1 des"),
                ("date", "2025-12-01"),
                ("deadline", "2025-12-10"),
                ("freeze_previous", "1"),
            ],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Saves a measure as done, with this description, through its edit form's fields.
async fn save_done(app: &TestApp, round: &str, id: u32, description: &str) -> crate::Reply {
    let version = app.version_of(round, id).await;
    let form = [
        ("version", version.as_str()),
        ("status", "done"),
        ("description", description),
        ("decision", "yes"),
    ];
    app.post(&format!("/osloregionen/2025/rounds/{round}/measures/{id}"), &form, false).await
}

/// The measure numbers of the rows of the tables with this class.
fn numbers(body: &str, table: &str) -> Vec<u32> {
    let doc = Html::parse_document(body);
    let rows = Selector::parse(&format!("table.{table} tbody tr")).unwrap();
    let first = Selector::parse("td").unwrap();
    doc.select(&rows)
        .filter_map(|r| r.select(&first).next())
        .map(|td| td.text().collect::<String>().trim().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn mine_lists_exactly_the_viewers_measures_not_updated_first() {
    for mut app in TestApp::all().await {
        open_new_round(&mut app).await;
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let programme = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        let editor = app.db.user_by_email("editor@example.no").await.unwrap().unwrap();
        let owned = app.db.measures_owned_by(editor.id, programme.id).await.unwrap();
        assert!(owned.contains(&10) && !owned.contains(&2));

        app.act_as("editor");
        let r = save_done(&app, "2025-12-01", 11, "Ferdig").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        let mine = app.get("/osloregionen/mine").await;
        assert_eq!(mine.status, StatusCode::OK);
        let listed = numbers(&mine.body, "mine");
        let mut expected: Vec<u32> = owned.iter().copied().collect();
        expected.sort();
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(sorted, expected, "exactly the measures the editor's group owns");
        assert_eq!(listed.last(), Some(&11), "the updated one comes last");
        assert!(mine.body.contains("10. desember 2025"), "the deadline is shown");
        assert!(mine.body.contains("/osloregionen/2025/rounds/2025-12-01/measures/10/edit"));
        assert!(mine.body.contains("aria-current=\"page\">Mine tiltak</a>"), "in the navigation");

        app.act_as("secretariat");
        let all = numbers(&app.get("/osloregionen/mine").await.body, "mine");
        assert_eq!(all.len(), 60, "the secretariat's version lists every measure of the round");
    }
}

#[tokio::test]
async fn after_login_an_editor_lands_on_their_measures_and_others_on_the_programme() {
    let app = TestApp::all().await.remove(0);
    for (who, lands) in [("editor", "/osloregionen/mine"), ("reader", "/osloregionen/2025")] {
        let form = [("email", format!("{who}@example.no")), ("password", "correct horse battery".into())];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = app.post("/login", &form, false).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some(lands), "{who}");
    }
    let form = [
        ("email", "editor@example.no"),
        ("password", "correct horse battery"),
        ("next", "/osloregionen/2025/report"),
    ];
    let r = app.post("/login", &form, false).await;
    assert_eq!(r.location.as_deref(), Some("/osloregionen/2025/report"), "a valid next wins");
}

/// Parses "Klimagruppa | owned | updated | waiting" from the progress table.
fn progress_row(body: &str, group: &str) -> (usize, usize, usize) {
    let doc = Html::parse_document(body);
    let rows = Selector::parse("table tbody tr").unwrap();
    let cells = Selector::parse("th, td").unwrap();
    for r in doc.select(&rows) {
        let c: Vec<String> =
            r.select(&cells).map(|c| c.text().collect::<String>().trim().to_owned()).collect();
        if c[0] == group {
            return (c[1].parse().unwrap(), c[2].parse().unwrap(), c[3].parse().unwrap());
        }
    }
    panic!("no row for {group}: {body}")
}

#[tokio::test]
async fn progress_counts_change_when_an_editor_saves() {
    for mut app in TestApp::all().await {
        open_new_round(&mut app).await;
        let page = app.get("/osloregionen/2025/rounds/2025-12-01/progress").await;
        assert_eq!(page.status, StatusCode::OK);
        let (owned, updated, waiting) = progress_row(&page.body, "Klimagruppa");
        assert_eq!((updated, waiting), (0, owned), "a new round starts with nothing updated");
        assert!(page.body.contains("editor@example.no"), "the group's members are listed");
        let (_, _, secretariat) = progress_row(&page.body, "Sekretariatet");
        assert_eq!(owned + secretariat, 60, "every measure is someone's");

        app.act_as("editor");
        save_done(&app, "2025-12-01", 10, "Ferdig").await;
        app.act_as("reader");
        let page = app.get("/osloregionen/2025/rounds/2025-12-01/progress").await;
        assert_eq!(progress_row(&page.body, "Klimagruppa"), (owned, 1, owned - 1), "the board sees it too");

        // The report filters what is not yet updated.
        let report = app.get("/osloregionen/2025/report?round=2025-12-01&updated=no").await;
        assert_eq!(crate::report_rows(&report.body), 59);
        assert!(!report.body.contains("id=\"m10\""));
        let report = app.get("/osloregionen/2025/report?round=2025-12-01&updated=yes").await;
        assert_eq!(crate::report_rows(&report.body), 1);
        // The measure page says so.
        let measure = app.get("/osloregionen/2025/measures/10").await;
        assert!(measure.body.contains("badge ok\">Oppdatert"), "{}", measure.body);
        let measure = app.get("/osloregionen/2025/measures/2").await;
        assert!(measure.body.contains("badge waiting\">Ikke oppdatert"));
    }
}

#[tokio::test]
async fn the_calendar_holds_each_visible_deadline_and_a_revoked_feed_is_gone() {
    use icalendar::{Calendar, CalendarComponent, Component};
    for mut app in TestApp::all().await {
        open_new_round(&mut app).await;
        let events = |body: &str| -> Vec<(String, String)> {
            let calendar: Calendar = body.parse().expect("the feed parses as iCalendar");
            calendar
                .components
                .iter()
                .filter_map(|c| match c {
                    CalendarComponent::Event(e) => {
                        let (start, end) = (e.property_value("DTSTART"), e.property_value("DTEND"));
                        let (start, end) = (start.unwrap_or_default(), end.unwrap_or_default());
                        assert!(end > start, "an all-day event ends the day after it starts");
                        Some((e.get_uid().unwrap_or_default().to_owned(), start.to_owned()))
                    }
                    _ => None,
                })
                .collect()
        };
        // The new round is internal: the public feed does not show it.
        app.act_as("anonymous");
        let public = app.get("/osloregionen/calendar.ics").await;
        assert_eq!(public.status, StatusCode::OK);
        let public = events(&public.body);
        assert!(!public.iter().any(|(_, d)| d == "20251210"), "{public:?}");
        assert!(
            public.iter().any(|(uid, d)| uid.contains("2025-09-02-date") && d == "20250902"),
            "{public:?}"
        );

        // A member makes a personal feed: it holds the internal round's deadline, with a stable UID.
        app.act_as("editor");
        let made = app.post_follow("/osloregionen/calendar", &[("action", "create")]).await;
        let at = made.body.find("calendar.ics?key=").expect("the address is shown once");
        let key: String = made.body[at + 17..].chars().take_while(char::is_ascii_alphanumeric).collect();
        app.act_as("anonymous");
        let personal = app.get(&format!("/osloregionen/calendar.ics?key={key}")).await;
        assert_eq!(personal.status, StatusCode::OK);
        assert!(personal.body.starts_with("BEGIN:VCALENDAR"));
        let personal = events(&personal.body);
        let deadline = personal.iter().find(|(_, d)| d == "20251210").expect("the deadline is in the feed");
        assert_eq!(deadline.0, "osloregionen-2025-2025-12-01-deadline@127.0.0.1:8080");
        let again = events(&app.get(&format!("/osloregionen/calendar.ics?key={key}")).await.body);
        assert_eq!(again, personal, "the same events with the same UIDs every time");

        app.act_as("editor");
        app.post_follow("/osloregionen/calendar", &[("action", "revoke")]).await;
        app.act_as("anonymous");
        let gone = app.get(&format!("/osloregionen/calendar.ics?key={key}")).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND, "a revoked feed answers 404");
        assert_eq!(app.get("/osloregionen/calendar.ics?key=guess").await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn comments_are_for_members_only_and_in_the_history() {
    for mut app in TestApp::all().await {
        open_new_round(&mut app).await;
        let r = app
            .post_follow(
                "/osloregionen/2025/rounds/2025-12-01/measures/10/comments",
                &[("body", "Hvor langt har dere kommet med <klimaregnskapet>?")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains("Hvor langt har dere kommet med &#60;klimaregnskapet&#62;?"),
            "escaped: {}",
            r.body
        );
        app.act_as("editor");
        let r = app
            .post_follow(
                "/osloregionen/2025/rounds/2025-12-01/measures/10/comments",
                &[("body", "Vi er nesten ferdige."), ("back", "edit")],
            )
            .await;
        assert!(
            r.body.contains("Vi er nesten ferdige.") && r.body.contains("name=\"version\""),
            "back on the edit form"
        );
        // Not on a measure the editor's group does not own, and not empty.
        let r = app
            .post("/osloregionen/2025/rounds/2025-12-01/measures/2/comments", &[("body", "Hei")], false)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .post("/osloregionen/2025/rounds/2025-12-01/measures/10/comments", &[("body", "  ")], false)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Skriv noe i kommentaren"), "{}", r.body);

        app.act_as("reader");
        let page = app.get("/osloregionen/2025/measures/10").await;
        assert!(page.body.contains("Vi er nesten ferdige.") && page.body.contains("(Sekretariatet)"));
        assert!(!page.body.contains("name=\"body\""), "the board reads, it does not write");
        app.act_as("anonymous");
        let page = app.get("/osloregionen/2025/measures/10").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Vi er nesten ferdige."), "comments are for members only");
        app.act_as("secretariat");
        let log = app.get("/osloregionen/audit?action=comment.add").await;
        assert!(log.body.contains("Vi er nesten ferdige."), "in the audit log");
    }
}

#[tokio::test]
async fn the_history_lists_a_web_save_and_an_import_with_old_and_new() {
    use tiltak_core::Language;
    use tiltak_formats::Labels;
    for mut app in TestApp::all().await {
        app.act_as("editor");
        let r = save_done(&app, "2025-09-02", 10, "Ferdig på nettet").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Then the secretariat imports a sheet that changes the description again.
        app.act_as("secretariat");
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let vocabulary = app.db.vocabulary(org.id).await.unwrap();
        let file = crate::import::current(&app).await;
        let csv = tiltak_formats::csv_export::write(&file, &vocabulary, &Labels::for_language(Language::Nb));
        let csv = csv.replacen(",Ferdig på nettet,", ",Ferdig etter import,", 1);
        let fields = [("csrf", app.csrf.as_str()), ("year", "2025"), ("round", "pr 2 sept")];
        let preview = crate::import::upload(&app, "status.csv", csv.as_bytes(), &fields).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        let fields = crate::import::hidden_fields(&preview.body);
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = app.post_raw("/osloregionen/import/confirm", &form, false).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

        let page = app.get("/osloregionen/2025/measures/10").await;
        let timeline = &page.body[page.body.find("class=\"timeline\"").expect("a timeline")..];
        let import = timeline.find("Status importert").expect("the import is listed");
        let save = timeline.find("editor@example.no · Status oppdatert").expect("the web save is listed");
        assert!(import < save, "newest first: {timeline}");
        assert!(
            timeline.contains("<dt>Status</dt><dd><del>Pågående</del> → <ins>Gjennomført</ins></dd>"),
            "{timeline}"
        );
        assert!(timeline.contains("→ <ins>Ferdig på nettet</ins>"), "{timeline}");
        assert!(
            timeline.contains("<del>Ferdig på nettet</del> → <ins>Ferdig etter import</ins>"),
            "{timeline}"
        );
    }
}

/// Reminders by e-mail to a real SMTP server: one mail per person listing their groups' measures
/// not yet updated, each step of the schedule once — not again the next day, nor after a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_reach_the_groups_once_and_not_again_after_a_restart() {
    use tiltak_web::mail::Mailer;
    use tiltak_web::reminders::{Clock, spawn_schedule, tick};
    use time::macros::date;
    for mut app in TestApp::all().await {
        open_new_round(&mut app).await;
        let smtp = crate::smtp::SmtpServer::start();
        let url = "https://tiltak.example.no";
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let round = app.db.open_rounds(org.id).await.unwrap().remove(0).round;
        let plan = app.db.reminder_plan(org.id, round.id, None).await.unwrap();
        let to: Vec<&str> = plan.iter().map(|r| r.to.as_str()).collect();
        assert_eq!(
            to,
            ["editor@example.no", "secretariat@example.no"],
            "the group's member and the secretariat"
        );

        let mailer = Mailer::new(&smtp.url, "tiltak@example.no").unwrap();
        let sent = tick(&app.db, &mailer, date!(2025 - 11 - 20), url).await.unwrap();
        assert!(sent.sent.is_empty(), "nothing is due three weeks before");
        let sent = tick(&app.db, &mailer, date!(2025 - 12 - 03), url).await.unwrap();
        assert_eq!(sent.sent, to, "seven days before the deadline");
        let mails = smtp.wait_for(2);
        assert_eq!(mails.len(), 2);
        let editor = mails.iter().find(|m| m.to == ["editor@example.no"]).expect("the editor's mail");
        assert!(
            editor.subject().contains("pr 1 des") && editor.subject().contains("10. desember 2025"),
            "{}",
            editor.subject()
        );
        let body = editor.body();
        assert!(body.contains("Klimagruppa har"), "{body}");
        assert!(
            body.contains("https://tiltak.example.no/osloregionen/2025/rounds/2025-12-01/measures/10/edit"),
            "{body}"
        );
        assert!(!body.contains("/measures/2/edit"), "not another group's measure: {body}");

        // The next day, and after a restart (a new mailer, the same database): nothing again.
        let sent = tick(&app.db, &mailer, date!(2025 - 12 - 04), url).await.unwrap();
        assert!(sent.sent.is_empty() && sent.skipped.len() == 2, "{sent:?}");
        let restarted = Mailer::new(&smtp.url, "tiltak@example.no").unwrap();
        let sent = tick(&app.db, &restarted, date!(2025 - 12 - 05), url).await.unwrap();
        assert!(sent.sent.is_empty(), "{sent:?}");
        assert_eq!(smtp.mails().len(), 2);

        // On the day the schedule (with its clock set to the deadline) sends the second step.
        let schedule =
            spawn_schedule(app.db.clone(), restarted, Clock::fixed(date!(2025 - 12 - 10)), url.into());
        assert_eq!(smtp.wait_for(4).len(), 4, "the reminder on the day");
        schedule.abort();
    }
}

/// The secretariat's "send a reminder now" on the progress page, and its question on a measure,
/// reach the group by mail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secretariat_reminds_a_group_now_and_its_question_is_mailed() {
    use tiltak_web::mail::Mailer;
    for app in TestApp::all().await {
        let smtp = crate::smtp::SmtpServer::start();
        let mailer = Mailer::new(&smtp.url, "tiltak@example.no").unwrap();
        let mut app = app.with_state(|s| s.mailer = Some(mailer));
        open_new_round(&mut app).await;
        let page = app.get("/osloregionen/2025/rounds/2025-12-01/progress").await;
        let form =
            page.body.find("name=\"group\" value=\"Klimagruppa\"").expect("a reminder button per group");
        assert!(page.body[..form].contains("action=\"/osloregionen/2025/rounds/2025-12-01/remind\""));
        let done =
            app.post_follow("/osloregionen/2025/rounds/2025-12-01/remind", &[("group", "Klimagruppa")]).await;
        assert!(done.body.contains("Påminnelse sendt til 1 person for Klimagruppa."), "{}", done.body);
        let mails = smtp.wait_for(1);
        assert_eq!(mails[0].to, ["editor@example.no"]);

        let r = app
            .post(
                "/osloregionen/2025/rounds/2025-12-01/measures/10/comments",
                &[("body", "Når blir dette ferdig?")],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let mails = smtp.wait_for(2);
        let question = mails.last().unwrap();
        assert_eq!(question.to, ["editor@example.no"]);
        assert!(question.subject().starts_with("Spørsmål fra sekretariatet om"), "{}", question.subject());
        assert!(question.body().contains("> Når blir dette ferdig?"), "{}", question.body());
        let log = app.get("/osloregionen/audit?action=round.remind").await;
        assert!(log.body.contains("Klimagruppa: 1"), "{}", log.body);
    }
}

/// The schedule is the secretariat's to set: a number of days, or none; a wrong value is said beside
/// the field, with what was typed, and changes nothing.
#[tokio::test]
async fn the_reminder_schedule_is_set_in_settings_and_a_wrong_value_is_said_beside_the_field() {
    for app in TestApp::all().await {
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let r = app.post("/osloregionen/settings/reminders", &[("days", "61")], false).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("aria-invalid=\"true\"") && r.body.contains("value=\"61\""), "{}", r.body);
        assert!(r.body.contains("Skriv et helt antall dager fra 1 til 60"));
        assert_eq!(app.db.remind_days_before(org.id).await.unwrap(), Some(7), "nothing changed");
        let r = app.post_follow("/osloregionen/settings/reminders", &[("days", "3")]).await;
        assert!(r.body.contains("Påminnelser sendes 3 dager før fristen og på fristdagen."), "{}", r.body);
        let r = app.post_follow("/osloregionen/settings/reminders", &[("days", "")]).await;
        assert!(r.body.contains("Påminnelser er slått av."));
        assert_eq!(app.db.remind_days_before(org.id).await.unwrap(), None);
        let schedules = app.db.reminder_schedules().await.unwrap();
        assert!(!schedules.iter().any(|(id, _)| *id == org.id), "no schedule when off: {schedules:?}");
    }
}

/// Open data: a published programme as CSV and JSON with its licence, as the public sees it, and a
/// DCAT-AP-NO catalogue of them with absolute addresses; nothing of what is not published.
#[tokio::test]
async fn published_programmes_are_open_data_with_a_licence_and_a_dcat_catalogue() {
    for mut app in TestApp::all().await {
        open_new_round(&mut app).await; // internal: open data keeps showing the public round
        app.act_as("admin");
        let r = app.post_follow("/osloregionen/settings/licence", &[("licence", "CC-BY-4.0")]).await;
        assert!(r.body.contains("Åpne data publiseres nå under Creative Commons"), "{}", r.body);
        app.act_as("anonymous");
        let csv = app.get("/osloregionen/2025/data.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        let labels = tiltak_formats::Labels::for_language(tiltak_core::Language::Nb);
        assert!(csv.body.starts_with(&tiltak_formats::csv_export::headings(&labels).join(",")));
        let records = csv::Reader::from_reader(csv.body.as_bytes()).records().count();
        assert_eq!(records, 60, "the public round's 60 measures");
        let json: serde_json::Value =
            serde_json::from_str(&app.get("/osloregionen/2025/data.json").await.body).unwrap();
        assert_eq!(json["licence"]["id"], "CC-BY-4.0");
        assert_eq!(json["round"]["label"], "pr 2 sept", "the public round, not the internal one");
        let catalogue = app.get("/osloregionen/data.jsonld").await;
        assert_eq!(catalogue.status, StatusCode::OK);
        let catalogue: serde_json::Value = serde_json::from_str(&catalogue.body).unwrap();
        assert_eq!(catalogue["@type"], "dcat:Catalog");
        let datasets = catalogue["dcat:dataset"].as_array().unwrap();
        assert_eq!(datasets.len(), 1);
        let downloads: Vec<&str> = datasets[0]["dcat:distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["dcat:downloadURL"]["@id"].as_str().unwrap())
            .collect();
        assert_eq!(
            downloads,
            [
                "http://127.0.0.1:8080/osloregionen/2025/data.csv",
                "http://127.0.0.1:8080/osloregionen/2025/data.json"
            ]
        );
        assert_eq!(datasets[0]["dct:license"]["@id"], "https://creativecommons.org/licenses/by/4.0/");

        // Not published: no open data, not even for members.
        app.act_as("admin");
        let r =
            app.post("/osloregionen/settings/publish", &[("year", "2025"), ("published", "0")], false).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/osloregionen/2025/data.csv").await.status, StatusCode::NOT_FOUND);
        let catalogue: serde_json::Value =
            serde_json::from_str(&app.get("/osloregionen/data.jsonld").await.body).unwrap();
        assert!(catalogue["dcat:dataset"].as_array().unwrap().is_empty());
    }
}
