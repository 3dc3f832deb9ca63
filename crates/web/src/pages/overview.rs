//! `/{org}/{year}`: the programme's sections and areas with counts per status category, as a
//! table and as an accessible SVG bar chart of the same numbers.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tiltak_core::overview::{Counts, overview};
use tiltak_core::status::StatusCategory;
use tiltak_db::ProgrammeState;

use super::{PageCtx, render};
use crate::AppState;
use crate::context::Ctx;
use crate::error::AppResult;

pub struct Row {
    pub section: String,
    pub area: String,
    /// The report filtered to this area (empty for measures directly under a section).
    pub area_filter: String,
    pub counts: Counts,
    pub bars: Vec<Bar>,
    /// Where the row's bar and its text sit in the chart.
    pub y: usize,
    pub text_y: usize,
}

pub struct Bar {
    pub x: usize,
    pub width: usize,
    pub category: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    page: PageCtx,
    programme_title: String,
    round: Option<(String, String)>,
    rows: Vec<Row>,
    total: Counts,
    categories: Vec<(&'static str, String)>,
    chart_height: usize,
    draft: bool,
    decisions: Vec<(String, String, String)>,
    next_exists: bool,
    previous_exists: bool,
    previous_year: i32,
    downloads: Option<super::download::Downloads>,
}

const CHART_WIDTH: usize = 420;
const LABEL_WIDTH: usize = 260;
const ROW_HEIGHT: usize = 26;

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (tr, org, programme) = (ctx.tr, ctx.org()?, ctx.programme()?);
    let round = ctx.rounds.last();
    let categories: Vec<(&'static str, String)> = StatusCategory::ALL
        .iter()
        .map(|c| c.key())
        .chain(["none"])
        .map(|c| (c, tr.t(&format!("category-{c}"))))
        .collect();
    let (rows, total) = match round {
        Some(r) => {
            let report = app.db.load_report(org, programme.year, Some(&r.slug), ctx.audience()).await?;
            let vocabulary = app.db.vocabulary(org.id).await?;
            let o = overview(&report, &vocabulary);
            let max = o.groups.iter().map(|g| g.counts.total()).max().unwrap_or(1).max(1);
            let rows = o
                .groups
                .into_iter()
                .enumerate()
                .map(|(i, g)| {
                    let name = g.area.clone().unwrap_or_else(|| g.section.clone());
                    let mut x = 0;
                    let bars = g
                        .counts
                        .parts()
                        .into_iter()
                        .filter(|(_, n)| *n > 0)
                        .map(|(category, count)| {
                            let width = count * CHART_WIDTH / max;
                            let bar = Bar {
                                x,
                                width,
                                category,
                                label: format!("{name}: {} {count}", tr.t(&format!("category-{category}"))),
                            };
                            x += width;
                            bar
                        })
                        .collect();
                    Row {
                        section: g.section,
                        area: name,
                        area_filter: g.area.unwrap_or_default(),
                        counts: g.counts,
                        bars,
                        y: i * ROW_HEIGHT + 4,
                        text_y: i * ROW_HEIGHT + 20,
                    }
                })
                .collect::<Vec<_>>();
            (rows, o.total)
        }
        None => (Vec::new(), Counts::default()),
    };
    let page = ctx.page(tr.t1("overview-title", "year", programme.year), "overview");
    let chart_height = rows.len() * ROW_HEIGHT + 10;
    let decisions = app
        .db
        .board_decisions(programme.id)
        .await?
        .into_iter()
        .map(|d| {
            (
                d.starts_on.map(|s| tr.date(&tiltak_core::round::iso_date(s))).unwrap_or_default(),
                d.reference,
                d.text,
            )
        })
        .collect();
    let next_exists = app.db.programme(org.id, programme.year + 1).await?.is_some();
    let previous_exists = app.db.programme(org.id, programme.year - 1).await?.is_some();
    let downloads = round.map(|r| {
        super::download::Downloads::report(tr, &format!("/{}/{}", org.slug, programme.year), &r.slug)
    });
    render(OverviewPage {
        page,
        programme_title: programme.title.clone(),
        round: round.map(|r| (r.label.clone(), tr.opt_date(&r.date))),
        rows,
        total,
        categories,
        chart_height,
        draft: programme.state == ProgrammeState::Draft,
        decisions,
        next_exists,
        previous_exists,
        previous_year: programme.year - 1,
        downloads,
    })
}

impl OverviewPage {
    pub fn svg_width(&self) -> usize {
        LABEL_WIDTH + CHART_WIDTH + 40
    }
    pub fn bar_x(&self, bar: &Bar) -> usize {
        LABEL_WIDTH + bar.x
    }
    pub fn total_x(&self, row: &Row) -> usize {
        LABEL_WIDTH + row.bars.iter().map(|b| b.width).sum::<usize>() + 6
    }
    /// Chart labels are cut to fit; the table and each bar's title carry the whole name.
    pub fn short(&self, s: &str) -> String {
        if s.chars().count() <= 38 {
            s.to_owned()
        } else {
            format!("{}…", s.chars().take(37).collect::<String>())
        }
    }
    pub fn count_of(&self, counts: &Counts, category: &str) -> usize {
        counts.parts().iter().find(|(c, _)| *c == category).map(|(_, n)| *n).unwrap_or(0)
    }
}
