//! The `tiltak` binary end to end: import, export and their refusals, on SQLite and (when
//! TILTAK_TEST_DATABASE_URL is set) PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The web tests' SMTP server (one copy, used by both).
#[path = "../../../web/tests/web/smtp.rs"]
#[allow(dead_code)]
mod smtp;

const SAMPLE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/osloregionen-status-2025-pr-2-sept.txt");

struct Run {
    dir: PathBuf,
    database: String,
}

impl Run {
    fn sqlite(name: &str) -> Run {
        let dir =
            std::env::temp_dir().join("tiltak-cli-tests").join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let database = format!("sqlite://{}", dir.join("tiltak.db").display());
        Run { dir, database }
    }

    fn tiltak(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tiltak"))
            .args(args)
            .env("TILTAK_DATABASE_URL", &self.database)
            .current_dir(&self.dir)
            .output()
            .unwrap()
    }

    fn with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tiltak"));
        command.args(args).env("TILTAK_DATABASE_URL", &self.database).current_dir(&self.dir);
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.tiltak(args);
        assert!(out.status.success(), "tiltak {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.tiltak(args);
        assert!(!out.status.success(), "tiltak {args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
}

fn measures_in(json: &str) -> usize {
    fn count(v: &serde_json::Value) -> usize {
        v.as_array().map_or(0, |ms| ms.iter().map(|m| 1 + count(&m["children"])).sum())
    }
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            count(&s["measures"])
                + s["areas"].as_array().unwrap().iter().map(|a| count(&a["measures"])).sum::<usize>()
        })
        .sum()
}

#[test]
fn dry_run_prints_the_parsed_programme_and_saves_nothing() {
    let run = Run::sqlite("dry");
    let json = run.ok(&["import", SAMPLE, "--org", "osloregionen", "--dry-run", "--format", "json"]);
    assert_eq!(measures_in(&json), 60);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["organisation"], "osloregionen");
    assert_eq!(v["round"]["label"], "pr 2 sept");
    assert_eq!(v["warnings"].as_array().unwrap().len(), 2);
    assert!(!Path::new(&run.path("tiltak.db")).exists(), "a dry run makes no database");
    let text = run.ok(&["import", SAMPLE, "--org", "osloregionen", "--dry-run"]);
    assert!(text.contains("60 measures"), "{text}");
    assert!(text.contains("line 174"), "{text}");
}

fn round_trip(run: &Run, fresh: &Run) -> String {
    let out = run.ok(&["import", SAMPLE, "--org", "osloregionen"]);
    assert!(out.contains("Imported 60 measures"), "{out}");
    let first = run.path("first.json");
    run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "json", "-o", &first]);
    fresh.ok(&["import", &first, "--org", "osloregionen"]);
    let second = fresh.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "json"]);
    let first = std::fs::read_to_string(&first).unwrap();
    assert_eq!(first, second, "import → export → import → export changes nothing");
    first
}

#[test]
fn import_export_import_export_is_byte_identical_on_sqlite_and_postgres() {
    let sqlite = round_trip(&Run::sqlite("rt-a"), &Run::sqlite("rt-b"));
    if std::env::var(tiltak_db::testing::POSTGRES_ENV).is_ok() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let make = |name: &str| {
            let mut run = Run::sqlite(name);
            run.database = rt.block_on(tiltak_db::testing::postgres_url()).unwrap().unwrap();
            run
        };
        let postgres = round_trip(&make("pg-a"), &make("pg-b"));
        assert_eq!(sqlite, postgres, "SQLite and PostgreSQL give the same JSON");
    }
}

#[test]
fn a_second_import_is_refused_and_replace_replaces() {
    let run = Run::sqlite("twice");
    run.ok(&["import", SAMPLE, "--org", "osloregionen"]);
    let err = run.fails(&["import", SAMPLE, "--org", "osloregionen"]);
    assert!(err.contains("already exists") && err.contains("--replace"), "{err}");
    let out = run.ok(&["import", SAMPLE, "--org", "osloregionen", "--replace"]);
    assert!(out.starts_with("Replaced 60 measures"), "{out}");
    let json = run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "json"]);
    assert_eq!(measures_in(&json), 60);
}

