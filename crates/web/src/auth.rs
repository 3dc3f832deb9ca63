//! Who is asking, and may they: sessions from our own table (an HttpOnly, SameSite=Lax cookie),
//! a CSRF token on every state-changing request (double-submit: a cookie and a form field that
//! must match), security headers on every response, and `Access`, the rule each route declares
//! and the gate enforces before its handler runs.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tiltak_db::{Role, UserRow};

use tiltak_core::MeasureId;

use crate::AppState;
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::{Message, Tr, negotiate};

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
    /// The CSRF token every form of the page carries: tied to the session for a logged-in
    /// person, the CSRF cookie's for anyone else.
    pub csrf: String,
    /// The API token the request came with (its id and name): such a request needs no CSRF
    /// token (no browser sends it by itself) and is limited to the token's organisation and role.
    pub token: Option<(i64, String)>,
}

impl Viewer {
    pub fn role(&self, org: &str) -> Option<Role> {
        self.roles.iter().find(|(o, _)| o == org).map(|(_, r)| *r)
    }

    pub fn at_least(&self, org: &str, role: Role) -> bool {
        self.role(org).is_some_and(|r| r >= role)
    }

    /// Who the change log names: the person, and the token when a script acted for them.
    pub fn actor(&self) -> String {
        match (&self.user, &self.token) {
            (Some(u), Some((_, name))) => format!("{} (API: {name})", u.email),
            (Some(u), None) => u.email.clone(),
            (None, _) => "anonymous".into(),
        }
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

/// The address a request comes from: the connection's peer, or the client the trusted proxy
/// names. `None` in-process (tests without a socket).
pub fn client_addr(parts: &Parts, trusted_proxy: Option<IpAddr>) -> Option<IpAddr> {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())?;
    if Some(peer) == trusted_proxy
        && let Some(forwarded) = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok())
        && let Some(client) = forwarded.rsplit(',').next().and_then(|c| c.trim().parse().ok())
    {
        return Some(client);
    }
    Some(peer)
}

