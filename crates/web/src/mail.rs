//! Mail: reminders before a round's deadline and a working group told of the secretariat's
//! question, sent over SMTP with lettre. Configured by `TILTAK_SMTP_URL` (`smtp://host:port`,
//! `smtps://user:password@host`, `smtp://host?tls=required` for STARTTLS) and `TILTAK_MAIL_FROM`;
//! links point at `TILTAK_PUBLIC_URL`. Every text comes from the locale files, in the
//! recipient's language.

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tiltak_core::Language;
use tiltak_db::Reminder;

use crate::i18n::Tr;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("TILTAK_SMTP_URL {url:?}: {detail}")]
    Url { url: String, detail: String },
    #[error("TILTAK_MAIL_FROM {0:?} is not an e-mail address")]
    From(String),
    #[error("{to:?} is not an e-mail address")]
    To { to: String },
    #[error("the mail to {to} was not sent: {detail}")]
    Send { to: String, detail: String },
}

/// Sends mail through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

/// A mail ready to go: to whom, its subject and its plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mailer {
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url { url: redact(url), detail: e.to_string() })?
            .build();
        let from = from.parse().map_err(|_| MailError::From(from.to_owned()))?;
        Ok(Mailer { transport, from })
    }

    /// The mailer `TILTAK_SMTP_URL` and `TILTAK_MAIL_FROM` describe; `None` when no SMTP server
    /// is configured (mail is then not sent, and the pages say so).
    pub fn from_env() -> Result<Option<Mailer>, MailError> {
        let Some(url) = std::env::var("TILTAK_SMTP_URL").ok().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let from = std::env::var("TILTAK_MAIL_FROM").unwrap_or_else(|_| "tiltak@localhost".into());
        Mailer::new(url.trim(), from.trim()).map(Some)
    }

    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let to: Mailbox = mail.to.parse().map_err(|_| MailError::To { to: mail.to.clone() })?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| MailError::Send { to: mail.to.clone(), detail: e.to_string() })?;
        self.transport
            .send(message)
            .await
            .map_err(|e| MailError::Send { to: mail.to.clone(), detail: e.to_string() })?;
        Ok(())
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}

/// The public address links in mail start with: `TILTAK_PUBLIC_URL`, without a final slash.
pub fn public_url(listen: Option<std::net::SocketAddr>) -> String {
    match std::env::var("TILTAK_PUBLIC_URL").ok().filter(|u| !u.trim().is_empty()) {
        Some(url) => url.trim().trim_end_matches('/').to_owned(),
        None => listen.map_or_else(|| "http://127.0.0.1:8080".into(), |a| format!("http://{a}")),
    }
}

/// What a reminder mail needs to know about its round.
pub struct RoundMail<'a> {
    pub organisation: &'a str,
    pub org_slug: &'a str,
    pub year: i32,
    pub round_label: &'a str,
    pub round_slug: &'a str,
    pub deadline: Option<&'a str>,
    pub public_url: &'a str,
}

/// A reminder as the person reads it, in their language: their groups, the measures not yet
/// updated with a link to each edit page, the deadline, and a link to all their measures.
pub fn reminder_mail(r: &Reminder, round: &RoundMail<'_>) -> Mail {
    let tr = Tr::new(r.language);
    let groups = group_names(tr, &r.groups);
    let deadline = round.deadline.map(|d| tr.date(d));
    let subject = match &deadline {
        Some(d) => {
            tr.tn("mail-reminder-subject", &[("round", round.round_label.into()), ("deadline", d.clone())])
        }
        None => tr.t1("mail-reminder-subject-open", "round", round.round_label),
    };
    let mut body = tr.tn(
        "mail-reminder-intro",
        &[
            ("groups", groups),
            ("count", r.measures.len().to_string()),
            ("round", round.round_label.into()),
            ("organisation", round.organisation.into()),
            ("year", round.year.to_string()),
        ],
    );
    body.push_str("\n\n");
    if let Some(d) = &deadline {
        body.push_str(&tr.t1("mail-reminder-deadline", "deadline", d));
        body.push_str("\n\n");
    }
    for (id, title) in &r.measures {
        body.push_str(&format!(
            "{id} {title}\n  {}/{}/{}/rounds/{}/measures/{id}/edit\n",
            round.public_url, round.org_slug, round.year, round.round_slug
        ));
    }
    body.push('\n');
    body.push_str(&tr.t1(
        "mail-reminder-mine",
        "url",
        format!("{}/{}/mine", round.public_url, round.org_slug),
    ));
    body.push_str("\n\n");
    body.push_str(&tr.t1("mail-signature", "organisation", round.organisation));
    body.push('\n');
    Mail { to: r.to.clone(), subject, body }
}

/// "Klimagruppa og sekretariatet".
fn group_names(tr: Tr, groups: &[Option<String>]) -> String {
    let names: Vec<String> =
        groups.iter().map(|g| g.clone().unwrap_or_else(|| tr.t("group-secretariat"))).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), tr.t("and")),
    }
}

/// The secretariat's question on a measure, to a member of the group that answers for it.
pub fn question_mail(
    to: &str,
    language: Language,
    round: &RoundMail<'_>,
    measure: (tiltak_core::MeasureId, &str),
    question: &str,
) -> Mail {
    let tr = Tr::new(language);
    let (id, title) = measure;
    let subject = tr.t1("mail-question-subject", "title", title);
    let link = format!(
        "{}/{}/{}/rounds/{}/measures/{id}/edit",
        round.public_url, round.org_slug, round.year, round.round_slug
    );
    let body = format!(
        "{}\n\n{}\n\n{}\n\n{}\n",
        tr.tn(
            "mail-question-intro",
            &[("title", format!("{id} {title}")), ("round", round.round_label.into())]
        ),
        question.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n"),
        tr.t1("mail-question-answer", "url", link),
        tr.t1("mail-signature", "organisation", round.organisation),
    );
    Mail { to: to.to_owned(), subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_lists_the_measures_with_links_in_the_person_s_language() {
        let r = Reminder {
            to: "kari@example.no".into(),
            language: Language::Nb,
            groups: vec![Some("Klimagruppa".into()), None],
            measures: vec![(10, "Klimaregnskap".into()), (12, "Ladestasjoner".into())],
        };
        let round = RoundMail {
            organisation: "Osloregionen",
            org_slug: "osloregionen",
            year: 2025,
            round_label: "pr 2 sept",
            round_slug: "2025-09-02",
            deadline: Some("2025-09-01"),
            public_url: "https://tiltak.example.no",
        };
        let mail = reminder_mail(&r, &round);
        assert!(mail.subject.contains("pr 2 sept") && mail.subject.contains("1. september 2025"), "{mail:?}");
        assert!(mail.body.contains("Klimagruppa og sekretariatet"), "{}", mail.body);
        assert!(
            mail.body
                .contains("https://tiltak.example.no/osloregionen/2025/rounds/2025-09-02/measures/12/edit")
        );
        assert!(mail.body.contains("https://tiltak.example.no/osloregionen/mine"));
        let en = reminder_mail(&Reminder { language: Language::En, ..r }, &round);
        assert!(en.body.contains("Klimagruppa and the secretariat"), "{}", en.body);
        assert_ne!(en.subject, mail.subject);
    }

    #[test]
    fn a_password_in_the_smtp_url_is_not_repeated() {
        assert_eq!(redact("smtps://tiltak:hemmelig@mail.example.no:465"), "smtps://…@mail.example.no:465");
    }
}
