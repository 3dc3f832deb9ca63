//! Authorisation as a matrix: every route of the router (from `tiltak_web::routes()`, so a new
//! route cannot be forgotten) × every persona, with the outcome its access rule promises. And
//! what protects the rest: CSRF, sessions, escaping, login limits, headers, unpublished data.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use tiltak_web::Access;

use crate::{CSRF, PERSONAS, TestApp};

fn path_of(template: &str) -> String {
    template
        .replace("{org}", "osloregionen")
        .replace("{year}", "2025")
        .replace("{round}", "2025-09-02")
        .replace("{id}", "10") // in "Klima, miljø og natur:", which the editor's group owns
        .replace("{file}", "app-8.css")
        .replace("{token}", "1")
        .replace("{upload}", "kept-file")
        .replace("{suggestion}", "1")
        // The entities `with_entities` makes, one of each kind, in this order.
        .replace("/events/{entity}", "/events/1")
        .replace("/projects/{entity}", "/projects/2")
        .replace("/partners/{entity}", "/partners/3")
        .replace("/decisions/{entity}", "/decisions/4")
}

/// One public entity of each kind, linked to measure 10, so every `{entity}` route has one.
async fn with_entities(app: &TestApp) {
    use tiltak_core::{Entity, EntityKind};
    let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
    let programme = app.db.programme(org.id, 2025).await.unwrap().unwrap();
    for kind in EntityKind::ALL {
        let mut e = Entity::new(kind, format!("En {}", kind.key()));
        e.starts_on = Some(time::macros::date!(2025 - 06 - 04));
        app.db.add_entity(org.id, e, Some((programme.id, 10)), "test").await.unwrap();
    }
}

fn allowed(access: Access, persona: &str) -> bool {
    let member = ["reader", "editor", "secretariat", "admin"].contains(&persona);
    match access {
        Access::Anyone | Access::Read | Access::Feed => true,
        Access::LoggedIn => persona != "anonymous",
        Access::Member => member,
        Access::Edit => ["editor", "secretariat", "admin"].contains(&persona),
        Access::Manage => ["secretariat", "admin"].contains(&persona),
        Access::Admin => persona == "admin",
    }
}

/// Whether a response shows the gate let the request through.
fn passed(status: StatusCode, location: Option<&str>) -> bool {
    let to_login = location.is_some_and(|l| l.starts_with("/login"));
    !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) && !to_login
}

#[tokio::test]
async fn every_route_for_every_role() {
    for persona in PERSONAS {
        for mut app in TestApp::all().await {
            with_entities(&app).await;
            app.act_as(persona);
            let mut routes = tiltak_web::routes();
            // Reads first, and what changes the most (freezing, removing, logging out) last.
            routes.sort_by_key(|r| {
                let last = if r.path == "/logout" {
                    2
                } else {
                    u8::from(r.path.ends_with("/freeze") || r.path.ends_with("/remove"))
                };
                (r.method != Method::GET, last)
            });
            for route in routes {
                let path = path_of(route.path);
                let reply = if route.method == Method::GET {
                    app.get(&path).await
                } else {
                    let form = format!("csrf={}", app.csrf);
                    let request = Request::builder()
                        .method(route.method.clone())
                        .uri(&path)
                        .header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from(form))
                        .unwrap();
                    app.send(request).await
                };
                let expected = allowed(route.access, persona);
                assert_eq!(
                    passed(reply.status, reply.location.as_deref()),
                    expected,
                    "{persona} {} {path} ({:?}) on {:?}: {} {:?}",
                    route.method,
                    route.access,
                    app.db.backend(),
                    reply.status,
                    reply.location
                );
            }
        }
    }
}

