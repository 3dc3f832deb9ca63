//! The store's tests, run on SQLite always and on PostgreSQL when TILTAK_TEST_DATABASE_URL is set.

use tiltak_core::{Language, Organisation, OrganisationSlug, Vocabulary};
use tiltak_db::{Db, DbError, IdSource, OnExisting, OrganisationRow, testing};
use tiltak_formats::report_text::{self, TextOptions};
use tiltak_formats::{ReportDocument, json};

const SAMPLE: &str = include_str!("../../../../samples/osloregionen-status-2025-pr-2-sept.txt");

fn sample() -> ReportDocument {
    let options = TextOptions { organisation: "osloregionen".into(), ..Default::default() };
    report_text::parse(SAMPLE, &Vocabulary::default_nb(), &options).unwrap()
}

async fn org(db: &Db, slug: &str) -> OrganisationRow {
    db.create_organisation(&Organisation {
        slug: OrganisationSlug::parse(slug).unwrap(),
        name: "Osloregionen".into(),
        language: Language::Nb,
    })
    .await
    .unwrap()
}

/// The report without the store's versions (a file read from text has none).
fn without_versions(mut r: tiltak_core::StatusReport) -> tiltak_core::StatusReport {
    fn walk(m: &mut tiltak_core::Measure) {
        m.entry.version = None;
        m.children.iter_mut().for_each(walk);
    }
    for s in &mut r.sections {
        s.measures.iter_mut().for_each(walk);
        s.areas.iter_mut().for_each(|a| a.measures.iter_mut().for_each(walk));
    }
    r
}

async fn export_json(db: &Db, org: &OrganisationRow, year: i32) -> String {
    json::write(&db.load_report(org, year, None, tiltak_db::Audience::Members).await.unwrap().into())
}

