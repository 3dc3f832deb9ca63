//! Events, projects, partners and board decisions (one table, `core::entities`), their links to
//! measures, a project's partners, the suggestions found in measures' texts, and the annual
//! report's texts. Every change is in the audit log; what the public sees of them follows
//! [`Audience::sees_entity`].

use std::collections::{BTreeMap, HashMap};

use sqlx::{AnyConnection, Row};
use tiltak_core::MeasureId;
use tiltak_core::entities::{Entity, EntityKind, Suggestion};
use tiltak_core::round::{iso_date, parse_iso_date};
use tiltak_i18n::Message;

use crate::changes::{self, Scope};
use crate::{Audience, Db, DbError, DbResult, now};

/// A measure an entity is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedMeasure {
    pub year: i32,
    pub number: MeasureId,
    pub title: String,
    /// The measure's programme is published (the public may see the link).
    pub published: bool,
}

/// An entity as kept, with its measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRow {
    pub id: i64,
    pub entity: Entity,
    pub version: i64,
    pub updated_at: String,
    pub measures: Vec<LinkedMeasure>,
}

impl Audience {
    /// The one rule for entities: members see all; the public sees an entity marked public that
    /// is linked to a measure of a published programme (what the public reads mentions it).
    pub fn sees_entity(self, e: &EntityRow) -> bool {
        self == Audience::Members || (e.entity.public && e.measures.iter().any(|m| m.published))
    }
}

/// A suggestion waiting for a person, on one measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionRow {
    pub id: i64,
    pub suggestion: Suggestion,
}

/// A text of the annual report as saved: the text, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualText {
    pub text: String,
    pub updated_at: String,
    pub updated_by: String,
}

fn opt_date(r: &sqlx::any::AnyRow, column: &str) -> DbResult<Option<time::Date>> {
    let s: Option<String> = r.try_get(column)?;
    s.filter(|s| !s.is_empty()).map(|s| parse_iso_date(&s).map_err(DbError::invalid)).transpose()
}

fn decode(r: &sqlx::any::AnyRow) -> DbResult<(i64, Entity, i64, String)> {
    let kind = EntityKind::parse(&r.try_get::<String, _>("kind")?).map_err(DbError::invalid)?;
    let mut e = Entity::new(kind, r.try_get::<String, _>("title")?);
    e.starts_on = opt_date(r, "starts_on")?;
    e.ends_on = opt_date(r, "ends_on")?;
    e.place = r.try_get("place")?;
    e.category = r.try_get("category")?;
    e.reference = r.try_get("reference")?;
    e.funding = r.try_get("funding")?;
    e.text = r.try_get("text")?;
    e.public = r.try_get::<i64, _>("public")? == 1;
    Ok((r.try_get("id")?, e, r.try_get("version")?, r.try_get("updated_at")?))
}

/// How the audit log shows an entity: its title and date, then its other parts, " · " apart —
/// the category as `category:KEY` and `internal` for the web to put in words.
fn describe(e: &Entity) -> String {
    let mut s = e.title.clone();
    if let Some(d) = e.starts_on {
        s.push_str(&format!(" ({}", iso_date(d)));
        if let Some(end) = e.ends_on {
            s.push_str(&format!(" – {}", iso_date(end)));
        }
        s.push(')');
    }
    let mut parts: Vec<String> = Vec::new();
    if !e.category.is_empty() {
        parts.push(format!("category:{}", e.category));
    }
    for text in [&e.place, &e.reference, &e.funding] {
        if !text.is_empty() {
            parts.push(text.clone());
        }
    }
    if let Some(lead) = &e.lead_partner {
        parts.push(format!("lead:{lead}"));
    }
    if !e.partners.is_empty() {
        parts.push(e.partners.join(", "));
    }
    if !e.text.is_empty() {
        parts.push(e.text.chars().take(120).collect());
    }
    if !e.public {
        parts.push("internal".into());
    }
    for p in parts {
        s.push_str(" · ");
        s.push_str(&p);
    }
    s
}

/// The change log's action for a change of an entity of `kind`: `event.add`, `project.link` …
fn action(kind: EntityKind, what: &str) -> String {
    format!("{}.{what}", kind.key())
}

/// The columns `decode` reads (a macro, so that queries stay static strings).
macro_rules! columns {
    () => {
        "e.id, e.kind, e.title, e.starts_on, e.ends_on, e.place, e.category, e.reference, e.funding, e.text, e.public, e.version, e.updated_at"
    };
}