#[test]
fn bad_files_get_a_clear_message_a_failing_exit_code_and_change_nothing() {
    let run = Run::sqlite("bad");
    run.ok(&["import", SAMPLE, "--org", "osloregionen"]);
    let before = run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "csv"]);

    let cp1252 = run.path("cp1252.txt");
    std::fs::write(&cp1252, b"Status - Plan 2026 - pr 1 mai\n\nInnsatsomr\xe5der\n* Tiltak P\xe5g\xe5ende\n")
        .unwrap();
    let err = run.fails(&["import", &cp1252, "--org", "osloregionen"]);
    assert!(err.contains("cp1252.txt") && err.contains("line 3") && err.contains("UTF-8"), "{err}");

    let empty = run.path("empty.txt");
    std::fs::write(&empty, "").unwrap();
    assert!(run.fails(&["import", &empty, "--org", "osloregionen"]).contains("empty"));

    let other = run.path("other.txt");
    std::fs::write(&other, "Referat fra styremøte\n\nTilstede: alle\n").unwrap();
    let err = run.fails(&["import", &other, "--org", "osloregionen"]);
    assert!(err.contains("line 1") && err.contains("Status - <programme> - <round>"), "{err}");

    let json = run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "json"]);
    let bad_json = run.path("bad.json");
    std::fs::write(&bad_json, json.replacen("\"key\": \"ongoing\"", "\"key\": \"on_track\"", 1)).unwrap();
    let err = run.fails(&["import", &bad_json, "--org", "osloregionen", "--replace"]);
    assert!(err.contains("sections[0].areas[0].measures[0].status.key") && err.contains("on_track"), "{err}");

    let after = run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "csv"]);
    assert_eq!(before, after, "nothing was saved by the refused imports");
    let err = run.fails(&["export", "--org", "osloregionen", "--year", "2026", "--format", "json"]);
    assert!(err.contains("programme 2026"), "{err}");
}

#[test]
fn markdown_and_csv_exports_follow_the_report_layout() {
    let run = Run::sqlite("md");
    run.ok(&["import", SAMPLE, "--org", "osloregionen"]);
    let md = run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "md"]);
    assert!(md.starts_with("# Status – Osloregionens handlingsprogram 2025 – pr 2 sept"));
    assert!(md.contains("| Bør videreføres 2026? |"));
    let en =
        run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "md", "--language", "en"]);
    assert!(en.contains("| Continue in 2026? |"));
    let csv = run.ok(&[
        "export",
        "--org",
        "osloregionen",
        "--year",
        "2025",
        "--round",
        "2025-09-02",
        "--format",
        "csv",
    ]);
    assert_eq!(csv.lines().next().unwrap().split(',').next(), Some("Nr."), "bokmål headings");
}

#[test]
fn word_and_pdf_exports_and_a_word_table_back_in() {
    let run = Run::sqlite("docx");
    run.ok(&["import", SAMPLE, "--org", "osloregionen"]);
    let export = |format: &str, file: &str, extra: &[&str]| {
        let mut args =
            vec!["export", "--org", "osloregionen", "--year", "2025", "--format", format, "-o", file];
        args.extend_from_slice(extra);
        run.ok(&args);
        std::fs::read(run.path(file)).unwrap()
    };
    let docx = export("docx", "status.docx", &[]);
    assert!(docx.starts_with(b"PK"), "a zip package");
    assert!(
        run.fails(&["export", "--org", "osloregionen", "--year", "2025", "--format", "docx"])
            .contains("-o FILE")
    );
    // The Word document reads back to the programme the database holds.
    let read = run.ok(&[
        "import",
        &run.path("status.docx"),
        "--org",
        "osloregionen",
        "--dry-run",
        "--format",
        "json",
    ]);
    let saved = run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "json"]);
    let strip = |j: &str| {
        let mut v: serde_json::Value = serde_json::from_str(j).unwrap();
        v.as_object_mut().unwrap().remove("warnings");
        // The store's versions are the export's own.
        serde_json::from_str::<serde_json::Value>(&v.to_string().replace(",\"version\":1", "")).unwrap()
    };
    assert_eq!(strip(&read), strip(&saved));
    let changes = export("docx", "changes.docx", &["--changes"]);
    assert!(changes.starts_with(b"PK"));
    if cfg!(feature = "pdf") {
        assert!(export("pdf", "status.pdf", &["--language", "en"]).starts_with(b"%PDF-"));
        assert!(export("pdf", "changes.pdf", &["--changes"]).starts_with(b"%PDF-"));
    }
    assert!(
        run.fails(&["export", "--org", "osloregionen", "--year", "2025", "--format", "csv", "--changes"])
            .contains("docx or pdf")
    );
}

