//! Known-vulnerable JavaScript libraries: which library and version a script is, read from
//! its URL (`jquery-3.4.1.min.js`, `/3.4.1/jquery.min.js`, `jquery@3.4.1`, `?ver=3.4.1`) or
//! from the banner comment at the start of its body, and the advisories that version falls in.
//!
//! The advisory data is a hand-picked subset of retire.js's vulnerability repository
//! (`repository/jsrepository.json` of RetireJS/retire.js, Apache License 2.0): the libraries
//! sites most often load from CDNs, and for each the advisories with a CVE or GitHub advisory
//! id. Version ranges are retire.js's; summaries are our own words. It is a snapshot: libraries
//! and advisories it does not list are not detected.

use std::sync::LazyLock;

use memchr::memmem;
use semver::Version;
use url::Url;

/// One published vulnerability of a range of versions.
#[derive(Debug, Clone, Copy)]
pub struct Advisory {
    /// First affected version, when the advisory gives one.
    pub at_or_above: Option<&'static str>,
    /// First fixed version.
    pub below: &'static str,
    /// retire.js severity: `low`, `medium`, `high` or `critical`.
    pub severity: &'static str,
    /// CVE or GitHub advisory id.
    pub id: &'static str,
    /// What it allows.
    pub summary: &'static str,
}

/// A library webaudit recognises.
#[derive(Debug)]
pub struct Library {
    /// Its usual name.
    pub name: &'static str,
    /// Its npm package name (for `package@version` URLs).
    pub npm: &'static str,
    /// File-name stems of its builds, without `.min` and `.js` (`jquery`, `jquery.slim`).
    pub stems: &'static [&'static str],
    /// Text that precedes the version in its banner comment (`jQuery v`).
    pub banners: &'static [&'static str],
    /// Its advisories.
    pub advisories: &'static [Advisory],
}

/// A library found on a page.
#[derive(Debug, Clone)]
pub struct Detected {
    /// The library.
    pub library: &'static Library,
    /// Its version, as found.
    pub version: String,
    /// How it was recognised: `url` or `banner`.
    pub source: &'static str,
}

impl Detected {
    /// The advisories that apply to this version (none when the version does not parse).
    pub fn advisories(&self) -> Vec<&'static Advisory> {
        let Some(version) = parse_version(&self.version) else {
            return Vec::new();
        };
        self.library
            .advisories
            .iter()
            .filter(|a| {
                let above = a
                    .at_or_above
                    .and_then(parse_version)
                    .is_none_or(|low| version >= low);
                let below = parse_version(a.below).is_some_and(|high| version < high);
                above && below
            })
            .collect()
    }
}

