//! `/{org}/{year}/rounds`: the rounds with their deadline and progress; open a new round (it
//! starts from the previous round's values) and freeze one (it becomes read-only).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tiltak_core::round::parse_iso_date;

use super::{PageCtx, render_status, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

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
    /// What the last form did (open, freeze, reopen, visibility), said once.
    done: Option<String>,
    form: NewRound,
    /// The latest round is still open: the form offers to freeze it.
    has_open_round: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewRound {
    pub label: String,
    pub date: String,
    #[serde(default)]
    pub deadline: String,
    /// "1": freeze the round before it once this one is open (the form offers it, checked).
    #[serde(default)]
    pub freeze_previous: Option<String>,
}

impl NewRound {
    /// The freeze box is checked on a fresh form, and as the person left it on a refused one.
    pub fn freeze_checked(&self) -> bool {
        (self.label.is_empty() && self.date.is_empty()) || self.freeze_previous.as_deref() == Some("1")
    }
}

async fn page(app: &AppState, ctx: &Ctx, error: Option<AppError>, form: NewRound) -> AppResult<Response> {
    let (tr, programme) = (ctx.tr, ctx.programme()?);
    let mut rounds = Vec::new();
    for r in &ctx.rounds {
        let p = app.db.round_progress(r.id).await?;
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
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let error = error.map(|e| tr.message(&e.message));
    let page = ctx.page(tr.t1("rounds-title", "year", programme.year), "rounds");
    let has_open_round = ctx.rounds.last().is_some_and(|r| !r.frozen);
    let done = app.flash.take(&ctx.viewer.csrf);
    let flashed = done.is_some();
    let mut response = render_status(
        status,
        RoundsPage { page, tr, base: ctx.base(), rounds, error, done, form, has_open_round },
    )?;
    crate::flash::Flash::said(&mut response, flashed);
    Ok(response)
}

/// Back to the rounds page, which says once what was done.
fn done(app: &AppState, ctx: &Ctx, message: Message) -> Response {
    app.flash.put(&ctx.viewer.csrf, ctx.tr.message(&message));
    see_other(&format!("{}/rounds", ctx.base()))
}

pub async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    page(&app, &ctx, None, NewRound::default()).await
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<NewRound>,
) -> AppResult<Response> {
    let (org, programme) = (ctx.org()?, ctx.programme()?);
    let bad_date =
        |value: &str| AppError::unprocessable(Message::new("round-date-invalid").arg("value", value.trim()));
    let date = parse_iso_date(form.date.trim()).map_err(|_| bad_date(&form.date));
    let deadline = Some(form.deadline.trim())
        .filter(|d| !d.is_empty())
        .map(|d| parse_iso_date(d).map_err(|_| bad_date(d)))
        .transpose();
    let result = match (date, deadline) {
        (Ok(date), Ok(deadline)) => app
            .db
            .open_round(org.id, programme, &form.label, date, deadline, &ctx.actor())
            .await
            .map_err(AppError::from),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(_) => {
            // The round before is done with: freeze it too, as the form offered.
            if form.freeze_previous.as_deref() == Some("1")
                && let Some(previous) = ctx.rounds.last().filter(|r| !r.frozen)
            {
                app.db.freeze_round(org.id, programme.id, previous, &ctx.actor()).await?;
                let message = Message::new("round-opened-froze")
                    .arg("round", form.label.trim())
                    .arg("previous", &previous.label);
                return Ok(done(&app, &ctx, message));
            }
            Ok(done(&app, &ctx, Message::new("round-opened").arg("round", form.label.trim())))
        }
        Err(e) if e.status != StatusCode::INTERNAL_SERVER_ERROR => page(&app, &ctx, Some(e), form).await,
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Confirm {
    #[serde(default)]
    pub confirm: String,
}

#[derive(Template)]
#[template(path = "round_freeze.html")]
struct FreezePage {
    page: PageCtx,
    tr: Tr,
    base: String,
    label: String,
    slug: String,
}

/// Freezing asks first: a page says what it means, and only its confirmation freezes.
pub async fn freeze(State(app): State<AppState>, ctx: Ctx, Form(form): Form<Confirm>) -> AppResult<Response> {
    let (tr, org, programme, round) = (ctx.tr, ctx.org()?, ctx.programme()?, ctx.round()?);
    if form.confirm != "yes" {
        let page = ctx.page(tr.t1("freeze-title", "round", &round.label), "rounds");
        return super::render(FreezePage {
            page,
            tr,
            base: ctx.base(),
            label: round.label.clone(),
            slug: round.slug.clone(),
        });
    }
    app.db.freeze_round(org.id, programme.id, round, &ctx.actor()).await?;
    Ok(done(&app, &ctx, Message::new("round-frozen-done").arg("round", &round.label)))
}

/// An admin opens a frozen round again (logged).
pub async fn reopen(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (org, programme, round) = (ctx.org()?, ctx.programme()?, ctx.round()?);
    app.db.reopen_round(org.id, programme.id, round, &ctx.actor()).await?;
    Ok(done(&app, &ctx, Message::new("round-reopened").arg("round", &round.label)))
}

#[derive(Debug, Deserialize)]
pub struct Visibility {
    pub public: String,
}

/// Makes a round public or internal (members only).
pub async fn visibility(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<Visibility>,
) -> AppResult<Response> {
    let (org, programme, round) = (ctx.org()?, ctx.programme()?, ctx.round()?);
    let public = form.public == "1";
    app.db.set_round_public(org.id, programme.id, round, public, &ctx.actor()).await?;
    let id = if public { "round-made-public" } else { "round-made-internal" };
    Ok(done(&app, &ctx, Message::new(id).arg("round", &round.label)))
}
