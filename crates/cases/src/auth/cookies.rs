//! nido's cookies (the pages' session and sign-in token, the device
//! cookie): how they are named and flagged, and how their value is read
//! back from a request's `Cookie` headers. A plain policy: each front turns
//! it into its headers.
//!
//! Outside development they are `__Host-` prefixed and `Secure`: a browser
//! then keeps them only from HTTPS, for this host alone (`Path=/`, no
//! `Domain`), so neither a sibling subdomain nor a network attacker on plain
//! HTTP can plant one (cookie tossing). In development (`NIDO_ENV` `dev`,
//! `development` or `test`) they keep their plain names and are `Secure`
//! only with `web.secure_cookies`, so they work on `http://127.0.0.1`
//! (a browser refuses a `__Host-` cookie that is not `Secure`).

use super::{DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECS, NewSession};

/// How cookies are named and flagged, and whether answers carry HSTS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CookiePolicy {
    /// A developer's machine: plain names, `Secure` only if `https`.
    pub development: bool,
    /// `web.secure_cookies`: nido is reached through HTTPS only.
    pub https: bool,
}

/// The environments whose cookies keep their plain names.
const DEVELOPMENT_ENVS: [&str; 3] = ["dev", "development", "test"];

impl CookiePolicy {
    /// The policy of environment `env` (`NIDO_ENV`), with
    /// `web.secure_cookies` = `https`.
    pub fn of_env(env: &str, https: bool) -> Self {
        Self {
            development: DEVELOPMENT_ENVS.contains(&env),
            https,
        }
    }

    fn secure(self) -> bool {
        self.https || !self.development
    }

    /// Whether answers carry `Strict-Transport-Security`.
    pub fn hsts(self) -> bool {
        self.https
    }

    /// The name cookie `base` goes by: `__Host-<base>` outside development.
    pub fn name(self, base: &str) -> String {
        if self.development {
            base.to_owned()
        } else {
            format!("__Host-{base}")
        }
    }

    /// The value of cookie `base` among a request's `Cookie` headers, under
    /// its name only (a plain-named copy beside a `__Host-` cookie may have
    /// been planted).
    pub fn read<'a>(
        self,
        cookie_headers: impl IntoIterator<Item = &'a str>,
        base: &str,
    ) -> Option<String> {
        cookie(cookie_headers, &self.name(base)).map(str::to_owned)
    }

    /// The `Set-Cookie` value for cookie `base`: `HttpOnly`,
    /// `SameSite=Strict`, `Path=/`, `Secure` as the policy says; `None`
    /// clears it. Without `max_age_secs` it lasts until the browser closes.
    pub fn set(self, base: &str, value: Option<&str>, max_age_secs: Option<u32>) -> String {
        let name = self.name(base);
        let secure = if self.secure() { "; Secure" } else { "" };
        match (value, max_age_secs) {
            (Some(value), Some(age)) => {
                format!("{name}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={age}{secure}")
            }
            (Some(value), None) => {
                format!("{name}={value}; HttpOnly; SameSite=Strict; Path=/{secure}")
            }
            (None, _) => format!("{name}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"),
        }
    }

    /// The `Set-Cookie` value of a session's device cookie (kept a year):
    /// the end of a login, with its code or without.
    pub fn device_cookie(self, session: &NewSession) -> String {
        self.set(
            DEVICE_COOKIE,
            Some(&session.device_cookie),
            Some(DEVICE_COOKIE_MAX_AGE_SECS),
        )
    }
}

/// The value of the cookie named exactly `name`, among a request's
/// `Cookie` headers.
fn cookie<'a>(cookie_headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    cookie_headers
        .into_iter()
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(policy: CookiePolicy) -> String {
        policy.set("nido_session", Some("t"), None)
    }

    #[test]
    fn outside_development_cookies_are_host_prefixed_and_secure() {
        for env in ["ci", "production", "staging", ""] {
            let policy = CookiePolicy::of_env(env, false);
            assert_eq!(
                set(policy),
                "__Host-nido_session=t; HttpOnly; SameSite=Strict; Path=/; Secure",
                "{env}"
            );
            assert!(!set(policy).contains("Domain"));
            assert!(!policy.hsts(), "HSTS only with web.secure_cookies");
        }
        let https = CookiePolicy::of_env("production", true);
        assert!(set(https).starts_with("__Host-nido_session=t;"));
        assert!(https.hsts());
    }

    #[test]
    fn in_development_cookies_keep_their_names_and_are_secure_only_if_asked() {
        for env in DEVELOPMENT_ENVS {
            let plain = CookiePolicy::of_env(env, false);
            assert_eq!(
                set(plain),
                "nido_session=t; HttpOnly; SameSite=Strict; Path=/",
                "{env}"
            );
            let secure = CookiePolicy::of_env(env, true);
            assert!(set(secure).ends_with("; Secure"), "{env}");
            assert!(set(secure).starts_with("nido_session="), "{env}");
        }
    }

    #[test]
    fn a_cookie_is_read_under_its_policy_name_only() {
        let headers = ["nido_device=planted; __Host-nido_device=own"];
        let host = CookiePolicy::of_env("production", false);
        assert_eq!(host.read(headers, "nido_device").as_deref(), Some("own"));
        let dev = CookiePolicy::of_env("test", false);
        assert_eq!(dev.read(headers, "nido_device").as_deref(), Some("planted"));
        assert_eq!(cookie(headers, "nido"), None);
    }

    #[test]
    fn a_cleared_or_lasting_cookie_says_so() {
        let policy = CookiePolicy::of_env("test", false);
        assert!(policy.set("nido_session", None, None).contains("Max-Age=0"));
        assert!(
            policy
                .set("nido_device", Some("d"), Some(60))
                .contains("Max-Age=60")
        );
    }
}