#[tokio::test]
async fn an_editor_edits_only_what_their_group_owns() {
    for mut app in TestApp::all().await {
        app.act_as("editor");
        let report = app.get("/osloregionen/2025/report").await.body;
        assert!(report.contains("/rounds/2025-09-02/measures/10/edit"), "the group's area is editable");
        assert!(!report.contains("/rounds/2025-09-02/measures/2/edit"), "other areas are not");
        assert_eq!(
            app.get("/osloregionen/2025/rounds/2025-09-02/measures/12/edit").await.status,
            StatusCode::OK,
            "sub-measures too"
        );
        assert_eq!(
            app.get("/osloregionen/2025/rounds/2025-09-02/measures/2/edit").await.status,
            StatusCode::FORBIDDEN
        );
        let version = app.version_of("2025-09-02", 11).await;
        let r = app
            .post(
                "/osloregionen/2025/rounds/2025-09-02/measures/11",
                &[
                    ("version", &version),
                    ("status", "done"),
                    ("description", "Ferdig"),
                    ("decision", "yes"),
                    ("comment", ""),
                ],
                false,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let log = app.get("/osloregionen/audit?actor=editor").await;
        assert!(
            log.body.contains("editor@example.no") && log.body.contains("Status oppdatert"),
            "the change shows who made it"
        );
        // Before and after as people read them: labels, not the store's keys.
        assert!(
            log.body.contains("Status: Gjennomført · Beskrivelse: Ferdig · Videreføring: Ja"),
            "{}",
            log.body
        );
        assert!(!log.body.contains("status: done") && !log.body.contains("decision: yes"));
        let csv = app.get("/osloregionen/audit?actor=editor&format=csv").await;
        assert!(csv.body.starts_with("Tidspunkt,Hvem,År,Navn,Tiltak,Hva,Før,Etter"), "{}", csv.body);
        assert!(csv.body.contains(" kl. ") && csv.body.contains("Status oppdatert"), "{}", csv.body);
        assert_eq!(csv.body.lines().count(), 2, "{}", csv.body);
    }
}

#[tokio::test]
async fn unpublished_programmes_are_invisible_to_the_public_and_other_organisations() {
    for mut app in TestApp::all().await {
        let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
        let programme = app.db.programme(org.id, 2025).await.unwrap().unwrap();
        app.db.set_published(programme.id, false, "test").await.unwrap();
        for persona in ["anonymous", "other"] {
            app.act_as(persona);
            for path in [
                "/osloregionen",
                "/osloregionen/2025",
                "/osloregionen/2025/report",
                "/osloregionen/2025/measures/1",
                "/osloregionen/search?q=Geo4Water",
            ] {
                let r = app.get(path).await;
                assert!(
                    matches!(r.status, StatusCode::NOT_FOUND | StatusCode::SEE_OTHER),
                    "{persona} {path}: {}",
                    r.status
                );
                assert!(
                    !r.body.contains("Geo4Water") && !r.body.contains("Osloregionens handlingsprogram"),
                    "{persona} {path}"
                );
            }
            assert!(!app.get("/").await.body.contains("Osloregionen</a>"));
        }
        app.act_as("reader");
        assert_eq!(
            app.get("/osloregionen/2025/report").await.status,
            StatusCode::OK,
            "the board reads what is not published"
        );
        assert!(app.get("/osloregionen/search?q=Geo4Water").await.body.contains("<mark>Geo4Water</mark>"));
    }
}

#[tokio::test]
async fn state_changes_without_the_csrf_token_are_refused() {
    for app in TestApp::all().await {
        let version = app.version_of("2025-09-02", 7).await;
        let form = [
            ("version", version.as_str()),
            ("status", "done"),
            ("description", "x"),
            ("decision", "yes"),
            ("comment", ""),
        ];
        let r = app.post_raw("/osloregionen/2025/rounds/2025-09-02/measures/7", &form, false).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let mut wrong = form.to_vec();
        wrong.push(("csrf", "not-the-token"));
        let r = app.post_raw("/osloregionen/2025/rounds/2025-09-02/measures/7", &wrong, true).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(!app.get("/osloregionen/2025/report").await.body.contains(">x<"), "nothing was saved");
    }
}

async fn login(app: &TestApp, email: &str, password: &str, cookie: &str) -> crate::Reply {
    let body = format!(
        "csrf={CSRF}&email={}&password={}&next=%2Fosloregionen",
        crate::urlencode(email),
        crate::urlencode(password)
    );
    app.send(
        Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn login_makes_a_new_session_and_logout_ends_it() {
    for app in TestApp::all().await {
        // A session id planted before login is not adopted (no session fixation).
        let planted = format!("tiltak_csrf={CSRF}; tiltak_session=planted0000");
        let r = login(&app, "reader@example.no", "correct horse battery", &planted).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location.as_deref(), Some("/osloregionen"));
        let cookie = r.set_cookie.unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let token = cookie.split(';').next().unwrap().strip_prefix("tiltak_session=").unwrap().to_owned();
        assert_ne!(token, "planted0000");
        assert!(app.db.session_user("planted0000").await.unwrap().is_none());
        let me = format!("tiltak_csrf={CSRF}; tiltak_session={token}");
        let page = app
            .send(Request::get("/osloregionen/audit").header("cookie", &me).body(Body::empty()).unwrap())
            .await;
        assert_eq!(page.status, StatusCode::OK, "the reader reads the audit log");

        let out = app
            .send(
                Request::post("/logout")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", &me)
                    .body(Body::from(format!("csrf={CSRF}")))
                    .unwrap(),
            )
            .await;
        assert_eq!(out.status, StatusCode::FORBIDDEN, "a logged-in person's token is their session's");
        let out = app
            .send(
                Request::post("/logout")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", &me)
                    .body(Body::from(format!("csrf={}", tiltak_db::csrf_for_session(&token))))
                    .unwrap(),
            )
            .await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(app.db.session_user(&token).await.unwrap().is_none(), "the session is gone");

        let wrong =
            login(&app, "reader@example.no", "wrong password!!", &format!("tiltak_csrf={CSRF}")).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.body.contains("Feil e-post eller passord."));
        assert!(!wrong.body.contains("wrong password!!"), "a password is never echoed");
        let https = app
            .send(
                Request::post("/login")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", format!("tiltak_csrf={CSRF}"))
                    .header("x-forwarded-proto", "https")
                    .body(Body::from(format!(
                        "csrf={CSRF}&email=admin%40example.no&password=correct+horse+battery"
                    )))
                    .unwrap(),
            )
            .await;
        assert!(
            !https.set_cookie.unwrap().contains("; Secure"),
            "X-Forwarded-Proto from anyone but the trusted proxy is not believed"
        );
    }
}

/// A request as it arrives over a socket from `peer`.
fn from_peer(mut request: Request<Body>, peer: &str) -> Request<Body> {
    let addr: std::net::SocketAddr = format!("{peer}:50000").parse().unwrap();
    request.extensions_mut().insert(axum::extract::ConnectInfo(addr));
    request
}

fn login_request(email: &str, password: &str, forwarded_for: Option<&str>) -> Request<Body> {
    let mut b = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("tiltak_csrf={CSRF}"))
        .header("x-forwarded-proto", "https");
    if let Some(f) = forwarded_for {
        b = b.header("x-forwarded-for", f);
    }
    b.body(Body::from(format!(
        "csrf={CSRF}&email={}&password={}",
        crate::urlencode(email),
        crate::urlencode(password)
    )))
    .unwrap()
}

