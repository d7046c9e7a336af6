//! argon2id, run off the async runtime and bounded by a semaphore so that a
//! burst of logins cannot exhaust memory or starve other requests.

use std::sync::Arc;

use argon2::password_hash::PasswordHasher as _;
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};
use nido_domain::NewPassword;
use tokio::sync::Semaphore;

/// OWASP's recommendation for argon2id: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Verified against when the email is unknown, so that an unknown email
    /// costs the same time as a wrong password.
    dummy_hash: Arc<String>,
    /// The hashes argon2 verified a password against, in order: what the
    /// tests count instead of timing the answers.
    #[cfg(test)]
    verified: Arc<std::sync::Mutex<Vec<String>>>,
}

impl PasswordHasher {
    pub fn new(max_concurrent: usize) -> anyhow::Result<Self> {
        let dummy_hash = argon2()
            .hash_password(b"nido dummy password for unknown accounts")
            .map_err(|err| anyhow::anyhow!("hashing failed: {err}"))?
            .to_string();
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy_hash: Arc::new(dummy_hash),
            #[cfg(test)]
            verified: Arc::default(),
        })
    }

    pub async fn hash(&self, password: &NewPassword) -> anyhow::Result<String> {
        let password = password.expose().to_owned();
        self.run(move || {
            argon2()
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|err| anyhow::anyhow!("hashing failed: {err}"))
        })
        .await?
    }

    /// Checks `password` against `hash`, or against the dummy hash when there
    /// is no user, and then answers false whatever the password.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        let password = password.to_owned();
        let known = hash.is_some();
        let hash = hash.map_or_else(|| self.dummy_hash.as_str().to_owned(), str::to_owned);
        #[cfg(test)]
        let verified = Arc::clone(&self.verified);
        let matches = self
            .run(move || {
                let matches = argon2()
                    .verify_password(password.as_bytes(), hash.as_str())
                    .is_ok();
                #[cfg(test)]
                verified.lock().expect("not poisoned").push(hash);
                matches
            })
            .await?;
        Ok(known && matches)
    }

    /// The hashes verified against so far, in order.
    #[cfg(test)]
    pub(crate) fn verified(&self) -> Vec<String> {
        self.verified.lock().expect("not poisoned").clone()
    }

    /// The hash an unknown account is verified against.
    #[cfg(test)]
    pub(crate) fn dummy_hash(&self) -> &str {
        &self.dummy_hash
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let _permit = self.permits.acquire().await?;
        Ok(tokio::task::spawn_blocking(work).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hasher = PasswordHasher::new(1).expect("hasher");
        let password = NewPassword::parse("lanterne-violon-gravier-47", &[]).expect("strong");
        let hash = hasher.hash(&password).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            hasher
                .verify("lanterne-violon-gravier-47", Some(&hash))
                .await
                .expect("ok")
        );
        assert!(
            !hasher
                .verify("lanterne-violon-gravier-48", Some(&hash))
                .await
                .expect("ok")
        );
        // No user: false even for the dummy's own password.
        assert!(
            !hasher
                .verify("nido dummy password for unknown accounts", None)
                .await
                .expect("ok")
        );
    }

    #[tokio::test]
    async fn no_account_costs_one_verification_against_a_dummy_as_dear_as_a_real_hash() {
        let hasher = PasswordHasher::new(1).expect("hasher");
        let password = NewPassword::parse("lanterne-violon-gravier-47", &[]).expect("strong");
        let real = hasher.hash(&password).await.expect("hash");
        assert!(
            !hasher
                .verify("lanterne-violon-gravier-47", None)
                .await
                .expect("ok")
        );
        assert_eq!(hasher.verified(), [hasher.dummy_hash()]);
        // The dummy is a real argon2id hash with the same cost as any
        // password's: same algorithm, version, memory, passes and lanes.
        let dummy = argon2::PasswordHash::new(hasher.dummy_hash()).expect("a PHC string");
        let real = argon2::PasswordHash::new(&real).expect("a PHC string");
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
    }
}
