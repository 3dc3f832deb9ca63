//! `/{org}/audit`: every change in the organisation (who, when, what, before → after), filtered by
//! year, person and action, and as CSV. Read-only: the app has no way to edit the log.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiltak_db::ChangeRow;

use super::{PageCtx, render};
use crate::AppState;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::i18n::Tr;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub year: Option<String>,
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: PageCtx,
    tr: Tr,
    rows: Vec<ChangeRow>,
    q: AuditQuery,
    csv_href: String,
}

impl AuditPage {
    pub fn value(&self, v: &Option<String>) -> String {
        v.clone().unwrap_or_default()
    }
    pub fn when(&self, at: &str) -> String {
        self.tr.datetime(at)
    }
    pub fn action(&self, action: &str) -> String {
        action_label(self.tr, action)
    }
}

/// "entry.update" → "Status oppdatert"; an action without a label shows as it is stored.
pub fn action_label(tr: Tr, action: &str) -> String {
    let id = format!("audit-action-{}", action.replace(['.', '_'], "-"));
    tr.try_t(&id).unwrap_or_else(|| action.to_owned())
}

pub async fn show(State(app): State<AppState>, ctx: Ctx, Query(q): Query<AuditQuery>) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let some = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let year = some(&q.year).and_then(|y| y.parse().ok());
    let rows = app
        .db
        .organisation_changes(org.id, year, some(&q.actor).as_deref(), some(&q.action).as_deref(), 2000)
        .await?;
    if q.format.as_deref() == Some("csv") {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.at.clone(),
                    r.actor.clone(),
                    r.year.map(|y| y.to_string()).unwrap_or_default(),
                    r.round_label.clone().unwrap_or_default(),
                    r.measure_number.map(|n| n.to_string()).unwrap_or_default(),
                    r.action.clone(),
                    r.before.clone().unwrap_or_default(),
                    r.after.clone().unwrap_or_default(),
                ]
            })
            .collect();
        // Spreadsheet-safe: text people typed never runs as a formula when the file is opened.
        let body = tiltak_formats::csv_export::write_rows(
            &["at", "actor", "year", "round", "measure", "action", "before", "after"],
            rows.iter().map(|r| r.iter().map(String::as_str).collect()),
        );
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}-changes.csv\"", org.slug)),
            ],
            body,
        )
            .into_response());
    }
    let query = format!(
        "year={}&actor={}&action={}",
        crate::auth::urlencode(&q.year.clone().unwrap_or_default()),
        crate::auth::urlencode(&q.actor.clone().unwrap_or_default()),
        crate::auth::urlencode(&q.action.clone().unwrap_or_default())
    );
    let page = ctx.page(tr.t("audit-title"), "audit");
    render(AuditPage { page, tr, rows, q, csv_href: format!("/{}/audit?{query}&format=csv", org.slug) })
}