/// Behind the proxy named in the setting, its forwarded headers say who the client is and that
/// the connection is https; failures from one client never keep another from logging in.
#[tokio::test]
async fn nobody_can_lock_anyone_else_out() {
    use tower::ServiceExt;
    let app = TestApp::on(tiltak_db::testing::sqlite().await.unwrap()).await;
    let mut state = tiltak_web::AppState::new(app.db.clone());
    state.trusted_proxy = Some("10.0.0.1".parse().unwrap());
    let router = tiltak_web::router(state);
    let send = |r: Request<Body>| async { router.clone().oneshot(r).await.unwrap() };
    // An attacker at 203.0.113.9 (through the proxy) tries the admin's account again and again.
    for _ in 0..12 {
        let r = send(from_peer(
            login_request("admin@example.no", "guess guess guess", Some("203.0.113.9")),
            "10.0.0.1",
        ))
        .await;
        assert!(r.status() == StatusCode::UNAUTHORIZED || r.status() == StatusCode::TOO_MANY_REQUESTS);
    }
    let r = send(from_peer(
        login_request("admin@example.no", "correct horse battery", Some("203.0.113.9")),
        "10.0.0.1",
    ))
    .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "the guesser waits");
    // The admin, at another address, logs in at once; the cookie is Secure (https by the proxy).
    let r = send(from_peer(
        login_request("admin@example.no", "correct horse battery", Some("198.51.100.7")),
        "10.0.0.1",
    ))
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the owner is not locked out");
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
    // A client that is not the proxy cannot claim another address: its own is what counts.
    for _ in 0..6 {
        send(from_peer(
            login_request("reader@example.no", "guess guess guess", Some("198.51.100.7")),
            "192.0.2.50",
        ))
        .await;
    }
    let r = send(from_peer(login_request("reader@example.no", "correct horse battery", None), "192.0.2.50"))
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "192.0.2.50 itself waits");
    let r = send(from_peer(
        login_request("reader@example.no", "correct horse battery", Some("198.51.100.7")),
        "10.0.0.1",
    ))
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "198.51.100.7 was never blamed");
}

