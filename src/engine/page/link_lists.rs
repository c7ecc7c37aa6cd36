//! [`LinkLists`]: every audited page's outgoing links, as URL ids, in one byte vector. Each
//! list is in document order and each id is stored as its difference from the previous one
//! (zig-zag, as a LEB128 varint): a byte or two per link instead of four, and no allocation
//! per page. Lists can be thinned in place of a copy ([`LinkLists::retain`]) once some links
//! no longer matter.

use super::url_table::UrlId;

/// Where one page's list sits in [`LinkLists`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkRange {
    start: u32,
    len: u32,
}

/// Link lists, end to end.
#[derive(Debug, Clone, Default)]
pub struct LinkLists {
    bytes: Vec<u8>,
}

fn encode(bytes: &mut Vec<u8>, ids: impl IntoIterator<Item = UrlId>) {
    let mut previous: i64 = 0;
    for id in ids {
        let delta = i64::from(id) - previous;
        previous = i64::from(id);
        let mut zigzag = ((delta << 1) ^ (delta >> 63)) as u64;
        while zigzag >= 0x80 {
            bytes.push((zigzag as u8) | 0x80);
            zigzag >>= 7;
        }
        bytes.push(zigzag as u8);
    }
}

fn decode(bytes: &[u8]) -> impl Iterator<Item = UrlId> + '_ {
    let mut bytes = bytes.iter();
    let mut previous: i64 = 0;
    std::iter::from_fn(move || {
        let mut zigzag: u64 = 0;
        let mut shift = 0;
        loop {
            let byte = *bytes.next()?;
            zigzag |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
        previous += delta;
        Some(previous as UrlId)
    })
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("link lists under 4 GiB")
}

impl LinkLists {
    /// Appends a list; returns where it is.
    pub fn push(&mut self, ids: impl IntoIterator<Item = UrlId>) -> LinkRange {
        let start = self.bytes.len();
        encode(&mut self.bytes, ids);
        LinkRange {
            start: offset(start),
            len: offset(self.bytes.len() - start),
        }
    }

    /// The ids of a list, in order.
    pub fn get(&self, range: LinkRange) -> impl Iterator<Item = UrlId> + '_ {
        let start = range.start as usize;
        decode(&self.bytes[start..start + range.len as usize])
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes.len()
    }

    /// Rewrites the lists at `ranges` (which must cover every list, in the order they were
    /// pushed) keeping only the ids `keep` accepts, in order; the ranges are updated. A list
    /// never grows when ids leave it (a difference across a removed id takes no more bytes
    /// than the two it replaces), so the rewrite happens in place.
    pub fn retain<'a>(
        &mut self,
        ranges: impl IntoIterator<Item = &'a mut LinkRange>,
        mut keep: impl FnMut(UrlId) -> bool,
    ) {
        let mut write = 0;
        let mut scratch = Vec::new();
        for range in ranges {
            let start = range.start as usize;
            debug_assert!(start >= write, "ranges in push order");
            scratch.clear();
            encode(
                &mut scratch,
                decode(&self.bytes[start..start + range.len as usize]).filter(|id| keep(*id)),
            );
            debug_assert!(scratch.len() <= range.len as usize);
            self.bytes[write..write + scratch.len()].copy_from_slice(&scratch);
            *range = LinkRange {
                start: offset(write),
                len: offset(scratch.len()),
            };
            write += scratch.len();
        }
        self.bytes.truncate(write);
    }

    /// Gives back room beyond `bytes` (at least what the lists hold is kept).
    pub fn shrink_to(&mut self, bytes: usize) {
        self.bytes.shrink_to(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_round_trip_in_order() {
        let ids: Vec<UrlId> = vec![0, 1, 2, 700, 3, 3, 130_000, 5, UrlId::MAX, 0, 64, 63, 65];
        let mut lists = LinkLists::default();
        let empty = lists.push([]);
        let all = lists.push(ids.iter().copied());
        // Neighbouring ids take a byte each.
        let near = lists.push(1000..1100);
        assert_eq!(near.len, 101);
        assert_eq!(lists.get(all).collect::<Vec<_>>(), ids);
        assert_eq!(
            lists.get(near).collect::<Vec<_>>(),
            (1000..1100).collect::<Vec<_>>()
        );
        assert_eq!(lists.get(empty).count(), 0);
    }

    #[test]
    fn retain_thins_every_list_in_place() {
        let mut lists = LinkLists::default();
        let sources: Vec<Vec<UrlId>> = vec![
            vec![5, 90_000, 6, 7, 3_000_000, 8],
            vec![],
            vec![90_000, 1, 2],
            vec![UrlId::MAX, 0, UrlId::MAX],
            (0..300).map(|i| (i * 7919) % 5000).collect(),
        ];
        let mut ranges: Vec<LinkRange> = sources
            .iter()
            .map(|s| lists.push(s.iter().copied()))
            .collect();
        let before = lists.bytes();
        let keep = |id: UrlId| !id.is_multiple_of(3);
        lists.retain(ranges.iter_mut(), keep);
        for (source, range) in sources.iter().zip(&ranges) {
            let expected: Vec<UrlId> = source.iter().copied().filter(|id| keep(*id)).collect();
            assert_eq!(lists.get(*range).collect::<Vec<_>>(), expected);
        }
        assert!(lists.bytes() < before);
        // Keeping everything changes nothing; dropping everything leaves empty lists.
        let snapshot: Vec<Vec<UrlId>> = ranges.iter().map(|r| lists.get(*r).collect()).collect();
        lists.retain(ranges.iter_mut(), |_| true);
        let again: Vec<Vec<UrlId>> = ranges.iter().map(|r| lists.get(*r).collect()).collect();
        assert_eq!(again, snapshot);
        lists.retain(ranges.iter_mut(), |_| false);
        assert_eq!(lists.bytes(), 0);
        assert!(ranges.iter().all(|r| lists.get(*r).count() == 0));
    }
}
