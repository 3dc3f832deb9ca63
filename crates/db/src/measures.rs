//! One measure across its programme: its entry in every round, its place, its sub-measures, its
//! lineage across years; and the edits of the tree (add, rename, move, remove).

use sqlx::Row;
use tiltak_core::MeasureId;

use crate::changes::{self, Scope};
use crate::{Audience, Db, DbError, DbResult, Message, RoundRow};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRef {
    pub year: i32,
    pub number: MeasureId,
    pub title: String,
    /// The status label in that year's last round.
    pub last_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureDetail {
    pub id: i64,
    pub number: MeasureId,
    pub title: String,
    pub version: i64,
    pub section: String,
    pub area: Option<String>,
    pub parent: Option<(MeasureId, String)>,
    pub children: Vec<(MeasureId, String)>,
    /// Earlier years first, ending with last year's measure.
    pub predecessors: Vec<MeasureRef>,
    /// Next year's measures that continue this one (and theirs, year by year).
    pub successors: Vec<MeasureRef>,
    /// Last year's measures merged into this one.
    pub merged_from: Vec<MeasureRef>,
    /// Next year's measure this one was merged into.
    pub merged_into: Vec<MeasureRef>,
    /// First or last among its siblings (it cannot move further up or down).
    pub first: bool,
    pub last: bool,
}

/// Where a new measure goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    Section(i64),
    Area(i64),
    Under(MeasureId),
}

