//! Cross-page rules: checks that need the whole crawl (broken internal links, redirect chains
//! and loops, duplicate titles, descriptions and content, canonical and hreflang targets,
//! orphans, sitemap entries, robots-blocked links, deep pages). They read only the compact
//! [`SiteFacts`]; each failure is attached to the page where it is found (or fixed).

use std::collections::HashSet;

use super::{FixText, Refs, RuleInfo};

use crate::engine::page::duplicates::Duplicates;
use crate::engine::page::site::{SiteFacts, UrlId, UrlState};
use crate::report::wording::counted;
use crate::report::{Category, Evidence, Severity};

/// Site rules whose findings are about URLs rather than audited pages: each failure names the
/// URL at fault as its page (a sitemap entry that answers 404 or redirects is no audited page;
/// it counts against the start page's scores). Recommendations count these as URLs. Every
/// other site rule attaches its failures to audited pages.
pub const URL_RULES: &[&str] = &["seo.sitemap-entries"];

/// Pages more than this many clicks from the start page are flagged as too deep.
pub const DEFAULT_DEEP_PAGE_CLICKS: u32 = 4;

/// The result of a site rule.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteCheck {
    /// The rule could not apply; why.
    NotApplicable(String),
    /// The rule applied to every audited page; these failed (page, evidence).
    Checked(Vec<(UrlId, Evidence)>),
}

/// A cross-page rule.
#[derive(Debug, Clone, Copy)]
pub struct SiteRule {
    /// Metadata.
    pub info: RuleInfo,
    /// The check.
    pub check: fn(&SiteFacts) -> SiteCheck,
}

fn ev(url: &str, detail: String) -> Evidence {
    Evidence {
        url: Some(url.to_owned()),
        detail: Some(detail),
        ..Evidence::default()
    }
}

/// What makes a fetched URL a broken target.
enum Broken<'a> {
    /// The request failed (or redirected in a loop).
    Failed { error: &'a str, redirect_loop: bool },
    /// It answered 4xx or 5xx.
    Status(u16),
}

fn broken(facts: &SiteFacts, id: UrlId) -> Option<Broken<'_>> {
    let f = facts.of(id)?;
    match f.state {
        UrlState::Failed => Some(Broken::Failed {
            error: facts.error(id).unwrap_or("no answer"),
            redirect_loop: f.redirect_loop,
        }),
        UrlState::Checked | UrlState::Page => f.status.filter(|s| *s >= 400).map(Broken::Status),
        UrlState::Skipped | UrlState::BlockedByRobots => None,
    }
}

fn is_error(facts: &SiteFacts, target: UrlId) -> Option<String> {
    match broken(facts, target)? {
        // Redirect loops are reported by seo.redirect-loops.
        Broken::Failed {
            redirect_loop: true,
            ..
        } => None,
        Broken::Failed { error, .. } => Some(format!("the request fails ({error})")),
        Broken::Status(s) => Some(format!("it answers HTTP {s}")),
    }
}

fn final_target(facts: &SiteFacts, id: UrlId) -> UrlId {
    facts.of(id).and_then(|f| f.redirected_to).unwrap_or(id)
}

fn broken_links(facts: &SiteFacts) -> SiteCheck {
    let mut failures = Vec::new();
    for (page, _, p) in facts.pages() {
        for target in facts.links(p) {
            let end = final_target(facts, target);
            if let Some(why) = is_error(facts, end) {
                failures.push((
                    page,
                    ev(
                        facts.url(target),
                        format!("links to {}, and {why}", facts.url(target)),
                    ),
                ));
            }
        }
    }
    SiteCheck::Checked(failures)
}

fn redirect_chains(facts: &SiteFacts) -> SiteCheck {
    let mut failures = Vec::new();
    for (page, _, p) in facts.pages() {
        for target in facts.links(p) {
            if let Some(f) = facts.of(target)
                && f.hops >= 2
                && !f.redirect_loop
            {
                let end = f.redirected_to.map(|e| facts.url(e)).unwrap_or("?");
                failures.push((
                    page,
                    ev(
                        facts.url(target),
                        format!(
                            "links to {}, which takes {} redirects to reach {end}",
                            facts.url(target),
                            f.hops
                        ),
                    ),
                ));
            }
        }
    }
    SiteCheck::Checked(failures)
}