#[test]
fn rollover_shows_the_plan_refuses_pending_and_saves_once_decided() {
    let run = Run::sqlite("rollover");
    run.ok(&["import", SAMPLE, "--org", "osloregionen"]);
    let json = run.ok(&[
        "rollover",
        "--org",
        "osloregionen",
        "--from",
        "2025",
        "--to",
        "2026",
        "--dry-run",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let len = |k: &str| v[k].as_array().unwrap().len();
    assert_eq!((len("carried"), len("merged"), len("dropped"), len("pending")), (28, 1, 1, 30));
    assert_eq!(v["merged"][0]["into"]["title"].as_str().unwrap().split(' ').next(), Some("Målrettet"));

    let err = run.fails(&["rollover", "--org", "osloregionen", "--from", "2025", "--to", "2026"]);
    assert!(err.contains("30 measures still need a decision"), "{err}");

    let mut args = vec!["rollover", "--org", "osloregionen", "--from", "2025", "--to", "2026"];
    let pending: Vec<String> = v["pending"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["measure"]["inherited"] == false)
        .map(|p| p["measure"]["id"].to_string())
        .collect();
    for id in &pending {
        args.push("--accept");
        args.push(id);
    }
    let out = run.ok(&args);
    assert!(out.contains("Saved osloregionen 2026 as a draft: 58 measures carried, 1 merged"), "{out}");
    let again = run.fails(&args);
    assert!(again.contains("a rollover is done once"), "{again}");
    let bad =
        run.fails(&["rollover", "--org", "osloregionen", "--from", "2025", "--to", "2027", "--dry-run"]);
    assert!(bad.contains("--to 2026"), "{bad}");
    let unknown = run.fails(&[
        "rollover",
        "--org",
        "osloregionen",
        "--from",
        "2025",
        "--to",
        "2026",
        "--accept",
        "99",
        "--dry-run",
    ]);
    assert!(unknown.contains("no measure 99"), "{unknown}");
}

#[test]
fn users_are_made_listed_disabled_and_reset_on_the_command_line() {
    let run = Run::sqlite("users");
    run.ok(&["import", SAMPLE, "--org", "osloregionen"]);
    let out = run.ok(&[
        "user",
        "add",
        "Kari@Example.no",
        "--org",
        "osloregionen",
        "--role",
        "editor",
        "--group",
        "Kraftgruppa",
    ]);
    let password =
        out.lines().next().unwrap().rsplit(": ").next().unwrap().split(' ').next().unwrap().to_owned();
    assert_eq!(password.len(), 20, "a generated password is printed once: {out}");
    assert!(out.contains("kari@example.no is editor in osloregionen"));
    let list = run.ok(&["user", "list"]);
    assert!(list.contains("kari@example.no\tosloregionen:editor"), "{list}");
    // An API token for a script: never above the account's role, printed once.
    let token = run.ok(&[
        "user",
        "token",
        "kari@example.no",
        "--org",
        "osloregionen",
        "--role",
        "editor",
        "--name",
        "Skript",
    ]);
    assert!(token.trim().starts_with("tiltak_") && token.trim().len() == 71, "{token}");
    let high = run.fails(&[
        "user",
        "token",
        "kari@example.no",
        "--org",
        "osloregionen",
        "--role",
        "admin",
        "--name",
        "x",
    ]);
    assert!(high.contains("higher role"), "{high}");
    assert!(!list.contains(&password), "passwords are never listed");
    let bad = run.fails(&["user", "add", "ola@example.no", "--org", "osloregionen", "--role", "boss"]);
    assert!(bad.contains("expected admin, secretariat, editor or reader"), "{bad}");
    let short = Command::new(env!("CARGO_BIN_EXE_tiltak"))
        .args([
            "user",
            "add",
            "per@example.no",
            "--org",
            "osloregionen",
            "--role",
            "reader",
            "--password-stdin",
        ])
        .env("TILTAK_DATABASE_URL", &run.database)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"kort\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    run.ok(&["user", "disable", "kari@example.no"]);
    assert!(run.ok(&["user", "list"]).contains("kari@example.no (disabled)"));
    let reset = run.ok(&["user", "reset-password", "kari@example.no"]);
    assert!(reset.starts_with("New password for kari@example.no: "));
}

#[test]
fn a_spreadsheet_round_trip_changes_only_the_edited_rows() {
    let run = Run::sqlite("xlsx");
    run.ok(&["import", SAMPLE, "--org", "osloregionen"]);
    let xlsx = run.path("status.xlsx");
    run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "xlsx", "-o", &xlsx]);
    let before = run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "json"]);
    run.ok(&["import", &xlsx, "--org", "osloregionen", "--replace"]);
    assert_eq!(
        run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "json"]),
        before,
        "XLSX round trip"
    );

    // A working group edits two rows of the CSV and sends it back.
    let csv = run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "csv"]);
    let edited = csv.replacen(
        "2,Overordna strategier:,,,1,Samarbeide tettere med fylkeskommunene Osloregionen,Pågående,",
        "2,Overordna strategier:,,,1,Samarbeide tettere med fylkeskommunene Osloregionen,Gjennomført,Avtale inngått",
        1,
    );
    assert_ne!(edited, csv);
    let file = run.path("edited.csv");
    std::fs::write(&file, edited).unwrap();
    let preview = run.ok(&[
        "import",
        &file,
        "--org",
        "osloregionen",
        "--year",
        "2025",
        "--round",
        "pr 2 sept",
        "--dry-run",
        "--format",
        "json",
    ]);
    assert!(preview.contains("Avtale inngått"));
    run.ok(&[
        "import",
        &file,
        "--org",
        "osloregionen",
        "--year",
        "2025",
        "--round",
        "pr 2 sept",
        "--date",
        "2025-09-02",
        "--replace",
    ]);
    let after = run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "json"]);
    let (a, b): (serde_json::Value, serde_json::Value) =
        (serde_json::from_str(&before).unwrap(), serde_json::from_str(&after).unwrap());
    let m = &b["sections"][1]["measures"][0];
    assert_eq!(
        (m["status"]["key"].as_str(), m["description"].as_str()),
        (Some("done"), Some("Avtale inngått"))
    );
    let mut b2 = b.clone();
    b2["sections"][1]["measures"][0] = a["sections"][1]["measures"][0].clone();
    assert_eq!(a, b2, "nothing else changed");

    let bad = run.path("bad.csv");
    std::fs::write(&bad, csv.replacen(",Pågående,", ",on_track,", 1)).unwrap();
    let err = run.fails(&[
        "import",
        &bad,
        "--org",
        "osloregionen",
        "--year",
        "2025",
        "--round",
        "pr 2 sept",
        "--replace",
    ]);
    assert!(err.contains("bad.csv: the CSV, row 2, column Status") && err.contains("on_track"), "{err}");
}

