//! argon2id, run off the async runtime on a few threads of its own at the
//! lowest CPU priority, so that a burst of logins can neither exhaust memory
//! (one hash per thread at a time) nor starve other requests (the kernel
//! gives the hashing threads only the CPU the rest leaves idle).

use std::sync::{Arc, Mutex, mpsc};

use argon2::password_hash::PasswordHasher as _;
use argon2::{Algorithm, Argon2, Params, PasswordVerifier, Version};
use nido_domain::NewPassword;
use tokio::sync::oneshot;

/// OWASP's recommendation for argon2id: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The niceness of the hashing threads: the lowest priority Linux has. A
/// login waits behind the requests being served rather than them behind it.
const HASHING_NICENESS: i32 = 19;

type Job = Box<dyn FnOnce() + Send>;

/// `threads` hashing threads taking jobs from one queue, in order; they end
/// when the queue's last sender is dropped.
fn spawn_hashing_threads(threads: usize) -> anyhow::Result<mpsc::Sender<Job>> {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for number in 0..threads.max(1) {
        let receiver = Arc::clone(&receiver);
        std::thread::Builder::new()
            .name(format!("nido-argon2-{number}"))
            .spawn(move || {
                lower_own_priority();
                loop {
                    // The lock is held only while waiting for the next job.
                    let job = match receiver.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        // A panic ends the job (its caller gets an error),
                        // not the thread.
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        Err(_) => return,
                    }
                }
            })?;
    }
    Ok(sender)
}

/// Lowers the calling thread's CPU priority. On Linux the nice value is a
/// thread's own (`setpriority` on "the current process" applies to the
/// calling thread), so the rest of nido keeps its priority. Where it cannot
/// be lowered, hashing runs at normal priority: slower requests in a login
/// storm, nothing worse.
fn lower_own_priority() {
    #[cfg(unix)]
    if let Err(err) = rustix::process::setpriority_process(None, HASHING_NICENESS) {
        tracing::warn!(%err, "cannot lower the priority of a password-hashing thread");
    }
}

#[derive(Clone)]
pub struct PasswordHasher {
    jobs: mpsc::Sender<Job>,
    /// Verified against when the email is unknown, so that an unknown email
    /// costs the same time as a wrong password.
    dummy_hash: Arc<String>,
    /// The hashes argon2 verified a password against, in order: what the
    /// tests count instead of timing the answers.
    #[cfg(test)]
    verified: Arc<std::sync::Mutex<Vec<String>>>,
}

impl PasswordHasher {
    /// A hasher running at most `max_concurrent` hashes at once, each on a
    /// thread of its own.
    pub fn new(max_concurrent: usize) -> anyhow::Result<Self> {
        let dummy_hash = argon2()
            .hash_password(b"nido dummy password for unknown accounts")
            .map_err(|err| anyhow::anyhow!("hashing failed: {err}"))?
            .to_string();
        Ok(Self {
            jobs: spawn_hashing_threads(max_concurrent)?,
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

    /// Runs `work` on a hashing thread; the task waits without holding a
    /// runtime thread.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                // The waiting request may be gone (a client that hung up).
                let _ = done.send(work());
            }))
            .map_err(|_| anyhow::anyhow!("the password-hashing threads have stopped"))?;
        Ok(result.await?)
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

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_runs_at_the_lowest_priority_and_the_runtime_keeps_its_own() {
        let hasher = PasswordHasher::new(2).expect("hasher");
        let niceness = || rustix::process::getpriority_process(None).expect("getpriority");
        let own = niceness();
        let hashing = hasher.run(niceness).await.expect("ran");
        assert_eq!(hashing, HASHING_NICENESS);
        assert_eq!(niceness(), own);
        assert_ne!(own, HASHING_NICENESS);
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
