//! Events, projects, partners and board decisions as data: created on their pages, linked to
//! measures, shown on the measure page, in the programme's events list, the calendar feed, the
//! JSON and CSV files — each by the visibility rule; suggestions found in the sample's text wait
//! for a person; and the annual report is drafted, edited and downloaded. Every form is sent as
//! the page rendered it.

use axum::http::StatusCode;
use scraper::{Html, Selector};

use crate::TestApp;
use crate::import::{send_form, set};

/// The fields of the first form whose action ends with `action` (or holds it, when it ends with
/// a slash) and (when given) that has a field
/// `name` with `value`, as rendered: hidden fields, values, selected options, checked boxes.
fn form(body: &str, action: &str, with: Option<(&str, &str)>) -> (String, Vec<(String, String)>) {
    let doc = Html::parse_document(body);
    let sel = |s: &str| Selector::parse(s).unwrap();
    for f in doc.select(&sel("form")) {
        let fits = |a: &&str| if action.ends_with('/') { a.contains(action) } else { a.ends_with(action) };
        let Some(to) = f.value().attr("action").filter(fits) else { continue };
        let mut out = Vec::new();
        for el in f.select(&sel("input, select, textarea")) {
            let v = el.value();
            let Some(name) = v.attr("name") else { continue };
            match v.name() {
                "select" => {
                    let options: Vec<_> = el.select(&sel("option")).collect();
                    let chosen =
                        options.iter().find(|o| o.value().attr("selected").is_some()).or(options.first());
                    let value = chosen.and_then(|o| o.value().attr("value")).unwrap_or_default();
                    out.push((name.to_owned(), value.to_owned()));
                }
                "textarea" => out.push((name.to_owned(), el.text().collect())),
                _ => match v.attr("type").unwrap_or("text") {
                    "checkbox" if v.attr("checked").is_none() => {}
                    "submit" => {}
                    _ => out.push((name.to_owned(), v.attr("value").unwrap_or_default().to_owned())),
                },
            }
        }
        if with.is_none_or(|(k, val)| out.iter().any(|(n, v)| n == k && v == val)) {
            return (to.to_owned(), out);
        }
    }
    panic!("no form to …{action} with {with:?} in {body}")
}

/// The value of `<option>` whose text contains `label`, in the select named `name`.
fn option(body: &str, name: &str, label: &str) -> String {
    let doc = Html::parse_document(body);
    let sel = Selector::parse(&format!("select[name=\"{name}\"] option")).unwrap();
    doc.select(&sel)
        .find(|o| o.text().collect::<String>().contains(label))
        .and_then(|o| o.value().attr("value").map(str::to_owned))
        .unwrap_or_else(|| panic!("no option {label:?} in {name}"))
}