/// Whether cookies get `Secure`: served over https behind the trusted proxy, or told so.
pub fn is_https(parts: &Parts, trusted_proxy: Option<IpAddr>) -> bool {
    let from_proxy = trusted_proxy
        .is_some_and(|p| parts.extensions.get::<ConnectInfo<SocketAddr>>().is_some_and(|c| c.0.ip() == p));
    (from_proxy && parts.headers.get("x-forwarded-proto").is_some_and(|v| v == "https"))
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

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Whether a path is the API's: its answers are JSON, its errors too.
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Loads the viewer (from an API token on the API's paths, else the session cookie), checks CSRF
/// on state-changing requests that a browser could send by itself, and adds the security headers.
pub async fn session(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let tr = Tr::new(negotiate(&parts));
    let secure = is_https(&parts, app.trusted_proxy);
    let api = is_api(parts.uri.path());
    let existing_csrf = cookie(&parts.headers, CSRF_COOKIE);
    let csrf = existing_csrf.clone().unwrap_or_else(tiltak_db::random_token);
    let mut viewer = Viewer { csrf: csrf.clone(), ..Default::default() };
    let path = parts.uri.path().to_owned();
    let fail = |e: AppError, viewer: &Viewer| crate::error::respond(&path, &e, tr, viewer, None);
    if let Some(token) = bearer(&parts.headers) {
        if !api {
            return fail(
                AppError::new(StatusCode::UNAUTHORIZED, Message::new("api-token-not-here")),
                &viewer,
            );
        }
        match app.db.api_token_use(&token).await {
            Ok(Some(used)) => {
                viewer.roles = vec![(used.organisation, used.role)];
                viewer.user = Some(used.user);
                viewer.token = Some((used.id, used.name));
            }
            Ok(None) => {
                return fail(
                    AppError::new(StatusCode::UNAUTHORIZED, Message::new("api-token-invalid")),
                    &viewer,
                );
            }
            Err(e) => return fail(AppError::internal(e), &viewer),
        }
    } else if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
        match app.db.session_with_roles(&token).await {
            Ok(Some((user, roles))) => {
                viewer.roles = roles;
                viewer.user = Some(user);
                viewer.csrf = tiltak_db::csrf_for_session(&token);
            }
            Ok(None) => {}
            Err(e) => return fail(AppError::internal(e), &viewer),
        }
    }

    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let body = if unsafe_method && viewer.token.is_none() {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let multipart = content_type.starts_with("multipart/form-data");
        let form = content_type.is_empty() || content_type.starts_with("application/x-www-form-urlencoded");
        let limit = if form { MAX_FORM_BYTES } else { crate::UPLOAD_BYTES };
        let bytes: Bytes = match axum::body::to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => {
                let e = AppError::new(StatusCode::PAYLOAD_TOO_LARGE, Message::new("form-too-large"));
                return fail(e, &viewer);
            }
        };
        let mut sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
        if sent.is_none() {
            sent = if multipart {
                multipart_field(&bytes, &content_type, CSRF_FIELD).await
            } else if form {
                form_urlencoded_pairs(&bytes).into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v)
            } else {
                None
            };
        }
        // A logged-in person's token is their session's; anyone else's is the cookie's (double submit).
        let expected = if viewer.user.is_some() { Some(&viewer.csrf) } else { existing_csrf.as_ref() };
        let ok = matches!((expected, &sent), (Some(c), Some(s)) if constant_time_eq(c, s));
        if !ok {
            return fail(AppError::forbidden(Message::new("csrf-failed")), &viewer);
        }
        Body::from(bytes)
    } else {
        body
    };
    let member = viewer.user.is_some();
    parts.extensions.insert(viewer);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let headers = response.headers_mut();
    // What a logged-in person sees is theirs: no browser or proxy keeps a copy.
    if member || headers.contains_key(header::CONTENT_DISPOSITION) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // Scripts reading the API get no cookie; browsers get the CSRF cookie when a page has a form
    // that needs it (the cache knows which pages do; anything else gets it to be safe).
    let embeds = response.extensions().get::<crate::cache::EmbedsCsrf>().is_none_or(|e| e.0);
    let headers = response.headers_mut();
    if existing_csrf.is_none() && !api && embeds {
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
    /// A feed calendar programs fetch without logging in: the public's part, or a member's by the
    /// secret key in its address. The gate loads the organisation; the handler decides.
    Feed,
}

impl Access {
    /// Why a member with too low a role is refused.
    fn refusal(self) -> &'static str {
        match self {
            Access::Admin => "forbidden-admin",
            Access::Manage => "forbidden-manage",
            Access::Edit => "forbidden-edit",
            _ => "forbidden",
        }
    }

    fn role(self) -> Option<Role> {
        match self {
            Access::Member => Some(Role::Reader),
            Access::Edit => Some(Role::Editor),
            Access::Manage => Some(Role::Secretariat),
            Access::Admin => Some(Role::Admin),
            Access::Anyone | Access::LoggedIn | Access::Read | Access::Feed => None,
        }
    }
}

/// Enforces a route's `Access` from its path and the viewer, and fills the request [`Ctx`]:
/// `{org}`, `{year}`, `{round}` and `{id}` are parsed into core's types and loaded once. What the
/// viewer may not even see is not found, never forbidden, so unpublished data does not show it
/// exists.
pub async fn gate(State((app, access)): State<(AppState, Access)>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let tr = Tr::new(negotiate(&parts));
    let viewer = parts.extensions.get::<Viewer>().cloned().unwrap_or_default();
    let params: HashMap<String, String> =
        match axum::extract::Path::<HashMap<String, String>>::from_request_parts(&mut parts, &app).await {
            Ok(p) => p.0,
            Err(_) => HashMap::new(),
        };
    let mut ctx = Ctx::new(tr, viewer);
    ctx.client = client_addr(&parts, app.trusted_proxy);
    ctx.https = is_https(&parts, app.trusted_proxy);
    if let Err(refused) = admit(&app, access, &params, &mut ctx, &parts).await {
        let mut response = match refused {
            Refused::Login => login_redirect(&parts),
            Refused::Error(e) => e.into_response(),
        };
        response.extensions_mut().insert(ctx);
        return response;
    }
    parts.extensions.insert(ctx.clone());
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if response.status().is_client_error() || response.status().is_server_error() {
        // The error page shows the organisation's navigation too.
        response.extensions_mut().insert(ctx);
    }
    response
}

