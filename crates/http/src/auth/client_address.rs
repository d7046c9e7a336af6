//! The client's address, as the login throttle counts it
//! (`nido_cases::auth::ForwardedFor` decides which).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::error::{ApiError, Result};
use crate::state::AppState;

/// The client's address, as throttling counts it: the peer, or behind
/// trusted proxies the entry of `X-Forwarded-For` that the outermost of them
/// added.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok());
        Ok(ClientAddress(
            state.forwarded_for.client_address(peer, forwarded),
        ))
    }
}