fn remove(form: &mut Vec<(String, String)>, name: &str) {
    form.retain(|(k, _)| k != name);
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Creates an event on the events page, through its form; returns its page's path.
async fn add_event(app: &TestApp, title: &str, date: &str, public: bool) -> String {
    let page = app.get("/osloregionen/events").await;
    assert_eq!(page.status, StatusCode::OK);
    let (action, mut f) = form(&page.body, "/osloregionen/events", None);
    set(&mut f, "title", title);
    set(&mut f, "starts_on", date);
    set(&mut f, "place", "KS Konferansesenter, Oslo");
    set(&mut f, "category", "conference");
    if !public {
        remove(&mut f, "public");
    }
    let saved = send_form(app, &action, &f).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    saved.location.unwrap()
}

async fn link(app: &TestApp, measure: u32, label: &str) -> crate::Reply {
    let path = format!("/osloregionen/2025/measures/{measure}");
    let page = app.get(&path).await;
    let (action, mut f) = form(&page.body, "/links", Some(("action", "link")));
    set(&mut f, "entity", &option(&page.body, "entity", label));
    send_form(app, &action, &f).await
}

#[tokio::test]
async fn events_are_kept_linked_and_shown_by_the_visibility_rule() {
    for mut app in TestApp::all().await {
        // Refused input is said in Norwegian and changes nothing.
        let page = app.get("/osloregionen/events").await;
        let (action, mut f) = form(&page.body, "/osloregionen/events", None);
        set(&mut f, "title", "BEST 2025");
        set(&mut f, "starts_on", "31.02.2025");
        let refused = send_form(&app, &action, &f).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("«31.02.2025» er ikke en dato"), "{}", refused.body);
        assert!(refused.body.contains("value=\"BEST 2025\""), "what was typed is kept");
        assert_eq!(count(&app, "entities").await, 0);

        let best = add_event(&app, "BEST 2025", "2025-06-04", true).await;
        let internal = add_event(&app, "Internt planmøte", "2025-06-10", false).await;
        let shown = app.get(&best).await;
        assert!(shown.body.contains("BEST 2025") && shown.body.contains("4. juni 2025"), "{}", shown.body);
        assert!(shown.body.contains("Konferanse"), "its kind in Norwegian");

        // Linked to measure 10 (a measure of Transport) through the measure page's form.
        assert_eq!(link(&app, 10, "BEST 2025").await.status, StatusCode::SEE_OTHER);
        assert_eq!(link(&app, 10, "Internt planmøte").await.status, StatusCode::SEE_OTHER);
        let measure = app.get("/osloregionen/2025/measures/10").await;
        assert!(measure.body.contains(&format!("href=\"{best}\">BEST 2025</a>")), "{}", measure.body);
        let events = app.get("/osloregionen/2025/events").await;
        assert!(events.body.contains("BEST 2025") && events.body.contains("Internt planmøte"));
        assert!(events.body.contains("2025, nr. 10: "), "linked measures are named with their number");
        let later = app.get("/osloregionen/2025/events?from=2025-06-05").await;
        assert!(!later.body.contains("BEST 2025") && later.body.contains("Internt planmøte"));
        // By area: measure 10's, and another.
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let report = app.db.load_report(&org, 2025, None, tiltak_db::Audience::Members).await.unwrap();
        let programme = report.programme();
        let label = |p: &tiltak_core::programme::MeasurePath| match p.area {
            Some(a) => format!("{} › {a}", p.section),
            None => p.section.to_owned(),
        };
        let measures = programme.measures();
        let ten = measures.iter().find(|(_, m)| m.id == Some(10)).map(|(p, _)| label(p)).unwrap();
        let elsewhere = measures.iter().map(|(p, _)| label(p)).find(|l| *l != ten).unwrap();
        let by_area = |a: &str| format!("/osloregionen/2025/events?area={}", crate::urlencode(a));
        assert!(app.get(&by_area(&ten)).await.body.contains("BEST 2025"), "in measure 10's area");
        assert!(!app.get(&by_area(&elsewhere)).await.body.contains("BEST 2025"), "not in {elsewhere}");

        // The audit log names who linked what.
        let audit = app.get("/osloregionen/audit").await;
        assert!(audit.body.contains("Hendelse knyttet til tiltak"), "{}", audit.body);
        assert!(audit.body.contains("Konferanse"), "the kind of event in words, not its key");
        assert!(!audit.body.contains("category:"), "{}", audit.body);

        // The public sees the public event, with its measure, and nothing of the internal one.
        let ics = app.get("/osloregionen/calendar.ics").await;
        assert!(ics.body.contains("SUMMARY:BEST 2025") && ics.body.contains("LOCATION:KS Konferansesenter"));
        app.act_as("anonymous");
        assert_eq!(app.get(&best).await.status, StatusCode::OK);
        assert_eq!(app.get(&internal).await.status, StatusCode::NOT_FOUND);
        let measure = app.get("/osloregionen/2025/measures/10").await;
        assert!(measure.body.contains("BEST 2025") && !measure.body.contains("Internt planmøte"));
        assert!(!measure.body.contains("Forslag fra teksten"), "suggestions are for members");
        let list = app.get("/osloregionen/events").await;
        assert!(list.body.contains("BEST 2025") && !list.body.contains("Internt"));
        let ics = app.get("/osloregionen/calendar.ics").await;
        assert!(ics.body.contains("BEST 2025") && !ics.body.contains("Internt planmøte"));
        let data = app.get("/osloregionen/2025/data.json").await;
        let json: serde_json::Value = serde_json::from_str(&data.body).unwrap();
        let entities = json["entities"].as_array().expect("entities in the open data");
        assert_eq!(entities.len(), 1, "{entities:?}");
        assert_eq!(entities[0]["title"], "BEST 2025");
        assert_eq!(entities[0]["measures"], serde_json::json!([10]));
        let csv = app.get("/osloregionen/events?format=csv").await;
        assert!(csv.body.starts_with("Nr.,Tittel,Fra,Til,Type,Sted"), "{}", csv.body);
        assert!(csv.body.contains("BEST 2025,2025-06-04,,Konferanse") && !csv.body.contains("Internt"));

        // An editor links what their group owns (measure 10, in Klima, miljø og natur), not
        // other measures.
        app.act_as("editor");
        let entity: String = best.rsplit('/').next().unwrap().to_owned();
        let own = app.get("/osloregionen/2025/measures/10").await;
        let (action, f) = form(&own.body, "/links", Some(("entity", entity.as_str())));
        assert!(f.iter().any(|(k, v)| k == "action" && v == "unlink"));
        assert_eq!(send_form(&app, &action, &f).await.status, StatusCode::SEE_OTHER);
        assert_eq!(link(&app, 10, "BEST 2025").await.status, StatusCode::SEE_OTHER);
        let other = app.get("/osloregionen/2025/measures/2").await;
        assert!(!other.body.contains("value=\"link\""), "no link form on another group's measure");
        let refused = app
            .post("/osloregionen/2025/measures/2/links", &[("entity", &entity), ("action", "link")], false)
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&best).await.body.matches("/osloregionen/2025/measures/").count(), 1);

        // Two people edit the event: the second save does not overwrite the first unseen.
        app.act_as("secretariat");
        let page = app.get(&best).await;
        let (action, mut first) = form(&page.body, &best, None);
        let mut second = first.clone();
        set(&mut first, "place", "Oslo rådhus");
        assert_eq!(send_form(&app, &action, &first).await.status, StatusCode::SEE_OTHER);
        set(&mut second, "title", "BEST-konferansen 2025");
        let stale = send_form(&app, &action, &second).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.body.contains("Noen andre lagret denne"), "{}", stale.body);
        assert!(stale.body.contains("Oslo rådhus"), "what is saved now is shown");
        assert!(stale.body.contains("value=\"BEST-konferansen 2025\""), "the person's edit is kept");
        let (action, again) = form(&stale.body, &best, None);
        assert_eq!(send_form(&app, &action, &again).await.status, StatusCode::SEE_OTHER, "saved knowingly");
        let now = app.get(&best).await;
        assert!(now.body.contains("BEST-konferansen 2025"));
    }
}

