//! [`Duplicates`]: audited pages grouped by a text (a title, a meta description, the body
//! text), found while a crawl runs. A page adds the 64-bit hash of its text; the text itself is
//! kept only once a second page has the same hash, so unique texts cost a table entry, not
//! their bytes.

use std::collections::HashMap;

use super::url_table::UrlId;

/// Pages sharing one text.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateGroup {
    /// The text as shown in findings (shortened).
    pub shown: String,
    /// The pages, in the order they were added.
    pub pages: Vec<UrlId>,
}

/// Pages by text.
#[derive(Debug, Clone, Default)]
pub struct Duplicates {
    /// The first page of each text, by the text's hash.
    first: HashMap<u64, UrlId>,
    /// Texts that more than one page has, by hash.
    repeated: HashMap<u64, DuplicateGroup>,
}

impl Duplicates {
    /// Adds a page whose text hashes to `hash`; `shown` gives the text to show, called only
    /// when another page has the same hash.
    pub fn add(&mut self, page: UrlId, hash: u64, shown: impl FnOnce() -> String) {
        if let Some(group) = self.repeated.get_mut(&hash) {
            group.pages.push(page);
            return;
        }
        match self.first.get(&hash) {
            None => {
                self.first.insert(hash, page);
            }
            Some(&first) => {
                self.repeated.insert(
                    hash,
                    DuplicateGroup {
                        shown: shown(),
                        pages: vec![first, page],
                    },
                );
            }
        }
    }

    /// The groups of more than one page.
    pub fn groups(&self) -> impl Iterator<Item = &DuplicateGroup> {
        self.repeated.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::text_hash::text_hash;

    #[test]
    fn groups_pages_with_the_same_text_and_keeps_only_repeated_texts() {
        let mut d = Duplicates::default();
        let mut asked = Vec::new();
        for (page, text) in [
            (1, "home"),
            (2, "about"),
            (3, "home"),
            (4, "contact"),
            (5, "home"),
        ] {
            d.add(page, text_hash(text), || {
                asked.push(page);
                text.to_uppercase()
            });
        }
        let groups: Vec<&DuplicateGroup> = d.groups().collect();
        assert_eq!(
            groups,
            [&DuplicateGroup {
                shown: "HOME".into(),
                pages: vec![1, 3, 5]
            }]
        );
        // The text was produced once, for the second page with it.
        assert_eq!(asked, [3]);
    }
}
