//! Report ids (`rpt_` + ULID) and finding fingerprints.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A report id: `rpt_` followed by a 26-character ULID, so ids sort by creation time.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
#[schemars(with = "String")]
pub struct ReportId(String);

impl ReportId {
    /// The prefix every report id starts with.
    pub const PREFIX: &'static str = "rpt_";

    /// A new id for now. Ids made by one process strictly increase, even within one
    /// millisecond.
    pub fn generate() -> Self {
        static GENERATOR: std::sync::Mutex<ulid::Generator> =
            std::sync::Mutex::new(ulid::Generator::new());
        let ulid = GENERATOR
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .generate()
            .unwrap_or_else(|_| ulid::Ulid::generate());
        ReportId(format!("{}{}", Self::PREFIX, ulid))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ReportId {
    type Err = String;

    /// Parses an id in any case (ULIDs are case-insensitive): `rpt_01jd…` is the id
    /// `rpt_01JD…`, always held in the canonical form.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let ulid = s
            .get(..Self::PREFIX.len())
            .filter(|prefix| prefix.eq_ignore_ascii_case(Self::PREFIX))
            .and_then(|_| ulid::Ulid::from_string(&s[Self::PREFIX.len()..]).ok());
        match ulid {
            Some(ulid) => Ok(ReportId(format!("{}{ulid}", Self::PREFIX))),
            None => Err(format!(
                "`{s}` is not a report id; ids look like rpt_01JD3Z5K8X9V2M4N6P7Q8R9S0T \
                 (list them with `webaudit reports list`)"
            )),
        }
    }
}

impl TryFrom<String> for ReportId {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<ReportId> for String {
    fn from(id: ReportId) -> String {
        id.0
    }
}

/// The site of a report URL: its origin (`https://example.com`) for http(s) URLs, the URL
/// itself otherwise (a `file://` directory). History falls back to the site's reports.
pub fn site_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u.origin().ascii_serialization(),
        _ => url.to_owned(),
    }
}

/// The fingerprint of a finding: the first 16 hex digits of SHA-256 over the rule id, the page
/// path (not the host, so a finding keeps its fingerprint when a site moves) and the evidence
/// key.
pub fn fingerprint(rule_id: &str, page_url: &str, evidence_key: &str) -> String {
    let path = path_and_query(page_url);
    let mut hasher = Sha256::new();
    for part in [rule_id, &path, evidence_key] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let mut digits = [0u8; 16];
    hex::encode_to_slice(&hasher.finalize()[..8], &mut digits).expect("16 digits for 8 bytes");
    std::str::from_utf8(&digits)
        .expect("hex digits are ASCII")
        .to_owned()
}

/// The path and query of a URL (`/p?q=1`). Page URLs are serialized [`url::Url`]s, whose text
/// after the authority is already that (this runs for every finding, so the parser is skipped
/// when the text cannot need normalising); anything else goes through the parser.
fn path_and_query(url: &str) -> std::borrow::Cow<'_, str> {
    let tail = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
        .map(|tail| tail.split_once('#').map_or(tail, |(before, _)| before));
    if let Some(tail) = tail
        && url.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
    {
        let path = tail.split_once('?').map_or(tail, |(path, _)| path);
        let dot_segment = path
            .split('/')
            .any(|segment| segment == "." || segment == "..");
        if !dot_segment {
            return std::borrow::Cow::Borrowed(tail);
        }
    }
    url::Url::parse(url)
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        })
        .unwrap_or_else(|_| url.to_owned())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_sort() {
        let a = ReportId::generate();
        let b = ReportId::generate();
        assert!(a < b);
        assert_eq!(a.as_str().parse::<ReportId>().unwrap(), a);
        assert!("rpt_nope".parse::<ReportId>().is_err());
        assert!("01JD3Z5K8X9V2M4N6P7Q8R9S0T".parse::<ReportId>().is_err());
        assert!("rpt_".parse::<ReportId>().is_err());
        assert!("rpt".parse::<ReportId>().is_err());
    }

    #[test]
    fn ids_parse_in_any_case_to_the_canonical_form() {
        let id = ReportId::generate();
        let lower = id.as_str().to_lowercase();
        let shouting = id.as_str().to_uppercase();
        let mixed: String = id
            .as_str()
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect();
        for text in [lower, shouting, mixed, format!("  {id} ")] {
            let parsed = text.parse::<ReportId>().unwrap();
            assert_eq!(parsed, id, "{text}");
            assert_eq!(parsed.as_str(), id.as_str(), "{text}");
        }
        let from_json: ReportId =
            serde_json::from_str(&format!("\"{}\"", id.as_str().to_lowercase())).unwrap();
        assert_eq!(from_json, id);
    }

    #[test]
    fn fingerprint_ignores_host_but_not_path() {
        let a = fingerprint("seo.x", "https://a.example/p?q=1", "img");
        let b = fingerprint("seo.x", "http://127.0.0.1:9/p?q=1", "img");
        let c = fingerprint("seo.x", "https://a.example/other", "img");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 16);
        // The first 8 bytes of SHA-256("seo.x\0/p?q=1\0img\0"), in lower-case hex.
        assert_eq!(a, "8153625c3d5e684d");
    }

    #[test]
    fn path_and_query_agrees_with_the_parser() {
        for url in [
            "https://a.example/p?q=1",
            "https://a.example/p?q=1#frag",
            "https://a.example",
            "http://[::1]:8080/a/b/",
            "file:///work/site/index.html",
            "https://a.example/a/../b/./c",
            "https://a.example/a b",
            "https://a.example/%41?x=%20#y",
        ] {
            let parsed = url::Url::parse(url).unwrap();
            let expected = match parsed.query() {
                Some(q) => format!("{}?{q}", parsed.path()),
                None => parsed.path().to_owned(),
            };
            assert_eq!(path_and_query(url), expected, "{url}");
        }
    }
}
