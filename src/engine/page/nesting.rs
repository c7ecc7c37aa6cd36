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

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
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
    while let Some(offset) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
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
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = tag_end(bytes, name_start + name_len);
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        let counted = !VOID.contains(&name.as_str()) && !IMPLIED_END.contains(&name.as_str());
        if closing {
            if counted {
                depth = depth.saturating_sub(1);
            }
            i = end;
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) && !self_closing {
            let close = format!("</{name}");
            i = find(bytes, end, close.as_bytes()).unwrap_or(bytes.len());
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
    }
}
