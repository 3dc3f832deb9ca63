//! JSON written and read back is the same document, byte for byte.

use tiltak_core::Vocabulary;
use tiltak_formats::json;

use crate::common::sample;

#[test]
fn json_reads_back_to_the_same_bytes() {
    // As Tiltak exports it: the reader's warnings are written for people (a dry run), not read back.
    let mut sample = sample();
    let with_warnings = json::write(&sample);
    assert!(with_warnings.contains("\"warnings\": [\n    {"), "the sample's warnings are written");
    let read = json::read(with_warnings.as_bytes(), &Vocabulary::default_nb()).unwrap();
    assert!(read.warnings.is_empty());
    sample.warnings.clear();
    let first = json::write(&sample);
    let doc = json::read(first.as_bytes(), &Vocabulary::default_nb()).unwrap();
    let second = json::write(&doc);
    assert_eq!(first, second);
}

#[test]
fn json_has_the_documented_shape() {
    let v: serde_json::Value = serde_json::from_str(&json::write(&sample())).unwrap();
    for key in ["organisation", "title", "year", "round", "sections", "warnings"] {
        assert!(v.get(key).is_some(), "top-level {key}");
    }
    assert_eq!(v["round"]["label"], "pr 2 sept");
    assert_eq!(v["round"]["date"], "2025-09-02");
    let m = &v["sections"][2]["areas"][1]["measures"][0];
    assert_eq!(m["status"]["key"], "ongoing");
    assert_eq!(m["status"]["label"], "Pågående");
    assert_eq!(m["continuation"]["decision"], "yes");
    assert!(m["continuation"]["comment"].is_string());
    assert!(m["continuation"].get("condition").is_some());
    assert!(m["continuation"].get("merge_into").is_some());
    assert_eq!(m["children"].as_array().unwrap().len(), 5);
    assert!(v["warnings"][0]["line"].is_u64());
}

#[test]
fn measures_without_ids_get_the_next_free_ones() {
    let mut v: serde_json::Value = serde_json::from_str(&json::write(&sample())).unwrap();
    v["sections"][0]["areas"][0]["measures"][0]["id"] = serde_json::Value::Null;
    let doc = json::read(v.to_string().as_bytes(), &Vocabulary::default_nb()).unwrap();
    assert_eq!(doc.sections[0].areas[0].measures[0].id, Some(61));
}

#[test]
fn entities_are_an_additive_field_that_reads_back() {
    use tiltak_core::{Entity, EntityKind};
    use tiltak_formats::document::LinkedEntity;
    let mut doc = sample();
    doc.warnings.clear();
    let plain = json::write(&doc);
    assert!(!plain.contains("\"entities\""), "no entities, no field: older readers see the same file");
    let mut project = Entity::new(EntityKind::Project, "Geo4Water");
    project.starts_on = Some(time::macros::date!(2025 - 05 - 01));
    project.ends_on = Some(time::macros::date!(2026 - 08 - 31));
    project.lead_partner = Some("Sintef".into());
    project.partners = vec!["NGU".into()];
    let mut event = Entity::new(EntityKind::Event, "BEST 2025");
    event.starts_on = Some(time::macros::date!(2025 - 06 - 04));
    event.public = false;
    doc.entities = vec![
        LinkedEntity { entity: project, measures: vec![60] },
        LinkedEntity { entity: event, measures: vec![4, 5] },
    ];
    let written = json::write(&doc);
    let v: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(v["entities"][0]["kind"], "project");
    assert_eq!(v["entities"][0]["lead_partner"], "Sintef");
    assert_eq!(v["entities"][1]["starts_on"], "2025-06-04");
    assert_eq!(v["entities"][1]["public"], false);
    let read = json::read(written.as_bytes(), &Vocabulary::default_nb()).unwrap();
    assert_eq!(read.entities, doc.entities);
    // An entity that breaks its kind's rules is refused with its place in the file.
    let bad = written.replace("\"starts_on\": \"2025-06-04\",", "");
    let err = json::read(bad.as_bytes(), &Vocabulary::default_nb()).unwrap_err();
    assert!(err.to_string().starts_with("entities[1]"), "{err}");
}
