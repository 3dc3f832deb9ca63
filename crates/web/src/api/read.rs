//! The API's reads: each one what a page shows, as JSON, for the same viewer.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tiltak_core::diff::{ChangeKind, compare};
use tiltak_core::rollover::Transition;
use tiltak_core::status::normalise_label;
use tiltak_core::{Measure, MeasureId};
use utoipa::IntoParams;

use super::model::{self, Entry};
use super::{ApiQuery, ok, org_and_programme, page, url};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, AppResult};

/// Paging of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// At most this many items (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// The organisations the asker may see: those that publish a programme, and their own.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    tag = "read",
    params(Paging),
    responses(
        (status = 200, description = "One page of organisations", body = model::OrganisationList),
        (status = 400, description = "A cursor or limit that does not fit", body = ApiError),
        (status = 401, description = "A token that is not (or no longer) valid", body = ApiError),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ),
    security((), ("token" = []))
)]
pub async fn organisations(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<Paging>,
) -> AppResult<Response> {
    let mut visible = Vec::new();
    for org in app.db.organisations().await? {
        if ctx.viewer.role(&org.slug).is_some() || app.db.is_public(org.id).await? {
            visible.push(model::OrganisationSummary {
                url: url(&app, &format!("/organisations/{}", org.slug)),
                slug: org.slug.to_string(),
                name: org.name,
            });
        }
    }
    let (items, next_cursor) = page(visible, |o| o.slug.clone(), q.cursor.as_deref(), q.limit)?;
    ok(&model::OrganisationList { items, next_cursor })
}

/// One organisation and the programmes the asker may see.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{org}",
    tag = "read",
    params(("org" = String, Path, description = "The organisation's slug, e.g. `osloregionen`")),
    responses(
        (status = 200, description = "The organisation", body = model::Organisation),
        (status = 401, description = "A token that is not (or no longer) valid", body = ApiError),
        (status = 404, description = "No such organisation, or none the asker may see", body = ApiError),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ),
    security((), ("token" = []))
)]
pub async fn organisation(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let org = ctx.org()?;
    let member = ctx.is_member();
    let programmes = app
        .db
        .programmes(org.id)
        .await?
        .into_iter()
        .filter(|p| member || p.published)
        .map(|p| model::ProgrammeSummary {
            url: url(&app, &format!("/organisations/{}/programmes/{}", org.slug, p.year)),
            year: p.year,
            title: p.title,
            state: p.state.key().to_owned(),
            published: p.published,
        })
        .collect();
    ok(&model::Organisation {
        slug: org.slug.to_string(),
        name: org.name.clone(),
        language: org.language.code().to_owned(),
        licence: app.db.licence(org.id).await?.key().to_owned(),
        programmes,
    })
}

/// A programme: its rounds and its sections and areas.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{org}/programmes/{year}",
    tag = "read",
    params(
        ("org" = String, Path, description = "The organisation's slug"),
        ("year" = i32, Path, description = "The programme's year"),
    ),
    responses(
        (status = 200, description = "The programme", body = model::Programme),
        (status = 401, description = "A token that is not (or no longer) valid", body = ApiError),
        (status = 404, description = "No such programme, or none the asker may see", body = ApiError),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ),
    security((), ("token" = []))
)]
pub async fn programme(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (org, programme) = org_and_programme(&ctx)?;
    let round = ctx.rounds.last().map(|r| r.slug.as_str());
    let sections = match round {
        Some(round) => {
            let report = app.db.load_report(org, programme.year, Some(round), ctx.audience()).await?;
            report
                .sections
                .iter()
                .map(|s| model::Section {
                    title: s.title.clone(),
                    areas: s
                        .areas
                        .iter()
                        .map(|a| model::Area { title: a.title.clone(), owner: a.owner.clone() })
                        .collect(),
                })
                .collect()
        }
        None => Vec::new(),
    };
    ok(&model::Programme {
        organisation: org.slug.to_string(),
        year: programme.year,
        title: programme.title.clone(),
        state: programme.state.key().to_owned(),
        published: programme.published,
        rounds: ctx.rounds.iter().map(model::Round::from).collect(),
        sections,
        measures_url: url(
            &app,
            &format!("/organisations/{}/programmes/{}/measures", org.slug, programme.year),
        ),
    })
}

