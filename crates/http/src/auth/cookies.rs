//! nido's cookies over HTTP: the policy (`nido_cases::auth::CookiePolicy`)
//! read from a request's `Cookie` headers and written as `Set-Cookie`.

use axum::http::{HeaderMap, HeaderValue, header};
use nido_cases::auth::{CookiePolicy, NewSession};

/// The value of cookie `base` in the request, under the name `policy`
/// gives it only.
pub fn read(policy: CookiePolicy, headers: &HeaderMap, base: &str) -> Option<String> {
    policy.read(cookie_headers(headers), base)
}

/// The request's `Cookie` headers, as text.
fn cookie_headers(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
}

/// Adds the `Set-Cookie` of a session's device cookie (kept a year) to an
/// answer's headers: the end of a login, with its code or without.
pub fn leave_device_cookie(policy: CookiePolicy, session: &NewSession, headers: &mut HeaderMap) {
    let value = HeaderValue::from_str(&policy.device_cookie(session))
        .unwrap_or_else(|_| HeaderValue::from_static(""));
    headers.append(header::SET_COOKIE, value);
}
