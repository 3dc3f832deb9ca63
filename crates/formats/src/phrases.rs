//! The importer's language tables: the words that tell sections, statuses and continuation decisions
//! apart in Norwegian reports. Core rules never see these; they see the kinds these words map to.

/// Section headings of a programme (compared lowercase, without a trailing colon).
pub const SECTION_TITLES: &[&str] = &[
    "politiske prioriteringer",
    "politiske prioriteringar",
    "overordna strategier",
    "overordnede strategier",
    "overordna strategiar",
    "innsatsområder",
    "innsatsområde",
    "innsatsområde",
    "satsingsområder",
    "fokusområder",
    "tverrgående temaer",
    "tverrgående tema",
    "tverrgåande tema",
    "political priorities",
    "overarching strategies",
    "focus areas",
    "cross-cutting themes",
];

/// Words of the column-heading line (`Innsatsområde/tverrgående temaTiltak Status Beskrivelse …`).
pub const COLUMN_HEADING_WORDS: &[&str] = &[
    "tiltak",
    "status",
    "beskrivelse",
    "videreføres",
    "skildring",
    "vidareførast",
    "measure",
    "description",
];

/// The fixed first part of the title line, `Status - <programme> - <round>`.
pub const TITLE_KEYWORDS: &[&str] = &["status", "statusrapport", "status report"];

/// A continuation comment that starts with one of these is a clear yes.
pub const YES: &[&str] = &["ja", "yes"];
/// … a clear no.
pub const NO: &[&str] = &["nei", "no"];
/// … continue only if (the rest of the sentence is the condition).
pub const CONDITIONAL: &[&str] = &["hvis", "dersom", "viss", "forutsatt at", "if", "only if"];
/// A comment holding one of these asks to merge with another measure.
pub const MERGE: &[&str] =
    &["slås sammen med", "slå sammen med", "slåast saman med", "sammenslås med", "merge with"];
/// After a merge phrase: the measure just above.
pub const MERGE_ABOVE: &[&str] =
    &["den over", "den ovenfor", "tiltaket over", "tiltaket ovenfor", "the one above"];
/// A `no` whose comment says the work goes on as separate items (rollover flags it).
pub const SEPARATE_ITEMS: &[&str] = &["egne poster", "egne tiltak", "separate items"];

/// Words that begin the continuation column. At the start of a line any case counts; in the middle
/// of a line `ja`/`nei` count in any case, the others only capitalised ("… ressurser Bør vurderes").
pub const COMMENT_OPENERS_ANY_CASE: &[&str] = &["ja", "nei"];
pub const COMMENT_OPENERS: &[&str] = &["hvis", "dersom", "bør", "prosjektperioden", "prosjektperiode"];