fn not_found() -> DbError {
    DbError::NotFound(Message::new("db-entity-not-found"))
}

/// The measure's row id, or "not found".
async fn measure_id(conn: &mut AnyConnection, programme_id: i64, number: MeasureId) -> DbResult<i64> {
    sqlx::query_scalar("SELECT id FROM measures WHERE programme_id = $1 AND number = $2")
        .bind(programme_id)
        .bind(i64::from(number))
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| DbError::NotFound(Message::new("db-measure-not-found").arg("number", number)))
}

/// The partner of that title, created if the organisation has none yet.
async fn partner_id(
    conn: &mut AnyConnection,
    organisation_id: i64,
    title: &str,
    actor: &str,
) -> DbResult<i64> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM entities WHERE organisation_id = $1 AND kind = 'partner' AND lower(title) = lower($2) ORDER BY id LIMIT 1",
    )
    .bind(organisation_id)
    .bind(title)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = sqlx::query_scalar(
        "INSERT INTO entities (organisation_id, kind, title, updated_at) VALUES ($1, 'partner', $2, $3) RETURNING id",
    )
    .bind(organisation_id)
    .bind(title)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let partner = Entity::new(EntityKind::Partner, title);
    let add = action(EntityKind::Partner, "add");
    changes::log(conn, scope(organisation_id, None, None), actor, &add, None, Some(describe(&partner)))
        .await?;
    Ok(id)
}

