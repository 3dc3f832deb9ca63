//! A spreadsheet of 10,000 measures read and saved into a fresh SQLite database, the whole import
//! as `tiltak import` does it: `cargo bench -p tiltak-db`. With `TILTAK_TEST_DATABASE_URL` naming
//! a PostgreSQL server (`eval "$(.ci/postgres.sh)"`), the same into a fresh PostgreSQL database.

use tiltak_core::{
    Area, Language, Measure, Organisation, OrganisationSlug, RoundInfo, Section, Status, StatusEntry,
    StatusReport, Vocabulary,
};
use tiltak_db::{Db, IdSource, OnExisting};
use tiltak_formats::Labels;
use tiltak_formats::spreadsheet::{SheetMeta, read_xlsx, write_xlsx};

fn main() {
    divan::main();
}

/// 10 sections × 20 areas × 50 measures, with realistic text lengths.
fn big_report() -> StatusReport {
    let kinds = ["not_started", "ongoing", "done", "will_not_be_done"];
    let labels = ["Ikke påbegynt", "Pågående", "Gjennomført", "Blir ikke gjennomført"];
    let mut n = 0;
    let sections = (0..10)
        .map(|s| Section {
            title: format!("Seksjon {s}"),
            measures: Vec::new(),
            areas: (0..20)
                .map(|a| Area {
                    title: format!("Område {s}.{a}:"),
                    owner: None,
                    measures: (0..50)
                        .map(|_| {
                            n += 1;
                            Measure {
                                title: format!("Tiltak {n}: samarbeide med kommunene om felles innsats"),
                                entry: StatusEntry {
                                    status: Status::Reported {
                                        key: kinds[n % 4].into(),
                                        label: labels[n % 4].into(),
                                    },
                                    description: "Arbeidet er i gang. Workshop med kommunene i september, \
                                                  rapport til styret i desember."
                                        .into(),
                                    continuation: tiltak_core::round::Continuation {
                                        comment: "Ja".into(),
                                        decision: tiltak_core::round::Decision::Yes,
                                    },
                                    fields: Default::default(),
                                    version: None,
                                },
                                ..Default::default()
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let mut report = StatusReport {
        organisation: "bench".into(),
        title: "Handlingsprogram 2025".into(),
        year: 2025,
        round: RoundInfo { label: "pr 2 sept".into(), date: None },
        sections,
    };
    let mut programme = report.programme();
    programme.assign_ids();
    report.sections = programme.sections;
    report
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn xlsx_of_10_000_measures_read_and_saved(bencher: divan::Bencher) {
    let dir = std::env::temp_dir().join(format!("tiltak-bench-{}", std::process::id()));
    let mut i = 0;
    import_into(bencher, move |runtime| {
        i += 1;
        let path = dir.join(format!("{i}.db"));
        let _ = std::fs::remove_file(&path);
        runtime.block_on(Db::connect(&format!("sqlite://{}", path.display()))).unwrap()
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn xlsx_of_10_000_measures_into_postgres(bencher: divan::Bencher) {
    if std::env::var_os(tiltak_db::testing::POSTGRES_ENV).is_none() {
        eprintln!("skipping PostgreSQL: {} is not set", tiltak_db::testing::POSTGRES_ENV);
        return;
    }
    import_into(bencher, |runtime| runtime.block_on(tiltak_db::testing::postgres()).unwrap().unwrap());
}

/// Reads the spreadsheet and saves it into each fresh database `fresh` makes (not timed).
fn import_into(bencher: divan::Bencher, mut fresh: impl FnMut(&tokio::runtime::Runtime) -> Db) {
    let report = big_report();
    let vocabulary = Vocabulary::default_nb();
    let xlsx = write_xlsx(&report, &vocabulary, &Labels::for_language(Language::Nb)).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    bencher.with_inputs(|| fresh(&runtime)).bench_local_values(|db| {
        let doc = read_xlsx(&xlsx, &vocabulary, &SheetMeta::default()).unwrap();
        assert_eq!(doc.measure_count(), 10_000);
        let org = Organisation {
            slug: OrganisationSlug::parse("bench").unwrap(),
            name: "Bench".into(),
            language: Language::Nb,
        };
        runtime
            .block_on(db.import_report(
                &org,
                &doc,
                IdSource::Document,
                tiltak_db::Owners::FromFile,
                OnExisting::Refuse,
            ))
            .unwrap();
    });
}
