//! `/{org}/{year}/rounds/{round}/progress`: how far each working group has come in a round — the
//! measures it answers for, how many are updated, which are not, and who is in the group — and
//! `POST …/remind`, the secretariat's "send a reminder now" to one group.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tiltak_core::MeasureId;

use super::{PageCtx, render, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};
use crate::reminders::RoundToRemind;

pub struct GroupView {
    pub name: String,
    /// The form's value for this group: its name, or empty for the secretariat's share.
    pub key: String,
    pub members: Vec<String>,
    pub owned: usize,
    pub updated: usize,
    pub waiting: Vec<(MeasureId, String, String)>,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    page: PageCtx,
    tr: Tr,
    deadline: String,
    action: String,
    groups: Vec<GroupView>,
    total: (usize, usize),
    frozen: bool,
    can_mail: bool,
    done: Option<String>,
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (tr, org, round) = (ctx.tr, ctx.org()?, ctx.round()?);
    let base = ctx.base();
    let groups: Vec<GroupView> = app
        .db
        .progress_by_group(org.id, round.id)
        .await?
        .into_iter()
        .map(|g| GroupView {
            name: g.group.clone().unwrap_or_else(|| tr.t("settings-secretariat")),
            key: g.group.unwrap_or_default(),
            members: g.members,
            owned: g.owned,
            updated: g.updated,
            waiting: g
                .waiting
                .into_iter()
                .map(|(id, title)| (id, title, format!("{base}/measures/{id}")))
                .collect(),
        })
        .collect();
    let total = groups.iter().fold((0, 0), |(o, u), g| (o + g.owned, u + g.updated));
    let title = tr.t1("progress-title", "round", &round.label);
    let done = app.flash.take(&ctx.viewer.csrf);
    let flashed = done.is_some();
    let mut response = render(ProgressPage {
        page: ctx.page(title, "rounds"),
        tr,
        deadline: super::mine::deadline_text(tr, &round.deadline, app.clock.today()),
        action: format!("{base}/rounds/{}/remind", round.slug),
        groups,
        total,
        frozen: round.frozen,
        can_mail: app.mailer.is_some(),
        done,
    })?;
    crate::flash::Flash::said(&mut response, flashed);
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct RemindForm {
    /// The working group's name; empty for the secretariat's share.
    #[serde(default)]
    pub group: String,
}

/// Sends the group's members a reminder now, listing what is not yet updated, and says how many.
pub async fn remind(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<RemindForm>,
) -> AppResult<Response> {
    let (tr, org, programme, round) = (ctx.tr, ctx.org()?, ctx.programme()?, ctx.round()?);
    let Some(mailer) = app.mailer.as_ref() else {
        return Err(AppError::conflict(Message::new("mail-not-configured")));
    };
    if round.frozen {
        return Err(AppError::conflict(Message::new("round-frozen")));
    }
    let group = form.group.trim();
    let only = if group.is_empty() { None } else { Some(group) };
    let reminders = app.db.reminder_plan(org.id, round.id, Some(only)).await?;
    let target = RoundToRemind { org: org.clone(), year: programme.year, round: round.clone() };
    let mut sent = 0;
    let mut failed = Vec::new();
    for r in &reminders {
        match mailer.send(&target.mail(r, &app.public_url)).await {
            Ok(()) => sent += 1,
            Err(e) => {
                tracing::warn!("{e}");
                failed.push(r.to.clone());
            }
        }
    }
    let name = only.map_or_else(|| tr.t("settings-secretariat"), str::to_owned);
    app.db.log_reminders(org.id, programme.id, round.id, &ctx.actor(), &name, sent).await?;
    let said = if failed.is_empty() {
        tr.tn("progress-reminded", &[("count", sent.to_string()), ("group", name)])
    } else {
        tr.tn("progress-remind-failed", &[("count", sent.to_string()), ("failed", failed.join(", "))])
    };
    app.flash.put(&ctx.viewer.csrf, said);
    Ok(see_other(&format!("{}/rounds/{}/progress", ctx.base(), round.slug)))
}
