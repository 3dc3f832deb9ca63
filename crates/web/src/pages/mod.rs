//! Handlers by resource, then action. Each loads what its page needs through the helpers here,
//! renders a template, and leaves rules to core and storage to db.

pub mod account;
pub mod audit;
pub mod changes;
pub mod download;
pub mod entries;
pub mod import;
pub mod measures;
pub mod organisations;
pub mod overview;
pub mod report;
pub mod rollover;
pub mod rounds;
pub mod search;
pub mod settings;

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tiltak_db::{Db, OrganisationRow, ProgrammeRow, RoundRow};

use crate::auth::Viewer;
use crate::error::{AppError, AppResult, OrPage};
use crate::i18n::{COOKIE, Tr};

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

    pub fn switch_lang(&self) -> String {
        self.tr.t("language-switch-code")
    }
}

/// Renders a template into a response.
pub fn render(tr: Tr, t: impl Template) -> AppResult<Response> {
    Ok(Html(t.render().or_page(tr)?).into_response())
}

pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
}

/// A redirect after a form post (303, so the browser follows with GET).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub async fn organisation(db: &Db, tr: Tr, slug: &str) -> AppResult<OrganisationRow> {
    db.organisation(slug)
        .await
        .or_page(tr)?
        .ok_or_else(|| AppError::not_found(tr, format!("organisation {slug:?}")))
}

pub async fn programme(db: &Db, tr: Tr, org: &OrganisationRow, year: &str) -> AppResult<ProgrammeRow> {
    let y: i32 = year.parse().map_err(|_| AppError::not_found(tr, format!("{year:?} is not a year")))?;
    db.programme(org.id, y)
        .await
        .or_page(tr)?
        .ok_or_else(|| AppError::not_found(tr, format!("programme {y} of {}", org.name)))
}

/// The round with this slug (or label), or the latest when `None`.
/// Only members see internal rounds; the public sees the public ones.
pub async fn round(
    db: &Db,
    tr: Tr,
    member: bool,
    programme: &ProgrammeRow,
    wanted: Option<&str>,
) -> AppResult<Option<RoundRow>> {
    let rounds = visible_rounds(db, tr, member, programme).await?;
    match wanted.filter(|w| !w.is_empty()) {
        Some(w) => rounds
            .into_iter()
            .find(|r| r.slug == w || r.label == w)
            .map(Some)
            .ok_or_else(|| AppError::not_found(tr, format!("round {w:?}"))),
        None => Ok(rounds.into_iter().last()),
    }
}

pub async fn visible_rounds(
    db: &Db,
    tr: Tr,
    member: bool,
    programme: &ProgrammeRow,
) -> AppResult<Vec<RoundRow>> {
    let rounds = db.rounds(programme.id).await.or_page(tr)?;
    Ok(rounds.into_iter().filter(|r| member || r.public).collect())
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

pub async fn not_found(tr: Tr) -> AppError {
    AppError::not_found(tr, tr.t("not-found"))
}
