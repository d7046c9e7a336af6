use std::ops::Deref;
use std::sync::Arc;

use nido_persistence::DatabaseConnection;

use crate::auth::{AuthSettings, PasswordHasher};

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub db: DatabaseConnection,
    pub auth: AuthSettings,
    pub passwords: PasswordHasher,
}

impl AppState {
    pub fn new(db: DatabaseConnection, auth: AuthSettings) -> anyhow::Result<Self> {
        let passwords = PasswordHasher::new(auth.max_concurrent_hashes)?;
        Ok(Self(Arc::new(Shared {
            db,
            auth,
            passwords,
        })))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
