//! Editing one measure's entry in an open round, with optimistic concurrency: a save names the
//! version it started from and is refused, with the current values, if someone saved in between.

use sqlx::Row;
use tiltak_core::round::{Decision, StatusEntry};
use tiltak_core::{MeasureId, Status};

use crate::entry_row::{self, EntryValues, Updated};

use crate::changes::{self, Scope};
use crate::{Db, DbError, DbResult, Message, RoundRow};

/// An entry as the editor sees it: its values and the version to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditableEntry {
    pub measure_id: i64,
    pub number: MeasureId,
    pub title: String,
    pub entry: StatusEntry,
    /// 0 when the measure has no entry in this round yet.
    pub version: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum SaveEntryError {
    #[error("someone else saved this measure while you edited it")]
    Stale { current: Box<EditableEntry>, changed_by: Option<String> },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for SaveEntryError {
    fn from(e: sqlx::Error) -> Self {
        SaveEntryError::Db(e.into())
    }
}

impl Db {
    pub async fn editable_entry(
        &self,
        programme_id: i64,
        round_id: i64,
        number: MeasureId,
    ) -> DbResult<EditableEntry> {
        let row = sqlx::query(concat!(
            "SELECT m.id, m.number, m.title, ",
            entry_row::entry_columns!(),
            " FROM measures m
             LEFT JOIN status_entries e ON e.measure_id = m.id AND e.round_id = $2
             LEFT JOIN measures target ON target.id = e.merge_into_id
             WHERE m.programme_id = $1 AND m.number = $3"
        ))
        .bind(programme_id)
        .bind(round_id)
        .bind(i64::from(number))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| DbError::NotFound(Message::new("db-measure-not-found").arg("number", number)))?;
        let entry = entry_row::decode(&row)?;
        Ok(EditableEntry {
            measure_id: row.try_get("id")?,
            number,
            title: row.try_get("title")?,
            version: entry.version.unwrap_or(0),
            entry,
        })
    }

    /// Saves an entry if nobody saved since `expected_version`; the change is logged with its actor.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_entry(
        &self,
        organisation_id: i64,
        programme_id: i64,
        round: &RoundRow,
        number: MeasureId,
        entry: &StatusEntry,
        expected_version: i64,
        actor: &str,
    ) -> Result<EditableEntry, SaveEntryError> {
        if round.frozen {
            return Err(
                DbError::Conflict(Message::new("db-round-frozen-edit").arg("round", &round.label)).into()
            );
        }
        if let Status::Reported { key, .. } = &entry.status
            && self.vocabulary(organisation_id).await?.get(key).is_none()
        {
            return Err(DbError::Invalid(Message::new("db-status-unknown").arg("status", key)).into());
        }
        let current = self.editable_entry(programme_id, round.id, number).await?;
        let mut merge_title = None;
        if current.version != expected_version {
            let changed_by = self
                .changes(programme_id, Some(i64::from(number)), 1)
                .await?
                .first()
                .map(|c| c.actor.clone());
            return Err(SaveEntryError::Stale { current: Box::new(current), changed_by });
        }
        let merge_id = match &entry.continuation.decision {
            Decision::Conditional { condition } if condition.trim().is_empty() => {
                return Err(DbError::Invalid(Message::new("db-condition-needed")).into());
            }
            Decision::Merge { into } => {
                let target =
                    into.id.ok_or_else(|| DbError::Invalid(Message::new("db-merge-target-needed")))?;
                if target == number {
                    return Err(DbError::Invalid(Message::new("db-merge-self")).into());
                }
                let found: Option<(i64, String)> =
                    sqlx::query("SELECT id, title FROM measures WHERE programme_id = $1 AND number = $2")
                        .bind(programme_id)
                        .bind(i64::from(target))
                        .fetch_optional(&self.pool)
                        .await?
                        .map(|r| Ok::<_, sqlx::Error>((r.try_get("id")?, r.try_get("title")?)))
                        .transpose()?;
                let (id, title) = found.ok_or_else(|| {
                    DbError::Invalid(Message::new("db-merge-target-missing").arg("number", target))
                })?;
                merge_title = Some(title);
                Some(id)
            }
            _ => None,
        };
        let mut values = EntryValues::of(entry, merge_id);
        if merge_title.is_some() {
            values.merge_title = merge_title;
        }
        let mut tx = self.pool.begin().await?;
        let key = (round.id, current.measure_id);
        // The first save of an entry inserts it (version 2: above any carried-forward value); two
        // first saves at once: one inserts, the other finds the row there (nothing inserted) and
        // is stale like any other late save.
        let changed = if current.version == 0 {
            entry_row::insert(&mut tx, key, &values, 2, Updated::Yes).await?
        } else {
            entry_row::update(&mut tx, key, &values, expected_version).await?
        };
        if changed != 1 {
            tx.rollback().await?;
            let current = self.editable_entry(programme_id, round.id, number).await?;
            return Err(SaveEntryError::Stale { current: Box::new(current), changed_by: None });
        }
        let scope = Scope {
            organisation_id,
            programme_id: Some(programme_id),
            round_id: Some(round.id),
            measure_number: Some(i64::from(number)),
        };
        changes::log(
            &mut tx,
            scope,
            actor,
            changes::ENTRY_UPDATE,
            Some(describe(&current.entry)),
            Some(describe(entry)),
        )
        .await?;
        crate::search::refresh(&mut tx, programme_id).await?;
        self.commit(tx).await?;
        Ok(self.editable_entry(programme_id, round.id, number).await?)
    }
}

/// An entry as one readable line for the change log.
pub fn describe(e: &StatusEntry) -> String {
    let decision = match &e.continuation.decision {
        Decision::Conditional { condition } => format!("conditional ({condition})"),
        Decision::Merge { into } => {
            format!("merge into {}", into.id.map(|i| i.to_string()).unwrap_or(into.title.clone()))
        }
        d => d.kind().key().to_owned(),
    };
    let mut line = format!(
        "status: {}; description: {}; decision: {decision}; comment: {}",
        if e.status.label().is_empty() { e.status.key() } else { e.status.label() },
        e.description,
        e.continuation.comment
    );
    // The organisation's own fields, as JSON after the comment.
    if !e.fields.is_empty() {
        line.push_str("; fields: ");
        line.push_str(&crate::entry_row::encode_fields(&e.fields));
    }
    line
}
