//! `/{org}/{year}/rounds`: the rounds with their deadline and progress; open a new round (it
//! starts from the previous round's values) and freeze one (it becomes read-only).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tiltak_core::round::parse_iso_date;

use super::{PageCtx, see_other};
use crate::AppState;
use crate::error::{AppError, AppResult, OrPage};
use crate::i18n::Tr;

pub struct RoundView {
    pub label: String,
    pub slug: String,
    pub date: String,
    pub deadline: String,
    pub frozen: bool,
    pub public: bool,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct RoundsPage {
    page: PageCtx,
    tr: Tr,
    base: String,
    rounds: Vec<RoundView>,
    error: Option<String>,
    form: NewRound,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewRound {
    pub label: String,
    pub date: String,
    #[serde(default)]
    pub deadline: String,
}

async fn page(
    app: &AppState,
    tr: Tr,
    viewer: &crate::auth::Viewer,
    slug: &str,
    year: &str,
    error: Option<(StatusCode, String)>,
    form: NewRound,
) -> AppResult<(StatusCode, Response)> {
    let org = super::organisation(&app.db, tr, slug).await?;
    let programme = super::programme(&app.db, tr, &org, year).await?;
    let mut rounds = Vec::new();
    for r in super::visible_rounds(&app.db, tr, viewer.role(&org.slug).is_some(), &programme).await? {
        let p = app.db.round_progress(r.id).await.or_page(tr)?;
        rounds.push(RoundView {
            label: r.label.clone(),
            slug: r.slug.clone(),
            date: tr.opt_date(&r.date),
            deadline: tr.opt_date(&r.deadline),
            frozen: r.frozen,
            public: r.public,
            updated: tr.tn(
                "round-updated-count",
                &[("updated", p.updated.to_string()), ("total", p.entries.to_string())],
            ),
        });
    }
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let page = PageCtx::new(
        tr,
        viewer,
        tr.t1("rounds-title", "year", programme.year),
        Some(&org),
        Some(programme.year),
        "rounds",
    );
    let html =
        RoundsPage { page, tr, base: format!("/{}/{}", org.slug, programme.year), rounds, error, form }
            .render()
            .or_page(tr)?;
    Ok((status, Html(html).into_response()))
}

pub async fn index(
    State(app): State<AppState>,
    tr: Tr,
    viewer: crate::auth::Viewer,
    Path((slug, year)): Path<(String, String)>,
) -> AppResult<Response> {
    let (status, response) = page(&app, tr, &viewer, &slug, &year, None, NewRound::default()).await?;
    Ok((status, response).into_response())
}

pub async fn create(
    State(app): State<AppState>,
    tr: Tr,
    viewer: crate::auth::Viewer,
    Path((slug, year)): Path<(String, String)>,
    Form(form): Form<NewRound>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let programme = super::programme(&app.db, tr, &org, &year).await?;
    let date = parse_iso_date(form.date.trim());
    let deadline = Some(form.deadline.trim()).filter(|d| !d.is_empty()).map(parse_iso_date).transpose();
    let result = match (date, deadline) {
        (Ok(date), Ok(deadline)) => app
            .db
            .open_round(org.id, &programme, &form.label, date, deadline, &viewer.actor())
            .await
            .map_err(|e| AppError::from_db(tr, e)),
        (Err(e), _) | (_, Err(e)) => Err(AppError::bad_request(tr, e.to_string())),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/{}/{}/rounds", org.slug, programme.year))),
        Err(e) if e.status != StatusCode::INTERNAL_SERVER_ERROR => {
            let (status, response) =
                page(&app, tr, &viewer, &slug, &year, Some((e.status, e.message)), form).await?;
            Ok((status, response).into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn freeze(
    State(app): State<AppState>,
    tr: Tr,
    viewer: crate::auth::Viewer,
    Path((slug, year, round)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let programme = super::programme(&app.db, tr, &org, &year).await?;
    let round = super::round(&app.db, tr, viewer.role(&org.slug).is_some(), &programme, Some(&round))
        .await?
        .expect("found or refused");
    app.db.freeze_round(org.id, programme.id, &round, &viewer.actor()).await.or_page(tr)?;
    Ok(see_other(&format!("/{}/{}/rounds", org.slug, programme.year)))
}

#[derive(Debug, Deserialize)]
pub struct Visibility {
    pub public: String,
}

/// Makes a round public or internal (members only).
pub async fn visibility(
    State(app): State<AppState>,
    tr: Tr,
    viewer: crate::auth::Viewer,
    Path((slug, year, round)): Path<(String, String, String)>,
    Form(form): Form<Visibility>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let programme = super::programme(&app.db, tr, &org, &year).await?;
    let round = super::round(&app.db, tr, true, &programme, Some(&round)).await?.expect("found or refused");
    let public = form.public == "1";
    app.db.set_round_public(org.id, programme.id, &round, public, &viewer.actor()).await.or_page(tr)?;
    Ok(see_other(&format!("/{}/{}/rounds", org.slug, programme.year)))
}
