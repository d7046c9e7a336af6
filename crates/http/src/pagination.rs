//! Cursor pagination: `?limit=` (default 50, at most 200) and an opaque
//! `cursor`; answers are `{items, next_cursor}`. The cursor itself is the
//! use cases' ([`nido_cases::pagination`]), which the pages share.

use axum::Json;
use nido_cases::CaseResult;
use nido_cases::pagination::{RowsPage, decode_cursor};
use nido_domain::Refusal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1000, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<u64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
            Some(_) => Err(ApiError::invalid(
                "limit",
                Refusal::Between { min: 1, max: 200 },
            )),
        }
    }

    /// The position the cursor stands for, if any.
    pub fn position<P: DeserializeOwned>(&self) -> Result<Option<P>, ApiError> {
        let Some(cursor) = &self.cursor else {
            return Ok(None);
        };
        decode_cursor(cursor)
            .map(Some)
            .ok_or_else(|| ApiError::invalid("cursor", Refusal::Cursor))
    }

    /// The page these parameters ask for: `read` gets the cursor's position
    /// and the limit, and answers up to `limit + 1` rows (the extra row only
    /// tells that more follow); `position` gives the cursor of a row.
    pub async fn read<A, R, P, T, Rows>(
        &self,
        read: impl FnOnce(Option<A>, u64) -> Rows,
        position: impl Fn(&R) -> P,
        into_item: impl Fn(R) -> T,
    ) -> Result<Json<Page<T>>, ApiError>
    where
        A: DeserializeOwned,
        P: Serialize,
        Rows: Future<Output = CaseResult<Vec<R>>>,
    {
        let limit = self.limit()?;
        let rows = read(self.position()?, limit).await?;
        Ok(Json(Page::from_rows(rows, limit, position, into_item)))
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row, if present,
    /// only tells that more follow. `position` gives the cursor of an item.
    pub fn from_rows<R, P: Serialize>(
        rows: Vec<R>,
        limit: u64,
        position: impl Fn(&R) -> P,
        into_item: impl Fn(R) -> T,
    ) -> Self {
        let RowsPage { rows, next_cursor } = RowsPage::from_rows(rows, limit, position);
        Page {
            items: rows.into_iter().map(into_item).collect(),
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_default_and_are_bounded() {
        assert_eq!(PageParams::default().limit().ok(), Some(50));
        for (limit, ok) in [(0, false), (1, true), (200, true), (201, false)] {
            let params = PageParams {
                limit: Some(limit),
                cursor: None,
            };
            assert_eq!(params.limit().is_ok(), ok, "{limit}");
        }
    }

    #[test]
    fn a_cursor_round_trips_and_a_forged_one_is_refused() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |n| *n, |n| n);
        assert_eq!(page.items, vec![1, 2]);
        let params = PageParams {
            limit: None,
            cursor: page.next_cursor,
        };
        assert_eq!(params.position::<i32>().ok(), Some(Some(2)));

        let forged = PageParams {
            limit: None,
            cursor: Some("!!not-base64".into()),
        };
        assert!(forged.position::<i32>().is_err());
    }

    #[test]
    fn the_last_page_has_no_cursor() {
        let page = Page::from_rows(vec![1, 2], 2, |n| *n, |n| n);
        assert!(page.next_cursor.is_none());
    }
}