/// A version as retire.js writes them, made comparable: up to three numbers (missing ones are
/// 0) and an optional pre-release tag (`3.0.0-beta1`, `1.9.0b1`, `1.0rc2`).
pub fn parse_version(text: &str) -> Option<Version> {
    let text = text.trim().trim_start_matches(['v', 'V']);
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (numbers, rest) = text.split_at(split);
    let numbers: Vec<u64> = numbers
        .trim_end_matches('.')
        .split('.')
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    if numbers.is_empty() || numbers.len() > 4 {
        return None;
    }
    let pre: String = rest
        .trim_start_matches(['-', '.', '+'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let mut version = Version::new(
        numbers[0],
        numbers.get(1).copied().unwrap_or(0),
        numbers.get(2).copied().unwrap_or(0),
    );
    if !pre.is_empty() {
        version.pre = semver::Prerelease::new(&pre).ok()?;
    }
    Some(version)
}

/// True for text that looks like a version: starts with a digit, has a dot, and only
/// version characters.
fn looks_like_version(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
        && text.contains('.')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
}

/// The library and version a script URL names, if any.
pub fn from_url(url: &Url) -> Option<Detected> {
    let path = url.path().to_ascii_lowercase();
    let file = path.rsplit('/').next()?;
    let file = file.strip_suffix(".js")?;
    let file = file
        .strip_suffix(".min")
        .or_else(|| file.strip_suffix("-min"))
        .unwrap_or(file);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for library in LIBRARIES {
        // `package@version` anywhere in the path (jsDelivr, unpkg).
        if let Some(version) = segments.iter().find_map(|s| {
            s.strip_prefix(library.npm)
                .and_then(|rest| rest.strip_prefix('@'))
                .filter(|v| looks_like_version(v))
        }) {
            return Some(found(library, version.to_owned()));
        }
        for stem in library.stems {
            // `jquery-3.4.1.js`
            if let Some(version) = file
                .strip_prefix(stem)
                .and_then(|rest| rest.strip_prefix('-'))
                .filter(|v| looks_like_version(v))
            {
                return Some(found(library, version.to_owned()));
            }
            if file != *stem {
                continue;
            }
            // `/3.4.1/jquery.min.js` (cdnjs, Google, code.jquery.com/ui/…): the nearest
            // version-like folder above the file.
            if let Some(version) = segments
                .iter()
                .rev()
                .skip(1)
                .take(3)
                .find(|s| looks_like_version(s))
            {
                return Some(found(library, (*version).to_owned()));
            }
            // `jquery.min.js?ver=3.4.1` (WordPress).
            if let Some((_, version)) = url.query_pairs().find(|(k, v)| {
                matches!(k.as_ref(), "ver" | "v" | "version") && looks_like_version(v)
            }) {
                return Some(found(library, version.into_owned()));
            }
        }
    }
    None
}

fn found(library: &'static Library, version: String) -> Detected {
    Detected {
        library,
        version,
        source: "url",
    }
}

/// How much of the start of a script (inline, or the sample of a fetched one) is searched for
/// a library's banner comment: banners open the file, and a bounded search keeps the rule cheap.
pub const BANNER_BYTES: usize = 2048;

/// The library and version the banner comment at the start of a script's text names (only its
/// first [`BANNER_BYTES`] are read).
pub fn from_script_start(text: &[u8]) -> Option<Detected> {
    from_banner(&String::from_utf8_lossy(
        &text[..text.len().min(BANNER_BYTES)],
    ))
}

/// What to upgrade to so that none of `advisories` applies: the highest first-fixed version,
/// or, when an advisory covers every version (retire.js writes bounds like 999.999.999), that
/// the library must be replaced.
pub fn upgrade_advice(advisories: &[&Advisory]) -> String {
    let fixed_in = advisories
        .iter()
        .filter_map(|a| parse_version(a.below).map(|v| (v, a.below)))
        .max_by(|a, b| a.0.cmp(&b.0));
    match fixed_in {
        Some((v, _)) if v.major >= 100 => {
            "no fixed version exists (the library is end-of-life): replace it".to_owned()
        }
        Some((_, text)) => format!("versions from {text} are free of these"),
        None => String::new(),
    }
}

/// A finder for the first word of each banner, per library, in the order of [`LIBRARIES`]
/// and their banners (`None` for a banner without one). Built once: `str::match_indices` sets
/// its searcher up again on every call, for every banner and every script.
static BANNER_FINDERS: LazyLock<Vec<Vec<Option<memmem::Finder<'static>>>>> = LazyLock::new(|| {
    LIBRARIES
        .iter()
        .map(|library| {
            library
                .banners
                .iter()
                .map(|banner| first_word(banner).map(memmem::Finder::new))
                .collect()
        })
        .collect()
});

/// The first space-separated word of a banner, when it is not empty.
fn first_word(banner: &str) -> Option<&str> {
    banner.split(' ').next().filter(|t| !t.is_empty())
}

/// The library and version a banner comment near the start of a script names, if any.
pub fn from_banner(text: &str) -> Option<Detected> {
    LIBRARIES
        .iter()
        .zip(BANNER_FINDERS.iter())
        .find_map(|(library, finders)| {
            library
                .banners
                .iter()
                .zip(finders)
                .find_map(|(banner, finder)| {
                    banner_version(text, banner, finder.as_ref()?).map(|version| Detected {
                        library,
                        version,
                        source: "banner",
                    })
                })
        })
}

