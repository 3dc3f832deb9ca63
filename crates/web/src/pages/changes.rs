//! `/{org}/{year}/rounds/{round}/changes`: what changed since the previous round — status moves,
//! new and removed measures, changed decisions, and word diffs of descriptions.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use tiltak_core::diff::{ChangeKind, DiffOp, compare, word_diff};

use super::report::decision_label;
use super::{PageCtx, render};
use crate::AppState;
use crate::error::{AppResult, OrPage};
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

/// The round asked for and the one before it, among the rounds this viewer may see.
pub async fn rounds(
    app: &AppState,
    tr: Tr,
    viewer: &crate::auth::Viewer,
    org: &tiltak_db::OrganisationRow,
    programme: &tiltak_db::ProgrammeRow,
    round: &str,
) -> AppResult<(Option<tiltak_db::RoundRow>, tiltak_db::RoundRow)> {
    let member = viewer.role(&org.slug).is_some();
    let current = super::round(&app.db, tr, member, programme, Some(round)).await?.expect("found or refused");
    let rounds = super::visible_rounds(&app.db, tr, member, programme).await?;
    let index = rounds.iter().position(|r| r.id == current.id).unwrap_or(0);
    Ok((index.checked_sub(1).map(|i| rounds[i].clone()), current))
}

pub async fn show(
    State(app): State<AppState>,
    tr: Tr,
    viewer: crate::auth::Viewer,
    Path((slug, year, round)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let org = super::organisation(&app.db, tr, &slug).await?;
    let programme = super::programme(&app.db, tr, &org, &year).await?;
    let (previous, current) = rounds(&app, tr, &viewer, &org, &programme, &round).await?;
    let mut changes = Vec::new();
    if let Some(prev) = &previous {
        let before = app.db.round_report(&org, programme.year, prev).await.or_page(tr)?;
        let after = app.db.round_report(&org, programme.year, &current).await.or_page(tr)?;
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
    let page = PageCtx::new(
        tr,
        &viewer,
        tr.t1("changes-title", "round", &current.label),
        Some(&org),
        Some(programme.year),
        "rounds",
    );
    let downloads =
        super::download::Downloads::changes(tr, &format!("/{}/{}", org.slug, programme.year), &current.slug);
    render(tr, ChangesPage { page, tr, previous: previous.map(|p| p.label), changes, downloads })
}
