//! The paper file on the family's page: `POST /familles/{id}/documents`
//! adds a document with a plain multipart form (no script: a phone's file
//! field offers its camera), `GET /documents/{id}` downloads one; and the
//! papers nido prints (the contract, the avenants, the attestation). All
//! run the API's use cases, so the same rules hold: the type read from the
//! content, the size limit, the need-to-know, every read audited.

use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nido_cases::CaseError;
use nido_cases::documents::{self, DocumentForm};

use crate::Web;
use crate::error::WebError;
use crate::form::FieldErrors;
use crate::pages::family::{Forms, InterventionForm, render};
use crate::pages::parse_id;
use crate::session::SignedIn;

/// What the form may hold beside the file: its fields and the parts'
/// headers.
const FORM_SLACK_BYTES: u64 = 64 * 1024;

/// The document form as typed, sent back with its errors.
#[derive(Debug, Default, Clone)]
pub struct DocumentAttempt {
    pub kind: String,
    pub title: String,
    pub confidentiality: String,
    pub errors: FieldErrors,
}

/// The form's field, in the page, of a field of the use case.
fn place(field: &str) -> Option<String> {
    match field {
        "kind" => Some("document_kind".into()),
        "title" => Some("document_title".into()),
        "confidentiality" => Some("document_confidentiality".into()),
        "file" => Some("document_file".into()),
        _ => None,
    }
}

/// Why a posted form could not be read, before the use case saw it.
pub enum Unread {
    /// The CSRF token is missing or wrong: 403, the file never read.
    Forged,
    TooLarge,
    Malformed,
}

/// A multipart post from the signed-in user: the CSRF token must come
/// first (the page's form puts it there), so a forged post is refused
/// before its file is read; the file is read as it arrives and refused
/// as soon as it passes the limit.
pub struct Upload {
    signed_in: SignedIn,
    read: Result<(DocumentForm, Vec<u8>), Unread>,
}

impl FromRequest<Web> for Upload {
    type Rejection = WebError;

    async fn from_request(request: Request, web: &Web) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let signed_in = SignedIn::from_request_parts(&mut parts, web).await?;
        let max = web.cases.documents.max_bytes;
        let boundary = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| multer::parse_boundary(value).ok())
            .ok_or(WebError::BadRequest)?;
        let announced = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
        let read = async {
            let mut first = true;
            let mut form = DocumentForm::default();
            let mut file = None;
            while let Some(mut field) = multipart
                .next_field()
                .await
                .map_err(|_| Unread::Malformed)?
            {
                let name = field.name().unwrap_or_default().to_owned();
                if first && name != crate::csrf::FIELD {
                    return Err(Unread::Forged);
                }
                let limit = match name.as_str() {
                    "file" => max,
                    // A token is some forty characters.
                    _ if first => 1024,
                    _ => 8 * 1024,
                };
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| Unread::Malformed)? {
                    if (bytes.len() + chunk.len()) as u64 > limit {
                        return Err(if first {
                            Unread::Forged
                        } else {
                            Unread::TooLarge
                        });
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if first {
                    first = false;
                    let token = String::from_utf8_lossy(&bytes);
                    if !signed_in.accepts_token(&token) {
                        return Err(Unread::Forged);
                    }
                    if announced.is_some_and(|length| length > max + FORM_SLACK_BYTES) {
                        return Err(Unread::TooLarge);
                    }
                    continue;
                }
                let text = || String::from_utf8_lossy(&bytes).into_owned();
                match name.as_str() {
                    "file" => file = Some(bytes),
                    "kind" => form.kind = Some(text()),
                    "title" => form.title = Some(text()),
                    "confidentiality" => form.confidentiality = Some(text()),
                    _ => return Err(Unread::Malformed),
                }
            }
            if first {
                return Err(Unread::Forged);
            }
            Ok((form, file.unwrap_or_default()))
        }
        .await;
        if matches!(read, Err(Unread::Forged)) {
            return Err(WebError::CsrfRejected);
        }
        Ok(Upload { signed_in, read })
    }
}

