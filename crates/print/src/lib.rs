//! The papers nido writes (SPEC "Generated documents (PDF)"): each a typst
//! template kept in `templates/`, filled with the JSON its use case
//! gathers, laid out by typst as a library with the fonts shipped in
//! `fonts/` (DejaVu Sans), written as PDF/A-2b.
//!
//! Nothing here reads the clock, the disk or the network: the template and
//! its data, the fonts and the instant given make the whole input, so the
//! same data at the same instant give the same bytes. A template's version
//! is audited with each paper it wrote.

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Timelike, Utc};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// A paper nido writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// The contrat de séjour, or the document individuel de prise en charge.
    Contract,
    /// The avenant of a renewal.
    Amendment,
    /// The attestation d'hébergement.
    Attestation,
    /// The activity report for the département.
    ActivityReport,
}

impl Template {
    pub const ALL: &'static [Template] = &[
        Template::Contract,
        Template::Amendment,
        Template::Attestation,
        Template::ActivityReport,
    ];

    /// Its name and version, as audited: raise the version with any change
    /// of the template's text (a test pins each template's digest to it).
    pub fn version(self) -> &'static str {
        match self {
            Template::Contract => "contrat/2",
            Template::Amendment => "avenant/2",
            Template::Attestation => "attestation/2",
            Template::ActivityReport => "rapport-activite/3",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Template::Contract => include_str!("../templates/contrat.typ"),
            Template::Amendment => include_str!("../templates/avenant.typ"),
            Template::Attestation => include_str!("../templates/attestation.typ"),
            Template::ActivityReport => include_str!("../templates/rapport-activite.typ"),
        }
    }
}

/// The layout common to every paper: page, fonts, headings, the centre's
/// letterhead.
const COMMON: &str = include_str!("../templates/commun.typ");

