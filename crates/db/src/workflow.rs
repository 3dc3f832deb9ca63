//! The reporting round as a workflow: who answers for each measure of a round, how far each
//! working group has come, whom to remind (each reminder step recorded once), comments on a
//! measure in a round, and personal calendar feeds.

use std::collections::{BTreeMap, HashMap};

use sqlx::Row;
use tiltak_core::{Language, MeasureId};

use crate::changes::{self, Scope};
use crate::users::hash_token as hash;
use crate::{Db, DbError, DbResult, Message, Role, RoundRow, UserRow, now, random_token};

/// The longest comment, in characters.
pub const COMMENT_MAX: usize = 4000;

/// A measure of a round and the working group that answers for it: the measure's own group,
/// else its umbrella's, else its area's; `None` is the secretariat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duty {
    pub number: MeasureId,
    pub title: String,
    pub group: Option<String>,
    pub updated: bool,
}

/// One working group's part of a round (`group: None` is the secretariat's, for measures no
/// group owns): its members, how many measures it answers for, and those not yet updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupProgress {
    pub group: Option<String>,
    pub members: Vec<String>,
    pub owned: usize,
    pub updated: usize,
    pub waiting: Vec<(MeasureId, String)>,
}

/// One reminder: one mail to one person, listing the not-yet-updated measures of every group
/// they are in (`None` in `groups`: the secretariat's share).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub to: String,
    pub language: Language,
    pub groups: Vec<Option<String>>,
    pub measures: Vec<(MeasureId, String)>,
}

/// A comment on a measure in a round: a question from the secretariat or an answer from the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRow {
    pub round_label: String,
    pub author: String,
    pub from_secretariat: bool,
    pub body: String,
    pub at: String,
}

/// A comment to add: who writes it, whether for the secretariat, and what it says.
#[derive(Debug, Clone, Copy)]
pub struct NewComment<'a> {
    pub author: &'a str,
    pub from_secretariat: bool,
    pub body: &'a str,
}

/// A round that is open (not frozen) in one of an organisation's programmes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRound {
    pub year: i32,
    pub programme_id: i64,
    pub round: RoundRow,
}

