//! Saving a rollover: next year's programme as a draft, all or nothing, with its lineage; and the
//! board decision that adopts it. Also the "programme A → B" summary of what was carried.

use sqlx::Row;
use tiltak_core::rollover::{Item, Transition};
use tiltak_core::{MeasureId, Programme, ProgrammeState};
use time::Date;

use crate::changes::{self, Scope};
use crate::matching::save_tree;
use crate::reports::{IdSource, Owners};
use crate::{Db, DbError, DbResult, Message, OrganisationRow, ProgrammeRow, now};

impl Db {
    /// Saves the new year's programme from a finished plan: a draft, unpublished. Refused if the
    /// year has a programme already (a rollover is done once).
    pub async fn save_rollover(
        &self,
        org: &OrganisationRow,
        from: &ProgrammeRow,
        programme: &Programme,
        merges: &[(MeasureId, MeasureId)],
        actor: &str,
    ) -> DbResult<ProgrammeRow> {
        if programme.year != from.year + 1 {
            return Err(DbError::Invalid(
                Message::new("db-rollover-next-year").arg("from", from.year).arg("to", programme.year),
            ));
        }
        programme.validate().map_err(DbError::invalid)?;
        let mut tx = self.pool.begin().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM programmes WHERE organisation_id = $1 AND year = $2")
                .bind(org.id)
                .bind(i64::from(programme.year))
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_some() {
            return Err(DbError::Conflict(
                Message::new("db-rollover-done").arg("organisation", &org.name).arg("year", programme.year),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO programmes (organisation_id, year, title, state, published, created_at)
             VALUES ($1, $2, $3, 'draft', 0, $4) RETURNING id",
        )
        .bind(org.id)
        .bind(i64::from(programme.year))
        .bind(&programme.title)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let written: DbResult<()> = async {
            save_tree(
                &mut tx,
                org,
                id,
                programme.year,
                &programme.sections,
                IdSource::Document,
                Owners::FromFile,
            )
            .await?;
            for (new, old) in merges {
                sqlx::query(
                    "INSERT INTO measure_predecessors (measure_id, predecessor_id)
                     SELECT n.id, o.id FROM measures n, measures o
                     WHERE n.programme_id = $1 AND n.number = $2 AND o.programme_id = $3 AND o.number = $4",
                )
                .bind(id)
                .bind(i64::from(*new))
                .bind(from.id)
                .bind(i64::from(*old))
                .execute(&mut *tx)
                .await?;
            }
            crate::entities::carry_links(&mut tx, id).await?;
            crate::search::refresh(&mut tx, id).await?;
            let scope = Scope {
                organisation_id: org.id,
                programme_id: Some(id),
                round_id: None,
                measure_number: None,
            };
            let summary =
                format!("{} → {}: {} measures", from.year, programme.year, programme.measure_count());
            changes::log(&mut tx, scope, actor, "programme.rollover", None, Some(summary)).await?;
            Ok(())
        }
        .await;
        if let Err(e) = written {
            tx.rollback().await?;
            return Err(e);
        }
        self.commit(tx).await?;
        self.programme(org.id, programme.year)
            .await?
            .ok_or_else(|| DbError::NotFound(Message::new("db-new-programme-missing")))
    }

    /// Records the board's decision on a draft programme, which makes it the adopted programme.
    pub async fn adopt_programme(
        &self,
        org: &OrganisationRow,
        programme: &ProgrammeRow,
        decided_on: Date,
        reference: &str,
        text: &str,
        actor: &str,
    ) -> DbResult<()> {
        if programme.state != ProgrammeState::Draft {
            return Err(DbError::Conflict(Message::new("db-adopted-already").arg("year", programme.year)));
        }
        if reference.trim().is_empty() {
            return Err(DbError::Invalid(Message::new("db-decision-reference-needed")));
        }
        let mut tx = self.pool.begin().await?;
        let mut decision = tiltak_core::Entity::new(tiltak_core::EntityKind::Decision, reference.trim());
        decision.starts_on = Some(decided_on);
        decision.category = "board".into();
        decision.reference = reference.trim().to_owned();
        decision.text = text.trim().to_owned();
        let decision = decision.checked().map_err(|p| DbError::Invalid(Message::new(p.key())))?;
        crate::entities::record_adoption(&mut tx, org.id, programme.id, &decision, actor).await?;
        sqlx::query("UPDATE programmes SET state = 'adopted', version = version + 1 WHERE id = $1 AND state = 'draft'")
            .bind(programme.id)
            .execute(&mut *tx)
            .await?;
        let scope = Scope {
            organisation_id: org.id,
            programme_id: Some(programme.id),
            round_id: None,
            measure_number: None,
        };
        let after = format!("adopted {} ({})", tiltak_core::round::iso_date(decided_on), reference.trim());
        changes::log(&mut tx, scope, actor, "programme.adopt", Some("draft".into()), Some(after)).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// What happened between two programmes: carried, merged, dropped and new measures.
    pub async fn transition(&self, from: &ProgrammeRow, to: &ProgrammeRow) -> DbResult<Transition> {
        let pairs = |sql: &'static str| async move {
            let rows = sqlx::query(sql).bind(to.id).bind(from.id).fetch_all(&self.pool).await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        (r.try_get::<i64, _>("old_number")? as MeasureId, r.try_get("old_title")?),
                        (r.try_get::<i64, _>("new_number")? as MeasureId, r.try_get("new_title")?),
                    ))
                })
                .collect::<DbResult<Vec<_>>>()
        };
        let carried = pairs(
            "SELECT o.number AS old_number, o.title AS old_title, n.number AS new_number, n.title AS new_title
             FROM measures n JOIN measures o ON o.id = n.continues_id
             WHERE n.programme_id = $1 AND o.programme_id = $2 ORDER BY o.number",
        )
        .await?;
        let merged = pairs(
            "SELECT o.number AS old_number, o.title AS old_title, n.number AS new_number, n.title AS new_title
             FROM measure_predecessors p JOIN measures n ON n.id = p.measure_id JOIN measures o ON o.id = p.predecessor_id
             WHERE n.programme_id = $1 AND o.programme_id = $2 ORDER BY o.number",
        )
        .await?;
        let singles = |sql: &'static str, a: i64, b: i64| async move {
            let rows = sqlx::query(sql).bind(a).bind(b).fetch_all(&self.pool).await?;
            rows.iter()
                .map(|r| Ok((r.try_get::<i64, _>("number")? as MeasureId, r.try_get("title")?)))
                .collect::<DbResult<Vec<Item>>>()
        };
        let dropped = singles(
            "SELECT o.number, o.title FROM measures o WHERE o.programme_id = $1
               AND NOT EXISTS (SELECT 1 FROM measures n WHERE n.continues_id = o.id AND n.programme_id = $2)
               AND NOT EXISTS (SELECT 1 FROM measure_predecessors p JOIN measures n ON n.id = p.measure_id
                               WHERE p.predecessor_id = o.id AND n.programme_id = $2)
             ORDER BY o.number",
            from.id,
            to.id,
        )
        .await?;
        let rows = sqlx::query(
            "SELECT n.number, n.title FROM measures n WHERE n.programme_id = $1 AND n.continues_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM measure_predecessors p WHERE p.measure_id = n.id)
             ORDER BY n.number",
        )
        .bind(to.id)
        .fetch_all(&self.pool)
        .await?;
        let new = rows
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>("number")? as MeasureId, r.try_get("title")?)))
            .collect::<DbResult<Vec<Item>>>()?;
        Ok(Transition { carried, merged, dropped, new })
    }
}
