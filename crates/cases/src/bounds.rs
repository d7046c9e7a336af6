//! The bounds of a write input, checked where the use cases take it, so
//! that the API and the pages refuse the same values for the same reason.
//! Each check adds its [`Refusal`] to an [`Invalid`] under the field's
//! path (`family.mother.first_name`, `actions[2].description`). The limits
//! are constants beside the domain type they bound, which the OpenAPI
//! schema states too.
//!
//! A length counts characters, not bytes.

use nido_domain::Refusal;
use nido_domain::refusal::{Counted, Unit};

use crate::Invalid;

/// A required text: `min` to `max` characters, and not only spaces (it is
/// stored trimmed). An empty text is refused by its length alone.
pub fn text(invalid: &mut Invalid, field: &str, text: &str, min: u64, max: u64) {
    let length = chars(text);
    if length < min || length > max {
        invalid.add(field, Refusal::Length { min, max });
    }
    not_blank(invalid, field, text);
}

/// An optional text: at most `max` characters when given.
pub fn optional_text(invalid: &mut Invalid, field: &str, text: Option<&str>, max: u64) {
    if text.is_some_and(|text| chars(text) > max) {
        invalid.add(field, Refusal::Length { min: 0, max });
    }
}

/// A text that holds more than spaces when it holds anything.
pub fn not_blank(invalid: &mut Invalid, field: &str, text: &str) {
    if !text.is_empty() && text.trim().is_empty() {
        invalid.add(field, Refusal::Blank);
    }
}

/// A whole number from `min` to `max`, counted in `unit`.
pub fn number(invalid: &mut Invalid, field: &str, value: i64, min: i64, max: i64, unit: Unit) {
    if value < min || value > max {
        invalid.add(field, Refusal::Range { min, max, unit });
    }
}

/// A list of `min` to `max` items of what `of` names.
pub fn count(invalid: &mut Invalid, field: &str, length: usize, min: u64, max: u64, of: Counted) {
    let length = u64::try_from(length).unwrap_or(u64::MAX);
    if length < min || length > max {
        invalid.add(field, Refusal::Count { min, max, of });
    }
}

fn chars(text: &str) -> u64 {
    u64::try_from(text.chars().count()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CaseError;

    fn refusals(check: impl FnOnce(&mut Invalid)) -> Vec<(String, String)> {
        let mut invalid = Invalid::default();
        check(&mut invalid);
        match invalid.finish() {
            Ok(()) => Vec::new(),
            Err(CaseError::Invalid(errors)) => errors
                .into_iter()
                .map(|error| (error.field, error.refusal.english()))
                .collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    fn one(field: &str, message: &str) -> Vec<(String, String)> {
        vec![(field.to_owned(), message.to_owned())]
    }

    #[test]
    fn texts_are_counted_in_characters_and_must_hold_more_than_spaces() {
        assert_eq!(refusals(|i| text(i, "name", "Hélène", 1, 6)), vec![]);
        assert_eq!(
            refusals(|i| text(i, "name", "Hélène!", 1, 6)),
            one("name", "must be 1 to 6 characters")
        );
        assert_eq!(
            refusals(|i| text(i, "name", "", 1, 6)),
            one("name", "must be 1 to 6 characters")
        );
        assert_eq!(
            refusals(|i| text(i, "name", "   ", 1, 6)),
            one("name", "must not be blank")
        );
        assert_eq!(refusals(|i| optional_text(i, "notes", None, 3)), vec![]);
        assert_eq!(
            refusals(|i| optional_text(i, "notes", Some("été"), 3)),
            vec![]
        );
        assert_eq!(
            refusals(|i| optional_text(i, "notes", Some("étés"), 3)),
            one("notes", "must be at most 3 characters")
        );
    }

    #[test]
    fn numbers_and_lists_stay_within_their_bounds() {
        assert_eq!(
            refusals(|i| number(i, "minutes", 1, 1, 1440, Unit::Minutes)),
            vec![]
        );
        assert_eq!(
            refusals(|i| number(i, "minutes", 1440, 1, 1440, Unit::Minutes)),
            vec![]
        );
        assert_eq!(
            refusals(|i| number(i, "minutes", 0, 1, 1440, Unit::Minutes)),
            one("minutes", "must be 1 to 1440 minutes")
        );
        assert_eq!(
            refusals(|i| number(i, "capacity", 21, 1, 20, Unit::Occupants)),
            one("capacity", "must be 1 to 20")
        );
        assert_eq!(
            refusals(|i| count(i, "staff_ids", 20, 1, 20, Counted::People)),
            vec![]
        );
        assert_eq!(
            refusals(|i| count(i, "staff_ids", 0, 1, 20, Counted::People)),
            one("staff_ids", "must list 1 to 20 people")
        );
        assert_eq!(
            refusals(|i| count(i, "participant_ids", 51, 0, 50, Counted::People)),
            one("participant_ids", "must list at most 50 people")
        );
    }
}
