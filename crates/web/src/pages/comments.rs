//! `POST /{org}/{year}/rounds/{round}/measures/{id}/comments`: a short comment on a measure in an
//! open round — the secretariat's question or the group's answer — by whoever may edit the
//! measure. When the secretariat asks, the group that answers for the measure is told by mail.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tiltak_core::MeasureId;
use tiltak_db::{CommentRow, NewComment, Role, RoundRow};

use super::see_other;
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};
use crate::mail::{RoundMail, question_mail};

/// A comment as the measure page and the edit form show it.
pub struct CommentView {
    pub round: String,
    pub who: String,
    pub when: String,
    pub body: String,
    pub from_secretariat: bool,
}

impl CommentView {
    pub fn of(tr: Tr, c: CommentRow) -> CommentView {
        CommentView {
            round: c.round_label,
            who: c.author,
            when: tr.datetime(&c.at),
            body: c.body,
            from_secretariat: c.from_secretariat,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    pub body: String,
    /// Back to "edit" (the edit form) or the measure page (anything else).
    #[serde(default)]
    pub back: String,
}

/// Whether this member may edit (and comment on) this measure in this round: the secretariat and
/// admins, and editors of what their groups own, in an open round.
pub async fn may_edit(app: &AppState, ctx: &Ctx, round: &RoundRow, number: MeasureId) -> AppResult<bool> {
    if round.frozen {
        return Ok(false);
    }
    Ok(match ctx.role {
        Some(Role::Secretariat | Role::Admin) => true,
        Some(Role::Editor) => {
            let user = ctx.viewer.user.as_ref().ok_or_else(|| AppError::internal("members are logged in"))?;
            app.db.group_owns_measure(user.id, ctx.programme()?.id, number).await?
        }
        _ => false,
    })
}

pub async fn add(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(form): Form<CommentForm>,
) -> AppResult<Response> {
    let (org, programme, round, id) = (ctx.org()?, ctx.programme()?, ctx.round()?, ctx.measure()?);
    if round.frozen {
        return Err(AppError::conflict(Message::new("round-frozen")));
    }
    if !may_edit(&app, &ctx, round, id).await? {
        return Err(AppError::forbidden(Message::new("forbidden-not-your-area")));
    }
    let from_secretariat = ctx.at_least(Role::Secretariat);
    let actor = ctx.actor();
    let comment = NewComment { author: &actor, from_secretariat, body: &form.body };
    app.db.add_comment(org.id, programme.id, round, id, comment).await?;
    if from_secretariat && let Some(mailer) = app.mailer.clone() {
        // The group that answers for the measure is told; the mail goes out after the answer.
        let duty = app.db.duties(round.id).await?.into_iter().find(|d| d.number == id);
        if let Some(group) = duty.as_ref().and_then(|d| d.group.clone()) {
            let people = app.db.reminder_recipients(org.id, &group).await?;
            let (org, year, round, public_url) =
                (org.clone(), programme.year, round.clone(), app.public_url.clone());
            let title = duty.map(|d| d.title).unwrap_or_default();
            let body = form.body.trim().to_owned();
            tokio::spawn(async move {
                let about = RoundMail {
                    organisation: &org.name,
                    org_slug: &org.slug,
                    year,
                    round_label: &round.label,
                    round_slug: &round.slug,
                    deadline: round.deadline.as_deref(),
                    public_url: &public_url,
                };
                for (to, language) in people.iter().filter(|(to, _)| *to != actor) {
                    let mail = question_mail(to, *language, &about, (id, &title), &body);
                    if let Err(e) = mailer.send(&mail).await {
                        tracing::warn!("{e}");
                    }
                }
            });
        }
    }
    let base = ctx.base();
    Ok(see_other(&if form.back == "edit" {
        format!("{base}/rounds/{}/measures/{id}/edit#comments", round.slug)
    } else {
        format!("{base}/measures/{id}?round={}#comments", round.slug)
    }))
}
