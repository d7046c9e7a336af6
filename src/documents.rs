//! The documents' two stores (the adapters of `nido_cases::storage`) and
//! their master key file.
//!
//! - [`FileStore`]: a file per content under `<data dir>/documents/`, the
//!   default on SQLite (the database stays small; a backup copies the
//!   directory with it).
//! - [`DatabaseStore`]: the contents in the database itself, the default on
//!   PostgreSQL, so that several instances on one database serve each
//!   other's documents.
//!
//! Either keeps only encrypted contents.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use base64::Engine;
use nido_cases::documents::MasterKey;
use nido_cases::storage::{ContentKey, ContentStore, StorageError, Stored};
use nido_persistence::documents::contents;
use nido_persistence::{DatabaseConnection, Writer};
use uuid::Uuid;

fn failed(err: impl std::fmt::Display) -> StorageError {
    StorageError::Failed(err.to_string())
}

/// A file per content: `<dir>/<id>`, written to `<id>.part`, flushed to
/// the disk, then linked under its name (which refuses a name in use) and
/// the directory flushed: once `put` answers, the content survives a
/// power cut. A `.part` a crash left is removed when the store opens
/// (the data directory is this process's alone).
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: Arc<PathBuf>,
}

const PART: &str = "part";

impl FileStore {
    /// The store in `dir`, created owner-only if missing, without the
    /// partial writes of a crash.
    pub fn open(dir: PathBuf) -> anyhow::Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|ext| ext == PART) {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
        }
        Ok(Self { dir: Arc::new(dir) })
    }

    fn path(&self, key: ContentKey) -> PathBuf {
        self.dir.join(key.0.to_string())
    }

    fn sync_dir(dir: &Path) -> std::io::Result<()> {
        std::fs::File::open(dir)?.sync_all()
    }

    fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Path) -> Result<T, StorageError> + Send + 'static,
    ) -> Stored<'_, T> {
        let dir = Arc::clone(&self.dir);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || work(&dir))
                .await
                .map_err(failed)?
        })
    }
}

impl ContentStore for FileStore {
    fn put(&self, key: ContentKey, content: Vec<u8>) -> Stored<'_, ()> {
        let path = self.path(key);
        self.blocking(move |dir| {
            use std::os::unix::fs::OpenOptionsExt;
            let part = path.with_extension(PART);
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&part)
                .map_err(failed)?;
            file.write_all(&content).map_err(failed)?;
            file.sync_all().map_err(failed)?;
            drop(file);
            let linked = std::fs::hard_link(&part, &path);
            std::fs::remove_file(&part).map_err(failed)?;
            match linked {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(StorageError::AlreadyStored);
                }
                Err(err) => return Err(failed(err)),
            }
            Self::sync_dir(dir).map_err(failed)
        })
    }

    fn get(&self, key: ContentKey) -> Stored<'_, Option<Vec<u8>>> {
        let path = self.path(key);
        self.blocking(move |_| match std::fs::read(&path) {
            Ok(content) => Ok(Some(content)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(failed(err)),
        })
    }

    fn delete(&self, key: ContentKey) -> Stored<'_, ()> {
        let path = self.path(key);
        self.blocking(move |dir| {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(err) => return Err(failed(err)),
            }
            Self::sync_dir(dir).map_err(failed)
        })
    }

    fn keys(&self) -> Stored<'_, Vec<ContentKey>> {
        self.blocking(|dir| {
            let mut keys = Vec::new();
            for entry in std::fs::read_dir(dir).map_err(failed)? {
                let name = entry.map_err(failed)?.file_name();
                if let Some(id) = name.to_str().and_then(|name| name.parse::<Uuid>().ok()) {
                    keys.push(ContentKey(id));
                }
            }
            keys.sort();
            Ok(keys)
        })
    }
}

/// The contents in the database's `document_contents` table: written
/// through the writer (on SQLite, the one writer connection), read from
/// the pool. A row is committed, hence durable, before `put` answers.
#[derive(Clone)]
pub struct DatabaseStore {
    pub read: DatabaseConnection,
    pub writer: Writer,
}

