//! LibreOffice opens what Tiltak writes: the DOCX and XLSX exports convert headless without error,
//! and the PDF LibreOffice makes of the Word document holds every measure title of the sample.
//! Runs where LibreOffice and poppler are installed (`.ci/run` installs them; with TILTAK_E2E set a
//! missing tool is a failure, otherwise the test says it skipped).

use std::path::{Path, PathBuf};
use std::process::Command;

use tiltak_core::{Language, Vocabulary};
use tiltak_formats::{Labels, docx, spreadsheet};

use crate::common::sample;

fn available(tool: &str) -> bool {
    let found = Command::new(tool).arg("--version").output().is_ok();
    if !found {
        assert!(std::env::var_os("TILTAK_E2E").is_none(), "{tool} is needed here (.ci/run installs it)");
        eprintln!("skipping: {tool} is not installed");
    }
    found
}

fn dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tmp/office");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `soffice --headless --convert-to {to}`, with its own profile so parallel runs do not collide.
fn convert(file: &Path, to: &str) -> PathBuf {
    let out = dir();
    let ext = to.split(':').next().unwrap();
    let profile = format!("file://{}", out.join(format!("profile-{ext}")).display());
    // A hung office must not hang the test run.
    let status = Command::new("timeout")
        .args(["180", "soffice", &format!("-env:UserInstallation={profile}")])
        .args(["--headless", "--norestore", "--convert-to", to])
        .arg("--outdir")
        .arg(&out)
        .arg(file)
        .output()
        .unwrap();
    let stem = file.file_stem().unwrap().to_str().unwrap();
    let result = out.join(format!("{stem}.{ext}"));
    assert!(
        status.status.success() && result.exists(),
        "LibreOffice could not convert {}: {}",
        file.display(),
        String::from_utf8_lossy(&status.stderr)
    );
    result
}

#[test]
fn libreoffice_converts_the_word_and_excel_exports() {
    if !available("soffice") || !available("pdftotext") {
        return;
    }
    let report = sample().report;
    let v = Vocabulary::default_nb();
    let labels = Labels::for_language(Language::Nb);
    let word = dir().join("status.docx");
    std::fs::write(&word, docx::write_report(&report, &v, &labels).unwrap()).unwrap();
    let pdf = convert(&word, "pdf");
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    // Narrow cells break long words without a hyphen: compare without whitespace.
    let bare = |s: &str| s.split_whitespace().collect::<String>();
    let text = bare(&String::from_utf8_lossy(&text.stdout));
    for (_, m) in report.programme().measures() {
        assert!(text.contains(&bare(&m.title)), "{:?} is in LibreOffice's PDF", m.title);
    }
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("841.89 x 595.3"), "landscape A4");

    let sheet = dir().join("status.xlsx");
    std::fs::write(&sheet, spreadsheet::write_xlsx(&report, &v, &labels).unwrap()).unwrap();
    let csv = convert(&sheet, "csv:Text - txt - csv (StarCalc):44,34,76");
    let csv = std::fs::read_to_string(csv).unwrap();
    let first = csv.lines().next().unwrap_or_default();
    let headings = tiltak_formats::csv_export::headings(&labels).join(",");
    assert_eq!(first, headings, "the Status sheet as LibreOffice reads it, headed in bokmål");
    assert!(csv.contains("Rikstunnel"));
}

#[test]
fn libreoffice_opens_the_annual_report_with_every_done_measure() {
    use std::collections::BTreeMap;
    use tiltak_formats::annual::{AnnualInput, AnnualReport};
    let report = sample().report;
    let v = Vocabulary::default_nb();
    let mut event =
        tiltak_core::Entity::new(tiltak_core::EntityKind::Event, "Felles fagsamling i Folloregionen");
    event.starts_on = Some(time::macros::date!(2025 - 08 - 28));
    let first = report.programme().measures()[0].1.id.unwrap();
    let entities = vec![(event, vec![first])];
    let texts = BTreeMap::new();
    let input = AnnualInput { entities: &entities, carried: None, texts: &texts };
    for language in [Language::Nb, Language::Nn] {
        let annual = AnnualReport::new(&report, &v, &Labels::for_language(language), &input);
        let done = annual.done_titles();
        assert!(done.len() >= 3, "the sample has done measures: {done:?}");
        if !available("soffice") || !available("pdftotext") {
            return;
        }
        let word = dir().join(format!("annual-{}.docx", language.code()));
        std::fs::write(&word, docx::write_annual(&annual).unwrap()).unwrap();
        let pdf = convert(&word, "pdf");
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        let bare = |s: &str| s.split_whitespace().collect::<String>();
        let text = bare(&String::from_utf8_lossy(&text.stdout));
        assert!(text.contains(&bare(&annual.title)), "{}", annual.title);
        assert!(text.contains("FellesfagsamlingiFolloregionen(28.august2025)"), "the event is listed");
        for title in done {
            assert!(text.contains(&bare(title)), "{title:?} is in LibreOffice's PDF of the annual report");
        }
    }
}
