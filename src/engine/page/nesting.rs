//! A guard against pathologically deep HTML. Tree construction costs grow with the depth of the
//! open-element stack (50,000 nested `<div>`s take seconds to parse), and rules that walk the
//! tree must not recurse without bound. A light, linear scan finds where the nesting first
//! exceeds the limit; the document is audited up to that point, with a note.
//!
//! The scan counts start and end tags, ignoring void elements, self-closing tags, elements
//! whose end tags are usually implied (`p`, `li`, `td`…, so unclosed ones do not inflate the
//! count), comments, and the contents of raw-text elements (`script`, `style`…). It can only
//! over-estimate depth where markup is unusual, never miss a deep document.

/// Default deepest element nesting parsed (Chrome's HTML parser caps DOM depth at 512).
pub const DEFAULT_MAX_NESTING_DEPTH: usize = 512;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame",
];
const IMPLIED_END: &[&str] = &[
    "p", "li", "dt", "dd", "td", "th", "tr", "thead", "tbody", "tfoot", "option", "optgroup", "rb",
    "rt", "rtc", "rp", "colgroup", "caption", "html", "head", "body",
];
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// The first case-insensitive occurrence of `needle` (which starts with `<` or `-`) at or after
/// `from`: candidates are found with `memchr`, so long scripts and comments are skipped fast.
fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let rest = haystack.get(from..)?;
    memchr::memchr_iter(needle[0], rest)
        .find(|&p| {
            rest.get(p..p + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        })
        .map(|p| from + p)
}

/// The longest tag name any of the lists holds; longer names are in none of them.
const LONGEST_LISTED: usize = 8;

/// `name` lower-cased into `buffer` when it is short enough to be in one of the lists.
fn listed_name<'a>(name: &[u8], buffer: &'a mut [u8; LONGEST_LISTED]) -> Option<&'a [u8]> {
    let out = buffer.get_mut(..name.len())?;
    out.copy_from_slice(name);
    out.make_ascii_lowercase();
    Some(out)
}

fn contains(list: &[&str], name: Option<&[u8]>) -> bool {
    name.is_some_and(|n| list.iter().any(|l| l.as_bytes() == n))
}

/// The end of a tag starting at `start` (index after its `>`), honouring quoted attributes.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The byte offset at which the nesting of `html` first exceeds `max_depth`, if it does.
pub fn excess_nesting_at(html: &str, max_depth: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(offset) = bytes.get(i..).and_then(|rest| memchr::memchr(b'<', rest)) {
        let start = i + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = tag_end(bytes, start + 2);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + if closing { 2 } else { 1 };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let mut buffer = [0u8; LONGEST_LISTED];
        let name = listed_name(&bytes[name_start..name_start + name_len], &mut buffer);
        let end = tag_end(bytes, name_start + name_len);
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        let counted = !contains(VOID, name) && !contains(IMPLIED_END, name);
        if closing {
            if counted {
                depth = depth.saturating_sub(1);
            }
            i = end;
            continue;
        }
        if let Some(raw) = name.filter(|_| contains(RAW_TEXT, name) && !self_closing) {
            let mut close = [0u8; LONGEST_LISTED + 2];
            close[..2].copy_from_slice(b"</");
            close[2..2 + raw.len()].copy_from_slice(raw);
            i = find(bytes, end, &close[..2 + raw.len()]).unwrap_or(bytes.len());
            continue;
        }
        if counted && !self_closing {
            depth += 1;
            if depth > max_depth {
                return Some(start);
            }
        }
        i = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_excessive_nesting_only() {
        let deep = format!(
            "<body>{}x{}</body>",
            "<div>".repeat(20),
            "</div>".repeat(20)
        );
        assert_eq!(excess_nesting_at(&deep, 20), None);
        let cut = excess_nesting_at(&deep, 10).unwrap();
        assert_eq!(&deep[cut..cut + 5], "<div>");
        assert_eq!(deep[..cut].matches("<div>").count(), 10);
        // Implied end tags, void elements, comments and scripts do not count.
        let flat = format!(
            "<ul>{}</ul>{}<!-- {} --><script>{}</script><br/>",
            "<li>item".repeat(1000),
            "<p>para<img src=x>".repeat(1000),
            "<div>".repeat(1000),
            "<div>".repeat(1000)
        );
        assert_eq!(excess_nesting_at(&flat, 5), None);
        // Quoted '>' inside attributes does not end a tag early.
        let quoted = "<div title=\"a>b\"><div data-x='>'></div></div>";
        assert_eq!(excess_nesting_at(quoted, 2), None);
        assert_eq!(excess_nesting_at(quoted, 1), Some(17));
        // Raw-text end tags match in any case; a long unlisted name is counted.
        let upper = format!("<SCRIPT>{}</ScRiPt><div>", "<div>".repeat(10));
        assert_eq!(excess_nesting_at(&upper, 1), None);
        assert_eq!(excess_nesting_at(&upper, 0), Some(upper.len() - 5));
        let long = "<custom-element-name><custom-element-name>";
        assert_eq!(excess_nesting_at(long, 1), Some(21));
    }

    #[test]
    fn every_listed_name_fits_the_name_buffer() {
        for name in VOID.iter().chain(IMPLIED_END).chain(RAW_TEXT) {
            assert!(name.len() <= LONGEST_LISTED, "{name}");
        }
    }
}
