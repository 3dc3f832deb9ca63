//! Reporting rounds: opening one from the previous round's values, freezing it, and how far it is.

use sqlx::Row;
use tiltak_core::round::{RoundSlug, iso_date};
use time::Date;

use crate::changes::{self, Scope};
use crate::{Db, DbError, DbResult, Message, ProgrammeRow, RoundRow, now};

/// How many measures a round holds, and how many have been updated in it since it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoundProgress {
    pub entries: i64,
    pub updated: i64,
}

impl Db {
    /// Shows a programme to the public, or hides it.
    pub async fn set_published(&self, programme_id: i64, published: bool, actor: &str) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let organisation_id: i64 = sqlx::query_scalar("SELECT organisation_id FROM programmes WHERE id = $1")
            .bind(programme_id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE programmes SET published = $1, version = version + 1 WHERE id = $2")
            .bind(i64::from(published))
            .bind(programme_id)
            .execute(&mut *tx)
            .await?;
        let scope = crate::changes::Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: None,
            measure_number: None,
        };
        let after = if published { "published" } else { "not published" };
        crate::changes::log(&mut tx, scope, actor, "programme.publish", None, Some(after.into())).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// A round's report holding only the measures that have an entry in it, so that comparing two
    /// rounds shows a measure added since the previous one as new and one removed as removed.
    pub async fn round_report(
        &self,
        org: &crate::OrganisationRow,
        year: i32,
        round: &RoundRow,
    ) -> DbResult<tiltak_core::StatusReport> {
        let report = self.load_report(org, year, Some(&round.slug), crate::Audience::Members).await?;
        let numbers = self.round_measures(round.id).await?;
        Ok(report.only_measures(|id| numbers.contains(&id)))
    }

    /// The measures that have an entry in a round: the round's part of the programme.
    pub async fn round_measures(&self, round_id: i64) -> DbResult<Vec<tiltak_core::MeasureId>> {
        let numbers: Vec<i64> = sqlx::query_scalar(
            "SELECT m.number FROM status_entries e JOIN measures m ON m.id = e.measure_id WHERE e.round_id = $1",
        )
        .bind(round_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(numbers.into_iter().map(|n| n as tiltak_core::MeasureId).collect())
    }

    pub async fn round_progress(&self, round_id: i64) -> DbResult<RoundProgress> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS entries, COALESCE(SUM(updated), 0) AS updated
             FROM status_entries WHERE round_id = $1",
        )
        .bind(round_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(RoundProgress { entries: row.try_get("entries")?, updated: row.try_get("updated")? })
    }

    /// Opens a round that starts from the latest round's values; refused if label or date is taken.
    pub async fn open_round(
        &self,
        organisation_id: i64,
        programme: &ProgrammeRow,
        label: &str,
        date: Date,
        deadline: Option<Date>,
        actor: &str,
    ) -> DbResult<RoundRow> {
        let label = label.trim();
        if label.is_empty() {
            return Err(DbError::Invalid(Message::new("db-round-label-needed")));
        }
        // A round's date falls in its programme's year (or the months around it); its deadline
        // is on or after its date.
        if (date.year() - programme.year).abs() > 1 {
            return Err(DbError::Invalid(
                Message::new("db-round-date-outside").date("date", date).arg("year", programme.year),
            ));
        }
        if let Some(deadline) = deadline
            && deadline < date
        {
            return Err(DbError::Invalid(
                Message::new("db-deadline-before-date").date("deadline", deadline).date("date", date),
            ));
        }
        let rounds = self.rounds(programme.id).await?;
        let slug = RoundSlug::for_round(label, Some(date)).as_str().to_owned();
        if rounds.iter().any(|r| r.label == label) {
            return Err(DbError::Conflict(Message::new("db-round-label-exists").arg("round", label)));
        }
        if rounds.iter().any(|r| r.slug == slug) {
            return Err(DbError::Conflict(Message::new("db-round-slug-exists").arg("slug", &slug)));
        }
        let previous = rounds.last().cloned();
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reporting_rounds (programme_id, label, slug, date, deadline, frozen, public, created_at)
             VALUES ($1, $2, $3, $4, $5, 0, 0, $6) RETURNING id",
        )
        .bind(programme.id)
        .bind(label)
        .bind(&slug)
        .bind(iso_date(date))
        .bind(deadline.map(iso_date))
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        // The first round starts empty; a later one from the previous round's values.
        crate::entry_row::open_round(&mut tx, programme.id, id, previous.as_ref().map(|p| p.id)).await?;
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme.id),
            round_id: Some(id),
            measure_number: None,
        };
        let after = format!("{label} ({})", iso_date(date));
        changes::log(&mut tx, scope, actor, "round.open", None, Some(after)).await?;
        self.commit(tx).await?;
        let rounds = self.rounds(programme.id).await?;
        rounds
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| DbError::NotFound(Message::new("db-new-round-missing")))
    }

    /// Shows a round to the public, or keeps it internal (members only).
    pub async fn set_round_public(
        &self,
        organisation_id: i64,
        programme_id: i64,
        round: &RoundRow,
        public: bool,
        actor: &str,
    ) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE reporting_rounds SET public = $1, version = version + 1 WHERE id = $2")
            .bind(i64::from(public))
            .bind(round.id)
            .execute(&mut *tx)
            .await?;
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: Some(round.id),
            measure_number: None,
        };
        let (before, after) = if public { ("internal", "public") } else { ("public", "internal") };
        changes::log(&mut tx, scope, actor, "round.visibility", Some(before.into()), Some(after.into()))
            .await?;
        crate::search::refresh(&mut tx, programme_id).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Opens a frozen round again for corrections (admins only; logged).
    pub async fn reopen_round(
        &self,
        organisation_id: i64,
        programme_id: i64,
        round: &RoundRow,
        actor: &str,
    ) -> DbResult<()> {
        self.set_frozen(organisation_id, programme_id, round, false, actor).await
    }

    /// Freezes a round: from now on it is read-only.
    pub async fn freeze_round(
        &self,
        organisation_id: i64,
        programme_id: i64,
        round: &RoundRow,
        actor: &str,
    ) -> DbResult<()> {
        self.set_frozen(organisation_id, programme_id, round, true, actor).await
    }

    async fn set_frozen(
        &self,
        organisation_id: i64,
        programme_id: i64,
        round: &RoundRow,
        frozen: bool,
        actor: &str,
    ) -> DbResult<()> {
        if round.frozen == frozen {
            let already = if frozen { "db-round-frozen-already" } else { "db-round-open-already" };
            return Err(DbError::Conflict(Message::new(already).arg("round", &round.label)));
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE reporting_rounds SET frozen = $1, version = version + 1 WHERE id = $2 AND frozen = $3",
        )
        .bind(i64::from(frozen))
        .bind(round.id)
        .bind(i64::from(!frozen))
        .execute(&mut *tx)
        .await?;
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: Some(round.id),
            measure_number: None,
        };
        let (action, before, after) =
            if frozen { ("round.freeze", "open", "frozen") } else { ("round.reopen", "frozen", "open") };
        changes::log(&mut tx, scope, actor, action, Some(before.into()), Some(after.into())).await?;
        self.commit(tx).await?;
        Ok(())
    }
}
