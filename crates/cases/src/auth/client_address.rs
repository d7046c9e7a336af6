//! The client's address, as the login throttle counts it: the peer, or
//! behind trusted proxies what the outermost of them saw. Each front reads
//! the peer and the `X-Forwarded-For` headers; the choice is here.

use std::net::IpAddr;

/// Whether to believe `X-Forwarded-For`, and how far (`[auth]` in the
/// configuration).
#[derive(Debug, Clone, Copy, Default)]
pub struct ForwardedFor {
    /// Take the client address from `X-Forwarded-For` (only behind a proxy
    /// that sets it; otherwise a client could pick its own address).
    pub trusted: bool,
    /// How many proxies in front of nido append to `X-Forwarded-For`: the
    /// client is the entry that many places from the right (the leftmost
    /// ones are whatever the client sent).
    pub proxies: u32,
}

impl ForwardedFor {
    /// The client's address: the peer's, or behind trusted proxies the
    /// entry of the `X-Forwarded-For` headers that the outermost of them
    /// added (entries further left are whatever the client sent);
    /// `unknown` if there is neither.
    pub fn client_address<'a>(
        self,
        peer: Option<IpAddr>,
        forwarded_for_headers: impl IntoIterator<Item = &'a str>,
    ) -> String {
        let forwarded = self
            .trusted
            .then(|| forwarded_client(forwarded_for_headers, self.proxies))
            .flatten();
        forwarded
            .or_else(|| peer.map(|peer| peer.to_string()))
            .unwrap_or_else(|| "unknown".to_owned())
    }
}

/// The entry `trusted_proxies` places from the right of all the
/// `X-Forwarded-For` headers, or the leftmost when there are fewer.
fn forwarded_client<'a>(
    headers: impl IntoIterator<Item = &'a str>,
    trusted_proxies: u32,
) -> Option<String> {
    let entries: Vec<&str> = headers
        .into_iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    let from_right = usize::try_from(trusted_proxies.max(1)).unwrap_or(1);
    let index = entries.len().saturating_sub(from_right);
    entries
        .get(index)
        .map(|entry| entry.chars().take(64).collect())
}