/// The version that follows `banner` in `text`, where each space of the banner stands for
/// one or more whitespace characters (banners differ in indentation and line breaks).
/// `first` finds the banner's first word.
fn banner_version(text: &str, banner: &str, first: &memmem::Finder<'_>) -> Option<String> {
    let first_len = first.needle().len();
    first
        .find_iter(text.as_bytes())
        .find_map(|start| version_after_banner(text, start + first_len, banner))
}

/// The version after the rest of `banner` (its words after the first), which must follow
/// `text[pos..]`, each word after one or more whitespace characters.
fn version_after_banner(text: &str, mut pos: usize, banner: &str) -> Option<String> {
    for token in banner.split(' ').skip(1) {
        let tail = &text[pos..];
        let space = tail.len() - tail.trim_start().len();
        if space == 0 || !tail[space..].starts_with(token) {
            return None;
        }
        pos += space + token.len();
    }
    let version: String = text[pos..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    looks_like_version(&version).then_some(version)
}

const fn advisory(
    at_or_above: Option<&'static str>,
    below: &'static str,
    severity: &'static str,
    id: &'static str,
    summary: &'static str,
) -> Advisory {
    Advisory {
        at_or_above,
        below,
        severity,
        id,
        summary,
    }
}

/// The libraries and advisories webaudit knows (see the module documentation for the source).
pub static LIBRARIES: &[Library] = &[
    Library {
        name: "jQuery",
        npm: "jquery",
        stems: &["jquery", "jquery.slim"],
        banners: &["jQuery v", "jQuery JavaScript Library v"],
        advisories: &[
            advisory(
                None,
                "1.6.3",
                "medium",
                "CVE-2011-4969",
                "XSS through location.hash",
            ),
            advisory(
                None,
                "1.9.0-b1",
                "medium",
                "CVE-2012-6708",
                "a selector string can be read as HTML",
            ),
            advisory(
                Some("1.2.1"),
                "1.9.0",
                "medium",
                "CVE-2020-7656",
                "load() keeps script tags written with whitespace",
            ),
            advisory(
                Some("1.4.0"),
                "1.12.0",
                "medium",
                "CVE-2015-9251",
                "cross-domain AJAX responses may run as script",
            ),
            advisory(
                Some("1.12.3"),
                "3.0.0-beta1",
                "medium",
                "CVE-2015-9251",
                "cross-domain AJAX responses may run as script",
            ),
            advisory(
                Some("3.0.0-rc.1"),
                "3.0.0",
                "high",
                "CVE-2016-10707",
                "denial of service",
            ),
            advisory(
                Some("1.1.4"),
                "3.4.0",
                "medium",
                "CVE-2019-11358",
                "prototype pollution through jQuery.extend",
            ),
            advisory(
                Some("1.0.3"),
                "3.5.0",
                "medium",
                "CVE-2020-11023",
                "untrusted <option> HTML runs code in DOM methods",
            ),
            advisory(
                Some("1.2.0"),
                "3.5.0",
                "medium",
                "CVE-2020-11022",
                "htmlPrefilter lets sanitised HTML run script",
            ),
        ],
    },
    Library {
        name: "jQuery UI",
        npm: "jquery-ui",
        stems: &["jquery-ui"],
        banners: &["jQuery UI - v"],
        advisories: &[
            advisory(
                Some("1.7.0"),
                "1.10.0",
                "medium",
                "CVE-2010-5312",
                "XSS through the dialog title",
            ),
            advisory(
                Some("1.9.2"),
                "1.10.0",
                "medium",
                "CVE-2012-6662",
                "XSS through the tooltip content",
            ),
            advisory(
                None,
                "1.12.0",
                "medium",
                "CVE-2016-7103",
                "XSS through the dialog closeText",
            ),
            advisory(
                None,
                "1.13.0",
                "medium",
                "CVE-2021-41182",
                "XSS through the datepicker altField",
            ),
            advisory(
                None,
                "1.13.0",
                "medium",
                "CVE-2021-41183",
                "XSS through datepicker text options",
            ),
            advisory(
                None,
                "1.13.0",
                "medium",
                "CVE-2021-41184",
                "XSS through position()'s of option",
            ),
            advisory(
                None,
                "1.13.2",
                "medium",
                "CVE-2022-31160",
                "XSS when a checkboxradio label is refreshed",
            ),
        ],
    },
    Library {
        name: "Bootstrap",
        npm: "bootstrap",
        stems: &["bootstrap", "bootstrap.bundle"],
        banners: &["Bootstrap v"],
        advisories: &[
            advisory(
                None,
                "3.4.0",
                "medium",
                "CVE-2018-14041",
                "XSS through scrollspy data-target",
            ),
            advisory(
                None,
                "3.4.0",
                "medium",
                "CVE-2018-14042",
                "XSS through tooltip data-container",
            ),
            advisory(
                None,
                "3.4.0",
                "medium",
                "CVE-2018-20676",
                "XSS through tooltip data-viewport",
            ),
            advisory(
                None,
                "3.4.0",
                "medium",
                "CVE-2018-20677",
                "XSS through affix target",
            ),
            advisory(
                Some("2.3.0"),
                "3.4.0",
                "medium",
                "CVE-2018-14040",
                "XSS through collapse data-parent",
            ),
            advisory(
                Some("3.0.0"),
                "3.4.0",
                "medium",
                "CVE-2016-10735",
                "XSS through data-target",
            ),
            advisory(
                Some("3.0.0"),
                "3.4.1",
                "medium",
                "CVE-2019-8331",
                "XSS through tooltip and popover templates",
            ),
            advisory(
                Some("1.4.0"),
                "3.4.2",
                "medium",
                "CVE-2024-6485",
                "XSS through data-* attributes of buttons",
            ),
            advisory(
                Some("3.4.1"),
                "3.4.2",
                "medium",
                "CVE-2025-1647",
                "XSS in 3.4.1 with no public open-source fix",
            ),
            advisory(
                Some("4.0.0-beta"),
                "4.0.0-beta.2",
                "medium",
                "CVE-2016-10735",
                "XSS through data-target",
            ),
            advisory(
                Some("4.0.0"),
                "4.1.2",
                "medium",
                "CVE-2018-14040",
                "XSS through collapse data-parent",
            ),
            advisory(
                Some("4.0.0"),
                "4.1.2",
                "medium",
                "CVE-2018-14041",
                "XSS through scrollspy data-target",
            ),
            advisory(
                Some("4.0.0"),
                "4.1.2",
                "medium",
                "CVE-2018-14042",
                "XSS through tooltip data-container",
            ),
            advisory(
                Some("4.0.0"),
                "4.3.1",
                "medium",
                "CVE-2019-8331",
                "XSS through tooltip and popover templates",
            ),
        ],
    },
    Library {
        name: "AngularJS",
        npm: "angular",
        stems: &["angular"],
        banners: &["AngularJS v"],
        advisories: &[
            advisory(
                None,
                "1.5.0-beta.1",
                "medium",
                "CVE-2019-14863",
                "XSS through xlink:href",
            ),
            advisory(
                None,
                "1.6.0",
                "medium",
                "GHSA-28hp-fgcr-2r4h",
                "XSS through JSONP",
            ),
            advisory(
                None,
                "1.7.9",
                "high",
                "CVE-2019-10768",
                "prototype pollution through merge()",
            ),
            advisory(
                None,
                "1.8.0",
                "medium",
                "CVE-2020-7676",
                "XSS when sanitised HTML reaches jqLite",
            ),
            advisory(
                None,
                "1.8.4",
                "medium",
                "CVE-2023-26116",
                "ReDoS in angular.copy()",
            ),
            advisory(
                None,
                "1.8.4",
                "medium",
                "CVE-2023-26117",
                "ReDoS in $resource",
            ),
            advisory(
                None,
                "1.8.4",
                "medium",
                "CVE-2023-26118",
                "ReDoS in <input type=url>",
            ),
            advisory(
                Some("1.3.0"),
                "1.8.4",
                "high",
                "CVE-2024-21490",
                "ReDoS in ng-srcset",
            ),
            advisory(
                Some("1.7.0"),
                "999.999.999",
                "medium",
                "CVE-2022-25844",
                "ReDoS through a crafted currency format",
            ),
        ],
    },
    Library {
        name: "Lodash",
        npm: "lodash",
        stems: &["lodash", "lodash.core"],
        banners: &["@license lodash ", "lodash ", "Lo-Dash v"],
        advisories: &[
            advisory(
                None,
                "4.17.5",
                "medium",
                "CVE-2018-3721",
                "prototype pollution",
            ),
            advisory(
                None,
                "4.17.11",
                "high",
                "CVE-2018-16487",
                "prototype pollution",
            ),
            advisory(
                Some("4.7.0"),
                "4.17.11",
                "medium",
                "CVE-2019-1010266",
                "ReDoS",
            ),
            advisory(
                None,
                "4.17.12",
                "high",
                "CVE-2019-10744",
                "prototype pollution through defaultsDeep",
            ),
            advisory(
                Some("3.7.0"),
                "4.17.19",
                "high",
                "CVE-2020-8203",
                "prototype pollution through zipObjectDeep",
            ),
            advisory(
                None,
                "4.17.21",
                "high",
                "CVE-2021-23337",
                "command injection through template",
            ),
            advisory(
                Some("4.0.0"),
                "4.17.21",
                "medium",
                "CVE-2020-28500",
                "ReDoS",
            ),
            advisory(
                Some("4.0.0"),
                "4.17.23",
                "medium",
                "CVE-2025-13465",
                "prototype pollution through unset and omit",
            ),
        ],
    },
    Library {
        name: "Moment",
        npm: "moment",
        stems: &["moment", "moment-with-locales"],
        banners: &["moment.js //! version : ", "Moment.js | version : "],
        advisories: &[
            advisory(None, "2.11.2", "medium", "CVE-2016-4055", "ReDoS"),
            advisory(None, "2.19.3", "high", "CVE-2017-18214", "ReDoS"),
            advisory(
                None,
                "2.29.2",
                "high",
                "CVE-2022-24785",
                "path traversal through a locale name",
            ),
            advisory(
                Some("2.18.0"),
                "2.29.4",
                "high",
                "CVE-2022-31129",
                "ReDoS in RFC 2822 parsing",
            ),
        ],
    },
    Library {
        name: "Handlebars",
        npm: "handlebars",
        stems: &["handlebars", "handlebars.runtime"],
        banners: &["handlebars v", "Handlebars.VERSION = \""],
        advisories: &[
            advisory(
                None,
                "3.0.8",
                "high",
                "CVE-2019-19919",
                "helperMissing callable from templates",
            ),
            advisory(
                None,
                "3.0.8",
                "high",
                "CVE-2019-20920",
                "code execution through the lookup helper",
            ),
            advisory(
                None,
                "4.0.0",
                "medium",
                "CVE-2015-8861",
                "XSS through unquoted attributes",
            ),
            advisory(
                Some("4.0.0"),
                "4.3.0",
                "high",
                "CVE-2019-19919",
                "helperMissing callable from templates",
            ),
            advisory(Some("4.0.0"), "4.4.5", "high", "CVE-2019-20922", "ReDoS"),
            advisory(
                Some("4.0.0"),
                "4.5.3",
                "high",
                "CVE-2019-20920",
                "code execution through the lookup helper",
            ),
            advisory(
                None,
                "4.7.7",
                "high",
                "CVE-2021-23369",
                "code execution when compiling templates",
            ),
            advisory(
                None,
                "4.7.7",
                "high",
                "CVE-2021-23383",
                "prototype pollution",
            ),
            advisory(
                Some("4.0.0"),
                "4.7.9",
                "critical",
                "CVE-2026-33937",
                "code execution through a crafted number literal",
            ),
            advisory(
                Some("4.0.0"),
                "4.7.9",
                "high",
                "CVE-2026-33940",
                "code execution through a dynamic partial",
            ),
        ],
    },
    Library {
        name: "Underscore",
        npm: "underscore",
        stems: &["underscore"],
        banners: &["// Underscore.js "],
        advisories: &[
            advisory(
                Some("1.3.2"),
                "1.12.1",
                "high",
                "CVE-2021-23358",
                "code injection through template",
            ),
            advisory(
                None,
                "1.13.8",
                "high",
                "CVE-2026-27601",
                "unbounded recursion in flatten and isEqual",
            ),
        ],
    },
    Library {
        name: "DOMPurify",
        npm: "dompurify",
        stems: &["purify"],
        banners: &["@license DOMPurify ", "DOMPurify.version = '"],
        advisories: &[
            advisory(
                None,
                "2.0.3",
                "medium",
                "CVE-2019-16728",
                "mutation XSS through nested forms in MathML",
            ),
            advisory(
                None,
                "2.0.17",
                "medium",
                "CVE-2020-26870",
                "mutation XSS through MathML",
            ),
            advisory(
                None,
                "2.4.2",
                "high",
                "CVE-2024-48910",
                "tampering through prototype pollution",
            ),
            advisory(
                None,
                "2.5.0",
                "high",
                "CVE-2024-47875",
                "nesting-based mutation XSS",
            ),
            advisory(
                None,
                "2.5.4",
                "high",
                "CVE-2024-45801",
                "tampering through prototype pollution",
            ),
            advisory(
                Some("3.0.0"),
                "3.1.3",
                "high",
                "CVE-2024-47875",
                "nesting-based mutation XSS",
            ),
            advisory(
                Some("3.0.0"),
                "3.1.3",
                "high",
                "CVE-2024-45801",
                "tampering through prototype pollution",
            ),
            advisory(
                None,
                "3.2.4",
                "medium",
                "CVE-2025-26791",
                "sanitiser bypass",
            ),
            advisory(
                None,
                "3.3.2",
                "medium",
                "GHSA-h8r8-wccr-v5f2",
                "mutation XSS when output is reparsed in rawtext",
            ),
        ],
    },
    Library {
        name: "Vue",
        npm: "vue",
        stems: &["vue", "vue.runtime", "vue.global", "vue.runtime.global"],
        banners: &["Vue.js v"],
        advisories: &[advisory(
            Some("2.0.0-alpha.1"),
            "3.0.0-alpha.0",
            "low",
            "CVE-2024-9506",
            "ReDoS in the template compiler's parseHTML",
        )],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// `banner_version` as first written: the banner's first word found with
    /// `str::match_indices`.
    fn banner_version_reference(text: &str, banner: &str) -> Option<String> {
        let first = first_word(banner)?;
        text.match_indices(first)
            .find_map(|(start, _)| version_after_banner(text, start + first.len(), banner))
    }

    /// The prebuilt finders find what `match_indices` found, banner by banner.
    #[test]
    fn banner_finders_match_the_reference() {
        let texts = [
            "/*! jQuery v1.11.3 | (c) jQuery Foundation */",
            "/*!\n * jQuery JavaScript Library v1.4.2\n */",
            "jQuery vx jQuery v3.5.0",
            "/*! jQuery UI - v1.12.1 - 2016-09-14 */",
            "/*!\n  * Bootstrap v4.3.1 (https://getbootstrap.com/)\n  */",
            "/** @license lodash 4.17.15 */ lodash lodash 4.17.21",
            "//! moment.js\n//! version : 2.24.0\n//! authors",
            "Moment.js | version :\t2.29.4",
            "/** @license AngularJS v1.8.2 */ ÄngülärJS v0 AngularJS v",
            "no banner here at all, just 😀 text",
            "",
        ];
        for text in texts {
            for (library, finders) in LIBRARIES.iter().zip(BANNER_FINDERS.iter()) {
                for (banner, finder) in library.banners.iter().zip(finders) {
                    let found = finder
                        .as_ref()
                        .and_then(|f| banner_version(text, banner, f));
                    assert_eq!(
                        found,
                        banner_version_reference(text, banner),
                        "{banner} in {text:?}"
                    );
                }
            }
        }
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn detect(text: &str) -> Option<(String, String)> {
        from_url(&url(text)).map(|d| (d.library.name.to_owned(), d.version))
    }

    fn names(d: &Detected) -> Vec<&'static str> {
        d.advisories().iter().map(|a| a.id).collect()
    }

    #[test]
    fn libraries_are_recognised_from_common_urls() {
        let found = |name: &str, version: &str| Some((name.to_owned(), version.to_owned()));
        assert_eq!(
            detect("https://code.jquery.com/jquery-3.4.1.min.js"),
            found("jQuery", "3.4.1")
        );
        assert_eq!(
            detect("https://ajax.googleapis.com/ajax/libs/jquery/1.12.4/jquery.min.js"),
            found("jQuery", "1.12.4")
        );
        assert_eq!(
            detect("https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.slim.min.js"),
            found("jQuery", "3.7.1")
        );
        assert_eq!(
            detect("https://example.com/wp-includes/js/jquery/jquery.min.js?ver=3.6.0"),
            found("jQuery", "3.6.0")
        );
        assert_eq!(
            detect("https://code.jquery.com/ui/1.12.1/jquery-ui.min.js"),
            found("jQuery UI", "1.12.1")
        );
        assert_eq!(
            detect(
                "https://cdnjs.cloudflare.com/ajax/libs/twitter-bootstrap/3.3.7/js/bootstrap.min.js"
            ),
            found("Bootstrap", "3.3.7")
        );
        assert_eq!(
            detect("https://cdnjs.cloudflare.com/ajax/libs/underscore.js/1.8.3/underscore-min.js"),
            found("Underscore", "1.8.3")
        );
        assert_eq!(
            detect("https://unpkg.com/vue@2.6.14/dist/vue.min.js"),
            found("Vue", "2.6.14")
        );
        // A file named like a library, with no version anywhere, is not a detection.
        assert_eq!(detect("https://example.com/js/jquery.min.js"), None);
        assert_eq!(detect("https://example.com/js/app-1.2.3.js"), None);
    }

    #[test]
    fn banners_name_the_library() {
        let jq = from_banner("/*! jQuery v1.11.3 | (c) 2005, 2015 jQuery Foundation */").unwrap();
        assert_eq!((jq.library.name, jq.version.as_str()), ("jQuery", "1.11.3"));
        let moment = from_banner("//! moment.js\n//! version : 2.24.0\n//! authors").unwrap();
        assert_eq!(
            (moment.library.name, moment.version.as_str()),
            ("Moment", "2.24.0")
        );
        let us =
            from_banner("//     Underscore.js 1.9.1\n//     https://underscorejs.org").unwrap();
        assert_eq!(us.library.name, "Underscore");
        // Lodash's minified banner names the Underscore it credits, not a library of the page.
        assert!(
            from_banner("/** @license Lodash lodash.com/license | Underscore.js 1.8.3 */")
                .is_none()
        );
        assert!(from_banner("/* my app v1.0.0 */").is_none());
    }

    #[test]
    fn advisories_follow_the_version_ranges() {
        let jq = |v: &str| Detected {
            library: &LIBRARIES[0],
            version: v.to_owned(),
            source: "url",
        };
        assert_eq!(names(&jq("3.4.1")), ["CVE-2020-11023", "CVE-2020-11022"]);
        assert!(names(&jq("3.5.0")).is_empty());
        assert!(names(&jq("1.8.3")).contains(&"CVE-2012-6708"));
        assert!(names(&jq("3.0.0-rc.1")).contains(&"CVE-2016-10707"));
        assert!(!names(&jq("3.0.0")).contains(&"CVE-2016-10707"));
        assert!(names(&jq("not a version")).is_empty());
    }

    #[test]
    fn versions_compare_like_retire_js() {
        let v = |s| parse_version(s).unwrap();
        assert!(v("3.0.0-beta1") < v("3.0.0"));
        assert!(v("1.9.0b1") < v("1.9.0"));
        assert!(v("1.12") < v("1.12.1"));
        assert_eq!(v("v2.2"), v("2.2.0"));
        assert!(parse_version("latest").is_none());
    }
}
