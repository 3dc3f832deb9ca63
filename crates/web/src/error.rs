//! One error type for request handling. Handlers return `AppResult<T>`; an error becomes a page
//! with the right status and a message a person can act on. anyhow is not used inside requests.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tiltak_db::DbError;

use crate::i18n::Tr;

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub message: String,
    pub tr: Tr,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn not_found(tr: Tr, what: impl Into<String>) -> Self {
        AppError { status: StatusCode::NOT_FOUND, message: what.into(), tr }
    }
    pub fn bad_request(tr: Tr, message: impl Into<String>) -> Self {
        AppError { status: StatusCode::BAD_REQUEST, message: message.into(), tr }
    }
    pub fn conflict(tr: Tr, message: impl Into<String>) -> Self {
        AppError { status: StatusCode::CONFLICT, message: message.into(), tr }
    }
    pub fn internal(tr: Tr, message: impl std::fmt::Display) -> Self {
        tracing::error!("{message}");
        AppError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error; it has been logged".into(),
            tr,
        }
    }

    pub fn from_db(tr: Tr, e: DbError) -> Self {
        match e {
            DbError::NotFound(what) => Self::not_found(tr, format!("{what} was not found")),
            DbError::Conflict(m) => Self::conflict(tr, m),
            DbError::Invalid(m) => AppError { status: StatusCode::UNPROCESSABLE_ENTITY, message: m, tr },
            other => Self::internal(tr, other),
        }
    }
}

/// Attaches the request's language to database errors: `db.call().await.or_page(tr)?`.
pub trait OrPage<T> {
    fn or_page(self, tr: Tr) -> AppResult<T>;
}

impl<T> OrPage<T> for Result<T, DbError> {
    fn or_page(self, tr: Tr) -> AppResult<T> {
        self.map_err(|e| AppError::from_db(tr, e))
    }
}

impl<T> OrPage<T> for Result<T, askama::Error> {
    fn or_page(self, tr: Tr) -> AppResult<T> {
        self.map_err(|e| AppError::internal(tr, e))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: crate::pages::PageCtx,
    heading: String,
    message: &'a str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let heading = match self.status {
            StatusCode::NOT_FOUND => self.tr.t("not-found"),
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => self.tr.t("bad-request"),
            StatusCode::CONFLICT => self.tr.t("conflict"),
            _ => self.tr.t("error-title"),
        };
        let page = crate::pages::PageCtx::new(
            self.tr,
            &crate::auth::Viewer::default(),
            heading.clone(),
            None,
            None,
            "",
        );
        let body = ErrorPage { page, heading, message: &self.message }
            .render()
            .unwrap_or_else(|_| self.message.clone());
        (self.status, Html(body)).into_response()
    }
}
