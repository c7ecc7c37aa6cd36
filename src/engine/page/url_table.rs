//! [`UrlTable`]: a crawl's interned URLs. Every distinct URL gets a dense id; the texts sit
//! end to end in one string and a hash index maps a URL to its id, so a URL costs its bytes
//! plus about a dozen, with no allocation of its own (a crawl keeps every URL it meets).

use std::hash::BuildHasher;

use hashbrown::HashTable;

/// An interned URL.
pub type UrlId = u32;

/// Interned URLs: each distinct URL is stored once.
#[derive(Debug, Default, Clone)]
pub struct UrlTable {
    /// Every URL, end to end.
    text: String,
    /// Where each URL ends in `text`, by id.
    ends: Vec<u32>,
    /// Ids, by the hash of their URL.
    index: HashTable<UrlId>,
    /// Seeded per table: a crawled site chooses its URLs and must not be able to make them
    /// collide.
    hasher: foldhash::fast::RandomState,
}

fn slice<'a>(text: &'a str, ends: &[u32], id: UrlId) -> &'a str {
    let id = id as usize;
    let start = id
        .checked_sub(1)
        .map_or(0, |previous| ends[previous] as usize);
    &text[start..ends[id] as usize]
}

impl UrlTable {
    /// Room for `urls` URLs of about 64 bytes without growing the text (the hash index grows:
    /// a hash table's entries land anywhere in it, so room reserved there would be resident).
    pub fn with_capacity(urls: usize) -> Self {
        UrlTable {
            text: String::with_capacity(urls * 64),
            ends: Vec::with_capacity(urls),
            ..UrlTable::default()
        }
    }

    /// The id of `url`, adding it when new.
    pub fn intern(&mut self, url: &str) -> UrlId {
        let hash = self.hasher.hash_one(url);
        if let Some(id) = self.index.find(hash, |id| self.get(*id) == url) {
            return *id;
        }
        let id = UrlId::try_from(self.ends.len()).expect("fewer than 2^32 URLs");
        self.text.push_str(url);
        self.ends
            .push(u32::try_from(self.text.len()).expect("URL text under 4 GiB"));
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.index
            .insert_unique(hash, id, |id| hasher.hash_one(slice(text, ends, *id)));
        id
    }

    /// The id of `url`, if known.
    pub fn lookup(&self, url: &str) -> Option<UrlId> {
        let hash = self.hasher.hash_one(url);
        self.index.find(hash, |id| self.get(*id) == url).copied()
    }

    /// The URL of an id.
    pub fn get(&self, id: UrlId) -> &str {
        slice(&self.text, &self.ends, id)
    }

    /// Every URL, by id.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len()).map(|id| slice(&self.text, &self.ends, id as UrlId))
    }

    /// How many URLs are known.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when no URL is known.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_each_url_once_with_dense_ids() {
        let mut table = UrlTable::default();
        assert!(table.is_empty());
        let urls: Vec<String> = (0..5000)
            .map(|i| format!("https://s.example/page/{i}"))
            .collect();
        for (i, url) in urls.iter().enumerate() {
            assert_eq!(table.intern(url), i as UrlId);
        }
        // Again, in another order: the same ids, nothing added.
        for (i, url) in urls.iter().enumerate().rev() {
            assert_eq!(table.intern(url), i as UrlId);
            assert_eq!(table.lookup(url), Some(i as UrlId));
            assert_eq!(table.get(i as UrlId), url);
        }
        assert_eq!(table.len(), 5000);
        assert!(table.iter().eq(urls.iter().map(String::as_str)));
        assert_eq!(table.lookup("https://s.example/page/"), None);
        // A URL that is a prefix of a known one is distinct.
        let prefix = table.intern("https://s.example/page/1");
        assert_eq!(prefix, 1);
        let empty = table.intern("");
        assert_eq!(table.get(empty), "");
        assert_eq!(table.lookup(""), Some(5000));
    }
}