fn redirect_loops(facts: &SiteFacts) -> SiteCheck {
    let mut failures = Vec::new();
    for (page, _, p) in facts.pages() {
        for target in facts.links(p) {
            if facts.of(target).is_some_and(|f| f.redirect_loop) {
                failures.push((
                    page,
                    ev(
                        facts.url(target),
                        format!("links to {}, which redirects in a loop", facts.url(target)),
                    ),
                ));
            }
        }
    }
    SiteCheck::Checked(failures)
}

/// Indexable pages sharing a text: each fails, naming up to three of the others.
fn duplicates(facts: &SiteFacts, pages: &Duplicates, what: &str) -> SiteCheck {
    if facts.indexable == 0 {
        return SiteCheck::NotApplicable("no indexable page was audited".into());
    }
    let mut failures = Vec::new();
    for group in pages.groups() {
        let mut ids = group.pages.clone();
        ids.sort_unstable();
        for &id in &ids {
            let others: Vec<&str> = ids
                .iter()
                .filter(|o| **o != id)
                .take(3)
                .map(|o| facts.url(*o))
                .collect();
            failures.push((
                id,
                Evidence {
                    snippet: Some(group.shown.clone()),
                    detail: Some(format!(
                        "same {what} as {}, e.g. {}",
                        counted(ids.len() - 1, "other page", "other pages"),
                        others.join(", ")
                    )),
                    url: Some(facts.url(id).to_owned()),
                    ..Evidence::default()
                },
            ));
        }
    }
    failures.sort_by_key(|(id, _)| *id);
    SiteCheck::Checked(failures)
}

fn duplicate_titles(facts: &SiteFacts) -> SiteCheck {
    duplicates(facts, &facts.titles, "title")
}

fn duplicate_descriptions(facts: &SiteFacts) -> SiteCheck {
    duplicates(facts, &facts.descriptions, "meta description")
}

fn duplicate_content(facts: &SiteFacts) -> SiteCheck {
    duplicates(facts, &facts.contents, "content")
}

fn canonical_targets(facts: &SiteFacts) -> SiteCheck {
    let mut failures = Vec::new();
    let mut any = false;
    for (page, _, p) in facts.pages() {
        let Some(canonical) = p.canonical.filter(|c| *c != page) else {
            continue;
        };
        any = true;
        let Some(target) = facts.of(canonical) else {
            continue;
        };
        let problem = if let Some(why) = is_error(facts, canonical) {
            Some(format!(
                "the canonical URL {} is missing: {why}",
                facts.url(canonical)
            ))
        } else if let Some(end) = target.redirected_to {
            Some(format!(
                "the canonical URL {} redirects to {}",
                facts.url(canonical),
                facts.url(end)
            ))
        } else if facts.page(target).is_some_and(|t| t.noindex) {
            Some(format!(
                "the canonical URL {} is marked noindex",
                facts.url(canonical)
            ))
        } else {
            None
        };
        if let Some(detail) = problem {
            failures.push((page, ev(facts.url(canonical), detail)));
        }
    }
    if !any {
        return SiteCheck::NotApplicable(
            "no page declares a canonical URL other than itself".into(),
        );
    }
    SiteCheck::Checked(failures)
}

/// What is wrong with an hreflang alternate that was fetched and cannot serve as one: it
/// answers an error (after its redirects, which are followed as a search engine does), its
/// request fails, or it redirects in a loop. `None` for a sound alternate, and for one the
/// crawl never fetched (beyond its limits or patterns, or blocked by robots.txt): nothing is
/// known of those.
fn broken_alternate(facts: &SiteFacts, target: UrlId) -> Option<String> {
    let f = facts.of(target)?;
    if f.redirect_loop {
        return Some("redirects in a loop".into());
    }
    let end = final_target(facts, target);
    let answer = match broken(facts, end)? {
        Broken::Failed { error, .. } => format!("cannot be fetched ({error})"),
        Broken::Status(s) => format!("answers HTTP {s}"),
    };
    Some(if end == target {
        answer
    } else {
        format!("redirects to {}, which {answer}", facts.url(end))
    })
}

