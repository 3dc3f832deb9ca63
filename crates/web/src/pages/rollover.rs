//! `/{org}/{year}/rollover`: next year's programme planned from a round's decisions, shown before
//! anything is saved; the person decides each pending measure, then saves the draft.
//! `/{org}/{year}/adopt` records the board decision; `/{org}/{year}/rollover/summary` shows
//! what was carried, merged, dropped and added between the years.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tiltak_core::rollover::{Choice, Outcome, RolloverPlan, Transition, build, next_title, plan};
use tiltak_core::round::parse_iso_date;
use tiltak_formats::rollover::{drop_reason, pending_reason, separate_items, transition_markdown};

use super::{PageCtx, render, see_other};
use crate::AppState;
use crate::error::{AppError, AppResult, OrPage};
use crate::i18n::Tr;

pub struct ItemView {
    pub id: u32,
    pub title: String,
    pub depth: usize,
    pub reason: String,
    /// "accept", "reject" or "" (no choice made).
    pub choice: &'static str,
    pub href: String,
}

#[derive(Template)]
#[template(path = "rollover.html")]
struct RolloverPage {
    page: PageCtx,
    tr: Tr,
    base: String,
    to: i32,
    round: String,
    existing: Option<String>,
    pending: Vec<ItemView>,
    carried: Vec<ItemView>,
    merged: Vec<ItemView>,
    dropped: Vec<ItemView>,
    empty_areas: Vec<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RoundQuery {
    #[serde(default)]
    pub round: Option<String>,
}

fn views(tr: Tr, base: &str, p: &RolloverPlan, choices: &HashMap<u32, Choice>) -> [Vec<ItemView>; 4] {
    let titles: HashMap<u32, &str> = p.items.iter().map(|i| (i.id, i.title.as_str())).collect();
    let mut lists: [Vec<ItemView>; 4] = Default::default();
    for item in &p.items {
        let (list, reason) = match &item.outcome {
            Outcome::Pending(r) => (0, pending_reason(r)),
            Outcome::Carried => (1, String::new()),
            Outcome::Merged { into } => {
                (2, format!("→ {into} {}", titles.get(into).copied().unwrap_or_default()))
            }
            Outcome::Dropped(r) => (3, drop_reason(r)),
        };
        let choice = match choices.get(&item.id) {
            Some(Choice::Accept) => "accept",
            Some(Choice::Reject) => "reject",
            None => "",
        };
        let reason =
            if item.inherited { format!("{} ({})", reason, tr.t("rollover-inherited")) } else { reason };
        lists[list].push(ItemView {
            id: item.id,
            title: item.title.clone(),
            depth: item.depth,
            reason,
            choice,
            href: format!("{base}/measures/{}", item.id),
        });
    }
    lists
}

async fn show_plan(
    app: &AppState,
    tr: Tr,
    viewer: &crate::auth::Viewer,
    (slug, year): (&str, &str),
    round: Option<&str>,
    choices: HashMap<u32, Choice>,
    error: Option<String>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, slug).await?;
    let programme = super::programme(&app.db, tr, &org, year).await?;
    let round = super::round(&app.db, tr, viewer.role(&org.slug).is_some(), &programme, round)
        .await?
        .ok_or_else(|| AppError::conflict(tr, tr.t("overview-no-round")))?;
    let report = app.db.load_report(&org, programme.year, Some(&round.slug)).await.or_page(tr)?;
    let vocabulary = app.db.vocabulary(org.id).await.or_page(tr)?;
    let to = programme.year + 1;
    let p = plan(&report, to, &vocabulary, &choices, &separate_items);
    let base = format!("/{}/{}", org.slug, programme.year);
    let existing = app.db.programme(org.id, to).await.or_page(tr)?.map(|p| p.title);
    let [pending, carried, merged, dropped] = views(tr, &base, &p, &choices);
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = PageCtx::new(
        tr,
        viewer,
        tr.tn("rollover-title", &[("from", programme.year.to_string()), ("to", to.to_string())]),
        Some(&org),
        Some(programme.year),
        "rounds",
    );
    let html = RolloverPage {
        page,
        tr,
        base,
        to,
        round: round.slug.clone(),
        existing,
        pending,
        carried,
        merged,
        dropped,
        empty_areas: p.empty_areas.iter().map(|(s, a)| format!("{s} › {a}")).collect(),
        error,
    }
    .render()
    .or_page(tr)?;
    Ok((status, Html(html)).into_response())
}

pub async fn show(
    State(app): State<AppState>,
    tr: Tr,
    viewer: crate::auth::Viewer,
    Path((slug, year)): Path<(String, String)>,
    Query(q): Query<RoundQuery>,
) -> AppResult<Response> {
    show_plan(&app, tr, &viewer, (&slug, &year), q.round.as_deref(), HashMap::new(), None).await
}

