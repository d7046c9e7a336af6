//! Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
//! Cookies"): a successful sign-in leaves in the browser, or with the API
//! client, a random device id MACed under the server key together with the
//! account's id. An attempt on that account carrying it comes from a device
//! its owner signed in from before, and is counted on that device alone:
//! guesses spread over many addresses lock the account for strangers, never
//! for its owner on her known devices. A cookie whose MAC does not verify
//! for the account tried (forged, altered, or another account's) is
//! ignored: the attempt is a stranger's.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use super::ServerKey;

/// The cookie's base name (`__Host-nido_device` outside development).
pub const DEVICE_COOKIE: &str = "nido_device";
/// A device cookie is kept a year.
pub const DEVICE_COOKIE_MAX_AGE_SECS: u32 = 365 * 24 * 60 * 60;

const PURPOSE: &str = "nido device cookie";

/// The cookie of device `device` (base64url) of `user_id`: `<device>.<mac>`.
pub fn device_cookie(key: &ServerKey, user_id: Uuid, device: &str) -> String {
    let mac = key.mac(PURPOSE, &[user_id.as_bytes(), device.as_bytes()]);
    format!("{device}.{}", URL_SAFE_NO_PAD.encode(mac))
}

/// A new device of `user_id`: 128 random bits, and their cookie.
pub fn new_device_cookie(key: &ServerKey, user_id: Uuid) -> anyhow::Result<String> {
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(|err| anyhow::anyhow!("no randomness: {err}"))?;
    Ok(device_cookie(key, user_id, &URL_SAFE_NO_PAD.encode(id)))
}

/// The device id of `cookie` if it is a device cookie of `user_id` made
/// with this key; `None` for anything else.
pub fn known_device(key: &ServerKey, user_id: Uuid, cookie: &str) -> Option<String> {
    let (device, mac) = cookie.split_once('.')?;
    let mac = URL_SAFE_NO_PAD.decode(mac).ok()?;
    let well_formed = device.len() == 22 && URL_SAFE_NO_PAD.decode(device).is_ok();
    (well_formed && key.verify(PURPOSE, &[user_id.as_bytes(), device.as_bytes()], &mac))
        .then(|| device.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_cookie_is_known_only_for_its_account_and_key() {
        let key = ServerKey::random().expect("key");
        let awa = Uuid::new_v4();
        let cookie = new_device_cookie(&key, awa).expect("cookie");
        let device = known_device(&key, awa, &cookie).expect("known");
        assert_eq!(device.len(), 22, "128 bits, base64url");
        assert_ne!(cookie, new_device_cookie(&key, awa).expect("cookie"));

        assert_eq!(
            known_device(&key, Uuid::new_v4(), &cookie),
            None,
            "another account"
        );
        let other_key = ServerKey::random().expect("key");
        assert_eq!(known_device(&other_key, awa, &cookie), None, "another key");
        let (id, mac) = cookie.split_once('.').expect("two parts");
        let mut altered = mac.to_owned();
        altered.replace_range(..1, if mac.starts_with('A') { "B" } else { "A" });
        for forged in [
            format!("{id}.{altered}"),
            format!("{id}."),
            id.to_owned(),
            format!("{id}{id}.{mac}"),
            String::new(),
            "..".to_owned(),
        ] {
            assert_eq!(known_device(&key, awa, &forged), None, "{forged}");
        }
    }
}
