//! Best-practice rules: a standards-mode doctype, a declared charset, HTTPS everywhere,
//! current HTML, safe and usable forms, a document that decodes cleanly, subresources that
//! load, an icon, and images drawn at their own aspect ratio. Lighthouse's best-practices
//! category also counts console errors, deprecations and permission prompts, which need a
//! browser; broken subresources are the static part of "errors in the console".

use std::sync::LazyLock;

use ego_tree::NodeId;
use encoding_rs::Encoding;
use scraper::{ElementRef, Node};
use url::Url;

use super::{Check, FixText, Refs, Rule, element_evidence, js_libraries};
use crate::engine::page::decode::{header_charset, meta_charset};
use crate::engine::page::dom::{Attribute, ancestors_inclusive, is_hidden};
use crate::engine::page::index::IndexedSelector;
use crate::engine::page::{Page, ResourceKind, Served, Subresource};
use crate::report::wording::plural;
use crate::report::{Category, Evidence, Severity};
use crate::sel;

/// Largest relative difference between an image's declared and natural aspect ratios
/// (Lighthouse's image-aspect-ratio threshold).
pub const ASPECT_RATIO_TOLERANCE: f64 = 0.05;

fn doctype(page: &Page) -> Check {
    if page.content_type.as_deref() == Some("application/xhtml+xml") {
        return Check::not_applicable("XHTML documents have no HTML doctype");
    }
    let found = page
        .dom
        .tree
        .root()
        .children()
        .find_map(|n| match n.value() {
            Node::Doctype(d) => Some(d),
            _ => None,
        });
    let problem = match found {
        None => Some(
            "the document has no <!DOCTYPE html>: browsers render it in quirks mode".to_owned(),
        ),
        Some(d) if !d.name().eq_ignore_ascii_case("html") => {
            Some(format!("the doctype name is `{}`, not `html`", d.name()))
        }
        Some(d) if !d.public_id().is_empty() => Some(format!(
            "the doctype has a public identifier (`{}`), which selects a legacy rendering mode",
            d.public_id()
        )),
        Some(d) if !d.system_id().is_empty() => Some(format!(
            "the doctype has a system identifier (`{}`), which selects a legacy rendering mode",
            d.system_id()
        )),
        Some(_) => None,
    };
    match problem {
        Some(detail) => Check::fail(Evidence {
            url: Some(page.final_url.to_string()),
            detail: Some(detail),
            ..Evidence::default()
        }),
        None => Check::pass(),
    }
}

fn charset(page: &Page) -> Check {
    let header = page.header("content-type").and_then(header_charset);
    let bom = Encoding::for_bom(&page.raw).is_some();
    let meta = meta_charset(&page.raw);
    if header.is_some() || bom || meta.is_some() {
        return Check::pass();
    }
    Check::fail(Evidence {
        url: Some(page.final_url.to_string()),
        detail: Some(
            "no charset in the Content-Type header, no byte-order mark, and no <meta charset> in \
             the first 1024 bytes"
                .into(),
        ),
        ..Evidence::default()
    })
}

fn is_local_host(url: &Url) -> bool {
    matches!(
        url.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
    )
}

fn insecure(url: &Url) -> bool {
    url.scheme() == "http" && !is_local_host(url)
}

fn is_on_https(page: &Page) -> Check {
    let mut failures = Vec::new();
    if page.served == Served::Remote && insecure(&page.final_url) {
        failures.push(Evidence {
            url: Some(page.final_url.to_string()),
            detail: Some("the page itself is served over plain HTTP".into()),
            ..Evidence::default()
        });
    }
    for s in &page.subresources {
        if insecure(&s.reference.url) {
            failures.push(Evidence {
                selector: Some(s.reference.selector.clone()),
                url: Some(s.reference.url.to_string()),
                detail: Some(format!(
                    "{} loaded over plain HTTP",
                    s.reference.kind.as_str()
                )),
                ..Evidence::default()
            });
        }
    }
    Check::from_failures(failures)
}

/// Elements the HTML standard lists as obsolete.
pub const OBSOLETE_ELEMENTS: &[&str] = &[
    "acronym",
    "applet",
    "basefont",
    "bgsound",
    "big",
    "blink",
    "center",
    "dir",
    "font",
    "frame",
    "frameset",
    "isindex",
    "keygen",
    "listing",
    "marquee",
    "menuitem",
    "multicol",
    "nextid",
    "nobr",
    "noembed",
    "noframes",
    "plaintext",
    "rb",
    "rtc",
    "spacer",
    "strike",
    "tt",
    "xmp",
];