impl Db {
    /// Every measure of a round with the group that answers for it, in number order.
    pub async fn duties(&self, round_id: i64) -> DbResult<Vec<Duty>> {
        let rows = sqlx::query(
            "SELECT m.id, m.number, m.title, m.parent_id, mg.name AS own_group, ag.name AS area_group, e.updated
             FROM status_entries e JOIN measures m ON m.id = e.measure_id
             LEFT JOIN areas a ON a.id = m.area_id
             LEFT JOIN working_groups mg ON mg.id = m.working_group_id
             LEFT JOIN working_groups ag ON ag.id = a.working_group_id
             WHERE e.round_id = $1 ORDER BY m.number",
        )
        .bind(round_id)
        .fetch_all(&self.pool)
        .await?;
        struct Raw {
            parent: Option<i64>,
            own: Option<String>,
            area: Option<String>,
        }
        let mut raw = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            raw.insert(
                id,
                Raw {
                    parent: r.try_get("parent_id")?,
                    own: r.try_get("own_group")?,
                    area: r.try_get("area_group")?,
                },
            );
            out.push((
                id,
                Duty {
                    number: r.try_get::<i64, _>("number")? as MeasureId,
                    title: r.try_get("title")?,
                    group: None,
                    updated: r.try_get::<i64, _>("updated")? != 0,
                },
            ));
        }
        let owner = |id: i64| {
            let mut cursor = Some(id);
            // Umbrellas nest a few levels at most; the bound guards against a cycle.
            for _ in 0..64 {
                let Some(m) = cursor.and_then(|c| raw.get(&c)) else { break };
                if m.own.is_some() {
                    return m.own.clone();
                }
                cursor = m.parent;
            }
            raw.get(&id).and_then(|m| m.area.clone())
        };
        Ok(out
            .into_iter()
            .map(|(id, mut duty)| {
                duty.group = owner(id);
                duty
            })
            .collect())
    }

    /// Whether a measure was updated in a round (`None`: it has no entry there).
    pub async fn entry_updated(
        &self,
        programme_id: i64,
        round_id: i64,
        number: MeasureId,
    ) -> DbResult<Option<bool>> {
        let updated: Option<i64> = sqlx::query_scalar(
            "SELECT e.updated FROM status_entries e JOIN measures m ON m.id = e.measure_id
             WHERE e.round_id = $1 AND m.programme_id = $2 AND m.number = $3",
        )
        .bind(round_id)
        .bind(programme_id)
        .bind(i64::from(number))
        .fetch_optional(&self.pool)
        .await?;
        Ok(updated.map(|u| u != 0))
    }

    /// Each working group's part of a round, groups by name and the secretariat's share last; a
    /// group that answers for nothing in the round is left out.
    pub async fn progress_by_group(
        &self,
        organisation_id: i64,
        round_id: i64,
    ) -> DbResult<Vec<GroupProgress>> {
        let members: HashMap<String, Vec<String>> = self.groups(organisation_id).await?.into_iter().collect();
        let secretariat: Vec<String> = self
            .members(organisation_id)
            .await?
            .into_iter()
            .filter(|(u, r)| *r == Role::Secretariat && !u.disabled)
            .map(|(u, _)| u.email)
            .collect();
        let mut by_group: BTreeMap<(bool, Option<String>), GroupProgress> = BTreeMap::new();
        for duty in self.duties(round_id).await? {
            let key = (duty.group.is_none(), duty.group.clone());
            let entry = by_group.entry(key).or_insert_with(|| GroupProgress {
                members: match &duty.group {
                    Some(g) => members.get(g).cloned().unwrap_or_default(),
                    None => secretariat.clone(),
                },
                group: duty.group.clone(),
                owned: 0,
                updated: 0,
                waiting: Vec::new(),
            });
            entry.owned += 1;
            if duty.updated {
                entry.updated += 1;
            } else {
                entry.waiting.push((duty.number, duty.title));
            }
        }
        Ok(by_group.into_values().collect())
    }

    /// Whom to remind in a round: one reminder per person (enabled members only) for every
    /// measure not yet updated by the groups they are in, measures no group owns going to the
    /// secretariat's members. `only` limits it to one group (`Some(None)`: the secretariat's share).
    pub async fn reminder_plan(
        &self,
        organisation_id: i64,
        round_id: i64,
        only: Option<Option<&str>>,
    ) -> DbResult<Vec<Reminder>> {
        let languages: HashMap<String, Language> = sqlx::query(
            "SELECT u.email, u.language FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.organisation_id = $1 AND u.disabled = 0",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let language: String = r.try_get("language")?;
            Ok((r.try_get("email")?, Language::parse(&language).unwrap_or(Language::Nb)))
        })
        .collect::<DbResult<_>>()?;
        let mut by_person: BTreeMap<String, Reminder> = BTreeMap::new();
        for part in self.progress_by_group(organisation_id, round_id).await? {
            if part.waiting.is_empty() || only.is_some_and(|g| g != part.group.as_deref()) {
                continue;
            }
            for email in &part.members {
                let Some(language) = languages.get(email) else { continue };
                let r = by_person.entry(email.clone()).or_insert_with(|| Reminder {
                    to: email.clone(),
                    language: *language,
                    groups: Vec::new(),
                    measures: Vec::new(),
                });
                r.groups.push(part.group.clone());
                for m in &part.waiting {
                    if !r.measures.contains(m) {
                        r.measures.push(m.clone());
                    }
                }
            }
        }
        for r in by_person.values_mut() {
            r.measures.sort_by_key(|m| m.0);
        }
        Ok(by_person.into_values().collect())
    }

    /// The enabled members of a working group with the language their mail is written in.
    pub async fn reminder_recipients(
        &self,
        organisation_id: i64,
        group: &str,
    ) -> DbResult<Vec<(String, Language)>> {
        let rows = sqlx::query(
            "SELECT u.email, u.language FROM working_groups g JOIN group_members gm ON gm.working_group_id = g.id
             JOIN users u ON u.id = gm.user_id
             WHERE g.organisation_id = $1 AND g.name = $2 AND u.disabled = 0 ORDER BY u.email",
        )
        .bind(organisation_id)
        .bind(group)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let language: String = r.try_get("language")?;
                Ok((r.try_get("email")?, Language::parse(&language).unwrap_or(Language::Nb)))
            })
            .collect()
    }

    /// Claims a reminder step for a person in a round before it is sent: `false` when it was
    /// claimed (sent) before, so a restart or a second run sends nothing twice.
    pub async fn claim_reminder(&self, round_id: i64, email: &str, step: &str) -> DbResult<bool> {
        let done = sqlx::query(
            "INSERT INTO reminders_sent (round_id, email, step, sent_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (round_id, email, step) DO NOTHING",
        )
        .bind(round_id)
        .bind(email)
        .bind(step)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a claim back when the mail could not be sent, so the next run tries again.
    pub async fn release_reminder(&self, round_id: i64, email: &str, step: &str) -> DbResult<()> {
        sqlx::query("DELETE FROM reminders_sent WHERE round_id = $1 AND email = $2 AND step = $3")
            .bind(round_id)
            .bind(email)
            .bind(step)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records in the change log that someone sent a group its reminders by hand.
    pub async fn log_reminders(
        &self,
        organisation_id: i64,
        programme_id: i64,
        round_id: i64,
        actor: &str,
        group: &str,
        people: usize,
    ) -> DbResult<()> {
        let mut conn = self.pool.acquire().await?;
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: Some(round_id),
            measure_number: None,
        };
        changes::log(&mut conn, scope, actor, "round.remind", None, Some(format!("{group}: {people}"))).await
    }

    /// The open rounds of an organisation, newest first (newest programme, then latest round).
    pub async fn open_rounds(&self, organisation_id: i64) -> DbResult<Vec<OpenRound>> {
        let mut out = Vec::new();
        for p in self.programmes(organisation_id).await? {
            for round in self.rounds(p.id).await?.into_iter().rev() {
                if !round.frozen {
                    out.push(OpenRound { year: p.year, programme_id: p.id, round });
                }
            }
        }
        Ok(out)
    }

    /// How many days before a round's deadline an organisation's members are reminded (and again
    /// on the day); `None`: no scheduled reminders.
    pub async fn remind_days_before(&self, organisation_id: i64) -> DbResult<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT remind_days_before FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn set_remind_days_before(
        &self,
        organisation_id: i64,
        days: Option<i64>,
        actor: &str,
    ) -> DbResult<()> {
        if days.is_some_and(|d| !(1..=60).contains(&d)) {
            return Err(DbError::Invalid(Message::new("db-remind-days")));
        }
        let mut tx = self.pool.begin().await?;
        let before: Option<i64> =
            sqlx::query_scalar("SELECT remind_days_before FROM organisations WHERE id = $1")
                .bind(organisation_id)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query("UPDATE organisations SET remind_days_before = $1 WHERE id = $2")
            .bind(days)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        let scope = Scope::organisation(organisation_id);
        let show = |d: Option<i64>| d.map_or_else(|| "-".to_owned(), |d| d.to_string());
        changes::log(&mut tx, scope, actor, "organisation.reminders", Some(show(before)), Some(show(days)))
            .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Every organisation with its reminder schedule, for the scheduler.
    pub async fn reminder_schedules(&self) -> DbResult<Vec<(i64, i64)>> {
        let rows = sqlx::query(
            "SELECT id, remind_days_before FROM organisations WHERE remind_days_before IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("remind_days_before")?))).collect()
    }

    /// The language a person's mail is written in.
    pub async fn set_user_language(&self, user_id: i64, language: Language) -> DbResult<()> {
        sqlx::query("UPDATE users SET language = $1 WHERE id = $2 AND language <> $1")
            .bind(language.code())
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        self.wrote();
        Ok(())
    }

    /// Adds a comment to a measure in a round (kept in the change log too).
    pub async fn add_comment(
        &self,
        organisation_id: i64,
        programme_id: i64,
        round: &RoundRow,
        number: MeasureId,
        comment: NewComment<'_>,
    ) -> DbResult<()> {
        let NewComment { author, from_secretariat, body } = comment;
        let body = body.trim();
        if body.is_empty() {
            return Err(DbError::Invalid(Message::new("db-comment-empty")));
        }
        if body.chars().count() > COMMENT_MAX {
            return Err(DbError::Invalid(Message::new("db-comment-too-long").arg("max", COMMENT_MAX)));
        }
        let mut tx = self.pool.begin().await?;
        let measure_id: i64 = sqlx::query_scalar(
            "SELECT m.id FROM measures m JOIN status_entries e ON e.measure_id = m.id AND e.round_id = $2
             WHERE m.programme_id = $1 AND m.number = $3",
        )
        .bind(programme_id)
        .bind(round.id)
        .bind(i64::from(number))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| DbError::NotFound(Message::new("measure-not-found").arg("number", number)))?;
        sqlx::query(
            "INSERT INTO comments (round_id, measure_id, author, from_secretariat, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(round.id)
        .bind(measure_id)
        .bind(author)
        .bind(i64::from(from_secretariat))
        .bind(body)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: Some(round.id),
            measure_number: Some(i64::from(number)),
        };
        changes::log(&mut tx, scope, author, "comment.add", None, Some(body.to_owned())).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// A measure's comments in every round of its programme, oldest first.
    pub async fn comments(&self, programme_id: i64, number: MeasureId) -> DbResult<Vec<CommentRow>> {
        let rows = sqlx::query(
            "SELECT r.label, c.author, c.from_secretariat, c.body, c.created_at FROM comments c
             JOIN measures m ON m.id = c.measure_id JOIN reporting_rounds r ON r.id = c.round_id
             WHERE m.programme_id = $1 AND m.number = $2 ORDER BY c.id",
        )
        .bind(programme_id)
        .bind(i64::from(number))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CommentRow {
                    round_label: r.try_get("label")?,
                    author: r.try_get("author")?,
                    from_secretariat: r.try_get::<i64, _>("from_secretariat")? != 0,
                    body: r.try_get("body")?,
                    at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// A new personal calendar feed for a member (replacing any earlier one): the secret token
    /// for its address, shown once.
    pub async fn create_calendar_feed(
        &self,
        user_id: i64,
        organisation_id: i64,
        actor: &str,
    ) -> DbResult<String> {
        let token = random_token();
        let mut tx = self.pool.begin().await?;
        let scope = Scope::organisation(organisation_id);
        changes::log(&mut tx, scope, actor, "calendar.make", None, None).await?;
        sqlx::query("DELETE FROM calendar_feeds WHERE user_id = $1 AND organisation_id = $2")
            .bind(user_id)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO calendar_feeds (token_hash, user_id, organisation_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(hash(&token))
        .bind(user_id)
        .bind(organisation_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(token)
    }

    /// Ends a member's personal calendar feed: its address answers 404 from now on.
    pub async fn revoke_calendar_feed(
        &self,
        user_id: i64,
        organisation_id: i64,
        actor: &str,
    ) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM calendar_feeds WHERE user_id = $1 AND organisation_id = $2")
            .bind(user_id)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        let scope = Scope::organisation(organisation_id);
        changes::log(&mut tx, scope, actor, "calendar.revoke", None, None).await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn has_calendar_feed(&self, user_id: i64, organisation_id: i64) -> DbResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM calendar_feeds WHERE user_id = $1 AND organisation_id = $2",
        )
        .bind(user_id)
        .bind(organisation_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// The member whose personal feed of this organisation the token opens, while they are still
    /// an enabled member of it.
    pub async fn calendar_feed_user(&self, organisation_id: i64, token: &str) -> DbResult<Option<UserRow>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.disabled FROM calendar_feeds f JOIN users u ON u.id = f.user_id
             JOIN memberships m ON m.user_id = u.id AND m.organisation_id = f.organisation_id
             WHERE f.token_hash = $1 AND f.organisation_id = $2 AND u.disabled = 0",
        )
        .bind(hash(token))
        .bind(organisation_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(crate::users::user_row).transpose()
    }
}
