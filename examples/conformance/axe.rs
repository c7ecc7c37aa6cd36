//! axe-core's rule fixtures against the accessibility rules of the same name.
//!
//! A fixture is an HTML fragment (put inside `<div id="fixture">` of a small document) or a
//! whole document, with the elements upstream expects among violations, passes and needs
//! review. Every listed element is one expectation: a violation must be among our failures; a
//! pass must be neither a failure nor a review; a needs-review element must not be a failure
//! (lenient, as the corpus README allows). Every element we fail that upstream does not list as
//! a violation, inside the fixture, also counts as a disagreement. Targets inside iframes are
//! skipped (webaudit does not follow frames). Rules webaudit does not have are listed apart.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::Context;
use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use webaudit::engine::page::Page;
use webaudit::engine::rules::{Rule, catalogue};

use crate::Tally;

const FIXTURE_URL: &str = "http://localhost/fixture.html";

/// Rules that read `<head>`: their fragments are parsed as whole documents.
const HEAD_RULES: &[&str] = &["meta-viewport", "meta-refresh"];

fn rule_for(axe_id: &str) -> Option<&'static Rule> {
    let id = format!("accessibility.{axe_id}");
    catalogue().iter().find(|r| r.id == id)
}

struct Case {
    rule: String,
    name: String,
    page: Page,
    context: Option<String>,
    expected: Value,
}

fn load_case(json_path: &Path, document: bool) -> anyhow::Result<Case> {
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(json_path)?)
        .with_context(|| format!("reading {}", json_path.display()))?;
    let rule = expected["rule"].as_str().unwrap_or_default().to_owned();
    let html_path = ["html", "xhtml"]
        .iter()
        .map(|ext| json_path.with_extension(ext))
        .find(|p| p.exists())
        .with_context(|| format!("no HTML beside {}", json_path.display()))?;
    let html = std::fs::read_to_string(&html_path)?;
    let trimmed = html.trim_start().to_ascii_lowercase();
    let whole = document
        || expected["mode"] == "document"
        || HEAD_RULES.contains(&rule.as_str())
        || trimmed.starts_with("<!doctype")
        || trimmed.starts_with("<html");
    let (source, context) = if whole {
        (html, expected["context"].as_str().map(str::to_owned))
    } else {
        (
            format!(
                "<!doctype html><html lang=\"en\"><head><title>t</title></head><body>\
                 <div id=\"fixture\">{html}</div></body></html>"
            ),
            Some("#fixture".to_owned()),
        )
    };
    let mut page = Page::from_html(FIXTURE_URL, &source);
    if html_path.extension().is_some_and(|e| e == "xhtml") {
        page.content_type = Some("application/xhtml+xml".into());
    }
    Ok(Case {
        rule,
        name: json_path
            .strip_prefix(json_path.ancestors().nth(2).unwrap_or(json_path))
            .unwrap_or(json_path)
            .display()
            .to_string(),
        page,
        context,
        expected,
    })
}

fn resolve(dom: &Html, css: &str) -> Option<NodeId> {
    let selector = Selector::parse(css).ok()?;
    dom.select(&selector).next().map(|e| e.id())
}

/// Node ids of the expected targets in one category (skipping frame targets).
fn expected_nodes(case: &Case, category: &str) -> Option<Vec<(String, Option<NodeId>)>> {
    let list = case.expected.get(category)?.as_array()?;
    Some(
        list.iter()
            .filter_map(|target| {
                let parts = target.as_array()?;
                if parts.len() != 1 {
                    return None;
                }
                let css = parts[0].as_str()?;
                Some((css.to_owned(), resolve(&case.page.dom, css)))
            })
            .collect(),
    )
}

fn inside(dom: &Html, node: NodeId, context: Option<NodeId>) -> bool {
    let Some(context) = context else {
        return true;
    };
    let Some(el) = dom.tree.get(node).and_then(ElementRef::wrap) else {
        return false;
    };
    std::iter::successors(Some(el), |e| e.parent().and_then(ElementRef::wrap))
        .any(|e| e.id() == context)
}