#[tokio::test]
async fn suggestions_from_the_sample_wait_for_a_person() {
    for app in TestApp::all().await {
        // The sample's first measure mentions a board decision: offered, not saved.
        assert_eq!(count(&app, "entities").await, 0, "nothing is created without a person");
        assert!(count(&app, "suggestions").await >= 30, "the sample's texts were read");
        let page = app.get("/osloregionen/2025/measures/1").await;
        assert!(
            page.body.contains("Forslag fra teksten"),
            "{}",
            &page.body[page.body.find("<main").unwrap()..]
        );
        assert!(page.body.contains("Styrevedtak 6.feb 2025"), "{}", page.body);
        let (action, mut f) = form(&page.body, "/suggestions/", Some(("kind", "decision")));
        assert!(f.iter().any(|(k, v)| k == "starts_on" && v == "2025-02-06"), "{f:?}");
        set(&mut f, "title", "Styrets vedtak om politiske prioriteringer");
        set(&mut f, "reference", "Sak 3/2025");
        // Refused: shown again on the measure page, open, with what was typed and why.
        let mut bad = f.clone();
        set(&mut bad, "starts_on", "6/2 i fjor");
        let refused = send_form(&app, &action, &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("«6/2 i fjor» er ikke en dato"), "{}", refused.body);
        assert!(refused.body.contains("value=\"Styrets vedtak om politiske prioriteringer\""), "kept");
        assert!(refused.body.contains("<details open>"), "the suggestion is open");
        assert_eq!(count(&app, "entities").await, 0);
        let accepted = send_form(&app, &action, &f).await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
        let page = app.get("/osloregionen/2025/measures/1").await;
        assert!(page.body.contains("Styrets vedtak om politiske prioriteringer</a>"), "linked");
        assert!(!page.body.contains("Styrevedtak 6.feb 2025"), "no longer offered");
        let decisions = app.get("/osloregionen/decisions").await;
        assert!(decisions.body.contains("Sak 3/2025") && decisions.body.contains("6. februar 2025"));

        // Dismissed: not offered again when the text is saved again.
        assert!(offered(&page.body).contains("Pol.prioriterte saker"), "the other one still waits");
        let (action, f) = form(&page.body, "/suggestions/", Some(("action", "dismiss")));
        assert_eq!(send_form(&app, &action, &f).await.status, StatusCode::SEE_OTHER);
        let after = app.get("/osloregionen/2025/measures/1").await;
        assert!(!after.body.contains("Forslag fra teksten"), "{}", after.body);
        let edit = app.get("/osloregionen/2025/rounds/2025-09-02/measures/1/edit").await;
        let (action, mut f) = form(&edit.body, "/measures/1", None);
        let description = f.iter().find(|(k, _)| k == "description").unwrap().1.clone();
        set(&mut f, "description", &format!("{description}\nWorkshop om vann 3. mars."));
        assert_eq!(send_form(&app, &action, &f).await.status, StatusCode::SEE_OTHER);
        let after = app.get("/osloregionen/2025/measures/1").await;
        let offered = offered(&after.body);
        assert!(offered.contains("Workshop om vann"), "the new text is read: {offered}");
        assert!(offered.contains("3. mars 2025"), "with its date: {offered}");
        assert!(!offered.contains("Pol.prioriterte saker"), "the dismissed one stays dismissed");
        assert_eq!(count(&app, "entities").await, 1);
        let audit = app.get("/osloregionen/audit").await;
        assert!(audit.body.contains("Forslag godtatt") && audit.body.contains("Forslag avvist"));
    }
}