async fn insert(
    conn: &mut AnyConnection,
    organisation_id: i64,
    e: &Entity,
    programme_id: Option<i64>,
    actor: &str,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO entities (organisation_id, kind, title, starts_on, ends_on, place, category, reference, funding, text, public, programme_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(organisation_id)
    .bind(e.kind.key())
    .bind(&e.title)
    .bind(e.starts_on.map(iso_date))
    .bind(e.ends_on.map(iso_date))
    .bind(&e.place)
    .bind(&e.category)
    .bind(&e.reference)
    .bind(&e.funding)
    .bind(&e.text)
    .bind(i64::from(e.public))
    .bind(programme_id)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    set_partners(conn, organisation_id, id, e, actor).await?;
    Ok(id)
}

/// A project's lead partner and partners, by title (partners not yet kept are added).
async fn set_partners(
    conn: &mut AnyConnection,
    organisation_id: i64,
    id: i64,
    e: &Entity,
    actor: &str,
) -> DbResult<()> {
    sqlx::query("DELETE FROM entity_partners WHERE project_id = $1").bind(id).execute(&mut *conn).await?;
    let all = e.lead_partner.iter().map(|p| (p, true)).chain(e.partners.iter().map(|p| (p, false)));
    for (title, lead) in all {
        let partner = partner_id(conn, organisation_id, title, actor).await?;
        sqlx::query("INSERT INTO entity_partners (project_id, partner_id, lead) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(partner)
            .bind(i64::from(lead))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn scope(organisation_id: i64, programme_id: Option<i64>, number: Option<MeasureId>) -> Scope {
    Scope { organisation_id, programme_id, round_id: None, measure_number: number.map(i64::from) }
}

impl Db {
    /// The organisation's entities (of one kind, or all), with their measures, that `audience`
    /// sees: dated ones by date, newest last, then the rest by title.
    pub async fn entities(
        &self,
        organisation_id: i64,
        kind: Option<EntityKind>,
        audience: Audience,
    ) -> DbResult<Vec<EntityRow>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM entities e WHERE e.organisation_id = $1 AND ($2 IS NULL OR e.kind = $2)
             ORDER BY e.starts_on IS NULL, e.starts_on, lower(e.title), e.id"
        ))
        .bind(organisation_id)
        .bind(kind.map(EntityKind::key))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let (id, entity, version, updated_at) = decode(r)?;
            out.push(EntityRow { id, entity, version, updated_at, measures: Vec::new() });
        }
        self.attach(organisation_id, &mut out, None).await?;
        out.retain(|e| audience.sees_entity(e));
        Ok(out)
    }

    /// Fills in the rows' measures and projects' partners, in two queries for all of them (for
    /// the one entity `only` names, when it is one).
    async fn attach(&self, organisation_id: i64, rows: &mut [EntityRow], only: Option<i64>) -> DbResult<()> {
        let links = sqlx::query(
            "SELECT l.entity_id, p.year, m.number, m.title, p.published FROM entity_links l
             JOIN measures m ON m.id = l.measure_id JOIN programmes p ON p.id = m.programme_id
             WHERE p.organisation_id = $1 AND ($2 IS NULL OR l.entity_id = $2) ORDER BY p.year, m.number",
        )
        .bind(organisation_id)
        .bind(only)
        .fetch_all(&self.pool)
        .await?;
        let mut by_entity: HashMap<i64, Vec<LinkedMeasure>> = HashMap::new();
        for r in &links {
            let number: i64 = r.try_get("number")?;
            by_entity.entry(r.try_get("entity_id")?).or_default().push(LinkedMeasure {
                year: r.try_get::<i64, _>("year")? as i32,
                number: MeasureId::try_from(number).map_err(DbError::invalid)?,
                title: r.try_get("title")?,
                published: r.try_get::<i64, _>("published")? == 1,
            });
        }
        let partners = sqlx::query(
            "SELECT ep.project_id, ep.lead, e.title FROM entity_partners ep JOIN entities e ON e.id = ep.partner_id
             WHERE e.organisation_id = $1 AND ($2 IS NULL OR ep.project_id = $2) ORDER BY ep.lead DESC, lower(e.title)",
        )
        .bind(organisation_id)
        .bind(only)
        .fetch_all(&self.pool)
        .await?;
        let mut of_project: HashMap<i64, Vec<(bool, String)>> = HashMap::new();
        for r in &partners {
            of_project
                .entry(r.try_get("project_id")?)
                .or_default()
                .push((r.try_get::<i64, _>("lead")? == 1, r.try_get("title")?));
        }
        for row in rows {
            row.measures = by_entity.remove(&row.id).unwrap_or_default();
            for (lead, title) in of_project.remove(&row.id).unwrap_or_default() {
                if lead {
                    row.entity.lead_partner = Some(title);
                } else {
                    row.entity.partners.push(title);
                }
            }
        }
        Ok(())
    }

    /// One entity, if `audience` sees it.
    pub async fn entity(&self, organisation_id: i64, id: i64, audience: Audience) -> DbResult<EntityRow> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM entities e WHERE e.organisation_id = $1 AND e.id = $2"
        ))
        .bind(organisation_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(not_found)?;
        let (id, entity, version, updated_at) = decode(&row)?;
        let mut rows = [EntityRow { id, entity, version, updated_at, measures: Vec::new() }];
        self.attach(organisation_id, &mut rows, Some(id)).await?;
        let [row] = rows;
        if audience.sees_entity(&row) { Ok(row) } else { Err(not_found()) }
    }

    /// Adds an entity, linked to `link` (a measure of a programme) when given. Returns its id.
    pub async fn add_entity(
        &self,
        organisation_id: i64,
        entity: Entity,
        link: Option<(i64, MeasureId)>,
        actor: &str,
    ) -> DbResult<i64> {
        let entity = entity.checked().map_err(|p| DbError::Invalid(Message::new(p.key())))?;
        let mut tx = self.pool.begin().await?;
        let id = insert(&mut tx, organisation_id, &entity, None, actor).await?;
        changes::log(
            &mut tx,
            scope(organisation_id, None, None),
            actor,
            &action(entity.kind, "add"),
            None,
            Some(describe(&entity)),
        )
        .await?;
        if let Some((programme_id, number)) = link {
            let measure = measure_id(&mut tx, programme_id, number).await?;
            link_in(&mut tx, id, measure).await?;
            let s = scope(organisation_id, Some(programme_id), Some(number));
            changes::log(&mut tx, s, actor, &action(entity.kind, "link"), None, Some(describe(&entity)))
                .await?;
        }
        self.commit(tx).await?;
        Ok(id)
    }

    /// Saves a person's edit of an entity read at `version`; a newer save in between is a conflict.
    pub async fn update_entity(
        &self,
        organisation_id: i64,
        id: i64,
        version: i64,
        entity: Entity,
        actor: &str,
    ) -> DbResult<()> {
        let before = self.entity(organisation_id, id, Audience::Members).await?;
        let mut entity = entity.checked().map_err(|p| DbError::Invalid(Message::new(p.key())))?;
        entity.kind = before.entity.kind;
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE entities SET title = $1, starts_on = $2, ends_on = $3, place = $4, category = $5, reference = $6,
             funding = $7, text = $8, public = $9, version = version + 1, updated_at = $10
             WHERE organisation_id = $11 AND id = $12 AND version = $13",
        )
        .bind(&entity.title)
        .bind(entity.starts_on.map(iso_date))
        .bind(entity.ends_on.map(iso_date))
        .bind(&entity.place)
        .bind(&entity.category)
        .bind(&entity.reference)
        .bind(&entity.funding)
        .bind(&entity.text)
        .bind(i64::from(entity.public))
        .bind(now())
        .bind(organisation_id)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(DbError::Conflict(
                Message::new("db-entity-changed").arg("title", &before.entity.title),
            ));
        }
        if entity.kind.has(tiltak_core::entities::Part::Partners) {
            set_partners(&mut tx, organisation_id, id, &entity, actor).await?;
        }
        changes::log(
            &mut tx,
            scope(organisation_id, None, None),
            actor,
            &action(entity.kind, "update"),
            Some(describe(&before.entity)),
            Some(describe(&entity)),
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Removes an entity and its links (the measures stay).
    pub async fn remove_entity(&self, organisation_id: i64, id: i64, actor: &str) -> DbResult<()> {
        let before = self.entity(organisation_id, id, Audience::Members).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE suggestions SET entity_id = NULL WHERE entity_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM entities WHERE organisation_id = $1 AND id = $2")
            .bind(organisation_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        changes::log(
            &mut tx,
            scope(organisation_id, None, None),
            actor,
            &action(before.entity.kind, "remove"),
            Some(describe(&before.entity)),
            None,
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Links an entity to a measure (once; linking again changes nothing).
    pub async fn link_entity(
        &self,
        organisation_id: i64,
        id: i64,
        programme_id: i64,
        number: MeasureId,
        actor: &str,
    ) -> DbResult<()> {
        let e = self.entity(organisation_id, id, Audience::Members).await?;
        let mut tx = self.pool.begin().await?;
        let measure = measure_id(&mut tx, programme_id, number).await?;
        if link_in(&mut tx, id, measure).await? {
            let s = scope(organisation_id, Some(programme_id), Some(number));
            changes::log(&mut tx, s, actor, &action(e.entity.kind, "link"), None, Some(describe(&e.entity)))
                .await?;
        }
        self.commit(tx).await?;
        Ok(())
    }

    pub async fn unlink_entity(
        &self,
        organisation_id: i64,
        id: i64,
        programme_id: i64,
        number: MeasureId,
        actor: &str,
    ) -> DbResult<()> {
        let e = self.entity(organisation_id, id, Audience::Members).await?;
        let mut tx = self.pool.begin().await?;
        let measure = measure_id(&mut tx, programme_id, number).await?;
        let gone = sqlx::query("DELETE FROM entity_links WHERE entity_id = $1 AND measure_id = $2")
            .bind(id)
            .bind(measure)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() > 0 {
            let s = scope(organisation_id, Some(programme_id), Some(number));
            changes::log(
                &mut tx,
                s,
                actor,
                &action(e.entity.kind, "unlink"),
                Some(describe(&e.entity)),
                None,
            )
            .await?;
        }
        self.commit(tx).await?;
        Ok(())
    }

    /// The programme's entities `audience` sees, each with the numbers of the programme's
    /// measures it is linked to.
    pub async fn programme_entities(
        &self,
        organisation_id: i64,
        year: i32,
        audience: Audience,
    ) -> DbResult<Vec<(EntityRow, Vec<MeasureId>)>> {
        Ok(self
            .entities(organisation_id, None, audience)
            .await?
            .into_iter()
            .filter_map(|e| {
                let numbers: Vec<MeasureId> =
                    e.measures.iter().filter(|m| m.year == year).map(|m| m.number).collect();
                (!numbers.is_empty()).then_some((e, numbers))
            })
            .collect())
    }

    /// Offers suggestions found in a measure's text: those not offered before (by
    /// [`Suggestion::key`]) are kept, waiting for a person. Returns how many are new.
    pub async fn offer_suggestions(
        &self,
        programme_id: i64,
        found: &[(MeasureId, Vec<Suggestion>)],
    ) -> DbResult<usize> {
        if found.iter().all(|(_, s)| s.is_empty()) {
            return Ok(0);
        }
        // The programme's measures by number, read once; the suggestions written 60 to a
        // statement, each only once per measure (a key offered before stays as it was).
        let ids: HashMap<i64, i64> = sqlx::query("SELECT number, id FROM measures WHERE programme_id = $1")
            .bind(programme_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("number")?, r.try_get("id")?)))
            .collect::<DbResult<_>>()?;
        let rows: Vec<(i64, &Suggestion)> = found
            .iter()
            .filter_map(|(number, list)| ids.get(&i64::from(*number)).map(|id| (*id, list)))
            .flat_map(|(id, list)| list.iter().map(move |s| (id, s)))
            .collect();
        const COLUMNS: usize = 8;
        let at = now();
        let mut tx = self.pool.begin().await?;
        let mut new = 0;
        for chunk in rows.chunks(60) {
            let values: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let params: Vec<String> =
                        (1..=COLUMNS).map(|c| format!("${}", r * COLUMNS + c)).collect();
                    format!("({})", params.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO suggestions (measure_id, key, kind, title, starts_on, ends_on, quote, created_at)
                 VALUES {} ON CONFLICT (measure_id, key) DO NOTHING",
                values.join(", ")
            );
            // Only placeholders are formatted in: every value is bound.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (measure, s) in chunk {
                q = q
                    .bind(*measure)
                    .bind(s.key())
                    .bind(s.kind.key())
                    .bind(s.title.clone())
                    .bind(s.starts_on.map(iso_date))
                    .bind(s.ends_on.map(iso_date))
                    .bind(s.quote.clone())
                    .bind(at.clone());
            }
            new += q.execute(&mut *tx).await?.rows_affected() as usize;
        }
        if new > 0 {
            self.commit(tx).await?;
        } else {
            tx.rollback().await?;
        }
        Ok(new)
    }

    /// A measure's suggestions waiting for a person, in the order they were found.
    pub async fn suggestions(&self, programme_id: i64, number: MeasureId) -> DbResult<Vec<SuggestionRow>> {
        let rows = sqlx::query(
            "SELECT s.id, s.kind, s.title, s.starts_on, s.ends_on, s.quote FROM suggestions s
             JOIN measures m ON m.id = s.measure_id
             WHERE m.programme_id = $1 AND m.number = $2 AND s.state = 'open' ORDER BY s.id",
        )
        .bind(programme_id)
        .bind(i64::from(number))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SuggestionRow {
                    id: r.try_get("id")?,
                    suggestion: Suggestion {
                        kind: EntityKind::parse(&r.try_get::<String, _>("kind")?)
                            .map_err(DbError::invalid)?,
                        title: r.try_get("title")?,
                        starts_on: opt_date(r, "starts_on")?,
                        ends_on: opt_date(r, "ends_on")?,
                        quote: r.try_get("quote")?,
                        nth: 0,
                    },
                })
            })
            .collect()
    }

    /// Accepts a suggestion as the person edited it: a new entity linked to the measure, or
    /// `existing`, an entity already kept, linked instead. Returns the entity's id.
    pub async fn accept_suggestion(
        &self,
        organisation_id: i64,
        programme_id: i64,
        number: MeasureId,
        suggestion_id: i64,
        accepted: Result<Entity, i64>,
        actor: &str,
    ) -> DbResult<i64> {
        // An entity already kept is read (and must exist) before the transaction starts.
        let accepted = match accepted {
            Ok(entity) => Ok(entity.checked().map_err(|p| DbError::Invalid(Message::new(p.key())))?),
            Err(id) => Err((id, self.entity(organisation_id, id, Audience::Members).await?.entity)),
        };
        let mut tx = self.pool.begin().await?;
        let measure = measure_id(&mut tx, programme_id, number).await?;
        let open: Option<String> =
            sqlx::query_scalar("SELECT state FROM suggestions WHERE id = $1 AND measure_id = $2")
                .bind(suggestion_id)
                .bind(measure)
                .fetch_optional(&mut *tx)
                .await?;
        match open.as_deref() {
            None => return Err(DbError::NotFound(Message::new("db-suggestion-not-found"))),
            Some("open") => {}
            Some(_) => return Err(DbError::Conflict(Message::new("db-suggestion-done"))),
        }
        let (id, entity) = match accepted {
            Err(kept) => kept,
            Ok(entity) => {
                let id = insert(&mut tx, organisation_id, &entity, None, actor).await?;
                let s = scope(organisation_id, None, None);
                changes::log(&mut tx, s, actor, &action(entity.kind, "add"), None, Some(describe(&entity)))
                    .await?;
                (id, entity)
            }
        };
        link_in(&mut tx, id, measure).await?;
        sqlx::query(
            "UPDATE suggestions SET state = 'accepted', entity_id = $1 WHERE id = $2 AND state = 'open'",
        )
        .bind(id)
        .bind(suggestion_id)
        .execute(&mut *tx)
        .await?;
        let s = scope(organisation_id, Some(programme_id), Some(number));
        let what = format!("{}: {}", entity.kind.key(), describe(&entity));
        changes::log(&mut tx, s, actor, "suggestion.accept", None, Some(what)).await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Dismisses a suggestion: it is not offered again for this measure.
    pub async fn dismiss_suggestion(
        &self,
        organisation_id: i64,
        programme_id: i64,
        number: MeasureId,
        suggestion_id: i64,
        actor: &str,
    ) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let measure = measure_id(&mut tx, programme_id, number).await?;
        let row = sqlx::query(
            "SELECT kind, title, quote FROM suggestions WHERE id = $1 AND measure_id = $2 AND state = 'open'",
        )
        .bind(suggestion_id)
        .bind(measure)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| DbError::NotFound(Message::new("db-suggestion-not-found")))?;
        sqlx::query("UPDATE suggestions SET state = 'dismissed' WHERE id = $1")
            .bind(suggestion_id)
            .execute(&mut *tx)
            .await?;
        let what = format!("{}: {}", row.try_get::<String, _>("kind")?, row.try_get::<String, _>("title")?);
        let s = scope(organisation_id, Some(programme_id), Some(number));
        changes::log(&mut tx, s, actor, "suggestion.dismiss", Some(what), None).await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// The annual report's saved texts, by heading ("Section › Area").
    pub async fn annual_texts(&self, programme_id: i64) -> DbResult<BTreeMap<String, AnnualText>> {
        let rows = sqlx::query(
            "SELECT heading, text, updated_at, updated_by FROM annual_texts WHERE programme_id = $1",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("heading")?,
                    AnnualText {
                        text: r.try_get("text")?,
                        updated_at: r.try_get("updated_at")?,
                        updated_by: r.try_get("updated_by")?,
                    },
                ))
            })
            .collect()
    }

    /// Saves the annual report's texts as a draft: each heading's text replaces the one saved,
    /// and `expected` (the save the person started from, or none) must still be the latest, or
    /// nothing is saved. An empty text goes back to the prefilled one.
    pub async fn save_annual_texts(
        &self,
        organisation_id: i64,
        programme_id: i64,
        texts: &[(String, String)],
        expected: Option<&str>,
        actor: &str,
    ) -> DbResult<usize> {
        let mut tx = self.pool.begin().await?;
        let latest: Option<String> =
            sqlx::query_scalar("SELECT MAX(updated_at) FROM annual_texts WHERE programme_id = $1")
                .bind(programme_id)
                .fetch_one(&mut *tx)
                .await?;
        if latest.as_deref().filter(|l| !l.is_empty()) != expected.filter(|e| !e.is_empty()) {
            return Err(DbError::Conflict(Message::new("db-annual-changed")));
        }
        let at = now();
        let mut changed = 0;
        for (heading, text) in texts {
            let text = text.trim().replace("\r\n", "\n");
            if text.chars().count() > tiltak_core::entities::TEXT_MAX {
                return Err(DbError::Invalid(Message::new("entity-text-too-long")));
            }
            let before: Option<String> =
                sqlx::query_scalar("SELECT text FROM annual_texts WHERE programme_id = $1 AND heading = $2")
                    .bind(programme_id)
                    .bind(heading)
                    .fetch_optional(&mut *tx)
                    .await?;
            if before.as_deref().unwrap_or("") == text {
                continue;
            }
            sqlx::query("DELETE FROM annual_texts WHERE programme_id = $1 AND heading = $2")
                .bind(programme_id)
                .bind(heading)
                .execute(&mut *tx)
                .await?;
            if !text.is_empty() {
                sqlx::query(
                    "INSERT INTO annual_texts (programme_id, heading, text, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(programme_id)
                .bind(heading)
                .bind(&text)
                .bind(&at)
                .bind(actor)
                .execute(&mut *tx)
                .await?;
            }
            let s = scope(organisation_id, Some(programme_id), None);
            changes::log(&mut tx, s, actor, "annual.save", before, Some(format!("{heading}: {text}")))
                .await?;
            changed += 1;
        }
        if changed > 0 {
            self.commit(tx).await?;
        } else {
            tx.rollback().await?;
        }
        Ok(changed)
    }

    /// The entities of a Tiltak JSON file, linked to the programme's measures by number: one the
    /// organisation keeps already (the same kind, title and start) is linked, the others are
    /// added. Returns how many were added.
    pub async fn import_entities(
        &self,
        organisation_id: i64,
        programme_id: i64,
        entities: &[(Entity, Vec<MeasureId>)],
        actor: &str,
    ) -> DbResult<usize> {
        if entities.is_empty() {
            return Ok(0);
        }
        let kept = self.entities(organisation_id, None, Audience::Members).await?;
        let mut tx = self.pool.begin().await?;
        let mut added = 0;
        for (entity, numbers) in entities {
            let entity = entity.clone().checked().map_err(|p| DbError::Invalid(Message::new(p.key())))?;
            let same = kept.iter().find(|k| {
                k.entity.kind == entity.kind
                    && k.entity.title.to_lowercase() == entity.title.to_lowercase()
                    && k.entity.starts_on == entity.starts_on
            });
            let id = match same {
                Some(k) => k.id,
                None => {
                    let id = insert(&mut tx, organisation_id, &entity, None, actor).await?;
                    let s = scope(organisation_id, None, None);
                    changes::log(
                        &mut tx,
                        s,
                        actor,
                        &action(entity.kind, "add"),
                        None,
                        Some(describe(&entity)),
                    )
                    .await?;
                    added += 1;
                    id
                }
            };
            for number in numbers {
                let Ok(measure) = measure_id(&mut tx, programme_id, *number).await else { continue };
                if link_in(&mut tx, id, measure).await? {
                    let s = scope(organisation_id, Some(programme_id), Some(*number));
                    changes::log(
                        &mut tx,
                        s,
                        actor,
                        &action(entity.kind, "link"),
                        None,
                        Some(describe(&entity)),
                    )
                    .await?;
                }
            }
        }
        self.commit(tx).await?;
        Ok(added)
    }

    /// The board decisions recorded on a programme (its adoption), oldest first.
    pub async fn board_decisions(&self, programme_id: i64) -> DbResult<Vec<Entity>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM entities e WHERE e.programme_id = $1 AND e.kind = 'decision' ORDER BY e.starts_on, e.id"
        ))
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(decode(r)?.1)).collect()
    }
}