/// Month names and abbreviations, for round labels such as "pr 2 sept".
pub const MONTHS: &[(&str, u8)] = &[
    ("januar", 1),
    ("jan", 1),
    ("februar", 2),
    ("feb", 2),
    ("mars", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("mai", 5),
    ("juni", 6),
    ("jun", 6),
    ("juli", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("oktober", 10),
    ("okt", 10),
    ("november", 11),
    ("nov", 11),
    ("desember", 12),
    ("des", 12),
];

/// Lowercase, whitespace folded, trailing colon and spaces dropped: how headings are compared.
pub fn heading_key(s: &str) -> String {
    let folded = tiltak_core::status::normalise_label(s);
    folded.trim_end_matches([':', ' ']).to_owned()
}

pub fn is_section_title(s: &str) -> bool {
    let key = heading_key(s);
    !key.is_empty() && SECTION_TITLES.contains(&key.as_str())
}

/// Whether `text` starts with `phrase` as whole words (case-insensitive).
pub fn starts_with_phrase(text: &str, phrase: &str) -> bool {
    let lower = text.trim_start().to_lowercase();
    lower.starts_with(phrase) && lower[phrase.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric())
}

/// Where `phrase` occurs in `text` as whole words (byte offset into the lowercased text).
pub fn find_phrase(text: &str, phrase: &str) -> Option<usize> {
    let lower = text.to_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(phrase) {
        let at = from + pos;
        let before_ok = lower[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after_ok = lower[at + phrase.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + phrase.len();
    }
    None
}

/// What a table's heading suggests its column holds, in Norwegian, Swedish, Danish and English:
/// (the heading, folded, or how it starts; the target's key; how sure, 1–10). A heading may
/// suggest more than one target: the surest column gets a target, the others their next choice.
pub const HEADINGS: &[(&str, &str, u8)] = &[
    ("seksjon", "section", 9),
    ("kapittel", "section", 9),
    ("section", "section", 9),
    ("chapter", "section", 9),
    ("hovedområde", "section", 8),
    ("innsatsområde", "area", 10),
    ("tverrgående", "area", 10),
    ("fokusområde", "area", 10),
    ("satsingsområde", "area", 10),
    ("satsningsområde", "area", 10),
    ("indsatsområde", "area", 10),
    ("målområde", "area", 10),
    ("område", "area", 9),
    ("focus area", "area", 10),
    ("area", "area", 9),
    ("theme", "area", 9),
    ("tema", "area", 9),
    ("nämnd", "area", 9),
    ("nemnd", "area", 9),
    ("udvalg", "area", 9),
    ("utvalg", "area", 9),
    ("tiltak", "measure", 10),
    ("measure", "measure", 10),
    ("uppdrag", "measure", 10),
    ("oppdrag", "measure", 10),
    ("opgave", "measure", 9),
    ("åtgärd", "measure", 10),
    ("objective", "measure", 10),
    ("action", "measure", 10),
    ("aktivitet", "measure", 8),
    ("activity", "measure", 8),
    ("initiativ", "measure", 8),
    ("initiative", "measure", 8),
    ("indsats", "measure", 8),
    ("status", "status", 10),
    ("stage", "status", 9),
    ("fremdrift", "status", 8),
    ("fremdrift", "description", 5),
    ("progress", "status", 7),
    ("progress", "description", 5),
    ("läge", "status", 8),
    ("beskrivelse", "description", 10),
    ("beskrivning", "description", 10),
    ("description", "description", 10),
    ("rapportering", "description", 7),
    ("redegjørelse", "description", 7),
    ("update", "description", 6),
    ("kommentar", "description", 4),
    ("kommentar", "continuation_comment", 3),
    ("comment", "description", 4),
    ("comments", "description", 4),
    ("comments", "continuation_comment", 3),
    ("kommentarer", "description", 4),
    ("kommentarer", "continuation_comment", 3),
    ("comment", "continuation_comment", 3),
    ("merknad", "description", 4),
    ("bør videreføres", "continuation_comment", 10),
    ("videreføres", "continuation_comment", 10),
    ("videreføring", "continuation_comment", 10),
    ("continuation", "continuation_comment", 9),
    ("continue", "continuation_comment", 9),
    ("beslutning", "decision", 8),
    ("decision", "decision", 8),
    ("vedtak neste år", "decision", 9),
];

/// Status words of other organisations' tables and the category each means, to suggest a
/// mapping of a label the organisation's vocabulary does not know (a person confirms it).
pub const STATUS_WORDS: &[(&str, &str)] = &[
    ("not started", "not_started"),
    ("ikke startet", "not_started"),
    ("ikke påbegynt", "not_started"),
    ("ikke begynt", "not_started"),
    ("ej påbörjad", "not_started"),
    ("ej påbörjat", "not_started"),
    ("ej startad", "not_started"),
    ("ikke påbegyndt", "not_started"),
    ("planned", "not_started"),
    ("planlagt", "not_started"),
    ("planerad", "not_started"),
    ("in progress", "in_progress"),
    ("ongoing", "in_progress"),
    ("on track", "in_progress"),
    ("delayed", "in_progress"),
    ("at risk", "in_progress"),
    ("started", "in_progress"),
    ("pågår", "in_progress"),
    ("pågående", "in_progress"),
    ("påbörjad", "in_progress"),
    ("påbörjat", "in_progress"),
    ("igangsatt", "in_progress"),
    ("igangsat", "in_progress"),
    ("i gang", "in_progress"),
    ("under arbeid", "in_progress"),
    ("forsinket", "in_progress"),
    ("försenad", "in_progress"),
    ("done", "done"),
    ("completed", "done"),
    ("complete", "done"),
    ("finished", "done"),
    ("implemented", "done"),
    ("avslutat", "done"),
    ("avslutad", "done"),
    ("genomförd", "done"),
    ("genomfört", "done"),
    ("klar", "done"),
    ("ferdig", "done"),
    ("fullført", "done"),
    ("utført", "done"),
    ("afsluttet", "done"),
    ("gennemført", "done"),
    ("cancelled", "dropped"),
    ("canceled", "dropped"),
    ("dropped", "dropped"),
    ("stopped", "dropped"),
    ("avbrutet", "dropped"),
    ("avbruten", "dropped"),
    ("stoppet", "dropped"),
    ("avlyst", "dropped"),
    ("utgår", "dropped"),
    ("skrinlagt", "dropped"),
];

/// What a measure's text may mention (see [`crate::mentions`]): words that name an event, with
/// the event's category. A word of the text names one when it ends with the stem (compounds:
/// "energiworkshop", "faggruppemøte") followed by one of [`SINGULAR_ENDINGS`]; plurals
/// ("webinarer", "workshops") speak of events in general and do not.
pub const EVENT_WORDS: &[(&str, &str)] = &[
    ("webinar", "webinar"),
    ("seminar", "seminar"),
    ("konferanse", "conference"),
    ("konferansen", "conference"),
    ("arendalsuka", "conference"),
    ("fagsamling", "meeting"),
    ("fagsamlinga", "meeting"),
    ("samling", "meeting"),
    ("workshop", "workshop"),
    ("verksted", "workshop"),
    ("møte", "meeting"),
    ("møtet", "meeting"),
    ("frokostmøte", "meeting"),
    ("dialogmøte", "meeting"),
    ("arrangement", "other"),
    ("conference", "conference"),
    ("meeting", "meeting"),
];

/// What may follow an event word's stem in the same word (the definite forms).
pub const SINGULAR_ENDINGS: &[&str] = &["", "et", "en", "a"];

/// Phrases that make a clause speak of events in general ("arr vurderes etter behov", "andre
/// arrangement på aktuelle tema"): no event is suggested from it.
pub const GENERAL_EVENT_PHRASES: &[&str] = &[
    "vurderes etter behov",
    "andre arrangement",
    "aktuelle tema",
    "ulike interessenter",
    "hyppighet",
    "etter workshop",
];

/// Phrases that make an event someone else's, not the organisation's ("regjeringens
/// budsjettkonferanse", to which input was sent).
pub const OTHERS_EVENT_PHRASES: &[&str] = &["regjeringens", "stortingets", "departementets"];

/// A project word glued to a name ("energistasjonsprosjektet", "samlastingsprosjekt") names a
/// project, unless the first part only says which phase or part of one it is.
pub const GENERIC_PROJECT_PREFIXES: &[&str] = &["for", "hoved", "del", "under", "nytt", "ny"];

/// Words that name a board decision.
pub const DECISION_WORDS: &[&str] = &[
    "styrevedtak",
    "styrevedtaket",
    "vedtak i styret",
    "styret vedtok",
    "styret har vedtatt",
    "vedtatt av styret",
    "representantskapsvedtak",
    "vedtak i representantskapet",
    "board decision",
];

/// Words that name a project; a name written with a capital letter (or digits) right after it, or
/// right before it ("IMDi prosjekt"), or glued to it ("Klimasats-prosjektet"), is the project's.
pub const PROJECT_WORDS: &[&str] = &["prosjekt", "prosjektet", "project"];

/// The ends of a compound project word ("…sprosjektet").
pub const PROJECT_WORD_ENDINGS: &[&str] = &["prosjektet", "prosjekt"];

/// A period of a project in the same text ("prosjektperiode mai2025-aug2026").
pub const PROJECT_PERIOD_WORDS: &[&str] = &["prosjektperiode", "prosjektperioden", "project period"];

/// Words in front of an event that are not part of its name.
pub const LEADING_WORDS: &[&str] = &[
    "gjennomført",
    "gjennomføre",
    "gjennomførte",
    "planlegge",
    "planlegger",
    "under planlegging",
    "arrangere",
    "arrangert",
    "avholdt",
    "holdt",
    "tema på",
    "tema for",
    "tema i",
    "innledere på",
    "deltatt på",
    "deltok på",
];
