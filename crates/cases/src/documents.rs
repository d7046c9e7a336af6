//! The paper file's documents (SPEC "Documents"): added, listed, read and
//! removed under the family's need-to-know, each content encrypted under a
//! key of its own, that key sealed by the master key, and every read of a
//! content audited.
//!
//! The order of the writes is what keeps a crash harmless: a content is
//! stored (durably) before its row is written, so no row ever names a
//! missing content; a removal is recorded before its content is erased.
//! What a crash leaves (a content with no row, or with a removed row) is an
//! orphan, which [`sweep`] erases at start.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use nido_domain::document::{Document, DocumentKind, MediaType, REASON_MAX, TITLE_MAX};
use nido_domain::intervention::Confidentiality;
use nido_domain::{Conflict, Refusal, Role};
use nido_persistence::documents as store;
use nido_persistence::{RepoError, begin_write};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::families::visible_family;
use crate::storage::{ContentKey, ContentStore, StorageError};
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds, optional_text};

/// The largest document by default: 10 MiB (`documents.max_bytes`).
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;
/// The first byte of a sealed file key: how it was sealed, so that a
/// later way can live beside this one.
const SEALED_KEY_FORMAT: u8 = 1;

/// The master key (`documents.key_file`): 32 random bytes that seal every
/// document's own key. Never printed.
#[derive(Clone)]
pub struct MasterKey(Arc<[u8; KEY_BYTES]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

impl MasterKey {
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Self {
        Self(Arc::new(bytes))
    }

    /// A new random key.
    pub fn generate() -> anyhow::Result<Self> {
        Ok(Self::from_bytes(random()?))
    }

    /// Its bytes, to write the key file once.
    pub fn expose(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&Key::from(*self.0))
    }
}

fn random<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|err| anyhow::anyhow!("no randomness: {err}"))?;
    Ok(bytes)
}

/// Encrypts `content` in place under a new key of its own, bound to the
/// document's id (a content moved under another id does not open), and
/// answers that key sealed by `master`. The sealed content is the
/// ciphertext, its 16-byte tag, then its 24-byte nonce: appended, so that
/// the content is never copied.
fn seal(master: &MasterKey, id: Uuid, content: &mut Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let file_key: [u8; KEY_BYTES] = random()?;
    let nonce: [u8; NONCE_BYTES] = random()?;
    XChaCha20Poly1305::new(&Key::from(file_key))
        .encrypt_in_place(&XNonce::from(nonce), id.as_bytes(), content)
        .map_err(|_| anyhow::anyhow!("a document could not be encrypted"))?;
    content.extend_from_slice(&nonce);
    let key_nonce: [u8; NONCE_BYTES] = random()?;
    let mut wrapped = file_key.to_vec();
    master
        .cipher()
        .encrypt_in_place(&XNonce::from(key_nonce), id.as_bytes(), &mut wrapped)
        .map_err(|_| anyhow::anyhow!("a document's key could not be sealed"))?;
    let mut sealed_key = Vec::with_capacity(1 + NONCE_BYTES + wrapped.len());
    sealed_key.push(SEALED_KEY_FORMAT);
    sealed_key.extend_from_slice(&key_nonce);
    sealed_key.extend_from_slice(&wrapped);
    Ok(sealed_key)
}

/// The plain content, or `None` when the sealed key or the content fails
/// its check (tampered with, damaged, or moved from another document).
fn open(master: &MasterKey, id: Uuid, sealed_key: &[u8], mut content: Vec<u8>) -> Option<Vec<u8>> {
    let (&format, rest) = sealed_key.split_first()?;
    if format != SEALED_KEY_FORMAT || rest.len() < NONCE_BYTES {
        return None;
    }
    let (key_nonce, wrapped) = rest.split_at(NONCE_BYTES);
    let key_nonce: [u8; NONCE_BYTES] = key_nonce.try_into().ok()?;
    let mut file_key = wrapped.to_vec();
    master
        .cipher()
        .decrypt_in_place(&XNonce::from(key_nonce), id.as_bytes(), &mut file_key)
        .ok()?;
    let file_key: [u8; KEY_BYTES] = file_key.try_into().ok()?;
    if content.len() < NONCE_BYTES {
        return None;
    }
    let nonce: [u8; NONCE_BYTES] = content
        .split_off(content.len() - NONCE_BYTES)
        .try_into()
        .ok()?;
    XChaCha20Poly1305::new(&Key::from(file_key))
        .decrypt_in_place(&XNonce::from(nonce), id.as_bytes(), &mut content)
        .ok()?;
    Some(content)
}

