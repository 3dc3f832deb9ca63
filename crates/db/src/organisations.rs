//! Organisations and their status vocabularies.

use sqlx::{AnyConnection, Row};
use tiltak_core::status::{StatusCategory, StatusKind, Vocabulary};
use tiltak_core::{Language, Organisation};

use crate::{Db, DbError, DbResult, Message, now};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub language: Language,
}

fn row_to_org(r: &sqlx::any::AnyRow) -> DbResult<OrganisationRow> {
    let language: String = r.try_get("language")?;
    Ok(OrganisationRow {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        name: r.try_get("name")?,
        language: Language::parse(&language).map_err(DbError::invalid)?,
    })
}

impl Db {
    /// The licence an organisation's open data is published under.
    pub async fn licence(&self, organisation_id: i64) -> DbResult<tiltak_core::Licence> {
        let key: String = sqlx::query_scalar("SELECT licence FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(&self.pool)
            .await?;
        tiltak_core::Licence::parse(&key).map_err(DbError::invalid)
    }

    pub async fn set_licence(
        &self,
        organisation_id: i64,
        licence: tiltak_core::Licence,
        actor: &str,
    ) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let before: String = sqlx::query_scalar("SELECT licence FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE organisations SET licence = $1 WHERE id = $2")
            .bind(licence.key())
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?;
        let scope = crate::changes::Scope::organisation(organisation_id);
        crate::changes::log(
            &mut tx,
            scope,
            actor,
            "organisation.licence",
            Some(before),
            Some(licence.key().into()),
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Creates an organisation with the default vocabulary; refused if the slug is taken.
    pub async fn create_organisation(&self, org: &Organisation) -> DbResult<OrganisationRow> {
        let mut tx = self.pool.begin().await?;
        let row = insert_organisation(&mut tx, org).await?;
        self.commit(tx).await?;
        Ok(row)
    }

    pub async fn organisation(&self, slug: &str) -> DbResult<Option<OrganisationRow>> {
        let row = sqlx::query("SELECT id, slug, name, language FROM organisations WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(row_to_org).transpose()
    }

    pub async fn organisations(&self) -> DbResult<Vec<OrganisationRow>> {
        let rows = sqlx::query("SELECT id, slug, name, language FROM organisations ORDER BY name, slug")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(row_to_org).collect()
    }

    pub async fn vocabulary(&self, organisation_id: i64) -> DbResult<Vocabulary> {
        let rows = sqlx::query(
            "SELECT key, label, aliases, category, colour FROM status_kinds
             WHERE organisation_id = $1 ORDER BY position, id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let kinds = rows
            .iter()
            .map(|r| {
                let aliases: String = r.try_get("aliases")?;
                let category: String = r.try_get("category")?;
                Ok(StatusKind {
                    key: r.try_get("key")?,
                    label: r.try_get("label")?,
                    aliases: aliases.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect(),
                    category: StatusCategory::parse(&category).map_err(DbError::invalid)?,
                    colour: r.try_get("colour")?,
                })
            })
            .collect::<DbResult<Vec<_>>>()?;
        Ok(Vocabulary { kinds })
    }
}

/// Inserts an organisation and its default vocabulary inside the caller's transaction.
pub(crate) async fn insert_organisation(
    tx: &mut AnyConnection,
    org: &Organisation,
) -> DbResult<OrganisationRow> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = $1")
        .bind(org.slug.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_some() {
        return Err(DbError::Conflict(
            Message::new("db-organisation-exists").arg("organisation", org.slug.as_str()),
        ));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (slug, name, language, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(org.slug.as_str())
    .bind(&org.name)
    .bind(org.language.code())
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    insert_vocabulary(tx, id, &Vocabulary::default_nb()).await?;
    Ok(OrganisationRow { id, slug: org.slug.to_string(), name: org.name.clone(), language: org.language })
}

/// Writes an organisation's statuses in their order (the caller has removed the old ones).
pub(crate) async fn insert_vocabulary(
    tx: &mut AnyConnection,
    organisation_id: i64,
    vocabulary: &Vocabulary,
) -> DbResult<()> {
    for (position, kind) in vocabulary.kinds.iter().enumerate() {
        sqlx::query(
            "INSERT INTO status_kinds (organisation_id, key, label, aliases, category, colour, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(organisation_id)
        .bind(&kind.key)
        .bind(kind.label.trim())
        .bind(kind.aliases.join("\n"))
        .bind(kind.category.key())
        .bind(&kind.colour)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
