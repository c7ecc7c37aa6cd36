//! SEO checks beyond Lighthouse's: social previews (Open Graph and Twitter cards), JSON-LD
//! structured data that parses and names its vocabulary and type, and `/llms.txt` (Lighthouse
//! 13's agentic-browsing audit).

use serde_json::Value;

use super::super::{Check, FixText, Refs, Rule};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, css_path, shorten};
use crate::report::{Category, Evidence, Severity};
use crate::sel;

/// Open Graph properties a link preview needs.
pub const OPEN_GRAPH_REQUIRED: &[&str] = &["og:title", "og:description", "og:image"];
/// Shortest useful llms.txt (Lighthouse's threshold).
pub const LLMS_TXT_MIN_CHARS: usize = 50;

fn meta_value<'a>(page: &'a Page, key: &str) -> Option<&'a str> {
    page.select(sel!("meta[content]"))
        .find(|m| {
            m.attribute("property")
                .or_else(|| m.attribute("name"))
                .is_some_and(|k| k.trim().eq_ignore_ascii_case(key))
        })
        .and_then(|m| m.attribute("content"))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn social_previews(page: &Page) -> Check {
    let mut failures: Vec<Evidence> = OPEN_GRAPH_REQUIRED
        .iter()
        .filter(|key| meta_value(page, key).is_none())
        .map(|key| Evidence {
            detail: Some(format!(
                "no <meta property=\"{key}\">: shared links show no proper preview"
            )),
            ..Evidence::default()
        })
        .collect();
    if meta_value(page, "twitter:card").is_none() {
        failures.push(Evidence {
            detail: Some("no <meta name=\"twitter:card\">: X/Twitter shows a plain link".into()),
            ..Evidence::default()
        });
    }
    Check::from_failures(failures)
}

fn has_context_and_type(value: &Value) -> bool {
    match value {
        Value::Array(items) => !items.is_empty() && items.iter().all(has_context_and_type),
        Value::Object(map) => {
            if let Some(graph) = map.get("@graph") {
                return map.contains_key("@context")
                    && graph
                        .as_array()
                        .is_some_and(|g| g.iter().all(|n| n.get("@type").is_some()));
            }
            map.contains_key("@context") && map.contains_key("@type")
        }
        _ => false,
    }
}

