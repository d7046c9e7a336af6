//! The server key: 256 random bits that nido MACs with (HMAC-SHA-256), so
//! that what it hands out and gets back (a device cookie, the sign-in
//! form's token) is known to be its own. Kept in the database and created
//! by the first instance to start: every instance on one database shares it.
//! It is never logged and never leaves the server.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The name of the key in `server_keys`.
const NAME: &str = "mac";

#[derive(Clone)]
pub struct ServerKey([u8; 32]);

// Never print the key.
impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

impl ServerKey {
    /// A new key from the operating system's randomness: the one a first
    /// start stores, or a key for a test.
    pub fn random() -> anyhow::Result<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|err| anyhow::anyhow!("no randomness: {err}"))?;
        Ok(Self(bytes))
    }

    /// The key of this database: the one stored, or a new one stored now
    /// (insert-if-absent, then read: parallel first starts agree).
    pub async fn of_database(db: &impl nido_persistence::ConnectionTrait) -> anyhow::Result<Self> {
        let candidate = Self::random()?;
        let stored =
            nido_persistence::server_keys::get_or_insert(db, NAME, hex(&candidate.0)).await?;
        Self::from_hex(&stored).ok_or_else(|| anyhow::anyhow!("the stored server key is malformed"))
    }

    fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = [0u8; 32];
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
            *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
        }
        Some(Self(bytes))
    }

    fn hmac(&self, purpose: &str, parts: &[&[u8]]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        // Each input with its length first: no two lists of parts (or
        // purposes) feed the same bytes.
        for part in std::iter::once(purpose.as_bytes()).chain(parts.iter().copied()) {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// HMAC-SHA-256 of `parts` for `purpose` (a different purpose gives an
    /// unrelated MAC: a MAC made for one use is worthless for another).
    pub fn mac(&self, purpose: &str, parts: &[&[u8]]) -> [u8; 32] {
        self.hmac(purpose, parts).finalize().into_bytes().into()
    }

    /// Whether `tag` is the MAC of `parts` for `purpose`, in constant time.
    pub fn verify(&self, purpose: &str, parts: &[&[u8]], tag: &[u8]) -> bool {
        self.hmac(purpose, parts).verify_slice(tag).is_ok()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mac_depends_on_the_key_the_purpose_and_every_part() {
        let key = ServerKey::random().expect("key");
        let tag = key.mac("device", &[b"user", b"id"]);
        assert!(key.verify("device", &[b"user", b"id"], &tag));
        assert!(!key.verify("sign-in", &[b"user", b"id"], &tag));
        assert!(!key.verify("device", &[b"use", b"rid"], &tag));
        assert!(!key.verify("device", &[b"user", b"id"], &tag[..31]));
        let other = ServerKey::random().expect("key");
        assert!(!other.verify("device", &[b"user", b"id"], &tag));
    }

    #[test]
    fn the_key_is_stored_as_hex_and_never_printed() {
        let key = ServerKey::random().expect("key");
        let stored = hex(&key.0);
        assert_eq!(stored.len(), 64);
        let read = ServerKey::from_hex(&stored).expect("read back");
        assert_eq!(read.0, key.0);
        assert!(ServerKey::from_hex("zz").is_none());
        assert!(ServerKey::from_hex(&"é".repeat(32)).is_none());
        assert_eq!(format!("{key:?}"), "ServerKey(…)");
    }

    #[tokio::test]
    async fn every_start_on_one_database_gets_the_first_key() {
        let db = nido_persistence::connect("sqlite::memory:", 1)
            .await
            .expect("database");
        nido_persistence::migrate(&db).await.expect("migrated");
        let first = ServerKey::of_database(&db).await.expect("key");
        let second = ServerKey::of_database(&db).await.expect("key");
        assert_eq!(first.0, second.0);
    }
}