/// Which measures to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasureFilter {
    /// The round's slug or label; the latest the asker may see when left out.
    pub round: Option<String>,
    /// Only this status key (`none`: not reported in the round).
    pub status: Option<String>,
    /// Only statuses of this category: `not_started`, `in_progress`, `done` or `dropped`.
    pub category: Option<String>,
    /// Only measures of this area (its title, in any case).
    pub area: Option<String>,
    /// Only measures whose title, description or comment holds this text (in any case).
    pub q: Option<String>,
    pub cursor: Option<String>,
    /// At most this many measures (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// A programme's measures with their entries in one round, in the programme's order.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{org}/programmes/{year}/measures",
    tag = "read",
    params(
        ("org" = String, Path, description = "The organisation's slug"),
        ("year" = i32, Path, description = "The programme's year"),
        MeasureFilter,
    ),
    responses(
        (status = 200, description = "One page of measures", body = model::MeasureList),
        (status = 400, description = "A filter, cursor or limit that does not fit", body = ApiError),
        (status = 401, description = "A token that is not (or no longer) valid", body = ApiError),
        (status = 404, description = "No such programme or round, or none the asker may see", body = ApiError),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ),
    security((), ("token" = []))
)]
pub async fn measures(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<MeasureFilter>,
) -> AppResult<Response> {
    let (org, programme) = org_and_programme(&ctx)?;
    let Some(round) = ctx.find_round(q.round.as_deref())? else {
        let (items, next_cursor) =
            page(Vec::<model::Measure>::new(), |m| m.id.to_string(), q.cursor.as_deref(), q.limit)?;
        return ok(&model::MeasureList { round: None, items, next_cursor });
    };
    let report = app.db.load_report(org, programme.year, Some(&round.slug), ctx.audience()).await?;
    let vocabulary = app.db.vocabulary(org.id).await?;
    let wanted = |s: &Option<String>| s.as_deref().map(normalise_label).filter(|s| !s.is_empty());
    let (area, text) = (wanted(&q.area), wanted(&q.q));
    let holds = |s: &str| text.as_ref().is_none_or(|t| normalise_label(s).contains(t.as_str()));
    let base = format!("/organisations/{}/programmes/{}/measures", org.slug, programme.year);
    let mut items = Vec::new();
    for (section, area_title, parent, m) in flat(&report) {
        let Some(id) = m.id else { continue };
        let entry = Entry::of(&m.entry, &vocabulary);
        let keep = q.status.as_ref().is_none_or(|s| *s == entry.status)
            && q.category.as_ref().is_none_or(|c| entry.category.as_ref() == Some(c))
            && area.as_ref().is_none_or(|a| area_title.map(normalise_label).as_ref() == Some(a))
            && (holds(&m.title) || holds(&m.entry.description) || holds(&m.entry.continuation.comment));
        if !keep {
            continue;
        }
        items.push(model::Measure {
            id,
            title: m.title.clone(),
            section: section.to_owned(),
            area: area_title.map(str::to_owned),
            parent,
            owner: m.owner.clone(),
            continues: m.continues,
            entry,
            url: url(&app, &format!("{base}/{id}")),
        });
    }
    let (items, next_cursor) = page(items, |m| m.id.to_string(), q.cursor.as_deref(), q.limit)?;
    ok(&model::MeasureList { round: Some(round.slug.clone()), items, next_cursor })
}

/// Every measure of a report in its order, with its section, area and umbrella measure.
fn flat(report: &tiltak_core::StatusReport) -> Vec<(&str, Option<&str>, Option<MeasureId>, &Measure)> {
    fn walk<'a>(
        section: &'a str,
        area: Option<&'a str>,
        parent: Option<MeasureId>,
        measures: &'a [Measure],
        out: &mut Vec<(&'a str, Option<&'a str>, Option<MeasureId>, &'a Measure)>,
    ) {
        for m in measures {
            out.push((section, area, parent, m));
            walk(section, area, m.id, &m.children, out);
        }
    }
    let mut out = Vec::new();
    for s in &report.sections {
        walk(&s.title, None, None, &s.measures, &mut out);
        for a in &s.areas {
            walk(&s.title, Some(&a.title), None, &a.measures, &mut out);
        }
    }
    out
}