#[test]
fn the_first_start_loads_the_sample_and_prints_the_first_admin_once() {
    use std::io::{BufRead, BufReader};
    let run = Run::sqlite("first-start");
    let serve = |run: &Run| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tiltak"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("TILTAK_DATABASE_URL", &run.database)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = Vec::new();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 {
            lines.push(std::mem::take(&mut line));
            if lines.last().unwrap().starts_with("Tiltak: http://") {
                break;
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        lines.concat()
    };
    let first = serve(&run);
    assert!(first.contains("First start: log in as admin@tiltak.local with the password "), "{first}");
    let again = serve(&run);
    assert!(!again.contains("First start"), "the password is printed once: {again}");
    let users = run.ok(&["user", "list"]);
    assert!(users.contains("admin@tiltak.local\tosloregionen:admin"), "{users}");
}

#[test]
fn demo_data_makes_the_same_programmes_every_time() {
    let (a, b) = (Run::sqlite("demo-a"), Run::sqlite("demo-b"));
    for run in [&a, &b] {
        let out = run.ok(&["demo-data", "--organisations", "2", "--years", "2", "--measures", "20"]);
        assert!(out.contains("240 status entries"), "{out}");
    }
    let export = |run: &Run, round: &str| {
        run.ok(&["export", "--org", "demo-001", "--year", "2017", "--round", round, "--format", "json"])
    };
    assert_eq!(export(&a, "pr 2 sept"), export(&b, "pr 2 sept"), "deterministic");
    let titles = |json: &str| {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["sections"].to_string().matches("\"title\"").count()
    };
    assert_eq!(measures_in(&export(&a, "pr 1 mars")), 20);
    assert_eq!(titles(&export(&a, "pr 1 mars")), titles(&export(&a, "pr 2 sept")));
    assert_ne!(export(&a, "pr 1 mars"), export(&a, "pr 2 sept"), "rounds differ in their entries");
}

