//! `tiltak demo-data`: many organisations with years of programmes and rounds, for trying Tiltak at
//! national scale and for `bench/scale.sh`. Deterministic (the same arguments give the same data),
//! with text of realistic length; each round is saved as an import is, one transaction each.

use std::process::ExitCode;
use std::time::Instant;

use tiltak_core::round::{Continuation, Decision};
use tiltak_core::{
    Area, Language, Measure, Organisation, OrganisationSlug, RoundInfo, Section, Status, StatusEntry,
    StatusReport,
};
use tiltak_db::{Db, IdSource, OnExisting};

use crate::cli::DemoArgs;

const WORDS: &[&str] = &[
    "kommunene",
    "regionen",
    "samarbeid",
    "arbeidsgruppe",
    "rapport",
    "styret",
    "workshop",
    "innspill",
    "strategi",
    "jernbane",
    "klima",
    "næringsliv",
    "kartlegging",
    "oppfølging",
    "prosjekt",
    "møte",
    "høring",
    "fylkeskommunen",
    "planarbeid",
    "utredning",
    "finansiering",
    "arrangement",
    "nettverk",
    "kunnskap",
    "erfaringsdeling",
    "sirkulær",
    "mobilitet",
    "energi",
    "areal",
    "transport",
];
const STATUSES: &[(&str, &str)] = &[
    ("not_started", "Ikke påbegynt"),
    ("started", "Påbegynt"),
    ("ongoing", "Pågående"),
    ("done", "Gjennomført"),
    ("will_not_be_done", "Blir ikke gjennomført"),
];
const ROUNDS: &[(&str, u8, time::Month)] = &[
    ("pr 1 mars", 1, time::Month::March),
    ("pr 1 juni", 1, time::Month::June),
    ("pr 2 sept", 2, time::Month::September),
];

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn sentence(&mut self, words: usize) -> String {
        let mut s: Vec<&str> = (0..words).map(|_| WORDS[self.below(WORDS.len())]).collect();
        let first = s[0].to_owned();
        let capital = first[..1].to_uppercase() + &first[1..];
        s[0] = &capital;
        format!("{}.", s.join(" "))
    }
}

/// One round of a programme: titles depend on the organisation and year only (`seed`), entries on
/// the round too, so the rounds of a year are the same measures with different statuses.
fn report(org: &str, year: i32, round: usize, measures: usize, seed: u64) -> StatusReport {
    let mut names = Rng(seed);
    let rng = &mut Rng(seed ^ (round as u64 + 1).wrapping_mul(0x51_7CC1_B727_220A));
    let (label, day, month) = ROUNDS[round % ROUNDS.len()];
    let per_area = 8;
    let mut left = measures;
    let mut sections = Vec::new();
    for (s, title) in ["Overordna strategier", "Innsatsområder", "Tverrgående temaer"].iter().enumerate() {
        let mut areas = Vec::new();
        let areas_here = if s == 2 { usize::MAX } else { measures / per_area / 3 + 1 };
        for a in 0..areas_here {
            if left == 0 {
                break;
            }
            let n = per_area.min(left);
            left -= n;
            let measures = (0..n)
                .map(|m| {
                    let (key, status_label) = STATUSES[(rng.below(3) + round + m) % STATUSES.len()];
                    let (decision, comment) = match rng.below(4) {
                        0 => (Decision::No, "Nei, avsluttes.".to_owned()),
                        1 => (Decision::Undecided, String::new()),
                        _ => (Decision::Yes, format!("Ja. {}", rng.sentence(6))),
                    };
                    Measure {
                        title: format!("{} ({})", names.sentence(8).trim_end_matches('.'), m + 1),
                        entry: StatusEntry {
                            status: Status::Reported { key: key.into(), label: status_label.into() },
                            description: format!("{} {}", rng.sentence(14), rng.sentence(10)),
                            continuation: Continuation { decision, comment },
                            version: None,
                            fields: Default::default(),
                        },
                        ..Default::default()
                    }
                })
                .collect();
            areas.push(Area { title: format!("Område {}.{}:", s + 1, a + 1), owner: None, measures });
        }
        sections.push(Section { title: (*title).into(), measures: Vec::new(), areas });
    }
    let mut report = StatusReport {
        organisation: org.into(),
        title: format!("Handlingsprogram {year}"),
        year,
        round: RoundInfo { label: label.into(), date: time::Date::from_calendar_date(year, month, day).ok() },
        sections,
    };
    let mut programme = report.programme();
    programme.assign_ids();
    report.sections = programme.sections;
    report
}

pub async fn run(db: &Db, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut entries = 0usize;
    for o in 0..args.organisations {
        let slug = format!("demo-{o:03}");
        let organisation = Organisation {
            slug: OrganisationSlug::parse(&slug)?,
            name: format!("Demoregion {o}"),
            language: Language::Nb,
        };
        for y in 0..args.years {
            let year = args.first_year + y as i32;
            for r in 0..args.rounds {
                let seed = (o as u64) << 20 | y as u64;
                let report = report(&slug, year, r, args.measures, seed);
                let (_, saved) = db
                    .import_report(
                        &organisation,
                        &report,
                        IdSource::Document,
                        tiltak_db::Owners::FromFile,
                        OnExisting::Refuse,
                    )
                    .await?;
                entries += saved.measures;
                if r == 0 {
                    db.set_published(saved.programme_id, true, "demo-data").await?;
                }
            }
        }
        if (o + 1) % 10 == 0 || o + 1 == args.organisations {
            eprintln!("{} organisations, {entries} status entries, {:.0?}", o + 1, started.elapsed());
        }
    }
    println!(
        "Loaded {} organisations × {} years × {} rounds: {entries} status entries in {:.1} s",
        args.organisations,
        args.years,
        args.rounds,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
