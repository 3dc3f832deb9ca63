//! `tiltak user`: accounts on the command line, where the first admin is made.

use std::io::Read;
use std::process::ExitCode;

use anyhow::Context;
use tiltak_db::{Db, Role, random_token};

use crate::cli::UserCommand;

/// A password from standard input (first line), or a new random one that is printed once.
fn password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).context("reading the password from standard input")?;
        let line = s.lines().next().unwrap_or_default().to_owned();
        Ok((line, false))
    } else {
        Ok((random_token()[..20].to_owned(), true))
    }
}

pub async fn run(db: &Db, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Add { email, org, role, name, group, password_stdin } => {
            let role = Role::parse(&role)?;
            let org = db
                .organisation(&org)
                .await?
                .with_context(|| format!("organisation {org:?} was not found"))?;
            let user = match db.user_by_email(&email).await? {
                Some(user) => user,
                None => {
                    let (password, generated) = password(password_stdin)?;
                    let user = db.create_user(&email, &name, &password).await?;
                    if generated {
                        println!("Password for {}: {password} (shown once)", user.email);
                    }
                    user
                }
            };
            db.set_role(user.id, org.id, role, "cli").await?;
            if let Some(group) = group {
                db.add_to_group(org.id, &group, user.id, "cli").await?;
            }
            println!("{} is {} in {}", user.email, role.key(), org.slug);
        }
        UserCommand::Token { email, org, role, name } => {
            let role = Role::parse(&role)?;
            let user = db.user_by_email(&email).await?.with_context(|| format!("no user {email:?}"))?;
            let org = db
                .organisation(&org)
                .await?
                .with_context(|| format!("organisation {org:?} was not found"))?;
            let token = db.create_api_token(&user, org.id, role, &name).await?;
            println!("{token}");
        }
        UserCommand::List => {
            for (user, roles) in db.users().await? {
                let roles: Vec<String> = roles.iter().map(|(o, r)| format!("{o}:{}", r.key())).collect();
                let state = if user.disabled { " (disabled)" } else { "" };
                println!("{}{state}\t{}", user.email, roles.join(" "));
            }
        }
        UserCommand::Disable { email } => {
            let user = db.user_by_email(&email).await?.with_context(|| format!("no user {email:?}"))?;
            db.set_disabled(user.id, true).await?;
            println!("{} is disabled", user.email);
        }
        UserCommand::ResetPassword { email, password_stdin } => {
            let user = db.user_by_email(&email).await?.with_context(|| format!("no user {email:?}"))?;
            let (password, generated) = password(password_stdin)?;
            db.set_password(user.id, &password).await?;
            if generated {
                println!("New password for {}: {password} (shown once)", user.email);
            } else {
                println!("The password of {} is changed", user.email);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