/// Runs one case; returns its tally and a description of each disagreement.
fn run_case(case: &Case, rule: &Rule) -> (Tally, Vec<String>) {
    let check = (rule.check)(&case.page);
    let dom = &case.page.dom;
    let root = dom.root_element().id();
    let to_node = |selector: &Option<String>| match selector {
        Some(css) => resolve(dom, css),
        None => Some(root),
    };
    let failed: HashSet<NodeId> = if check.outcome == webaudit::report::Outcome::Fail {
        check
            .failures
            .iter()
            .filter_map(|e| to_node(&e.selector))
            .collect()
    } else {
        HashSet::new()
    };
    let reviewed: HashSet<NodeId> = check
        .reviews
        .iter()
        .filter_map(|e| to_node(&e.selector))
        .collect();
    let context = case.context.as_deref().and_then(|c| resolve(dom, c));
    let mut tally = Tally::default();
    let mut misses = Vec::new();
    let mut listed = HashSet::new();
    let categories: [(&str, Agrees); 3] = [
        ("violations", |failed, _| failed),
        ("passes", |failed, reviewed| !failed && !reviewed),
        ("incomplete", |failed, _| !failed),
    ];
    for (category, ok) in categories {
        for (css, node) in expected_nodes(case, category).unwrap_or_default() {
            let Some(node) = node else {
                misses.push(format!("{css}: target does not resolve"));
                continue;
            };
            listed.insert(node);
            let agreed = ok(failed.contains(&node), reviewed.contains(&node));
            tally.record(agreed);
            if !agreed {
                let ours = if failed.contains(&node) {
                    "violation"
                } else if reviewed.contains(&node) {
                    "review"
                } else {
                    "pass/inapplicable"
                };
                misses.push(format!("{css}: expected {category}, got {ours}"));
            }
        }
    }
    if case.expected.get("violations").is_some() {
        for node in failed.iter().filter(|n| !listed.contains(*n)) {
            if inside(dom, *node, context) {
                tally.record(false);
                let what = dom
                    .tree
                    .get(*node)
                    .and_then(ElementRef::wrap)
                    .map(|e| webaudit::engine::page::dom::snippet(e))
                    .unwrap_or_default();
                misses.push(format!("{what}: unexpected violation"));
            }
        }
    }
    (tally, misses)
}

/// Whether an expectation holds, given (failed, reviewed) for the element.
type Agrees = fn(bool, bool) -> bool;

fn json_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Runs every fixture under `dir` and prints the agreement per rule.
pub fn run(dir: &Path, verbose: bool) -> anyhow::Result<Tally> {
    println!("axe-core rule fixtures ({})", dir.display());
    let mut per_rule: BTreeMap<String, Tally> = BTreeMap::new();
    let mut missing: BTreeMap<String, usize> = BTreeMap::new();
    let mut rule_dirs: Vec<_> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    rule_dirs.sort();
    for rule_dir in rule_dirs {
        let cases = json_files(&rule_dir).into_iter().map(|p| (p, false)).chain(
            json_files(&rule_dir.join("full"))
                .into_iter()
                .map(|p| (p, true)),
        );
        for (path, document) in cases {
            let case = load_case(&path, document)?;
            let Some(rule) = rule_for(&case.rule) else {
                *missing.entry(case.rule.clone()).or_default() += 1;
                continue;
            };
            let (tally, misses) = run_case(&case, rule);
            per_rule.entry(case.rule.clone()).or_default().add(tally);
            if verbose {
                for miss in misses {
                    println!("    {} — {miss}", case.name);
                }
            }
        }
    }
    let mut total = Tally::default();
    for (rule, tally) in &per_rule {
        total.add(*tally);
        let mark = if tally.agreed == tally.checked {
            " "
        } else {
            "≠"
        };
        println!("  {mark} {rule:<28} {tally}");
    }
    if !missing.is_empty() {
        let names: Vec<&str> = missing.keys().map(String::as_str).collect();
        println!(
            "  not implemented ({} rules): {}",
            names.len(),
            names.join(", ")
        );
    }
    println!("  axe total: {total} over {} rules", per_rule.len());
    metadata(dir, verbose)?;
    Ok(total)
}

/// The severity axe's impact maps to (critical → critical, serious → major, moderate and
/// minor → minor).
fn severity_of_impact(impact: &str) -> &'static str {
    match impact {
        "critical" => "critical",
        "serious" => "major",
        _ => "minor",
    }
}

/// Checks each rule's metadata against `rules.json`: severity from axe's impact, and the WCAG
/// success criteria in its references.
fn metadata(dir: &Path, verbose: bool) -> anyhow::Result<()> {
    let path = dir.join("rules.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let rules: Value = serde_json::from_str(&text)?;
    let Some(rules) = rules.get("rules").and_then(Value::as_object) else {
        anyhow::bail!("{} has no \"rules\" object", path.display());
    };
    let (mut agreed, mut checked) = (0, 0);
    for (id, meta) in rules {
        let Some(rule) = rule_for(id) else { continue };
        checked += 1;
        let info = rule.info();
        let impact = meta.get("impact").and_then(Value::as_str).unwrap_or("");
        let mut wcag: Vec<&str> = meta
            .pointer("/wcag/criteria")
            .and_then(Value::as_array)
            .map(|c| c.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut ours: Vec<&str> = info.refs.wcag.to_vec();
        wcag.sort_unstable();
        ours.sort_unstable();
        let severity_ok = info.severity.as_str() == severity_of_impact(impact);
        if severity_ok && wcag == ours {
            agreed += 1;
        } else if verbose {
            println!(
                "    {id}: severity {} (impact {impact}), WCAG {ours:?} (axe {wcag:?})",
                info.severity.as_str()
            );
        }
    }
    println!("  metadata (severity from impact, WCAG criteria): {agreed}/{checked} rules agree");
    Ok(())
}
