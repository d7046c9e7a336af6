//! The style sheet and the script, built into the binary and served by nido
//! itself: no CDN, no build chain. Their address carries a digest of their
//! content, so browsers may keep them for a year and still never use an
//! old one.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub const STYLE_PATH: &str = "/static/nido.css";
pub const SCRIPT_PATH: &str = "/static/nido.js";

const STYLE: &str = include_str!("../static/nido.css");
const SCRIPT: &str = include_str!("../static/nido.js");

fn versioned(path: &str, content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    let short: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{path}?v={short}")
}

static STYLE_URL: LazyLock<String> = LazyLock::new(|| versioned(STYLE_PATH, STYLE));
static SCRIPT_URL: LazyLock<String> = LazyLock::new(|| versioned(SCRIPT_PATH, SCRIPT));

/// The style sheet's address, as pages link it.
pub fn style_url() -> &'static str {
    &STYLE_URL
}

/// The script's address, as pages link it.
pub fn script_url() -> &'static str {
    &SCRIPT_URL
}

fn asset(content_type: &'static str, content: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        content,
    )
        .into_response()
}

pub async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}