#[tokio::test]
async fn failed_logins_are_limited_with_a_clear_message() {
    let app = TestApp::on(tiltak_db::testing::sqlite().await.unwrap()).await;
    for _ in 0..5 {
        let r = login(&app, "editor@example.no", "not the password", &format!("tiltak_csrf={CSRF}")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = login(&app, "editor@example.no", "correct horse battery", &format!("tiltak_csrf={CSRF}")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    assert!(r.body.contains("For mange mislykkede forsøk"));
    let other =
        login(&app, "reader@example.no", "correct horse battery", &format!("tiltak_csrf={CSRF}")).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "other accounts are not locked out");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::on(tiltak_db::testing::sqlite().await.unwrap()).await;
    for path in ["/osloregionen/2025/report", "/login", "/nothing"] {
        let response = tower::ServiceExt::oneshot(
            tiltak_web::router(tiltak_web::AppState::new(app.db.clone())),
            Request::get(path).body(Body::empty()).unwrap(),
        )
        .await
        .unwrap();
        let h = response.headers();
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline")
        );
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
    }
}

#[tokio::test]
async fn admins_manage_members_groups_publishing_and_the_vocabulary() {
    for mut app in TestApp::all().await {
        app.act_as("admin");
        let page = app.get("/osloregionen/settings").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("editor@example.no") && page.body.contains("Klimagruppa"));

        let r = app
            .post_follow("/osloregionen/settings/members", &[("email", "ny@example.no"), ("role", "editor")])
            .await;
        assert!(
            r.body.contains("ny@example.no er nå Redaktør") && r.body.contains("det vises bare nå"),
            "{}",
            r.body
        );
        let r = app
            .post_follow(
                "/osloregionen/settings/groups",
                &[("group", "Kraftgruppa"), ("email", "ny@example.no")],
            )
            .await;
        assert!(r.body.contains("ny@example.no er med i Kraftgruppa"), "{}", r.body);
        // The secretariat manages groups and owners, not members.
        app.act_as("secretariat");
        let r = app
            .post_follow(
                "/osloregionen/settings/owners",
                &[("year", "2025"), ("area", "Kraft og energi"), ("group", "Kraftgruppa")],
            )
            .await;
        assert!(r.body.contains("Kraft og energi eies nå av Kraftgruppa"), "{}", r.body);
        let r = app
            .post_follow("/osloregionen/settings/members", &[("email", "x@example.no"), ("role", "admin")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("Bare administratorer") && r.body.contains("Logg ut"), "{}", r.body);
        let log = app.get("/osloregionen/audit").await;
        assert!(
            log.body.contains("Eier av område endret")
                && log.body.contains("Kraft og energi: Sekretariatet")
                && log.body.contains("Kraft og energi: Kraftgruppa")
                && log.body.contains("Rolle gitt")
                && log.body.contains("ny@example.no: Redaktør")
                && !log.body.contains(": editor<"),
            "settings changes are in the audit log with before and after: {}",
            log.body
        );
        app.act_as("admin");
        let ny = app.db.user_by_email("ny@example.no").await.unwrap().unwrap();
        let programme = app
            .db
            .programme(app.db.organisation("osloregionen").await.unwrap().unwrap().id, 2025)
            .await
            .unwrap()
            .unwrap();
        assert!(
            app.db.group_owns_measure(ny.id, programme.id, 50).await.unwrap(),
            "measure 50 is in Kraft og energi"
        );

        let org_id = app.db.organisation("osloregionen").await.unwrap().unwrap().id;
        let vocabulary = app.db.vocabulary(org_id).await.unwrap();
        let mut form: Vec<(String, String)> = Vec::new();
        for (i, k) in vocabulary.kinds.iter().enumerate() {
            let label = if k.key == "ongoing" { "Pågår".to_owned() } else { k.label.clone() };
            form.extend([
                (format!("key-{i}"), k.key.clone()),
                (format!("label-{i}"), label),
                (format!("aliases-{i}"), k.aliases.join(", ")),
                (format!("category-{i}"), k.category.key().to_owned()),
                (format!("colour-{i}"), k.colour.clone()),
            ]);
        }
        form.extend([
            ("key-50".to_owned(), "paused".to_owned()),
            ("label-50".to_owned(), "Satt på vent".to_owned()),
            ("aliases-50".to_owned(), String::new()),
            ("category-50".to_owned(), "in_progress".to_owned()),
            ("colour-50".to_owned(), "#7c2d12".to_owned()),
            // The new status goes first.
            ("order-50".to_owned(), "0".to_owned()),
        ]);
        let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = app.post_follow("/osloregionen/settings/vocabulary", &borrowed).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("<p class=\"message ok\" role=\"status\">Lagret"), "said once: {}", r.body);
        let again = app.get("/osloregionen/settings").await;
        assert!(!again.body.contains("<p class=\"message ok\""), "only once");
        let report = app.get("/osloregionen/2025/report").await.body;
        assert!(report.contains("<option value=\"paused\">Satt på vent</option>"));
        assert_eq!(app.db.vocabulary(org_id).await.unwrap().kinds[0].key, "paused", "in the order given");
        // Dropping a status that reports use is refused.
        let without_ongoing: Vec<(&str, &str)> =
            borrowed.iter().filter(|(k, v)| !(k.starts_with("key-") && *v == "ongoing")).copied().collect();
        let r = app.post("/osloregionen/settings/vocabulary", &without_ongoing, false).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("«ongoing»") && r.body.contains("er brukt i rapporter"), "{}", r.body);

        let r =
            app.post("/osloregionen/settings/publish", &[("year", "2025"), ("published", "0")], false).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        app.act_as("anonymous");
        assert_eq!(app.get("/osloregionen/2025/report").await.status, StatusCode::NOT_FOUND);
        app.act_as("admin");
        let log = app.get("/osloregionen/audit?action=programme.publish").await;
        assert!(log.body.contains("admin@example.no"));
    }
}

