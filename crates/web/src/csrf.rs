//! Tokens against cross-site request forgery. Every form carries one, and a
//! POST without the right one is refused (403) before anything else runs.
//!
//! - Signed in, the token is derived from the session's own token:
//!   HMAC-SHA-256 keyed with it. The session token lives only in an
//!   `HttpOnly` cookie, so another site can neither read nor compute it;
//!   nothing more is stored, and every instance derives the same one.
//! - Signed out (the sign-in form), its own `HttpOnly`, `SameSite=Strict`
//!   cookie holds a random nonce, and the form's token is that nonce with
//!   its MAC under the server key (a signed double-submit cookie). A post
//!   is taken only if the MAC verifies and the nonce is the cookie's: a
//!   value the client chose (the same in cookie and form, say) has no valid
//!   MAC, so nobody can sign a visitor in to an account of their choosing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use nido_cases::auth::ServerKey;
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

const SIGN_IN_PURPOSE: &str = "nido sign-in form";

/// The sign-in form's token for the nonce of its cookie: `<nonce>.<mac>`.
pub fn for_sign_in(key: &ServerKey, nonce: &str) -> String {
    let mac = key.mac(SIGN_IN_PURPOSE, &[nonce.as_bytes()]);
    format!("{nonce}.{}", URL_SAFE_NO_PAD.encode(mac))
}

/// Whether `given` is a sign-in token made by the server (its MAC
/// verifies) for the nonce of the visitor's cookie, `nonce`.
pub fn is_of_sign_in(key: &ServerKey, nonce: &str, given: &str) -> bool {
    let Some((given_nonce, mac)) = given.trim().split_once('.') else {
        return false;
    };
    let Ok(mac) = URL_SAFE_NO_PAD.decode(mac) else {
        return false;
    };
    !nonce.is_empty()
        && key.verify(SIGN_IN_PURPOSE, &[given_nonce.as_bytes()], &mac)
        && same(nonce, given_nonce)
}

/// Whether two values are equal, in constant time for equal lengths.
fn same(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
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
    fn the_sign_in_token_is_the_servers_for_the_cookies_nonce() {
        let key = ServerKey::random().expect("key");
        let token = for_sign_in(&key, "nonce-one");
        assert!(is_of_sign_in(&key, "nonce-one", &token));
        assert!(!is_of_sign_in(&key, "nonce-two", &token), "another cookie");
        let other_key = ServerKey::random().expect("key");
        assert!(!is_of_sign_in(&other_key, "nonce-one", &token));
        // Values the client chose: the same in the cookie and the form.
        for chosen in ["nonce-one", "nonce-one.", "nonce-one.AAAA", ""] {
            assert!(!is_of_sign_in(&key, "nonce-one", chosen), "{chosen}");
        }
        assert!(!is_of_sign_in(&key, "", &for_sign_in(&key, "")));
    }
}