fn hreflang_return_links(facts: &SiteFacts) -> SiteCheck {
    let mut failures = Vec::new();
    let mut any = false;
    for (page, _, p) in facts.pages() {
        for (lang, target) in &p.hreflang {
            if *target == page {
                continue;
            }
            // Every alternate must exist, `x-default` included.
            if let Some(why) = broken_alternate(facts, *target) {
                any = true;
                failures.push((
                    page,
                    ev(
                        facts.url(*target),
                        format!(
                            "the `{lang}` alternate {} {why}: point the hreflang link at the \
                             live page in that language, or remove it",
                            facts.url(*target)
                        ),
                    ),
                ));
                continue;
            }
            if lang.eq_ignore_ascii_case("x-default") {
                continue;
            }
            let Some(other) = facts.of(*target).and_then(|f| facts.page(f)) else {
                continue;
            };
            any = true;
            if !other.hreflang.iter().any(|(_, back)| *back == page) {
                failures.push((
                    page,
                    ev(
                        facts.url(*target),
                        format!(
                            "the `{lang}` alternate {} does not link back with hreflang",
                            facts.url(*target)
                        ),
                    ),
                ));
            }
        }
    }
    if !any {
        return SiteCheck::NotApplicable(
            "no audited page has hreflang alternates that the crawl fetched".into(),
        );
    }
    SiteCheck::Checked(failures)
}

fn orphan_pages(facts: &SiteFacts) -> SiteCheck {
    if facts.sitemap.is_empty() {
        return SiteCheck::NotApplicable("no sitemap lists pages of this site".into());
    }
    // Pages the crawl left out (page or depth limit, URL patterns) may link to an orphan: it
    // is still reported, since the crawl notes say how much was left out, but the detail says
    // that the claim rests on the pages crawled.
    let not_crawled = facts.not_visited();
    let detail = match not_crawled {
        0 => "listed in the sitemap, but no crawled page links to it".to_owned(),
        n => format!(
            "listed in the sitemap, but no crawled page links to it ({} not crawled and may \
             link to it)",
            counted(n, "same-site URL was", "same-site URLs were")
        ),
    };
    // A link to a URL that redirects to a page links to that page.
    let linked_through_redirects: HashSet<UrlId> = facts
        .iter()
        .filter(|(_, f)| f.linked)
        .filter_map(|(_, f)| f.redirected_to)
        .collect();
    let mut failures = Vec::new();
    for &id in &facts.sitemap {
        let Some(f) = facts.of(id).filter(|f| f.is_page()) else {
            continue;
        };
        if Some(id) != facts.start && !f.linked && !linked_through_redirects.contains(&id) {
            failures.push((id, ev(facts.url(id), detail.clone())));
        }
    }
    SiteCheck::Checked(failures)
}

fn sitemap_entries(facts: &SiteFacts) -> SiteCheck {
    if facts.sitemap.is_empty() {
        return SiteCheck::NotApplicable("no sitemap lists pages of this site".into());
    }
    let mut failures = Vec::new();
    for &id in &facts.sitemap {
        let Some(f) = facts.of(id) else { continue };
        let problem = match f.state {
            UrlState::Skipped | UrlState::BlockedByRobots => None,
            _ if f.redirected_to.is_some() => Some(format!(
                "redirects to {}",
                f.redirected_to.map(|e| facts.url(e)).unwrap_or("?")
            )),
            _ if f.status != Some(200) => Some(match f.status {
                Some(s) => format!("answers HTTP {s}"),
                None => format!(
                    "cannot be fetched ({})",
                    facts.error(id).unwrap_or("no answer")
                ),
            }),
            _ if facts.page(f).is_some_and(|p| p.noindex) => Some("is marked noindex".into()),
            _ => None,
        };
        if let Some(problem) = problem {
            failures.push((
                id,
                ev(
                    facts.url(id),
                    format!("the sitemap lists {}, which {problem}", facts.url(id)),
                ),
            ));
        }
    }
    SiteCheck::Checked(failures)
}

