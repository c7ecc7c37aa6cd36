//! The 64-bit hashes that texts are compared by across a crawl (page body text, titles,
//! descriptions): [`text_hash`] of a whole text, and [`LowerCaseHash`], the same hash of a text
//! lower-cased as it is gathered, so that a page's body text is hashed without being built.
//!
//! Bytes reach the hasher in chunks of [`CHUNK`] bytes at fixed offsets, so a hash depends on
//! the bytes alone, not on how they arrived: a body's text comes in as many fragments as its
//! markup splits it into. The hasher is foldhash's quality variant with its fixed seed, so equal
//! texts hash alike within a process; hashes are compared within one crawl and never stored
//! as keys.

use std::hash::{BuildHasher, Hasher};

/// Bytes hashed at once.
const CHUNK: usize = 4096;

type TextHasher = foldhash::quality::FoldHasher<'static>;

fn hasher() -> TextHasher {
    foldhash::quality::FixedState::default().build_hasher()
}

/// The hash of `text`.
pub fn text_hash(text: &str) -> u64 {
    let mut hasher = hasher();
    for chunk in text.as_bytes().chunks(CHUNK) {
        hasher.write(chunk);
    }
    hasher.finish()
}

/// [`text_hash`] of text pushed in pieces, each character lower-cased by itself
/// ([`char::to_lowercase`], which unlike `str::to_lowercase` has no context rule for a final
/// sigma, so the pieces' boundaries do not matter).
pub struct LowerCaseHash {
    hasher: TextHasher,
    buffer: [u8; CHUNK],
    /// Bytes of `buffer` in use.
    len: usize,
}

impl Default for LowerCaseHash {
    fn default() -> Self {
        LowerCaseHash {
            hasher: hasher(),
            buffer: [0; CHUNK],
            len: 0,
        }
    }
}

impl LowerCaseHash {
    /// Appends `text`, lower-cased.
    pub fn push(&mut self, text: &str) {
        if text.is_ascii() {
            self.put(text.as_bytes());
            return;
        }
        let mut encoded = [0u8; 4];
        for c in text.chars().flat_map(char::to_lowercase) {
            self.put(c.encode_utf8(&mut encoded).as_bytes());
        }
    }

    /// Copies `bytes` into the buffer with ASCII letters lower-cased (other bytes unchanged),
    /// hashing the buffer whenever it fills.
    fn put(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let take = bytes.len().min(CHUNK - self.len);
            let (now, rest) = bytes.split_at(take);
            let room = &mut self.buffer[self.len..self.len + take];
            for (to, from) in room.iter_mut().zip(now) {
                *to = from.to_ascii_lowercase();
            }
            self.len += take;
            bytes = rest;
            if self.len == CHUNK {
                self.hasher.write(&self.buffer);
                self.len = 0;
            }
        }
    }

    /// The hash of everything pushed.
    pub fn finish(mut self) -> u64 {
        if self.len > 0 {
            self.hasher.write(&self.buffer[..self.len]);
        }
        self.hasher.finish()
    }
}

/// `text` lower-cased the way [`LowerCaseHash`] does it: each character by itself (for tests
/// that compare its hash with [`text_hash`] of a whole text).
#[cfg(test)]
pub(crate) fn lower_chars(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pushed(pieces: &[&str]) -> u64 {
        let mut hash = LowerCaseHash::default();
        for piece in pieces {
            hash.push(piece);
        }
        hash.finish()
    }

    #[test]
    fn equal_texts_hash_alike_and_different_ones_do_not() {
        assert_eq!(text_hash("home"), text_hash("home"));
        assert_ne!(text_hash("home"), text_hash("Home"));
        assert_ne!(text_hash(""), text_hash(" "));
    }

    /// However the text is cut into pieces, around the chunk size too, the hash is that of
    /// the whole text lower-cased.
    #[test]
    fn pieces_hash_as_the_whole_text_lower_cased() {
        let text: String = (0..3 * CHUNK / 7)
            .map(|i| match i % 5 {
                0 => "Word ",
                1 => "ΣΟΦΊΑ ",
                2 => "straße ",
                3 => "İstanbul ",
                _ => "x",
            })
            .collect();
        let whole = text_hash(&lower_chars(&text));
        assert_eq!(pushed(&[&text]), whole);
        let chars: Vec<char> = text.chars().collect();
        for cut in [1, 3, 7, 100, CHUNK - 1, CHUNK, CHUNK + 1] {
            let pieces: Vec<String> = chars.chunks(cut).map(|c| c.iter().collect()).collect();
            let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
            assert_eq!(pushed(&pieces), whole, "pieces of {cut} characters");
        }
        assert_eq!(pushed(&[]), text_hash(""));
        assert_ne!(pushed(&[&text, "!"]), whole);
    }
}
