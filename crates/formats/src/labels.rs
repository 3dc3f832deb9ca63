//! Headings, titles and the other words of exported documents, in the document's language.
//! (The web pages take theirs from the fluent files; documents are written outside a request.)

use tiltak_core::Language;
use tiltak_core::round::Decision;
use tiltak_core::status::StatusCategory;

pub struct Labels {
    pub language: Language,
    pub area: &'static str,
    pub measure: &'static str,
    pub status: &'static str,
    pub description: &'static str,
    pub summary_caption: &'static str,
    pub group: &'static str,
    pub total: &'static str,
    pub page: &'static str,
    pub chart_description: &'static str,
    pub changes_title: &'static str,
    pub changes_since: &'static str,
    pub changes_first: &'static str,
    pub changes_none: &'static str,
    pub change: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub decision: &'static str,
    pub comment: &'static str,
    pub title: &'static str,
    pub no_status: &'static str,
    /// The rollover summary's lists.
    pub carried: &'static str,
    pub merged: &'static str,
    pub dropped: &'static str,
    pub added: &'static str,
    continue_template: &'static str,
    title_template: &'static str,
    categories: [&'static str; 5],
    decisions: [&'static str; 5],
    kinds: [&'static str; 3],
}

impl Labels {
    pub fn for_language(language: Language) -> Self {
        match language {
            Language::Nb => Labels {
                language,
                area: "Innsatsområde/tverrgående tema",
                measure: "Tiltak",
                status: "Status",
                description: "Beskrivelse",
                summary_caption: "Antall tiltak per statuskategori",
                group: "Område",
                total: "Totalt",
                page: "Side",
                chart_description: "Søylediagram: antall tiltak i hver statuskategori for hvert område, \
                                    i samme rekkefølge og med samme tall som tabellen over.",
                changes_title: "Endringer i {round} – {programme}",
                changes_since: "Sammenlignet med {previous}.",
                changes_first: "Dette er første runde; det finnes ingenting å sammenligne med.",
                changes_none: "Ingen endringer siden forrige runde.",
                change: "Endring",
                before: "Før",
                after: "Nå",
                decision: "Videreføring",
                comment: "Kommentar",
                title: "Tittel",
                no_status: "Ingen status",
                carried: "Videreført",
                merged: "Slått sammen",
                dropped: "Ikke videreført",
                added: "Nye",
                continue_template: "Bør videreføres {year}?",
                title_template: "Status – {programme} – {round}",
                categories: [
                    "Ikke påbegynt",
                    "Pågår",
                    "Gjennomført",
                    "Blir ikke gjennomført",
                    "Ikke rapportert",
                ],
                decisions: ["Ja", "Nei", "Hvis", "Slås sammen med", "Ikke avgjort"],
                kinds: ["Nytt", "Fjernet", "Endret"],
            },
            Language::Nn => Labels {
                language,
                area: "Innsatsområde/tverrgåande tema",
                measure: "Tiltak",
                status: "Status",
                description: "Skildring",
                summary_caption: "Talet på tiltak per statuskategori",
                group: "Område",
                total: "Totalt",
                page: "Side",
                chart_description: "Søylediagram: talet på tiltak i kvar statuskategori for kvart område, \
                                    i same rekkjefølgje og med same tal som tabellen over.",
                changes_title: "Endringar i {round} – {programme}",
                changes_since: "Samanlikna med {previous}.",
                changes_first: "Dette er første runde; det finst ingenting å samanlikne med.",
                changes_none: "Ingen endringar sidan førre runde.",
                change: "Endring",
                before: "Før",
                after: "No",
                decision: "Vidareføring",
                comment: "Kommentar",
                title: "Tittel",
                no_status: "Ingen status",
                carried: "Vidareført",
                merged: "Slått saman",
                dropped: "Ikkje vidareført",
                added: "Nye",
                continue_template: "Bør vidareførast {year}?",
                title_template: "Status – {programme} – {round}",
                categories: [
                    "Ikkje starta",
                    "Pågår",
                    "Gjennomført",
                    "Blir ikkje gjennomført",
                    "Ikkje rapportert",
                ],
                decisions: ["Ja", "Nei", "Viss", "Slåast saman med", "Ikkje avgjort"],
                kinds: ["Nytt", "Fjerna", "Endra"],
            },
            Language::En => Labels {
                language,
                area: "Focus area / cross-cutting theme",
                measure: "Measure",
                status: "Status",
                description: "Description",
                summary_caption: "Number of measures per status category",
                group: "Area",
                total: "Total",
                page: "Page",
                chart_description: "Bar chart: the number of measures in each status category for each \
                                    area, in the same order and with the same numbers as the table above.",
                changes_title: "Changes in {round} – {programme}",
                changes_since: "Compared with {previous}.",
                changes_first: "This is the first round; there is nothing to compare with.",
                changes_none: "No changes since the previous round.",
                change: "Change",
                before: "Before",
                after: "Now",
                decision: "Continuation",
                comment: "Comment",
                title: "Title",
                no_status: "No status",
                carried: "Carried",
                merged: "Merged",
                dropped: "Dropped",
                added: "New",
                continue_template: "Continue in {year}?",
                title_template: "Status – {programme} – {round}",
                categories: ["Not started", "In progress", "Done", "Will not be done", "Not reported"],
                decisions: ["Yes", "No", "If", "Merge with", "Undecided"],
                kinds: ["New", "Removed", "Changed"],
            },
        }
    }

    pub fn continue_next_year(&self, year: i32) -> String {
        self.continue_template.replace("{year}", &(year + 1).to_string())
    }

    pub fn report_title(&self, programme: &str, round: &str) -> String {
        self.title_template.replace("{programme}", programme).replace("{round}", round)
    }

    pub fn changes_title(&self, programme: &str, round: &str) -> String {
        self.changes_title.replace("{programme}", programme).replace("{round}", round)
    }

    /// A status category by its key (`not_started` … `dropped`), or "none" for not reported.
    pub fn category(&self, key: &str) -> &'static str {
        let i = match StatusCategory::parse(key) {
            Ok(StatusCategory::NotStarted) => 0,
            Ok(StatusCategory::InProgress) => 1,
            Ok(StatusCategory::Done) => 2,
            Ok(StatusCategory::Dropped) => 3,
            Err(_) => 4,
        };
        self.categories[i]
    }

    pub fn decision(&self, d: &Decision) -> String {
        match d {
            Decision::Yes => self.decisions[0].into(),
            Decision::No => self.decisions[1].into(),
            Decision::Conditional { condition } => format!("{} {condition}", self.decisions[2]),
            Decision::Merge { into } => format!("{} {}", self.decisions[3], into.title),
            Decision::Undecided => self.decisions[4].into(),
        }
    }

    /// "added" | "removed" | "changed" as a word of the document's language.
    pub fn change_kind(&self, kind: &str) -> &'static str {
        match kind {
            "added" => self.kinds[0],
            "removed" => self.kinds[1],
            _ => self.kinds[2],
        }
    }
}
