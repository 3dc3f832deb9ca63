//! `/login`, `/logout` and `/account/password`. A login always starts a new session (no session
//! fixation); failed logins are limited per e-mail; passwords are never logged.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::{PageCtx, see_other};
use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie, set_cookie};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageCtx,
    tr: Tr,
    next: String,
    email: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Next {
    #[serde(default)]
    pub next: String,
}

/// Only a path of this site: never another host. Browsers drop tabs and line breaks from URLs
/// (`/\t/evil.example` is `//evil.example` to them), so a path with any control character, a
/// backslash or a leading `//` falls back to the front page.
fn safe_next(next: &str) -> String {
    let safe = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !next.to_ascii_lowercase().contains("%0")
        && !next.to_ascii_lowercase().contains("%5c");
    if safe { next.to_owned() } else { "/".into() }
}

fn login_page(
    ctx: &Ctx,
    status: StatusCode,
    next: &str,
    email: &str,
    error: Option<String>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let page = ctx.page(tr.t("login"), "");
    let html = LoginPage { page, tr, next: safe_next(next), email: email.to_owned(), error }.render()?;
    Ok((status, Html(html)).into_response())
}

pub async fn login_form(ctx: Ctx, Query(q): Query<Next>) -> AppResult<Response> {
    login_page(&ctx, StatusCode::OK, &q.next, "", None)
}

#[derive(Deserialize)]
pub struct Login {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login").field("email", &self.email).field("password", &"[hidden]").finish()
    }
}

pub async fn login(State(app): State<AppState>, ctx: Ctx, Form(form): Form<Login>) -> AppResult<Response> {
    let tr = ctx.tr;
    let key = form.email.trim().to_lowercase();
    if let Some(wait) = app.limiter.wait(ctx.client, &key) {
        let message = tr.t1("login-rate-limited", "minutes", wait.as_secs().div_ceil(60).max(1));
        return login_page(&ctx, StatusCode::TOO_MANY_REQUESTS, &form.next, &form.email, Some(message));
    }
    match app.db.verify_login(&form.email, &form.password).await? {
        Some(user) => {
            app.limiter.succeeded(ctx.client, &key);
            // A fresh token every time: whatever session cookie the browser had is replaced.
            let token = app.db.create_session(user.id).await?;
            tracing::info!(user = %user.email, "login");
            // Mail to this person is written in the language they use here.
            app.db.set_user_language(user.id, tr.language).await?;
            let to = if form.next.trim().is_empty() || form.next.trim() == "/" {
                landing(&app, user.id).await?
            } else {
                safe_next(&form.next)
            };
            let mut response = see_other(&to);
            let max_age = tiltak_db::SESSION_DAYS * 24 * 60 * 60;
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, max_age, ctx.https));
            Ok(response)
        }
        None => {
            app.limiter.failed(ctx.client, &key);
            // As a quoted, escaped string: whatever was typed cannot forge a log line.
            tracing::info!(email = ?key, client = ?ctx.client, "failed login");
            login_page(&ctx, StatusCode::UNAUTHORIZED, &form.next, &form.email, Some(tr.t("login-failed")))
        }
    }
}

/// Where a person lands after logging in without a page to return to: an editor on their
/// measures, anyone else on the latest programme of their (first) organisation.
async fn landing(app: &AppState, user_id: i64) -> AppResult<String> {
    let roles = app.db.roles_of(user_id).await?;
    let Some((slug, role)) = roles.first() else { return Ok("/".into()) };
    if *role == tiltak_db::Role::Editor {
        return Ok(format!("/{slug}/mine"));
    }
    let Some(org) = app.db.organisation(slug).await? else { return Ok("/".into()) };
    Ok(match app.db.programmes(org.id).await?.first() {
        Some(p) => format!("/{slug}/{}", p.year),
        None => format!("/{slug}"),
    })
}

pub async fn logout(State(app): State<AppState>, ctx: Ctx, headers: HeaderMap) -> AppResult<Response> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let _ = app.db.end_session(&token).await;
    }
    let mut response = see_other("/");
    response.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0, ctx.https));
    Ok(response)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    page: PageCtx,
    tr: Tr,
    error: Option<String>,
    done: bool,
}

pub async fn password_form(ctx: Ctx) -> AppResult<Response> {
    let tr = ctx.tr;
    super::render(PasswordPage { page: ctx.page(tr.t("password-change"), ""), tr, error: None, done: false })
}

#[derive(Deserialize)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub repeat: String,
}

pub async fn change_password(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PasswordChange>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let user = ctx.viewer.user.clone().expect("the gate lets only logged-in users through");
    let error = if app.db.verify_login(&user.email, &form.current).await?.is_none() {
        Some(tr.t("password-wrong"))
    } else if form.new != form.repeat {
        Some(tr.t("password-mismatch"))
    } else if let Err(tiltak_db::DbError::Invalid(m)) = tiltak_db::check_password(&form.new, &user.email) {
        Some(tr.message(&m))
    } else {
        app.db.set_password(user.id, &form.new).await?;
        None
    };
    let done = error.is_none();
    let status = if done { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let html = PasswordPage { page: ctx.page(tr.t("password-change"), ""), tr, error, done }.render()?;
    let mut response = (status, Html(html)).into_response();
    if done {
        // Every session ended with the old password; this one too, so log in again.
        response.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0, ctx.https));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_form_never_prints_its_password() {
        let form = Login {
            email: "kari@example.no".into(),
            password: "hemmelig passord".into(),
            next: String::new(),
        };
        let printed = format!("{form:?}");
        assert!(printed.contains("kari@example.no") && !printed.contains("hemmelig"));
    }

    #[test]
    fn next_only_goes_to_this_site() {
        assert_eq!(safe_next("/osloregionen/2025"), "/osloregionen/2025");
        for evil in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/\t/evil.example/",
            "/%09/evil.example/",
            "/a\nb",
            "/a%0d%0aSet-Cookie:x",
        ] {
            assert_eq!(safe_next(evil), "/", "{evil}");
        }
    }
}
