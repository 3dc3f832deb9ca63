//! `/{org}/{year}/rounds/{round}/changes`: what changed since the previous round — status moves,
//! new and removed measures, changed decisions, and word diffs of descriptions.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tiltak_core::diff::{ChangeKind, DiffOp, compare, word_diff};
use tiltak_db::RoundRow;

use super::report::decision_label;
use super::{PageCtx, render};
use crate::AppState;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::i18n::Tr;

pub struct ChangeView {
    pub id: u32,
    pub href: String,
    pub title: String,
    pub kind: &'static str,
    /// (label, before, after) for status, decision, comment and title changes.
    pub fields: Vec<(String, String, String)>,
    /// The description's word diff: ("same" | "del" | "ins", text).
    pub description: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ChangesPage {
    page: PageCtx,
    tr: Tr,
    previous: Option<String>,
    changes: Vec<ChangeView>,
    downloads: super::download::Downloads,
}

/// The round of the path and the visible one before it.
pub fn rounds(ctx: &Ctx) -> AppResult<(Option<&RoundRow>, &RoundRow)> {
    let current = ctx.round()?;
    Ok((ctx.previous_round(current), current))
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (tr, org, programme) = (ctx.tr, ctx.org()?, ctx.programme()?);
    let (previous, current) = rounds(&ctx)?;
    let mut changes = Vec::new();
    if let Some(prev) = &previous {
        let before = app.db.round_report(org, programme.year, prev).await?;
        let after = app.db.round_report(org, programme.year, current).await?;
        for c in compare(&before, &after) {
            let mut fields = Vec::new();
            let mut description = Vec::new();
            let status_text = |e: &tiltak_core::StatusEntry| {
                if e.status.label().is_empty() { tr.t("no-status") } else { e.status.label().to_owned() }
            };
            let kind = match &c.kind {
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
                ChangeKind::Changed { status, description: desc, decision, comment, title } => {
                    let (b, a) = (
                        c.before.as_ref().expect("changed has before"),
                        c.after.as_ref().expect("and after"),
                    );
                    if *title {
                        fields.push((
                            tr.t("change-title"),
                            c.previous_title.clone().unwrap_or_default(),
                            c.title.clone(),
                        ));
                    }
                    if *status {
                        fields.push((tr.t("change-status"), status_text(b), status_text(a)));
                    }
                    if *decision {
                        fields.push((
                            tr.t("change-decision"),
                            decision_label(tr, &b.continuation.decision),
                            decision_label(tr, &a.continuation.decision),
                        ));
                    }
                    if *comment {
                        fields.push((
                            tr.t("change-comment"),
                            b.continuation.comment.clone(),
                            a.continuation.comment.clone(),
                        ));
                    }
                    if *desc {
                        description = word_diff(&b.description, &a.description)
                            .into_iter()
                            .map(|(op, text)| {
                                let op = match op {
                                    DiffOp::Same => "same",
                                    DiffOp::Removed => "del",
                                    DiffOp::Added => "ins",
                                };
                                (op, text)
                            })
                            .collect();
                    }
                    "changed"
                }
            };
            changes.push(ChangeView {
                id: c.id,
                href: format!("/{}/{}/measures/{}", org.slug, programme.year, c.id),
                title: c.title,
                kind,
                fields,
                description,
            });
        }
    }
    let page = ctx.page(tr.t1("changes-title", "round", &current.label), "rounds");
    let downloads =
        super::download::Downloads::changes(tr, &format!("/{}/{}", org.slug, programme.year), &current.slug);
    render(ChangesPage { page, tr, previous: previous.map(|p| p.label.clone()), changes, downloads })
}
