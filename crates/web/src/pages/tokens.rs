//! `/account/tokens`: a person's API tokens — made for one organisation with a role no higher than
//! theirs, shown once when made, listed with when each was last used, and revoked in one step.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tiltak_db::{Role, TOKEN_NAME_MAX, TokenRow};

use super::{PageCtx, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

/// A token in the list, as its owner reads it.
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub organisation: String,
    pub role: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    page: PageCtx,
    tr: Tr,
    tokens: Vec<TokenView>,
    /// (slug, name) of each organisation the person belongs to.
    organisations: Vec<(String, String)>,
    /// Every role, with its name.
    roles: Vec<(&'static str, String)>,
    /// Just made: shown once.
    made: Option<String>,
    error: Option<String>,
    said: Option<String>,
    name: String,
    name_max: usize,
}

fn view(tr: Tr, t: TokenRow) -> TokenView {
    TokenView {
        id: t.id,
        name: t.name,
        organisation: t.organisation_name,
        role: tr.t(&format!("role-{}", t.role.key())),
        created: tr.datetime(&t.created_at),
        last_used: t.last_used_at.map(|at| tr.datetime(&at)).unwrap_or_else(|| tr.t("tokens-never-used")),
    }
}

async fn render(
    app: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    made: Option<String>,
    error: Option<String>,
    name: String,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let user = ctx.viewer.user.as_ref().ok_or_else(|| AppError::internal("tokens without a user"))?;
    let tokens = app.db.api_tokens(user.id).await?.into_iter().map(|t| view(tr, t)).collect();
    let mut organisations = Vec::new();
    for (slug, _) in &ctx.viewer.roles {
        if let Some(org) = app.db.organisation(slug).await? {
            organisations.push((org.slug.to_string(), org.name));
        }
    }
    // Only roles the person holds somewhere are offered (the store still checks the organisation's).
    let top = ctx.viewer.roles.iter().map(|(_, r)| *r).max();
    let roles = Role::ALL
        .into_iter()
        .filter(|r| top.is_some_and(|top| *r <= top))
        .map(|r| (r.key(), tr.t(&format!("role-{}", r.key()))))
        .collect();
    let said = app.flash.take(&ctx.viewer.csrf);
    let html = TokensPage {
        page: ctx.page(tr.t("tokens-title"), ""),
        tr,
        tokens,
        organisations,
        roles,
        made,
        error,
        said,
        name,
        name_max: TOKEN_NAME_MAX,
    }
    .render()?;
    let mut response = (status, Html(html)).into_response();
    response.extensions_mut().insert(crate::cache::Uncached);
    Ok(response)
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    render(&app, &ctx, StatusCode::OK, None, None, String::new()).await
}

#[derive(Debug, Deserialize)]
pub struct NewToken {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub role: String,
}

pub async fn create(State(app): State<AppState>, ctx: Ctx, Form(f): Form<NewToken>) -> AppResult<Response> {
    let tr = ctx.tr;
    let user = ctx.viewer.user.clone().ok_or_else(|| AppError::internal("tokens without a user"))?;
    let refuse = |m: Message| {
        let (app, ctx, name) = (app.clone(), ctx.clone(), f.name.clone());
        async move { render(&app, &ctx, StatusCode::UNPROCESSABLE_ENTITY, None, Some(tr.message(&m)), name).await }
    };
    // Only an organisation the person belongs to (anything else is as unknown as a made-up one).
    let org = match ctx.viewer.role(&f.organisation) {
        Some(_) => app.db.organisation(&f.organisation).await?,
        None => None,
    };
    let Some(org) = org else { return refuse(Message::new("tokens-organisation-needed")).await };
    let Ok(role) = Role::parse(&f.role) else { return refuse(Message::new("tokens-role-needed")).await };
    match app.db.create_api_token(&user, org.id, role, &f.name).await {
        Ok(token) => render(&app, &ctx, StatusCode::OK, Some(token), None, String::new()).await,
        Err(tiltak_db::DbError::Invalid(m)) => refuse(m).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(State(app): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let user = ctx.viewer.user.clone().ok_or_else(|| AppError::internal("tokens without a user"))?;
    // Revoked twice (two tabs, a double click) or not theirs: back to the list, which says so.
    let said = match id.parse() {
        Ok(id) => match app.db.revoke_api_token(&user, id).await {
            Ok(()) => ctx.tr.t("tokens-revoked"),
            Err(tiltak_db::DbError::NotFound(m)) => ctx.tr.message(&m),
            Err(e) => return Err(e.into()),
        },
        Err(_) => ctx.tr.t("token-not-found"),
    };
    app.flash.put(&ctx.viewer.csrf, said);
    Ok(see_other("/account/tokens"))
}