/// Presentational attributes the HTML standard lists as obsolete, with the elements they are
/// obsolete on (`*` = any).
pub const OBSOLETE_ATTRIBUTES: &[(&str, &[&str])] = &[
    (
        "align",
        &[
            "caption", "col", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "iframe", "img",
            "input", "legend", "p", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        ],
    ),
    ("bgcolor", &["*"]),
    (
        "background",
        &["body", "table", "td", "th", "thead", "tbody", "tfoot", "tr"],
    ),
    ("border", &["img", "object"]),
    ("cellpadding", &["table"]),
    ("cellspacing", &["table"]),
    (
        "valign",
        &["col", "tbody", "td", "tfoot", "th", "thead", "tr"],
    ),
    ("hspace", &["img", "iframe", "object"]),
    ("vspace", &["img", "iframe", "object"]),
    ("link", &["body"]),
    ("vlink", &["body"]),
    ("alink", &["body"]),
    ("text", &["body"]),
    ("marginheight", &["body", "iframe"]),
    ("marginwidth", &["body", "iframe"]),
    ("frameborder", &["iframe"]),
    ("scrolling", &["iframe"]),
    ("nowrap", &["td", "th"]),
    ("clear", &["br"]),
    ("noshade", &["hr"]),
];

/// Every obsolete element and every element with an attribute of an obsolete name (whatever
/// the element): the candidates [`obsolete_markup`] tests, found through the page's index.
/// The parser gives namespaces only to `xlink:`, `xml:` and `xmlns` attributes, none of them
/// with an obsolete name, so `[align]` misses no attribute the exact test counts.
static OBSOLETE_CANDIDATES: LazyLock<IndexedSelector> = LazyLock::new(|| {
    let alternatives: Vec<String> = OBSOLETE_ELEMENTS
        .iter()
        .map(|name| (*name).to_owned())
        .chain(
            OBSOLETE_ATTRIBUTES
                .iter()
                .map(|(name, _)| format!("[{name}]")),
        )
        .collect();
    IndexedSelector::new(&alternatives.join(", "))
});

/// Why the element is obsolete markup: an obsolete element, or obsolete presentational
/// attributes for its kind of element (listed in the order the element has them).
fn obsolete_markup(el: ElementRef<'_>) -> Option<String> {
    let name = el.value().name();
    if OBSOLETE_ELEMENTS.contains(&name) {
        return Some(format!("<{name}> is obsolete in HTML"));
    }
    // One pass over the element's own attributes (most elements have one or two), rather
    // than a lookup per obsolete attribute.
    let mut listed = String::new();
    let mut count = 0;
    for (attr, _) in el.value().attrs() {
        let obsolete = OBSOLETE_ATTRIBUTES
            .iter()
            .find(|(obsolete, on)| *obsolete == attr && (on.contains(&"*") || on.contains(&name)));
        if let Some((obsolete, _)) = obsolete {
            if !listed.is_empty() {
                listed.push_str(", ");
            }
            listed.push_str(obsolete);
            count += 1;
        }
    }
    (count > 0).then(|| {
        format!(
            "obsolete presentational {} on <{name}>: {listed}",
            plural(count, "attribute", "attributes")
        )
    })
}

/// `best-practices.deprecated-markup`: obsolete elements and presentational attributes, in
/// document order. Only candidates from the index are tested, and the document is walked
/// (for its order) only when there are any, up to the last one.
fn deprecated_markup(page: &Page) -> Check {
    let mut candidates: Vec<NodeId> = page
        .select(&OBSOLETE_CANDIDATES)
        .map(|el| el.id())
        .collect();
    if candidates.is_empty() {
        return Check::from_failures(Vec::new());
    }
    candidates.sort_unstable();
    let mut remaining = candidates.len();
    let mut failures = Vec::new();
    for el in page.dom.root_element().descendent_elements() {
        if candidates.binary_search(&el.id()).is_err() {
            continue;
        }
        if let Some(why) = obsolete_markup(el) {
            failures.push(element_evidence(el, why));
        }
        remaining -= 1;
        if remaining == 0 {
            break;
        }
    }
    Check::from_failures(failures)
}

fn external_links_noopener(page: &Page) -> Check {
    let base = page.base_url();
    let mut any = false;
    let failures = page
        .select(sel!("a[target][href], area[target][href]"))
        .filter(|a| {
            a.attribute("target")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("_blank"))
        })
        .filter(|a| {
            let url = a.attribute("href").and_then(|h| base.join(h.trim()).ok());
            let cross = url.is_some_and(|u| {
                matches!(u.scheme(), "http" | "https") && u.origin() != page.final_url.origin()
            });
            any |= cross;
            cross
        })
        .filter(|a| {
            let rel = a.attribute("rel").unwrap_or("").to_ascii_lowercase();
            !rel.split_ascii_whitespace()
                .any(|t| t == "noopener" || t == "noreferrer")
        })
        .map(|a| {
            element_evidence(
                a,
                "opens another site in a new tab without rel=\"noopener\"",
            )
        })
        .collect();
    if !any {
        return Check::not_applicable("no link opens another site in a new tab");
    }
    Check::from_failures(failures)
}

