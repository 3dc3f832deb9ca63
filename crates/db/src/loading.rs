//! Loading a programme's report: its rows, its rounds, and the tree with each measure's entry in
//! one round, for an audience.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;
use tiltak_core::round::parse_iso_date;
use tiltak_core::{Area, Measure, MeasureId, ProgrammeState, RoundInfo, Section, StatusReport};

use crate::entry_row;
use crate::{Audience, Db, DbError, DbResult, Message, OrganisationRow, ProgrammeRow, RoundRow};

impl Db {
    pub async fn programmes(&self, organisation_id: i64) -> DbResult<Vec<ProgrammeRow>> {
        let rows = sqlx::query(
            "SELECT id, year, title, state, published FROM programmes WHERE organisation_id = $1 ORDER BY year DESC",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(programme_row).collect()
    }

    pub async fn programme(&self, organisation_id: i64, year: i32) -> DbResult<Option<ProgrammeRow>> {
        let row = sqlx::query(
            "SELECT id, year, title, state, published FROM programmes WHERE organisation_id = $1 AND year = $2",
        )
        .bind(organisation_id)
        .bind(i64::from(year))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(programme_row).transpose()
    }

    /// The rounds of a programme, oldest first.
    pub async fn rounds(&self, programme_id: i64) -> DbResult<Vec<RoundRow>> {
        let rows = sqlx::query(
            "SELECT id, label, slug, date, deadline, frozen, public FROM reporting_rounds WHERE programme_id = $1
             ORDER BY CASE WHEN date IS NULL THEN 1 ELSE 0 END, date, id",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RoundRow {
                    id: r.try_get("id")?,
                    label: r.try_get("label")?,
                    slug: r.try_get("slug")?,
                    date: r.try_get("date")?,
                    deadline: r.try_get("deadline")?,
                    frozen: r.try_get::<i64, _>("frozen")? != 0,
                    public: r.try_get::<i64, _>("public")? != 0,
                })
            })
            .collect()
    }

    /// Loads a programme's report in one round: the round with this label or slug, or the latest.
    pub async fn load_report(
        &self,
        org: &OrganisationRow,
        year: i32,
        round: Option<&str>,
        audience: Audience,
    ) -> DbResult<StatusReport> {
        let programme = self.programme(org.id, year).await?.ok_or_else(|| {
            DbError::NotFound(
                Message::new("db-programme-not-found").arg("year", year).arg("organisation", &org.slug),
            )
        })?;
        let rounds = self.rounds(programme.id).await?;
        let round = match round {
            Some(wanted) => {
                rounds.iter().find(|r| r.label == wanted || r.slug == wanted).ok_or_else(|| {
                    DbError::NotFound(
                        Message::new("db-round-not-found").arg("round", wanted).arg("year", year).arg(
                            "rounds",
                            rounds.iter().map(|r| r.label.as_str()).collect::<Vec<_>>().join(", "),
                        ),
                    )
                })?
            }
            None => rounds
                .last()
                .ok_or_else(|| DbError::NotFound(Message::new("db-no-round").arg("year", year)))?,
        };
        let date = round.date.as_deref().map(parse_iso_date).transpose().map_err(DbError::invalid)?;
        let sections = self.load_tree(programme.id, round.id, audience).await?;
        Ok(StatusReport {
            organisation: org.slug.clone(),
            title: programme.title,
            year,
            round: RoundInfo { label: round.label.clone(), date },
            sections,
        })
    }

    /// The tree of a programme with each measure's entry in `round_id` (empty where it has none;
    /// for the public, a measure without an entry in the round is not there at all).
    async fn load_tree(
        &self,
        programme_id: i64,
        round_id: i64,
        audience: Audience,
    ) -> DbResult<Vec<Section>> {
        let section_rows =
            sqlx::query("SELECT id, title FROM sections WHERE programme_id = $1 ORDER BY position, id")
                .bind(programme_id)
                .fetch_all(&self.pool)
                .await?;
        let area_rows = sqlx::query(
            "SELECT a.id, a.section_id, a.title, g.name AS owner FROM areas a
             JOIN sections s ON s.id = a.section_id
             LEFT JOIN working_groups g ON g.id = a.working_group_id
             WHERE s.programme_id = $1 ORDER BY a.position, a.id",
        )
        .bind(programme_id)
        .fetch_all(&self.pool)
        .await?;
        let measure_rows = sqlx::query(concat!(
            "SELECT m.id, m.number, m.section_id, m.area_id, m.parent_id, m.title, g.name AS owner,
                    prev.number AS continues_number, ",
            entry_row::entry_columns!(),
            " FROM measures m
             LEFT JOIN working_groups g ON g.id = m.working_group_id
             LEFT JOIN measures prev ON prev.id = m.continues_id
             LEFT JOIN status_entries e ON e.measure_id = m.id AND e.round_id = $2
             LEFT JOIN measures target ON target.id = e.merge_into_id
             WHERE m.programme_id = $1 AND (e.id IS NOT NULL OR $3 = 1) ORDER BY m.position, m.id"
        ))
        .bind(programme_id)
        .bind(round_id)
        .bind(audience.members_flag())
        .fetch_all(&self.pool)
        .await?;

        struct Loaded {
            section_id: i64,
            area_id: Option<i64>,
            parent_id: Option<i64>,
            measure: Measure,
        }
        let mut loaded: Vec<(i64, Loaded)> = Vec::with_capacity(measure_rows.len());
        for r in &measure_rows {
            loaded.push((
                r.try_get("id")?,
                Loaded {
                    section_id: r.try_get("section_id")?,
                    area_id: r.try_get("area_id")?,
                    parent_id: r.try_get("parent_id")?,
                    measure: measure_from_row(r)?,
                },
            ));
        }
        // Attach children to parents, deepest first, keeping each list in position order.
        let mut by_id: HashMap<i64, Loaded> = HashMap::new();
        let order: Vec<i64> = loaded.iter().map(|(id, _)| *id).collect();
        for (id, l) in loaded {
            by_id.insert(id, l);
        }
        let mut children_of: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut roots = Vec::new();
        for id in &order {
            match by_id[id].parent_id {
                Some(p) if by_id.contains_key(&p) => children_of.entry(p).or_default().push(*id),
                _ => roots.push(*id),
            }
        }
        fn build(id: i64, by_id: &mut HashMap<i64, Loaded>, children_of: &HashMap<i64, Vec<i64>>) -> Measure {
            let kids: Vec<Measure> = children_of
                .get(&id)
                .map(|ks| ks.iter().map(|k| build(*k, by_id, children_of)).collect())
                .unwrap_or_default();
            let mut m = by_id.get(&id).expect("measure loaded").measure.clone();
            m.children = kids;
            m
        }
        let mut sections: Vec<(i64, Section)> = section_rows
            .iter()
            .map(|r| Ok((r.try_get("id")?, Section { title: r.try_get("title")?, ..Default::default() })))
            .collect::<DbResult<_>>()?;
        let mut area_index: HashMap<i64, (usize, usize)> = HashMap::new();
        for r in &area_rows {
            let section_id: i64 = r.try_get("section_id")?;
            let Some(si) = sections.iter().position(|(id, _)| *id == section_id) else { continue };
            let area = Area { title: r.try_get("title")?, owner: r.try_get("owner")?, measures: Vec::new() };
            sections[si].1.areas.push(area);
            area_index.insert(r.try_get("id")?, (si, sections[si].1.areas.len() - 1));
        }
        for id in roots {
            let measure = build(id, &mut by_id, &children_of);
            let l = &by_id[&id];
            if let Some(area_id) = l.area_id {
                if let Some((si, ai)) = area_index.get(&area_id) {
                    sections[*si].1.areas[*ai].measures.push(measure);
                }
            } else if let Some(si) = sections.iter().position(|(sid, _)| *sid == l.section_id) {
                sections[si].1.measures.push(measure);
            }
        }
        Ok(sections.into_iter().map(|(_, s)| s).collect())
    }
}

fn programme_row(r: &AnyRow) -> DbResult<ProgrammeRow> {
    Ok(ProgrammeRow {
        id: r.try_get("id")?,
        year: r.try_get::<i64, _>("year")? as i32,
        title: r.try_get("title")?,
        state: ProgrammeState::parse(&r.try_get::<String, _>("state")?).map_err(DbError::invalid)?,
        published: r.try_get::<i64, _>("published")? != 0,
    })
}

fn measure_from_row(r: &AnyRow) -> DbResult<Measure> {
    Ok(Measure {
        id: Some(r.try_get::<i64, _>("number")? as MeasureId),
        title: r.try_get("title")?,
        owner: r.try_get("owner")?,
        continues: r.try_get::<Option<i64>, _>("continues_number")?.map(|n| n as MeasureId),
        entry: entry_row::decode(r)?,
        children: Vec::new(),
    })
}
