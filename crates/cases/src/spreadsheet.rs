//! Every CSV nido writes, in the form French Excel opens as it is: UTF-8
//! with a byte-order mark (or Excel reads the accents as Windows-1252), `;`
//! between cells (the comma is the decimal separator in French), French
//! headers, dates `JJ/MM/AAAA`, euros and rates with a decimal comma. The
//! API and the pages serve the same files, written here once.
//!
//! An export declares its columns once, each a French header and a typed
//! cell ([`CsvRow`]); the formatting is here, for all of them.
//!
//! A text cell starting with `=`, `+`, `-`, `@`, tab or carriage return
//! gets a `'` in front, so a name or a label typed as `=HYPERLINK(...)`
//! never runs as a formula. Numbers, dates and amounts are written by nido
//! itself from typed values and never get the guard: a negative amount
//! `-12,50` stays a number Excel can add up.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::labels::euros;

/// The media type every CSV file goes out with.
pub const CONTENT_TYPE: &str = "text/csv; charset=utf-8";

/// A file to download: its name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    pub filename: String,
    pub bytes: Vec<u8>,
}

impl CsvFile {
    /// The file of `rows`, named `filename`.
    pub fn of<R: CsvRow>(rows: &[R], filename: String) -> Result<Self, csv::Error> {
        Ok(Self {
            filename,
            bytes: write_csv(rows)?,
        })
    }

    /// The `Content-Disposition` it goes out with: an attachment, named.
    pub fn content_disposition(&self) -> String {
        format!("attachment; filename=\"{}\"", self.filename)
    }
}

/// One cell, typed: how it is written depends on what it is.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Free text or a name: guarded against formulas.
    Text(String),
    /// `JJ/MM/AAAA`; nothing for no date.
    Date(Option<NaiveDate>),
    /// Cents written as euros with a decimal comma: `1234,56`.
    Cents(i64),
    Integer(i64),
    /// A fraction with a decimal comma: `0,75`.
    Rate(f64),
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    pub fn id(id: Uuid) -> Cell {
        Cell::Text(id.to_string())
    }

    pub fn date(day: NaiveDate) -> Cell {
        Cell::Date(Some(day))
    }

    fn write(&self) -> String {
        match self {
            Cell::Text(text) => inert_cell(text).into_owned(),
            Cell::Date(day) => day
                .map(|day| day.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            Cell::Cents(cents) => euros(*cents),
            Cell::Integer(number) => number.to_string(),
            Cell::Rate(rate) => rate.to_string().replace('.', ","),
        }
    }
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return first) gets a `'` in front: a unit labelled
/// `=HYPERLINK(...)` comes out as text.
fn inert_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A column: its French header and how a row fills it.
pub struct Column<R> {
    header: &'static str,
    cell: fn(&R) -> Cell,
}

impl<R> Column<R> {
    pub const fn new(header: &'static str, cell: fn(&R) -> Cell) -> Self {
        Self { header, cell }
    }
}

/// A line of an export; its columns say the headers and the cells together.
pub trait CsvRow: Sized + 'static {
    const COLUMNS: &'static [Column<Self>];
}

/// The file: the byte-order mark, the headers, a line per row, CRLF line
/// ends.
pub fn write_csv<R: CsvRow>(rows: &[R]) -> std::result::Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(R::COLUMNS.iter().map(|column| column.header))?;
    for row in rows {
        writer.write_record(R::COLUMNS.iter().map(|column| (column.cell)(row).write()))?;
    }
    writer
        .into_inner()
        .map_err(|err| csv::Error::from(err.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Line {
        name: String,
        on: Option<NaiveDate>,
        amount: i64,
        count: i64,
        rate: f64,
    }

    impl CsvRow for Line {
        const COLUMNS: &'static [Column<Self>] = &[
            Column::new("Nom de la mère", |line| Cell::text(&line.name)),
            Column::new("Admise le", |line| Cell::Date(line.on)),
            Column::new("Montant (€)", |line| Cell::Cents(line.amount)),
            Column::new("Jours", |line| Cell::Integer(line.count)),
            Column::new("Taux", |line| Cell::Rate(line.rate)),
        ];
    }

    fn line(name: &str, amount: i64) -> Line {
        Line {
            name: name.to_owned(),
            on: NaiveDate::from_ymd_opt(2026, 3, 9),
            amount,
            count: -3,
            rate: 0.75,
        }
    }

    /// Reads a file back as Excel would: strip the BOM, split on `;`.
    fn read_back(bytes: &[u8]) -> Vec<Vec<String>> {
        let text = bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .expect("a byte-order mark first");
        csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(text)
            .records()
            .map(|record| {
                record
                    .expect("a record")
                    .iter()
                    .map(str::to_owned)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn formula_cells_come_out_inert_and_others_unchanged() {
        for live in [
            "=HYPERLINK(\"http://x\")",
            "+33",
            "-1+1",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(inert_cell(live), format!("'{live}"));
        }
        for plain in ["T2 Vitry", "", "12", "a=b"] {
            assert_eq!(inert_cell(plain), plain);
        }
    }

    #[test]
    fn euros_have_a_decimal_comma_and_two_decimals() {
        assert_eq!(euros(123_456), "1234,56");
        assert_eq!(euros(0), "0,00");
        assert_eq!(euros(5), "0,05");
        assert_eq!(euros(-1_250), "-12,50");
        assert_eq!(euros(-5), "-0,05");
        assert_eq!(euros(i64::MIN), "-92233720368547758,08");
    }

    #[test]
    fn the_file_reads_back_into_the_values_in_french_form() {
        let bytes = write_csv(&[
            line("Awa Diallo; née Traoré", 372_000),
            line("=HYPERLINK(\"http://x\")", -1_250),
        ])
        .expect("written");
        assert!(bytes.ends_with(b"\r\n"));
        let read = read_back(&bytes);
        assert_eq!(
            read,
            [
                [
                    "Nom de la mère",
                    "Admise le",
                    "Montant (€)",
                    "Jours",
                    "Taux"
                ],
                [
                    "Awa Diallo; née Traoré",
                    "09/03/2026",
                    "3720,00",
                    "-3",
                    "0,75"
                ],
                [
                    "'=HYPERLINK(\"http://x\")",
                    "09/03/2026",
                    "-12,50",
                    "-3",
                    "0,75"
                ],
            ]
        );
    }

    #[test]
    fn no_date_is_an_empty_cell_and_no_rows_leave_the_headers() {
        let mut undated = line("Awa", 0);
        undated.on = None;
        assert_eq!(
            read_back(&write_csv(&[undated]).expect("written"))[1][1],
            ""
        );
        assert_eq!(
            read_back(&write_csv::<Line>(&[]).expect("written")).len(),
            1
        );
    }
}
