//! Long lists split into pages, so that every page of a site built on a
//! whole Congress stays small enough to load (issue 25: the 2025 timeline
//! of the 119th Congress was one 18 MB page of 48,559 rows).
//!
//! A list of more than [`PAGE_ROWS`] rows is cut into pages of that many:
//! the first keeps the list's own address (`kind/bill.html`), the others
//! follow it (`kind/bill-p2.html`, ...), and each carries a [`Pager`] that
//! links them all. A year of the timeline that is too long for one page is
//! split by month first (`timeline/2025-07.html`), and a month that is
//! still too long is paged the same way.

use serde::Serialize;

/// Rows on one page of a list. A row of the longest kind (a timeline
/// event of a bill with a 700-character title) is under 2 KB, so a page
/// stays under 1 MB.
pub(crate) const PAGE_ROWS: usize = 500;

/// The links between the pages of one list.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Pager {
    /// `(number, file name, whether it is this page)`, in order. File
    /// names are relative: the pages of a list share a directory.
    pub pages: Vec<(usize, String, bool)>,
    /// The rows before this page's first.
    pub offset: usize,
    /// Rows in the whole list.
    pub total: usize,
}

/// The file name of page `n` (from 1) of the list at `rel`.
fn page_rel(rel: &str, n: usize) -> String {
    if n <= 1 {
        return rel.to_owned();
    }
    match rel.strip_suffix(".html") {
        Some(stem) => format!("{stem}-p{n}.html"),
        None => format!("{rel}-p{n}"),
    }
}

fn file_name(rel: &str) -> String {
    rel.rsplit('/').next().unwrap_or(rel).to_owned()
}

/// Splits `items`, the rows of the list at `rel`, into pages of at most
/// [`PAGE_ROWS`]: `(address, rows, pager)`; the pager is `None` when one
/// page holds them all.
pub(crate) fn paginate<T>(rel: &str, items: Vec<T>) -> Vec<(String, Vec<T>, Option<Pager>)> {
    let total = items.len();
    if total <= PAGE_ROWS {
        return vec![(rel.to_owned(), items, None)];
    }
    let count = total.div_ceil(PAGE_ROWS);
    let mut out = Vec::with_capacity(count);
    let mut rest = items.into_iter();
    for n in 1..=count {
        let rows: Vec<T> = rest.by_ref().take(PAGE_ROWS).collect();
        let pager = Pager {
            pages: (1..=count)
                .map(|k| (k, file_name(&page_rel(rel, k)), k == n))
                .collect(),
            offset: (n - 1) * PAGE_ROWS,
            total,
        };
        out.push((page_rel(rel, n), rows, Some(pager)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lists_are_one_page_and_long_ones_are_cut() {
        let one = paginate("kind/bill.html", vec![0; PAGE_ROWS]);
        assert_eq!(one.len(), 1);
        assert!(one[0].2.is_none());
        let many = paginate("kind/bill.html", (0..PAGE_ROWS * 2 + 1).collect::<Vec<_>>());
        let rels: Vec<&str> = many.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            rels,
            ["kind/bill.html", "kind/bill-p2.html", "kind/bill-p3.html"]
        );
        assert_eq!(many[2].1, vec![PAGE_ROWS * 2]);
        let pager = many[1]
            .2
            .as_ref()
            .map(|p| p.pages.clone())
            .unwrap_or_default();
        assert_eq!(pager[0], (1, "bill.html".to_owned(), false));
        assert_eq!(pager[1], (2, "bill-p2.html".to_owned(), true));
    }
}
