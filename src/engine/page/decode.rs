//! Turning document bytes into text: the charset comes from a byte-order mark, the
//! `Content-Type` header, or a `<meta charset>` / `http-equiv` declaration in the first 1024
//! bytes (the HTML prescan window), else UTF-8. Undecodable bytes become U+FFFD and are counted.

use encoding_rs::{Encoding, UTF_8};

/// Where the charset came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CharsetSource {
    /// A byte-order mark.
    Bom,
    /// The `Content-Type` header's `charset` parameter.
    Header,
    /// A `<meta>` declaration within the first 1024 bytes.
    Meta,
    /// Nothing declared; UTF-8 assumed.
    #[default]
    Default,
}

/// How a document was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoding {
    /// The encoding used (WHATWG name, e.g. `UTF-8`, `windows-1252`).
    pub encoding: &'static str,
    /// Where it came from.
    pub source: CharsetSource,
    /// A charset label that was declared but not recognised.
    pub unknown_label: Option<String>,
    /// True when some bytes were not valid in that encoding and were replaced.
    pub had_errors: bool,
}

impl Default for Decoding {
    fn default() -> Self {
        Decoding {
            encoding: UTF_8.name(),
            source: CharsetSource::Default,
            unknown_label: None,
            had_errors: false,
        }
    }
}

/// The `charset` parameter of a `Content-Type` value.
pub fn header_charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_owned())
    })
}

/// The charset declared by a `<meta>` in the first 1024 bytes, found by a light prescan.
pub fn meta_charset(bytes: &[u8]) -> Option<String> {
    let window = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(window).to_ascii_lowercase();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("<meta") {
        let tag_end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start..tag_end];
        if let Some(pos) = tag.find("charset") {
            let after = tag[pos + "charset".len()..].trim_start();
            if let Some(value) = after.strip_prefix('=') {
                let value = value.trim_start().trim_start_matches(['"', '\'']);
                let label: String = value
                    .chars()
                    .take_while(|c| !matches!(c, '"' | '\'' | ';' | ' ' | '/' | '>'))
                    .collect();
                if !label.is_empty() {
                    return Some(label);
                }
            }
        }
        rest = &rest[tag_end..];
    }
    None
}

/// Decodes `bytes` with the charset the document declares.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> (String, Decoding) {
    let mut decoding = Decoding::default();
    let (encoding, source, declared) = if let Some((enc, _)) = Encoding::for_bom(bytes) {
        (enc, CharsetSource::Bom, None)
    } else if let Some(label) = content_type.and_then(header_charset) {
        (
            Encoding::for_label(label.as_bytes()).unwrap_or(UTF_8),
            CharsetSource::Header,
            Some(label),
        )
    } else if let Some(label) = meta_charset(bytes) {
        (
            Encoding::for_label(label.as_bytes()).unwrap_or(UTF_8),
            CharsetSource::Meta,
            Some(label),
        )
    } else {
        (UTF_8, CharsetSource::Default, None)
    };
    if let Some(label) = declared
        && Encoding::for_label(label.as_bytes()).is_none()
    {
        decoding.unknown_label = Some(label);
    }
    let (text, used, had_errors) = encoding.decode(bytes);
    decoding.encoding = used.name();
    decoding.source = source;
    decoding.had_errors = had_errors;
    (text.into_owned(), decoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_declared_charsets() {
        assert_eq!(
            header_charset("text/html; charset=\"ISO-8859-1\"").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(header_charset("text/html"), None);
        assert_eq!(
            meta_charset(b"<html><head><meta charset=\"windows-1252\">").as_deref(),
            Some("windows-1252")
        );
        assert_eq!(
            meta_charset(
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            )
            .as_deref(),
            Some("utf-8")
        );
        let late = format!("{}<meta charset=utf-8>", " ".repeat(1100));
        assert_eq!(meta_charset(late.as_bytes()), None);
    }

    #[test]
    fn decodes_and_counts_errors() {
        let (text, d) = decode(b"caf\xe9", Some("text/html; charset=windows-1252"));
        assert_eq!(text, "café");
        assert_eq!(d.source, CharsetSource::Header);
        assert!(!d.had_errors);
        let (text, d) = decode(b"caf\xe9", Some("text/html"));
        assert_eq!(text, "caf\u{fffd}");
        assert!(d.had_errors);
        let (_, d) = decode(b"\xef\xbb\xbfhi", None);
        assert_eq!(d.source, CharsetSource::Bom);
        let (_, d) = decode(b"hi", Some("text/html; charset=klingon"));
        assert_eq!(d.unknown_label.as_deref(), Some("klingon"));
    }
}
