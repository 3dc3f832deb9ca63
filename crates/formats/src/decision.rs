//! Reads a continuation comment as written ("Hvis finansiering. …") into its decision, with the
//! phrases of [`crate::phrases`]. Only a clear yes, no, if or merge becomes that kind.

use tiltak_core::MeasureId;
use tiltak_core::round::{Decision, MergeTarget};

use tiltak_i18n::Message;

use crate::phrases::{self, find_phrase, starts_with_phrase};

/// `above` is the measure just above (same parent), which "den over" points to; `titles` are all
/// measures of the programme, for a target named by its title. `warn` hears what could not be resolved.
pub fn classify(
    comment: &str,
    above: Option<(Option<MeasureId>, String)>,
    titles: &[(MeasureId, String)],
    warn: &mut dyn FnMut(Message),
) -> Decision {
    let comment = comment.trim();
    if comment.is_empty() {
        return Decision::Undecided;
    }
    for phrase in phrases::MERGE {
        let Some(at) = find_phrase(comment, phrase) else {
            continue;
        };
        let target_text = comment[at + phrase.len()..].trim().trim_end_matches(['.', ' ']);
        if phrases::MERGE_ABOVE.iter().any(|p| starts_with_phrase(target_text, p)) {
            return match above {
                Some((id, title)) => Decision::Merge { into: MergeTarget { id, title } },
                None => {
                    warn(Message::new("warn-merge-nothing-above").arg("comment", comment));
                    Decision::Undecided
                }
            };
        }
        let wanted = target_text.to_lowercase();
        let found: Vec<_> = titles
            .iter()
            .filter(|(_, t)| !wanted.is_empty() && t.to_lowercase().starts_with(&wanted))
            .collect();
        if let [(id, title)] = found.as_slice() {
            return Decision::Merge { into: MergeTarget { id: Some(*id), title: title.clone() } };
        }
        warn(Message::new("warn-merge-target-unclear").arg("comment", comment).arg("target", target_text));
        return Decision::Undecided;
    }
    if phrases::YES.iter().any(|p| starts_with_phrase(comment, p)) {
        return Decision::Yes;
    }
    if phrases::NO.iter().any(|p| starts_with_phrase(comment, p)) {
        return Decision::No;
    }
    for phrase in phrases::CONDITIONAL {
        if starts_with_phrase(comment, phrase) {
            let after = comment.trim_start()[phrase.len()..].trim_start();
            let condition = first_sentence(after);
            if !condition.is_empty() {
                return Decision::Conditional { condition };
            }
        }
    }
    Decision::Undecided
}

/// Up to the first full stop that ends a sentence ("finansiering. Godt …" → "finansiering").
fn first_sentence(s: &str) -> String {
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        if c == '.' && s[i + 1..].chars().next().is_none_or(char::is_whitespace) {
            end = i;
            break;
        }
    }
    s[..end].trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiltak_core::round::DecisionKind;

    fn kind(comment: &str) -> DecisionKind {
        classify(comment, Some((Some(1), "Over".into())), &[(1, "Over".into())], &mut |_| {}).kind()
    }

    #[test]
    fn clear_words_decide_and_anything_else_is_undecided() {
        assert_eq!(kind("ja"), DecisionKind::Yes);
        assert_eq!(kind("Ja, men må mindre forventinger"), DecisionKind::Yes);
        assert_eq!(kind("Nei, prosjektene vil legges inn som egne poster"), DecisionKind::No);
        assert_eq!(kind("Hvis finansiering. Godt grunnlag"), DecisionKind::Conditional);
        assert_eq!(kind("Bør slås sammen med den over. "), DecisionKind::Merge);
        assert_eq!(kind("innretning og hyppighet bør vurderes"), DecisionKind::Undecided);
        assert_eq!(kind("Prosjektperioden er 2025-26"), DecisionKind::Undecided);
        assert_eq!(kind("januar"), DecisionKind::Undecided, "'ja' must be a whole word");
        assert_eq!(kind(""), DecisionKind::Undecided);
    }

    #[test]
    fn condition_is_the_first_sentence_after_the_keyword() {
        let d =
            classify("Hvis finansiering. Godt grunnlag for nye strategier 2029-2033", None, &[], &mut |_| {});
        assert_eq!(d, Decision::Conditional { condition: "finansiering".into() });
        let d = classify("Hvis det skal etableres nytt Team Oslo", None, &[], &mut |_| {});
        assert_eq!(d, Decision::Conditional { condition: "det skal etableres nytt Team Oslo".into() });
    }

    #[test]
    fn merge_without_a_measure_above_is_left_undecided_with_a_warning() {
        let mut warnings = Vec::new();
        let d = classify("Bør slås sammen med den over", None, &[], &mut |w| warnings.push(w));
        assert_eq!(d, Decision::Undecided);
        assert_eq!(warnings.len(), 1);
        let d = classify(
            "slås sammen med Målrettet profilering",
            None,
            &[(4, "Målrettet profilering knyttet til".into())],
            &mut |_| {},
        );
        assert_eq!(d.kind(), DecisionKind::Merge);
    }
}