fn robots_blocked_links(facts: &SiteFacts) -> SiteCheck {
    if !facts.robots_applied {
        return SiteCheck::NotApplicable("robots.txt rules were not applied".into());
    }
    let mut failures = Vec::new();
    for (page, _, p) in facts.pages() {
        for target in facts.links(p) {
            if facts
                .of(target)
                .is_some_and(|f| f.state == UrlState::BlockedByRobots)
            {
                failures.push((
                    page,
                    ev(
                        facts.url(target),
                        format!("links to {}, which robots.txt blocks", facts.url(target)),
                    ),
                ));
            }
        }
    }
    SiteCheck::Checked(failures)
}

fn deep_pages(facts: &SiteFacts) -> SiteCheck {
    let failures = facts
        .pages()
        .filter_map(|(id, f, _)| {
            let depth = f.depth?;
            (depth > DEFAULT_DEEP_PAGE_CLICKS).then(|| {
                (
                    id,
                    Evidence {
                        url: Some(facts.url(id).to_owned()),
                        value: Some(f64::from(depth)),
                        unit: Some("clicks".into()),
                        threshold: Some(f64::from(DEFAULT_DEEP_PAGE_CLICKS)),
                        detail: Some(format!("{depth} clicks from the start page")),
                        ..Evidence::default()
                    },
                )
            })
        })
        .collect();
    SiteCheck::Checked(failures)
}

const fn info(
    id: &'static str,
    title: &'static str,
    description: &'static str,
    severity: Severity,
    fix: FixText,
) -> RuleInfo {
    RuleInfo {
        id,
        category: Category::Seo,
        title,
        description,
        severity,
        weight: 1.0,
        penalty: 0,
        fix,
        refs: Refs::NONE,
    }
}

