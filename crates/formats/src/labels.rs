//! Column headings and titles of exported documents, in the document's language.

use tiltak_core::Language;

pub struct Labels {
    pub area: &'static str,
    pub measure: &'static str,
    pub status: &'static str,
    pub description: &'static str,
    continue_template: &'static str,
    title_template: &'static str,
}

impl Labels {
    pub fn for_language(language: Language) -> Self {
        match language {
            Language::Nb => Labels {
                area: "Innsatsområde/tverrgående tema",
                measure: "Tiltak",
                status: "Status",
                description: "Beskrivelse",
                continue_template: "Bør videreføres {year}?",
                title_template: "Status – {programme} – {round}",
            },
            Language::En => Labels {
                area: "Focus area / cross-cutting theme",
                measure: "Measure",
                status: "Status",
                description: "Description",
                continue_template: "Continue in {year}?",
                title_template: "Status – {programme} – {round}",
            },
        }
    }

    pub fn continue_next_year(&self, year: i32) -> String {
        self.continue_template.replace("{year}", &(year + 1).to_string())
    }

    pub fn report_title(&self, programme: &str, round: &str) -> String {
        self.title_template.replace("{programme}", programme).replace("{round}", round)
    }
}
