//! `tiltak rollover`: next year's programme from a round's decisions, shown or saved.

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::{Context, bail};
use tiltak_core::rollover::{Choice, Outcome, build, next_title, plan};
use tiltak_db::Db;
use tiltak_formats::rollover::{plan_json, plan_text, separate_items};

use crate::cli::{OutputFormat, RolloverArgs};

pub async fn run(db: &Db, args: RolloverArgs) -> anyhow::Result<ExitCode> {
    let org = db
        .organisation(&args.org)
        .await?
        .with_context(|| format!("organisation {:?} was not found", args.org))?;
    let from = db
        .programme(org.id, args.from)
        .await?
        .with_context(|| format!("{} has no programme for {}", org.name, args.from))?;
    if args.to != args.from + 1 {
        bail!("a rollover goes from one year to the next: --to {}", args.from + 1);
    }
    let report = db.load_report(&org, args.from, args.round.as_deref(), tiltak_db::Audience::Members).await?;
    let vocabulary = db.vocabulary(org.id).await?;
    let mut choices = HashMap::new();
    for id in &args.accept {
        choices.insert(*id, Choice::Accept);
    }
    for id in &args.reject {
        if choices.insert(*id, Choice::Reject).is_some() {
            bail!("measure {id} is both accepted and rejected");
        }
    }
    let known: Vec<u32> = report.programme().measures().iter().filter_map(|(_, m)| m.id).collect();
    if let Some(id) = choices.keys().find(|id| !known.contains(id)) {
        bail!("--accept/--reject {id}: the programme of {} has no measure {id}", args.from);
    }
    let p = plan(&report, args.to, &vocabulary, &choices, &separate_items);
    if args.dry_run {
        match args.format {
            OutputFormat::Json => print!("{}", plan_json(&p)),
            OutputFormat::Text => print!("{}", plan_text(&p)),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let title = next_title(&report.title, args.from, args.to);
    let (programme, merges) = match build(&p, &report, &title) {
        Ok(built) => built,
        Err(pending) => {
            eprint!("{}", plan_text(&p));
            bail!("{pending}; decide each with --accept ID or --reject ID");
        }
    };
    let saved = db.save_rollover(&org, &from, &programme, &merges, "cli").await?;
    let carried = p.items.iter().filter(|i| i.outcome == Outcome::Carried).count();
    println!(
        "Saved {} {} as a draft: {carried} measures carried, {} merged; record the board's decision to adopt it.",
        org.slug,
        saved.year,
        merges.len()
    );
    Ok(ExitCode::SUCCESS)
}