#[tokio::test]
async fn the_annual_report_is_drafted_edited_and_downloaded() {
    for mut app in TestApp::all().await {
        let page = app.get("/osloregionen/2025/annual-report").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("<h1>Årsmelding 2025</h1>"));
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let report = app.db.load_report(&org, 2025, None, tiltak_db::Audience::Members).await.unwrap();
        let vocabulary = app.db.vocabulary(org.id).await.unwrap();
        let done: Vec<String> = report
            .programme()
            .measures()
            .into_iter()
            .filter(|(_, m)| vocabulary.category(&m.entry.status) == Some(tiltak_core::StatusCategory::Done))
            .map(|(_, m)| m.title.clone())
            .collect();
        assert!(done.len() >= 3, "{done:?}");
        for title in &done {
            assert!(page.body.contains(&esc(title)), "{title:?} is in the annual report");
        }
        // The secretariat edits one area's text through the form as rendered.
        let (action, mut f) = form(&page.body, "/annual-report", None);
        let (name, _) =
            f.iter().find(|(k, _)| k.starts_with("text:") && k.contains("Klima")).unwrap().clone();
        let mut stale = f.clone();
        set(&mut f, &name, "Klimaarbeidet fikk et løft i 2025.");
        let saved = send_form(&app, &action, &f).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = app.get("/osloregionen/2025/annual-report").await;
        assert!(page.body.contains("Klimaarbeidet fikk et løft i 2025."));
        assert!(page.body.contains("Sist lagret av"));
        // A save from a page opened before that one is not saved over it.
        set(&mut stale, &name, "En annen tekst");
        let refused = send_form(&app, &action, &stale).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.body.contains("Noen andre lagret årsmeldingen"), "{}", refused.body);
        assert!(refused.body.contains("En annen tekst"), "the person's text is kept in the form");
        let audit = app.get("/osloregionen/audit").await;
        assert!(audit.body.contains("Årsmelding lagret"));

        // Downloads: Word in bokmål and nynorsk, with the text and every done measure.
        for (language, heading) in [("nb", "Gjennomført"), ("nn", "Pågåande")] {
            let docx = app
                .get(&format!("/osloregionen/2025/annual-report/download?format=docx&language={language}"))
                .await;
            assert_eq!(docx.status, StatusCode::OK);
            let xml = document_xml(&docx.bytes);
            assert!(xml.contains("Klimaarbeidet fikk et løft i 2025."), "the saved text");
            assert!(xml.contains(heading), "{language}");
            assert!(!xml.contains("prioriteringerPol"), "a description's lines are not glued together");
            for title in &done {
                let escaped = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
                assert!(xml.contains(&escaped), "{title:?} in the {language} document");
            }
        }
        let bad = app.get("/osloregionen/2025/annual-report/download?format=docx&language=sv").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("Ukjent språk"), "{}", bad.body);

        // Readers see the report, not the form; the public not at all.
        app.act_as("reader");
        let read = app.get("/osloregionen/2025/annual-report").await;
        assert!(read.body.contains("Klimaarbeidet fikk et løft i 2025.") && !read.body.contains("<textarea"));
        app.act_as("anonymous");
        assert_ne!(app.get("/osloregionen/2025/annual-report").await.status, StatusCode::OK);
    }
}

