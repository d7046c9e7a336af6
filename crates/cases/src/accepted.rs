//! "Accepted, with warnings": an operation that was carried out, with what
//! the caller should look at before going on. The first user is the
//! duplicate check (SPEC "Identity and duplicates": a possible match is
//! created and its answer lists `possible_duplicates`); a probable match is
//! not a warning but a refusal (409), decided before anything is written.
//!
//! A warning is a value, as a refusal is: its kind is a type the operation
//! names (`Accepted<Family, PossibleDuplicate>`), never a sentence, so the
//! API and the pages each say it in their own words. The API answers the
//! resource with one list per kind of warning (`possible_duplicates: [...]`),
//! always present and empty when there is nothing to say, and the status
//! of success (201 for a creation): a client that ignores warnings works
//! unchanged.

/// `value`, carried out, and `warnings` about it (none when all is well).
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "an operation's warnings are for the caller: answer them"]
pub struct Accepted<T, W> {
    pub value: T,
    pub warnings: Vec<W>,
}

impl<T, W> Accepted<T, W> {
    /// Carried out, nothing to say.
    pub fn clean(value: T) -> Self {
        Self {
            value,
            warnings: Vec::new(),
        }
    }

    /// Carried out, with these warnings.
    pub fn with_warnings(value: T, warnings: Vec<W>) -> Self {
        Self { value, warnings }
    }

    pub fn is_clean(&self) -> bool {
        self.warnings.is_empty()
    }

    /// The same warnings about another view of the value (a row become
    /// an answer).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Accepted<U, W> {
        Accepted {
            value: f(self.value),
            warnings: self.warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_keeps_its_warnings_through_a_change_of_view() {
        let clean: Accepted<u32, &str> = Accepted::clean(7);
        assert!(clean.is_clean());
        let warned = Accepted::with_warnings(7, vec!["possible duplicate"]);
        assert!(!warned.is_clean());
        let shown = warned.map(|n| n.to_string());
        assert_eq!(shown.value, "7");
        assert_eq!(shown.warnings, vec!["possible duplicate"]);
    }
}
