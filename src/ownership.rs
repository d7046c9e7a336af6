//! On SQLite one process owns a data directory: it keeps the sessions it
//! has checked in memory, and nobody else can revoke one behind its back.
//! Every command that opens the SQLite database (`serve`, `migrate`,
//! `demo-data`, `user …`, `retention run`) first takes an exclusive lock
//! on `nido.lock` beside the database file, held until it exits; a second
//! one refuses to start, naming the process that holds it. The operating
//! system drops the lock when the process ends, however it ends.
//!
//! Within one process, the servers built on one directory (the tests'
//! siblings) share the lock and the sessions kept.
//!
//! PostgreSQL is shared by design: several processes serve it, and each
//! hears the others' revocations (`background::follow_session_notices`).

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use anyhow::Context;
use nido_cases::auth::SessionCache;

/// The lock file, beside the SQLite database.
pub const LOCK_FILE: &str = "nido.lock";

/// What a process holds while it uses its database: on SQLite the data
/// directory's lock and the sessions kept in memory; nothing on PostgreSQL.
#[derive(Clone)]
pub struct Ownership(Option<Arc<Owned>>);

struct Owned {
    /// Open for as long as the process owns the directory: its lock lives
    /// with it.
    _lock: File,
    sessions: SessionCache,
}

impl Ownership {
    /// Takes the data directory of the SQLite database at `url` (nothing to
    /// take for PostgreSQL). Refused while another process holds it.
    pub fn take(url: &str) -> anyhow::Result<Self> {
        let Some(database) = sqlite_file(url) else {
            return Ok(Self(None));
        };
        let directory = match database.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        let directory = directory
            .canonicalize()
            .with_context(|| format!("cannot find the data directory {}", directory.display()))?;
        static HELD: Mutex<Vec<(PathBuf, Weak<Owned>)>> = Mutex::new(Vec::new());
        let mut held = HELD
            .lock()
            .map_err(|_| anyhow::anyhow!("the data directories held are unreadable"))?;
        held.retain(|(_, owned)| owned.strong_count() > 0);
        if let Some(owned) = held
            .iter()
            .find(|(path, _)| *path == directory)
            .and_then(|(_, owned)| owned.upgrade())
        {
            return Ok(Self(Some(owned)));
        }
        let owned = Arc::new(Owned {
            _lock: lock(&directory)?,
            sessions: SessionCache::owner(),
        });
        held.push((directory, Arc::downgrade(&owned)));
        Ok(Self(Some(owned)))
    }

    /// The sessions this process may keep: those of the directory it owns,
    /// or, on PostgreSQL, a memory used only while revocations are heard.
    pub fn sessions(&self) -> SessionCache {
        match &self.0 {
            Some(owned) => owned.sessions.clone(),
            None => SessionCache::shared(),
        }
    }
}

/// Locks `directory`'s lock file for this process, and writes its id in it
/// for whoever is refused.
fn lock(directory: &Path) -> anyhow::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = directory.join(LOCK_FILE);
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            file.read_to_string(&mut holder).ok();
            let holder = match holder.trim() {
                "" => String::new(),
                pid => format!(" (process {pid})"),
            };
            anyhow::bail!(
                "the data directory {} is in use by another nido process{holder}: \
                 on SQLite one process owns a data directory; stop it first",
                directory.display()
            );
        }
        Err(TryLockError::Error(err)) => {
            return Err(err).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "{}", std::process::id())?;
    Ok(file)
}

/// The file of a SQLite URL (`sqlite://path?mode=rwc`); `None` for
/// PostgreSQL or a database in memory.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(dir: &Path) -> String {
        format!("sqlite://{}?mode=rwc", dir.join("nido.db").display())
    }

    #[test]
    fn one_process_shares_its_directory_between_its_servers_and_lets_it_go_with_the_last() {
        let dir = tempfile::tempdir().expect("a directory");
        let first = Ownership::take(&url(dir.path())).expect("taken");
        let sibling = Ownership::take(&url(dir.path())).expect("shared within the process");
        drop((first, sibling));
        // Another open file description of the lock, as another process
        // would have: free again.
        let file = File::open(dir.path().join(LOCK_FILE)).expect("the lock file");
        file.try_lock().expect("released with the last holder");
    }

    #[test]
    fn a_directory_locked_elsewhere_is_refused_naming_the_holder() {
        let dir = tempfile::tempdir().expect("a directory");
        let elsewhere = File::create(dir.path().join(LOCK_FILE)).expect("created");
        elsewhere.try_lock().expect("locked");
        std::fs::write(dir.path().join(LOCK_FILE), "4242\n").expect("written");
        let refused = Ownership::take(&url(dir.path()))
            .err()
            .expect("refused")
            .to_string();
        assert!(
            refused.contains("in use by another nido process (process 4242)"),
            "{refused}"
        );
        assert!(Ownership::take("postgres://localhost/nido").is_ok());
    }
}
