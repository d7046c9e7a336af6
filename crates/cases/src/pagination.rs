//! The pages of a list, whatever shows them: a read asks for one row more
//! than its page, the extra row only telling that more follow, and the
//! position of a page's last row becomes an opaque cursor (base64 of its
//! JSON) that asks for the next page. The API and the pages share it, so a
//! cursor means the same thing to both.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Up to `limit` rows of a list, and the cursor of the next page.
#[derive(Debug, Clone, PartialEq)]
pub struct RowsPage<R> {
    pub rows: Vec<R>,
    /// Absent on the last page.
    pub next_cursor: Option<String>,
}

impl<R> RowsPage<R> {
    /// Builds a page from up to `limit + 1` rows read in the list's order.
    /// `position` gives the place of a row in that order.
    pub fn from_rows<P: Serialize>(
        mut rows: Vec<R>,
        limit: u64,
        position: impl Fn(&R) -> P,
    ) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if more {
            rows.last().map(|last| encode_cursor(&position(last)))
        } else {
            None
        };
        RowsPage { rows, next_cursor }
    }
}

/// The cursor that stands for `position`.
pub fn encode_cursor<P: Serialize>(position: &P) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
}

/// The position a cursor stands for; `None` for one nido did not give.
pub fn decode_cursor<P: DeserializeOwned>(cursor: &str) -> Option<P> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_a_forged_one_is_refused() {
        let page = RowsPage::from_rows(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(page.rows, vec![1, 2]);
        let cursor = page.next_cursor.unwrap_or_default();
        assert_eq!(decode_cursor::<i32>(&cursor), Some(2));
        assert_eq!(decode_cursor::<i32>("!!not-base64"), None);
    }

    #[test]
    fn the_last_page_has_no_cursor() {
        let page = RowsPage::from_rows(vec![1, 2], 2, |n| *n);
        assert_eq!(page.rows, vec![1, 2]);
        assert!(page.next_cursor.is_none());
    }
}
