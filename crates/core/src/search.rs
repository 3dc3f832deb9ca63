//! Search words: how a title or description becomes the words of the search index, scoped to one
//! organisation, and how the hits are marked in the text a person sees.
//!
//! The index holds each word as `o<organisation>x<word>`, so a prefix search ("klima" finds
//! "klimatilpasning") walks one organisation's words, not the country's: its cost does not grow
//! with the number of organisations in the database. Both databases index and query these words,
//! and the marks are set here, so the two find and mark the same.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// At most this many words of a query are used.
pub const MAX_QUERY_WORDS: usize = 12;

/// Runs of a shown text: (is a hit, text). The page escapes the text and marks the hits.
pub type Marked = Vec<(bool, String)>;

/// The words of `text` as search compares them: runs of letters and digits, in lower case, with
/// accents dropped (é → e, å → a; æ and ø are letters of their own).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    spans(text).map(|(start, end)| fold(&text[start..end]))
}

/// The index words of `text` for an organisation, each once, separated by spaces.
pub fn index_words(organisation_id: i64, text: &str) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = String::new();
    for word in words(text) {
        if seen.insert(word.clone()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&scoped(organisation_id, &word));
        }
    }
    out
}

/// A word as the index holds it for one organisation. The `x` ends the number, so no
/// organisation's words start with another's ("o1x…" is never a prefix of "o12x…").
pub fn scoped(organisation_id: i64, word: &str) -> String {
    format!("o{organisation_id}x{word}")
}

/// What a person searched for: its words (at most [`MAX_QUERY_WORDS`]), each matched as the start
/// of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    words: Vec<String>,
}

impl SearchQuery {
    /// `None` when the text has no letters or digits.
    pub fn parse(text: &str) -> Option<Self> {
        let mut unique: Vec<String> = Vec::new();
        for word in words(text) {
            if !unique.contains(&word) {
                unique.push(word);
            }
        }
        unique.truncate(MAX_QUERY_WORDS);
        (!unique.is_empty()).then_some(SearchQuery { words: unique })
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether a word of a text (as [`words`] gives it) is a hit.
    pub fn hits(&self, word: &str) -> bool {
        self.words.iter().any(|w| word.starts_with(w.as_str()))
    }

    /// The whole text, its hits marked.
    pub fn mark(&self, text: &str) -> Marked {
        self.mark_between(text, 0, text.len())
    }

    /// About `max_words` words of `text` around its first hit (from its start when none), cut
    /// ends shown as "…", hits marked. Empty for an empty text.
    pub fn snippet(&self, text: &str, max_words: usize) -> Marked {
        let spans: Vec<(usize, usize)> = spans(text).collect();
        if spans.is_empty() || max_words == 0 {
            return Vec::new();
        }
        let first = spans.iter().position(|&(s, e)| self.hits(&fold(&text[s..e]))).unwrap_or(0);
        // A few words before the hit give it context; a window that runs past the end starts
        // earlier instead.
        let end_word = (first.saturating_sub(3) + max_words).min(spans.len());
        let start_word = end_word.saturating_sub(max_words);
        let start = if start_word == 0 { 0 } else { spans[start_word].0 };
        let end = if end_word == spans.len() { text.len() } else { spans[end_word - 1].1 };
        let mut out = self.mark_between(text, start, end);
        if let Some((false, first)) = out.first_mut() {
            *first = first.trim_start().to_owned();
        }
        if let Some((false, last)) = out.last_mut() {
            *last = last.trim_end().to_owned();
        }
        out.retain(|(_, s)| !s.is_empty());
        if start > 0 {
            out.insert(0, (false, "…".to_owned()));
        }
        if end < text.len() {
            out.push((false, "…".to_owned()));
        }
        merge(out)
    }

    fn mark_between(&self, text: &str, start: usize, end: usize) -> Marked {
        let mut out = Vec::new();
        let mut at = start;
        for (s, e) in spans(&text[start..end]).map(|(s, e)| (s + start, e + start)) {
            if self.hits(&fold(&text[s..e])) {
                if s > at {
                    out.push((false, text[at..s].to_owned()));
                }
                out.push((true, text[s..e].to_owned()));
                at = e;
            }
        }
        if at < end {
            out.push((false, text[at..end].to_owned()));
        }
        out
    }
}

/// Joins neighbouring runs of the same kind.
fn merge(runs: Marked) -> Marked {
    let mut out: Marked = Vec::with_capacity(runs.len());
    for (hit, text) in runs {
        match out.last_mut() {
            Some((h, t)) if *h == hit => t.push_str(&text),
            _ => out.push((hit, text)),
        }
    }
    out
}

/// Byte ranges of the runs of letters and digits in `text`.
fn spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            chars.next();
        }
        Some((start, end))
    })
}

fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    word.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> SearchQuery {
        SearchQuery::parse(text).unwrap()
    }

    fn shown(runs: &Marked) -> String {
        runs.iter().map(|(hit, t)| if *hit { format!("[{t}]") } else { t.clone() }).collect()
    }

    #[test]
    fn words_are_lower_case_without_accents_but_keep_norwegian_letters() {
        let w: Vec<String> = words("Idé-dugnad: Blåbær, ØKONOMI og Geo4Water!").collect();
        assert_eq!(w, ["ide", "dugnad", "blabær", "økonomi", "og", "geo4water"]);
    }

    #[test]
    fn index_words_are_scoped_and_once_each() {
        assert_eq!(index_words(7, "Klima og klima, og mer"), "o7xklima o7xog o7xmer");
        assert_eq!(index_words(7, ""), "");
        // No organisation's words are a prefix of another's.
        assert!(!scoped(12, "a").starts_with(&scoped(1, "")));
    }

    #[test]
    fn a_query_has_its_words_once_and_at_most_twelve() {
        assert!(SearchQuery::parse(" \"<>* ").is_none());
        assert_eq!(q("Klima klima ÅS").words(), ["klima", "as"]);
        let many = (0..20).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(q(&many).words().len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn hits_are_word_starts_marked_as_written() {
        let marked = q("klima å").mark("Klimatilpasning i Ås, ikke «miljøklima»");
        assert_eq!(shown(&marked), "[Klimatilpasning] i [Ås], ikke «miljøklima»");
        assert_eq!(shown(&q("zzz").mark("Ingen treff her")), "Ingen treff her");
    }

    #[test]
    fn a_snippet_is_a_window_around_the_first_hit() {
        let text = "en to tre fire fem seks sju åtte ni ti elleve tolv";
        assert_eq!(shown(&q("åtte").snippet(text, 4)), "…fem seks sju [åtte]…");
        assert_eq!(shown(&q("en").snippet(text, 3)), "[en] to tre…");
        // Near the end the window starts earlier so it stays full.
        assert_eq!(shown(&q("tolv").snippet(text, 4)), "…ni ti elleve [tolv]");
        // No hit: the start of the text.
        assert_eq!(shown(&q("zzz").snippet(text, 2)), "en to…");
        assert!(q("en").snippet("", 24).is_empty());
        assert_eq!(shown(&q("to").snippet("En to.", 24)), "En [to].");
    }
}
