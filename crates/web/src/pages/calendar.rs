//! `/{org}/calendar.ics`: the rounds' dates and deadlines, the organisation's events and its own
//! date fields as an iCalendar feed (RFC 5545) for
//! any calendar program. Without a key it holds what the public may see (public rounds of
//! published programmes); with `?key=…`, a member's personal feed, it holds every round. A key
//! that was revoked (or never made) is not found. Each date is one all-day event with a stable
//! UID, so a calendar that subscribes updates the event instead of adding another.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, Event, EventLike};
use serde::Deserialize;
use tiltak_db::Audience;

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};

#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    pub key: Option<String>,
}

fn day(iso: &str) -> Option<chrono::NaiveDate> {
    let d = tiltak_core::round::parse_iso_date(iso).ok()?;
    chrono::NaiveDate::from_ymd_opt(d.year(), u32::from(u8::from(d.month())), u32::from(d.day()))
}

pub async fn feed(State(app): State<AppState>, ctx: Ctx, Query(q): Query<FeedQuery>) -> AppResult<Response> {
    let org = ctx.org()?;
    let not_found = || AppError::not_found(Message::new("not-found-page"));
    let audience = match q.key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(key) => {
            app.db.calendar_feed_user(org.id, key).await?.ok_or_else(not_found)?;
            Audience::Members
        }
        None if ctx.is_member() => Audience::Members,
        None if app.db.is_public(org.id).await? => Audience::Public,
        None => return Err(not_found()),
    };
    let tr = Tr::new(org.language);
    let host = app.public_url.split("://").nth(1).unwrap_or("tiltak").split('/').next().unwrap_or("tiltak");
    let mut calendar = Calendar::new();
    calendar.name(&tr.t1("calendar-name", "organisation", &org.name));
    // The organisation's own date fields (a due date): each measure's, as of the latest round.
    let date_fields: Vec<String> = app
        .db
        .custom_fields(org.id)
        .await?
        .into_iter()
        .filter(|d| d.kind == tiltak_core::FieldKind::Date)
        .map(|d| d.name)
        .collect();
    for programme in app.db.programmes(org.id).await? {
        if !audience.sees_programme(&programme) {
            continue;
        }
        let rounds = app.db.rounds(programme.id).await?;
        if !date_fields.is_empty()
            && let Some(latest) = rounds.iter().rev().find(|r| audience.sees_round(r))
        {
            let base = format!("{}/{}/{}", app.public_url, org.slug, programme.year);
            let report = app.db.load_report(org, programme.year, Some(&latest.slug), audience).await?;
            for (_, m) in report.programme().measures() {
                for name in &date_fields {
                    let (Some(id), Some(date)) = (m.id, m.entry.fields.get(name).and_then(|v| day(v))) else {
                        continue;
                    };
                    let field_key: String = name
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
                        .collect();
                    calendar.push(
                        Event::new()
                            .uid(&format!("{}-{}-m{id}-{field_key}@{host}", org.slug, programme.year))
                            .summary(&tr.tn(
                                "calendar-field-date",
                                &[("field", name.clone()), ("title", m.title.clone())],
                            ))
                            .description(&format!("{} – {base}/measures/{id}", org.name))
                            .url(&format!("{base}/measures/{id}"))
                            .starts(date)
                            .ends(date.succ_opt().unwrap_or(date))
                            .done(),
                    );
                }
            }
        }
        for round in rounds {
            if !audience.sees_round(&round) {
                continue;
            }
            let base = format!("{}/{}/{}", app.public_url, org.slug, programme.year);
            let args = |what: &str| {
                tr.tn(what, &[("round", round.label.clone()), ("year", programme.year.to_string())])
            };
            let dates = [
                ("date", round.date.as_deref(), args("calendar-round-date")),
                ("deadline", round.deadline.as_deref(), args("calendar-round-deadline")),
            ];
            for (kind, date, summary) in dates {
                let Some(date) = date.and_then(day) else { continue };
                calendar.push(
                    Event::new()
                        .uid(&format!("{}-{}-{}-{kind}@{host}", org.slug, programme.year, round.slug))
                        .summary(&summary)
                        .description(&format!("{} – {base}/rounds", org.name))
                        .url(&format!("{base}/report?round={}", round.slug))
                        // An all-day event ends the next day (RFC 5545: DTEND is exclusive).
                        .starts(date)
                        .ends(date.succ_opt().unwrap_or(date))
                        .done(),
                );
            }
        }
    }
    // The organisation's events (those the feed's audience sees), each over its days.
    for row in app.db.entities(org.id, Some(tiltak_core::EntityKind::Event), audience).await? {
        let e = &row.entity;
        let Some(start) = e.starts_on.and_then(|d| day(&tiltak_core::round::iso_date(d))) else { continue };
        let end = e.ends_on.and_then(|d| day(&tiltak_core::round::iso_date(d))).unwrap_or(start);
        let href = format!("{}/{}/events/{}", app.public_url, org.slug, row.id);
        let mut event = Event::new();
        event
            .uid(&format!("{}-event-{}@{host}", org.slug, row.id))
            .summary(&e.title)
            .description(&format!("{} – {href}", org.name))
            .url(&href)
            .starts(start)
            .ends(end.succ_opt().unwrap_or(end));
        if !e.place.is_empty() {
            event.location(&e.place);
        }
        calendar.push(event.done());
    }
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        calendar.done().to_string(),
    )
        .into_response();
    response.extensions_mut().insert(crate::cache::Uncached);
    Ok(response)
}
