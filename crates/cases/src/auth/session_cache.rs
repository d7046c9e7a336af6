//! The sessions a process has checked, kept in memory so that a request
//! does not read the sessions table, and dropped at once when revoked.
//!
//! What is kept is used only while nobody else can revoke a session
//! unheard: when this process owns the database (SQLite: one process owns
//! the data directory), or while it listens to the notices the revoking
//! transactions send (PostgreSQL). Meanwhile every session is read from the
//! database, as without a cache.
//!
//! A session read from the database is kept only if no revocation was
//! heard since the read began (the `generation` taken before it): a read
//! that raced a revocation could otherwise keep what was revoked.
//!
//! A notice travels on its own: every listening process, once it dropped
//! what a notice names, acknowledges it (a notice of its own), and the
//! process that revoked waits (a moment at most) until every listening
//! process has, before it answers: the client cannot try the token
//! elsewhere before it is dropped there.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use nido_persistence::session_notices::{Announced, Revoked};
use nido_persistence::sessions::{LiveSession, SessionLifetime};
use uuid::Uuid;

/// How many sessions a process keeps at most: far more than a centre has
/// people signed in; past it, the expired go first, then the nearest to
/// their end.
pub const CAPACITY: usize = 10_000;

/// How long a revoking request waits at most for the listening processes'
/// acknowledgements (one that slow is as good as lost; the answer goes
/// anyway).
const ACKNOWLEDGEMENT_WAIT: Duration = Duration::from_secs(2);

/// How many notices' acknowledgements are remembered, for the revoking
/// request that asks after its own only once it committed.
const NOTICES_REMEMBERED: usize = 1_000;

/// The sessions this process keeps, shared by its clones.
#[derive(Clone)]
pub struct SessionCache {
    state: Arc<Mutex<State>>,
    capacity: usize,
    /// The database is shared with other processes (PostgreSQL), who hear
    /// of revocations by notice.
    shared: bool,
    acknowledgements: Arc<Acknowledgements>,
}

/// How many processes acknowledged each of the last notices, and a bell
/// for the requests waiting.
#[derive(Default)]
struct Acknowledgements {
    counted: Mutex<VecDeque<(Uuid, usize)>>,
    bell: tokio::sync::Notify,
}

struct State {
    entries: HashMap<String, LiveSession>,
    /// Whether what is kept can be trusted: this process owns the
    /// database, or hears every revocation.
    trusted: bool,
    /// Bumped by every revocation heard, and by every change of `trusted`.
    generation: u64,
}

/// What memory says of a token.
pub(crate) enum Recall {
    /// A live session: `touch` when its last use should be recorded now
    /// (memory already holds it).
    Alive { session: LiveSession, touch: bool },
    /// Read it from the database; keep it with this generation.
    Unknown(Generation),
}

/// The generation before a read from the database; `None` when nothing may
/// be kept.
#[derive(Clone, Copy)]
pub(crate) struct Generation(Option<u64>);

impl SessionCache {
    /// For a process that owns its database (SQLite): what it keeps is
    /// right until this process revokes it.
    pub fn owner() -> Self {
        Self::new(true, CAPACITY)
    }

    /// For a database other processes share (PostgreSQL): nothing is used
    /// from memory until [`SessionCache::listening`] says notices are heard.
    pub fn shared() -> Self {
        Self::new(false, CAPACITY)
    }

