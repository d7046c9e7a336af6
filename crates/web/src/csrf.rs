//! Tokens against cross-site request forgery. Every form carries one, and a
//! POST without the right one is refused (403) before anything else runs.
//!
//! - Signed in, the token is derived from the session's own token:
//!   HMAC-SHA-256 keyed with it. The session token lives only in an
//!   `HttpOnly` cookie, so another site can neither read nor compute it;
//!   nothing more is stored, and every instance derives the same one.
//! - Signed out (the sign-in form), it is a random value kept in its own
//!   `HttpOnly`, `SameSite=Strict` cookie that the form must repeat (a
//!   double-submit cookie), so nobody can sign a visitor in to an account of
//!   their choosing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The form field every form carries.
pub const FIELD: &str = "csrf";

const CONTEXT: &[u8] = b"nido web form";

fn mac(session_token: &str) -> HmacSha256 {
    // HMAC takes a key of any length: this cannot fail.
    let mut mac = HmacSha256::new_from_slice(session_token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(CONTEXT);
    mac
}

/// The token of the forms of the session whose token is `session_token`.
pub fn for_session(session_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(session_token).finalize().into_bytes())
}

/// Whether `given` is the token of that session (compared in constant time).
pub fn is_of_session(session_token: &str, given: &str) -> bool {
    match URL_SAFE_NO_PAD.decode(given.trim()) {
        Ok(bytes) => mac(session_token).verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

/// Whether the sign-in form repeated its cookie's value (constant time).
pub fn same(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_belongs_to_one_session() {
        let token = for_session("session-one");
        assert_eq!(token, for_session("session-one"), "stable");
        assert!(is_of_session("session-one", &token));
        assert!(!is_of_session("session-two", &token));
        assert!(!is_of_session("session-one", ""));
        assert!(!is_of_session("session-one", "not base64 !"));
        assert!(!token.contains("session"));
    }

    #[test]
    fn the_sign_in_token_must_be_repeated_exactly() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        assert!(!same("", ""), "an empty cookie proves nothing");
    }
}
