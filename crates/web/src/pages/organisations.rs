//! `/` (the organisations, or straight to the only one) and `/{org}` (its programmes by year).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use tiltak_db::{OrganisationRow, ProgrammeRow};

use super::{PageCtx, render, see_other};
use crate::AppState;
use crate::error::{AppResult, OrPage};
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "organisations.html")]
struct IndexPage {
    page: PageCtx,
    organisations: Vec<OrganisationRow>,
}

pub async fn index(State(app): State<AppState>, tr: Tr, viewer: crate::auth::Viewer) -> AppResult<Response> {
    // Only what this viewer may see: organisations they belong to, and those that publish.
    let mut organisations = Vec::new();
    for org in app.db.organisations().await.or_page(tr)? {
        if viewer.role(&org.slug).is_some() || app.db.is_public(org.id).await.or_page(tr)? {
            organisations.push(org);
        }
    }
    if let [only] = organisations.as_slice() {
        return Ok(see_other(&format!("/{}", only.slug)));
    }
    let page = PageCtx::new(tr, &viewer, tr.t("organisations-title"), None, None, "");
    render(tr, IndexPage { page, organisations })
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct ShowPage {
    page: PageCtx,
    programmes: Vec<ProgrammeRow>,
}

pub async fn show(
    State(app): State<AppState>,
    tr: Tr,
    viewer: crate::auth::Viewer,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let member = viewer.role(&org.slug).is_some();
    let programmes =
        app.db.programmes(org.id).await.or_page(tr)?.into_iter().filter(|p| member || p.published).collect();
    let page = PageCtx::new(tr, &viewer, org.name.clone(), Some(&org), None, "");
    render(tr, ShowPage { page, programmes })
}