/// A backup taken while another process keeps writing restores to a database that exports the
/// same report; a restore refuses what is not a SQLite database.
#[test]
fn a_backup_under_write_load_restores_to_identical_exports() {
    let run = Run::sqlite("backup");
    run.ok(&["import", SAMPLE, "--org", "osloregionen"]);
    let before = run.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "json"]);
    // Writes go on in another process while the backup is made.
    let writer = {
        let (exe, database, dir) = (env!("CARGO_BIN_EXE_tiltak"), run.database.clone(), run.dir.clone());
        std::thread::spawn(move || {
            for i in 0..8 {
                let out = Command::new(exe)
                    .args([
                        "user",
                        "add",
                        &format!("skriver{i}@example.no"),
                        "--org",
                        "osloregionen",
                        "--role",
                        "reader",
                    ])
                    .env("TILTAK_DATABASE_URL", &database)
                    .current_dir(&dir)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            }
        })
    };
    let backup = run.path("backup.db");
    let out = run.ok(&["backup", "-o", &backup]);
    assert!(out.contains("Backup written to"), "{out}");
    writer.join().unwrap();
    assert!(run.fails(&["backup", "-o", &backup]).contains("exists already"), "never overwritten");

    let restored = Run::sqlite("restored");
    let out = restored.ok(&["restore", &backup]);
    assert!(out.contains("Restored"), "{out}");
    let after = restored.ok(&["export", "--org", "osloregionen", "--year", "2025", "--format", "json"]);
    assert_eq!(after, before, "the restored database exports the same report");
    std::fs::write(run.path("not-a-db.txt"), "hello").unwrap();
    assert!(restored.fails(&["restore", &run.path("not-a-db.txt")]).contains("not a SQLite database"));
}

