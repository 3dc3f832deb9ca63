//! One error type for request handling. Handlers return `AppResult<T>`; an `AppError` is data — a
//! status and a [`Message`] (an id of the locale files with its arguments) — and becomes a page in
//! one place, [`render`], which knows the viewer and their language, so a logged-in person keeps
//! their header and every word comes from the locale files. Store errors convert with `?`.

use askama::Template;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tiltak_db::DbError;

use crate::auth::Viewer;
use crate::context::Ctx;
use crate::i18n::{Message, Tr, negotiate};

#[derive(Debug, Clone)]
pub struct AppError {
    pub status: StatusCode,
    pub message: Message,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(status: StatusCode, message: Message) -> Self {
        AppError { status, message }
    }
    pub fn not_found(message: Message) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn bad_request(message: Message) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn unprocessable(message: Message) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
    pub fn conflict(message: Message) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }
    pub fn forbidden(message: Message) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }
    /// Something that should not happen: logged with its detail, shown as "an error has been logged".
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("{detail}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, Message::new("error-internal"))
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound(m) => Self::not_found(m),
            DbError::Conflict(m) => Self::conflict(m),
            DbError::Invalid(m) => Self::unprocessable(m),
            other => Self::internal(other),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        Self::internal(e)
    }
}

/// Heavy work (documents, imports) that ran on the blocking pool and did not come back.
impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::internal(e)
    }
}

/// An error on its way out: the response carries it until [`render`] makes the page.
#[derive(Clone)]
struct Pending(AppError);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(Pending(self));
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: crate::pages::PageCtx,
    heading: String,
    message: String,
}

/// The page for an error, with the viewer's header (and the organisation's navigation when the
/// gate had loaded it).
pub fn page(error: &AppError, tr: Tr, viewer: &Viewer, ctx: Option<&Ctx>) -> Response {
    let heading = tr.t(match error.status {
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::PAYLOAD_TOO_LARGE => {
            "bad-request"
        }
        StatusCode::CONFLICT => "conflict",
        StatusCode::FORBIDDEN => "forbidden-title",
        StatusCode::UNAUTHORIZED => "login-required-title",
        StatusCode::TOO_MANY_REQUESTS => "too-many-title",
        _ => "error-title",
    });
    let page = match ctx {
        Some(ctx) => ctx.page(heading.clone(), ""),
        None => crate::pages::PageCtx::new(tr, viewer, heading.clone(), None, None, ""),
    };
    let message = tr.message(&error.message);
    let body = ErrorPage { page, heading, message: message.clone() }.render().unwrap_or(message);
    (error.status, Html(body)).into_response()
}

/// An error of the API: JSON with the status, the message's id (stable, for programs) and the
/// message in the asker's language (for people).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, as a stable id (`not-found-page`, `round-frozen`, …).
    pub error: String,
    /// What went wrong, in the language asked for (`Accept-Language`).
    pub message: String,
}

/// The API's answer for an error.
pub fn json(error: &AppError, tr: Tr) -> Response {
    let body = ApiError {
        status: error.status.as_u16(),
        error: error.message.id.to_owned(),
        message: tr.message(&error.message),
    };
    (error.status, axum::Json(body)).into_response()
}

/// The answer for an error on `path`: JSON on the API's paths, else the page.
pub fn respond(path: &str, error: &AppError, tr: Tr, viewer: &Viewer, ctx: Option<&Ctx>) -> Response {
    if crate::auth::is_api(path) { json(error, tr) } else { page(error, tr, viewer, ctx) }
}

/// Turns every pending error into its page (or on the API, its JSON), in the language and for
/// the viewer of the request.
pub async fn render(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let tr = Tr::new(negotiate(&parts));
    let viewer = parts.extensions.get::<Viewer>().cloned().unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let mut response = next.run(Request::from_parts(parts, body)).await;
    match response.extensions_mut().remove::<Pending>() {
        Some(Pending(error)) => {
            let ctx = response.extensions().get::<Ctx>().cloned();
            let mut page = respond(&path, &error, tr, &viewer, ctx.as_ref());
            for (name, value) in response.headers() {
                if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
                    page.headers_mut().append(name.clone(), value.clone());
                }
            }
            page
        }
        None => response,
    }
}
