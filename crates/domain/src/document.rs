//! The paper file's documents: what kind of paper each is, which formats
//! nido keeps (read from the content, never from what the client says),
//! and who may remove one.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::intervention::Confidentiality;

string_enum! {
    /// What a document is.
    DocumentKind {
        Identity => "identity",
        ResidencePermit => "residence_permit",
        Caf => "caf",
        Health => "health",
        AseDecision => "ase_decision",
        /// The contract of stay (or DIPC) signed and scanned: it sets the
        /// contract's `signed_on` if it was empty.
        SignedContract => "signed_contract",
        Housing => "housing",
        Income => "income",
        Schooling => "schooling",
        Other => "other",
    }
}

/// A title: 1 to 200 characters once trimmed.
pub const TITLE_MAX: u64 = 200;
/// Why a document was removed: 1 to 1,000 characters once trimmed.
pub const REASON_MAX: u64 = 1000;
/// Its author may remove a document this long after she added it; a
/// coordinator at any time.
pub const AUTHOR_MAY_DELETE_FOR: Duration = Duration::hours(24);

/// The formats nido keeps: what scanners and phones make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
    Webp,
    Heic,
}

impl MediaType {
    pub const ALL: &'static [MediaType] = &[
        MediaType::Pdf,
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Webp,
        MediaType::Heic,
    ];

    /// The format of `content`, read from its first bytes, or `None` when
    /// it is none of those nido keeps. The signatures: `%PDF-`; JPEG's
    /// start-of-image marker followed by a marker (`FF D8 FF`); PNG's
    /// eight-byte signature; a RIFF container of type `WEBP`; an ISO base
    /// media file whose `ftyp` box names a HEIF brand of still images
    /// (`heic`, `heix`, `heim`, `heis`, `mif1`, `msf1`).
    pub fn sniff(content: &[u8]) -> Option<MediaType> {
        const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
        const HEIF_BRANDS: &[&[u8; 4]] = &[b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"];
        if content.starts_with(b"%PDF-") {
            return Some(MediaType::Pdf);
        }
        if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(MediaType::Jpeg);
        }
        if content.starts_with(PNG) {
            return Some(MediaType::Png);
        }
        if content.len() >= 12 && &content[..4] == b"RIFF" && &content[8..12] == b"WEBP" {
            return Some(MediaType::Webp);
        }
        if content.len() >= 12 && &content[4..8] == b"ftyp" {
            let brand = &content[8..12];
            if HEIF_BRANDS.iter().any(|known| &known[..] == brand) {
                return Some(MediaType::Heic);
            }
        }
        None
    }

    /// Its media type, as the download's `Content-Type`.
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Webp => "image/webp",
            MediaType::Heic => "image/heic",
        }
    }

    /// The file name's extension a download gets.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Webp => "webp",
            MediaType::Heic => "heic",
        }
    }

    /// The media type named by `mime`, as stored.
    pub fn from_mime(mime: &str) -> Option<MediaType> {
        MediaType::ALL.iter().copied().find(|m| m.mime() == mime)
    }
}

/// Who removed a document, when and why: the row keeps it once the
/// content is erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub at: DateTime<Utc>,
    pub by: Uuid,
    pub reason: String,
}

/// A document of a family's file: its description, never its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: Uuid,
    pub family_id: Uuid,
    pub child_id: Option<Uuid>,
    pub placement_id: Option<Uuid>,
    pub kind: DocumentKind,
    pub title: String,
    /// `Restricted`: visible to its author only.
    pub confidentiality: Confidentiality,
    pub media_type: MediaType,
    /// The plain content's size and SHA-256 (hex).
    pub size_bytes: i64,
    pub sha256: String,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
    /// Set once removed: the content is gone for good.
    pub removal: Option<Removal>,
}

impl Document {
    /// Whether `viewer` may see it, the family being hers to see: a team
    /// document, or a restricted one she added.
    pub fn visible_to(&self, viewer: Uuid) -> bool {
        self.confidentiality == Confidentiality::Team || self.author_id == viewer
    }

    /// Whether its author may still remove it at `now`.
    pub fn author_may_remove(&self, author: Uuid, now: DateTime<Utc>) -> bool {
        self.author_id == author && now - self.created_at <= AUTHOR_MAY_DELETE_FOR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_read_from_the_first_bytes() {
        assert_eq!(
            MediaType::sniff(b"%PDF-1.7\n%\xe2\xe3"),
            Some(MediaType::Pdf)
        );
        assert_eq!(
            MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(MediaType::Jpeg)
        );
        assert_eq!(
            MediaType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(MediaType::Png)
        );
        assert_eq!(
            MediaType::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some(MediaType::Webp)
        );
        assert_eq!(
            MediaType::sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Some(MediaType::Heic)
        );
        assert_eq!(
            MediaType::sniff(b"\0\0\0\x18ftypmif1\0\0\0\0"),
            Some(MediaType::Heic)
        );
        // What is refused: a video in the same container, a text, a
        // document named .pdf, an HTML page, a truncated signature, nothing.
        for refused in [
            &b"\0\0\0\x18ftypmp42\0\0\0\0"[..],
            b"hello",
            b"<html><script>alert(1)</script>",
            b" %PDF-1.7",
            b"\x89PNG\r\n",
            b"RIFF\x24\0\0\0WAVE",
            b"",
        ] {
            assert_eq!(MediaType::sniff(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn each_format_names_itself_and_is_found_by_its_name() {
        for media in MediaType::ALL {
            assert_eq!(MediaType::from_mime(media.mime()), Some(*media));
        }
        assert_eq!(MediaType::from_mime("text/html"), None);
    }

    #[test]
    fn its_author_may_remove_a_document_for_a_day_and_nobody_else_may() {
        let at = DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z")
            .expect("instant")
            .to_utc();
        let author = Uuid::from_u128(1);
        let document = Document {
            id: Uuid::from_u128(9),
            family_id: Uuid::from_u128(2),
            child_id: None,
            placement_id: None,
            kind: DocumentKind::Caf,
            title: "Attestation CAF".into(),
            confidentiality: Confidentiality::Restricted,
            media_type: MediaType::Pdf,
            size_bytes: 10,
            sha256: String::new(),
            author_id: author,
            created_at: at,
            removal: None,
        };
        assert!(document.author_may_remove(author, at + Duration::hours(24)));
        assert!(
            !document.author_may_remove(author, at + Duration::hours(24) + Duration::seconds(1))
        );
        assert!(!document.author_may_remove(Uuid::from_u128(3), at));
        assert!(document.visible_to(author));
        assert!(!document.visible_to(Uuid::from_u128(3)));
    }
}