#[tokio::test]
async fn an_internal_round_is_for_members_only() {
    for mut app in TestApp::all().await {
        let r = app
            .post("/osloregionen/2025/rounds", &[("label", "pr 1 des"), ("date", "2025-12-01")], false)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let version = app.version_of("2025-12-01", 57).await;
        let form = [
            ("version", version.as_str()),
            ("status", "done"),
            ("description", "Hemmelig forhandlingsnotat"),
            ("decision", "yes"),
            ("comment", ""),
        ];
        assert_eq!(
            app.post("/osloregionen/2025/rounds/2025-12-01/measures/57", &form, false).await.status,
            StatusCode::SEE_OTHER
        );
        let r = app.post("/osloregionen/2025/rounds/2025-12-01/visibility", &[("public", "0")], false).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        app.act_as("anonymous");
        for path in [
            "/osloregionen/2025/report",
            "/osloregionen/2025/measures/57",
            "/osloregionen/search?q=forhandlingsnotat",
            "/osloregionen/2025/report/download?format=json",
        ] {
            assert!(!app.get(path).await.body.contains("Hemmelig"), "{path}");
        }
        assert_eq!(
            app.get("/osloregionen/2025/rounds/2025-12-01/changes").await.status,
            StatusCode::NOT_FOUND
        );
        app.act_as("reader");
        assert!(app.get("/osloregionen/2025/report").await.body.contains("Hemmelig forhandlingsnotat"));
    }
}

