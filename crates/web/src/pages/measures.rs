//! `/{org}/{year}/measures/{id}`: one measure in every round, its sub-measures and its lineage
//! across years; and the tree's edits: add, rename, move up or down, remove.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tiltak_db::{ChangeRow, MeasureDetail, Placement};

use super::report::decision_label;
use super::{PageCtx, render, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

pub struct HistoryRow {
    pub round: String,
    pub date: String,
    pub status: String,
    pub description: String,
    pub decision: String,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "measure.html")]
struct MeasurePage {
    page: PageCtx,
    tr: Tr,
    base: String,
    m: MeasureDetail,
    history: Vec<HistoryRow>,
    changes: Vec<ChangeLine>,
}

/// A change of the measure as people read it.
struct ChangeLine {
    when: String,
    who: String,
    what: String,
    round: Option<String>,
    after: Option<String>,
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (tr, org, programme, id) = (ctx.tr, ctx.org()?, ctx.programme()?, ctx.measure()?);
    let m = app.db.measure_detail(programme.id, id, ctx.audience()).await?;
    let history = app
        .db
        .measure_history(programme.id, id)
        .await?
        .into_iter()
        .filter(|(r, _)| ctx.audience().sees_round(r))
        .map(|(r, e)| HistoryRow {
            round: r.label,
            date: tr.opt_date(&r.date),
            status: if e.status.label().is_empty() { tr.t("no-status") } else { e.status.label().to_owned() },
            description: e.description,
            decision: decision_label(tr, &e.continuation.decision),
            comment: e.continuation.comment,
        })
        .collect();
    let vocabulary = app.db.vocabulary(org.id).await?;
    let changes = app
        .db
        .changes(programme.id, Some(i64::from(id)), 50)
        .await?
        .into_iter()
        .map(|c: ChangeRow| {
            let after = c.after.as_deref().map(|a| super::audit::value_label(tr, &vocabulary, &c.action, a));
            ChangeLine {
                when: tr.datetime(&c.at),
                who: c.actor,
                what: super::audit::action_label(tr, &c.action),
                round: c.round_label,
                after,
            }
        })
        .collect();
    let page = ctx.page(m.title.clone(), "report");
    render(MeasurePage { page, tr, base: format!("/{}/{}", org.slug, programme.year), m, history, changes })
}

#[derive(Debug, Deserialize)]
pub struct NewMeasure {
    pub title: String,
    /// "section:ID", "area:ID" or "under:NUMBER".
    pub place: String,
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NewMeasure>,
) -> AppResult<Response> {
    let (org, programme) = (ctx.org()?, ctx.programme()?);
    let bad = || AppError::bad_request(Message::new("add-where-unknown").arg("place", &form.place));
    let placement = match form.place.split_once(':') {
        Some(("section", id)) => Placement::Section(id.parse().map_err(|_| bad())?),
        Some(("area", id)) => Placement::Area(id.parse().map_err(|_| bad())?),
        Some(("under", n)) => Placement::Under(n.parse().map_err(|_| bad())?),
        _ => return Err(bad()),
    };
    let number = app.db.add_measure(org.id, programme.id, placement, &form.title, &ctx.actor()).await?;
    Ok(see_other(&format!("/{}/{}/measures/{number}", org.slug, programme.year)))
}

#[derive(Debug, Deserialize)]
pub struct Rename {
    pub title: String,
    pub version: i64,
}

pub async fn rename(State(app): State<AppState>, ctx: Ctx, Form(form): Form<Rename>) -> AppResult<Response> {
    let (org, programme, id) = (ctx.org()?, ctx.programme()?, ctx.measure()?);
    app.db.rename_measure(org.id, programme.id, id, &form.title, form.version, &ctx.actor()).await?;
    Ok(see_other(&format!("/{}/{}/measures/{id}", org.slug, programme.year)))
}

#[derive(Debug, Deserialize)]
pub struct Move {
    pub direction: String,
}

pub async fn reorder(State(app): State<AppState>, ctx: Ctx, Form(form): Form<Move>) -> AppResult<Response> {
    let (org, programme, id) = (ctx.org()?, ctx.programme()?, ctx.measure()?);
    let up = match form.direction.as_str() {
        "up" => true,
        "down" => false,
        other => {
            return Err(AppError::bad_request(
                Message::new("move-direction-unknown").arg("direction", other),
            ));
        }
    };
    app.db.move_measure(org.id, programme.id, id, up, &ctx.actor()).await?;
    Ok(see_other(&format!("/{}/{}/measures/{id}", org.slug, programme.year)))
}

pub async fn remove(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (org, programme, id) = (ctx.org()?, ctx.programme()?, ctx.measure()?);
    app.db.remove_measure(org.id, programme.id, id, &ctx.actor()).await?;
    Ok(see_other(&format!("/{}/{}/report", org.slug, programme.year)))
}

impl MeasurePage {
    pub fn place(&self) -> String {
        match &self.m.area {
            Some(a) => format!("{} › {a}", self.m.section),
            None => self.m.section.clone(),
        }
    }
}
