//! Who is asking, and may they: sessions from our own table (an HttpOnly, SameSite=Lax cookie),
//! a CSRF token on every state-changing request (double-submit: a cookie and a form field that
//! must match), security headers on every response, and `Access`, the rule each route declares
//! and the gate enforces before its handler runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tiltak_db::{Role, UserRow};

use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Tr, negotiate};

pub const SESSION_COOKIE: &str = "tiltak_session";
pub const CSRF_COOKIE: &str = "tiltak_csrf";
pub const CSRF_FIELD: &str = "csrf";
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The person behind a request: a logged-in user with their roles, or nobody.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub user: Option<UserRow>,
    /// (organisation slug, role)
    pub roles: Vec<(String, Role)>,
    /// The CSRF token every form of the page carries.
    pub csrf: String,
}

impl Viewer {
    pub fn role(&self, org: &str) -> Option<Role> {
        self.roles.iter().find(|(o, _)| o == org).map(|(_, r)| *r)
    }

    pub fn at_least(&self, org: &str, role: Role) -> bool {
        self.role(org).is_some_and(|r| r >= role)
    }

    /// Who the change log names.
    pub fn actor(&self) -> String {
        self.user.as_ref().map(|u| u.email.clone()).unwrap_or_else(|| "anonymous".into())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Viewer>().cloned().unwrap_or_default())
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('=').map(str::to_owned))
        .filter(|v| !v.is_empty())
}

/// Whether cookies get `Secure`: served over https (directly or behind a proxy that says so).
pub fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").is_some_and(|v| v == "https")
        || std::env::var("TILTAK_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true")
}

pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("cookie values are hex")
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Loads the viewer, checks CSRF on state-changing requests, and adds the security headers.
pub async fn session(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let tr = Tr::new(negotiate(&parts));
    let secure = is_https(&parts.headers);
    let existing_csrf = cookie(&parts.headers, CSRF_COOKIE);
    let csrf = existing_csrf.clone().unwrap_or_else(tiltak_db::random_token);
    let mut viewer = Viewer { csrf: csrf.clone(), ..Default::default() };
    if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
        match app.db.session_user(&token).await {
            Ok(Some(user)) => {
                viewer.roles = app.db.roles_of(user.id).await.unwrap_or_default();
                viewer.user = Some(user);
            }
            Ok(None) => {}
            Err(e) => return AppError::internal(tr, e).into_response(),
        }
    }

    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let body = if unsafe_method {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let multipart = content_type.starts_with("multipart/form-data");
        let limit = if multipart { crate::UPLOAD_BYTES } else { MAX_FORM_BYTES };
        let bytes: Bytes = match axum::body::to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => return AppError::bad_request(tr, "the form is too large").into_response(),
        };
        let mut sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
        if sent.is_none() {
            sent = if multipart {
                multipart_field(&bytes, &content_type, CSRF_FIELD).await
            } else {
                form_urlencoded_pairs(&bytes).into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v)
            };
        }
        let ok = matches!((&existing_csrf, &sent), (Some(c), Some(s)) if constant_time_eq(c, s));
        if !ok {
            return AppError { status: StatusCode::FORBIDDEN, message: tr.t("csrf-failed"), tr }
                .into_response();
        }
        Body::from(bytes)
    } else {
        body
    };
    parts.extensions.insert(viewer);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let headers = response.headers_mut();
    if existing_csrf.is_none() {
        headers.append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, &csrf, 60 * 60 * 24 * 365, secure));
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; \
             base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// Decodes `application/x-www-form-urlencoded` pairs.
pub fn form_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

/// What a route requires; declared beside the route and enforced by [`gate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Pages without an organisation: the front page, login, assets.
    Anyone,
    /// A logged-in user (their own account pages).
    LoggedIn,
    /// What the organisation publishes; members read everything.
    Read,
    /// Any member, the board included.
    Member,
    /// Editors (of what their groups own; the handler checks which), secretariat, admin.
    Edit,
    /// Secretariat and admin: the programme's structure, rounds, rollover.
    Manage,
    /// Admin only: users and settings.
    Admin,
}

