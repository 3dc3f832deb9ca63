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

pub async fn index(State(app): State<AppState>, tr: Tr) -> AppResult<Response> {
    let organisations = app.db.organisations().await.or_page(tr)?;
    if let [only] = organisations.as_slice() {
        return Ok(see_other(&format!("/{}", only.slug)));
    }
    let page = PageCtx::new(tr, tr.t("organisations-title"), None, None, "");
    render(tr, IndexPage { page, organisations })
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct ShowPage {
    page: PageCtx,
    programmes: Vec<ProgrammeRow>,
}

pub async fn show(State(app): State<AppState>, tr: Tr, Path(slug): Path<String>) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let programmes = app.db.programmes(org.id).await.or_page(tr)?;
    let page = PageCtx::new(tr, org.name.clone(), Some(&org), None, "");
    render(tr, ShowPage { page, programmes })
}