    fn new(owner: bool, capacity: usize) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                entries: HashMap::new(),
                trusted: owner,
                generation: 0,
            })),
            capacity,
            shared: !owner,
            acknowledgements: Arc::default(),
        }
    }

    /// Whether this process hears every revocation from now on. Either way
    /// memory is emptied: notices may have been missed while it was not
    /// listening, and while it does not, every session is read anew.
    pub fn listening(&self, heard: bool) {
        let mut state = self.lock();
        state.trusted = heard;
        state.entries.clear();
        state.generation += 1;
    }

    /// Drops what `revoked` names. Called after the revoking transaction
    /// commits (by this process), or when its notice arrives (from another).
    pub fn forget(&self, revoked: Revoked) {
        let mut state = self.lock();
        match revoked {
            Revoked::Token(hash) => {
                state.entries.remove(&hash);
            }
            Revoked::User(id) => state.entries.retain(|_, live| live.user.id != id),
            Revoked::All => state.entries.clear(),
        }
        state.generation += 1;
    }

    /// Whether a revocation by this process waits for the listening
    /// processes' acknowledgements: on a shared database, while listening.
    pub fn awaits_acknowledgements(&self) -> bool {
        self.shared && self.lock().trusted
    }

    /// A listening process acknowledged notice `notice`.
    pub fn acknowledged(&self, notice: Uuid) {
        if let Ok(mut counted) = self.acknowledgements.counted.lock() {
            match counted.iter_mut().find(|(id, _)| *id == notice) {
                Some((_, count)) => *count += 1,
                None => {
                    if counted.len() >= NOTICES_REMEMBERED {
                        counted.pop_front();
                    }
                    counted.push_back((notice, 1));
                }
            }
        }
        self.acknowledgements.bell.notify_waiters();
    }

    /// This process revoked `announced` (its transaction committed): drops
    /// it here, then waits (at most [`ACKNOWLEDGEMENT_WAIT`]) until
    /// `listeners` processes acknowledged its notice, so that every process
    /// dropped it before the revocation is answered.
    pub async fn revoked(&self, announced: Announced, listeners: usize) {
        self.forget(announced.revoked);
        let deadline = tokio::time::Instant::now() + ACKNOWLEDGEMENT_WAIT;
        loop {
            let bell = self.acknowledgements.bell.notified();
            tokio::pin!(bell);
            bell.as_mut().enable();
            let acknowledged = self
                .acknowledgements
                .counted
                .lock()
                .map_or(usize::MAX, |counted| {
                    counted
                        .iter()
                        .find(|(id, _)| *id == announced.notice)
                        .map_or(0, |(_, count)| *count)
                });
            if acknowledged >= listeners {
                return;
            }
            if tokio::time::timeout_at(deadline, bell).await.is_err() {
                tracing::warn!(
                    acknowledged,
                    listeners,
                    "a revocation was not acknowledged in time by every process"
                );
                return;
            }
        }
    }

    /// How many sessions are kept.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no session is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The live session of `token_hash` at `now` if memory may answer; an
    /// ended one is dropped (the database read then deletes it).
    pub(crate) fn recall(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        lifetime: SessionLifetime,
    ) -> Recall {
        let mut state = self.lock();
        if !state.trusted {
            return Recall::Unknown(Generation(None));
        }
        let generation = Generation(Some(state.generation));
        let Some(live) = state.entries.get_mut(token_hash) else {
            return Recall::Unknown(generation);
        };
        if !live.alive_at(now, lifetime) {
            state.entries.remove(token_hash);
            return Recall::Unknown(generation);
        }
        let touch = live.due_for_touch(now);
        if touch {
            live.last_seen_at = now;
        }
        Recall::Alive {
            session: live.clone(),
            touch,
        }
    }

    /// Keeps `live`, read from the database since `generation`, unless a
    /// revocation was heard meanwhile.
    pub(crate) fn keep(
        &self,
        generation: Generation,
        token_hash: &str,
        live: &LiveSession,
        now: DateTime<Utc>,
        lifetime: SessionLifetime,
    ) {
        let mut state = self.lock();
        if !state.trusted || generation.0 != Some(state.generation) {
            return;
        }
        if state.entries.len() >= self.capacity && !state.entries.contains_key(token_hash) {
            state.entries.retain(|_, kept| kept.alive_at(now, lifetime));
            if state.entries.len() >= self.capacity {
                let nearest_end = state
                    .entries
                    .iter()
                    .min_by_key(|(_, kept)| kept.ends_at(lifetime))
                    .map(|(hash, _)| hash.clone());
                if let Some(hash) = nearest_end {
                    state.entries.remove(&hash);
                }
            }
        }
        state.entries.insert(token_hash.to_owned(), live.clone());
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves nothing half-done that
        // matters more than dropping everything kept.
        self.state.lock().unwrap_or_else(|poisoned| {
            let mut state = poisoned.into_inner();
            state.entries.clear();
            state.generation += 1;
            state
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use nido_domain::{DisplayName, Email, Profession, Role, User};
    use uuid::Uuid;

    use super::*;

    fn lifetime() -> SessionLifetime {
        SessionLifetime {
            idle: TimeDelta::minutes(30),
            absolute: TimeDelta::hours(8),
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-06-15T08:30:00Z".parse().expect("an instant")
    }

    fn session(user_id: Uuid, last_seen_at: DateTime<Utc>) -> LiveSession {
        LiveSession {
            id: Uuid::now_v7(),
            user: User {
                id: user_id,
                email: Email::parse("awa@nido.example").expect("an email"),
                display_name: DisplayName::parse("Awa").expect("a name"),
                role: Role::Staff,
                profession: Profession::SocialWorker,
                active: true,
                must_change_password: false,
                mfa_enrolled: false,
                version: 1,
                created_at: last_seen_at,
                updated_at: last_seen_at,
            },
            last_seen_at,
            expires_at: last_seen_at + TimeDelta::hours(8),
        }
    }

    fn keep(cache: &SessionCache, generation: Generation, hash: &str, live: LiveSession) {
        cache.keep(generation, hash, &live, now(), lifetime());
    }

    fn generation(cache: &SessionCache) -> Generation {
        match cache.recall("nobody", now(), lifetime()) {
            Recall::Unknown(generation) => generation,
            Recall::Alive { .. } => panic!("nobody is kept"),
        }
    }

    fn is_alive(cache: &SessionCache, hash: &str, at: DateTime<Utc>) -> bool {
        matches!(cache.recall(hash, at, lifetime()), Recall::Alive { .. })
    }

    #[test]
    fn a_read_that_raced_a_revocation_is_not_kept() {
        let cache = SessionCache::owner();
        let before = generation(&cache);
        cache.forget(Revoked::Token("a".to_owned()));
        keep(&cache, before, "a", session(Uuid::now_v7(), now()));
        assert!(!is_alive(&cache, "a", now()));
        let after = generation(&cache);
        keep(&cache, after, "a", session(Uuid::now_v7(), now()));
        assert!(is_alive(&cache, "a", now()));
    }

    #[test]
    fn a_shared_database_is_read_until_notices_are_heard_and_again_once_they_are_not() {
        let cache = SessionCache::shared();
        let unheard = generation(&cache);
        keep(&cache, unheard, "a", session(Uuid::now_v7(), now()));
        assert!(cache.is_empty());
        cache.listening(true);
        keep(
            &cache,
            generation(&cache),
            "a",
            session(Uuid::now_v7(), now()),
        );
        assert!(is_alive(&cache, "a", now()));
        cache.listening(false);
        assert!(cache.is_empty());
        assert!(!is_alive(&cache, "a", now()));
    }

    #[test]
    fn a_user_wide_revocation_drops_her_sessions_only() {
        let cache = SessionCache::owner();
        let (her, other) = (Uuid::now_v7(), Uuid::now_v7());
        for (hash, user) in [("a", her), ("b", her), ("c", other)] {
            keep(&cache, generation(&cache), hash, session(user, now()));
        }
        cache.forget(Revoked::User(her));
        assert!(!is_alive(&cache, "a", now()));
        assert!(!is_alive(&cache, "b", now()));
        assert!(is_alive(&cache, "c", now()));
    }

    #[test]
    fn a_kept_session_ends_on_its_idle_deadline_and_records_its_use_once_per_granularity() {
        let cache = SessionCache::owner();
        keep(
            &cache,
            generation(&cache),
            "a",
            session(Uuid::now_v7(), now()),
        );
        let Recall::Alive { touch, .. } =
            cache.recall("a", now() + TimeDelta::seconds(10), lifetime())
        else {
            panic!("alive");
        };
        assert!(!touch, "too soon to record");
        let later = now() + TimeDelta::minutes(29);
        let Recall::Alive { touch, .. } = cache.recall("a", later, lifetime()) else {
            panic!("alive");
        };
        assert!(touch, "recorded now");
        let Recall::Alive { touch, .. } = cache.recall("a", later, lifetime()) else {
            panic!("alive");
        };
        assert!(!touch, "recorded once");
        assert!(is_alive(&cache, "a", later + TimeDelta::minutes(29)));
        assert!(!is_alive(&cache, "a", later + TimeDelta::minutes(60)));
        assert!(cache.is_empty(), "an ended session is dropped");
    }

    #[tokio::test]
    async fn a_revocation_waits_until_every_listening_process_acknowledged_it() {
        let cache = SessionCache::shared();
        assert!(!cache.awaits_acknowledgements(), "not listening");
        cache.listening(true);
        assert!(cache.awaits_acknowledgements());
        let announced = Announced {
            revoked: Revoked::All,
            notice: Uuid::now_v7(),
        };
        let waiting = tokio::spawn({
            let cache = cache.clone();
            let announced = announced.clone();
            async move { cache.revoked(announced, 2).await }
        });
        cache.acknowledged(Uuid::now_v7());
        cache.acknowledged(announced.notice);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "one process of two");
        cache.acknowledged(announced.notice);
        tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .expect("answered once both acknowledged")
            .expect("no panic");
        // Acknowledged before it asked: no wait.
        tokio::time::timeout(Duration::from_millis(100), cache.revoked(announced, 2))
            .await
            .expect("already acknowledged");
        assert!(!SessionCache::owner().awaits_acknowledgements());
    }

    #[test]
    fn memory_is_bounded_the_ended_going_first() {
        let cache = SessionCache::new(true, 3);
        let old = now() - TimeDelta::minutes(31);
        keep(
            &cache,
            generation(&cache),
            "ended",
            session(Uuid::now_v7(), old),
        );
        for hash in ["a", "b", "c", "d"] {
            keep(
                &cache,
                generation(&cache),
                hash,
                session(Uuid::now_v7(), now()),
            );
            assert!(cache.len() <= 3);
        }
        assert!(is_alive(&cache, "d", now()), "the newest is kept");
        assert!(!is_alive(&cache, "ended", now()));
    }
}
