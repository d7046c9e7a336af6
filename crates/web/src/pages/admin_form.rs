//! What the admins' forms share: a form as typed with its errors, the
//! choices of a `select`, and the refusals placed next to fields.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use nido_cases::CaseError;

use crate::error::WebError;
use crate::form::{FieldErrors, FormData};

/// A form as typed, and its errors. `prefix` keeps the ids of several forms
/// on one page apart.
#[derive(Debug, Default, Clone)]
pub struct Typed {
    pub prefix: &'static str,
    values: BTreeMap<String, String>,
    pub errors: FieldErrors,
}

impl Typed {
    pub fn blank(prefix: &'static str) -> Self {
        Typed {
            prefix,
            ..Typed::default()
        }
    }

    /// The fields `names` of a posted form, trimmed.
    pub fn of(prefix: &'static str, form: &FormData, names: &[&str]) -> Self {
        let mut typed = Typed::blank(prefix);
        for name in names {
            typed.set(name, form.get(name).trim());
        }
        typed
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_owned(), value.into());
    }

    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// The id of a field on the page.
    pub fn id(&self, name: &str) -> String {
        format!("{}-{name}", self.prefix)
    }

    /// The errors for the summary at the top of the form: (field id, message).
    pub fn summary(&self) -> Vec<(String, String)> {
        self.errors
            .summary(&[])
            .into_iter()
            .map(|(field, message)| (self.id(&field), message))
            .collect()
    }

    pub fn refused(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// One option of a `select`.
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Choice {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// A refusal of a use case, placed by `place`.
pub fn case_refusal(
    error: CaseError,
    place: impl Fn(&str) -> Option<String>,
) -> Result<(FieldErrors, StatusCode), WebError> {
    let status = FieldErrors::status_for(&error);
    Ok((FieldErrors::from_case(error, place)?, status))
}

/// Every field of the form shows its own errors.
pub fn same_field(field: &str) -> Option<String> {
    Some(field.to_owned())
}

/// An amount typed in euros ("680", "680,5", "1 234,56") in cents.
pub fn cents(typed: &str) -> Option<i64> {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€')
        .collect();
    let (units, fraction) = match compact.split_once([',', '.']) {
        Some((units, fraction)) => (units, fraction),
        None => (compact.as_str(), ""),
    };
    let all_digits = |text: &str| text.chars().all(|c| c.is_ascii_digit());
    if units.is_empty() || !all_digits(units) || !all_digits(fraction) || fraction.len() > 2 {
        return None;
    }
    let fraction_cents = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse::<i64>().ok()?,
    };
    units
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(fraction_cents)
}

/// Cents as euros with a decimal comma: "1 234,56 €".
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let units = (cents / 100).to_string();
    let mut grouped = String::new();
    for (index, digit) in units.chars().enumerate() {
        if index > 0 && (units.len() - index).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped},{:02}\u{a0}€", cents % 100)
}

/// A decimal number typed with a comma or a point ("42,5").
pub fn decimal(typed: &str) -> Option<f64> {
    typed
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_typed_become_cents() {
        assert_eq!(cents("680"), Some(68_000));
        assert_eq!(cents("680,5"), Some(68_050));
        assert_eq!(cents("1 234,56 €"), Some(123_456));
        assert_eq!(cents("12.05"), Some(1_205));
        for refused in ["", "abc", "1,234", "-5", "1,2,3"] {
            assert_eq!(cents(refused), None, "{refused}");
        }
        assert_eq!(euros(123_456), "1\u{202f}234,56\u{a0}€");
        assert_eq!(euros(5), "0,05\u{a0}€");
    }
}
