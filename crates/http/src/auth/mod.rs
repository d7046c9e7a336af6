//! Authentication over HTTP: the login, logout and second-factor routes,
//! the bearer token's extractor, the client's address and the cookies.
//! What they decide is `nido_cases::auth`'s.

pub(crate) mod account;
mod client_address;
mod cookies;
mod current_user;
pub(crate) mod mfa;
pub(crate) mod routes;

pub use client_address::ClientAddress;
pub use current_user::CurrentUser;
pub use nido_cases::auth::{hash_token, new_token};