/// `tiltak import … --dry-run | head` ends quietly when `head` stops reading.
#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let run = Run::sqlite("pipe");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tiltak"))
        .args(["import", SAMPLE, "--org", "osloregionen", "--dry-run", "--format", "json"])
        .env("TILTAK_DATABASE_URL", &run.database)
        .current_dir(&run.dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, as `head -1` does.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// Two servers started at the same moment on a new database both come up and serve (on
/// PostgreSQL too, when TILTAK_TEST_DATABASE_URL names a server); the sample is loaded once and
/// one first admin is made.
#[test]
fn two_servers_started_together_on_a_new_database_both_serve() {
    use std::io::{BufRead, BufReader};
    let mut databases = vec![Run::sqlite("two-servers").database];
    if let Ok(url) = std::env::var("TILTAK_TEST_DATABASE_URL") {
        // A fresh database on that server, made with psql if it is there.
        let name = format!("tiltak_two_{}", std::process::id());
        let made = Command::new("psql").args([&url, "-c", &format!("CREATE DATABASE {name}")]).output();
        if made.is_ok_and(|o| o.status.success()) {
            databases.push(format!("{}/{name}", url.rsplit_once('/').unwrap().0));
        }
    }
    for database in databases {
        let start = || {
            Command::new(env!("CARGO_BIN_EXE_tiltak"))
                .args(["serve", "--listen", "127.0.0.1:0"])
                .env("TILTAK_DATABASE_URL", &database)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let mut servers = [start(), start()];
        let mut first_admin = 0;
        for child in &mut servers {
            let mut reader = BufReader::new(child.stdout.take().unwrap());
            let mut line = String::new();
            let mut serving = false;
            while reader.read_line(&mut line).unwrap() > 0 {
                first_admin += usize::from(line.starts_with("First start"));
                if line.starts_with("Tiltak: http://") {
                    serving = true;
                    break;
                }
                line.clear();
            }
            if !serving {
                let mut err = String::new();
                std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
                panic!("{database}: a server did not come up: {err}");
            }
        }
        for mut child in servers {
            child.kill().unwrap();
            child.wait().unwrap();
        }
        assert_eq!(first_admin, 1, "{database}: one first admin");
        let out = Command::new(env!("CARGO_BIN_EXE_tiltak"))
            .args(["user", "list"])
            .env("TILTAK_DATABASE_URL", &database)
            .output()
            .unwrap();
        let users = String::from_utf8_lossy(&out.stdout);
        assert_eq!(users.matches("admin@tiltak.local").count(), 1, "{users}");
    }
}

/// `tiltak remind`: the dry run names exactly the members of the groups with measures not yet
/// updated (and the secretariat for measures no group owns); the real run mails them through a
/// real SMTP server, once — a second run (a new process, as after a restart) sends nothing.
#[test]
fn remind_names_the_members_of_groups_behind_and_mails_them_once() {
    let run = Run::sqlite("remind");
    run.ok(&["import", SAMPLE, "--org", "osloregionen"]);
    for (email, role, group) in [
        ("kari@example.no", "editor", Some("Klimagruppa")),
        ("ola@example.no", "editor", Some("Tomgruppa")),
        ("sekretariat@example.no", "secretariat", None),
        ("styret@example.no", "reader", None),
    ] {
        let mut args = vec!["user", "add", email, "--org", "osloregionen", "--role", role];
        if let Some(g) = group {
            args.extend(["--group", g]);
        }
        run.ok(&args);
    }
    // The secretariat gives an area to Klimagruppa and opens a new round (nothing updated yet).
    let klima: Vec<u64> = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = tiltak_db::Db::connect(&run.database).await.unwrap();
        let org = db.organisation("osloregionen").await.unwrap().unwrap();
        let programme = db.programme(org.id, 2025).await.unwrap().unwrap();
        db.set_area_owner(org.id, programme.id, "Klima, miljø og natur:", Some("Klimagruppa"), "test")
            .await
            .unwrap();
        let date = time::macros::date!(2025 - 12 - 01);
        db.open_round(
            org.id,
            &programme,
            "pr 1 des",
            date,
            Some(time::macros::date!(2025 - 12 - 10)),
            "test",
        )
        .await
        .unwrap();
        let round = db.open_rounds(org.id).await.unwrap().remove(0).round;
        let mut ids: Vec<u64> = db
            .duties(round.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.group.as_deref() == Some("Klimagruppa"))
            .map(|d| u64::from(d.number))
            .collect();
        ids.sort();
        ids
    });
    assert!(!klima.is_empty());

    let plan: serde_json::Value =
        serde_json::from_str(&run.ok(&["remind", "--org", "osloregionen", "--dry-run", "--format", "json"]))
            .unwrap();
    assert_eq!(plan["round"]["label"], "pr 1 des");
    assert_eq!(plan["round"]["slug"], "2025-12-01");
    assert_eq!(plan["round"]["deadline"], "2025-12-10");
    let reminders = plan["reminders"].as_array().unwrap();
    let to: Vec<&str> = reminders.iter().map(|r| r["to"].as_str().unwrap()).collect();
    assert_eq!(to, ["kari@example.no", "sekretariat@example.no"], "not the empty group, not the board");
    assert_eq!(reminders[0]["group"], "Klimagruppa");
    let ids: Vec<u64> =
        reminders[0]["measures"].as_array().unwrap().iter().map(|m| m["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, klima, "exactly the group's measures");
    assert!(reminders[0]["measures"][0]["title"].as_str().is_some_and(|t| !t.is_empty()));

    let smtp = smtp::SmtpServer::start();
    let env = [
        ("TILTAK_SMTP_URL", smtp.url.as_str()),
        ("TILTAK_MAIL_FROM", "tiltak@example.no"),
        ("TILTAK_PUBLIC_URL", "https://tiltak.example.no/"),
    ];
    let first = run.with_env(&["remind", "--org", "osloregionen"], &env);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stdout).starts_with("2 reminder(s) sent"));
    let mails = smtp.wait_for(2);
    assert_eq!(mails.len(), 2);
    let kari = mails.iter().find(|m| m.to == ["kari@example.no"]).unwrap();
    let link =
        format!("https://tiltak.example.no/osloregionen/2025/rounds/2025-12-01/measures/{}/edit", klima[0]);
    assert!(kari.body().contains(&link), "{}", kari.body());

    let again = run.with_env(&["remind", "--org", "osloregionen"], &env);
    let out = String::from_utf8_lossy(&again.stdout);
    assert!(out.starts_with("0 reminder(s) sent") && out.contains("Already reminded today"), "{out}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(smtp.mails().len(), 2, "nothing is sent twice");
}

#[test]
fn an_own_table_imports_with_columns_and_statuses_and_the_next_file_with_the_saved_profile() {
    let run = Run::sqlite("own-table");
    let file = run.path("uppdrag.csv");
    std::fs::write(
        &file,
        "Nämnd;Uppdrag;Läget;Ansvarig\n".replace(';', ",")
            + "Kommunstyrelsen,Ta fram en klimatplan,PÅGÅENDE,Anna\n\
               Kommunstyrelsen,Utreda gemensam IT,AVSLUTAT,Per\n\
               Barn- och utbildningsnämnden,Ny skolplan,AVSLUTAT,Eva\n",
    )
    .unwrap();
    let base = ["import", file.as_str(), "--org", "kommunen", "--year", "2025", "--round", "pr 1 mai"];
    // Without a mapping Tiltak cannot tell the measure: it names the headings and a line to start from.
    let odd = run.path("odd.csv");
    std::fs::write(&odd, "Nr,Hva,Hvem\n1,Ting,Kari\n2,Mer,Ola\n").unwrap();
    let err =
        run.fails(&["import", odd.as_str(), "--org", "kommunen", "--year", "2025", "--round", "pr 1 mai"]);
    assert!(err.contains("Nr, Hva, Hvem") && err.contains("--columns \"measure="), "{err}");
    let err = run.fails(&[&base[..], &["--columns", "measure=Tiltak"]].concat());
    assert!(err.contains("«Tiltak»") && err.contains("Nämnd, Uppdrag, Läget, Ansvarig"), "{err}");
    let err = run.fails(&[&base[..], &["--statuses", "AVSLUTAT=finished"]].concat());
    assert!(err.contains("«finished» is no status"), "{err}");
    // Given: every column not named is kept as a field, the statuses mapped.
    let args =
        [&base[..], &["--columns", "area=Nämnd,measure=Uppdrag,status=Läget", "--statuses", "AVSLUTAT=done"]]
            .concat();
    let out = run.ok(&args);
    assert!(out.starts_with("Imported 3 measures"), "{out}");
    let json = run.ok(&["export", "--org", "kommunen", "--year", "2025", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let m = &v["sections"][0]["areas"][0]["measures"][1];
    assert_eq!((m["status"]["key"].as_str(), m["fields"]["Ansvarig"].as_str()), (Some("done"), Some("Per")));
    // The next round's file, same headings, no flags: read with the saved profile.
    let out =
        run.ok(&["import", file.as_str(), "--org", "kommunen", "--year", "2025", "--round", "pr 1 des"]);
    assert!(out.starts_with("Imported 3 measures") && out.contains("(0 warnings)"), "{out}");
}
