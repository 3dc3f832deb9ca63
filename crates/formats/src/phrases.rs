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
