//! Where the contents of the paper file's documents are kept (SPEC
//! "Documents"): a port, so that the use cases neither know nor care
//! whether a content lies in a file under the data directory or in the
//! database itself. The use cases hold an `Arc<dyn ContentStore>`; the
//! binary chooses the adapter. [`MemoryStore`] is the test double.
//!
//! The contract every adapter keeps:
//! - `put` answers only once the content is durable (a crash after the
//!   answer loses nothing), and refuses a key that is already used, so a
//!   content is never silently replaced;
//! - `get` answers exactly the bytes put, or `None` once deleted or never put;
//! - `delete` erases for good and is idempotent (erasing twice is no error:
//!   a retention run that stopped half-way runs again);
//! - `keys` lists every stored key, for the sweep at start that removes
//!   contents no row refers to.
//!
//! Contents arrive already encrypted: a store never sees plain text.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

/// The name a content is stored under: the document's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentKey(pub Uuid);

/// Why a store could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// `put` on a key that already holds a content.
    #[error("a content is already stored under this key")]
    AlreadyStored,
    /// The medium failed (disk, database); the detail is for the server's
    /// log, never for the answer.
    #[error("the content store failed: {0}")]
    Failed(String),
}

/// What a store's operations answer, boxed so that the port can be held as
/// `Arc<dyn ContentStore>`.
pub type Stored<'a, T> = Pin<Box<dyn Future<Output = Result<T, StorageError>> + Send + 'a>>;

/// The port: see the module's documentation for the contract.
pub trait ContentStore: Send + Sync {
    fn put(&self, key: ContentKey, content: Vec<u8>) -> Stored<'_, ()>;
    fn get(&self, key: ContentKey) -> Stored<'_, Option<Vec<u8>>>;
    fn delete(&self, key: ContentKey) -> Stored<'_, ()>;
    fn keys(&self) -> Stored<'_, Vec<ContentKey>>;
}

/// The test double: contents in memory, lost when dropped. Keeps the
/// port's contract (refuses a used key, deletes idempotently), so a use
/// case tested over it behaves as over a real adapter.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    contents: Arc<Mutex<BTreeMap<ContentKey, Vec<u8>>>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut BTreeMap<ContentKey, Vec<u8>>) -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        let mut contents = self
            .contents
            .lock()
            .map_err(|_| StorageError::Failed("the memory store's lock is poisoned".into()))?;
        f(&mut contents)
    }
}

impl ContentStore for MemoryStore {
    fn put(&self, key: ContentKey, content: Vec<u8>) -> Stored<'_, ()> {
        let done = self.with(|contents| {
            if contents.contains_key(&key) {
                return Err(StorageError::AlreadyStored);
            }
            contents.insert(key, content);
            Ok(())
        });
        Box::pin(async move { done })
    }

    fn get(&self, key: ContentKey) -> Stored<'_, Option<Vec<u8>>> {
        let found = self.with(|contents| Ok(contents.get(&key).cloned()));
        Box::pin(async move { found })
    }

    fn delete(&self, key: ContentKey) -> Stored<'_, ()> {
        let done = self.with(|contents| {
            contents.remove(&key);
            Ok(())
        });
        Box::pin(async move { done })
    }

    fn keys(&self) -> Stored<'_, Vec<ContentKey>> {
        let keys = self.with(|contents| Ok(contents.keys().copied().collect()));
        Box::pin(async move { keys })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u128) -> ContentKey {
        ContentKey(Uuid::from_u128(n))
    }

    #[tokio::test]
    async fn a_store_gives_back_what_was_put_never_replaces_it_and_forgets_it_for_good() {
        let store: Arc<dyn ContentStore> = Arc::new(MemoryStore::new());
        store.put(key(1), b"first".to_vec()).await.expect("put");
        store.put(key(2), b"second".to_vec()).await.expect("put");
        assert!(matches!(
            store.put(key(1), b"other".to_vec()).await,
            Err(StorageError::AlreadyStored)
        ));
        assert_eq!(
            store.get(key(1)).await.expect("get").as_deref(),
            Some(&b"first"[..])
        );
        assert_eq!(store.keys().await.expect("keys"), vec![key(1), key(2)]);

        store.delete(key(1)).await.expect("delete");
        store
            .delete(key(1))
            .await
            .expect("deleting twice is no error");
        assert_eq!(store.get(key(1)).await.expect("get"), None);
        assert_eq!(store.get(key(3)).await.expect("get"), None);
        assert_eq!(store.keys().await.expect("keys"), vec![key(2)]);
    }
}
