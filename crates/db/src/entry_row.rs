//! A status entry as stored: decoded from a row in one place, and written to `status_entries`
//! only from here (imports, restores, opening a round, a new measure, the web's save).

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use tiltak_core::round::{Continuation, Decision, DecisionKind, MergeTarget, StatusEntry};
use tiltak_core::{Fields, MeasureId, Status};

use crate::{DbError, DbResult, now};

/// The columns [`decode`] reads, for a query that joins `status_entries e` and the merge target's
/// measure as `target` (a macro, so that the query stays one `&'static str`).
macro_rules! entry_columns {
    () => {
        "e.status_key, e.status_label, e.description, e.decision, e.condition, e.comment, e.merge_into_title, \
         e.version, e.fields, target.number AS merge_number, target.title AS merge_title"
    };
}
pub(crate) use entry_columns;

/// The entry of a row selected with [`entry_columns`]; a measure without an entry in the round (all
/// columns NULL) has the empty entry, version `None`.
pub(crate) fn decode(r: &AnyRow) -> DbResult<StatusEntry> {
    let text =
        |name: &str| -> DbResult<String> { Ok(r.try_get::<Option<String>, _>(name)?.unwrap_or_default()) };
    let status = match r.try_get::<Option<String>, _>("status_key")? {
        Some(key) => Status::Reported { key, label: text("status_label")? },
        None => Status::None,
    };
    let kind = match r.try_get::<Option<String>, _>("decision")? {
        Some(key) => DecisionKind::parse(&key).map_err(DbError::invalid)?,
        None => DecisionKind::Undecided,
    };
    let decision = match kind {
        DecisionKind::Yes => Decision::Yes,
        DecisionKind::No => Decision::No,
        DecisionKind::Undecided => Decision::Undecided,
        DecisionKind::Conditional => Decision::Conditional { condition: text("condition")? },
        DecisionKind::Merge => Decision::Merge {
            into: MergeTarget {
                id: r.try_get::<Option<i64>, _>("merge_number")?.map(|n| n as MeasureId),
                title: r
                    .try_get::<Option<String>, _>("merge_title")?
                    .or(r.try_get::<Option<String>, _>("merge_into_title")?)
                    .unwrap_or_default(),
            },
        },
    };
    Ok(StatusEntry {
        status,
        description: text("description")?,
        continuation: Continuation { decision, comment: text("comment")? },
        version: r.try_get::<Option<i64>, _>("version")?,
        fields: decode_fields(r.try_get::<Option<String>, _>("fields")?.as_deref())?,
    })
}

/// The fields of an entry as stored: a JSON object of strings (`{}` for none).
pub(crate) fn decode_fields(json: Option<&str>) -> DbResult<Fields> {
    match json {
        None | Some("") => Ok(Fields::new()),
        Some(j) => serde_json::from_str(j).map_err(DbError::invalid),
    }
}

pub(crate) fn encode_fields(fields: &Fields) -> String {
    let kept: Fields =
        fields.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (k.clone(), v.clone())).collect();
    serde_json::to_string(&kept).expect("a map of strings is JSON")
}

/// An entry's values as stored, to write and to tell an unchanged entry from a changed one.
#[derive(Debug, Clone)]
pub(crate) struct EntryValues {
    pub status_key: Option<String>,
    pub status_label: String,
    pub description: String,
    pub decision: DecisionKind,
    pub condition: Option<String>,
    pub merge_id: Option<i64>,
    pub merge_title: Option<String>,
    pub comment: String,
    /// The organisation's own fields, as stored (JSON).
    pub fields: String,
}

impl EntryValues {
    /// The values of an entry whose merge target (if any) is the measure with database id
    /// `merge_id`.
    pub fn of(e: &StatusEntry, merge_id: Option<i64>) -> Self {
        let (condition, merge_id, merge_title) = match &e.continuation.decision {
            Decision::Conditional { condition } => (Some(condition.clone()), None, None),
            Decision::Merge { into } => (None, merge_id, Some(into.title.clone())),
            _ => (None, None, None),
        };
        EntryValues {
            status_key: match &e.status {
                Status::None => None,
                Status::Reported { key, .. } => Some(key.clone()),
            },
            status_label: e.status.label().to_owned(),
            description: e.description.clone(),
            decision: e.continuation.decision.kind(),
            condition,
            merge_id,
            merge_title,
            comment: e.continuation.comment.clone(),
            fields: encode_fields(&e.fields),
        }
    }

    /// The stored values of a row of `status_entries` (selected with `SELECT *` or the same names).
    pub fn decode(r: &AnyRow) -> DbResult<Self> {
        Ok(EntryValues {
            status_key: r.try_get("status_key")?,
            status_label: r.try_get("status_label")?,
            description: r.try_get("description")?,
            decision: DecisionKind::parse(&r.try_get::<String, _>("decision")?).map_err(DbError::invalid)?,
            condition: r.try_get("condition")?,
            merge_id: r.try_get("merge_into_id")?,
            merge_title: r.try_get("merge_into_title")?,
            comment: r.try_get("comment")?,
            fields: encode_fields(&decode_fields(Some(&r.try_get::<String, _>("fields")?))?),
        })
    }

    /// The same content (the label as written and the merge target's id may differ).
    pub fn same(&self, other: &EntryValues) -> bool {
        (
            &self.status_key,
            &self.description,
            self.decision,
            &self.condition,
            &self.merge_title,
            &self.comment,
            &self.fields,
        ) == (
            &other.status_key,
            &other.description,
            other.decision,
            &other.condition,
            &other.merge_title,
            &other.comment,
            &other.fields,
        )
    }