#[tokio::test]
async fn what_members_see_is_never_kept_by_browsers_or_proxies() {
    let mut app = TestApp::on(tiltak_db::testing::sqlite().await.unwrap()).await;
    app.act_as("reader");
    let r = app.send(Request::get("/osloregionen/2025/report").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    let response = app.raw(Request::get("/osloregionen/2025/report").body(Body::empty()).unwrap()).await;
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-store");
    let download = app
        .raw(Request::get("/osloregionen/2025/report/download?format=csv").body(Body::empty()).unwrap())
        .await;
    assert_eq!(download.headers().get("cache-control").unwrap(), "no-store");
    app.act_as("anonymous");
    let public = app.raw(Request::get("/osloregionen/2025/report").body(Body::empty()).unwrap()).await;
    assert!(public.headers().get("cache-control").is_none(), "the public page may be cached");
}

#[tokio::test]
async fn a_missing_organisation_answers_as_an_unpublished_one() {
    let mut app = TestApp::on(tiltak_db::testing::sqlite().await.unwrap()).await;
    app.act_as("anonymous");
    let viken = app.get("/viken/audit").await;
    let missing = app.get("/nowhere/audit").await;
    assert_eq!(viken.status, StatusCode::SEE_OTHER);
    assert_eq!(missing.status, viken.status);
    assert_eq!(
        viken.location.unwrap().replace("viken", "X"),
        missing.location.unwrap().replace("nowhere", "X")
    );
}

#[test]
fn common_and_trivial_passwords_are_refused() {
    for weak in ["1234567890", "password12", "qwertyuiop", "osloregionen1", "aaaaaaaaaaaa"] {
        assert!(tiltak_db::check_password(weak, "kari@osloregionen.no").is_err(), "{weak}");
    }
    for strong in ["correct horse battery", "Fjord-Sykkel-Mjøsa-42"] {
        assert!(tiltak_db::check_password(strong, "kari@osloregionen.no").is_ok(), "{strong}");
    }
}

#[tokio::test]
async fn an_admin_cannot_attach_another_organisations_people() {
    let mut app = TestApp::on(tiltak_db::testing::sqlite().await.unwrap()).await;
    app.act_as("admin");
    // other@example.no is Viken's admin.
    let r = app
        .post_follow("/osloregionen/settings/members", &[("email", "other@example.no"), ("role", "reader")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("kan ikke legges til herfra"), "{}", r.body);
    let org = app.db.organisation("osloregionen").await.unwrap().unwrap();
    assert!(!app.db.members(org.id).await.unwrap().iter().any(|(u, _)| u.email == "other@example.no"));
    // Someone already here gets a new role.
    let r = app
        .post_follow("/osloregionen/settings/members", &[("email", "reader@example.no"), ("role", "editor")])
        .await;
    assert!(r.body.contains("reader@example.no er nå Redaktør"), "{}", r.body);
}