impl ContentStore for DatabaseStore {
    fn put(&self, key: ContentKey, content: Vec<u8>) -> Stored<'_, ()> {
        Box::pin(async move {
            let stored = contents::put(&self.writer, key.0, content, chrono::Utc::now())
                .await
                .map_err(failed)?;
            if stored {
                Ok(())
            } else {
                Err(StorageError::AlreadyStored)
            }
        })
    }

    fn get(&self, key: ContentKey) -> Stored<'_, Option<Vec<u8>>> {
        Box::pin(async move { contents::get(&self.read, key.0).await.map_err(failed) })
    }

    fn delete(&self, key: ContentKey) -> Stored<'_, ()> {
        Box::pin(async move { contents::delete(&self.writer, key.0).await.map_err(failed) })
    }

    fn keys(&self) -> Stored<'_, Vec<ContentKey>> {
        Box::pin(async move {
            let mut keys: Vec<ContentKey> = contents::ids(&self.read)
                .await
                .map_err(failed)?
                .into_iter()
                .map(ContentKey)
                .collect();
            keys.sort();
            Ok(keys)
        })
    }
}

/// The master key in `path`: read, or on the first start made and written
/// there (owner-only, base64 on one line). Two instances starting at once
/// on a shared file: the second reads the first's. Never logged.
pub fn master_key(path: &Path) -> anyhow::Result<MasterKey> {
    use std::os::unix::fs::OpenOptionsExt;
    let engine = base64::engine::general_purpose::STANDARD;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            let key = MasterKey::generate()?;
            writeln!(file, "{}", engine.encode(key.expose()))
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write the documents' key {}", path.display()))?;
            if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                std::fs::File::open(dir)?.sync_all()?;
            }
            tracing::warn!(
                key_file = %path.display(),
                "created the documents' master key: back it up apart from the data, \
                 without it no document can be read"
            );
            Ok(key)
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the documents' key {}", path.display()))?;
            let bytes: [u8; 32] = engine
                .decode(text.trim())
                .ok()
                .and_then(|bytes| bytes.try_into().ok())
                .with_context(|| {
                    format!(
                        "{} is not a documents' key (32 bytes in base64)",
                        path.display()
                    )
                })?;
            Ok(MasterKey::from_bytes(bytes))
        }
        Err(err) => {
            Err(err).with_context(|| format!("cannot create the documents' key {}", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_file_store_keeps_the_port_s_contract_and_drops_partial_writes() {
        let dir = tempfile::TempDir::new().expect("dir");
        let root = dir.path().join("documents");
        let store = FileStore::open(root.clone()).expect("store");
        let key = ContentKey(Uuid::now_v7());
        store.put(key, b"sealed".to_vec()).await.expect("put");
        assert!(matches!(
            store.put(key, b"other".to_vec()).await,
            Err(StorageError::AlreadyStored)
        ));
        assert_eq!(
            store.get(key).await.expect("get").as_deref(),
            Some(&b"sealed"[..])
        );
        // A crash in the middle of a write leaves a .part: not a key, and
        // gone once the store opens again.
        let part = root.join(format!("{}.{PART}", Uuid::now_v7()));
        std::fs::write(&part, b"half").expect("part");
        assert_eq!(store.keys().await.expect("keys"), vec![key]);
        let store = FileStore::open(root.clone()).expect("reopened");
        assert!(!part.exists());
        store.delete(key).await.expect("delete");
        store.delete(key).await.expect("twice");
        assert_eq!(store.get(key).await.expect("get"), None);
        assert!(store.keys().await.expect("keys").is_empty());
    }

    #[test]
    fn the_master_key_is_made_once_owner_only_then_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::TempDir::new().expect("dir");
        let path = dir.path().join("documents.key");
        let made = master_key(&path).expect("made");
        let mode = std::fs::metadata(&path).expect("file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let read = master_key(&path).expect("read");
        assert_eq!(made.expose(), read.expose());
        std::fs::write(&path, "not a key\n").expect("spoilt");
        let refused = master_key(&path).expect_err("refused");
        assert!(!format!("{refused:#}").contains("not a key"));
    }
}
