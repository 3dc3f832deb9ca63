//! The REST API under `/api/v1`: JSON for scripts, dashboards and other systems. It is the web
//! app seen through another door — the same routes table with the same access rules and gate, the
//! same visibility rule (the public sees published programmes and public rounds), the same merge
//! of concurrent edits, the same import with its preview — so nothing here decides anything the
//! pages do not. A person's API token (made on their account page) stands in for their session;
//! requests are rate-limited per token (or per address for the public). The OpenAPI 3.1 document
//! at `/api/v1/openapi.json` is generated from the handlers ([`ApiDoc`]); a snapshot test keeps
//! every change to it visible in review.

pub mod model;
pub mod read;
pub mod write;

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::AppState;
use crate::auth::Viewer;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::Message;

/// The API's version prefix.
pub const PREFIX: &str = "/api/v1";

/// The OpenAPI document, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tiltak API",
        description = "Read a public body's action programme — organisations, programmes, rounds, \
                       measures with their entries, changes between rounds, rollover — and, with a \
                       personal API token, update entries and import files. The public sees what \
                       the organisation publishes; a token sees what its person may, in one \
                       organisation, with a role no higher than theirs. Errors are JSON with a \
                       stable id and a message in the language of `Accept-Language`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    paths(
        read::organisations,
        read::organisation,
        read::programme,
        read::measures,
        read::measure,
        read::changes,
        read::rollover,
        write::update_entry,
        write::import_preview,
        write::import_confirm,
    ),
    modifiers(&BearerToken),
    tags(
        (name = "read", description = "What the public, or a token's person, may see."),
        (name = "write", description = "Changes made with an API token (or a session and its CSRF token)."),
    )
)]
pub struct ApiDoc;

/// Declares the bearer token every write needs.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal API token, made on the account page (tiltak_…)."))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document as served, pretty-printed with a final newline (the snapshot's bytes).
pub fn openapi_json() -> String {
    let mut doc = ApiDoc::openapi();
    doc.servers = None;
    let mut out = doc.to_pretty_json().expect("the OpenAPI document serialises");
    out.push('\n');
    out
}

/// Every operation of the document, in its order: (method, path, operation).
pub fn operations() -> Vec<(&'static str, String, utoipa::openapi::path::Operation)> {
    let doc = ApiDoc::openapi();
    let mut out = Vec::new();
    for (path, item) in doc.paths.paths {
        let methods = [
            ("GET", item.get),
            ("POST", item.post),
            ("PATCH", item.patch),
            ("PUT", item.put),
            ("DELETE", item.delete),
        ];
        for (method, op) in methods {
            if let Some(op) = op {
                out.push((method, path.clone(), op));
            }
        }
    }
    out
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

/// Requests per minute for each token (or each address without one), from
/// `TILTAK_API_RATE_PER_MINUTE` (default 600, bursts of as many).
#[derive(Clone)]
pub struct RateLimit {
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
    per_minute: NonZeroU32,
}

impl RateLimit {
    pub fn per_minute(n: u32) -> Self {
        let per_minute = NonZeroU32::new(n.max(1)).expect("at least one");
        RateLimit { limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))), per_minute }
    }

    pub fn per_minute_count(&self) -> u32 {
        self.per_minute.get()
    }

    pub fn from_env() -> Self {
        let n = std::env::var("TILTAK_API_RATE_PER_MINUTE").ok().and_then(|v| v.trim().parse().ok());
        Self::per_minute(n.unwrap_or(600))
    }

    /// `Err(seconds to wait)` when `key` has used its share.
    fn check(&self, key: String) -> Result<(), u64> {
        self.limiter.check_key(&key).map_err(|not_until| {
            let now = governor::clock::Clock::now(&governor::clock::DefaultClock::default());
            not_until.wait_time_from(now).as_secs().max(1)
        })
    }
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RateLimit({}/min)", self.per_minute)
    }
}

/// Limits the API's requests: per token, per logged-in person, or per address.
pub async fn limit(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let viewer = request.extensions().get::<Viewer>().cloned().unwrap_or_default();
    let key = match (&viewer.token, &viewer.user) {
        (Some((id, _)), _) => format!("token {id}"),
        (None, Some(user)) => format!("user {}", user.id),
        (None, None) => {
            let (parts, body) = request.into_parts();
            let client = crate::auth::client_addr(&parts, app.trusted_proxy);
            let key = format!("client {}", client.map_or_else(|| "-".to_owned(), |c| c.to_string()));
            return limited(&app, key, Request::from_parts(parts, body), next).await;
        }
    };
    limited(&app, key, request, next).await
}

async fn limited(app: &AppState, key: String, request: Request, next: Next) -> Response {
    match app.api_limit.check(key) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let error = AppError::new(
                StatusCode::TOO_MANY_REQUESTS,
                Message::new("api-rate-limited").arg("seconds", wait),
            );
            let mut response = error.into_response();
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
    }
}

/// A query string for the API: one that does not fit is a 400 in JSON, naming what is wrong.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query).map(ApiQuery).map_err(|e| {
            AppError::bad_request(Message::new("api-query-invalid").arg("detail", e.to_string()))
        })
    }
}

/// A JSON body for the API: one that does not fit is a 400 in JSON, with its line and column.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::new(StatusCode::PAYLOAD_TOO_LARGE, Message::new("form-too-large")))?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            AppError::bad_request(
                Message::new("api-json-invalid")
                    .arg("line", e.line())
                    .arg("column", e.column())
                    .arg("detail", e.to_string()),
            )
        })
    }
}

/// A JSON answer.
pub fn ok<T: serde::Serialize>(value: &T) -> AppResult<Response> {
    Ok(axum::Json(value).into_response())
}

/// Paging by cursor: the items after the one the cursor names, at most `limit` of them, and the
/// cursor of the next page when there is one. A cursor is opaque to clients.
pub fn page<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> AppResult<(Vec<T>, Option<String>)> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT) as usize;
    let start = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => {
            let after = URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| AppError::bad_request(Message::new("api-cursor-invalid")))?;
            items
                .iter()
                .position(|i| key(i) == after)
                .map(|p| p + 1)
                .ok_or_else(|| AppError::bad_request(Message::new("api-cursor-invalid")))?
        }
    };
    let more = items.len() > start + limit;
    let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let next = if more { page.last().map(|last| URL_SAFE_NO_PAD.encode(key(last))) } else { None };
    Ok((page, next))
}

pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 1000;

/// The absolute address of an API path.
pub fn url(app: &AppState, path: &str) -> String {
    format!("{}{PREFIX}{path}", app.public_url)
}

/// What the gate loaded, for handlers that need the organisation and programme.
pub fn org_and_programme(ctx: &Ctx) -> AppResult<(&tiltak_db::OrganisationRow, &tiltak_db::ProgrammeRow)> {
    Ok((ctx.org()?, ctx.programme()?))
}
