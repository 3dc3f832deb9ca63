//! The JSON form of a status report: what `import --dry-run --format json` prints and `export
//! --format json` writes, read back with errors that name the JSON path.

use tiltak_core::status::Vocabulary;
use tiltak_core::{Measure, ProgrammeError};

use crate::document::ReportDocument;

#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    #[error("not valid JSON for a status report at {path}: {message}")]
    Shape { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{0}")]
    Tree(#[from] ProgrammeError),
}

/// Pretty JSON with a final newline; the same document always gives the same bytes.
pub fn write(doc: &ReportDocument) -> String {
    let mut out = serde_json::to_string_pretty(doc).expect("a report document always serialises");
    out.push('\n');
    out
}

/// Reads a document and checks it against the organisation's vocabulary and the tree's rules.
/// Measures without an id get the next free one; merge targets are resolved by id (or unique title).
pub fn read(bytes: &[u8], vocabulary: &Vocabulary) -> Result<ReportDocument, JsonError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let mut doc: ReportDocument = serde_path_to_error::deserialize(de)
        .map_err(|e| JsonError::Shape { path: e.path().to_string(), message: e.inner().to_string() })?;
    for (si, s) in doc.sections.iter().enumerate() {
        for (mi, m) in s.measures.iter().enumerate() {
            check_measure(m, &format!("sections[{si}].measures[{mi}]"), vocabulary)?;
        }
        for (ai, a) in s.areas.iter().enumerate() {
            if a.title.trim().is_empty() {
                return Err(JsonError::Invalid {
                    path: format!("sections[{si}].areas[{ai}].title"),
                    message: "an area needs a title".into(),
                });
            }
            for (mi, m) in a.measures.iter().enumerate() {
                check_measure(m, &format!("sections[{si}].areas[{ai}].measures[{mi}]"), vocabulary)?;
            }
        }
    }
    let mut programme = doc.programme();
    programme.validate()?;
    programme.assign_ids();
    programme.resolve_merge_targets();
    programme.validate()?;
    doc.sections = programme.sections;
    Ok(doc)
}

fn check_measure(m: &Measure, path: &str, vocabulary: &Vocabulary) -> Result<(), JsonError> {
    if m.title.trim().is_empty() {
        return Err(JsonError::Invalid {
            path: format!("{path}.title"),
            message: "a measure needs a title".into(),
        });
    }
    vocabulary
        .status(m.entry.status.key(), m.entry.status.label())
        .map_err(|e| JsonError::Invalid { path: format!("{path}.status.key"), message: e.to_string() })?;
    for (ci, c) in m.children.iter().enumerate() {
        check_measure(c, &format!("{path}.children[{ci}]"), vocabulary)?;
    }
    Ok(())
}
