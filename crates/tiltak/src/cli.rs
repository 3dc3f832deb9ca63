//! The commands and their options.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tiltak_db::Db;

#[derive(Debug, Parser)]
#[command(name = "tiltak", version, about = "Plan, follow up and report a yearly action programme")]
pub struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "TILTAK_DATABASE_URL", default_value = tiltak_db::DEFAULT_URL)]
    pub database: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app. On an empty database the sample programme is loaded first.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "TILTAK_LISTEN", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
    /// Read a status report (report text or Tiltak JSON) and save it as a programme's round.
    Import(ImportArgs),
    /// Write a programme's status report in one round.
    Export(ExportArgs),
    /// Plan (and save) next year's programme from a round's continuation decisions.
    Rollover(RolloverArgs),
    /// Remind the working groups of the measures they have not updated in a round, by e-mail
    /// (`TILTAK_SMTP_URL`, `TILTAK_MAIL_FROM`, links to `TILTAK_PUBLIC_URL`). Each person gets one
    /// mail, at most once a day; `serve` also sends them on the organisation's schedule.
    Remind(RemindArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Fill the database with generated organisations, programmes and rounds (for trying Tiltak at
    /// scale and for the benchmarks).
    DemoData(DemoArgs),
    /// Write a consistent copy of the SQLite database, also while the server runs (on PostgreSQL,
    /// use pg_dump).
    Backup {
        /// The copy to write (it must not exist yet).
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// Put a backup back in place of the SQLite database. Stop the server first.
    Restore { file: PathBuf },
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 400)]
    pub organisations: usize,
    #[arg(long, default_value_t = 10)]
    pub years: usize,
    #[arg(long, default_value_t = 80)]
    pub measures: usize,
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    #[arg(long, default_value_t = 2016)]
    pub first_year: i32,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Make an account (or give an existing one a role) in an organisation.
    Add {
        email: String,
        #[arg(long)]
        org: String,
        /// admin, secretariat, editor or reader
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        name: String,
        /// A working group the user belongs to (editors edit what their groups own).
        #[arg(long)]
        group: Option<String>,
        /// Read the password from standard input; otherwise one is generated and printed once.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Make a personal API token for an account (as its account page does): scoped to one
    /// organisation and a role no higher than the account's there. Prints the token once.
    Token {
        email: String,
        #[arg(long)]
        org: String,
        /// admin, secretariat, editor or reader (at most the account's own role)
        #[arg(long)]
        role: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
    },
    /// List accounts and their roles.
    List,
    /// Disable an account and end its sessions.
    Disable { email: String },
    /// Set a new password (from standard input, or generated and printed once); ends all sessions.
    ResetPassword {
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct RemindArgs {
    #[arg(long)]
    pub org: String,
    /// The round (label or slug; default: the latest open round).
    #[arg(long)]
    pub round: Option<String>,
    /// Show whom would be reminded of what, send nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct RolloverArgs {
    #[arg(long)]
    pub org: String,
    #[arg(long)]
    pub from: i32,
    #[arg(long)]
    pub to: i32,
    /// The round whose decisions count (label or slug; default: the latest).
    #[arg(long)]
    pub round: Option<String>,
    /// Carry a pending (or any) measure over: its id in the source year. Repeatable.
    #[arg(long = "accept", value_name = "ID")]
    pub accept: Vec<u32>,
    /// Do not carry a measure over. Repeatable.
    #[arg(long = "reject", value_name = "ID")]
    pub reject: Vec<u32>,
    /// Show the plan, save nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file: report text (.txt), Tiltak's JSON (.json), a Word document with the five-column
    /// table (.docx), or a spreadsheet (.xlsx, .csv): Tiltak's own export (columns id, section, area,
    /// parent_id, position, title, status, description, decision, comment) or the five-column table.
    pub file: PathBuf,
    /// The organisation's slug; it is created if it does not exist.
    #[arg(long)]
    pub org: String,
    /// The programme's year (default: from the title line).
    #[arg(long)]
    pub year: Option<i32>,
    /// The round's label (default: from the title line, such as "pr 2 sept").
    #[arg(long)]
    pub round: Option<String>,
    /// The round's date, YYYY-MM-DD (default: from the label).
    #[arg(long)]
    pub date: Option<String>,
    /// Which column of a table holds what, `TARGET=HEADING` comma-separated, e.g.
    /// "area=Nämnd,measure=Uppdrag,status=Status". Targets: section, area, measure, status,
    /// description, decision, continuation_comment, owner, field, skip. Headings match whatever
    /// the case and spacing; a column not named is kept as a field of the organisation's own.
    /// Without it, a saved import profile for the same headings is used, or Tiltak's suggestion.
    #[arg(long)]
    pub columns: Option<String>,
    /// Status labels the organisation's vocabulary does not know, `LABEL=KEY` comma-separated,
    /// e.g. "AVSLUTAT=done,PÅGÅENDE=ongoing". A label left unmapped is kept as written in a field,
    /// and its measure has no status (a warning names it).
    #[arg(long)]
    pub statuses: Option<String>,
    /// Read and show, save nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace the round if it exists (otherwise a second import of a round is refused). A file
    /// carries no versions, so it never overwrites an entry a person saved in the round since:
    /// such a file is refused, naming the measures, unless `--overwrite-newer` is given too.
    #[arg(long)]
    pub replace: bool,
    /// With `--replace`: overwrite entries saved in the round after the file was made.
    #[arg(long, requires = "replace")]
    pub overwrite_newer: bool,
    /// What to print.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub org: String,
    #[arg(long)]
    pub year: i32,
    /// The round's label or slug (default: the latest).
    #[arg(long)]
    pub round: Option<String>,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write here instead of to standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Headings' language (default: the organisation's).
    #[arg(long)]
    pub language: Option<String>,
    /// The changes since the previous round instead of the status report (docx or pdf).
    #[arg(long)]
    pub changes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Md,
    Csv,
    Xlsx,
    Docx,
    /// Needs the `pdf` feature (on by default).
    Pdf,
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { listen } => {
            let db = Db::connect(&cli.database).await?;
            // Two servers starting at once on a new SQLite file can find it locked while the other
            // writes the sample: the first start is tried again until one of them has made it.
            let mut tries = 0;
            loop {
                match first_start(&db).await {
                    Ok(()) => break,
                    Err(e) if tries < 50 && e.to_string().contains("locked") => {
                        tries += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                    Err(e) => return Err(e),
                }
            }
            tiltak_web::serve(db, listen, |addr| {
                tracing::info!("Tiltak is listening on http://{addr}/");
                println!("Tiltak: http://{addr}/");
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(args) => crate::import::run(&cli.database, args).await,
        Command::Export(args) => crate::export::run(&Db::connect(&cli.database).await?, args).await,
        Command::Rollover(args) => crate::rollover::run(&Db::connect(&cli.database).await?, args).await,
        Command::Remind(args) => crate::remind::run(&Db::connect(&cli.database).await?, args).await,
        Command::User(cmd) => crate::users::run(&Db::connect(&cli.database).await?, cmd).await,
        Command::DemoData(args) => crate::demo::run(&Db::connect(&cli.database).await?, args).await,
        Command::Backup { output } => {
            let db = Db::connect(&cli.database).await?;
            db.backup_sqlite(&output).await?;
            println!("Backup written to {}", output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file } => restore(&cli.database, &file),
    }
}

/// The first start: the sample on an empty database, and the first admin (printed once).
async fn first_start(db: &Db) -> anyhow::Result<()> {
    if tiltak_web::sample::load_if_empty(db).await? {
        tracing::info!("empty database: loaded the sample programme as organisation \"osloregionen\"");
    }
    if !db.has_users().await? {
        // The first admin, printed once: never a default password. A second server
        // starting at the same moment finds the account made and prints nothing.
        let password = tiltak_db::random_token()[..20].to_owned();
        let email = "admin@tiltak.local";
        match db.create_user(email, "Administrator", &password).await {
            Ok(user) => {
                for org in db.organisations().await? {
                    db.set_role(user.id, org.id, tiltak_db::Role::Admin, "first start").await?;
                }
                println!(
                    "First start: log in as {email} with the password {password} \
                     (shown once; change it under \"Bytt passord\")."
                );
            }
            Err(tiltak_db::DbError::Conflict(_)) => {}
            Err(e) if db.has_users().await? => tracing::debug!("first admin made elsewhere: {e}"),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Replaces the SQLite database with a backup: checked to be a SQLite database first, the old
/// file kept beside it as `.before-restore`, its write-ahead log removed so nothing of it remains.
fn restore(url: &str, backup: &std::path::Path) -> anyhow::Result<ExitCode> {
    let Some(target) = tiltak_db::sqlite_path(url) else {
        anyhow::bail!("restore works on a SQLite database; on PostgreSQL, use pg_restore or psql");
    };
    let mut header = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(
            std::fs::File::open(backup).map_err(|e| anyhow::anyhow!("{}: {e}", backup.display()))?,
            16,
        ),
        &mut header,
    )?;
    if header != b"SQLite format 3\0" {
        anyhow::bail!("{}: not a SQLite database (a backup from `tiltak backup`)", backup.display());
    }
    if target.exists() {
        let kept = target.with_extension("db.before-restore");
        std::fs::rename(&target, &kept)?;
        eprintln!("The database that was there is kept as {}", kept.display());
    }
    for suffix in ["-wal", "-shm"] {
        let side = std::path::PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(side)?;
        }
    }
    std::fs::copy(backup, &target)?;
    println!("Restored {} from {}", target.display(), backup.display());
    Ok(ExitCode::SUCCESS)
}
