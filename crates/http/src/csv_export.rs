//! The CSV answers of the API's views: `?format=csv` and the attachment's
//! headers. The files themselves are written by
//! [`nido_cases::spreadsheet`], the same for the API and the pages.

use axum::http::header;
use axum::response::{IntoResponse, Response};
pub use nido_cases::spreadsheet::{Cell, Column, CsvFile, CsvRow, write_csv};

use crate::error::{ApiError, Result};

nido_domain::string_enum! {
    /// A view as JSON or as a spreadsheet.
    #[derive(Default)]
    Format {
        #[default]
        Json => "json",
        Csv => "csv",
    }
}

/// The file as an attachment named `filename`.
pub fn csv_response<R: CsvRow>(rows: &[R], filename: &str) -> Result<Response> {
    let file =
        CsvFile::of(rows, filename.to_owned()).map_err(|err| ApiError::Internal(err.into()))?;
    Ok(csv_file_response(file))
}

/// A file written already, as an attachment.
pub fn csv_file_response(file: CsvFile) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                nido_cases::spreadsheet::CONTENT_TYPE.to_owned(),
            ),
            (header::CONTENT_DISPOSITION, file.content_disposition()),
        ],
        file.bytes,
    )
        .into_response()
}