/// The cross-page rules.
pub static RULES: &[SiteRule] = &[
    SiteRule {
        info: info(
            "seo.broken-internal-links",
            "Internal links work",
            "Links to pages of the same site that answer 4xx or 5xx, or cannot be fetched. Visitors hit \
             a dead end and crawlers waste their budget.",
            Severity::Major,
            FixText {
                summary: "Point broken links at pages that exist, or restore the missing pages.",
                steps: &[
                    "Open each listed page and update or remove the link to the missing URL.",
                    "If the page moved, add a 301 redirect from the old URL to the new one.",
                    "Check the CMS or templates that generate these links.",
                ],
                minutes: 5,
            },
        ),
        check: broken_links,
    },
    SiteRule {
        info: info(
            "seo.redirect-chains",
            "Links do not go through redirect chains",
            "Internal links to URLs that take two or more redirects to reach a page. Each hop costs a \
             round trip and can lose ranking signals.",
            Severity::Minor,
            FixText {
                summary: "Link straight to the final URL and collapse chains into one redirect.",
                steps: &[
                    "Update the listed links to point at the final URL.",
                    "Change the first redirect of each chain to point directly at the final URL.",
                ],
                minutes: 10,
            },
        ),
        check: redirect_chains,
    },
    SiteRule {
        info: info(
            "seo.redirect-loops",
            "No redirect loops",
            "Internal links to URLs whose redirects lead back to a URL already visited: the page can \
             never load.",
            Severity::Critical,
            FixText {
                summary: "Break the loop in the server's redirect rules.",
                steps: &[
                    "Follow the redirects of the listed URL (curl -IL) to find the rule that points back.",
                    "Fix the rule so the chain ends in a page that answers 200.",
                ],
                minutes: 20,
            },
        ),
        check: redirect_loops,
    },
    SiteRule {
        info: info(
            "seo.duplicate-titles",
            "Titles are unique",
            "Indexable pages (same language) sharing one <title>. Search engines cannot tell them \
             apart, and results look identical.",
            Severity::Minor,
            FixText {
                summary: "Give every page a title that describes what is unique about it.",
                steps: &[
                    "Include the page's topic first and the site name last.",
                    "If the pages really are the same, make one canonical and redirect or noindex the rest.",
                ],
                minutes: 5,
            },
        ),
        check: duplicate_titles,
    },
    SiteRule {
        info: info(
            "seo.duplicate-descriptions",
            "Meta descriptions are unique",
            "Indexable pages sharing one meta description: search results repeat the same snippet.",
            Severity::Minor,
            FixText {
                summary: "Write a distinct description for each page.",
                steps: &[
                    "Summarise what the page offers in 120–160 characters.",
                    "Leave the description out rather than repeating a site-wide one.",
                ],
                minutes: 5,
            },
        ),
        check: duplicate_descriptions,
    },
    SiteRule {
        info: info(
            "seo.duplicate-content",
            "Content is not duplicated",
            "Indexable pages whose visible text is identical. Search engines pick one and may ignore \
             the others.",
            Severity::Minor,
            FixText {
                summary: "Consolidate duplicate pages.",
                steps: &[
                    "Choose one URL and 301-redirect the duplicates to it, or add rel=canonical.",
                    "Check for URL variants (trailing slash, parameters, upper case) serving the same page.",
                ],
                minutes: 20,
            },
        ),
        check: duplicate_content,
    },
    SiteRule {
        info: info(
            "seo.canonical-target",
            "Canonical URLs point at live, indexable pages",
            "A canonical URL that is missing, redirects, or is noindex sends search engines a \
             contradictory signal, and they may ignore it.",
            Severity::Major,
            FixText {
                summary: "Point rel=canonical at the final, indexable URL of the page.",
                steps: &[
                    "Use the URL that answers 200 without redirects.",
                    "Make sure the canonical target is not noindex and not blocked by robots.txt.",
                ],
                minutes: 10,
            },
        ),
        check: canonical_targets,
    },
    SiteRule {
        info: info(
            "seo.hreflang-return-links",
            "Hreflang alternates exist and link back",
            "Every hreflang alternate must be a live page that names the page pointing to it; an \
             alternate that answers an error, or has no return link, makes search engines ignore \
             the pair.",
            Severity::Minor,
            FixText {
                summary: "Point hreflang at live pages, and add matching hreflang links on every alternate.",
                steps: &[
                    "Fix or remove hreflang links whose alternate answers 4xx or 5xx or cannot be fetched.",
                    "On each language version, list all versions (including itself) with hreflang.",
                    "Use the same absolute URLs in every version.",
                ],
                minutes: 15,
            },
        ),
        check: hreflang_return_links,
    },
    SiteRule {
        info: info(
            "seo.orphan-pages",
            "Sitemap pages are linked",
            "Pages listed in the sitemap that no crawled page links to. Visitors cannot reach them and \
             search engines give them little weight.",
            Severity::Minor,
            FixText {
                summary: "Link to orphan pages from related pages or navigation, or drop them.",
                steps: &[
                    "Add links from category pages, navigation or related content.",
                    "If a page is obsolete, remove it from the sitemap and redirect it.",
                ],
                minutes: 10,
            },
        ),
        check: orphan_pages,
    },
    SiteRule {
        info: info(
            "seo.sitemap-entries",
            "Sitemap lists only live, indexable pages",
            "Sitemap URLs that redirect, answer an error or are noindex waste crawl budget and erode \
             trust in the sitemap.",
            Severity::Minor,
            FixText {
                summary: "List only final URLs that answer 200 and are indexable.",
                steps: &[
                    "Replace redirected URLs with their targets.",
                    "Remove missing and noindex pages; regenerate the sitemap from live pages.",
                ],
                minutes: 10,
            },
        ),
        check: sitemap_entries,
    },
    SiteRule {
        info: info(
            "seo.robots-blocked-links",
            "Linked pages are crawlable",
            "Internal links to URLs that robots.txt disallows: the pages cannot be crawled, and the \
             links pass nothing on.",
            Severity::Info,
            FixText {
                summary: "Allow the pages in robots.txt, or stop linking to them.",
                steps: &[
                    "Check that the Disallow rules match only what should stay private.",
                    "Remove or nofollow links to pages that must stay blocked.",
                ],
                minutes: 10,
            },
        ),
        check: robots_blocked_links,
    },
    SiteRule {
        info: info(
            "seo.crawl-depth",
            "Pages are few clicks from the start",
            "Pages more than 4 clicks from the start page are hard to find for people and are crawled \
             less often.",
            Severity::Minor,
            FixText {
                summary: "Flatten the structure: link deep pages from higher-level pages.",
                steps: &[
                    "Add links from category or hub pages to important deep pages.",
                    "Use breadcrumbs and pagination that link to more than the next page.",
                ],
                minutes: 30,
            },
        ),
        check: deep_pages,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::site::NewPage;

    /// A small site: a links to b (404), c (2 redirects to d), e (loop), f (robots-blocked);
    /// a and d share a title; the sitemap lists g (unlinked) and h (500).
    fn site() -> SiteFacts {
        let mut s = SiteFacts::default();
        let mut id = |u: &str| s.urls.intern(&format!("https://s.example{u}"));
        let [a, b, c, d, e, f, g, h] = ["/", "/b", "/c", "/d", "/e", "/f", "/g", "/h"].map(&mut id);
        let put = |s: &mut SiteFacts, id: UrlId, state, status, depth| {
            let facts = s.entry(id, depth);
            facts.state = state;
            facts.status = status;
        };
        put(&mut s, b, UrlState::Checked, Some(404), Some(1));
        put(&mut s, c, UrlState::Checked, Some(200), Some(1));
        s.entry(e, Some(1));
        put(&mut s, f, UrlState::BlockedByRobots, None, Some(1));
        put(&mut s, h, UrlState::Checked, Some(500), None);
        let c_facts = s.of_mut(c).unwrap();
        c_facts.hops = 2;
        c_facts.redirected_to = Some(d);
        s.fail(e, "redirect loop".into(), true);
        fn page<'a>(links: &'a [UrlId], title: &'a str) -> NewPage<'a> {
            NewPage {
                status: 200,
                title: Some(title),
                links,
                content_hash: title.len() as u64,
                ..NewPage::default()
            }
        }
        s.add_page(a, Some(0), page(&[b, c, e, f], "Home"));
        s.add_page(d, Some(6), page(&[a], "Home"));
        s.add_page(g, None, page(&[a], "Orphan"));
        s.start = Some(a);
        s.sitemap = vec![a, g, h];
        s.robots_applied = true;
        s
    }

    fn failing(rule: &str, facts: &SiteFacts) -> Vec<(String, String)> {
        let r = RULES.iter().find(|r| r.info.id == rule).unwrap();
        match (r.check)(facts) {
            SiteCheck::Checked(failures) => failures
                .into_iter()
                .map(|(page, e)| (facts.url(page).to_owned(), e.url.unwrap_or_default()))
                .collect(),
            SiteCheck::NotApplicable(why) => vec![("n/a".into(), why)],
        }
    }

    #[test]
    fn cross_page_rules_table() {
        let s = site();
        let u = |p: &str| format!("https://s.example{p}");
        let pair = |page: &str, url: &str| (u(page), u(url));
        assert_eq!(
            failing("seo.broken-internal-links", &s),
            vec![pair("/", "/b")]
        );
        assert_eq!(failing("seo.redirect-chains", &s), vec![pair("/", "/c")]);
        assert_eq!(failing("seo.redirect-loops", &s), vec![pair("/", "/e")]);
        assert_eq!(
            failing("seo.duplicate-titles", &s),
            vec![pair("/", "/"), pair("/d", "/d")]
        );
        assert_eq!(
            failing("seo.robots-blocked-links", &s),
            vec![pair("/", "/f")]
        );
        assert_eq!(failing("seo.orphan-pages", &s), vec![pair("/g", "/g")]);
        assert_eq!(failing("seo.sitemap-entries", &s), vec![pair("/h", "/h")]);
        assert_eq!(failing("seo.crawl-depth", &s), vec![pair("/d", "/d")]);
        assert_eq!(failing("seo.canonical-target", &s)[0].0, "n/a");
        assert_eq!(failing("seo.hreflang-return-links", &s)[0].0, "n/a");
        assert_eq!(failing("seo.duplicate-descriptions", &s), vec![]);
    }

    /// Only the rules about URLs attach failures to URLs that are not audited pages.
    #[test]
    fn only_rules_about_urls_fail_on_urls_that_are_not_pages() {
        let s = site();
        let mut on_urls = Vec::new();
        for rule in RULES {
            if let SiteCheck::Checked(failures) = (rule.check)(&s) {
                for (page, _) in failures {
                    if !s.of(page).is_some_and(|f| f.is_page()) {
                        on_urls.push(rule.info.id);
                    }
                }
            }
        }
        on_urls.dedup();
        assert_eq!(on_urls, URL_RULES);
    }

    /// The evidence details of a rule's failures.
    fn details(rule: &str, facts: &SiteFacts) -> Vec<String> {
        let r = RULES.iter().find(|r| r.info.id == rule).unwrap();
        match (r.check)(facts) {
            SiteCheck::Checked(failures) => failures
                .into_iter()
                .map(|(_, e)| e.detail.unwrap_or_default())
                .collect(),
            SiteCheck::NotApplicable(why) => panic!("not applicable: {why}"),
        }
    }

    /// `/` names eight alternates: `/fr/` answers 404, `/es/` redirects to a 500, `/it/`
    /// cannot be fetched, `/pt/` redirects in a loop and the `x-default` `/intl` answers 410
    /// (all broken); `/de/` links back; `/nl/` was never fetched (beyond the crawl's limits)
    /// and `/pl/` is blocked by robots.txt (nothing is known of either).
    #[test]
    fn hreflang_alternates_that_answer_an_error_fail() {
        let mut s = SiteFacts::default();
        let mut id = |u: &str| s.urls.intern(&format!("https://s.example{u}"));
        let [home, fr, es, es_end, it, pt, intl, de, nl, pl] = [
            "/", "/fr/", "/es/", "/es-new/", "/it/", "/pt/", "/intl", "/de/", "/nl/", "/pl/",
        ]
        .map(&mut id);
        for (url, state, status) in [
            (fr, UrlState::Checked, Some(404)),
            (es, UrlState::Checked, Some(301)),
            (es_end, UrlState::Checked, Some(500)),
            (intl, UrlState::Checked, Some(410)),
            (nl, UrlState::Skipped, None),
            (pl, UrlState::BlockedByRobots, None),
        ] {
            let f = s.entry(url, Some(1));
            f.state = state;
            f.status = status;
        }
        s.of_mut(es).unwrap().redirected_to = Some(es_end);
        s.of_mut(es).unwrap().hops = 1;
        for url in [it, pt] {
            s.entry(url, Some(1));
        }
        s.fail(it, "connection refused".into(), false);
        s.fail(pt, "redirect loop".into(), true);
        let alternates = |list: &[(&str, UrlId)]| -> Box<[(Box<str>, UrlId)]> {
            list.iter().map(|(l, u)| ((*l).into(), *u)).collect()
        };
        s.add_page(
            home,
            Some(0),
            NewPage {
                status: 200,
                hreflang: alternates(&[
                    ("en", home),
                    ("fr", fr),
                    ("es", es),
                    ("it", it),
                    ("pt", pt),
                    ("x-default", intl),
                    ("de", de),
                    ("nl", nl),
                    ("pl", pl),
                ]),
                ..NewPage::default()
            },
        );
        s.add_page(
            de,
            Some(1),
            NewPage {
                status: 200,
                hreflang: alternates(&[("en", home), ("de", de)]),
                content_hash: 1,
                ..NewPage::default()
            },
        );
        s.start = Some(home);
        let u = |p: &str| format!("https://s.example{p}");
        let pair = |url: &str| (u("/"), u(url));
        assert_eq!(
            failing("seo.hreflang-return-links", &s),
            vec![
                pair("/fr/"),
                pair("/es/"),
                pair("/it/"),
                pair("/pt/"),
                pair("/intl")
            ]
        );
        let fix = ": point the hreflang link at the live page in that language, or remove it";
        assert_eq!(
            details("seo.hreflang-return-links", &s),
            [
                format!("the `fr` alternate {} answers HTTP 404", u("/fr/")),
                format!(
                    "the `es` alternate {} redirects to {}, which answers HTTP 500",
                    u("/es/"),
                    u("/es-new/")
                ),
                format!(
                    "the `it` alternate {} cannot be fetched (connection refused)",
                    u("/it/")
                ),
                format!("the `pt` alternate {} redirects in a loop", u("/pt/")),
                format!("the `x-default` alternate {} answers HTTP 410", u("/intl")),
            ]
            .map(|d| d + fix)
        );
        // Alternates that were never fetched say nothing: with only those, the rule does not
        // apply.
        let mut quiet = SiteFacts::default();
        let home = quiet.urls.intern("https://s.example/");
        let nl = quiet.urls.intern("https://s.example/nl/");
        quiet.entry(nl, Some(1));
        quiet.add_page(
            home,
            Some(0),
            NewPage {
                status: 200,
                hreflang: alternates(&[("nl", nl)]),
                ..NewPage::default()
            },
        );
        assert_eq!(failing("seo.hreflang-return-links", &quiet)[0].0, "n/a");
    }

    /// An orphan found by a crawl that left same-site URLs out (page or depth limit, URL
    /// patterns) is still reported, with the number of URLs that may link to it.
    #[test]
    fn a_page_reached_through_a_linked_redirect_is_not_an_orphan() {
        let mut s = site();
        let d = s.urls.lookup("https://s.example/d").unwrap();
        let orphans = |s: &SiteFacts| failing("seo.orphan-pages", s);
        let g = (
            "https://s.example/g".to_owned(),
            "https://s.example/g".to_owned(),
        );
        assert_eq!(orphans(&s), std::slice::from_ref(&g));
        // /d is linked from no page, but / links to /c, which redirects to it.
        s.sitemap.push(d);
        assert_eq!(orphans(&s), [g]);
    }

    #[test]
    fn orphans_say_how_many_urls_were_not_crawled() {
        let mut s = site();
        assert_eq!(
            details("seo.orphan-pages", &s),
            ["listed in the sitemap, but no crawled page links to it"]
        );
        let hub = s.urls.intern("https://s.example/hub");
        s.entry(hub, Some(1));
        assert_eq!(
            details("seo.orphan-pages", &s),
            [
                "listed in the sitemap, but no crawled page links to it (1 same-site URL was \
                 not crawled and may link to it)"
            ]
        );
        let more = s.urls.intern("https://s.example/more");
        s.entry(more, Some(2));
        assert_eq!(
            details("seo.orphan-pages", &s),
            [
                "listed in the sitemap, but no crawled page links to it (2 same-site URLs were \
                 not crawled and may link to it)"
            ]
        );
    }

    #[test]
    fn duplicates_count_the_other_pages_in_words() {
        let mut s = site();
        assert_eq!(
            details("seo.duplicate-titles", &s)[0],
            "same title as 1 other page, e.g. https://s.example/d"
        );
        let x = s.urls.intern("https://s.example/x");
        let another_home = NewPage {
            status: 200,
            title: Some("Home"),
            content_hash: 99,
            ..NewPage::default()
        };
        s.add_page(x, Some(1), another_home);
        assert_eq!(
            details("seo.duplicate-titles", &s)[0],
            "same title as 2 other pages, e.g. https://s.example/d, https://s.example/x"
        );
    }
}
