//! Authentication: passwords, bearer tokens, sessions and login throttling.

mod current_user;
mod password;
mod routes;
mod settings;
mod token;

pub use current_user::CurrentUser;
pub use password::PasswordHasher;
pub use routes::router;
pub use settings::AuthSettings;
pub use token::{hash_token, new_token};
