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