/// Links an entity to a measure's row; false when it was linked already.
async fn link_in(conn: &mut AnyConnection, entity_id: i64, measure_id: i64) -> DbResult<bool> {
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT entity_id FROM entity_links WHERE entity_id = $1 AND measure_id = $2")
            .bind(entity_id)
            .bind(measure_id)
            .fetch_optional(&mut *conn)
            .await?;
    if exists.is_some() {
        return Ok(false);
    }
    sqlx::query("INSERT INTO entity_links (entity_id, measure_id) VALUES ($1, $2)")
        .bind(entity_id)
        .bind(measure_id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// The decision adopting a programme, as `adopt_programme` records it.
pub(crate) async fn record_adoption(
    conn: &mut AnyConnection,
    organisation_id: i64,
    programme_id: i64,
    decision: &Entity,
    actor: &str,
) -> DbResult<()> {
    insert(conn, organisation_id, decision, Some(programme_id), actor).await?;
    Ok(())
}

/// At rollover, next year's measures keep the links of the measures they continue (and of those
/// merged into them).
pub(crate) async fn carry_links(conn: &mut AnyConnection, new_programme_id: i64) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO entity_links (entity_id, measure_id)
         SELECT DISTINCT l.entity_id, m.id FROM measures m
         JOIN entity_links l ON l.measure_id = m.continues_id
         WHERE m.programme_id = $1",
    )
    .bind(new_programme_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO entity_links (entity_id, measure_id)
         SELECT DISTINCT l.entity_id, m.id FROM measures m
         JOIN measure_predecessors p ON p.measure_id = m.id
         JOIN entity_links l ON l.measure_id = p.predecessor_id
         WHERE m.programme_id = $1
           AND NOT EXISTS (SELECT 1 FROM entity_links x WHERE x.entity_id = l.entity_id AND x.measure_id = m.id)",
    )
    .bind(new_programme_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
