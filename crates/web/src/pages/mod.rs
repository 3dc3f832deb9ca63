//! Handlers by resource, then action. Each loads what its page needs through the helpers here,
//! renders a template, and leaves rules to core and storage to db.

pub mod account;
pub mod annual;
pub mod api_docs;
pub mod audit;
pub mod calendar;
pub mod changes;
pub mod comments;
pub mod download;
pub mod entities;
pub mod entries;
pub mod import;
pub mod measures;
pub mod mine;
pub mod opendata;
pub mod organisations;
pub mod overview;
pub mod progress;
pub mod report;
pub mod rollover;
pub mod rounds;
pub mod search;
pub mod settings;
pub mod tokens;

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tiltak_core::Language;
use tiltak_db::OrganisationRow;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::i18n::{COOKIE, Message, Tr};

/// What the layout needs on every page.
pub struct PageCtx {
    pub tr: Tr,
    /// The CSRF token every form on the page carries.
    pub csrf: String,
    /// The logged-in user's e-mail, or empty.
    pub user: String,
    pub title: String,
    pub org: Option<(String, String)>,
    pub year: Option<i32>,
    /// Which navigation item is this page: "overview", "report", "rounds", "search" or "".
    pub current: &'static str,
    /// The viewer's role in the page's organisation.
    pub role: Option<tiltak_db::Role>,
}

impl PageCtx {
    pub fn new(
        tr: Tr,
        viewer: &Viewer,
        title: String,
        org: Option<&OrganisationRow>,
        year: Option<i32>,
        current: &'static str,
    ) -> Self {
        PageCtx {
            tr,
            csrf: viewer.csrf.clone(),
            user: viewer.user.as_ref().map(|u| u.email.clone()).unwrap_or_default(),
            title,
            org: org.map(|o| (o.slug.clone(), o.name.clone())),
            year,
            current,
            role: org.and_then(|o| viewer.role(&o.slug)),
        }
    }

    pub fn is_member(&self) -> bool {
        self.role.is_some()
    }

    /// Secretariat or admin: may change the programme's structure, rounds and rollover.
    pub fn can_manage(&self) -> bool {
        self.role.is_some_and(|r| r >= tiltak_db::Role::Secretariat)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Some(tiltak_db::Role::Admin)
    }

    pub fn logged_in(&self) -> bool {
        !self.user.is_empty()
    }

    pub fn signed_in_as(&self) -> String {
        self.tr.t1("signed-in-as", "email", &self.user)
    }

    pub fn lang(&self) -> &'static str {
        self.tr.code()
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    /// `aria-current="page"` for the current navigation item.
    pub fn aria_current(&self, item: &str) -> &'static str {
        if self.current == item { "page" } else { "false" }
    }

    pub fn org_slug(&self) -> String {
        self.org.as_ref().map(|o| o.0.clone()).unwrap_or_default()
    }

    pub fn org_name(&self) -> String {
        self.org.as_ref().map(|o| o.1.clone()).unwrap_or_default()
    }

    pub fn year_str(&self) -> String {
        self.year.map(|y| y.to_string()).unwrap_or_default()
    }

    /// The other languages, for the header's switch: (code, name in that language).
    pub fn other_languages(&self) -> Vec<(&'static str, String)> {
        Language::ALL
            .into_iter()
            .filter(|l| *l != self.tr.language)
            .map(|l| (l.code(), Tr::new(l).t(&format!("language-name-{}", l.code()))))
            .collect()
    }

    /// The role's name in the page's language.
    pub fn role_name(&self) -> String {
        self.role.map(|r| self.tr.t(&format!("role-{}", r.key()))).unwrap_or_default()
    }
}

/// Renders a template into a response.
pub fn render(t: impl Template) -> AppResult<Response> {
    Ok(Html(t.render()?).into_response())
}

/// Renders a template with a status other than 200 (a form shown again with its error).
pub fn render_status(status: StatusCode, t: impl Template) -> AppResult<Response> {
    Ok((status, Html(t.render()?)).into_response())
}

pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
}

/// A redirect after a form post (303, so the browser follows with GET).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Stores the language chosen with `?lang=` in a cookie, so the choice holds on the next page.
pub async fn language_cookie(request: Request, next: Next) -> Response {
    let chosen = request
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("lang=")))
        .and_then(|l| tiltak_core::Language::parse(l).ok());
    let mut response = next.run(request).await;
    if let Some(l) = chosen
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            l.code()
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

pub async fn not_found() -> AppError {
    AppError::not_found(Message::new("not-found-page"))
}
