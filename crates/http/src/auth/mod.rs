//! Authentication over HTTP: the login, logout and second-factor routes,
//! the bearer token's extractor, the client's address and the cookies.
//! What they decide is `nido_cases::auth`'s.

mod account;
mod client_address;
mod cookies;
mod current_user;
mod mfa;
mod routes;

pub use account::router as account_router;
pub use client_address::ClientAddress;
pub use current_user::CurrentUser;
pub use mfa::router as second_factor_router;
pub use nido_cases::auth::{hash_token, new_token};
pub use routes::router;
