//! `/` (the organisations, or straight to the only one) and `/{org}` (its programmes by year).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tiltak_db::{OrganisationRow, ProgrammeRow};

use super::{PageCtx, render, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::AppResult;

#[derive(Template)]
#[template(path = "organisations.html")]
struct IndexPage {
    page: PageCtx,
    organisations: Vec<OrganisationRow>,
}

pub async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let viewer = &ctx.viewer;
    // Only what this viewer may see: organisations they belong to, and those that publish.
    let mut organisations = Vec::new();
    for org in app.db.organisations().await? {
        if viewer.role(&org.slug).is_some() || app.db.is_public(org.id).await? {
            organisations.push(org);
        }
    }
    if let [only] = organisations.as_slice() {
        return Ok(see_other(&format!("/{}", only.slug)));
    }
    let page = ctx.page(ctx.tr.t("organisations-title"), "");
    render(IndexPage { page, organisations })
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct ShowPage {
    page: PageCtx,
    programmes: Vec<ProgrammeRow>,
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let org = ctx.org()?;
    let member = ctx.is_member();
    let programmes = app.db.programmes(org.id).await?.into_iter().filter(|p| member || p.published).collect();
    let page = ctx.page(org.name.clone(), "");
    render(ShowPage { page, programmes })
}
