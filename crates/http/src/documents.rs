//! The paper file's documents: upload (multipart, streamed), list,
//! download, removal.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use nido_cases::documents::{self as cases, DocumentForm};
use nido_domain::document::{Document, DocumentKind};
use nido_domain::intervention::Confidentiality;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::{ApiError, Result};
use crate::extract::{ApiPath, JsonBody};
use crate::gate::{Allowed, Team};
use crate::state::AppState;

/// What a multipart body may hold beside the file: its other fields and
/// the parts' headers.
const FORM_SLACK_BYTES: u64 = 64 * 1024;
/// A text field of the form: longer is not a title.
const TEXT_FIELD_MAX_BYTES: usize = 8 * 1024;

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentResponse {
    pub id: Uuid,
    pub family_id: Uuid,
    pub child_id: Option<Uuid>,
    pub placement_id: Option<Uuid>,
    #[schema(schema_with = crate::schema::document_kind)]
    pub kind: DocumentKind,
    pub title: String,
    #[schema(schema_with = crate::schema::confidentiality)]
    pub confidentiality: Confidentiality,
    /// Read from the content when it was added.
    #[schema(schema_with = crate::schema::media_type)]
    pub media_type: String,
    pub size_bytes: i64,
    /// The SHA-256 of the plain content, in hex.
    pub sha256: String,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
    /// Set once removed: the content is erased for good, the row says who
    /// removed it and why.
    pub removed_at: Option<DateTime<Utc>>,
    pub removed_by: Option<Uuid>,
    pub removal_reason: Option<String>,
}

impl From<Document> for DocumentResponse {
    fn from(document: Document) -> Self {
        let removal = document.removal;
        Self {
            id: document.id,
            family_id: document.family_id,
            child_id: document.child_id,
            placement_id: document.placement_id,
            kind: document.kind,
            title: document.title,
            confidentiality: document.confidentiality,
            media_type: document.media_type.mime().to_owned(),
            size_bytes: document.size_bytes,
            sha256: document.sha256,
            author_id: document.author_id,
            created_at: document.created_at,
            removed_at: removal.as_ref().map(|removal| removal.at),
            removed_by: removal.as_ref().map(|removal| removal.by),
            removal_reason: removal.map(|removal| removal.reason),
        }
    }
}

/// The multipart form of an upload. The file's type is read from its
/// content, never from the part's `Content-Type`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// A PDF, or a JPEG, PNG, WebP or HEIC image; at most
    /// `documents.max_bytes` (10 MiB by default).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    #[schema(schema_with = crate::schema::document_kind)]
    pub kind: DocumentKind,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 200)]
    pub title: String,
    /// A child of the family; leave the part out for none (a multipart
    /// form has no null).
    #[schema(required = false)]
    pub child_id: Uuid,
    /// One of the family's placements; leave the part out for none.
    #[schema(required = false)]
    pub placement_id: Uuid,
    /// `team` (the default) or `restricted`: visible to its author only.
    #[schema(schema_with = crate::schema::confidentiality)]
    pub confidentiality: Option<Confidentiality>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemovalRequest {
    /// Why it is removed: kept with the row.
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 1000)]
    pub reason: String,
}

