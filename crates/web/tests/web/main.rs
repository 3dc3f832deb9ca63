//! The web app in-process: every page and action through the router, on SQLite and (when
//! TILTAK_TEST_DATABASE_URL is set) PostgreSQL, each test on a fresh database with the sample.

mod access;
mod api;
mod editing;
mod entities;
mod forms;
mod import;
mod pages;
mod rollover;
mod rounds;
mod smtp;
mod workflow;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tiltak_db::{Db, testing};
use tower::ServiceExt;

pub struct TestApp {
    pub db: Db,
    router: axum::Router,
    /// The Cookie header this client sends: a session (unless anonymous) and the CSRF cookie.
    cookies: String,
    /// Session tokens of the personas, by name.
    personas: std::collections::HashMap<&'static str, String>,
    /// The CSRF token this client's forms carry: its session's, or the cookie's when anonymous.
    pub csrf: String,
}

/// The CSRF token the test clients send, as cookie and as form field.
pub const CSRF: &str = "0123456789abcdef0123456789abcdef";

/// Who the tests act as: anonymous, a reader (the board), an editor whose working group owns
/// "Klima, miljø og natur:", the secretariat, an admin, and a member of another organisation.
pub const PERSONAS: &[&str] = &["anonymous", "reader", "editor", "secretariat", "admin", "other"];

pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Option<String>,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl TestApp {
    /// One app per backend under test, each with the sample loaded.
    pub async fn all() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in testing::all().await {
            apps.push(TestApp::on(db).await);
        }
        apps
    }

    /// The sample with the personas on one database; acting as the secretariat.
    pub async fn on(db: Db) -> TestApp {
        use tiltak_db::Role;
        assert!(tiltak_web::sample::load_if_empty(&db).await.unwrap());
        let org = db.organisation("osloregionen").await.unwrap().unwrap();
        let other = db
            .create_organisation(&tiltak_core::Organisation {
                slug: tiltak_core::OrganisationSlug::parse("viken").unwrap(),
                name: "Viken".into(),
                language: tiltak_core::Language::Nb,
            })
            .await
            .unwrap();
        let mut personas = std::collections::HashMap::new();
        for (name, role, org_id) in [
            ("reader", Role::Reader, org.id),
            ("editor", Role::Editor, org.id),
            ("secretariat", Role::Secretariat, org.id),
            ("admin", Role::Admin, org.id),
            ("other", Role::Admin, other.id),
        ] {
            let user =
                db.create_user(&format!("{name}@example.no"), name, "correct horse battery").await.unwrap();
            db.set_role(user.id, org_id, role, "test").await.unwrap();
            if name == "editor" {
                db.add_to_group(org.id, "Klimagruppa", user.id, "test").await.unwrap();
            }
            personas.insert(name, db.create_session(user.id).await.unwrap());
        }
        let programme = db.programme(org.id, 2025).await.unwrap().unwrap();
        db.set_area_owner(org.id, programme.id, "Klima, miljø og natur:", Some("Klimagruppa"), "test")
            .await
            .unwrap();
        let router = tiltak_web::router(tiltak_web::AppState::new(db.clone()));
        let mut app = TestApp { db, router, cookies: String::new(), personas, csrf: CSRF.into() };
        app.act_as("secretariat");
        app
    }

    /// The same app and database with its state changed (a mail server, a clock): as if the
    /// server were restarted with other settings.
    pub fn with_state(mut self, configure: impl FnOnce(&mut tiltak_web::AppState)) -> TestApp {
        let mut state = tiltak_web::AppState::new(self.db.clone());
        configure(&mut state);
        self.router = tiltak_web::router(state);
        self
    }

    /// The session token of a persona.
    pub fn session_of(&self, persona: &str) -> String {
        self.personas[persona].clone()
    }

    /// From now on, send requests as this persona.
    pub fn act_as(&mut self, persona: &str) {
        self.cookies = match self.personas.get(persona) {
            Some(token) => format!("tiltak_csrf={CSRF}; tiltak_session={token}"),
            None => format!("tiltak_csrf={CSRF}"),
        };
        self.csrf = match self.personas.get(persona) {
            Some(token) => tiltak_db::csrf_for_session(token),
            None => CSRF.into(),
        };
    }

    /// The response itself, headers and all.
    pub async fn raw(&self, mut request: Request<Body>) -> axum::response::Response {
        if !request.headers().contains_key(header::COOKIE) {
            request.headers_mut().insert(header::COOKIE, self.cookies.parse().unwrap());
        }
        self.router.clone().oneshot(request).await.unwrap()
    }

    pub async fn send(&self, mut request: Request<Body>) -> Reply {
        if !request.headers().contains_key(header::COOKIE) {
            request.headers_mut().insert(header::COOKIE, self.cookies.parse().unwrap());
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let header = |name| {
            response.headers().get(name).map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_owned())
        };
        let location = header(header::LOCATION);
        let set_cookie = header(header::SET_COOKIE);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            location,
            set_cookie,
            body: String::from_utf8_lossy(&body).into_owned(),
            bytes: body.to_vec(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut b = Request::get(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)], htmx: bool) -> Reply {
        let mut with_csrf = vec![("csrf", self.csrf.as_str())];
        with_csrf.extend_from_slice(form);
        self.post_raw(path, &with_csrf, htmx).await
    }

    /// A post as a browser makes it: a 303 answer is followed to the page it names (where a
    /// form's outcome is said once).
    pub async fn post_follow(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        let r = self.post(path, form, false).await;
        match (&r.status, &r.location) {
            (&StatusCode::SEE_OTHER, Some(to)) => self.get(to).await,
            _ => r,
        }
    }

    /// A post without the CSRF field added.
    pub async fn post_raw(&self, path: &str, form: &[(&str, &str)], htmx: bool) -> Reply {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if htmx {
            b = b.header("HX-Request", "true");
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// The version the edit form of a measure carries.
    pub async fn version_of(&self, round: &str, id: u32) -> String {
        let form = self.get(&format!("/osloregionen/2025/rounds/{round}/measures/{id}/edit")).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        let at = form.body.find("name=\"version\" value=\"").expect("the form has a version");
        let rest = &form.body[at + 22..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// How many table rows of measures a report page shows.
pub fn report_rows(body: &str) -> usize {
    body.matches("<tr id=\"m").count()
}
