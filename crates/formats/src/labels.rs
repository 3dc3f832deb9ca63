//! Headings, titles and the other words of exported documents, in the document's language.
//! (The web pages take theirs from the fluent files; documents are written outside a request.)

use tiltak_core::Language;
use tiltak_core::round::{Decision, DecisionKind};
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
    /// The spreadsheet's sheets: summary and about.
    pub summary_sheet: &'static str,
    pub about_sheet: &'static str,
    categories: [&'static str; 5],
    decisions: [&'static str; 5],
    kinds: [&'static str; 3],
    /// The headings of the spreadsheet's and the CSV's columns, in [`Column::ALL`]'s order.
    columns: [&'static str; 14],
    /// The about sheet's rows: organisation, title, year, round, date.
    about: [&'static str; 5],
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
                summary_sheet: "Oppsummering",
                about_sheet: "Om filen",
                columns: [
                    "Nr.",
                    "Del",
                    "Innsatsområde",
                    "Under nr.",
                    "Rekkefølge",
                    "Tiltak",
                    "Status",
                    "Beskrivelse",
                    "Videreføring",
                    "Betingelse",
                    "Slås sammen med nr.",
                    "Kommentar",
                    "Versjon",
                    "Plassering",
                ],
                about: ["Organisasjon", "Tittel", "År", "Runde", "Dato"],
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
                summary_sheet: "Samandrag",
                about_sheet: "Om fila",
                columns: [
                    "Nr.",
                    "Del",
                    "Innsatsområde",
                    "Under nr.",
                    "Rekkjefølgje",
                    "Tiltak",
                    "Status",
                    "Skildring",
                    "Vidareføring",
                    "Vilkår",
                    "Slåast saman med nr.",
                    "Kommentar",
                    "Versjon",
                    "Plassering",
                ],
                about: ["Organisasjon", "Tittel", "År", "Runde", "Dato"],
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
                summary_sheet: "Summary",
                about_sheet: "About",
                columns: [
                    "No.",
                    "Section",
                    "Area",
                    "Parent no.",
                    "Position",
                    "Measure",
                    "Status",
                    "Description",
                    "Continuation",
                    "Condition",
                    "Merge into no.",
                    "Comment",
                    "Version",
                    "Path",
                ],
                about: ["Organisation", "Title", "Year", "Round", "Date"],
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

    /// A decision's kind as one word of the document's language ("Ja", "Hvis", …), as the
    /// spreadsheet's decision column holds it.
    pub fn decision_kind(&self, kind: DecisionKind) -> &'static str {
        let i = DecisionKind::ALL.iter().position(|k| *k == kind).expect("every kind is in ALL");
        self.decisions[i]
    }

    /// A column's heading.
    pub fn column(&self, column: Column) -> &'static str {
        self.columns[column as usize]
    }

    /// The about sheet's row names: organisation, title, year, round, date.
    pub fn about_rows(&self) -> [&'static str; 5] {
        self.about
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

/// A column of Tiltak's spreadsheet and CSV. Headings are written in the export's language and
/// read in any of them (and as the keys of earlier exports: `id`, `section`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Id,
    Section,
    Area,
    ParentId,
    Position,
    Title,
    Status,
    Description,
    Decision,
    Condition,
    MergeIntoId,
    Comment,
    Version,
    Path,
}

impl Column {
    pub const ALL: [Column; 14] = [
        Column::Id,
        Column::Section,
        Column::Area,
        Column::ParentId,
        Column::Position,
        Column::Title,
        Column::Status,
        Column::Description,
        Column::Decision,
        Column::Condition,
        Column::MergeIntoId,
        Column::Comment,
        Column::Version,
        Column::Path,
    ];

    /// The columns a sheet must have to be read as Tiltak's own.
    pub const REQUIRED: [Column; 6] =
        [Column::Id, Column::Section, Column::Area, Column::Title, Column::Status, Column::Decision];

    /// The key of earlier exports, still read.
    pub fn key(self) -> &'static str {
        [
            "id",
            "section",
            "area",
            "parent_id",
            "position",
            "title",
            "status",
            "description",
            "decision",
            "condition",
            "merge_into_id",
            "comment",
            "version",
            "path",
        ][self as usize]
    }

    /// The column a heading names, in any language.
    pub fn find(heading: &str) -> Option<Column> {
        let h = heading.trim().to_lowercase();
        Column::ALL.into_iter().find(|c| {
            c.key() == h
                || Language::ALL.iter().any(|l| Labels::for_language(*l).column(*c).to_lowercase() == h)
        })
    }
}

/// A decision's kind from the spreadsheet's cell: its word in any language, or its key.
pub fn decision_kind_from_cell(cell: &str) -> Option<DecisionKind> {
    let c = cell.trim().to_lowercase();
    DecisionKind::ALL.into_iter().find(|k| {
        k.key() == c
            || Language::ALL.iter().any(|l| Labels::for_language(*l).decision_kind(*k).to_lowercase() == c)
    })
}

/// Whether a status cell says "no status" (empty, `none`, or the words of any language).
pub fn is_no_status(cell: &str) -> bool {
    let c = cell.trim().to_lowercase();
    c.is_empty()
        || c == "none"
        || Language::ALL.iter().any(|l| Labels::for_language(*l).no_status.to_lowercase() == c)
}

/// The annual report's words (see [`crate::annual`]), in the document's language.
pub struct AnnualLabels {
    title: &'static str,
    basis: &'static str,
    basis_dated: &'static str,
    pub done: &'static str,
    pub ongoing: &'static str,
    pub events: &'static str,
    pub decisions: &'static str,
    pub projects: &'static str,
    pub partners: &'static str,
    continues: &'static str,
    /// The text an area starts from: counts of its measures.
    prefill: &'static str,
    prefill_events: &'static str,
    prefill_event: &'static str,
    prefill_empty: &'static str,
    months: [&'static str; 12],
    /// "4. juni 2025" or "4 June 2025".
    day_dot: bool,
}

impl AnnualLabels {
    pub fn for_language(language: Language) -> Self {
        const NB_MONTHS: [&str; 12] = [
            "januar",
            "februar",
            "mars",
            "april",
            "mai",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "desember",
        ];
        match language {
            Language::Nb => AnnualLabels {
                title: "Årsmelding {year}",
                basis: "Grunnlag: status {round}",
                basis_dated: "Grunnlag: status {round} ({date})",
                done: "Gjennomført",
                ongoing: "Pågående",
                events: "Arrangementer",
                decisions: "Vedtak",
                projects: "Prosjekter",
                partners: "Samarbeidspartnere",
                continues: "Videreføres i {year}",
                prefill: "I {year} ble {done} av {total} tiltak gjennomført, og {ongoing} er pågående.",
                prefill_events: " Det ble holdt {events} arrangementer knyttet til området.",
                prefill_event: " Det ble holdt ett arrangement knyttet til området.",
                prefill_empty: "Området hadde ingen tiltak i {year}.",
                months: NB_MONTHS,
                day_dot: true,
            },
            Language::Nn => AnnualLabels {
                title: "Årsmelding {year}",
                basis: "Grunnlag: status {round}",
                basis_dated: "Grunnlag: status {round} ({date})",
                done: "Gjennomført",
                ongoing: "Pågåande",
                events: "Arrangement",
                decisions: "Vedtak",
                projects: "Prosjekt",
                partners: "Samarbeidspartnarar",
                continues: "Vidareførast i {year}",
                prefill: "I {year} vart {done} av {total} tiltak gjennomførte, og {ongoing} er pågåande.",
                prefill_events: " Det vart halde {events} arrangement knytte til området.",
                prefill_event: " Det vart halde eitt arrangement knytt til området.",
                prefill_empty: "Området hadde ingen tiltak i {year}.",
                months: NB_MONTHS,
                day_dot: true,
            },
            Language::En => AnnualLabels {
                title: "Annual report {year}",
                basis: "Based on: status {round}",
                basis_dated: "Based on: status {round} ({date})",
                done: "Done",
                ongoing: "In progress",
                events: "Events",
                decisions: "Decisions",
                projects: "Projects",
                partners: "Partners",
                continues: "Continues in {year}",
                prefill: "In {year}, {done} of {total} measures were done, and {ongoing} are in progress.",
                prefill_events: " {events} events linked to the area were held.",
                prefill_event: " One event linked to the area was held.",
                prefill_empty: "The area had no measures in {year}.",
                months: [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ],
                day_dot: false,
            },
        }
    }

    pub fn title(&self, year: i32) -> String {
        self.title.replace("{year}", &year.to_string())
    }

    pub fn basis(&self, round: &str, date: Option<time::Date>) -> String {
        match date {
            Some(d) => self.basis_dated.replace("{round}", round).replace("{date}", &self.date(d)),
            None => self.basis.replace("{round}", round),
        }
    }

    pub fn continues(&self, year: i32) -> String {
        self.continues.replace("{year}", &year.to_string())
    }

    /// A date as the document's language writes it.
    pub fn date(&self, d: time::Date) -> String {
        let month = self.months[usize::from(u8::from(d.month())) - 1];
        if self.day_dot {
            format!("{}. {month} {}", d.day(), d.year())
        } else {
            format!("{} {month} {}", d.day(), d.year())
        }
    }

    /// What an area's text starts as: how many of its measures were done and are in progress,
    /// and how many events were held.
    pub fn prefill(&self, year: i32, done: usize, ongoing: usize, total: usize, events: usize) -> String {
        if total == 0 {
            return self.prefill_empty.replace("{year}", &year.to_string());
        }
        let mut s = self
            .prefill
            .replace("{year}", &year.to_string())
            .replace("{done}", &done.to_string())
            .replace("{total}", &total.to_string())
            .replace("{ongoing}", &ongoing.to_string());
        match events {
            0 => {}
            1 => s.push_str(self.prefill_event),
            n => s.push_str(&self.prefill_events.replace("{events}", &n.to_string())),
        }
        s
    }
}
