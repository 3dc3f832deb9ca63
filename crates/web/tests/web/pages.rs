//! Every page renders, filters work from the URL, languages switch, and unknown things are 404.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::{TestApp, report_rows};

#[tokio::test]
async fn every_page_renders_with_its_content() {
    for app in TestApp::all().await {
        let root = app.get("/").await;
        assert_eq!(root.status, StatusCode::SEE_OTHER, "the only organisation is shown at once");
        assert_eq!(root.location.as_deref(), Some("/osloregionen"));

        let org = app.get("/osloregionen").await;
        assert!(org.body.contains("Osloregionens handlingsprogram 2025"));

        let overview = app.get("/osloregionen/2025").await;
        assert_eq!(overview.status, StatusCode::OK);
        assert!(overview.body.contains("<svg role=\"img\""));
        assert!(overview.body.contains("<title id=\"chart-svg-title\">"));
        assert!(overview.body.contains("Klima, miljø og natur:"));
        assert!(overview.body.contains("<td class=\"num\">60</td>"), "the total is 60");

        let report = app.get("/osloregionen/2025/report").await;
        assert_eq!(report.status, StatusCode::OK);
        assert_eq!(report_rows(&report.body), 60);
        assert!(report.body.contains("Bør videreføres 2026?"));
        assert!(report.body.contains("<th scope=\"col\">Tiltak</th>"));
        assert_eq!(report.body.matches("<h2>").count(), 4, "grouped by the four sections");
        assert!(report.body.contains("class=\"depth-1\""), "sub-measures are indented");

        let measure = app.get("/osloregionen/2025/measures/59").await;
        assert_eq!(measure.status, StatusCode::OK);
        assert!(measure.body.contains("Slås sammen: Målrettet profilering"));
        assert!(measure.body.contains("2. september 2025"));

        let rounds = app.get("/osloregionen/2025/rounds").await;
        assert!(rounds.body.contains("pr 2 sept") && rounds.body.contains("0 av 60"));

        let changes = app.get("/osloregionen/2025/rounds/2025-09-02/changes").await;
        assert_eq!(changes.status, StatusCode::OK);
        assert!(changes.body.contains("første runde"));

        let css = app.get("/static/app-8.css").await;
        assert!(css.body.contains("@media print"));
        assert_eq!(app.get("/static/htmx-2.0.11.min.js").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn report_filters_live_in_the_url() {
    for app in TestApp::all().await {
        let area = app.get("/osloregionen/2025/report?area=Transport+og+mobilitet%3A").await;
        assert_eq!(
            report_rows(&area.body),
            11,
            "the umbrella with its six sub-measures, the webinar umbrella with its three"
        );
        assert!(area.body.contains("selected>Transport og mobilitet:</option>"));

        let merge = app.get("/osloregionen/2025/report?decision=merge").await;
        assert_eq!(report_rows(&merge.body), 1);
        let conditional = app.get("/osloregionen/2025/report?decision=conditional").await;
        assert_eq!(report_rows(&conditional.body), 2);
        let dropped = app.get("/osloregionen/2025/report?status=will_not_be_done").await;
        assert_eq!(report_rows(&dropped.body), 2);
        let none = app.get("/osloregionen/2025/report?status=none").await;
        assert_eq!(
            report_rows(&none.body),
            12,
            "lines 69, 133–135, 140, 143, 145–148, 196 and 198 of the sample have no status"
        );
        let both = app
            .get("/osloregionen/2025/report?status=ongoing&decision=yes&area=Klima%2C+milj%C3%B8+og+natur%3A")
            .await;
        assert_eq!(report_rows(&both.body), 2);
    }
}

#[tokio::test]
async fn english_on_request_bokmal_by_default() {
    for app in TestApp::all().await {
        let nb = app.get("/osloregionen/2025/report").await;
        assert!(nb.body.contains("<html lang=\"nb\">") && nb.body.contains("Beskrivelse"));
        let en = app.get_with("/osloregionen/2025/report", &[("accept-language", "en-GB,en;q=0.9")]).await;
        assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Continue in 2026?"));
        let switch = app.get("/osloregionen/2025?lang=en").await;
        assert!(switch.body.contains("Overview 2025"));
        let cookie = switch.set_cookie.expect("the choice is kept");
        assert!(
            cookie.starts_with("tiltak_lang=en")
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
        );
        let later = app.get_with("/osloregionen/2025/measures/1", &[("cookie", "tiltak_lang=en")]).await;
        assert!(later.body.contains("Status in each round") && later.body.contains("2 September 2025"));
    }
}

#[tokio::test]
async fn unknown_things_are_not_found() {
    for app in TestApp::all().await {
        for path in [
            "/nobody",
            "/osloregionen/2024",
            "/osloregionen/twenty",
            "/osloregionen/2025/measures/999",
            "/osloregionen/2025/report?round=pr-1-jan",
            "/osloregionen/2025/rounds/1999-01-01/changes",
            "/static/nothing.js",
        ] {
            assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
        }
    }
}

#[tokio::test]
async fn search_finds_titles_and_descriptions_and_marks_the_hit() {
    for app in TestApp::all().await {
        let r = app.get("/osloregionen/search?q=Geo4Water").await;
        assert!(r.body.contains("<mark>Geo4Water</mark>"), "{:?}: {}", app.db.backend(), r.body);
        assert!(r.body.contains("/osloregionen/2025/measures/57"));
        let r = app.get("/osloregionen/search?q=Sintef").await;
        assert!(r.body.contains("<mark>Sintef</mark>"), "descriptions are searched too");
        let r = app.get("/osloregionen/search?q=%22%3Cscript%3E").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("<script>"));
        let r = app.get("/osloregionen/search?q=zzzzqqq").await;
        assert!(r.body.contains("Ingen treff"));
        // The organisation's scope token is not text: "o" and "o1" find only words that start so.
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let scope = app.get(&format!("/osloregionen/search?q=o{}", org.id)).await;
        assert!(scope.body.contains("Ingen treff"), "{}", scope.body);
        let o = app.get("/osloregionen/search?q=o").await;
        let hits = o.body.matches("/osloregionen/2025/measures/").count();
        assert!(hits > 0 && o.body.contains("<mark>O"), "words starting with o are found: {hits}");
    }
}

#[tokio::test]
async fn the_report_downloads_as_xlsx_csv_markdown_and_json() {
    for app in TestApp::all().await {
        let page = app.get("/osloregionen/2025/report").await;
        assert!(page.body.contains("/osloregionen/2025/report/download?format=xlsx&#38;round=2025-09-02"));
        let md = app.get("/osloregionen/2025/report/download?format=md").await;
        assert!(md.body.starts_with("# Status – Osloregionens handlingsprogram 2025 – pr 2 sept"));
        let csv = app.get("/osloregionen/2025/report/download?format=csv&round=2025-09-02").await;
        assert!(
            csv.body.starts_with("Nr.,Del,Innsatsområde,Under nr.,Rekkefølge,Tiltak,Status,"),
            "{}",
            &csv.body[..200]
        );
        assert_eq!(csv.body.matches("\r\n").count(), 61, "a header and 60 measures");
        let json = app.get("/osloregionen/2025/report/download?format=json").await;
        assert!(json.body.contains("\"round\""));
        let xlsx = app
            .send(
                axum::http::Request::get("/osloregionen/2025/report/download?format=xlsx")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert_eq!(
            app.get("/osloregionen/2025/report/download?format=exe").await.status,
            StatusCode::BAD_REQUEST
        );
    }
}

#[tokio::test]
async fn the_board_documents_download_from_the_report_and_the_overview() {
    for app in TestApp::all().await {
        for page in ["/osloregionen/2025/report", "/osloregionen/2025"] {
            let body = app.get(page).await.body;
            assert!(
                body.contains("/osloregionen/2025/report/download?format=docx&#38;round=2025-09-02"),
                "{page}"
            );
            assert_eq!(body.contains("format=pdf"), cfg!(feature = "pdf"), "{page}");
        }
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let report = app.db.load_report(&org, 2025, None, tiltak_db::Audience::Members).await.unwrap();
        let vocabulary = app.db.vocabulary(org.id).await.unwrap();
        let labels = tiltak_formats::Labels::for_language(tiltak_core::Language::Nb);
        let docx = app.get("/osloregionen/2025/report/download?format=docx").await;
        assert_eq!(docx.status, StatusCode::OK);
        assert_eq!(docx.bytes, tiltak_formats::docx::write_report(&report, &vocabulary, &labels).unwrap());
        let pdf = app.get("/osloregionen/2025/report/download?format=pdf").await;
        if cfg!(feature = "pdf") {
            assert!(pdf.bytes.starts_with(b"%PDF-"));
        } else {
            assert_eq!(pdf.status, StatusCode::BAD_REQUEST);
        }
    }
}

#[tokio::test]
async fn cached_pages_follow_every_change_even_from_outside_the_app() {
    for mut app in TestApp::all().await {
        app.act_as("anonymous");
        let first = app.get("/osloregionen/2025/report").await;
        assert_eq!(first.body, app.get("/osloregionen/2025/report").await.body, "the same page again");
        // A write that bypasses the web app (as the CLI beside a running server does).
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let p = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        let before = app.db.data_revision().await.unwrap();
        app.db.rename_measure(org.id, p.id, 3, "Et helt nytt navn på tiltaket", 1, "cli").await.unwrap();
        assert!(app.db.data_revision().await.unwrap() > before);
        let after = app.get("/osloregionen/2025/report").await;
        assert!(after.body.contains("Et helt nytt navn på tiltaket"), "no stale page after a change");
        // The login form carries each visitor's own CSRF token: never shared from the cache.
        let a = app.get_with("/login", &[("cookie", "tiltak_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]).await;
        let b = app.get_with("/login", &[("cookie", "tiltak_csrf=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")]).await;
        assert!(a.body.contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(b.body.contains("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
    }
}

/// With the store's listener running (as `serve` runs it), a change made through this server shows
/// on the next page at once, and one made by another process (a second connection to the same
/// database: the CLI, another server) within a moment.
#[tokio::test]
async fn with_the_listener_changes_show_at_once_here_and_soon_from_elsewhere() {
    for mut app in TestApp::all().await {
        app.act_as("anonymous");
        let listening = app.db.listen();
        let other = tiltak_db::Db::connect(app.db.url()).await.unwrap();
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let p = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        let report = "/osloregionen/2025/report";
        assert!(!app.get(report).await.body.contains("Endret her"));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(app.db.revision_known(), "a cached page now costs no query");
        app.db.rename_measure(org.id, p.id, 3, "Endret her", 1, "test").await.unwrap();
        assert!(!app.db.revision_known(), "after this server's own change it reads the database");
        assert!(app.get(report).await.body.contains("Endret her"), "this server's own change, at once");
        assert!(app.db.revision_known());
        // Another process's change: seen within two seconds (the listener reads every 20 ms).
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        other.rename_measure(org.id, p.id, 3, "Endret et annet sted", 2, "cli").await.unwrap();
        let mut seen = false;
        for _ in 0..100 {
            if app.get(report).await.body.contains("Endret et annet sted") {
                seen = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(seen, "another process's change shows");

        // Sessions are kept in memory too, and forgotten as soon as they end, wherever they end.
        app.act_as("reader");
        assert_eq!(app.get("/osloregionen/audit").await.status, StatusCode::OK);
        assert_eq!(app.get("/osloregionen/audit").await.status, StatusCode::OK, "from memory");
        let reader = other.user_by_email("reader@example.no").await.unwrap().unwrap();
        other.set_role(reader.id, org.id, tiltak_db::Role::Editor, "cli").await.unwrap();
        let mut promoted = false;
        for _ in 0..100 {
            if app.get("/osloregionen/audit").await.body.contains("(Redaktør)") {
                promoted = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(promoted, "a role changed elsewhere shows");
        other.end_session(&app.session_of("reader")).await.unwrap();
        let mut ended = false;
        for _ in 0..100 {
            let r = app.get("/osloregionen/audit").await;
            if r.location.as_deref().is_some_and(|l| l.starts_with("/login")) {
                ended = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(ended, "a session ended elsewhere is forgotten");
        listening.abort();
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert!(!app.db.revision_known(), "without the listener every page reads the revision");
        other.close().await;
    }
}

/// A first-time visitor reads the public pages without being given a cookie; a returning browser
/// is told "not modified" (304) until the data changes; the login page, which has a form, gives
/// the visitor the CSRF cookie its form needs.
#[tokio::test]
async fn public_pages_set_no_cookie_and_answer_304_while_unchanged() {
    for app in TestApp::all().await {
        let fresh = |path: &str, tag: Option<&str>| {
            let mut b = Request::get(path).header(header::COOKIE, "x=1");
            if let Some(t) = tag {
                b = b.header(header::IF_NONE_MATCH, t);
            }
            b.body(Body::empty()).unwrap()
        };
        for _ in 0..2 {
            // Made, then from the cache: the same answer.
            let r = app.raw(fresh("/osloregionen/2025/report", None)).await;
            assert_eq!(r.status(), StatusCode::OK);
            assert!(r.headers().get(header::SET_COOKIE).is_none(), "no cookie for reading");
            assert!(r.headers().get(header::ETAG).is_some());
        }
        let tag = app.raw(fresh("/osloregionen/2025/report", None)).await.headers()[header::ETAG].clone();
        let tag = tag.to_str().unwrap().to_owned();
        let again = app.send(fresh("/osloregionen/2025/report", Some(&tag))).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());
        // Another page, or the same in another language, is not the same.
        assert_eq!(app.send(fresh("/osloregionen/2025", Some(&tag))).await.status, StatusCode::OK);
        // A change makes the browser's copy stale.
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let p = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        app.db.rename_measure(org.id, p.id, 3, "Nytt navn etter endring", 1, "cli").await.unwrap();
        let changed = app.send(fresh("/osloregionen/2025/report", Some(&tag))).await;
        assert_eq!(changed.status, StatusCode::OK);
        assert!(changed.body.contains("Nytt navn etter endring"));
        // The login form needs the cookie, and its field is the cookie's value.
        let login = app.send(fresh("/login", None)).await;
        let cookie = login.set_cookie.expect("the login page sets the CSRF cookie");
        let value = cookie.strip_prefix("tiltak_csrf=").unwrap().split(';').next().unwrap();
        assert!(login.body.contains(&format!("name=\"csrf\" value=\"{value}\"")), "{}", login.body);
        // What a member sees is never kept by the browser, so it has no validator.
        let mut member = app;
        member.act_as("reader");
        let r = member.raw(Request::get("/osloregionen/2025/report").body(Body::empty()).unwrap()).await;
        assert!(r.headers().get(header::ETAG).is_none());
    }
}

/// Every page and error page, for the public, an editor and an admin, in bokmål, nynorsk and
/// English: in the page's language, with no message id left untranslated.
#[tokio::test]
async fn every_page_and_error_speaks_the_viewers_language() {
    let paths = [
        "/osloregionen",
        "/osloregionen/2025",
        "/osloregionen/2025/report",
        "/osloregionen/2025/measures/10",
        "/osloregionen/2025/rounds",
        "/osloregionen/2025/rounds/2025-09-02/changes",
        "/osloregionen/2025/rollover",
        "/osloregionen/2025/rollover/summary",
        "/osloregionen/2025/rounds/2025-09-02/measures/10/edit",
        "/osloregionen/2025/rounds/2025-09-02/measures/2/edit",
        "/osloregionen/search?q=klima",
        "/osloregionen/audit",
        "/osloregionen/import",
        "/osloregionen/settings",
        "/account/password",
        "/login",
        "/osloregionen/2025/measures/abc",
        "/osloregionen/2025/measures/9999",
        "/osloregionen/abcd/report",
        "/osloregionen/2025/rounds/nope/changes",
        "/nowhere/2025",
        "/osloregionen/2025/report/download?format=exe",
    ];
    for mut app in TestApp::all().await {
        for persona in ["anonymous", "editor", "admin"] {
            app.act_as(persona);
            for lang in ["nb", "nn", "en"] {
                for path in paths {
                    let sep = if path.contains('?') { '&' } else { '?' };
                    let r = app.get(&format!("{path}{sep}lang={lang}")).await;
                    if r.status == StatusCode::SEE_OTHER {
                        continue;
                    }
                    let what = format!("{persona} {lang} {path}: {}", r.status);
                    assert!(r.body.contains(&format!("<html lang=\"{lang}\"")), "{what}: {}", r.body);
                    assert!(!r.body.contains("Unknown localization"), "{what}: {}", r.body);
                    assert!(!r.body.contains("Invalid URL"), "{what}: {}", r.body);
                    if persona != "anonymous" {
                        assert!(r.body.contains("action=\"/logout\""), "{what}: the header is the viewer's");
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn error_pages_say_what_is_wrong_and_keep_the_header() {
    for mut app in TestApp::all().await {
        app.act_as("editor");
        let r = app.get("/osloregionen/2025/measures/abc").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(
            r.body.contains("«abc» er ikke et tiltaksnummer") && r.body.contains("Logg ut"),
            "{}",
            r.body
        );
        assert!(r.body.contains("href=\"/osloregionen/2025/report\""), "the organisation's navigation stays");
        let r = app.get("/osloregionen/2025/measures/9999?lang=nn").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("Tiltak 9999 finst ikkje"), "{}", r.body);
        let r = app.get("/osloregionen/abcd").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("«abcd» er ikke et årstall"), "{}", r.body);
        // Not the editor's area: refused, and said so.
        let r = app.get("/osloregionen/2025/rounds/2025-09-02/measures/2/edit").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(
            r.body.contains("<h1>Ingen tilgang</h1>") && r.body.contains("en annen arbeidsgruppe"),
            "{}",
            r.body
        );
        let r = app.get("/osloregionen/settings").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("Bare sekretariatet og administratorer"), "{}", r.body);
    }
}

/// A programme of 3,000 measures: the report answers and shows every one of them.
#[tokio::test]
async fn a_very_large_programme_has_its_report() {
    use tiltak_core::{
        Area, Continuation, Decision, Measure, RoundInfo, Section, Status, StatusEntry, StatusReport,
    };
    let app = TestApp::on(tiltak_db::testing::sqlite().await.unwrap()).await;
    let areas = (0..30)
        .map(|a| Area {
            title: format!("Område {a}:"),
            owner: None,
            measures: (0..100)
                .map(|m| Measure {
                    title: format!("Tiltak {a}.{m}"),
                    entry: StatusEntry {
                        status: Status::Reported { key: "ongoing".into(), label: "Pågående".into() },
                        description: "Arbeidet pågår som planlagt, med møter i arbeidsgruppen hver måned."
                            .repeat(3),
                        continuation: Continuation { decision: Decision::Yes, comment: "Ja".into() },
                        version: None,
                        fields: Default::default(),
                    },
                    ..Default::default()
                })
                .collect(),
        })
        .collect();
    let mut report = StatusReport {
        organisation: "osloregionen".into(),
        title: "Handlingsprogram 2030".into(),
        year: 2030,
        round: RoundInfo {
            label: "pr 1 mai".into(),
            date: time::Date::from_calendar_date(2030, time::Month::May, 1).ok(),
        },
        sections: vec![Section { title: "Innsatsområder".into(), measures: Vec::new(), areas }],
    };
    let mut programme = report.programme();
    programme.assign_ids();
    report.sections = programme.sections;
    let org = tiltak_core::Organisation {
        slug: tiltak_core::OrganisationSlug::parse("osloregionen").unwrap(),
        name: "Osloregionen".into(),
        language: tiltak_core::Language::Nb,
    };
    app.db
        .import_report(
            &org,
            &report,
            tiltak_db::IdSource::Document,
            tiltak_db::Owners::FromFile,
            tiltak_db::OnExisting::Refuse,
        )
        .await
        .unwrap();
    let r = app.get("/osloregionen/2030/report").await;
    assert_eq!(r.status, StatusCode::OK, "{}", &r.body[..r.body.len().min(500)]);
    assert!(r.body.len() > 1024 * 1024, "the page is large: {} bytes", r.body.len());
    assert_eq!(report_rows(&r.body), 3000);
    // Served again from the cache or not, it is the same page.
    let again = app.get("/osloregionen/2030/report").await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(report_rows(&again.body), 3000);
}
