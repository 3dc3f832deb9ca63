//! Input that is not a status report gets a clear message naming the line.

use tiltak_core::Vocabulary;
use tiltak_formats::json::{self, JsonError};
use tiltak_formats::report_text::{TextError, parse, parse_bytes};

use crate::common::SAMPLE;

#[test]
fn empty_text_is_refused() {
    assert_eq!(parse("  \n\n", &Vocabulary::default_nb(), &Default::default()), Err(TextError::Empty));
}

#[test]
fn windows_1252_is_refused_with_its_line() {
    // "Pågående" with å as the single Windows-1252 byte 0xE5, on line 3.
    let bytes = b"Status - Plan 2025 - pr 1 mai\n\nInnsatsomr\xe5de\n".to_vec();
    let err = parse_bytes(&bytes, &Vocabulary::default_nb(), &Default::default()).unwrap_err();
    assert_eq!(err, TextError::NotUtf8 { line: 3 });
    assert!(err.to_string().contains("line 3"));
}

#[test]
fn text_that_is_not_a_status_report_names_the_line_and_what_was_expected() {
    let err =
        parse("\nHandleliste\nmelk\nbrød\n", &Vocabulary::default_nb(), &Default::default()).unwrap_err();
    assert!(matches!(err, TextError::NoTitle { line: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("Status - <programme> - <round>"));
    let err =
        parse("Status - Plan 2025 - pr 1 mai\n", &Vocabulary::default_nb(), &Default::default()).unwrap_err();
    assert_eq!(err, TextError::NoMeasures);
    let err = parse(
        "Status - Plan - pr 1 mai\n* Et tiltak Pågående\n",
        &Vocabulary::default_nb(),
        &Default::default(),
    )
    .unwrap_err();
    assert!(matches!(err, TextError::NoYear { line: 1, .. }), "{err:?}");
}

#[test]
fn a_year_given_by_the_caller_wins_over_the_title() {
    let options = tiltak_formats::report_text::TextOptions { year: Some(2031), ..Default::default() };
    let doc = parse(SAMPLE, &Vocabulary::default_nb(), &options).unwrap();
    assert_eq!(doc.year, 2031);
    assert_eq!(doc.round.date.unwrap().year(), 2031);
}

fn sample_json() -> serde_json::Value {
    serde_json::from_str(&json::write(&crate::common::sample())).unwrap()
}

#[test]
fn json_with_an_unknown_status_key_names_the_path() {
    let mut v = sample_json();
    v["sections"][2]["areas"][1]["measures"][0]["children"][3]["status"]["key"] = "finished".into();
    let err = json::read(v.to_string().as_bytes(), &Vocabulary::default_nb()).unwrap_err();
    assert!(matches!(err, JsonError::Invalid { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with("sections[2].areas[1].measures[0].children[3].status.key"), "{msg}");
    assert!(msg.contains("finished"), "{msg}");
}

#[test]
fn json_with_a_broken_tree_names_the_path_or_the_rule() {
    let mut v = sample_json();
    v["sections"][0]["areas"][0]["measures"][0]["children"] = "not a list".into();
    let err = json::read(v.to_string().as_bytes(), &Vocabulary::default_nb()).unwrap_err();
    assert!(err.to_string().contains("sections[0].areas[0].measures[0].children"), "{err}");

    let mut v = sample_json();
    v["sections"][1]["measures"][1]["id"] = 2.into();
    let err = json::read(v.to_string().as_bytes(), &Vocabulary::default_nb()).unwrap_err();
    assert_eq!(err.to_string(), "measure id 2 is used more than once");

    let mut v = sample_json();
    v["sections"][1]["measures"][0]["continuation"] =
        serde_json::json!({"decision": "merge", "comment": "", "merge_into_id": 999});
    let err = json::read(v.to_string().as_bytes(), &Vocabulary::default_nb()).unwrap_err();
    assert!(err.to_string().contains("999"), "{err}");

    let err = json::read(b"{\"title\": 5}", &Vocabulary::default_nb()).unwrap_err();
    assert!(err.to_string().contains("title"), "{err}");
}

/// A person is told in their language what is wrong with a JSON file and where, not serde's English.
#[test]
fn json_faults_are_told_in_norwegian_with_line_and_column() {
    let nb = tiltak_i18n::Tr::new(tiltak_core::Language::Nb);
    let said = |bytes: &[u8]| {
        let p = json::read(bytes, &Vocabulary::default_nb()).unwrap_err().problem();
        format!("{}: {}", nb.message(&p.place), nb.message(&p.message))
    };
    let syntax = said(b"{\n  \"title\": \"x\",,\n}");
    assert!(syntax.contains("ikke gyldig JSON på linje 2"), "{syntax}");
    let eof = said(b"{\"title\": \"x\"");
    assert!(eof.contains("slutter før den er ferdig"), "{eof}");
    let shape = said(b"{\"title\": 5}");
    assert!(shape.contains("feil form") && shape.contains("title"), "{shape}");
    for text in [syntax, eof, shape] {
        assert!(!text.contains("expected") && !text.contains("invalid type"), "no English: {text}");
    }
}
