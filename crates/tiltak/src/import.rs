//! `tiltak import`: a file in, a programme's round saved (or, with --dry-run, shown).

use std::process::ExitCode;

use anyhow::Context;
use tiltak_core::round::parse_iso_date;
use tiltak_core::{Language, Organisation, OrganisationSlug, Vocabulary};
use tiltak_db::{Db, IdSource, ImportProfile, OnExisting, Owners};
use tiltak_formats::import::{self, FileKind, ImportMeta, Imported};
use tiltak_formats::mapping::{Mapping, TableOptions};
use tiltak_formats::{ReportDocument, json};

use crate::cli::{ImportArgs, OutputFormat};

pub async fn run(database: &str, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let slug = OrganisationSlug::parse(&args.org)?;
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {file}"))?;
    let date = args.date.as_deref().map(parse_iso_date).transpose()?;

    // A dry run saves nothing and makes no database: it reads the vocabulary only where one exists.
    let db =
        if args.dry_run && !database_exists(database) { None } else { Some(Db::connect(database).await?) };
    let org = match &db {
        Some(db) => db.organisation(slug.as_str()).await?,
        None => None,
    };
    let vocabulary = match (&db, &org) {
        (Some(db), Some(org)) => db.vocabulary(org.id).await?,
        _ => Vocabulary::default_nb(),
    };

    let meta = ImportMeta {
        organisation: slug.to_string(),
        title: String::new(),
        year: args.year,
        round: args.round.clone(),
        date,
    };
    // The columns: as given, else the profile saved for the same headings, else the suggestion.
    let given = args
        .columns
        .as_deref()
        .map(Mapping::parse_columns)
        .transpose()
        .map_err(|m| anyhow::anyhow!("--columns: {m}"))?;
    let statuses = args
        .statuses
        .as_deref()
        .map(|s| Mapping::parse_statuses(s, &vocabulary))
        .transpose()
        .map_err(|m| anyhow::anyhow!("--statuses: {m}"))?
        .unwrap_or_default();
    let mut options = TableOptions { columns: given.clone(), statuses, ..Default::default() };
    let kind = FileKind::from_name(&file);
    let mut read = import::read(kind, &bytes, &vocabulary, &meta, &options);
    if given.is_none()
        && let (Some(db), Some(org)) = (&db, &org)
        && let Some(key) = read.as_ref().ok().and_then(|i| i.doc.layout.as_ref()).map(|l| l.key())
        && let Some(profile) = db.import_profile(org.id, &key).await?
    {
        options.columns = Some(Mapping::parse_columns(&profile.columns).map_err(|m| anyhow::anyhow!("{m}"))?);
        if args.statuses.is_none() {
            options.statuses = Mapping::parse_statuses(&profile.statuses, &vocabulary).unwrap_or_default();
        }
        read = import::read(kind, &bytes, &vocabulary, &meta, &options);
    }
    let Imported { mut doc, ids_are_the_programmes } = read.map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let ids = if ids_are_the_programmes { IdSource::Document } else { IdSource::Place };
    if doc.title.chars().all(|c| c.is_ascii_digit()) {
        // A CSV or a bare Word table does not carry the programme's title: keep the one it has.
        if let (Some(db), Some(org)) = (&db, &org)
            && let Some(p) = db.programme(org.id, doc.year).await?
        {
            doc.report.title = p.title;
        }
    }
    doc.report.organisation = slug.to_string();

    if args.dry_run {
        match args.format {
            OutputFormat::Json => print!("{}", json::write(&doc)),
            OutputFormat::Text => print!("{}", summary(&doc)),
        }
        return Ok(ExitCode::SUCCESS);
    }

    for w in &doc.warnings {
        eprintln!("warning: {file}: line {}: {}", w.line, w.message);
    }
    let db = db.expect("a database is open unless dry-running");
    let organisation = match &org {
        Some(org) => Organisation { slug: slug.clone(), name: org.name.clone(), language: org.language },
        None => Organisation { name: default_name(&slug), slug: slug.clone(), language: Language::Nb },
    };
    let on_existing = match (args.replace, args.overwrite_newer) {
        (false, _) => OnExisting::Refuse,
        (true, false) => OnExisting::ReplaceRefusingNewer,
        (true, true) => OnExisting::Overwrite,
    };
    // Only Tiltak's JSON says who owns what; any other file keeps the owners as they are.
    let owners = if FileKind::from_name(&file) == FileKind::Json { Owners::FromFile } else { Owners::Keep };
    let (_, saved) = db
        .import_report(&organisation, &doc, ids, owners, on_existing)
        .await
        .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    // A table of the organisation's own: its fields are added to the organisation's, and a
    // mapping given on the command line is kept as the profile for the next file.
    if let Some(layout) = &doc.layout
        && let Some(org_row) = db.organisation(slug.as_str()).await?
    {
        let profile = ImportProfile {
            columns: Mapping::columns_line(&layout.columns()),
            statuses: Mapping::statuses_line(&layout.statuses()),
        };
        let known = db.import_profile(org_row.id, &layout.key()).await?;
        let profile = if args.columns.is_some() || known.is_some() { Some(profile) } else { None };
        db.save_import_setup(org_row.id, &layout.key(), profile.as_ref(), &layout.fields, &[], "import")
            .await?;
    }
    // What the texts mention, offered on the measures' pages for a person to accept; Tiltak's
    // JSON brings the entities linked to its measures.
    if let Some(org_row) = db.organisation(slug.as_str()).await? {
        let linked: Vec<_> = doc.entities.iter().map(|l| (l.entity.clone(), l.measures.clone())).collect();
        db.import_entities(org_row.id, saved.programme_id, &linked, "import").await?;
        let report = db.load_report(&org_row, doc.year, None, tiltak_db::Audience::Members).await?;
        db.offer_suggestions(saved.programme_id, &tiltak_formats::mentions::in_report(&report)).await?;
    }
    let verb = if saved.replaced_round { "Replaced" } else { "Imported" };
    match args.format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::json!({
                "organisation": slug.as_str(),
                "year": doc.year,
                "round": doc.round,
                "measures": saved.measures,
                "replaced": saved.replaced_round,
                "warnings": doc.warnings,
            })
        ),
        OutputFormat::Text => println!(
            "{verb} {} measures into {} {}, round {:?}{} ({} warnings)",
            saved.measures,
            slug,
            doc.year,
            doc.round.label,
            doc.round.date.map(|d| format!(" of {}", tiltak_core::round::iso_date(d))).unwrap_or_default(),
            doc.warnings.len()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn database_exists(url: &str) -> bool {
    match url.strip_prefix("sqlite:") {
        Some(path) => {
            let path = path.trim_start_matches("//").split('?').next().unwrap_or_default();
            std::path::Path::new(path).exists()
        }
        None => true,
    }
}

fn default_name(slug: &OrganisationSlug) -> String {
    let s = slug.as_str().replace('-', " ");
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// What a person reads to check an import before saving it.
fn summary(doc: &ReportDocument) -> String {
    let mut out = format!(
        "{} ({}), round {:?}{}\n{} measures\n",
        doc.title,
        doc.year,
        doc.round.label,
        doc.round.date.map(|d| format!(" of {}", tiltak_core::round::iso_date(d))).unwrap_or_default(),
        doc.measure_count()
    );
    let programme = doc.programme();
    let mut last_place = (String::new(), None::<String>);
    for (path, m) in programme.measures() {
        let place = (path.section.to_owned(), path.area.map(str::to_owned));
        if place != last_place {
            if place.0 != last_place.0 {
                out.push_str(&format!("\n{}\n", path.section));
            }
            if let Some(area) = path.area {
                out.push_str(&format!("  {area}\n"));
            }
            last_place = place;
        }
        let line =
            m.id.and_then(|id| doc.source_lines.get(&id)).map(|l| format!("{l:>4}")).unwrap_or_default();
        let status = if m.entry.status.label().is_empty() { "–" } else { m.entry.status.label() };
        out.push_str(&format!(
            "{line}  {}{} [{status}] → {}\n",
            "  ".repeat(path.depth + 1),
            truncate(&m.title, 70),
            m.entry.continuation.decision.kind().key()
        ));
    }
    if !doc.warnings.is_empty() {
        out.push_str(&format!("\n{} warnings:\n", doc.warnings.len()));
        for w in &doc.warnings {
            out.push_str(&format!("  line {}: {}\n", w.line, w.message));
        }
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}