/// One measure: its entry in every round the asker may see, its place and its lineage.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{org}/programmes/{year}/measures/{id}",
    tag = "read",
    params(
        ("org" = String, Path, description = "The organisation's slug"),
        ("year" = i32, Path, description = "The programme's year"),
        ("id" = u32, Path, description = "The measure's number in the programme"),
    ),
    responses(
        (status = 200, description = "The measure", body = model::MeasureDetail),
        (status = 401, description = "A token that is not (or no longer) valid", body = ApiError),
        (status = 404, description = "No such measure, or none the asker may see", body = ApiError),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ),
    security((), ("token" = []))
)]
pub async fn measure(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (org, programme) = org_and_programme(&ctx)?;
    let number = ctx.measure()?;
    let detail = app.db.measure_detail(programme.id, number, ctx.audience()).await?;
    let vocabulary = app.db.vocabulary(org.id).await?;
    let visible: Vec<i64> = ctx.rounds.iter().map(|r| r.id).collect();
    let entries = app
        .db
        .measure_history(programme.id, number)
        .await?
        .into_iter()
        .filter(|(round, _)| visible.contains(&round.id))
        .map(|(round, entry)| model::RoundEntry { round: round.slug, entry: Entry::of(&entry, &vocabulary) })
        .collect();
    let related = |list: Vec<tiltak_db::MeasureRef>| {
        list.into_iter().map(|r| model::Related { year: r.year, id: r.number, title: r.title }).collect()
    };
    ok(&model::MeasureDetail {
        id: detail.number,
        title: detail.title,
        section: detail.section,
        area: detail.area,
        parent: detail.parent.map(|(id, _)| id),
        children: detail.children.into_iter().map(|(id, _)| id).collect(),
        entries,
        predecessors: related(detail.predecessors),
        successors: related(detail.successors),
    })
}

/// What changed in a round since the round before it (among those the asker may see).
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{org}/programmes/{year}/rounds/{round}/changes",
    tag = "read",
    params(
        ("org" = String, Path, description = "The organisation's slug"),
        ("year" = i32, Path, description = "The programme's year"),
        ("round" = String, Path, description = "The round's slug or label"),
        Paging,
    ),
    responses(
        (status = 200, description = "One page of changes", body = model::ChangeList),
        (status = 400, description = "A cursor or limit that does not fit", body = ApiError),
        (status = 401, description = "A token that is not (or no longer) valid", body = ApiError),
        (status = 404, description = "No such round, or none the asker may see", body = ApiError),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ),
    security((), ("token" = []))
)]
pub async fn changes(
    State(app): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<Paging>,
) -> AppResult<Response> {
    let (org, programme) = org_and_programme(&ctx)?;
    let (previous, current) = crate::pages::changes::rounds(&ctx)?;
    let vocabulary = app.db.vocabulary(org.id).await?;
    let mut items = Vec::new();
    if let Some(previous) = previous {
        let before = app.db.round_report(org, programme.year, previous).await?;
        let after = app.db.round_report(org, programme.year, current).await?;
        for c in compare(&before, &after) {
            let (kind, fields) = match c.kind {
                ChangeKind::Added => ("added", Vec::new()),
                ChangeKind::Removed => ("removed", Vec::new()),
                ChangeKind::Changed { status, description, decision, comment, title } => {
                    let named = [
                        (title, "title"),
                        (status, "status"),
                        (description, "description"),
                        (decision, "decision"),
                        (comment, "comment"),
                    ];
                    ("changed", named.into_iter().filter(|(on, _)| *on).map(|(_, n)| n.to_owned()).collect())
                }
            };
            items.push(model::Change {
                id: c.id,
                title: c.title,
                kind: kind.to_owned(),
                fields,
                previous_title: c.previous_title,
                before: c.before.as_ref().map(|e| Entry::of(e, &vocabulary)),
                after: c.after.as_ref().map(|e| Entry::of(e, &vocabulary)),
            });
        }
    }
    let (items, next_cursor) = page(items, |c| c.id.to_string(), q.cursor.as_deref(), q.limit)?;
    ok(&model::ChangeList {
        round: current.slug.clone(),
        previous_round: previous.map(|p| p.slug.clone()),
        items,
        next_cursor,
    })
}

/// What became of the year's measures in next year's programme: carried, merged, dropped, new.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{org}/programmes/{year}/rollover",
    tag = "read",
    params(
        ("org" = String, Path, description = "The organisation's slug"),
        ("year" = i32, Path, description = "The year rolled over from"),
    ),
    responses(
        (status = 200, description = "The rollover's summary", body = model::Rollover),
        (status = 401, description = "A token that is not (or no longer) valid", body = ApiError),
        (status = 404, description = "No such programme, or none the asker may see", body = ApiError),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ),
    security((), ("token" = []))
)]
pub async fn rollover(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (org, from) = org_and_programme(&ctx)?;
    let to = app.db.programme(org.id, from.year + 1).await?.filter(|p| p.published || ctx.is_member());
    let t = match &to {
        Some(to) => app.db.transition(from, to).await?,
        None => Transition::default(),
    };
    let item = |(id, title): (u32, String)| model::Item { id, title };
    let pair = |(from, to)| model::Carried { from: item(from), to: item(to) };
    ok(&model::Rollover {
        from_year: from.year,
        to_year: from.year + 1,
        exists: to.is_some(),
        carried: t.carried.into_iter().map(pair).collect(),
        merged: t.merged.into_iter().map(pair).collect(),
        dropped: t.dropped.into_iter().map(item).collect(),
        new: t.new.into_iter().map(item).collect(),
    })
}