/// The suggestions a measure page offers (its list), or nothing.
fn offered(body: &str) -> &str {
    let Some(start) = body.find("id=\"suggestions\"") else { return "" };
    let rest = &body[start..];
    &rest[..rest.find("</ul>").unwrap_or(rest.len())]
}

/// Text as a page shows it (escaped the way askama escapes).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

/// The main part of a Word document, as text.
fn document_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a DOCX is a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    xml
}

#[tokio::test]
async fn the_secretariat_adds_one_linked_from_the_measure_page() {
    for mut app in TestApp::all().await {
        let page = app.get("/osloregionen/2025/measures/4").await;
        let (action, mut f) = form(&page.body, "/links", Some(("action", "new")));
        set(&mut f, "kind", "event");
        set(&mut f, "title", "Fagsamling i Follo");
        let refused = send_form(&app, &action, &f).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Skriv en dato"), "{}", refused.body);
        set(&mut f, "starts_on", "28.08.2025");
        let added = send_form(&app, &action, &f).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let to = added.location.unwrap();
        assert!(to.starts_with("/osloregionen/events/") && to.ends_with("#edit-entity"), "{to}");
        let shown = app.get(to.split('#').next().unwrap()).await;
        assert!(
            shown.body.contains("28. august 2025") && shown.body.contains("/osloregionen/2025/measures/4")
        );
        let measure = app.get("/osloregionen/2025/measures/4").await;
        assert!(measure.body.contains("Fagsamling i Follo</a>"));
        // An editor links, but does not add new ones.
        app.act_as("editor");
        let own = app.get("/osloregionen/2025/measures/10").await;
        assert!(!own.body.contains("name=\"action\" value=\"new\""));
        let refused = app
            .post(
                "/osloregionen/2025/measures/10/links",
                &[("action", "new"), ("kind", "project"), ("title", "Eget prosjekt")],
                false,
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn projects_and_their_partners_link_to_each_other() {
    for app in TestApp::all().await {
        let page = app.get("/osloregionen/projects").await;
        let (action, mut f) = form(&page.body, "/osloregionen/projects", None);
        set(&mut f, "title", "Geo4Water");
        set(&mut f, "starts_on", "2025-05-01");
        set(&mut f, "ends_on", "2026-08-31");
        set(&mut f, "lead_partner", "Sintef");
        set(&mut f, "partners", "NGU\nNIVA");
        set(&mut f, "funding", "Forskningsrådet");
        let saved = send_form(&app, &action, &f).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let project = app.get(saved.location.as_deref().unwrap()).await;
        let partners = app.get("/osloregionen/partners").await;
        for name in ["Sintef", "NGU", "NIVA"] {
            assert!(partners.body.contains(&format!(">{name}</a>")), "{name} is kept as a partner");
            let at = project.body.find(&format!(">{name}</a>")).unwrap_or_else(|| panic!("{name} links"));
            let href_at = project.body[..at].rfind("href=\"").unwrap();
            let href: String = project.body[href_at + 6..].chars().take_while(|c| *c != '"').collect();
            assert!(href.starts_with("/osloregionen/partners/"), "{href}");
            let partner = app.get(&href).await;
            assert!(partner.body.contains(">Geo4Water</a>"), "the partner's page lists its project");
        }
        assert!(project.body.contains("Forskningsrådet"));
        let audit = app.get("/osloregionen/audit").await;
        assert!(audit.body.matches("Samarbeidspartner lagt til").count() >= 3, "new partners are logged");
    }
}
