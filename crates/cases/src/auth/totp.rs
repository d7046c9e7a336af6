//! The second factor's codes: TOTP (RFC 6238: 6 digits, 30-second steps,
//! one step of skew either way) and one-time recovery codes, and their
//! hashes. Nothing here touches the database.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret, Totp};

/// The name authenticator apps show above the account.
const ISSUER: &str = "nido";
/// Recovery codes given at enrolment.
pub(super) const RECOVERY_CODES: usize = 10;
/// Random bytes of a TOTP secret: 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// Random bytes of a recovery code: 80 bits, 16 base32 characters.
const RECOVERY_CODE_BYTES: usize = 10;

fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|err| anyhow::anyhow!("no randomness: {err}"))?;
    Ok(bytes)
}

/// A new TOTP secret, base32.
pub(super) fn new_secret() -> anyhow::Result<String> {
    Ok(Secret::from(random_bytes::<SECRET_BYTES>()?.to_vec()).to_base32())
}

/// The RFC 6238 generator of a secret, for the account `email`.
pub(super) fn generator(secret_base32: &str, email: &str) -> anyhow::Result<Totp> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|_| anyhow::anyhow!("a stored TOTP secret is not base32"))?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(email.replace(':', ""))
        .build()
        .map_err(|err| anyhow::anyhow!("TOTP generator: {err}"))
}

/// The `otpauth://totp/` URL of a secret for `email` (what a QR code holds).
pub(super) fn otpauth_url(secret_base32: &str, email: &str) -> anyhow::Result<String> {
    generator(secret_base32, email)?
        .to_url()
        .map_err(|err| anyhow::anyhow!("otpauth URL: {err}"))
}

/// The time step whose code `code` is, within one step of `now`; `None`
/// when it is no such code.
pub(super) fn matching_step(generator: &Totp, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let time = u64::try_from(now.timestamp()).ok()?;
    generator
        .check(code, time)
        .and_then(|step| i64::try_from(step).ok())
}

/// A recovery code as typed, reduced to its characters: case, spaces and
/// dashes do not matter.
fn normalise_recovery_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

pub(super) fn hash_recovery_code(code: &str) -> String {
    let digest = Sha256::digest(normalise_recovery_code(code).as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Ten new recovery codes, `xxxx-xxxx-xxxx-xxxx` in lower-case base32.
pub(super) fn new_recovery_codes() -> anyhow::Result<Vec<String>> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw = Secret::from(random_bytes::<RECOVERY_CODE_BYTES>()?.to_vec())
                .to_base32()
                .to_ascii_lowercase();
            let groups: Vec<String> = raw
                .as_bytes()
                .chunks(4)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect();
            Ok(groups.join("-"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).expect("instant")
    }

    /// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" gives
    /// 94287082 at 59 s and 07081804 at 1111111109 s (8 digits); nido uses
    /// the last 6.
    #[test]
    fn codes_follow_rfc_6238() {
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let generator = generator(&secret, "awa@nido.example").expect("generator");
        assert_eq!(matching_step(&generator, "287082", at(59)), Some(1));
        assert_eq!(
            matching_step(&generator, "081804", at(1_111_111_109)),
            Some(1_111_111_109 / 30)
        );
        // One step of skew either way, no more.
        assert_eq!(matching_step(&generator, "287082", at(89)), Some(1));
        assert_eq!(matching_step(&generator, "287082", at(120)), None);
        assert_eq!(matching_step(&generator, "28708", at(59)), None);
        assert_eq!(matching_step(&generator, "abcdef", at(59)), None);
    }

    #[test]
    fn recovery_codes_are_many_distinct_and_typed_loosely() {
        let codes = new_recovery_codes().expect("codes");
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut distinct = codes.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(
            hash_recovery_code(code),
            hash_recovery_code(&format!(" {} ", code.to_uppercase().replace('-', " ")))
        );
        assert_ne!(hash_recovery_code(code), hash_recovery_code(&codes[1]));
    }

    #[test]
    fn the_otpauth_url_names_nido_and_the_account() {
        let secret = new_secret().expect("secret");
        let url = otpauth_url(&secret, "awa@nido.example").expect("url");
        assert!(
            url.starts_with("otpauth://totp/nido:awa%40nido.example?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={secret}")), "{url}");
        assert!(url.contains("issuer=nido"), "{url}");
    }
}
