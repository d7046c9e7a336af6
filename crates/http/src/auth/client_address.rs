//! The client's address, as the login throttle counts it.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{HeaderMap, request::Parts};

use crate::error::{ApiError, Result};
use crate::state::AppState;

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

/// The client's address, as throttling counts it: the peer, or behind
/// trusted proxies the entry of `X-Forwarded-For` that the outermost of them
/// added (entries further left are whatever the client sent).
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        let forwarded = state
            .forwarded_for
            .trusted
            .then(|| forwarded_client(&parts.headers, state.forwarded_for.proxies))
            .flatten();
        Ok(ClientAddress(
            forwarded.or(peer).unwrap_or_else(|| "unknown".to_owned()),
        ))
    }
}

/// The entry `trusted_proxies` places from the right of all the
/// `X-Forwarded-For` headers, or the leftmost when there are fewer.
fn forwarded_client(headers: &HeaderMap, trusted_proxies: u32) -> Option<String> {
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
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