impl Db {
    /// One measure with its place, sub-measures and lineage, as `audience` may see it: for the
    /// public, a measure no public round has is not found, and lineage shows only published years
    /// with statuses from public rounds.
    pub async fn measure_detail(
        &self,
        programme_id: i64,
        number: MeasureId,
        audience: Audience,
    ) -> DbResult<MeasureDetail> {
        let row = sqlx::query(
            "SELECT m.id, m.number, m.title, m.version, m.continues_id, m.section_id, m.area_id, m.parent_id,
                    s.title AS section, a.title AS area,
                    p.number AS parent_number, p.title AS parent_title
             FROM measures m JOIN sections s ON s.id = m.section_id LEFT JOIN areas a ON a.id = m.area_id
             LEFT JOIN measures p ON p.id = m.parent_id
             WHERE m.programme_id = $1 AND m.number = $2",
        )
        .bind(programme_id)
        .bind(i64::from(number))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| DbError::NotFound(Message::new("db-measure-not-found").arg("number", number)))?;
        let id: i64 = row.try_get("id")?;
        let not_found = || DbError::NotFound(Message::new("db-measure-not-found").arg("number", number));
        if audience == Audience::Public {
            let public_entries: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM status_entries e JOIN reporting_rounds r ON r.id = e.round_id
                 WHERE e.measure_id = $1 AND r.public = 1",
            )
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
            if public_entries == 0 {
                return Err(not_found());
            }
        }
        let siblings: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM measures WHERE programme_id = $1 AND section_id = $2
               AND COALESCE(area_id, 0) = COALESCE($3, 0) AND COALESCE(parent_id, 0) = COALESCE($4, 0)
             ORDER BY position, id",
        )
        .bind(programme_id)
        .bind(row.try_get::<i64, _>("section_id")?)
        .bind(row.try_get::<Option<i64>, _>("area_id")?)
        .bind(row.try_get::<Option<i64>, _>("parent_id")?)
        .fetch_all(&self.pool)
        .await?;
        let (first, last) = (siblings.first() == Some(&id), siblings.last() == Some(&id));
        let children =
            sqlx::query("SELECT number, title FROM measures WHERE parent_id = $1 ORDER BY position, id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| Ok((r.try_get::<i64, _>("number")? as MeasureId, r.try_get("title")?)))
                .collect::<DbResult<Vec<_>>>()?;
        let mut predecessors = Vec::new();
        let mut cursor: Option<i64> = row.try_get("continues_id")?;
        while let Some(prev) = cursor {
            let Some((item, next)) = self.measure_ref(prev, audience).await? else { break };
            predecessors.insert(0, item);
            cursor = next;
            if predecessors.len() > 50 {
                break;
            }
        }
        let mut successors = Vec::new();
        let mut frontier = vec![id];
        while !frontier.is_empty() && successors.len() < 50 {
            let mut next = Vec::new();
            for f in frontier {
                let ids: Vec<i64> =
                    sqlx::query_scalar("SELECT id FROM measures WHERE continues_id = $1 ORDER BY id")
                        .bind(f)
                        .fetch_all(&self.pool)
                        .await?;
                for s in ids {
                    if let Some((item, _)) = self.measure_ref(s, audience).await? {
                        successors.push(item);
                        next.push(s);
                    }
                }
            }
            frontier = next;
        }
        let mut merged_from = Vec::new();
        for p in sqlx::query_scalar::<_, i64>(
            "SELECT predecessor_id FROM measure_predecessors WHERE measure_id = $1",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        {
            merged_from.extend(self.measure_ref(p, audience).await?.map(|r| r.0));
        }
        let mut merged_into = Vec::new();
        for s in sqlx::query_scalar::<_, i64>(
            "SELECT measure_id FROM measure_predecessors WHERE predecessor_id = $1",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        {
            merged_into.extend(self.measure_ref(s, audience).await?.map(|r| r.0));
        }
        Ok(MeasureDetail {
            merged_from,
            merged_into,
            first,
            last,
            id,
            number,
            title: row.try_get("title")?,
            version: row.try_get("version")?,
            section: row.try_get("section")?,
            area: row.try_get("area")?,
            parent: match row.try_get::<Option<i64>, _>("parent_number")? {
                Some(n) => Some((n as MeasureId, row.try_get("parent_title")?)),
                None => None,
            },
            children,
            predecessors,
            successors,
        })
    }

    /// A measure by database id, with its year, last status and what it continues — or `None`
    /// when `audience` may not see it (an unpublished year, or no public round has it).
    async fn measure_ref(&self, id: i64, audience: Audience) -> DbResult<Option<(MeasureRef, Option<i64>)>> {
        let r = sqlx::query(
            "SELECT m.number, m.title, m.continues_id, p.year, p.published,
                    (SELECT e.status_label FROM status_entries e JOIN reporting_rounds r ON r.id = e.round_id
                     WHERE e.measure_id = m.id AND (r.public = 1 OR $2 = 1)
                     ORDER BY CASE WHEN r.date IS NULL THEN 1 ELSE 0 END DESC, r.date DESC, r.id DESC LIMIT 1) AS last_status,
                    (SELECT COUNT(*) FROM status_entries e JOIN reporting_rounds r ON r.id = e.round_id
                     WHERE e.measure_id = m.id AND (r.public = 1 OR $2 = 1)) AS visible_entries
             FROM measures m JOIN programmes p ON p.id = m.programme_id WHERE m.id = $1",
        )
        .bind(id)
        .bind(audience.members_flag())
        .fetch_one(&self.pool)
        .await?;
        let published = r.try_get::<i64, _>("published")? != 0;
        let in_a_visible_round = r.try_get::<i64, _>("visible_entries")? > 0;
        if audience == Audience::Public && !(published && in_a_visible_round) {
            return Ok(None);
        }
        Ok(Some((
            MeasureRef {
                year: r.try_get::<i64, _>("year")? as i32,
                number: r.try_get::<i64, _>("number")? as MeasureId,
                title: r.try_get("title")?,
                last_status: r.try_get::<Option<String>, _>("last_status")?.filter(|s| !s.is_empty()),
            },
            r.try_get("continues_id")?,
        )))
    }

    /// Every round's entry of one measure, oldest round first.
    pub async fn measure_history(
        &self,
        programme_id: i64,
        number: MeasureId,
    ) -> DbResult<Vec<(RoundRow, tiltak_core::StatusEntry)>> {
        let mut out = Vec::new();
        for round in self.rounds(programme_id).await? {
            let e = self.editable_entry(programme_id, round.id, number).await?;
            if e.version > 0 {
                out.push((round, e.entry));
            }
        }
        Ok(out)
    }

    /// Adds a measure at the end of its section, area or parent; returns its id.
    pub async fn add_measure(
        &self,
        organisation_id: i64,
        programme_id: i64,
        placement: Placement,
        title: &str,
        actor: &str,
    ) -> DbResult<MeasureId> {
        let title = title.trim();
        if title.is_empty() {
            return Err(DbError::Invalid(Message::new("db-title-needed")));
        }
        let mut tx = self.pool.begin().await?;
        let (section_id, area_id, parent_id): (i64, Option<i64>, Option<i64>) = match placement {
            Placement::Section(s) => {
                let ok: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM sections WHERE id = $1 AND programme_id = $2")
                        .bind(s)
                        .bind(programme_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                (ok.ok_or_else(|| DbError::NotFound(Message::new("db-section-not-found")))?, None, None)
            }
            Placement::Area(a) => {
                let r = sqlx::query(
                    "SELECT a.id, a.section_id FROM areas a JOIN sections s ON s.id = a.section_id
                     WHERE a.id = $1 AND s.programme_id = $2",
                )
                .bind(a)
                .bind(programme_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| DbError::NotFound(Message::new("db-area-place-not-found")))?;
                (r.try_get("section_id")?, Some(r.try_get("id")?), None)
            }
            Placement::Under(parent) => {
                let r = sqlx::query(
                    "SELECT id, section_id, area_id FROM measures WHERE programme_id = $1 AND number = $2",
                )
                .bind(programme_id)
                .bind(i64::from(parent))
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| {
                    DbError::NotFound(Message::new("db-measure-not-found").arg("number", parent))
                })?;
                (r.try_get("section_id")?, r.try_get("area_id")?, Some(r.try_get("id")?))
            }
        };
        let number: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM measures WHERE programme_id = $1")
                .bind(programme_id)
                .fetch_one(&mut *tx)
                .await?;
        let position: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM measures
             WHERE programme_id = $1 AND section_id = $2 AND COALESCE(area_id, 0) = COALESCE($3, 0)
               AND COALESCE(parent_id, 0) = COALESCE($4, 0)",
        )
        .bind(programme_id)
        .bind(section_id)
        .bind(area_id)
        .bind(parent_id)
        .fetch_one(&mut *tx)
        .await?;
        let measure_id: i64 = sqlx::query_scalar(
            "INSERT INTO measures (programme_id, number, section_id, area_id, parent_id, position, title)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(programme_id)
        .bind(number)
        .bind(section_id)
        .bind(area_id)
        .bind(parent_id)
        .bind(position)
        .bind(title)
        .fetch_one(&mut *tx)
        .await?;
        // A measure added while a round is open belongs to that round's report from now on.
        let open_round: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM reporting_rounds WHERE programme_id = $1 AND frozen = 0
             ORDER BY CASE WHEN date IS NULL THEN 1 ELSE 0 END DESC, date DESC, id DESC LIMIT 1",
        )
        .bind(programme_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(round_id) = open_round {
            crate::entry_row::insert_empty(&mut tx, round_id, measure_id).await?;
        }
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: open_round,
            measure_number: Some(number),
        };
        changes::log(&mut tx, scope, actor, "measure.add", None, Some(title.to_owned())).await?;
        crate::search::refresh(&mut tx, programme_id).await?;
        self.commit(tx).await?;
        Ok(number as MeasureId)
    }

    /// Renames a measure if nobody changed it since `expected_version`.
    pub async fn rename_measure(
        &self,
        organisation_id: i64,
        programme_id: i64,
        number: MeasureId,
        title: &str,
        expected_version: i64,
        actor: &str,
    ) -> DbResult<()> {
        let title = title.trim();
        if title.is_empty() {
            return Err(DbError::Invalid(Message::new("db-title-needed")));
        }
        let before = self.measure_detail(programme_id, number, Audience::Members).await?;
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query(
            "UPDATE measures SET title = $1, version = version + 1 WHERE id = $2 AND version = $3",
        )
        .bind(title)
        .bind(before.id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            // Roll back now: a dropped transaction would hold SQLite's write lock until reused.
            tx.rollback().await?;
            return Err(DbError::Conflict(Message::new("db-renamed-meanwhile").arg("title", &before.title)));
        }
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: None,
            measure_number: Some(i64::from(number)),
        };
        changes::log(&mut tx, scope, actor, "measure.rename", Some(before.title), Some(title.to_owned()))
            .await?;
        crate::search::refresh(&mut tx, programme_id).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Moves a measure one place up (or down) among its siblings.
    pub async fn move_measure(
        &self,
        organisation_id: i64,
        programme_id: i64,
        number: MeasureId,
        up: bool,
        actor: &str,
    ) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let me = sqlx::query(
            "SELECT id, section_id, area_id, parent_id FROM measures WHERE programme_id = $1 AND number = $2",
        )
        .bind(programme_id)
        .bind(i64::from(number))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| DbError::NotFound(Message::new("db-measure-not-found").arg("number", number)))?;
        let id: i64 = me.try_get("id")?;
        let siblings: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM measures WHERE programme_id = $1 AND section_id = $2
               AND COALESCE(area_id, 0) = COALESCE($3, 0) AND COALESCE(parent_id, 0) = COALESCE($4, 0)
             ORDER BY position, id",
        )
        .bind(programme_id)
        .bind(me.try_get::<i64, _>("section_id")?)
        .bind(me.try_get::<Option<i64>, _>("area_id")?)
        .bind(me.try_get::<Option<i64>, _>("parent_id")?)
        .fetch_all(&mut *tx)
        .await?;
        let i = siblings.iter().position(|s| *s == id).expect("a measure is among its siblings");
        let j = if up { i.checked_sub(1) } else { (i + 1 < siblings.len()).then_some(i + 1) };
        let Some(j) = j else { return Ok(()) };
        let mut order = siblings.clone();
        order.swap(i, j);
        for (pos, sid) in order.iter().enumerate() {
            sqlx::query("UPDATE measures SET position = $1 WHERE id = $2")
                .bind(pos as i64)
                .bind(*sid)
                .execute(&mut *tx)
                .await?;
        }
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: None,
            measure_number: Some(i64::from(number)),
        };
        let action = if up { "measure.move_up" } else { "measure.move_down" };
        changes::log(&mut tx, scope, actor, action, Some(i.to_string()), Some(j.to_string())).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Removes a measure (and its sub-measures) that no frozen round has reported on.
    pub async fn remove_measure(
        &self,
        organisation_id: i64,
        programme_id: i64,
        number: MeasureId,
        actor: &str,
    ) -> DbResult<()> {
        let detail = self.measure_detail(programme_id, number, Audience::Members).await?;
        let frozen: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM status_entries e JOIN reporting_rounds r ON r.id = e.round_id
             WHERE e.measure_id = $1 AND r.frozen = 1",
        )
        .bind(detail.id)
        .fetch_one(&self.pool)
        .await?;
        if frozen > 0 {
            return Err(DbError::Conflict(Message::new("db-remove-frozen").arg("number", number)));
        }
        if !detail.children.is_empty() {
            return Err(DbError::Conflict(Message::new("db-remove-has-children").arg("number", number)));
        }
        let mut tx = self.pool.begin().await?;
        let search = if tx.backend_name() == "SQLite" {
            "DELETE FROM measure_search WHERE rowid = $1"
        } else {
            "DELETE FROM measure_search WHERE measure_id = $1"
        };
        sqlx::query(search).bind(detail.id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM measures WHERE id = $1").bind(detail.id).execute(&mut *tx).await?;
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: None,
            measure_number: Some(i64::from(number)),
        };
        changes::log(&mut tx, scope, actor, "measure.remove", Some(detail.title), None).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Sections and areas of a programme, for placing new measures: (section id, title, [(area id, title)]).
    pub async fn programme_places(
        &self,
        programme_id: i64,
    ) -> DbResult<Vec<(i64, String, Vec<(i64, String)>)>> {
        let sections =
            sqlx::query("SELECT id, title FROM sections WHERE programme_id = $1 ORDER BY position, id")
                .bind(programme_id)
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::new();
        for s in sections {
            let sid: i64 = s.try_get("id")?;
            let areas =
                sqlx::query("SELECT id, title FROM areas WHERE section_id = $1 ORDER BY position, id")
                    .bind(sid)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|a| Ok((a.try_get("id")?, a.try_get("title")?)))
                    .collect::<DbResult<Vec<_>>>()?;
            out.push((sid, s.try_get("title")?, areas));
        }
        Ok(out)
    }

    /// Every measure of a programme by number: (number, title), for choosing one from a list.
    pub async fn measure_titles(&self, programme_id: i64) -> DbResult<Vec<(MeasureId, String)>> {
        let rows = sqlx::query("SELECT number, title FROM measures WHERE programme_id = $1 ORDER BY number")
            .bind(programme_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get::<i64, _>("number")? as MeasureId, r.try_get("title")?))).collect()
    }
}
