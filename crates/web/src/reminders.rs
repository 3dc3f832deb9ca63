//! Reminders before a round's deadline: whom (the store's [`tiltak_db::Db::reminder_plan`]), when
//! (N days before the deadline and on the day, N set per organisation), and sending each step
//! once per person and round — claimed in the database before it is sent, so neither a restart
//! nor a second run sends it again. `tiltak remind` and the schedule inside `serve` both end here;
//! the schedule reads its date from a [`Clock`] tests can set.

use std::sync::Arc;

use serde::Serialize;
use tiltak_db::{Db, DbError, OrganisationRow, Reminder, RoundRow};
use time::Date;

use crate::mail::{Mail, Mailer, RoundMail, reminder_mail};

/// Today's date in Norway, or what a test says it is.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Date + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(|| {
            let now = time::OffsetDateTime::now_utc();
            now.to_offset(tiltak_i18n::oslo_offset(now)).date()
        }))
    }

    pub fn fixed(date: Date) -> Clock {
        Clock(Arc::new(move || date))
    }

    pub fn today(&self) -> Date {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.today())
    }
}

/// Which reminder of a round a mail is: the one N days before the deadline, the one on the
/// day, or one asked for by hand (`tiltak remind`), at most once a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Before(i64),
    OnTheDay,
    ByHand(Date),
}

impl Step {
    /// The scheduled step for `today`, if one is due: from N days before the deadline until the
    /// day before it (so a server that was down on the exact day still reminds), and on the day.
    pub fn due(today: Date, deadline: Date, days_before: i64) -> Option<Step> {
        let left = (deadline - today).whole_days();
        if left == 0 {
            Some(Step::OnTheDay)
        } else if (1..=days_before).contains(&left) {
            Some(Step::Before(days_before))
        } else {
            None
        }
    }

    /// How the step is recorded.
    pub fn key(&self) -> String {
        match self {
            Step::Before(n) => format!("before-{n}"),
            Step::OnTheDay => "on-the-day".into(),
            Step::ByHand(d) => format!("by-hand-{}", tiltak_core::round::iso_date(*d)),
        }
    }
}

/// The reminders of one round, as `tiltak remind --dry-run --format json` prints them.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub round: PlanRound,
    pub reminders: Vec<PlannedReminder>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanRound {
    pub label: String,
    pub slug: String,
    pub deadline: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedReminder {
    pub to: String,
    /// The groups the measures are owned by, joined ("secretariat" for measures no group owns).
    pub group: String,
    pub groups: Vec<String>,
    pub measures: Vec<PlannedMeasure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedMeasure {
    pub id: tiltak_core::MeasureId,
    pub title: String,
}

impl Plan {
    pub fn new(round: &RoundRow, reminders: &[Reminder]) -> Plan {
        Plan {
            round: PlanRound {
                label: round.label.clone(),
                slug: round.slug.clone(),
                deadline: round.deadline.clone(),
            },
            reminders: reminders
                .iter()
                .map(|r| {
                    let groups: Vec<String> =
                        r.groups.iter().map(|g| g.clone().unwrap_or_else(|| "secretariat".into())).collect();
                    PlannedReminder {
                        to: r.to.clone(),
                        group: groups.join(", "),
                        groups,
                        measures: r
                            .measures
                            .iter()
                            .map(|(id, title)| PlannedMeasure { id: *id, title: title.clone() })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

/// A round to remind about, with what its mails say about it.
pub struct RoundToRemind {
    pub org: OrganisationRow,
    pub year: i32,
    pub round: RoundRow,
}

impl RoundToRemind {
    pub fn mail(&self, r: &Reminder, public_url: &str) -> Mail {
        reminder_mail(
            r,
            &RoundMail {
                organisation: &self.org.name,
                org_slug: &self.org.slug,
                year: self.year,
                round_label: &self.round.label,
                round_slug: &self.round.slug,
                deadline: self.round.deadline.as_deref(),
                public_url,
            },
        )
    }
}

/// What sending a step did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sent {
    pub sent: Vec<String>,
    /// Already sent before (by an earlier run or before a restart).
    pub skipped: Vec<String>,
    pub failed: Vec<(String, String)>,
}

/// Sends one step's reminders of a round, each person once: a claim is recorded first and given
/// back if the mail could not be sent, so the next run tries that person again.
pub async fn send_step(
    db: &Db,
    mailer: &Mailer,
    target: &RoundToRemind,
    reminders: &[Reminder],
    step: &Step,
    public_url: &str,
) -> Result<Sent, DbError> {
    let mut out = Sent::default();
    let key = step.key();
    for r in reminders {
        if !db.claim_reminder(target.round.id, &r.to, &key).await? {
            out.skipped.push(r.to.clone());
            continue;
        }
        match mailer.send(&target.mail(r, public_url)).await {
            Ok(()) => out.sent.push(r.to.clone()),
            Err(e) => {
                tracing::warn!("{e}");
                db.release_reminder(target.round.id, &r.to, &key).await?;
                out.failed.push((r.to.clone(), e.to_string()));
            }
        }
    }
    Ok(out)
}

/// One pass of the schedule: for every organisation with reminders on and every open round with a
/// deadline, the step due today (if any) is sent to whoever has not had it.
pub async fn tick(db: &Db, mailer: &Mailer, today: Date, public_url: &str) -> Result<Sent, DbError> {
    let mut total = Sent::default();
    let organisations: std::collections::HashMap<i64, OrganisationRow> =
        db.organisations().await?.into_iter().map(|o| (o.id, o)).collect();
    for (organisation_id, days_before) in db.reminder_schedules().await? {
        let Some(org) = organisations.get(&organisation_id) else { continue };
        for open in db.open_rounds(org.id).await? {
            let Some(deadline) =
                open.round.deadline.as_deref().and_then(|d| tiltak_core::round::parse_iso_date(d).ok())
            else {
                continue;
            };
            let Some(step) = Step::due(today, deadline, days_before) else { continue };
            let reminders = db.reminder_plan(org.id, open.round.id, None).await?;
            let target = RoundToRemind { org: org.clone(), year: open.year, round: open.round };
            let sent = send_step(db, mailer, &target, &reminders, &step, public_url).await?;
            if !sent.sent.is_empty() {
                tracing::info!(round = %target.round.label, sent = sent.sent.len(), "reminders sent");
            }
            total.sent.extend(sent.sent);
            total.skipped.extend(sent.skipped);
            total.failed.extend(sent.failed);
        }
    }
    Ok(total)
}

/// The schedule inside `serve`: a pass at start and then every hour, for as long as the server runs.
pub fn spawn_schedule(
    db: Db,
    mailer: Mailer,
    clock: Clock,
    public_url: String,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
        loop {
            every.tick().await;
            if let Err(e) = tick(&db, &mailer, clock.today(), &public_url).await {
                tracing::warn!("reminders: {e}");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_step_is_due_from_n_days_before_and_on_the_day() {
        let deadline = date!(2025 - 09 - 02);
        assert_eq!(Step::due(date!(2025 - 08 - 25), deadline, 7), None);
        assert_eq!(Step::due(date!(2025 - 08 - 26), deadline, 7), Some(Step::Before(7)));
        assert_eq!(Step::due(date!(2025 - 09 - 01), deadline, 7), Some(Step::Before(7)));
        assert_eq!(Step::due(date!(2025 - 09 - 02), deadline, 7), Some(Step::OnTheDay));
        assert_eq!(Step::due(date!(2025 - 09 - 03), deadline, 7), None, "not after the deadline");
        assert_ne!(Step::Before(7).key(), Step::OnTheDay.key());
    }
}