fn password_autocomplete(page: &Page) -> Check {
    let passwords: Vec<ElementRef<'_>> = page
        .select(sel!("input[type]"))
        .filter(|i| {
            i.attribute("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("password"))
        })
        .collect();
    if passwords.is_empty() {
        return Check::not_applicable("the page has no password field");
    }
    let off = |v: Option<&str>| v.is_some_and(|v| v.trim().eq_ignore_ascii_case("off"));
    let failures = passwords
        .into_iter()
        .filter(|input| {
            let own = input.attribute("autocomplete");
            let form = ancestors_inclusive(*input)
                .find(|e| e.value().name() == "form")
                .and_then(|f| f.attribute("autocomplete"));
            off(own) || (own.is_none() && off(form))
        })
        .map(|input| {
            element_evidence(
                input,
                "autocomplete=\"off\" stops password managers from filling and saving the password",
            )
        })
        .collect();
    Check::from_failures(failures)
}

fn blocks_paste(handler: &str) -> bool {
    let h = handler
        .to_ascii_lowercase()
        .replace(char::is_whitespace, "");
    h.contains("returnfalse") || h.contains("preventdefault") || h == "false"
}

fn paste_preventing_inputs(page: &Page) -> Check {
    let fields: Vec<ElementRef<'_>> = page
        .select(sel!("input, textarea"))
        .filter(|f| {
            let kind = f
                .attribute("type")
                .unwrap_or("text")
                .trim()
                .to_ascii_lowercase();
            !matches!(
                kind.as_str(),
                "hidden"
                    | "submit"
                    | "button"
                    | "reset"
                    | "image"
                    | "checkbox"
                    | "radio"
                    | "file"
                    | "range"
                    | "color"
            )
        })
        .collect();
    if fields.is_empty() {
        return Check::not_applicable("the page has no text fields");
    }
    let failures = fields
        .into_iter()
        .filter_map(|field| {
            let blocker = ancestors_inclusive(field)
                .find(|e| e.attribute("onpaste").is_some_and(blocks_paste))?;
            let detail = if blocker.id() == field.id() {
                "an inline onpaste handler cancels pasting".to_owned()
            } else {
                format!(
                    "an onpaste handler on <{}> cancels pasting",
                    blocker.value().name()
                )
            };
            Some(element_evidence(field, detail))
        })
        .collect();
    Check::from_failures(failures)
}

fn valid_encoding(page: &Page) -> Check {
    let d = &page.decoding;
    let mut failures = Vec::new();
    if let Some(label) = &d.unknown_label {
        failures.push(Evidence {
            url: Some(page.final_url.to_string()),
            detail: Some(format!(
                "the declared charset `{label}` is not a known encoding"
            )),
            ..Evidence::default()
        });
    }
    if d.had_errors {
        failures.push(Evidence {
            url: Some(page.final_url.to_string()),
            detail: Some(format!(
                "the document has bytes that are not valid {}; browsers show them as \u{fffd}",
                d.encoding
            )),
            ..Evidence::default()
        });
    }
    Check::from_failures(failures)
}

fn broken_subresources(page: &Page) -> Check {
    if page.subresources.is_empty() {
        return Check::not_applicable("the page loads no subresources");
    }
    let failures = page
        .subresources
        .iter()
        .filter(|s| s.is_broken())
        .map(|s| Evidence {
            selector: Some(s.reference.selector.clone()),
            url: Some(s.reference.url.to_string()),
            value: s.status.map(f64::from),
            detail: Some(match (s.status, &s.error) {
                (Some(status), _) => format!("{} answers HTTP {status}", s.reference.kind.as_str()),
                (None, Some(e)) => format!("{} cannot be loaded: {e}", s.reference.kind.as_str()),
                (None, None) => format!("{} cannot be loaded", s.reference.kind.as_str()),
            }),
            ..Evidence::default()
        })
        .collect();
    Check::from_failures(failures)
}

fn loads(s: &Subresource) -> bool {
    s.status.is_some_and(|st| (200..300).contains(&st))
}

fn favicon(page: &Page) -> Check {
    let declared: Vec<&Subresource> = page
        .subresources
        .iter()
        .filter(|s| s.reference.kind == ResourceKind::Icon)
        .collect();
    if declared.iter().any(|s| loads(s)) {
        return Check::pass();
    }
    if let Some(broken) = declared.first() {
        return Check::fail(Evidence {
            selector: Some(broken.reference.selector.clone()),
            url: Some(broken.reference.url.to_string()),
            detail: Some("the declared icon does not load".into()),
            ..Evidence::default()
        });
    }
    match &page.origin.favicon {
        Some(probe) if probe.ok() => Check::pass(),
        Some(_) => Check::fail(Evidence {
            url: page
                .final_url
                .join("/favicon.ico")
                .ok()
                .map(|u| u.to_string()),
            detail: Some(
                "no <link rel=icon>, and /favicon.ico, which browsers request instead, is missing"
                    .into(),
            ),
            ..Evidence::default()
        }),
        None => Check::not_applicable("no icon is declared and /favicon.ico was not checked"),
    }
}

fn dimension(value: Option<&str>) -> Option<f64> {
    let v = value?.trim();
    let digits = v.strip_suffix("px").unwrap_or(v);
    digits.parse::<f64>().ok().filter(|n| *n > 0.0)
}

fn image_aspect_ratio(page: &Page) -> Check {
    let base = page.base_url();
    let mut any = false;
    let mut failures = Vec::new();
    for img in page.select(sel!("img[src][width][height]")) {
        if is_hidden(img) {
            continue;
        }
        let (Some(w), Some(h)) = (
            dimension(img.attribute("width")),
            dimension(img.attribute("height")),
        ) else {
            continue;
        };
        let Some(url) = img.attribute("src").and_then(|s| base.join(s.trim()).ok()) else {
            continue;
        };
        let Some((nw, nh)) = page
            .subresources
            .iter()
            .find(|s| s.reference.url == url)
            .and_then(|s| s.dimensions)
        else {
            continue;
        };
        if nw == 0 || nh == 0 || url.path().to_ascii_lowercase().ends_with(".svg") {
            continue;
        }
        any = true;
        let (declared, natural) = (w / h, f64::from(nw) / f64::from(nh));
        if (declared - natural).abs() / natural > ASPECT_RATIO_TOLERANCE {
            failures.push(Evidence {
                url: Some(url.to_string()),
                ..element_evidence(
                    img,
                    format!("drawn at {w}×{h} (ratio {declared:.2}) but the image is {nw}×{nh} (ratio {natural:.2}): it is distorted"),
                )
            });
        }
    }
    if !any {
        return Check::not_applicable("no image with width, height and a readable file size");
    }
    Check::from_failures(failures)
}

/// The best-practices rules.
pub static RULES: &[Rule] = &[
    Rule {
        id: "best-practices.doctype",
        category: Category::BestPractices,
        title: "Page has an HTML5 doctype",
        description: "Without `<!DOCTYPE html>` (or with a legacy public or system identifier) \
                      browsers render the page in quirks or limited-quirks mode, where layout \
                      follows old, inconsistent rules.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Start the document with `<!DOCTYPE html>`.",
            steps: &[
                "Put `<!DOCTYPE html>` on the very first line, before <html> and before any comment.",
                "Remove public and system identifiers (HTML 4 and XHTML 1 doctypes).",
            ],
            minutes: 5,
        },
        refs: Refs::lighthouse("doctype"),
        check: doctype,
    },
    Rule {
        id: "best-practices.charset",
        category: Category::BestPractices,
        title: "Character encoding is declared",
        description: "The charset must be declared in the Content-Type header, by a byte-order \
                      mark, or by `<meta charset>` within the first 1024 bytes; otherwise \
                      browsers guess, and text can turn into mojibake.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Declare UTF-8 early.",
            steps: &[
                "Add `<meta charset=\"utf-8\">` as the first element of <head>.",
                "Or send `Content-Type: text/html; charset=utf-8` from the server.",
            ],
            minutes: 5,
        },
        refs: Refs::lighthouse("charset"),
        check: charset,
    },
    Rule {
        id: "best-practices.is-on-https",
        category: Category::BestPractices,
        title: "Page and its resources use HTTPS",
        description: "Pages and subresources over plain HTTP can be read and changed by anyone on \
                      the network; browsers mark such pages \"Not secure\" and block some mixed \
                      content.",
        severity: Severity::Major,
        weight: 5.0,
        penalty: 0,
        fix: FixText {
            summary: "Serve the site and everything it loads over HTTPS.",
            steps: &[
                "Get a certificate (for example from Let's Encrypt) and redirect HTTP to HTTPS.",
                "Change http:// URLs of scripts, stylesheets and images to https:// (or relative URLs).",
            ],
            minutes: 30,
        },
        refs: Refs::lighthouse("is-on-https"),
        check: is_on_https,
    },
    Rule {
        id: "best-practices.deprecated-elements",
        category: Category::BestPractices,
        title: "No obsolete HTML",
        description: "Obsolete elements (<font>, <center>, <marquee>, <frame>…) and \
                      presentational attributes (bgcolor, align, border…) are not part of \
                      current HTML; browsers may drop them and assistive technology handles them \
                      poorly. Style belongs in CSS.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Replace obsolete markup with semantic HTML and CSS.",
            steps: &[
                "Replace <font>, <center> and <big> with CSS on a suitable element.",
                "Move bgcolor, align, border and similar attributes into a stylesheet.",
                "Replace frames with normal pages or iframes.",
            ],
            minutes: 10,
        },
        refs: Refs::NONE,
        check: deprecated_markup,
    },
    Rule {
        id: "best-practices.external-links-noopener",
        category: Category::BestPractices,
        title: "New-tab links to other sites use rel=noopener",
        description: "A link with target=\"_blank\" to another site lets that site reach this \
                      page through window.opener in old browsers (tab-nabbing). Current browsers \
                      imply noopener, so this only protects visitors on old browsers.",
        severity: Severity::Info,
        weight: 0.5,
        penalty: 0,
        fix: FixText {
            summary: "Add rel=\"noopener\" to links that open other sites in a new tab.",
            steps: &[
                "Add `rel=\"noopener\"` (or `rel=\"noopener noreferrer\"`) to each listed link.",
            ],
            minutes: 2,
        },
        refs: Refs::NONE,
        check: external_links_noopener,
    },
    Rule {
        id: "best-practices.password-autocomplete",
        category: Category::BestPractices,
        title: "Password fields allow password managers",
        description: "autocomplete=\"off\" on a password field (or its form) asks browsers and \
                      password managers not to fill or save it, which pushes people towards weak, \
                      reused passwords.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Remove autocomplete=\"off\" and use the right autocomplete token.",
            steps: &[
                "Use autocomplete=\"current-password\" on login forms.",
                "Use autocomplete=\"new-password\" on sign-up and change-password forms.",
            ],
            minutes: 5,
        },
        refs: Refs::NONE,
        check: password_autocomplete,
    },
    Rule {
        id: "best-practices.paste-preventing-inputs",
        category: Category::BestPractices,
        title: "Fields allow pasting",
        description: "Fields that cancel pasting stop people from using password managers and \
                      copying long values. Only inline onpaste handlers are visible to a static \
                      check; listeners added by scripts are not.",
        severity: Severity::Minor,
        weight: 3.0,
        penalty: 0,
        fix: FixText {
            summary: "Let people paste into every field.",
            steps: &["Remove onpaste handlers that return false or call preventDefault()."],
            minutes: 5,
        },
        refs: Refs::lighthouse("paste-preventing-inputs"),
        check: paste_preventing_inputs,
    },
    Rule {
        id: "best-practices.valid-encoding",
        category: Category::BestPractices,
        title: "Document decodes cleanly",
        description: "The bytes of the document must be valid in the charset it declares (or \
                      UTF-8 when it declares none), and the declared charset must exist; \
                      otherwise text shows replacement characters.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Save the document in the charset it declares (UTF-8).",
            steps: &[
                "Re-save templates and content as UTF-8.",
                "Declare `charset=utf-8` in the Content-Type header or <meta charset>.",
                "Check database connections and feeds for text in another encoding.",
            ],
            minutes: 30,
        },
        refs: Refs::NONE,
        check: valid_encoding,
    },
    Rule {
        id: "best-practices.broken-subresources",
        category: Category::BestPractices,
        title: "Subresources load",
        description: "Stylesheets, scripts, images, icons and preloads that answer 4xx/5xx or \
                      cannot be fetched break the page and log errors in the browser console \
                      (the static part of Lighthouse's errors-in-console).",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Fix or remove references to resources that do not load.",
            steps: &[
                "Correct the URL, or restore the missing file.",
                "Remove references to resources the page no longer needs.",
            ],
            minutes: 10,
        },
        refs: Refs::lighthouse("errors-in-console"),
        check: broken_subresources,
    },
    Rule {
        id: "best-practices.favicon",
        category: Category::BestPractices,
        title: "Site has an icon",
        description: "Browsers show the icon in tabs, bookmarks and history. A declared icon that \
                      does not load, or a missing /favicon.ico when none is declared, costs an \
                      error request on every page view.",
        severity: Severity::Minor,
        weight: 0.5,
        penalty: 0,
        fix: FixText {
            summary: "Declare an icon that loads.",
            steps: &[
                "Add `<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">` (or a PNG).",
                "Or serve /favicon.ico at the site root.",
            ],
            minutes: 10,
        },
        refs: Refs::NONE,
        check: favicon,
    },
    Rule {
        id: "best-practices.image-aspect-ratio",
        category: Category::BestPractices,
        title: "Images keep their aspect ratio",
        description: "An image whose width and height attributes have a different aspect ratio \
                      from the file is drawn stretched or squashed. Checked where the attributes \
                      and the file's own size are known (SVG is skipped).",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Make width and height match the image's proportions.",
            steps: &[
                "Set width and height to the file's intrinsic size (or the same ratio).",
                "Crop or re-export the image if it should be displayed at another ratio.",
            ],
            minutes: 5,
        },
        refs: Refs::lighthouse("image-aspect-ratio"),
        check: image_aspect_ratio,
    },
    Rule {
        id: "best-practices.vulnerable-libraries",
        category: Category::BestPractices,
        title: "No JavaScript library with known vulnerabilities",
        description: "Old versions of popular libraries (jQuery, jQuery UI, Bootstrap, AngularJS, \
                      Lodash, Moment, Handlebars, Underscore, DOMPurify, Vue) have published \
                      vulnerabilities, often cross-site scripting, that attackers scan for. \
                      The library and version are read from the script URL or its banner \
                      comment and checked against a snapshot of retire.js's advisories.",
        severity: Severity::Major,
        weight: 3.0,
        penalty: 0,
        fix: FixText {
            summary: "Upgrade each flagged library to at least the version named in the finding.",
            steps: &[
                "Update the library in your package manager or change the CDN URL to the fixed version.",
                "Read the library's upgrade notes: major versions (jQuery 1→3, Bootstrap 3→5) change APIs.",
                "Where the library is no longer maintained (AngularJS, Vue 2), plan a migration.",
            ],
            minutes: 60,
        },
        refs: Refs::lighthouse("no-vulnerable-libraries"),
        check: vulnerable_libraries,
    },
];

/// Scripts whose library and version (from the URL, else the banner comment of the body or of
/// the inline code) fall in a known advisory.
fn vulnerable_libraries(page: &Page) -> Check {
    let base = page.base_url();
    let mut recognised = 0;
    let mut failures = Vec::new();
    for script in page.select(sel!("script")) {
        let (detected, url) = match script.attribute("src") {
            Some(src) => {
                let Ok(url) = base.join(src.trim()) else {
                    continue;
                };
                let detected = js_libraries::from_url(&url).or_else(|| {
                    page.subresources
                        .iter()
                        .find(|s| s.reference.url == url && !s.sample.is_empty())
                        .and_then(|s| js_libraries::from_script_start(&s.sample))
                });
                (detected, Some(url))
            }
            None => {
                let mut text = String::new();
                for chunk in script.text() {
                    text.push_str(chunk);
                    if text.len() >= js_libraries::BANNER_BYTES {
                        break;
                    }
                }
                (js_libraries::from_script_start(text.as_bytes()), None)
            }
        };
        let Some(detected) = detected else {
            continue;
        };
        recognised += 1;
        let advisories = detected.advisories();
        if advisories.is_empty() {
            continue;
        }
        let mut list: Vec<String> = advisories
            .iter()
            .take(MAX_ADVISORIES_LISTED)
            .map(|a| format!("{} ({}: {})", a.id, a.severity, a.summary))
            .collect();
        if advisories.len() > MAX_ADVISORIES_LISTED {
            list.push(format!(
                "and {} more",
                advisories.len() - MAX_ADVISORIES_LISTED
            ));
        }
        let mut evidence = element_evidence(
            script,
            format!(
                "{} {} (recognised from its {}) has {} known vulnerabilit{}: {}; {}",
                detected.library.name,
                detected.version,
                detected.source,
                advisories.len(),
                if advisories.len() == 1 { "y" } else { "ies" },
                list.join("; "),
                js_libraries::upgrade_advice(&advisories),
            ),
        );
        evidence.url = url.map(|u| u.to_string());
        failures.push(evidence);
    }
    if recognised == 0 {
        return Check::not_applicable("no script is a library webaudit recognises");
    }
    Check::from_failures(failures)
}

/// Advisories named in one finding's detail; the rest are counted.
const MAX_ADVISORIES_LISTED: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::{OriginFacts, Probe, ResourceRef};
    use crate::engine::rules::testing::{check, failing, outcome, page};
    use crate::report::Outcome;
    use std::sync::Arc;

    /// `deprecated_markup` as first written: every element of the document tested in turn.
    fn deprecated_markup_walk(page: &Page) -> Check {
        let failures = page
            .dom
            .root_element()
            .descendent_elements()
            .filter_map(|el| obsolete_markup(el).map(|why| element_evidence(el, why)))
            .collect();
        Check::from_failures(failures)
    }

    /// The index finds the same obsolete markup in the same (document) order as a walk, also
    /// where the parser moves elements (foster parenting, misnested formatting, frameset).
    #[test]
    fn deprecated_markup_matches_a_walk() {
        for html in [
            "<p>clean</p>",
            "<center>a</center><p align=left>b</p><font>c</font>",
            "<table><font color=red>moved</font><tr><td align=center nowrap>y</td></tr></table>",
            "<b><i>x</b><big>y</i></big><tt>z</tt>",
            "<body bgcolor=white link=blue text=black><hr noshade align=left><br clear=all>",
            "<body><p align=center></p><frameset><frame></frameset>",
            "<svg><font>f</font><g bgcolor=red/></svg><math><mi align=x>m</mi></math>",
            "<template><center>t</center></template><img border=0 hspace=1 align=left>",
            "<div ALIGN=right BgColor=red><CENTER>u</CENTER></div>",
        ] {
            let p = page(html);
            assert_eq!(deprecated_markup(&p), deprecated_markup_walk(&p), "{html}");
        }
    }

    fn sub(path: &str, kind: ResourceKind, status: Option<u16>) -> Subresource {
        Subresource {
            reference: ResourceRef {
                url: Url::parse("https://site.example/")
                    .unwrap()
                    .join(path)
                    .unwrap(),
                kind,
                selector: format!("{}[{path}]", kind.as_str()),
                in_head: false,
                render_blocking: false,
                integrity: None,
            },
            status,
            headers: Default::default(),
            content_type: None,
            content_encoding: None,
            transferred: 10,
            decoded: Some(10),
            truncated: false,
            sample: Default::default(),
            time_ms: 1.0,
            redirects: vec![],
            error: status.is_none().then(|| "connection refused".into()),
            dimensions: None,
        }
    }

    #[test]
    fn doctype_table() {
        let id = "best-practices.doctype";
        assert_eq!(outcome(id, "<!DOCTYPE html><p>x"), Outcome::Pass);
        assert_eq!(outcome(id, "<!doctype HTML><p>x"), Outcome::Pass);
        assert_eq!(outcome(id, "<p>x"), Outcome::Fail);
        assert_eq!(
            outcome(
                id,
                r#"<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><p>x"#
            ),
            Outcome::Fail
        );
        assert_eq!(outcome(id, "<!DOCTYPE svg><p>x"), Outcome::Fail);
        // A doctype after content is ignored by the parser.
        assert_eq!(outcome(id, "<p>x</p><!DOCTYPE html>"), Outcome::Fail);
    }

    #[test]
    fn charset_table() {
        let id = "best-practices.charset";
        let p = |html: &str, ct: &str| page(html).with_headers(&[("content-type", ct)]);
        assert_eq!(
            check(id, &p("<p>x", "text/html; charset=utf-8")).outcome,
            Outcome::Pass
        );
        assert_eq!(
            check(id, &p("<meta charset=utf-8><p>x", "text/html")).outcome,
            Outcome::Pass
        );
        assert_eq!(
            check(id, &p("\u{feff}<p>x", "text/html")).outcome,
            Outcome::Pass
        );
        assert_eq!(check(id, &p("<p>x", "text/html")).outcome, Outcome::Fail);
        let late = format!("{}<meta charset=utf-8>", "<!-- pad -->".repeat(100));
        assert_eq!(check(id, &p(&late, "text/html")).outcome, Outcome::Fail);
    }

    #[test]
    fn https_table() {
        let id = "best-practices.is-on-https";
        let mut p = page("<p>x");
        p.subresources = vec![
            sub("/ok.css", ResourceKind::Stylesheet, Some(200)),
            sub("http://cdn.example/lib.js", ResourceKind::Script, Some(200)),
            sub("http://localhost/dev.js", ResourceKind::Script, Some(200)),
        ];
        assert_eq!(failing(id, &p), ["script[http://cdn.example/lib.js]"]);
        let mut plain = crate::engine::page::Page::from_html("http://site.example/", "<p>x");
        assert_eq!(failing(id, &plain), ["http://site.example/"]);
        plain.served = Served::LocalDirectory;
        assert_eq!(check(id, &plain).outcome, Outcome::Pass);
    }

    #[test]
    fn deprecated_markup_table() {
        let p = page(
            r##"<body bgcolor="#fff"><center id="c">x</center><font id="f">y</font>
               <table id="t" cellpadding="2"><tr><td>1</td></tr></table><p id="ok" class="x">z</p>
               <div id="d" align="center">q</div><span align="left">left alone</span></body>"##,
        );
        assert_eq!(
            failing("best-practices.deprecated-elements", &p),
            ["body", "center#c", "font#f", "table#t", "div#d"]
        );
        assert_eq!(
            outcome("best-practices.deprecated-elements", "<p>fine</p>"),
            Outcome::Pass
        );
    }

    #[test]
    fn noopener_table() {
        let id = "best-practices.external-links-noopener";
        let p = page(
            r#"<a id="a" href="https://other.example/" target="_blank">x</a>
               <a id="b" href="https://other.example/" target="_blank" rel="noopener">x</a>
               <a id="c" href="/local" target="_blank">x</a>
               <a id="d" href="https://other.example/" target="_BLANK" rel="nofollow noreferrer">x</a>"#,
        );
        assert_eq!(failing(id, &p), ["a#a"]);
        assert_eq!(
            outcome(id, r#"<a href="/x" target="_blank">x</a>"#),
            Outcome::NotApplicable
        );
    }

    #[test]
    fn password_and_paste_tables() {
        let p = page(
            r#"<form id="f" autocomplete="off"><input id="p1" type="password">
               <input id="p2" type="password" autocomplete="current-password"></form>
               <input id="p3" type="PASSWORD" autocomplete="off">
               <input id="p4" type="password">"#,
        );
        assert_eq!(
            failing("best-practices.password-autocomplete", &p),
            ["input#p1", "input#p3"]
        );
        assert_eq!(
            outcome("best-practices.password-autocomplete", "<input>"),
            Outcome::NotApplicable
        );

        let q = page(
            r#"<input id="a" onpaste="return false;"><input id="b" onpaste="event.preventDefault()">
               <input id="c" onpaste="log()"><form onpaste="return false"><textarea id="t"></textarea></form>
               <input id="h" type="hidden" onpaste="return false">"#,
        );
        assert_eq!(
            failing("best-practices.paste-preventing-inputs", &q),
            ["input#a", "input#b", "textarea#t"]
        );
        assert_eq!(
            outcome("best-practices.paste-preventing-inputs", "<p>x</p>"),
            Outcome::NotApplicable
        );
    }

    #[test]
    fn vulnerable_libraries_table() {
        let id = "best-practices.vulnerable-libraries";
        assert_eq!(
            outcome(id, "<script src=/app.js></script>"),
            Outcome::NotApplicable
        );
        assert_eq!(
            outcome(id, "<script src=/js/jquery-3.7.1.min.js></script>"),
            Outcome::Pass
        );
        let mut p = page(
            r#"<script id="a" src="https://code.jquery.com/jquery-1.12.4.min.js"></script>
               <script id="e" src="https://code.jquery.com/jquery-1.8.3.min.js"></script>
               <script id="b" src="/vendor/lib.js"></script>
               <script id="c">/*! Bootstrap v3.3.7 (http://getbootstrap.com) */</script>
               <script id="d" src="https://ajax.googleapis.com/ajax/libs/angularjs/1.8.3/angular.min.js"></script>"#,
        );
        let mut lib = sub("/vendor/lib.js", ResourceKind::Script, Some(200));
        lib.sample = bytes::Bytes::from_static(b"/*! jQuery UI - v1.12.1 - 2016-09-14 */");
        p.subresources = vec![lib];
        let result = check(id, &p);
        let details: Vec<&str> = result
            .failures
            .iter()
            .filter_map(|e| e.detail.as_deref())
            .collect();
        assert_eq!(details.len(), 5, "{details:#?}");
        assert!(
            details
                .iter()
                .any(|d| d.starts_with("jQuery 1.8.3") && d.contains("; and "))
        );
        assert!(details[0].starts_with("jQuery 1.12.4 (recognised from its url)"));
        assert!(details[0].contains("CVE-2020-11022"));
        assert!(details[0].contains("has 4 known vulnerabilities"));
        assert!(details[0].ends_with("; versions from 3.5.0 are free of these"));
        assert!(details[2].starts_with("jQuery UI 1.12.1 (recognised from its banner)"));
        assert!(details[3].starts_with("Bootstrap 3.3.7"));
        assert!(details[4].contains("no fixed version exists"));
        assert_eq!(
            result.failures[0].url.as_deref(),
            Some("https://code.jquery.com/jquery-1.12.4.min.js")
        );
    }

    #[test]
    fn encoding_table() {
        let id = "best-practices.valid-encoding";
        let mut p = page("<p>x");
        assert_eq!(check(id, &p).outcome, Outcome::Pass);
        p.decoding.had_errors = true;
        p.decoding.unknown_label = Some("klingon".into());
        assert_eq!(check(id, &p).failures.len(), 2);
    }

    #[test]
    fn subresource_and_icon_tables() {
        let mut p = page("<p>x");
        assert_eq!(
            check("best-practices.broken-subresources", &p).outcome,
            Outcome::NotApplicable
        );
        p.subresources = vec![
            sub("/a.css", ResourceKind::Stylesheet, Some(200)),
            sub("/gone.js", ResourceKind::Script, Some(404)),
            sub("/down.png", ResourceKind::Image, None),
        ];
        assert_eq!(
            failing("best-practices.broken-subresources", &p),
            ["script[/gone.js]", "image[/down.png]"]
        );

        let id = "best-practices.favicon";
        assert_eq!(check(id, &p).outcome, Outcome::NotApplicable);
        let probe = |status| Probe {
            status: Some(status),
            ..Probe::default()
        };
        p.origin = Arc::new(OriginFacts {
            favicon: Some(probe(404)),
            ..OriginFacts::default()
        });
        assert_eq!(failing(id, &p), ["https://site.example/favicon.ico"]);
        p.origin = Arc::new(OriginFacts {
            favicon: Some(probe(200)),
            ..OriginFacts::default()
        });
        assert_eq!(check(id, &p).outcome, Outcome::Pass);
        p.subresources
            .push(sub("/icon.png", ResourceKind::Icon, Some(404)));
        assert_eq!(failing(id, &p), ["icon[/icon.png]"]);
        p.subresources
            .push(sub("/icon2.png", ResourceKind::Icon, Some(200)));
        assert_eq!(check(id, &p).outcome, Outcome::Pass);
    }

    #[test]
    fn aspect_ratio_table() {
        let id = "best-practices.image-aspect-ratio";
        let mut p = page(
            r#"<img id="ok" src="/a.png" width="200" height="100">
               <img id="bad" src="/b.png" width="100" height="100">
               <img id="unknown" src="/c.png" width="10" height="99">
               <img id="vector" src="/d.svg" width="10" height="99">"#,
        );
        let mut a = sub("/a.png", ResourceKind::Image, Some(200));
        a.dimensions = Some((400, 200));
        let mut b = sub("/b.png", ResourceKind::Image, Some(200));
        b.dimensions = Some((300, 100));
        let mut d = sub("/d.svg", ResourceKind::Image, Some(200));
        d.dimensions = Some((1, 1));
        p.subresources = vec![a, b, sub("/c.png", ResourceKind::Image, Some(200)), d];
        assert_eq!(failing(id, &p), ["img#bad"]);
        assert_eq!(outcome(id, "<img src=x.png>"), Outcome::NotApplicable);
    }
}