/// Why a paper could not be written: a template that does not fit its
/// data, which is nido's mistake, never the user's.
#[derive(Debug, thiserror::Error)]
#[error("the template {template} could not be laid out: {detail}")]
pub struct PrintError {
    pub template: &'static str,
    pub detail: String,
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// The shipped fonts, read once.
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = [
            &include_bytes!("../fonts/DejaVuSans.ttf")[..],
            &include_bytes!("../fonts/DejaVuSans-Bold.ttf")[..],
        ]
        .into_iter()
        .filter_map(|data| Font::new(Bytes::new(data), 0))
        .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn file_id(name: &str) -> FileResult<FileId> {
    let path = VirtualPath::new(name).map_err(|_| FileError::AccessDenied)?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// One paper's world: its template, the common layout, its data.
struct Paper {
    main: Source,
    common: Source,
    data: Bytes,
    today: Datetime,
}

impl World for Paper {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match id.get().vpath().get_with_slash() {
            "/main.typ" => Ok(self.main.clone()),
            "/commun.typ" => Ok(self.common.clone()),
            _ => Err(FileError::AccessDenied),
        }
    }

    /// The data, and nothing else: a template reads no file of the server.
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        match id.get().vpath().get_with_slash() {
            "/data.json" => Ok(self.data.clone()),
            _ => Err(FileError::AccessDenied),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn datetime(at: DateTime<Utc>) -> Option<Datetime> {
    Datetime::from_ymd_hms(
        at.year(),
        u8::try_from(at.month()).ok()?,
        u8::try_from(at.day()).ok()?,
        u8::try_from(at.hour()).ok()?,
        u8::try_from(at.minute()).ok()?,
        u8::try_from(at.second()).ok()?,
    )
}

/// Writes `template` filled with `data` (read by the template as
/// `data.json`) as a PDF/A-2b dated `at`, titled `title`. CPU-bound: run it
/// off the async runtime's threads.
pub fn render(
    template: Template,
    data: &serde_json::Value,
    ident: &str,
    at: DateTime<Utc>,
) -> Result<Vec<u8>, PrintError> {
    let failed = |detail: String| PrintError {
        template: template.version(),
        detail,
    };
    let today = datetime(at).ok_or_else(|| failed(format!("no date for {at}")))?;
    let mut data = data.clone();
    printable(&mut data);
    let id = |name: &str| file_id(name).map_err(|err| failed(format!("{err:?}")));
    let paper = Paper {
        main: Source::new(id("/main.typ")?, template.source().to_owned()),
        common: Source::new(id("/commun.typ")?, COMMON.to_owned()),
        data: Bytes::new(serde_json::to_vec(&data).map_err(|err| failed(err.to_string()))?),
        today,
    };
    let document: PagedDocument = typst::compile(&paper)
        .output
        .map_err(|errors| failed(describe(&errors)))?;
    let standards =
        PdfStandards::new(&[PdfStandard::A_2b]).map_err(|err| failed(format!("{err:?}")))?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_owned()),
        creator: Smart::Custom(Some(format!("nido ({})", template.version()))),
        timestamp: Some(Timestamp::new_utc(today)),
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| failed(describe(&errors)))
}

/// What stands for a character no shipped font can draw.
const MISSING: char = '?';

/// Replaces, in every text of `data`, each character the shipped fonts
/// cannot draw: PDF/A forbids a missing glyph, so a name written in a
/// script DejaVu Sans lacks (Chinese, say) or holding an emoji would make
/// the whole paper fail. Line breaks and tabs become spaces.
fn printable(data: &mut serde_json::Value) {
    use serde_json::Value;
    match data {
        Value::String(text) => {
            if text.chars().any(|c| !drawable(c)) {
                *text = text
                    .chars()
                    .map(|c| match c {
                        '\n' | '\r' | '\t' => ' ',
                        c if drawable(c) => c,
                        _ => MISSING,
                    })
                    .collect();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(printable),
        Value::Object(fields) => fields.values_mut().for_each(printable),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Whether a shipped font has a glyph for `c` (a control character never
/// counts).
fn drawable(c: char) -> bool {
    !c.is_control()
        && fonts()
            .fonts
            .iter()
            .any(|font| font.info().coverage.contains(c as u32))
}

fn describe(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|error| error.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_in_a_script_the_fonts_lack_prints_with_a_stand_in() {
        let data = serde_json::json!({
            "title": "Attestation d'hébergement",
            "centre": {"name": "Centre 🏠", "address": "1 rue\u{200b} des Lilas, 94000 Créteil", "director": "Zoé Ñúñez"},
            "mother": {"name": "张伟 Awa\nDiallo 👶", "born": "5 décembre 2000"},
            "children": [{"name": "Ａｙａ", "born": "1er mars 2026"}],
            "since": "5 décembre 2026",
            "address": "T2, 12 rue Véron, 94140 Alfortville",
            "signed_at": "Créteil, le 5 décembre 2026",
        });
        let at = DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z")
            .expect("instant")
            .to_utc();
        let pdf = render(Template::Attestation, &data, "test", at).expect("printed");
        assert!(pdf.starts_with(b"%PDF-"));
        let mut kept = data.clone();
        printable(&mut kept);
        assert_eq!(kept["mother"]["name"], "?? Awa Diallo ?");
        assert_eq!(
            kept["centre"]["director"], "Zoé Ñúñez",
            "what the font has is kept"
        );
    }

    #[test]
    fn the_fonts_are_shipped_and_read() {
        assert_eq!(fonts().fonts.len(), 2, "DejaVu Sans, regular and bold");
    }

    /// The audit names the template's version with each paper: a change to
    /// a template's text (or to the common layout) without a new version
    /// fails here. Bump the version, then pin the new digest.
    #[test]
    fn each_template_s_text_is_pinned_to_its_version() {
        use sha2::Digest;
        let pinned = [
            (
                "contrat/2",
                "6cff32b9a06e43d4ab8a8f1a6db994c503b405ae366ba601572bcbcb1c76a7c4",
            ),
            (
                "avenant/2",
                "b283fe6633a3dc465c4a619eeeb9947a9737890a60f990de9efc917ff7725c4d",
            ),
            (
                "attestation/2",
                "1599d204a03022b168bc1790ccc83776c38febd71a7814caf45eb89d2cca068a",
            ),
            (
                "rapport-activite/3",
                "e85b0e2d62f3792b093d697353ec82665fca1389efac13a97e47954e3c90f2f1",
            ),
        ];
        for template in Template::ALL {
            let mut hasher = sha2::Sha256::new();
            hasher.update(template.source());
            hasher.update(COMMON);
            let digest: String = hasher
                .finalize()
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            let expected = pinned
                .iter()
                .find(|(version, _)| *version == template.version())
                .map(|(_, digest)| *digest);
            assert_eq!(Some(digest.as_str()), expected, "{}", template.version());
        }
    }
}
