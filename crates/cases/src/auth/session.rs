//! The session a token stands for: the API's bearer token and the pages'
//! session cookie alike, with the same timeouts.

use chrono::{DateTime, Utc};
use nido_domain::User;
use nido_persistence::session_notices::{self, Announced, Revoked};
use nido_persistence::{login_throttle, sessions};

use super::hash_token;
use super::session_cache::Recall;
use crate::{Caller, CaseResult, Cases};

/// A live session: whose it is, and the hash of its token (as the sessions
/// table keeps it).
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    token_hash: String,
}

impl Session {
    /// The caller as the use cases know her.
    pub fn caller(&self) -> Caller {
        Caller::of(&self.user)
    }

    /// The SHA-256 of the session's token, as the sessions table keeps it.
    pub fn token_hash(&self) -> &str {
        &self.token_hash
    }
}

/// The session of `token`, with the policy's timeouts: `None` when the
/// token is unknown, expired or revoked, or its account disabled. A live
/// session has its last use recorded. The user's `must_change_password`
/// and a second factor still to enrol are not checked here: each front
/// answers them its own way. A session this process keeps in memory is
/// not read again (`SessionCache`).
pub async fn resolve_session(cases: &Cases, token: &str) -> CaseResult<Option<Session>> {
    let token_hash = hash_token(token);
    let now = cases.now();
    let lifetime = cases.auth.policy.session_lifetime;
    let kept = &cases.auth.sessions;
    let generation = match kept.recall(&token_hash, now, lifetime) {
        Recall::Alive { session, touch } => {
            if touch && let Err(err) = sessions::touch(&cases.writer, session.id, now).await {
                // Memory would be ahead of the database: read it anew.
                kept.forget(Revoked::Token(token_hash));
                return Err(err.into());
            }
            return Ok(Some(Session {
                user: session.user,
                token_hash,
            }));
        }
        Recall::Unknown(generation) => generation,
    };
    let found =
        sessions::authenticate(&cases.db, &cases.writer, &token_hash, now, lifetime).await?;
    Ok(found.map(|live| {
        kept.keep(generation, &token_hash, &live, now, lifetime);
        Session {
            user: live.user,
            token_hash,
        }
    }))
}

/// Drops from this process's memory the sessions `announced` names, once
/// the transaction that revoked them (and told the other processes)
/// committed, and waits until every listening process dropped them too.
/// Every revocation goes through here: the repository functions that
/// revoke answer an `Announced` that must be used.
pub(crate) async fn forget(cases: &Cases, announced: Announced) -> CaseResult<()> {
    let kept = &cases.auth.sessions;
    let listeners = if kept.awaits_acknowledgements() {
        session_notices::listeners(&cases.db).await?
    } else {
        0
    };
    kept.revoked(announced, listeners).await;
    Ok(())
}

/// When the account of `session` was locked from everywhere before she
/// opened it, the first time it is asked (the web home page tells her
/// once); `None` otherwise.
pub async fn take_lock_notice(
    cases: &Cases,
    session: &Session,
) -> CaseResult<Option<DateTime<Utc>>> {
    Ok(login_throttle::take_lock_notice(
        &cases.db,
        &cases.writer,
        session.user.id,
        &session.token_hash,
    )
    .await?)
}