fn structured_data(page: &Page) -> Check {
    let blocks: Vec<_> = page
        .select(sel!("script[type]"))
        .filter(|s| {
            s.attribute("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        })
        .collect();
    if blocks.is_empty() {
        return Check::not_applicable("the page has no JSON-LD structured data");
    }
    let failures = blocks
        .into_iter()
        .filter_map(|script| {
            let text: String = script.text().collect();
            let problem = match serde_json::from_str::<Value>(text.trim()) {
                Err(e) => format!("the JSON-LD does not parse: {e}"),
                Ok(value) if !has_context_and_type(&value) => {
                    "the JSON-LD lacks @context or @type, so search engines cannot read it".into()
                }
                Ok(_) => return None,
            };
            Some(Evidence {
                selector: Some(css_path(script)),
                snippet: Some(shorten(text.trim(), 120)),
                detail: Some(problem),
                ..Evidence::default()
            })
        })
        .collect();
    Check::from_failures(failures)
}

fn llms_txt(page: &Page) -> Check {
    let Some(probe) = &page.origin.llms_txt else {
        return Check::not_applicable("llms.txt was not fetched");
    };
    let url = probe.url.as_ref().map(|u| u.to_string());
    let fail = |detail: &str| {
        Check::fail(Evidence {
            url: url.clone(),
            detail: Some(detail.to_owned()),
            ..Evidence::default()
        })
    };
    match probe.status {
        Some(s) if s >= 500 => return fail("/llms.txt answers a server error"),
        Some(200..=299) => {}
        _ => return Check::not_applicable("the site has no /llms.txt"),
    }
    let text = probe.text.trim();
    if text.chars().count() < LLMS_TXT_MIN_CHARS {
        return fail("/llms.txt is shorter than 50 characters");
    }
    if !text.lines().any(|l| l.starts_with("# ")) {
        return fail("/llms.txt has no `# Title` heading");
    }
    let has_link = text.find("](").is_some_and(|i| text[..i].contains('['));
    if !has_link {
        return fail("/llms.txt has no Markdown link to the site's content");
    }
    Check::pass()
}

/// The extra SEO rules.
pub static RULES: &[Rule] = &[
    Rule {
        id: "seo.social-previews",
        category: Category::Seo,
        title: "Links get a rich preview when shared",
        description: "Open Graph (og:title, og:description, og:image) and a twitter:card tell \
                      social networks and chat apps what to show when the page is shared.",
        severity: Severity::Minor,
        weight: 0.5,
        penalty: 0,
        fix: FixText {
            summary: "Add Open Graph and Twitter card meta tags.",
            steps: &[
                "Add <meta property=\"og:title\">, og:description and og:image (1200×630 works everywhere).",
                "Add <meta name=\"twitter:card\" content=\"summary_large_image\">.",
            ],
            minutes: 10,
        },
        refs: Refs::NONE,
        check: social_previews,
    },
    Rule {
        id: "seo.structured-data",
        category: Category::Seo,
        title: "Structured data is valid JSON-LD",
        description: "JSON-LD blocks must parse and name their vocabulary (@context) and type \
                      (@type); otherwise search engines ignore them and the page loses rich \
                      results.",
        severity: Severity::Minor,
        weight: 0.5,
        penalty: 0,
        fix: FixText {
            summary: "Fix the JSON-LD so it parses and has @context and @type.",
            steps: &[
                "Validate the block with a JSON linter (trailing commas and unescaped quotes are common).",
                "Start each item with \"@context\": \"https://schema.org\" and an \"@type\".",
            ],
            minutes: 15,
        },
        refs: Refs::lighthouse("structured-data"),
        check: structured_data,
    },
    Rule {
        id: "seo.llms-txt",
        category: Category::Seo,
        title: "llms.txt is useful",
        description: "When a site publishes /llms.txt it should be a Markdown summary with a \
                      `# Title` heading and links to the main content (Lighthouse's llms-txt \
                      audit); a missing file is not a problem.",
        severity: Severity::Info,
        weight: 0.5,
        penalty: 0,
        fix: FixText {
            summary: "Make /llms.txt a short Markdown guide to the site.",
            steps: &[
                "Start with `# Site name` and one paragraph about the site.",
                "List the important pages as Markdown links with a line each.",
            ],
            minutes: 20,
        },
        refs: Refs::lighthouse("llms-txt"),
        check: llms_txt,
    },
];

#[cfg(test)]
mod tests {
    use crate::engine::page::{OriginFacts, Probe};
    use crate::engine::rules::testing::{check, outcome, page};
    use crate::report::Outcome;
    use std::sync::Arc;

    #[test]
    fn social_previews_table() {
        let full = r#"<meta property="og:title" content="T"><meta property="og:description" content="D">
                      <meta property="og:image" content="https://x/i.png"><meta name="twitter:card" content="summary">"#;
        assert_eq!(outcome("seo.social-previews", full), Outcome::Pass);
        let c = check(
            "seo.social-previews",
            &page(r#"<meta property="og:title" content="T">"#),
        );
        assert_eq!(c.failures.len(), 3);
    }

    #[test]
    fn structured_data_table() {
        let id = "seo.structured-data";
        assert_eq!(outcome(id, "<p>x"), Outcome::NotApplicable);
        let good = r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"Bakery","name":"H"}</script>"#;
        assert_eq!(outcome(id, good), Outcome::Pass);
        let graph = r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite"}]}</script>"#;
        assert_eq!(outcome(id, graph), Outcome::Pass);
        let broken = r#"<script id="b" type="application/ld+json">{"@context": "https://schema.org", }</script>
                        <script id="n" type="application/ld+json">{"name": "no type"}</script>"#;
        let c = check(id, &page(broken));
        assert_eq!(c.failures.len(), 2);
        assert!(
            c.failures[0]
                .detail
                .as_ref()
                .unwrap()
                .contains("does not parse")
        );
    }

    #[test]
    fn llms_txt_table() {
        let with = |status: u16, text: &str| {
            let mut p = page("<p>x");
            p.origin = Arc::new(OriginFacts {
                llms_txt: Some(Probe {
                    status: Some(status),
                    text: text.into(),
                    ..Probe::default()
                }),
                ..OriginFacts::default()
            });
            check("seo.llms-txt", &p).outcome
        };
        let good =
            "# Harbour Lights\n\nA bakery.\n\n- [Menu](https://site.example/menu): what we bake\n";
        assert_eq!(with(200, good), Outcome::Pass);
        assert_eq!(with(404, ""), Outcome::NotApplicable);
        assert_eq!(with(500, ""), Outcome::Fail);
        assert_eq!(with(200, "# Short"), Outcome::Fail);
        assert_eq!(
            with(200, &"no heading and no link ".repeat(5)),
            Outcome::Fail
        );
        assert_eq!(outcome("seo.llms-txt", "<p>x"), Outcome::NotApplicable);
    }
}
