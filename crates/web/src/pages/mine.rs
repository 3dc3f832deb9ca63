//! `/{org}/mine`: a member's measures in every open round — for an editor those their working
//! groups own, for the secretariat every measure — not yet updated first, each with the round's
//! deadline and an edit button; and the member's calendar feed. `POST /{org}/calendar` makes or
//! ends the personal feed.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiltak_core::MeasureId;
use tiltak_db::Role;

use super::{PageCtx, render, see_other};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

pub struct MineRow {
    pub id: MeasureId,
    pub title: String,
    pub group: String,
    pub updated: bool,
    pub edit_href: String,
    pub measure_href: String,
}

pub struct MineRound {
    pub heading: String,
    pub deadline: String,
    pub progress_href: String,
    pub waiting: usize,
    pub rows: Vec<MineRow>,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    page: PageCtx,
    tr: Tr,
    rounds: Vec<MineRound>,
    /// The secretariat sees every measure; an editor their groups'.
    everything: bool,
    /// The viewer is in a working group (else they have nothing to update).
    in_group: bool,
    public_feed: String,
    has_feed: bool,
    /// What a calendar form just did (a new address is shown only now), said in its section.
    done: Option<String>,
    /// A measure just saved from here, said at the top.
    saved: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct MineQuery {
    /// Set by the calendar forms' redirect: their message belongs in the calendar section.
    #[serde(default)]
    pub calendar: Option<String>,
}

/// When a deadline is, said plainly: "2. september 2025 (om 3 dager)".
pub fn deadline_text(tr: Tr, deadline: &Option<String>, today: time::Date) -> String {
    let Some(iso) = deadline else { return tr.t("deadline-none") };
    let Ok(d) = tiltak_core::round::parse_iso_date(iso) else { return iso.clone() };
    let left = (d - today).whole_days();
    let note = match left {
        0 => tr.t("deadline-today"),
        n if n < 0 => tr.t("deadline-passed"),
        n => tr.t1("deadline-in-days", "days", n),
    };
    format!("{} ({note})", tr.date(iso))
}

pub async fn show(State(app): State<AppState>, ctx: Ctx, Query(q): Query<MineQuery>) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let user = ctx.viewer.user.as_ref().ok_or_else(|| AppError::internal("members are logged in"))?;
    let everything = ctx.at_least(Role::Secretariat);
    let today = app.clock.today();
    let mut rounds = Vec::new();
    let mut latest_year = None;
    for open in app.db.open_rounds(org.id).await? {
        latest_year = latest_year.or(Some(open.year));
        let owned =
            if everything { None } else { Some(app.db.measures_owned_by(user.id, open.programme_id).await?) };
        let base = format!("/{}/{}", org.slug, open.year);
        let mut rows: Vec<MineRow> = app
            .db
            .duties(open.round.id)
            .await?
            .into_iter()
            .filter(|d| owned.as_ref().is_none_or(|o| o.contains(&d.number)))
            .map(|d| MineRow {
                edit_href: format!("{base}/rounds/{}/measures/{}/edit?from=mine", open.round.slug, d.number),
                measure_href: format!("{base}/measures/{}", d.number),
                id: d.number,
                title: d.title,
                group: d.group.unwrap_or_else(|| tr.t("settings-secretariat")),
                updated: d.updated,
            })
            .collect();
        if rows.is_empty() && !everything {
            continue;
        }
        rows.sort_by_key(|r| (r.updated, r.id));
        rounds.push(MineRound {
            heading: tr
                .tn("mine-round", &[("round", open.round.label.clone()), ("year", open.year.to_string())]),
            deadline: deadline_text(tr, &open.round.deadline, today),
            progress_href: format!("{base}/rounds/{}/progress", open.round.slug),
            waiting: rows.iter().filter(|r| !r.updated).count(),
            rows,
        });
    }
    let mut page = ctx.page(tr.t("mine-title"), "mine");
    if page.year.is_none() {
        page.year = match latest_year {
            Some(y) => Some(y),
            None => app.db.programmes(org.id).await?.first().map(|p| p.year),
        };
    }
    let said = app.flash.take(&ctx.viewer.csrf);
    let flashed = said.is_some();
    let (done, saved) = if q.calendar.is_some() { (said, None) } else { (None, said) };
    let mut response = render(MinePage {
        page,
        tr,
        rounds,
        everything,
        in_group: app.db.groups(org.id).await?.iter().any(|(_, members)| members.contains(&user.email)),
        public_feed: format!("{}/{}/calendar.ics", app.public_url, org.slug),
        has_feed: app.db.has_calendar_feed(user.id, org.id).await?,
        done,
        saved,
    })?;
    crate::flash::Flash::said(&mut response, flashed);
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct FeedForm {
    /// "create" (a new address, ending any earlier one) or "revoke".
    pub action: String,
}

pub async fn feed(State(app): State<AppState>, ctx: Ctx, Form(form): Form<FeedForm>) -> AppResult<Response> {
    let (tr, org) = (ctx.tr, ctx.org()?);
    let user = ctx.viewer.user.as_ref().ok_or_else(|| AppError::internal("members are logged in"))?;
    let said = match form.action.as_str() {
        "create" => {
            let token = app.db.create_calendar_feed(user.id, org.id, &ctx.actor()).await?;
            let url = format!("{}/{}/calendar.ics?key={token}", app.public_url, org.slug);
            tr.t1("calendar-feed-made", "url", url)
        }
        "revoke" => {
            app.db.revoke_calendar_feed(user.id, org.id, &ctx.actor()).await?;
            tr.t("calendar-feed-revoked")
        }
        other => {
            return Err(AppError::bad_request(Message::new("calendar-action-unknown").arg("action", other)));
        }
    };
    app.flash.put(&ctx.viewer.csrf, said);
    Ok(see_other(&format!("/{}/mine?calendar=1#calendar", org.slug)))
}
