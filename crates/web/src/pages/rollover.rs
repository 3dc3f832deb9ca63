//! `/{org}/{year}/rollover`: next year's programme planned from a round's decisions, shown before
//! anything is saved; the person decides each pending measure, then saves the draft.
//! `/{org}/{year}/adopt` records the board decision; `/{org}/{year}/rollover/summary` shows
//! what was carried, merged, dropped and added between the years.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tiltak_core::rollover::{
    Choice, DropReason, Outcome, PendingReason, RolloverPlan, Transition, build, next_title, plan,
};
use tiltak_core::round::parse_iso_date;
use tiltak_formats::rollover::{separate_items, transition_markdown};

use super::{PageCtx, render, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

fn drop_reason(tr: Tr, r: &DropReason) -> String {
    tr.message(&match r {
        DropReason::No { comment } => Message::new("rollover-reason-no").arg("comment", comment),
        DropReason::SeparateItems { comment } => {
            Message::new("rollover-reason-separate").arg("comment", comment)
        }
        DropReason::Rejected => Message::new("rollover-reason-rejected"),
        DropReason::ParentDropped => Message::new("rollover-reason-parent-dropped"),
    })
}

fn pending_reason(tr: Tr, r: &PendingReason) -> String {
    tr.message(&match r {
        PendingReason::Conditional { condition } => {
            Message::new("rollover-reason-conditional").arg("condition", condition)
        }
        PendingReason::Undecided { comment } if comment.is_empty() => {
            Message::new("rollover-reason-undecided")
        }
        PendingReason::Undecided { comment } => {
            Message::new("rollover-reason-undecided-comment").arg("comment", comment)
        }
        PendingReason::WillNotBeDone => Message::new("rollover-reason-will-not-be-done"),
        PendingReason::MergeTargetNotCarried { target } => {
            Message::new("rollover-reason-merge-not-carried").arg("number", target)
        }
        PendingReason::ParentPending => Message::new("rollover-reason-parent-pending"),
    })
}

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
            Outcome::Pending(r) => (0, pending_reason(tr, r)),
            Outcome::Carried => (1, String::new()),
            Outcome::Merged { into } => {
                (2, format!("→ {into} {}", titles.get(into).copied().unwrap_or_default()))
            }
            Outcome::Dropped(r) => (3, drop_reason(tr, r)),
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
    ctx: &Ctx,
    round: Option<&str>,
    choices: HashMap<u32, Choice>,
    error: Option<String>,
) -> AppResult<Response> {
    let (tr, org, programme) = (ctx.tr, ctx.org()?, ctx.programme()?);
    let round =
        ctx.find_round(round)?.ok_or_else(|| AppError::conflict(Message::new("overview-no-round")))?;
    let report =
        app.db.load_report(org, programme.year, Some(&round.slug), tiltak_db::Audience::Members).await?;
    let vocabulary = app.db.vocabulary(org.id).await?;
    let to = programme.year + 1;
    let p = plan(&report, to, &vocabulary, &choices, &separate_items);
    let base = ctx.base();
    let existing = app.db.programme(org.id, to).await?.map(|p| p.title);
    let [pending, carried, merged, dropped] = views(tr, &base, &p, &choices);
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ctx.page(
        tr.tn("rollover-title", &[("from", programme.year.to_string()), ("to", to.to_string())]),
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
    .render()?;
    Ok((status, Html(html)).into_response())
}

pub async fn show(State(app): State<AppState>, ctx: Ctx, Query(q): Query<RoundQuery>) -> AppResult<Response> {
    show_plan(&app, &ctx, q.round.as_deref(), HashMap::new(), None).await
}

/// The plan's form: `round`, `action` (preview | save) and `choice-{id}` = accept | reject.
pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let mut choices = HashMap::new();
    let bad = |k: &str, v: &str| {
        AppError::bad_request(Message::new("rollover-choice-unknown").arg("field", k).arg("value", v))
    };
    for (k, v) in &form {
        if let Some(id) = k.strip_prefix("choice-") {
            let id: u32 = id.parse().map_err(|_| bad(k, v))?;
            match v.as_str() {
                "accept" => choices.insert(id, Choice::Accept),
                "reject" => choices.insert(id, Choice::Reject),
                "" => None,
                other => return Err(bad(k, other)),
            };
        }
    }
    let round = form.get("round").map(String::as_str);
    if form.get("action").map(String::as_str) != Some("save") {
        return show_plan(&app, &ctx, round, choices, None).await;
    }
    let (org, programme) = (ctx.org()?, ctx.programme()?);
    let round_row =
        ctx.find_round(round)?.ok_or_else(|| AppError::conflict(Message::new("overview-no-round")))?;
    let report =
        app.db.load_report(org, programme.year, Some(&round_row.slug), tiltak_db::Audience::Members).await?;
    let vocabulary = app.db.vocabulary(org.id).await?;
    let to = programme.year + 1;
    let p = plan(&report, to, &vocabulary, &choices, &separate_items);
    match build(&p, &report, &next_title(&report.title, programme.year, to)) {
        Ok((new_programme, merges)) => {
            app.db.save_rollover(org, programme, &new_programme, &merges, &ctx.actor()).await?;
            Ok(see_other(&format!("/{}/{to}", org.slug)))
        }
        Err(pending) => {
            let message = tr.t1("rollover-still-pending", "count", pending.0.len());
            show_plan(&app, &ctx, round, choices, Some(message)).await
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

pub async fn adopt(State(app): State<AppState>, ctx: Ctx, Form(form): Form<Adoption>) -> AppResult<Response> {
    let (org, programme) = (ctx.org()?, ctx.programme()?);
    let date = parse_iso_date(form.decided_on.trim()).map_err(|_| {
        AppError::unprocessable(Message::new("round-date-invalid").arg("value", form.decided_on.trim()))
    })?;
    app.db.adopt_programme(org, programme, date, &form.reference, &form.text, &ctx.actor()).await?;
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
    ctx: Ctx,
    Query(q): Query<SummaryQuery>,
) -> AppResult<Response> {
    let (tr, org, from) = (ctx.tr, ctx.org()?, ctx.programme()?);
    // Next year's programme, if this viewer may see it; until then the summary is empty.
    let to = app.db.programme(org.id, from.year + 1).await?.filter(|p| p.published || ctx.is_member());
    let to_year = from.year + 1;
    let t = match &to {
        Some(to) => app.db.transition(from, to).await?,
        None => Transition::default(),
    };
    let exists = to.is_some();
    if q.format.as_deref() == Some("md") {
        let md =
            transition_markdown(from.year, to_year, &t, &tiltak_formats::Labels::for_language(tr.language));
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
    let page = ctx.page(title, "overview");
    let base = |y: i32| format!("/{}/{y}", org.slug);
    render(SummaryPage {
        page,
        tr,
        from_base: base(from.year),
        to_base: base(to_year),
        exists,
        t,
        md_href: format!("{}/rollover/summary?format=md", base(from.year)),
    })
}
