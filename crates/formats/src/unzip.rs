//! Bounded unpacking. DOCX and XLSX files are zip archives, and a small archive can claim — or
//! really hold — gigabytes once inflated (a zip bomb). Before a reader opens one, every member is
//! inflated here into a small buffer that is thrown away, counting as it goes, so memory stays
//! bounded whatever the archive claims; an archive past the limits is refused.

use std::io::{Cursor, Read};

/// All members together, inflated.
pub const MAX_TOTAL_BYTES: u64 = 50 * 1024 * 1024;
/// A member larger than this may inflate to at most `MAX_RATIO` times its compressed size.
const RATIO_FROM_BYTES: u64 = 1024 * 1024;
pub const MAX_RATIO: u64 = 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnzipError {
    #[error("not a zip archive (DOCX and XLSX files are): {0}")]
    NotZip(String),
    #[error(
        "the file unpacks to more than {} MB (or {}× its own size in {member:?}); it is refused so that the server stays up",
        MAX_TOTAL_BYTES / 1024 / 1024,
        MAX_RATIO
    )]
    TooLarge { member: String },
}

/// Checks that the archive inflates within the limits, reading it as a reader later would.
pub fn check(bytes: &[u8]) -> Result<(), UnzipError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| UnzipError::NotZip(e.to_string()))?;
    let mut total: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).map_err(|e| UnzipError::NotZip(e.to_string()))?;
        let name = member.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("member {i}"));
        let too_large = || UnzipError::TooLarge { member: name.clone() };
        let allowed = RATIO_FROM_BYTES.max(member.compressed_size().saturating_mul(MAX_RATIO));
        // What the archive claims is checked first (cheap), what it really holds while inflating.
        if member.size() > allowed || total.saturating_add(member.size()) > MAX_TOTAL_BYTES {
            return Err(too_large());
        }
        let mut inflated: u64 = 0;
        loop {
            let n = member.read(&mut buffer).map_err(|e| UnzipError::NotZip(e.to_string()))? as u64;
            if n == 0 {
                break;
            }
            inflated += n;
            total += n;
            if inflated > allowed || total > MAX_TOTAL_BYTES {
                return Err(too_large());
            }
        }
    }
    Ok(())
}

impl UnzipError {
    /// The refusal as a message; a file that is not a zip archive is "not a `what`".
    pub fn message(&self, not_zip: &'static str) -> tiltak_i18n::Message {
        match self {
            UnzipError::NotZip(why) => tiltak_i18n::Message::new(not_zip).arg("detail", why),
            UnzipError::TooLarge { member } => tiltak_i18n::Message::new("file-too-large")
                .arg("mb", MAX_TOTAL_BYTES / 1024 / 1024)
                .arg("ratio", MAX_RATIO)
                .arg("member", member),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn archive(members: &[(&str, u64)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        let chunk = vec![b'a'; 1024 * 1024];
        for (name, size) in members {
            zip.start_file(*name, options).unwrap();
            let mut left = *size;
            while left > 0 {
                let n = left.min(chunk.len() as u64);
                zip.write_all(&chunk[..n as usize]).unwrap();
                left -= n;
            }
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn ordinary_archives_pass() {
        assert_eq!(check(&archive(&[("word/document.xml", 200_000), ("[Content_Types].xml", 1000)])), Ok(()));
    }

    #[test]
    fn a_member_that_inflates_far_past_its_size_is_refused() {
        // 256 MB of one letter compresses to about 250 KB.
        let bomb = archive(&[("word/document.xml", 256 * 1024 * 1024)]);
        assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
        assert!(matches!(check(&bomb), Err(UnzipError::TooLarge { .. })));
    }

    /// An archive that claims a 2 GB member (as a bomb's headers do) is refused from its headers,
    /// before anything is inflated; the readers never see it.
    #[test]
    fn a_member_that_claims_two_gigabytes_is_refused_by_the_readers() {
        let mut bomb = archive(&[("word/document.xml", 4 * 1024 * 1024)]);
        let two_gb = (2u32 * 1024 * 1024 * 1024).to_le_bytes();
        for (signature, offset) in [([0x50, 0x4b, 0x03, 0x04], 22), ([0x50, 0x4b, 0x01, 0x02], 24)] {
            let at = bomb.windows(4).position(|w| w == signature).expect("the header is there");
            bomb[at + offset..at + offset + 4].copy_from_slice(&two_gb);
        }
        assert!(matches!(check(&bomb), Err(UnzipError::TooLarge { .. })));
        let v = tiltak_core::Vocabulary::default_nb();
        let meta = crate::spreadsheet::SheetMeta::default();
        let e = crate::docx::read(&bomb, &v, &meta, &Default::default()).unwrap_err();
        assert!(e.to_string().contains("more than 50 MB"), "{e}");
        let e = crate::spreadsheet::read_xlsx(&bomb, &v, &meta).unwrap_err();
        assert!(e.to_string().contains("more than 50 MB"), "{e}");
    }

    #[test]
    fn many_members_together_past_the_total_are_refused() {
        let members: Vec<(String, u64)> =
            (0..60).map(|i| (format!("xl/sheet{i}.xml"), 1024 * 1024)).collect();
        let members: Vec<(&str, u64)> = members.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        assert!(matches!(check(&archive(&members)), Err(UnzipError::TooLarge { .. })));
    }

    #[test]
    fn not_a_zip_is_named() {
        assert!(matches!(check(b"not a zip"), Err(UnzipError::NotZip(_))));
    }
}