/// The plan's form: `round`, `action` (preview | save) and `choice-{id}` = accept | reject.
pub async fn update(
    State(app): State<AppState>,
    tr: Tr,
    viewer: crate::auth::Viewer,
    Path((slug, year)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let mut choices = HashMap::new();
    for (k, v) in &form {
        if let Some(id) = k.strip_prefix("choice-") {
            let id: u32 = id.parse().map_err(|_| AppError::bad_request(tr, format!("{k:?}")))?;
            match v.as_str() {
                "accept" => choices.insert(id, Choice::Accept),
                "reject" => choices.insert(id, Choice::Reject),
                "" => None,
                other => return Err(AppError::bad_request(tr, format!("{k}={other:?}: accept or reject"))),
            };
        }
    }
    let round = form.get("round").map(String::as_str);
    if form.get("action").map(String::as_str) != Some("save") {
        return show_plan(&app, tr, &viewer, (&slug, &year), round, choices, None).await;
    }
    let org = super::organisation(&app.db, tr, &slug).await?;
    let programme = super::programme(&app.db, tr, &org, &year).await?;
    let round_row = super::round(&app.db, tr, viewer.role(&org.slug).is_some(), &programme, round)
        .await?
        .ok_or_else(|| AppError::conflict(tr, tr.t("overview-no-round")))?;
    let report = app.db.load_report(&org, programme.year, Some(&round_row.slug)).await.or_page(tr)?;
    let vocabulary = app.db.vocabulary(org.id).await.or_page(tr)?;
    let to = programme.year + 1;
    let p = plan(&report, to, &vocabulary, &choices, &separate_items);
    match build(&p, &report, &next_title(&report.title, programme.year, to)) {
        Ok((new_programme, merges)) => {
            app.db
                .save_rollover(&org, &programme, &new_programme, &merges, &viewer.actor())
                .await
                .or_page(tr)?;
            Ok(see_other(&format!("/{}/{to}", org.slug)))
        }
        Err(pending) => {
            let message = tr.t1("rollover-still-pending", "count", pending.0.len());
            show_plan(&app, tr, &viewer, (&slug, &year), round, choices, Some(message)).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Adoption {
    pub decided_on: String,
    pub reference: String,
    #[serde(default)]
    pub text: String,
}

pub async fn adopt(
    State(app): State<AppState>,
    tr: Tr,
    viewer: crate::auth::Viewer,
    Path((slug, year)): Path<(String, String)>,
    Form(form): Form<Adoption>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let programme = super::programme(&app.db, tr, &org, &year).await?;
    let date =
        parse_iso_date(form.decided_on.trim()).map_err(|e| AppError::bad_request(tr, e.to_string()))?;
    app.db
        .adopt_programme(&org, &programme, date, &form.reference, &form.text, &viewer.actor())
        .await
        .or_page(tr)?;
    Ok(see_other(&format!("/{}/{}", org.slug, programme.year)))
}

#[derive(Template)]
#[template(path = "rollover_summary.html")]
struct SummaryPage {
    page: PageCtx,
    tr: Tr,
    from_base: String,
    to_base: String,
    t: Transition,
    /// Next year's programme exists (and may be seen).
    exists: bool,
    md_href: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SummaryQuery {
    #[serde(default)]
    pub format: Option<String>,
}

pub async fn summary(
    State(app): State<AppState>,
    tr: Tr,
    viewer: crate::auth::Viewer,
    Path((slug, year)): Path<(String, String)>,
    Query(q): Query<SummaryQuery>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let from = super::programme(&app.db, tr, &org, &year).await?;
    // Next year's programme, if this viewer may see it; until then the summary is empty.
    let to = app
        .db
        .programme(org.id, from.year + 1)
        .await
        .or_page(tr)?
        .filter(|p| p.published || viewer.role(&org.slug).is_some());
    let to_year = from.year + 1;
    let t = match &to {
        Some(to) => app.db.transition(&from, to).await.or_page(tr)?,
        None => Transition::default(),
    };
    let exists = to.is_some();
    if q.format.as_deref() == Some("md") {
        let md = transition_markdown(from.year, to_year, &t);
        return Ok((
            [
                (header::CONTENT_TYPE, "text/markdown; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}-{}-{to_year}.md\"", org.slug, from.year),
                ),
            ],
            md,
        )
            .into_response());
    }
    let title =
        tr.tn("rollover-summary-title", &[("from", from.year.to_string()), ("to", to_year.to_string())]);
    let page = PageCtx::new(tr, &viewer, title, Some(&org), Some(from.year), "overview");
    let base = |y: i32| format!("/{}/{y}", org.slug);
    render(
        tr,
        SummaryPage {
            page,
            tr,
            from_base: base(from.year),
            to_base: base(to_year),
            exists,
            t,
            md_href: format!("{}/rollover/summary?format=md", base(from.year)),
        },
    )
}
