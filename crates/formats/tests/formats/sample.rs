//! The sample reads to the table written by hand in fixtures/sample-expected.txt.

use tiltak_core::{Decision, DecisionKind};

use crate::common::sample;

struct Expected {
    line: usize,
    section: String,
    area: Option<String>,
    depth: usize,
    title_start: String,
    status: String,
    decision: String,
    description_start: String,
}

fn expected() -> Vec<Expected> {
    let text = include_str!("fixtures/sample-expected.txt");
    let mut section = String::new();
    let mut area = None;
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        if let Some(s) = line.strip_prefix("section: ") {
            section = s.to_owned();
            area = None;
        } else if let Some(a) = line.strip_prefix("area: ") {
            area = Some(a.to_owned());
        } else {
            let cols: Vec<&str> = line.split(" | ").collect();
            assert_eq!(cols.len(), 5, "fixture line {line:?}");
            let depth = cols[1].chars().take_while(|c| *c == '>').count();
            rows.push(Expected {
                line: cols[0].parse().unwrap(),
                section: section.clone(),
                area: area.clone(),
                depth,
                title_start: cols[1].trim_start_matches(['>', ' ']).to_owned(),
                status: cols[2].to_owned(),
                decision: cols[3].to_owned(),
                description_start: if cols[4] == "-" { String::new() } else { cols[4].to_owned() },
            });
        }
    }
    rows
}

#[test]
fn sample_reads_to_the_hand_written_table() {
    let doc = sample();
    let programme = doc.programme();
    let measures = programme.measures();
    let expected = expected();
    assert_eq!(expected.len(), 60, "the fixture itself lists the sample's 60 measures");
    assert_eq!(measures.len(), expected.len());
    for ((path, m), e) in measures.iter().zip(&expected) {
        let at = format!("measure from line {} ({:?})", e.line, e.title_start);
        assert_eq!(doc.source_lines[&m.id.unwrap()], e.line, "{at}: source line");
        assert_eq!(path.section, e.section, "{at}: section");
        assert_eq!(path.area.map(str::to_owned), e.area, "{at}: area");
        assert_eq!(path.depth, e.depth, "{at}: depth");
        assert!(m.title.starts_with(&e.title_start), "{at}: title {:?}", m.title);
        assert_eq!(m.entry.status.key(), e.status, "{at}: status");
        assert_eq!(
            m.entry.continuation.decision.kind().key(),
            e.decision,
            "{at}: decision of {:?}",
            m.entry.continuation.comment
        );
        if e.description_start.is_empty() {
            assert_eq!(m.entry.description, "", "{at}: description");
        } else {
            assert!(
                m.entry.description.starts_with(&e.description_start),
                "{at}: description {:?}",
                m.entry.description
            );
        }
    }
}

#[test]
fn title_year_and_round_come_from_the_title_line() {
    let doc = sample();
    assert_eq!(doc.title, "Osloregionens handlingsprogram 2025");
    assert_eq!(doc.year, 2025);
    assert_eq!(doc.round.label, "pr 2 sept");
    assert_eq!(doc.round.date.map(|d| d.to_string()), Some("2025-09-02".to_owned()));
    let sections: Vec<_> =
        doc.sections.iter().map(|s| (s.title.as_str(), s.areas.len(), s.measures.len())).collect();
    assert_eq!(
        sections,
        [
            ("Politiske prioriteringer", 1, 0),
            ("Overordna strategier:", 0, 6),
            ("Innsatsområder", 4, 0),
            ("Tverrgående temaer", 5, 0)
        ]
    );
}

#[test]
fn decisions_carry_their_condition_and_merge_target_and_comments_stay_as_written() {
    let doc = sample();
    let programme = doc.programme();
    let by_line = |line: usize| {
        let id = doc.source_lines.iter().find(|(_, l)| **l == line).map(|(id, _)| *id).unwrap();
        programme.measures().into_iter().find(|(_, m)| m.id == Some(id)).unwrap().1.clone()
    };
    let foresight = by_line(21);
    assert_eq!(
        foresight.entry.continuation.decision,
        Decision::Conditional { condition: "finansiering".into() }
    );
    assert_eq!(
        foresight.entry.continuation.comment,
        "Hvis finansiering. Godt grunnlag for nye strategier 2029-2033"
    );
    let merged = by_line(236);
    let Decision::Merge { into } = &merged.entry.continuation.decision else { panic!("236 merges") };
    assert_eq!(into.id, by_line(227).id, "'den over' is the measure above");
    assert!(into.title.starts_with("Målrettet profilering"));
    let team_oslo = by_line(242);
    assert_eq!(team_oslo.entry.continuation.decision.kind(), DecisionKind::Conditional);
    assert_eq!(team_oslo.entry.description, "Oslo kommune har ikke gjenopprettet Team Oslo");
    assert_eq!(by_line(152).entry.continuation.comment, "Prosjektperioden er 2025-26");
    assert_eq!(
        by_line(152).entry.description,
        "Fase 1 startet opp i januar. Ny prosjektleder startet 1.mai 2025"
    );
    assert_eq!(by_line(10).entry.description.lines().count(), 2, "a hard line break inside a cell is kept");
}

#[test]
fn guesses_are_reported_with_their_line() {
    let doc = sample();
    let lines: Vec<usize> = doc.warnings.iter().map(|w| w.line).collect();
    assert!(lines.contains(&30), "the shared description/comment line is flagged: {:?}", doc.warnings);
    assert!(lines.contains(&174), "the non-bullet under an umbrella is flagged: {:?}", doc.warnings);
}
