//! The request context: what the gate learnt about a request — the viewer and their language, and
//! for routes under `/{org}` the organisation, the viewer's role there, the programme of `{year}`
//! with the rounds this viewer may see, the round of `{round}`, the measure of `{id}` and the
//! event, project, partner or decision of `{entity}` — parsed
//! once into core's types and loaded once. Handlers take it as an extractor (`ctx: Ctx`) and never
//! load the organisation or programme again. A path value that does not parse, or names nothing
//! this viewer may see, is a "not found" page before any handler runs.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tiltak_core::{EntityKind, MeasureId};
use tiltak_db::{EntityRow, OrganisationRow, ProgrammeRow, Role, RoundRow};

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::i18n::{Message, Tr};
use crate::pages::PageCtx;

#[derive(Debug, Clone)]
pub struct Ctx {
    pub tr: Tr,
    pub viewer: Viewer,
    pub org: Option<OrganisationRow>,
    /// The viewer's role in `org`.
    pub role: Option<Role>,
    pub programme: Option<ProgrammeRow>,
    /// The programme's rounds this viewer may see (members: all; the public: public ones), oldest first.
    pub rounds: Vec<RoundRow>,
    /// The round of `{round}`.
    pub round: Option<RoundRow>,
    /// The measure number of `{id}`.
    pub measure: Option<MeasureId>,
    /// The kind of entity the path is about (`/{org}/events…`, `/{org}/projects…`).
    pub kind: Option<EntityKind>,
    /// The event, project, partner or decision of `{entity}`, if this viewer sees it.
    pub entity: Option<EntityRow>,
    /// Where the request comes from (see `auth::client_addr`), and whether over https.
    pub client: Option<std::net::IpAddr>,
    pub https: bool,
}

impl Ctx {
    pub fn new(tr: Tr, viewer: Viewer) -> Self {
        Ctx {
            tr,
            viewer,
            org: None,
            role: None,
            programme: None,
            rounds: Vec::new(),
            round: None,
            measure: None,
            kind: None,
            entity: None,
            client: None,
            https: false,
        }
    }

    fn missing(what: &str) -> AppError {
        AppError::internal(format!("the route has no {what} for its handler"))
    }

    pub fn org(&self) -> AppResult<&OrganisationRow> {
        self.org.as_ref().ok_or_else(|| Self::missing("{org}"))
    }

    pub fn programme(&self) -> AppResult<&ProgrammeRow> {
        self.programme.as_ref().ok_or_else(|| Self::missing("{year}"))
    }

    pub fn round(&self) -> AppResult<&RoundRow> {
        self.round.as_ref().ok_or_else(|| Self::missing("{round}"))
    }

    pub fn measure(&self) -> AppResult<MeasureId> {
        self.measure.ok_or_else(|| Self::missing("{id}"))
    }

    pub fn kind(&self) -> AppResult<EntityKind> {
        self.kind.ok_or_else(|| Self::missing("entity kind"))
    }

    pub fn entity(&self) -> AppResult<&EntityRow> {
        self.entity.as_ref().ok_or_else(|| Self::missing("{entity}"))
    }

    pub fn is_member(&self) -> bool {
        self.role.is_some()
    }

    /// Who is looking, for the visibility rule (`tiltak_db::Audience`).
    pub fn audience(&self) -> tiltak_db::Audience {
        if self.is_member() { tiltak_db::Audience::Members } else { tiltak_db::Audience::Public }
    }

    pub fn at_least(&self, role: Role) -> bool {
        self.role.is_some_and(|r| r >= role)
    }

    /// `/{org}/{year}`, the start of the programme's URLs.
    pub fn base(&self) -> String {
        match (&self.org, &self.programme) {
            (Some(o), Some(p)) => format!("/{}/{}", o.slug, p.year),
            (Some(o), None) => format!("/{}", o.slug),
            _ => String::new(),
        }
    }

    /// The round with this slug (or label) among the visible ones, or the latest when none is asked for.
    pub fn find_round(&self, wanted: Option<&str>) -> AppResult<Option<&RoundRow>> {
        match wanted.map(str::trim).filter(|w| !w.is_empty()) {
            Some(w) => self
                .rounds
                .iter()
                .find(|r| r.slug == w || r.label == w)
                .map(Some)
                .ok_or_else(|| AppError::not_found(Message::new("not-found-round").arg("round", w))),
            None => Ok(self.rounds.last()),
        }
    }

    /// The visible round before `round`.
    pub fn previous_round(&self, round: &RoundRow) -> Option<&RoundRow> {
        let i = self.rounds.iter().position(|r| r.id == round.id)?;
        i.checked_sub(1).map(|i| &self.rounds[i])
    }

    /// Who the change log names.
    pub fn actor(&self) -> String {
        self.viewer.actor()
    }

    /// The layout's part of a page: header, navigation, language.
    pub fn page(&self, title: String, current: &'static str) -> PageCtx {
        let mut page = PageCtx::new(
            self.tr,
            &self.viewer,
            title,
            self.org.as_ref(),
            self.programme.as_ref().map(|p| p.year),
            current,
        );
        page.role = self.role;
        page
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| Ctx::missing("context (it is not behind the gate)"))
    }
}