enum Refused {
    /// Not logged in where a member may be welcome: log in first.
    Login,
    Error(AppError),
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Refused::Error(e)
    }
}

impl From<tiltak_db::DbError> for Refused {
    fn from(e: tiltak_db::DbError) -> Self {
        Refused::Error(e.into())
    }
}

fn login_redirect(parts: &Parts) -> Response {
    if is_api(parts.uri.path()) {
        AppError::new(StatusCode::UNAUTHORIZED, Message::new("api-login-required")).into_response()
    } else if parts.method == Method::GET {
        let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        Redirect::to(&format!("/login?next={}", urlencode(next))).into_response()
    } else {
        AppError::new(StatusCode::UNAUTHORIZED, Message::new("login-required")).into_response()
    }
}

fn not_found() -> Refused {
    Refused::Error(AppError::not_found(Message::new("not-found-page")))
}

async fn admit(
    app: &AppState,
    access: Access,
    params: &HashMap<String, String>,
    ctx: &mut Ctx,
    parts: &Parts,
) -> Result<(), Refused> {
    let anonymous = ctx.viewer.user.is_none();
    match access {
        Access::Anyone => return Ok(()),
        Access::LoggedIn if anonymous => return Err(Refused::Login),
        Access::LoggedIn => return Ok(()),
        _ => {}
    }
    let slug = params
        .get("org")
        .ok_or_else(|| AppError::internal("a route with organisation access has no {org}"))?;
    let slug = tiltak_core::OrganisationSlug::parse(slug).map_err(|_| not_found())?;
    let org = app.db.organisation(slug.as_str()).await?;
    // A missing organisation answers as an unpublished one does, so nobody learns which exist.
    let hidden = |ctx: &Ctx| {
        if ctx.viewer.user.is_none()
            && parts.method == Method::GET
            && !matches!(access, Access::Read | Access::Feed)
        {
            Refused::Login
        } else {
            not_found()
        }
    };
    let Some(org) = org else { return Err(hidden(ctx)) };
    ctx.role = ctx.viewer.role(&org.slug);
    if access == Access::Feed {
        ctx.org = Some(org);
        return Ok(());
    }
    if let Some(year) = params.get("year") {
        let year = tiltak_core::round::parse_year(year)
            .map_err(|_| AppError::not_found(Message::new("not-found-year").arg("year", year)))?;
        let programme = app.db.programme(org.id, year).await?;
        let visible =
            programme.as_ref().is_some_and(|p| ctx.audience().sees_programme(p)) || ctx.role.is_some();
        if !visible {
            return Err(hidden(ctx));
        }
        let programme = programme.ok_or_else(|| {
            AppError::not_found(
                Message::new("not-found-programme").arg("year", year).arg("organisation", &org.name),
            )
        })?;
        let audience = ctx.audience();
        ctx.rounds =
            app.db.rounds(programme.id).await?.into_iter().filter(|r| audience.sees_round(r)).collect();
        ctx.programme = Some(programme);
    } else if ctx.role.is_none() && !app.db.is_public(org.id).await? {
        return Err(hidden(ctx));
    }
    ctx.org = Some(org);
    if let Some(needed) = access.role()
        && ctx.role.is_none_or(|r| r < needed)
    {
        if anonymous {
            return Err(Refused::Login);
        }
        return Err(AppError::forbidden(Message::new(access.refusal())).into());
    }
    if let Some(round) = params.get("round") {
        let found = ctx.find_round(Some(round))?.cloned();
        ctx.round = found;
    }
    if let Some(id) = params.get("id") {
        let id: MeasureId = id
            .parse()
            .map_err(|_| AppError::not_found(Message::new("not-found-measure").arg("number", id)))?;
        ctx.measure = Some(id);
    }
    // `/{org}/events…`, `/{org}/projects…`: the kind of entity, and the one of `{entity}`.
    let path = parts.uri.path();
    ctx.kind = path.split('/').nth(2).and_then(tiltak_core::EntityKind::from_plural).or_else(|| {
        (ctx.programme.is_some() && path.ends_with("/events")).then_some(tiltak_core::EntityKind::Event)
    });
    if let Some(id) = params.get("entity") {
        let org = ctx.org()?;
        let entity = match id.parse::<i64>() {
            Ok(id) => Some(app.db.entity(org.id, id, ctx.audience()).await?),
            Err(_) => None,
        };
        let entity = entity
            .filter(|e| Some(e.entity.kind) == ctx.kind)
            .ok_or_else(|| AppError::not_found(Message::new("db-entity-not-found")))?;
        ctx.entity = Some(entity);
    }
    Ok(())
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

/// Failed logins, limited so that guessing is slow but nobody can lock anyone else out:
/// - per client address and account: five tries, then a wait that doubles with each failure
///   (up to 15 minutes) — the guesser waits, the account's owner elsewhere does not;
/// - per client address: 50 failures in 15 minutes, then that address waits;
/// - per account from all addresses: past 20 failures in 15 minutes every try waits 10 seconds,
///   which slows a spread-out attack while the owner can still log in.
#[derive(Debug, Clone, Default)]
pub struct LoginLimiter {
    failures: Arc<Mutex<HashMap<String, Vec<Instant>>>>,
}

const WINDOW: Duration = Duration::from_secs(15 * 60);
const FREE_TRIES: usize = 5;
const PER_CLIENT: usize = 50;
const PER_ACCOUNT: usize = 20;
const ACCOUNT_PAUSE: Duration = Duration::from_secs(10);

impl LoginLimiter {
    fn keys(client: Option<IpAddr>, account: &str) -> [String; 3] {
        let client = client.map_or_else(|| "-".to_owned(), |c| c.to_string());
        [format!("pair {client} {account}"), format!("client {client}"), format!("account {account}")]
    }

    /// How long this client must wait before trying this account again, if at all.
    pub fn wait(&self, client: Option<IpAddr>, account: &str) -> Option<Duration> {
        let mut map = self.failures.lock().expect("the limiter's lock is never poisoned");
        let now = Instant::now();
        let [pair, by_client, by_account] = Self::keys(client, account);
        let mut recent = |key: &str| {
            let list = map.entry(key.to_owned()).or_default();
            list.retain(|t| now.duration_since(*t) < WINDOW);
            list.clone()
        };
        let (pair, by_client, by_account) = (recent(&pair), recent(&by_client), recent(&by_account));
        let until = |since: Instant, pause: Duration| (since + pause).checked_duration_since(now);
        let mut waits = Vec::new();
        if pair.len() >= FREE_TRIES {
            let doublings = (pair.len() - FREE_TRIES).min(10) as u32;
            let pause = Duration::from_secs(2u64.pow(doublings) * 5).min(WINDOW);
            waits.push(until(*pair.last().expect("not empty"), pause));
        }
        if by_client.len() >= PER_CLIENT {
            waits.push(until(by_client[0], WINDOW));
        }
        if by_account.len() >= PER_ACCOUNT {
            waits.push(until(*by_account.last().expect("not empty"), ACCOUNT_PAUSE));
        }
        waits.into_iter().flatten().max()
    }

    pub fn failed(&self, client: Option<IpAddr>, account: &str) {
        let mut map = self.failures.lock().expect("never poisoned");
        for key in Self::keys(client, account) {
            map.entry(key).or_default().push(Instant::now());
        }
        // A bound on memory under a flood of made-up accounts.
        if map.len() > 100_000 {
            let now = Instant::now();
            map.retain(|_, list| list.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
    }

    pub fn succeeded(&self, client: Option<IpAddr>, account: &str) {
        let [pair, _, _] = Self::keys(client, account);
        self.failures.lock().expect("never poisoned").remove(&pair);
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