async fn count(db: &Db, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_sample_is_saved_and_loaded_whole() {
    for db in testing::all().await {
        let o = org(&db, "osloregionen").await;
        let doc = sample();
        let saved = db.save_report(&o, &doc, IdSource::Place, OnExisting::Refuse).await.unwrap();
        assert_eq!(saved.measures, 60);
        assert!(saved.created_programme);
        let loaded = db.load_report(&o, 2025, None, tiltak_db::Audience::Members).await.unwrap();
        assert!(loaded.programme().measures().iter().all(|(_, m)| m.entry.version == Some(1)), "versions");
        assert_eq!(
            without_versions(loaded),
            doc.report,
            "{:?}: what was saved is what is loaded",
            db.backend()
        );
        assert_eq!(count(&db, "measures").await, 60);
        assert_eq!(count(&db, "status_entries").await, 60);
        let rounds = db.rounds(saved.programme_id).await.unwrap();
        assert_eq!(rounds.len(), 1);
        assert_eq!(rounds[0].slug, "2025-09-02");
        assert_eq!(rounds[0].date.as_deref(), Some("2025-09-02"));
    }
}

#[tokio::test]
async fn import_export_import_export_is_byte_identical_and_the_same_on_every_backend() {
    let mut exports = Vec::new();
    for db in testing::all().await {
        let o = org(&db, "osloregionen").await;
        db.save_report(&o, &sample(), IdSource::Place, OnExisting::Refuse).await.unwrap();
        let first = export_json(&db, &o, 2025).await;

        let fresh = match db.backend() {
            tiltak_db::Backend::Sqlite => testing::sqlite().await.unwrap(),
            tiltak_db::Backend::Postgres => testing::postgres().await.unwrap().unwrap(),
        };
        let o2 = org(&fresh, "osloregionen").await;
        let doc = json::read(first.as_bytes(), &Vocabulary::default_nb()).unwrap();
        fresh.save_report(&o2, &doc, IdSource::Document, OnExisting::Refuse).await.unwrap();
        let second = export_json(&fresh, &o2, 2025).await;
        assert_eq!(first, second, "{:?}", db.backend());

        // Replacing the round with its own export changes nothing either.
        db.save_report(&o, &doc, IdSource::Document, OnExisting::Replace).await.unwrap();
        assert_eq!(export_json(&db, &o, 2025).await, first);
        exports.push(first);
    }
    assert!(exports.windows(2).all(|w| w[0] == w[1]), "SQLite and PostgreSQL give the same JSON");
}

#[tokio::test]
async fn a_second_import_of_a_round_is_refused_or_replaces_it_never_duplicates() {
    for db in testing::all().await {
        let o = org(&db, "osloregionen").await;
        db.save_report(&o, &sample(), IdSource::Place, OnExisting::Refuse).await.unwrap();
        let err = db.save_report(&o, &sample(), IdSource::Place, OnExisting::Refuse).await.unwrap_err();
        assert!(matches!(err, DbError::Conflict(_)), "{err}");
        assert!(err.to_string().contains("--replace"), "{err}");
        assert_eq!(count(&db, "status_entries").await, 60);

        let mut changed = sample();
        changed.sections[1].measures[0].entry.description = "Oppdatert".into();
        let saved = db.save_report(&o, &changed, IdSource::Place, OnExisting::Replace).await.unwrap();
        assert!(saved.replaced_round && !saved.created_programme);
        assert_eq!(count(&db, "programmes").await, 1);
        assert_eq!(count(&db, "reporting_rounds").await, 1);
        assert_eq!(count(&db, "measures").await, 60);
        assert_eq!(count(&db, "status_entries").await, 60);
        let loaded = db.load_report(&o, 2025, Some("pr 2 sept"), tiltak_db::Audience::Members).await.unwrap();
        assert_eq!(loaded.sections[1].measures[0].entry.description, "Oppdatert");
    }
}

#[tokio::test]
async fn a_new_round_of_the_same_programme_reuses_its_measures() {
    for db in testing::all().await {
        let o = org(&db, "osloregionen").await;
        db.save_report(&o, &sample(), IdSource::Place, OnExisting::Refuse).await.unwrap();
        let mut may = sample();
        may.round = tiltak_core::RoundInfo { label: "pr 1 mai".into(), date: None };
        may.sections[0].areas[0].measures[0].entry.status = tiltak_core::Status::None;
        db.save_report(&o, &may, IdSource::Place, OnExisting::Refuse).await.unwrap();
        assert_eq!(count(&db, "measures").await, 60, "measures are stable across rounds");
        assert_eq!(count(&db, "status_entries").await, 120);
        let sept = db.load_report(&o, 2025, Some("2025-09-02"), tiltak_db::Audience::Members).await.unwrap();
        let mai = db.load_report(&o, 2025, Some("pr-1-mai"), tiltak_db::Audience::Members).await.unwrap();
        assert_eq!(sept.sections[0].areas[0].measures[0].entry.status.key(), "ongoing");
        assert_eq!(mai.sections[0].areas[0].measures[0].entry.status.key(), "none");
    }
}

#[tokio::test]
async fn a_failing_save_leaves_nothing_behind() {
    for db in testing::all().await {
        let o = org(&db, "osloregionen").await;
        let mut doc = sample();
        // The last measure points to a measure of last year that does not exist: found late, after
        // the programme, the round and 59 measures were written inside the transaction.
        doc.sections[3].areas[4].measures[2].continues = Some(7);
        let err = db.save_report(&o, &doc, IdSource::Place, OnExisting::Refuse).await.unwrap_err();
        assert!(matches!(err, DbError::Invalid(_)), "{err}");
        for table in ["programmes", "reporting_rounds", "sections", "areas", "measures", "status_entries"] {
            assert_eq!(count(&db, table).await, 0, "{table} after a failed save on {:?}", db.backend());
        }

        let mut doc = sample();
        doc.sections[0].areas[0].measures[0].entry.status =
            tiltak_core::Status::Reported { key: "finished".into(), label: "Ferdig".into() };
        let err = db.save_report(&o, &doc, IdSource::Place, OnExisting::Refuse).await.unwrap_err();
        assert!(err.to_string().contains("finished"), "{err}");
        assert_eq!(count(&db, "programmes").await, 0);
    }
}

#[tokio::test]
async fn a_refused_import_creates_no_organisation() {
    for db in testing::all().await {
        let mut doc = sample();
        doc.sections[0].areas[0].measures[0].continues = Some(3);
        let organisation = Organisation {
            slug: OrganisationSlug::parse("ny").unwrap(),
            name: "Ny".into(),
            language: Language::Nb,
        };
        assert!(
            db.import_report(
                &organisation,
                &doc,
                IdSource::Place,
                tiltak_db::Owners::FromFile,
                OnExisting::Refuse
            )
            .await
            .is_err()
        );
        assert!(db.organisation("ny").await.unwrap().is_none());
        let (org, saved) = db
            .import_report(
                &organisation,
                &sample(),
                IdSource::Place,
                tiltak_db::Owners::FromFile,
                OnExisting::Refuse,
            )
            .await
            .unwrap();
        assert_eq!((org.slug.as_str(), saved.measures), ("ny", 60));
    }
}

#[tokio::test]
async fn foreign_keys_are_enforced() {
    for db in testing::all().await {
        let result = sqlx::query("INSERT INTO sections (programme_id, position, title) VALUES (999, 0, 'x')")
            .execute(db.pool())
            .await;
        assert!(result.is_err(), "{:?} accepted a section of a missing programme", db.backend());
    }
}

#[tokio::test]
async fn organisations_have_the_default_vocabulary_and_unique_slugs() {
    for db in testing::all().await {
        let o = org(&db, "viken").await;
        assert_eq!(db.vocabulary(o.id).await.unwrap(), Vocabulary::default_nb());
        let again = db
            .create_organisation(&Organisation {
                slug: OrganisationSlug::parse("viken").unwrap(),
                name: "Viken".into(),
                language: Language::Nb,
            })
            .await;
        assert!(matches!(again, Err(DbError::Conflict(_))));
        assert_eq!(db.organisations().await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn measures_move_among_their_siblings() {
    for db in testing::all().await {
        let o = org(&db, "osloregionen").await;
        let saved = db.save_report(&o, &sample(), IdSource::Place, OnExisting::Refuse).await.unwrap();
        let programme = db.programme(o.id, 2025).await.unwrap().unwrap();
        assert_eq!(programme.id, saved.programme_id);
        let id =
            db.add_measure(o.id, programme.id, tiltak_db::Placement::Under(10), "Ny", "test").await.unwrap();
        db.move_measure(o.id, programme.id, id, true, "test").await.unwrap();
        let detail = db.measure_detail(programme.id, 10, tiltak_db::Audience::Members).await.unwrap();
        let titles: Vec<&str> = detail.children.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(titles[titles.len() - 2], "Ny", "{:?}: {titles:?}", db.backend());
    }
}

#[tokio::test]
async fn logins_check_the_password_the_account_and_the_session() {
    for db in testing::all().await {
        let user = db.create_user("Kari@Example.no", "Kari", "correct horse battery").await.unwrap();
        assert_eq!(user.email, "kari@example.no");
        assert!(db.verify_login("kari@example.no", "correct horse battery").await.unwrap().is_some());
        assert!(db.verify_login("kari@example.no", "wrong horse battery").await.unwrap().is_none());
        assert!(db.verify_login("nobody@example.no", "correct horse battery").await.unwrap().is_none());
        assert!(
            db.create_user("kari@example.no", "", "correct horse battery").await.is_err(),
            "one account per e-mail"
        );
        assert!(
            db.create_user("ola@example.no", "", "short").await.is_err(),
            "passwords of 10 or more characters"
        );
        let token = db.create_session(user.id).await.unwrap();
        assert_eq!(db.session_user(&token).await.unwrap().map(|u| u.id), Some(user.id));
        let stored: String =
            sqlx::query_scalar("SELECT token_hash FROM sessions").fetch_one(db.pool()).await.unwrap();
        assert_ne!(stored, token, "only a hash of the token is stored");
        db.set_disabled(user.id, true).await.unwrap();
        assert!(db.session_user(&token).await.unwrap().is_none(), "disabling ends sessions");
        assert!(db.verify_login("kari@example.no", "correct horse battery").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn suggestions_are_offered_once_and_a_dismissed_one_stays_dismissed() {
    for db in testing::all().await {
        let o = org(&db, "osloregionen").await;
        let saved = db.save_report(&o, &sample(), IdSource::Place, OnExisting::Refuse).await.unwrap();
        let found = tiltak_formats::mentions::in_report(
            &db.load_report(&o, 2025, None, tiltak_db::Audience::Members).await.unwrap(),
        );
        let n: usize = found.iter().map(|(_, s)| s.len()).sum();
        assert!(n >= 30, "{n}");
        assert_eq!(db.offer_suggestions(saved.programme_id, &found).await.unwrap(), n, "{:?}", db.backend());
        assert_eq!(db.offer_suggestions(saved.programme_id, &found).await.unwrap(), 0, "offered once");
        let first = db.suggestions(saved.programme_id, 1).await.unwrap();
        assert!(!first.is_empty());
        db.dismiss_suggestion(o.id, saved.programme_id, 1, first[0].id, "test").await.unwrap();
        assert_eq!(db.offer_suggestions(saved.programme_id, &found).await.unwrap(), 0, "not again");
        assert_eq!(db.suggestions(saved.programme_id, 1).await.unwrap().len(), first.len() - 1);
        assert_eq!(count(&db, "entities").await, 0, "nothing is created without a person");
    }
}

#[tokio::test]
async fn search_stays_in_its_organisation_and_an_empty_index_is_filled_at_start() {
    use tiltak_db::Audience;
    for db in testing::all().await {
        let a = org(&db, "osloregionen").await;
        db.save_report(&a, &sample(), IdSource::Place, OnExisting::Refuse).await.unwrap();
        let alone = db.search(a.id, "klima", Audience::Members, 50).await.unwrap();
        assert!(alone.len() >= 3, "{:?}: {alone:?}", db.backend());
        assert!(alone.iter().all(|h| {
            h.title.iter().chain(&h.snippet).any(|(hit, t)| *hit && t.to_lowercase().starts_with("klima"))
        }));
        // Another organisation with the same text: the first one's hits stay the same.
        let b = org(&db, "andre").await;
        db.save_report(&b, &sample(), IdSource::Place, OnExisting::Refuse).await.unwrap();
        assert_eq!(db.search(a.id, "klima", Audience::Members, 50).await.unwrap(), alone);
        assert_eq!(db.search(b.id, "klima", Audience::Members, 50).await.unwrap().len(), alone.len());
        // An index left empty (as a migration that changes its shape leaves it) is filled again
        // when the store is opened.
        sqlx::query("DELETE FROM measure_search").execute(db.pool()).await.unwrap();
        assert!(db.search(a.id, "klima", Audience::Members, 50).await.unwrap().is_empty());
        let reopened = Db::connect(db.url()).await.unwrap();
        assert_eq!(reopened.search(a.id, "klima", Audience::Members, 50).await.unwrap(), alone);
    }
}
