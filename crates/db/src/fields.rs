//! An organisation's own fields (their names, kinds and order) and its import profiles: the
//! mapping of a table's columns and statuses a person confirmed, kept for the next file with the
//! same headings. The values of the fields live with each status entry (see `entry_row`).

use sqlx::Row;
use tiltak_core::{FieldDef, FieldKind, Vocabulary};
use tiltak_i18n::Message;

use crate::changes::Scope;
use crate::{Db, DbError, DbResult, now};

/// A saved import profile: the columns (`area=Nämnd,…`) and statuses (`AVSLUTAT=done,…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProfile {
    pub columns: String,
    pub statuses: String,
}

fn decode(r: &sqlx::any::AnyRow) -> DbResult<FieldDef> {
    let choices: String = r.try_get("choices")?;
    Ok(FieldDef {
        name: r.try_get("name")?,
        kind: FieldKind::parse(&r.try_get::<String, _>("kind")?).map_err(DbError::invalid)?,
        choices: choices.split('\n').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect(),
        in_report: r.try_get::<i64, _>("in_report")? == 1,
    })
}

/// A field as the settings page and an import give it, checked: a name, choices for a choice.
fn checked(def: &FieldDef) -> DbResult<FieldDef> {
    let name = FieldDef::parse_name(&def.name)
        .map_err(|_| DbError::Invalid(Message::new("db-field-name-invalid").arg("name", &def.name)))?;
    let mut choices: Vec<String> = Vec::new();
    for c in def.choices.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !choices.iter().any(|x| x.to_lowercase() == c.to_lowercase()) {
            choices.push(c.to_owned());
        }
    }
    if def.kind == FieldKind::Choice && choices.is_empty() {
        return Err(DbError::Invalid(Message::new("db-field-choices-needed").arg("name", &name)));
    }
    if def.kind != FieldKind::Choice {
        choices.clear();
    }
    Ok(FieldDef { name, kind: def.kind, choices, in_report: def.in_report })
}

async fn insert(conn: &mut sqlx::AnyConnection, organisation_id: i64, def: &FieldDef) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO custom_fields (organisation_id, name, kind, choices, position, in_report)
         VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM custom_fields WHERE organisation_id = $5), $6)",
    )
    .bind(organisation_id)
    .bind(&def.name)
    .bind(def.kind.key())
    .bind(def.choices.join("\n"))
    .bind(organisation_id)
    .bind(i64::from(def.in_report))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn describe(def: &FieldDef) -> String {
    let mut s = format!("{} ({})", def.name, def.kind.key());
    if !def.choices.is_empty() {
        s.push_str(&format!(": {}", def.choices.join(", ")));
    }
    if def.in_report {
        s.push_str(" [report]");
    }
    s
}