/// The `Content-Disposition` of a document's download: an attachment named
/// after its title and its format's extension, with a plain ASCII name and
/// the UTF-8 one (RFC 6266).
pub fn content_disposition(document: &Document) -> String {
    let name = format!("{}.{}", document.title, document.media_type.extension());
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn sha256_hex(content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Where the documents go and how they are kept: the store (a port), the
/// master key, and the largest document.
#[derive(Clone)]
pub struct Vault {
    pub store: Arc<dyn ContentStore>,
    pub master: MasterKey,
    /// `documents.max_bytes`.
    pub max_bytes: u64,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("max_bytes", &self.max_bytes)
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// Contents in memory under a random key: for the tests.
    pub fn in_memory() -> anyhow::Result<Self> {
        Ok(Self {
            store: Arc::new(crate::storage::MemoryStore::new()),
            master: MasterKey::generate()?,
            max_bytes: DEFAULT_MAX_BYTES,
        })
    }
}

fn stored(err: StorageError) -> CaseError {
    CaseError::Internal(anyhow::anyhow!("{err}"))
}

/// A document's description as a form gives it (the API's multipart
/// fields, the page's form): texts, checked here.
#[derive(Debug, Clone, Default)]
pub struct DocumentForm {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub child_id: Option<String>,
    pub placement_id: Option<String>,
    pub confidentiality: Option<String>,
}

fn parse_id(invalid: &mut Invalid, field: &str, raw: Option<&str>) -> Option<Uuid> {
    let raw = optional_text(raw)?;
    match raw.parse() {
        Ok(id) => Some(id),
        Err(_) => {
            invalid.add(field, Refusal::IdWritten);
            None
        }
    }
}

fn parse_choice<T: std::str::FromStr + Copy>(
    invalid: &mut Invalid,
    field: &str,
    raw: Option<&str>,
    all: &[T],
    as_str: fn(T) -> &'static str,
) -> Option<T> {
    let one_of = || Refusal::OneOf {
        names: all.iter().map(|value| as_str(*value)).collect(),
    };
    match optional_text(raw) {
        None => {
            invalid.add(field, Refusal::Required);
            None
        }
        Some(raw) => match raw.parse() {
            Ok(value) => Some(value),
            Err(_) => {
                invalid.add(field, one_of());
                None
            }
        },
    }
}

/// Adds a document to the family's file (coordinators; staff for their
/// families): `content` is the whole plain file, read once by the adapter
/// and encrypted here in place. Answered once the content and the row are
/// both durable. A `signed_contract` records the contract's signature if it
/// had none (its placement, or the family's current one).
pub async fn add(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    form: DocumentForm,
    mut content: Vec<u8>,
) -> CaseResult<Document> {
    let family = visible_family(&cases.db, caller, family_id).await?;
    if content.len() as u64 > cases.documents.max_bytes {
        return Err(CaseError::TooLarge);
    }
    let mut invalid = Invalid::default();
    let kind = parse_choice(
        &mut invalid,
        "kind",
        form.kind.as_deref(),
        DocumentKind::ALL,
        DocumentKind::as_str,
    );
    let title = optional_text(form.title.as_deref()).unwrap_or_default();
    bounds::text(&mut invalid, "title", &title, 1, TITLE_MAX);
    let confidentiality = match optional_text(form.confidentiality.as_deref()) {
        None => Some(Confidentiality::Team),
        Some(_) => parse_choice(
            &mut invalid,
            "confidentiality",
            form.confidentiality.as_deref(),
            Confidentiality::ALL,
            Confidentiality::as_str,
        ),
    };
    let child_id = parse_id(&mut invalid, "child_id", form.child_id.as_deref());
    if let Some(child_id) = child_id
        && !family.children.iter().any(|child| child.id == child_id)
    {
        invalid.add("child_id", Refusal::NotAChildOfTheFamily);
    }
    let placement_id = parse_id(&mut invalid, "placement_id", form.placement_id.as_deref());
    if let Some(placement_id) = placement_id
        && store::family_of_placement(&cases.db, placement_id).await? != Some(family_id)
    {
        invalid.add("placement_id", Refusal::NotAPlacementOfTheFamily);
    }
    invalid.finish()?;
    let (Some(kind), Some(confidentiality)) = (kind, confidentiality) else {
        return Err(CaseError::Internal(anyhow::anyhow!(
            "a refused field passed its check"
        )));
    };
    let media_type = MediaType::sniff(&content).ok_or(CaseError::UnsupportedMediaType)?;
    let document = Document {
        id: Uuid::now_v7(),
        family_id,
        child_id,
        placement_id,
        kind,
        title,
        confidentiality,
        media_type,
        size_bytes: content.len() as i64,
        sha256: sha256_hex(&content),
        author_id: caller.id,
        created_at: cases.now(),
        removal: None,
    };
    let vault = &cases.documents;
    let sealed_key = seal(&vault.master, document.id, &mut content)?;
    vault
        .store
        .put(ContentKey(document.id), content)
        .await
        .map_err(stored)?;
    let signed_for = match kind {
        DocumentKind::SignedContract => placement_id.or(family.current_placement_id),
        _ => None,
    };
    let txn = begin_write(&cases.writer).await?;
    store::insert(&txn, &document, sealed_key).await?;
    if let Some(placement_id) = signed_for {
        store::record_signature(&txn, placement_id, cases.today(), cases.now()).await?;
    }
    txn.commit().await?;
    cases
        .audit(
            caller,
            "document.create",
            Some(family_id),
            &format!("/documents/{}", document.id),
        )
        .await?;
    Ok(document)
}

/// The family's documents the caller may see, removed ones included (their
/// rows say who removed them and why), newest first; audited.
pub async fn of_family(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
) -> CaseResult<Vec<Document>> {
    visible_family(&cases.db, caller, family_id).await?;
    let documents = store::of_family(&cases.db, family_id, caller.id).await?;
    cases
        .audit(
            caller,
            "document.list",
            Some(family_id),
            &format!("/families/{family_id}/documents"),
        )
        .await?;
    Ok(documents)
}

/// The document and its sealed key, if the caller may see it: its family
/// is hers to see, and it is a team document or one she added.
async fn visible(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<store::Sealed> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let sealed = store::find(&cases.db, id).await?;
    visible_family(&cases.db, caller, sealed.document.family_id).await?;
    if !sealed.document.visible_to(caller.id) {
        return Err(CaseError::Hidden {
            family_id: Some(sealed.document.family_id),
        });
    }
    Ok(sealed)
}

/// A document's plain content, if the caller may see it and it was not
/// removed: every read is audited. A content that fails its check is never
/// answered (409 `document_integrity`), and the failure is logged.
pub async fn content(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<(Document, Vec<u8>)> {
    let store::Sealed {
        document,
        wrapped_key,
    } = visible(cases, caller, id).await?;
    if document.removal.is_some() {
        return Err(CaseError::NotFound);
    }
    let vault = &cases.documents;
    let sealed = vault
        .store
        .get(ContentKey(id))
        .await
        .map_err(stored)?
        .ok_or_else(|| {
            tracing::error!(document = %id, "a document's content is missing from the store");
            CaseError::Conflict(Conflict::DocumentIntegrity)
        })?;
    let plain = open(&vault.master, id, &wrapped_key, sealed)
        .filter(|plain| sha256_hex(plain) == document.sha256);
    cases
        .audit(
            caller,
            "document.read",
            Some(document.family_id),
            &format!("/documents/{id}/content"),
        )
        .await?;
    match plain {
        Some(plain) => Ok((document, plain)),
        None => {
            tracing::error!(document = %id, "a document's content fails its integrity check");
            Err(CaseError::Conflict(Conflict::DocumentIntegrity))
        }
    }
}

/// The plain contents of the export's documents (those not removed), one
/// after the other, each read audited like any other.
pub async fn contents_for_export(
    cases: &Cases,
    caller: &Caller,
    documents: &[Document],
) -> CaseResult<Vec<(Document, Vec<u8>)>> {
    let mut contents = Vec::new();
    for document in documents
        .iter()
        .filter(|document| document.removal.is_none())
    {
        contents.push(content(cases, caller, document.id).await?);
    }
    Ok(contents)
}

/// Removes a document (a coordinator; its author within 24 hours): the
/// removal is recorded with who and why, then the content is erased for
/// good. Removing a removed document is refused as not found.
pub async fn remove(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
    reason: Option<String>,
) -> CaseResult<Document> {
    let sealed = visible(cases, caller, id).await?;
    let document = sealed.document;
    let now = cases.now();
    if caller.role != Role::Coordinator && !document.author_may_remove(caller.id, now) {
        return Err(CaseError::Forbidden);
    }
    if document.removal.is_some() {
        return Err(CaseError::NotFound);
    }
    let mut invalid = Invalid::default();
    let reason = optional_text(reason.as_deref()).unwrap_or_default();
    bounds::text(&mut invalid, "reason", &reason, 1, REASON_MAX);
    invalid.finish()?;
    let txn = begin_write(&cases.writer).await?;
    let removed = store::mark_removed(&txn, id, caller.id, &reason, now).await?;
    txn.commit().await?;
    if !removed {
        return Err(CaseError::NotFound);
    }
    cases
        .documents
        .store
        .delete(ContentKey(id))
        .await
        .map_err(stored)?;
    cases
        .audit(
            caller,
            "document.delete",
            Some(document.family_id),
            &format!("/documents/{id}"),
        )
        .await?;
    match store::find(&cases.db, id).await {
        Ok(sealed) => Ok(sealed.document),
        Err(RepoError::NotFound) => Err(CaseError::NotFound),
        Err(err) => Err(err.into()),
    }
}

/// Erases the contents a crash left behind: stored under an id no kept
/// document has, and stored more than `grace` ago (an upload in flight in
/// another instance stores its content just before its row, within
/// milliseconds). The time read from the id (a UUIDv7, made by the upload)
/// is the system's clock, whatever the server's. Answers how many.
pub async fn sweep(cases: &Cases, grace: Duration) -> CaseResult<usize> {
    let store = &cases.documents.store;
    let stored_ids = store.keys().await.map_err(stored)?;
    if stored_ids.is_empty() {
        return Ok(0);
    }
    let kept: std::collections::HashSet<Uuid> =
        store::kept_ids(&cases.db).await?.into_iter().collect();
    let before = SystemTime::now()
        .checked_sub(grace)
        .and_then(|at| at.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_millis());
    let mut swept = 0;
    for key in stored_ids {
        if kept.contains(&key.0) {
            continue;
        }
        let stored_at = key
            .0
            .get_timestamp()
            .map(|at| {
                let (secs, nanos) = at.to_unix();
                u128::from(secs) * 1000 + u128::from(nanos) / 1_000_000
            })
            .unwrap_or(0);
        if stored_at <= before {
            store.delete(key).await.map_err(stored)?;
            swept += 1;
        }
    }
    if swept > 0 {
        tracing::warn!(swept, "erased document contents that no document kept");
    }
    Ok(swept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_content_opens_with_its_key_and_id_only() {
        let master = MasterKey::generate().expect("key");
        let id = Uuid::now_v7();
        let plain = b"%PDF-1.7 une attestation CAF".to_vec();
        let mut content = plain.clone();
        let sealed_key = seal(&master, id, &mut content).expect("sealed");
        assert!(
            !content
                .windows(8)
                .any(|window| plain.windows(8).any(|p| p == window)),
            "no eight bytes of the plain content survive"
        );
        assert_eq!(
            open(&master, id, &sealed_key, content.clone()).as_deref(),
            Some(&plain[..])
        );
        // Another document's id, another master key, a flipped bit of the
        // content or of the sealed key: none opens.
        assert_eq!(
            open(&master, Uuid::now_v7(), &sealed_key, content.clone()),
            None
        );
        let other = MasterKey::generate().expect("key");
        assert_eq!(open(&other, id, &sealed_key, content.clone()), None);
        let mut flipped = content.clone();
        flipped[3] ^= 1;
        assert_eq!(open(&master, id, &sealed_key, flipped), None);
        let mut bad_key = sealed_key.clone();
        bad_key[30] ^= 1;
        assert_eq!(open(&master, id, &bad_key, content.clone()), None);
        assert_eq!(open(&master, id, &[], content.clone()), None);
        assert_eq!(open(&master, id, &sealed_key, Vec::new()), None);
    }

    #[test]
    fn a_download_is_named_after_its_title_in_ascii_and_in_utf8() {
        let document = Document {
            id: Uuid::nil(),
            family_id: Uuid::nil(),
            child_id: None,
            placement_id: None,
            kind: DocumentKind::Caf,
            title: "Attestation CAF \"déc\"".into(),
            confidentiality: Confidentiality::Team,
            media_type: MediaType::Pdf,
            size_bytes: 1,
            sha256: String::new(),
            author_id: Uuid::nil(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            removal: None,
        };
        assert_eq!(
            content_disposition(&document),
            "attachment; filename=\"Attestation CAF _d_c_.pdf\"; \
             filename*=UTF-8''Attestation%20CAF%20%22d%C3%A9c%22.pdf"
        );
    }

    #[test]
    fn the_digest_is_sha256_in_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
