//! The `nido` binary's library: configuration, wiring and commands. `main.rs`
//! only parses the command line and calls in here.

pub mod background;
pub mod commands;
pub mod demo;
pub mod retention;
pub mod settings;
pub mod startup;
pub mod telemetry;

pub use settings::Settings;
pub use startup::Application;