impl Db {
    /// The organisation's fields in their order.
    pub async fn custom_fields(&self, organisation_id: i64) -> DbResult<Vec<FieldDef>> {
        let rows = sqlx::query(
            "SELECT name, kind, choices, in_report FROM custom_fields WHERE organisation_id = $1 ORDER BY position, id",
        )
        .bind(organisation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(decode).collect()
    }

    /// Adds a field at the end; a name in use is a conflict.
    pub async fn add_custom_field(
        &self,
        organisation_id: i64,
        def: &FieldDef,
        actor: &str,
    ) -> DbResult<FieldDef> {
        let def = checked(def)?;
        let existing = self.custom_fields(organisation_id).await?;
        if existing.iter().any(|d| d.name.to_lowercase() == def.name.to_lowercase()) {
            return Err(DbError::Conflict(Message::new("db-field-exists").arg("name", &def.name)));
        }
        let mut tx = self.pool.begin().await?;
        insert(&mut tx, organisation_id, &def).await?;
        crate::changes::log(
            &mut tx,
            Scope::organisation(organisation_id),
            actor,
            "field.add",
            None,
            Some(describe(&def)),
        )
        .await?;
        self.commit(tx).await?;
        Ok(def)
    }

    /// Changes a field's kind, choices and place in the report (its name stays: the values are
    /// kept by it).
    pub async fn update_custom_field(
        &self,
        organisation_id: i64,
        def: &FieldDef,
        actor: &str,
    ) -> DbResult<()> {
        let def = checked(def)?;
        let existing = self.custom_fields(organisation_id).await?;
        let Some(before) = existing.iter().find(|d| d.name == def.name) else {
            return Err(DbError::NotFound(Message::new("db-field-not-found")));
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE custom_fields SET kind = $1, choices = $2, in_report = $3 WHERE organisation_id = $4 AND name = $5")
            .bind(def.kind.key())
            .bind(def.choices.join("\n"))
            .bind(i64::from(def.in_report))
            .bind(organisation_id)
            .bind(&def.name)
            .execute(&mut *tx)
            .await?;
        crate::changes::log(
            &mut tx,
            Scope::organisation(organisation_id),
            actor,
            "field.update",
            Some(describe(before)),
            Some(describe(&def)),
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Moves a field one place up (`up`) or down in the organisation's order.
    pub async fn move_custom_field(
        &self,
        organisation_id: i64,
        name: &str,
        up: bool,
        actor: &str,
    ) -> DbResult<()> {
        let mut names: Vec<String> =
            self.custom_fields(organisation_id).await?.into_iter().map(|d| d.name).collect();
        let Some(at) = names.iter().position(|n| n == name) else {
            return Err(DbError::NotFound(Message::new("db-field-not-found")));
        };
        let to = if up { at.checked_sub(1) } else { Some(at + 1).filter(|t| *t < names.len()) };
        let Some(to) = to else { return Ok(()) };
        names.swap(at, to);
        let mut tx = self.pool.begin().await?;
        for (i, n) in names.iter().enumerate() {
            sqlx::query("UPDATE custom_fields SET position = $1 WHERE organisation_id = $2 AND name = $3")
                .bind(i as i64 + 1)
                .bind(organisation_id)
                .bind(n)
                .execute(&mut *tx)
                .await?;
        }
        let direction = if up { "up" } else { "down" };
        crate::changes::log(
            &mut tx,
            Scope::organisation(organisation_id),
            actor,
            "field.move",
            None,
            Some(format!("{name} {direction}")),
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// Removes a field from the list (values already saved stay in the entries and their history).
    pub async fn remove_custom_field(&self, organisation_id: i64, name: &str, actor: &str) -> DbResult<()> {
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query("DELETE FROM custom_fields WHERE organisation_id = $1 AND name = $2")
            .bind(organisation_id)
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(DbError::NotFound(Message::new("db-field-not-found")));
        }
        crate::changes::log(
            &mut tx,
            Scope::organisation(organisation_id),
            actor,
            "field.remove",
            Some(name.to_owned()),
            None,
        )
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// The profile saved for a table with these headings (see `Layout::key`), if any.
    pub async fn import_profile(
        &self,
        organisation_id: i64,
        headings: &str,
    ) -> DbResult<Option<ImportProfile>> {
        let row = sqlx::query(
            "SELECT columns, statuses FROM import_profiles WHERE organisation_id = $1 AND headings = $2",
        )
        .bind(organisation_id)
        .bind(headings)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok(ImportProfile { columns: r.try_get("columns")?, statuses: r.try_get("statuses")? }))
            .transpose()
    }

    /// Saves what an import confirmed: its profile for the headings (when given), the fields it brought that
    /// the organisation does not have yet, and (when asked) the labels it mapped as aliases of
    /// the vocabulary's statuses. One transaction.
    pub async fn save_import_setup(
        &self,
        organisation_id: i64,
        headings: &str,
        profile: Option<&ImportProfile>,
        fields: &[FieldDef],
        aliases: &[(String, String)],
        actor: &str,
    ) -> DbResult<()> {
        let existing = self.custom_fields(organisation_id).await?;
        let mut vocabulary: Vocabulary = self.vocabulary(organisation_id).await?;
        let mut tx = self.pool.begin().await?;
        let scope = Scope::organisation(organisation_id);
        let before = self.import_profile(organisation_id, headings).await?;
        if let Some(profile) = profile
            && before.as_ref() != Some(profile)
        {
            sqlx::query(
                "INSERT INTO import_profiles (organisation_id, headings, columns, statuses, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (organisation_id, headings) DO UPDATE SET columns = $3, statuses = $4, updated_at = $5",
            )
            .bind(organisation_id)
            .bind(headings)
            .bind(&profile.columns)
            .bind(&profile.statuses)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            let line = format!("{} | {}", profile.columns, profile.statuses);
            crate::changes::log(
                &mut tx,
                scope,
                actor,
                "import.profile",
                before.map(|b| format!("{} | {}", b.columns, b.statuses)),
                Some(line),
            )
            .await?;
        }
        for def in fields {
            if existing.iter().any(|d| d.name.to_lowercase() == def.name.to_lowercase()) {
                continue;
            }
            let def =
                checked(def).or_else(|_| checked(&FieldDef { kind: FieldKind::Text, ..def.clone() }))?;
            insert(&mut tx, organisation_id, &def).await?;
            crate::changes::log(&mut tx, scope, actor, "field.add", None, Some(describe(&def))).await?;
        }
        let mut added = Vec::new();
        for (label, key) in aliases {
            if vocabulary.match_label(label).is_some() {
                continue;
            }
            if let Some(kind) = vocabulary.kinds.iter_mut().find(|k| k.key == *key) {
                kind.aliases.push(label.trim().to_owned());
                added.push(format!("{label}={key}"));
            }
        }
        if !added.is_empty() {
            sqlx::query("DELETE FROM status_kinds WHERE organisation_id = $1")
                .bind(organisation_id)
                .execute(&mut *tx)
                .await?;
            crate::organisations::insert_vocabulary(&mut tx, organisation_id, &vocabulary).await?;
            crate::changes::log(&mut tx, scope, actor, "vocabulary.aliases", None, Some(added.join(", ")))
                .await?;
        }
        self.commit(tx).await?;
        Ok(())
    }
}