impl Access {
    fn role(self) -> Option<Role> {
        match self {
            Access::Member => Some(Role::Reader),
            Access::Edit => Some(Role::Editor),
            Access::Manage => Some(Role::Secretariat),
            Access::Admin => Some(Role::Admin),
            Access::Anyone | Access::LoggedIn | Access::Read => None,
        }
    }
}

/// Enforces a route's `Access` from its path (`{org}`, `{year}`) and the viewer. What the viewer
/// may not even see is not found, never forbidden, so unpublished data does not show it exists.
pub async fn gate(State((app, access)): State<(AppState, Access)>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let tr = Tr::new(negotiate(&parts));
    let viewer = parts.extensions.get::<Viewer>().cloned().unwrap_or_default();
    let params: HashMap<String, String> =
        match axum::extract::Path::<HashMap<String, String>>::from_request_parts(&mut parts, &app).await {
            Ok(p) => p.0,
            Err(_) => HashMap::new(),
        };
    let login = |parts: &Parts| -> Response {
        if parts.method == Method::GET {
            let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            Redirect::to(&format!("/login?next={}", urlencode(next))).into_response()
        } else {
            AppError { status: StatusCode::UNAUTHORIZED, message: tr.t("login-required"), tr }.into_response()
        }
    };
    match access {
        Access::Anyone => {}
        Access::LoggedIn => {
            if viewer.user.is_none() {
                return login(&parts);
            }
        }
        _ => {
            let Some(slug) = params.get("org") else {
                return AppError::internal(tr, "a route with organisation access has no {org}")
                    .into_response();
            };
            let org = match app.db.organisation(slug).await {
                Ok(Some(o)) => o,
                Ok(None) => return AppError::not_found(tr, tr.t("not-found")).into_response(),
                Err(e) => return AppError::internal(tr, e).into_response(),
            };
            let role = viewer.role(&org.slug);
            let visible = if role.is_some() {
                true
            } else {
                match params.get("year").and_then(|y| y.parse::<i32>().ok()) {
                    Some(year) => matches!(app.db.programme(org.id, year).await, Ok(Some(p)) if p.published),
                    None => app.db.is_public(org.id).await.unwrap_or(false),
                }
            };
            if !visible {
                // Anonymous people may be members who have not logged in yet.
                if viewer.user.is_none() && parts.method == Method::GET && access != Access::Read {
                    return login(&parts);
                }
                return AppError::not_found(tr, tr.t("not-found")).into_response();
            }
            if let Some(needed) = access.role()
                && role.is_none_or(|r| r < needed)
            {
                if viewer.user.is_none() {
                    return login(&parts);
                }
                return AppError { status: StatusCode::FORBIDDEN, message: tr.t("forbidden"), tr }
                    .into_response();
            }
        }
    }
    next.run(Request::from_parts(parts, body)).await
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Failed logins per e-mail in a sliding window: after `LIMIT` within `WINDOW`, wait.
#[derive(Debug, Clone, Default)]
pub struct LoginLimiter {
    failures: Arc<Mutex<HashMap<String, Vec<Instant>>>>,
}

const LIMIT: usize = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);

impl LoginLimiter {
    /// Seconds to wait before the next attempt for this key, if it is blocked.
    pub fn blocked_for(&self, key: &str) -> Option<u64> {
        let mut map = self.failures.lock().expect("the limiter's lock is never poisoned");
        let list = map.entry(key.to_owned()).or_default();
        let now = Instant::now();
        list.retain(|t| now.duration_since(*t) < WINDOW);
        (list.len() >= LIMIT).then(|| (WINDOW - now.duration_since(list[0])).as_secs() + 1)
    }

    pub fn failed(&self, key: &str) {
        self.failures.lock().expect("never poisoned").entry(key.to_owned()).or_default().push(Instant::now());
    }

    pub fn succeeded(&self, key: &str) {
        self.failures.lock().expect("never poisoned").remove(key);
    }
}

/// A text field of a multipart form (an upload), read from the buffered body.
async fn multipart_field(body: &Bytes, content_type: &str, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let body = body.clone();
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}
