//! `tiltak remind`: whom to remind of which measures in a round, shown (`--dry-run`) or sent.

use std::process::ExitCode;

use anyhow::{Context, bail};
use tiltak_db::Db;
use tiltak_web::mail::{Mailer, public_url};
use tiltak_web::reminders::{Clock, Plan, RoundToRemind, Step, send_step};

use crate::cli::{OutputFormat, RemindArgs};

pub async fn run(db: &Db, args: RemindArgs) -> anyhow::Result<ExitCode> {
    let org = db
        .organisation(&args.org)
        .await?
        .with_context(|| format!("organisation {:?} was not found", args.org))?;
    let open = db.open_rounds(org.id).await?;
    let chosen = match args.round.as_deref().map(str::trim) {
        Some(wanted) => open
            .into_iter()
            .find(|o| o.round.label == wanted || o.round.slug == wanted)
            .with_context(|| format!("{} has no open round {wanted:?}", org.name))?,
        None => open.into_iter().next().with_context(|| format!("{} has no open round", org.name))?,
    };
    let reminders = db.reminder_plan(org.id, chosen.round.id, None).await?;
    let target = RoundToRemind { org, year: chosen.year, round: chosen.round };
    if args.dry_run {
        let plan = Plan::new(&target.round, &reminders);
        match args.format {
            OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&plan)?),
            OutputFormat::Text => print!("{}", plan_text(&plan)),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(mailer) = Mailer::from_env()? else {
        bail!("no mail server: set TILTAK_SMTP_URL (smtp://host:port) and TILTAK_MAIL_FROM");
    };
    let step = Step::ByHand(Clock::system().today());
    let sent = send_step(db, &mailer, &target, &reminders, &step, &public_url(None)).await?;
    match args.format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::json!({
                "round": {"label": target.round.label, "slug": target.round.slug},
                "sent": sent.sent,
                "already_sent_today": sent.skipped,
                "failed": sent.failed.iter().map(|(to, why)| serde_json::json!({"to": to, "error": why})).collect::<Vec<_>>(),
            })
        ),
        OutputFormat::Text => {
            println!("{} reminder(s) sent for {}.", sent.sent.len(), target.round.label);
            if !sent.skipped.is_empty() {
                println!("Already reminded today: {}", sent.skipped.join(", "));
            }
            for (to, why) in &sent.failed {
                println!("Not sent to {to}: {why}");
            }
        }
    }
    Ok(if sent.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn plan_text(plan: &Plan) -> String {
    let mut out = format!(
        "Round {} ({}), deadline {}: {} reminder(s)\n",
        plan.round.label,
        plan.round.slug,
        plan.round.deadline.as_deref().unwrap_or("none"),
        plan.reminders.len()
    );
    for r in &plan.reminders {
        out.push_str(&format!("\n{} ({}):\n", r.to, r.group));
        for m in &r.measures {
            out.push_str(&format!("  {} {}\n", m.id, m.title));
        }
    }
    out
}