/// Adds the document, then back to the family's page; refused, the page
/// again with the form's errors in French.
pub async fn submit(
    State(web): State<Web>,
    Path(raw_id): Path<String>,
    upload: Upload,
) -> Result<Response, WebError> {
    let family_id = parse_id(&raw_id)?;
    let Upload { signed_in, read } = upload;
    let mut attempt = DocumentAttempt::default();
    let status = match read {
        Err(Unread::Forged) => return Err(WebError::CsrfRejected),
        Err(Unread::Malformed) => return Err(WebError::BadRequest),
        Err(Unread::TooLarge) => {
            attempt.errors.add("document_file", too_large(&web));
            StatusCode::PAYLOAD_TOO_LARGE
        }
        Ok((form, file)) => {
            attempt.kind = form.kind.clone().unwrap_or_default();
            attempt.title = form.title.clone().unwrap_or_default();
            attempt.confidentiality = form.confidentiality.clone().unwrap_or_default();
            if file.is_empty() {
                attempt
                    .errors
                    .add("document_file", "Choisissez le fichier à ajouter.");
            }
            let caller = signed_in.case_caller();
            match documents::add(&web.cases, &caller, family_id, form, file).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!(
                        "/familles/{family_id}?ok=document#documents"
                    ))
                    .into_response());
                }
                Err(CaseError::UnsupportedMediaType) => {
                    attempt.errors.add(
                        "document_file",
                        "Ce fichier n'est ni un PDF ni une photo (JPEG, PNG, WebP ou HEIC).",
                    );
                    StatusCode::UNSUPPORTED_MEDIA_TYPE
                }
                Err(CaseError::TooLarge) => {
                    attempt.errors.add("document_file", too_large(&web));
                    StatusCode::PAYLOAD_TOO_LARGE
                }
                Err(refused) => {
                    let status = FieldErrors::status_for(&refused);
                    let missing_file = attempt.errors.get("document_file").map(str::to_owned);
                    attempt.errors = FieldErrors::from_case(refused, place)?;
                    if let Some(message) = missing_file {
                        attempt.errors.add("document_file", message);
                    }
                    status
                }
            }
        }
    };
    let forms = Forms {
        intervention: InterventionForm::blank(&web, signed_in.user()),
        birth: None,
        coordination: None,
        document: Some(attempt),
        pathway: None,
    };
    render(&web, &signed_in, family_id, forms, status, None).await
}

fn too_large(web: &Web) -> String {
    format!(
        "Ce fichier dépasse {} Mo : numérisez-le en moins haute définition.",
        web.cases.documents.max_bytes / (1024 * 1024)
    )
}

/// The document's file, as the API serves it: an attachment that no cache
/// keeps and no browser runs. Every read is audited.
pub async fn download(
    State(web): State<Web>,
    signed_in: SignedIn,
    Path(raw_id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&raw_id)?;
    let (document, content) =
        match documents::content(&web.cases, &signed_in.case_caller(), id).await {
            Ok(found) => found,
            Err(err) => return Err(err.into()),
        };
    let mut response = content.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(document.media_type.mime()),
    );
    if let Ok(disposition) = HeaderValue::from_str(&documents::content_disposition(&document)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    Ok(response)
}

/// A printed paper as a download that no cache keeps.
pub fn paper(printed: nido_cases::papers::Printed) -> Response {
    let mut response = printed.pdf.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );

    if let Ok(disposition) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", printed.file_name))
    {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `/prises-en-charge/{id}/contrat.pdf`: the contract of stay (or DIPC).
pub async fn contract(
    State(web): State<Web>,
    signed_in: SignedIn,
    Path(raw_id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&raw_id)?;
    Ok(paper(
        nido_cases::papers::contract(&web.cases, &signed_in.case_caller(), id).await?,
    ))
}

/// `/prises-en-charge/{id}/periodes/{n}/avenant.pdf`: a renewal's avenant.
pub async fn amendment(
    State(web): State<Web>,
    signed_in: SignedIn,
    Path((raw_id, raw_number)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = parse_id(&raw_id)?;
    let number: i32 = raw_number.parse().map_err(|_| WebError::NotFound)?;
    Ok(paper(
        nido_cases::papers::amendment(&web.cases, &signed_in.case_caller(), id, number).await?,
    ))
}

/// `/familles/{id}/attestation.pdf`: the attestation d'hébergement.
pub async fn attestation(
    State(web): State<Web>,
    signed_in: SignedIn,
    Path(raw_id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&raw_id)?;
    Ok(paper(
        nido_cases::papers::attestation(&web.cases, &signed_in.case_caller(), id).await?,
    ))
}
