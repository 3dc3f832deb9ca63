//! `/{org}/search?q=…`: the titles and latest descriptions of all years, hits highlighted.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiltak_core::search::Marked;

use super::{PageCtx, render};
use crate::AppState;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::i18n::Tr;

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
}

pub struct HitView {
    pub href: String,
    pub year: i32,
    /// (is a hit, text) runs, so the template escapes text and marks hits.
    pub title: Marked,
    pub snippet: Marked,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    page: PageCtx,
    tr: Tr,
    query: String,
    hits: Option<Vec<HitView>>,
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(query): Query<SearchQuery>,
) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let q = query.q.trim().to_owned();
    let hits = if q.is_empty() {
        None
    } else {
        let found = app.db.search(org.id, &q, ctx.audience(), 50).await?;
        Some(
            found
                .into_iter()
                .map(|h| HitView {
                    href: format!("/{}/{}/measures/{}", org.slug, h.year, h.number),
                    year: h.year,
                    title: h.title,
                    snippet: h.snippet,
                })
                .collect(),
        )
    };
    let latest_year = app.db.programmes(org.id).await?.first().map(|p| p.year);
    let mut page = ctx.page(tr.t("search-title"), "search");
    page.year = latest_year;
    render(SearchPage { page, tr, query: q, hits })
}

impl SearchPage {
    pub fn count_line(&self, n: usize) -> String {
        self.tr.tn("search-results", &[("count", n.to_string()), ("query", self.query.clone())])
    }
}