/// Reads one field's bytes, stopping at `max` (413 beyond).
async fn read_field(field: &mut multer::Field<'_>, max: u64, read: &mut u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|_| ApiError::MalformedBody("malformed multipart body".into()))?
    {
        *read += chunk.len() as u64;
        if (bytes.len() + chunk.len()) as u64 > max {
            return Err(ApiError::PayloadTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The form and the file of a multipart upload, read as it arrives: the
/// file's bytes are kept once, and the reading stops (413) as soon as
/// they pass `max_bytes`, before anything is stored. A body announced
/// larger than can be accepted is refused before it is read.
async fn read_upload(request: Request, max_bytes: u64) -> Result<(DocumentForm, Vec<u8>)> {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if announced.is_some_and(|length| length > max_bytes + FORM_SLACK_BYTES) {
        return Err(ApiError::PayloadTooLarge);
    }
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .filter(|value| {
            value
                .split(';')
                .next()
                .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("multipart/form-data"))
        })
        .and_then(|value| multer::parse_boundary(value).ok())
        .ok_or(ApiError::NotMultipart)?;
    let mut multipart = multer::Multipart::new(request.into_body().into_data_stream(), boundary);
    let mut form = DocumentForm::default();
    let mut file = None;
    let mut read = 0u64;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| ApiError::MalformedBody("malformed multipart body".into()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if file.is_some() {
                return Err(ApiError::MalformedBody("one file per document".into()));
            }
            file = Some(read_field(&mut field, max_bytes, &mut read).await?);
            continue;
        }
        let text = read_field(&mut field, TEXT_FIELD_MAX_BYTES as u64, &mut read).await?;
        if read > max_bytes + FORM_SLACK_BYTES {
            return Err(ApiError::PayloadTooLarge);
        }
        let text = String::from_utf8(text)
            .map_err(|_| ApiError::invalid(name.clone(), nido_domain::Refusal::ControlCharacter))?;
        let slot = match name.as_str() {
            "kind" => &mut form.kind,
            "title" => &mut form.title,
            "child_id" => &mut form.child_id,
            "placement_id" => &mut form.placement_id,
            "confidentiality" => &mut form.confidentiality,
            _ => return Err(ApiError::MalformedBody(format!("unknown field {name:?}"))),
        };
        *slot = Some(text);
    }
    let file = file.ok_or_else(|| ApiError::invalid("file", nido_domain::Refusal::Required))?;
    Ok((form, file))
}

/// Add a document to the family's paper file (coordinators; staff for
/// their families): `multipart/form-data`. Its type is read from its
/// content (PDF, JPEG, PNG, WebP, HEIC; anything else is 415); a body
/// over `documents.max_bytes` is 413 before anything is stored. Encrypted
/// at rest; answered once the content and its row are durable. A
/// `signed_contract` records the contract's signature if it had none.
#[utoipa::path(post, path = "/families/{id}/documents", tag = "documents",
    params(("id" = Uuid, Path, description = "The family")),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The document", body = DocumentResponse)))]
pub(crate) async fn add_document(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(family_id): ApiPath<Uuid>,
    request: Request,
) -> Result<impl IntoResponse> {
    let caller = caller.case_caller();
    // The family first: a stranger's upload is refused before it is read.
    nido_cases::families::find_visible(&state.cases, &caller, family_id).await?;
    let (form, file) = read_upload(request, state.cases.documents.max_bytes).await?;
    let document = cases::add(&state.cases, &caller, family_id, form, file).await?;
    Ok((StatusCode::CREATED, Json(DocumentResponse::from(document))))
}

/// The family's documents the caller may see (team documents, and the
/// restricted ones she added), removed ones included, newest first.
#[utoipa::path(get, path = "/families/{id}/documents", tag = "documents",
    params(("id" = Uuid, Path, description = "The family")),
    responses((status = 200, description = "The documents", body = [DocumentResponse])))]
pub(crate) async fn list_documents(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(family_id): ApiPath<Uuid>,
) -> Result<Json<Vec<DocumentResponse>>> {
    let documents = cases::of_family(&state.cases, &caller.case_caller(), family_id).await?;
    Ok(Json(documents.into_iter().map(Into::into).collect()))
}

/// The headers of a document's content: downloaded, never shown inline,
/// never kept by a cache, never sniffed, and sandboxed if opened anyway.
pub fn download_headers(document: &Document) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(document.media_type.mime()),
    );
    if let Ok(disposition) = HeaderValue::from_str(&cases::content_disposition(document)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers
}

/// A document's content, as it was added (its author; the family's team
/// for a team document): every read is audited. A content that fails its
/// integrity check is never served: 409 `document_integrity`.
#[utoipa::path(get, path = "/documents/{id}/content", tag = "documents",
    params(("id" = Uuid, Path, description = "The document")),
    responses((status = 200, description = "The file, as an attachment",
        content(("application/pdf"), ("image/jpeg"), ("image/png"), ("image/webp"), ("image/heic")))))]
pub(crate) async fn document_content(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let (document, content) = cases::content(&state.cases, &caller.case_caller(), id).await?;
    Ok((download_headers(&document), content).into_response())
}

/// Remove a document (coordinators; its author within 24 hours of adding
/// it): the content is erased for good; the row stays, saying who removed
/// it and why.
#[utoipa::path(delete, path = "/documents/{id}", tag = "documents",
    params(("id" = Uuid, Path, description = "The document")),
    request_body = RemovalRequest,
    responses((status = 200, description = "The document, removed", body = DocumentResponse)))]
pub(crate) async fn remove_document(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<RemovalRequest>,
) -> Result<Json<DocumentResponse>> {
    let document =
        cases::remove(&state.cases, &caller.case_caller(), id, Some(body.reason)).await?;
    Ok(Json(document.into()))
}