    /// The values as one line for the change log (keys, which the audit page shows as labels).
    pub fn describe(&self) -> String {
        let mut line = format!(
            "status: {}; description: {}; decision: {}; comment: {}",
            self.status_key.as_deref().unwrap_or(Status::None.key()),
            self.description,
            self.decision.key(),
            self.comment
        );
        if self.fields != "{}" {
            line.push_str(&format!("; fields: {}", self.fields));
        }
        line
    }
}

/// How an entry came to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Updated {
    /// Saved in the round by a person or an import: counts toward the round's progress.
    Yes,
    /// Carried forward (or created empty) when the round opened or the measure was added.
    No,
}

impl Updated {
    fn flag(self) -> i64 {
        i64::from(self == Updated::Yes)
    }
}

/// Inserts an entry; an entry already there is left alone (the answer is then 0 rows).
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    (round_id, measure_id): (i64, i64),
    v: &EntryValues,
    version: i64,
    updated: Updated,
) -> DbResult<u64> {
    Ok(sqlx::query(
        "INSERT INTO status_entries (round_id, measure_id, status_key, status_label, description, decision,
             condition, merge_into_id, merge_into_title, comment, version, updated, updated_at, fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (round_id, measure_id) DO NOTHING",
    )
    .bind(round_id)
    .bind(measure_id)
    .bind(&v.status_key)
    .bind(&v.status_label)
    .bind(&v.description)
    .bind(v.decision.key())
    .bind(&v.condition)
    .bind(v.merge_id)
    .bind(&v.merge_title)
    .bind(&v.comment)
    .bind(version)
    .bind(updated.flag())
    .bind(now())
    .bind(&v.fields)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// One entry to insert with [`insert_many`].
pub(crate) struct NewEntry {
    pub key: (i64, i64),
    pub values: EntryValues,
    pub version: i64,
    pub updated: Updated,
}

/// Inserts entries many to a statement (an import's thousands of entries cost tens of round
/// trips to the database, not thousands); an entry already there is left alone, as [`insert`].
pub(crate) async fn insert_many(conn: &mut AnyConnection, entries: &[NewEntry]) -> DbResult<()> {
    const COLUMNS: usize = 14;
    // 60 rows × 14 parameters stays far below SQLite's and PostgreSQL's limits.
    for chunk in entries.chunks(60) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|r| {
                let params: Vec<String> = (1..=COLUMNS).map(|c| format!("${}", r * COLUMNS + c)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO status_entries (round_id, measure_id, status_key, status_label, description, decision,
                 condition, merge_into_id, merge_into_title, comment, version, updated, updated_at, fields)
             VALUES {} ON CONFLICT (round_id, measure_id) DO NOTHING",
            rows.join(", ")
        );
        let at = now();
        // Only placeholders are formatted in: every value is bound.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in chunk {
            let v = &e.values;
            q = q
                .bind(e.key.0)
                .bind(e.key.1)
                .bind(v.status_key.clone())
                .bind(v.status_label.clone())
                .bind(v.description.clone())
                .bind(v.decision.key())
                .bind(v.condition.clone())
                .bind(v.merge_id)
                .bind(v.merge_title.clone())
                .bind(v.comment.clone())
                .bind(e.version)
                .bind(e.updated.flag())
                .bind(at.clone())
                .bind(v.fields.clone());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes a person's save over the entry if it is still at `expected_version` (the check and the
/// write are one statement); 0 rows when someone saved in between.
pub(crate) async fn update(
    conn: &mut AnyConnection,
    (round_id, measure_id): (i64, i64),
    v: &EntryValues,
    expected_version: i64,
) -> DbResult<u64> {
    Ok(sqlx::query(
        "UPDATE status_entries SET status_key = $1, status_label = $2, description = $3, decision = $4,
             condition = $5, merge_into_id = $6, merge_into_title = $7, comment = $8, version = version + 1,
             updated = 1, updated_at = $9, fields = $13
         WHERE round_id = $10 AND measure_id = $11 AND version = $12",
    )
    .bind(&v.status_key)
    .bind(&v.status_label)
    .bind(&v.description)
    .bind(v.decision.key())
    .bind(&v.condition)
    .bind(v.merge_id)
    .bind(&v.merge_title)
    .bind(&v.comment)
    .bind(now())
    .bind(round_id)
    .bind(measure_id)
    .bind(expected_version)
    .bind(&v.fields)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// A new round's entries: the previous round's values carried forward (version 1, not updated),
/// or, for a programme's first round, an empty entry for every measure.
pub(crate) async fn open_round(
    conn: &mut AnyConnection,
    programme_id: i64,
    round_id: i64,
    previous_round: Option<i64>,
) -> DbResult<()> {
    match previous_round {
        Some(previous) => sqlx::query(
            "INSERT INTO status_entries (round_id, measure_id, status_key, status_label, description, decision,
                 condition, merge_into_id, merge_into_title, comment, version, updated, updated_at, fields)
             SELECT $1, measure_id, status_key, status_label, description, decision, condition, merge_into_id,
                    merge_into_title, comment, 1, 0, $2, fields
             FROM status_entries WHERE round_id = $3",
        )
        .bind(round_id)
        .bind(now())
        .bind(previous),
        None => sqlx::query(
            "INSERT INTO status_entries (round_id, measure_id, updated, updated_at)
             SELECT $1, id, 0, $2 FROM measures WHERE programme_id = $3",
        )
        .bind(round_id)
        .bind(now())
        .bind(programme_id),
    }
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The empty entry of a measure added while the round is open.
pub(crate) async fn insert_empty(conn: &mut AnyConnection, round_id: i64, measure_id: i64) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO status_entries (round_id, measure_id, updated, updated_at) VALUES ($1, $2, 0, $3)
         ON CONFLICT (round_id, measure_id) DO NOTHING",
    )
    .bind(round_id)
    .bind(measure_id)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
