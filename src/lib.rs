//! The `nido` binary's library: configuration, wiring and commands. `main.rs`
//! only parses the command line and calls in here.

pub mod background;
pub mod commands;
pub mod demo;
pub mod documents;
pub mod mail;
pub mod ownership;
pub mod settings;
pub mod startup;
pub mod telemetry;

/// The retention job is a use case; the command, the daily task and the
/// tests reach it here too.
pub use nido_cases::retention;
pub use settings::Settings;
pub use startup::Application;
