//! Text alternatives for non-text content: images, image buttons, image-map areas, embedded
//! objects, SVG and `role="img"` graphics, server-side image maps, and captions for video.

use scraper::ElementRef;

use super::names::{Names, aria_label, has_presentational_role, input_type};
use super::roles::explicit_role_keeps_name_rule;
use super::verdict::{Verdict, judge, require};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, has_nonblank_attr, is_hidden_from_at};
use crate::engine::rules::{Check, Refs, Rule};
use crate::sel;

const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

/// True when the element has a name from `aria-labelledby`, `aria-label` or `title`.
fn has_aria_or_title_name(names: &Names<'_>, el: ElementRef<'_>) -> bool {
    names.labelledby(el).is_some() || aria_label(el).is_some() || has_nonblank_attr(el, "title")
}

pub fn image_alt(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("img"))
            .filter(|img| explicit_role_keeps_name_rule(*img)),
        "the page has no images",
        |img| match img.attribute("alt") {
            Some(alt) if !alt.is_empty() && alt.trim().is_empty() => Verdict::Fail(
                "the alt text is only spaces; use alt=\"\" for decoration or describe the image"
                    .into(),
            ),
            Some(_) => Verdict::Pass,
            None => require(
                has_aria_or_title_name(&names, img) || has_presentational_role(img),
                || "the image has no alt attribute and no other text alternative".into(),
            ),
        },
    )
}

fn has_nonblank_alt(el: ElementRef<'_>) -> bool {
    has_nonblank_attr(el, "alt")
}

pub fn input_image_alt(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("input[type]"))
            .filter(|i| input_type(*i) == "image" && explicit_role_keeps_name_rule(*i)),
        "the page has no image buttons",
        |input| {
            require(
                has_nonblank_alt(input)
                    || has_aria_or_title_name(&names, input)
                    || names.label_text(input).is_some_and(|t| !t.is_empty()),
                || "the image button has no alt text, so it has no name".into(),
            )
        },
    )
}

pub fn area_alt(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("map area[href]")),
        "the page has no image-map links",
        |area| {
            require(
                has_nonblank_alt(area) || has_aria_or_title_name(&names, area),
                || "the image-map area has no alt text, so the link has no name".into(),
            )
        },
    )
}

pub fn object_alt(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("object[data]"))
            .filter(|o| has_nonblank_attr(*o, "data") && explicit_role_keeps_name_rule(*o)),
        "the page embeds no objects",
        |object| {
            // Fallback content inside <object> is shown only when the object fails to load,
            // so it does not name a loaded object.
            require(
                has_aria_or_title_name(&names, object) || has_presentational_role(object),
                || "the embedded object has no text alternative".into(),
            )
        },
    )
}

fn in_svg(el: ElementRef<'_>) -> bool {
    &*el.value().name.ns == SVG_NAMESPACE
}

fn role_is(el: ElementRef<'_>, roles: &[&str]) -> bool {
    el.attribute("role")
        .is_some_and(|r| roles.iter().any(|want| r.trim().eq_ignore_ascii_case(want)))
}

pub fn svg_img_alt(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("[role]")).filter(|el| {
            in_svg(*el)
                && !is_hidden_from_at(*el)
                && (role_is(*el, &["img", "graphics-symbol"])
                    || (el.value().name() == "svg" && role_is(*el, &["graphics-document"])))
        }),
        "the page has no SVG graphics marked as images",
        |svg| {
            let title = svg
                .child_elements()
                .find(|c| c.value().name() == "title")
                .is_some_and(|t| t.text().any(|s| !s.trim().is_empty()));
            require(title || has_aria_or_title_name(&names, svg), || {
                "the SVG image has no <title>, aria-label or aria-labelledby".into()
            })
        },
    )
}

pub fn role_img_alt(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("[role]")).filter(|el| {
            !in_svg(*el)
                && role_is(*el, &["img"])
                && !matches!(el.value().name(), "img" | "area" | "input" | "object")
        }),
        "the page has no elements with role=\"img\"",
        |el| {
            require(has_aria_or_title_name(&names, el), || {
                "the element has role=\"img\" but no aria-label, aria-labelledby or title".into()
            })
        },
    )
}

pub fn server_side_image_map(page: &Page) -> Check {
    judge(
        page.select(sel!("img[ismap]")),
        "the page has no server-side image maps",
        |_| {
            Verdict::Review(
                "a server-side image map (ismap) cannot be used with a keyboard; use <map> and \
                 <area> or plain links"
                    .into(),
            )
        },
    )
}

pub fn video_caption(page: &Page) -> Check {
    judge(
        page.select(sel!("video")),
        "the page has no videos",
        |video| {
            let captions = video.select(sel!("track[kind]")).any(|t| {
                t.attribute("kind")
                    .is_some_and(|k| k.trim().eq_ignore_ascii_case("captions"))
            });
            if captions {
                Verdict::Pass
            } else {
                Verdict::Review(
                "the video has no <track kind=\"captions\">; check that it has captions (or no \
                 speech)"
                    .into(),
            )
            }
        },
    )
}

/// The rules of this file.
pub static RULES: &[Rule] = &[
    axe_rule! {
        id: "image-alt",
        title: "Images have alt text",
        description: "Screen readers announce an image by its alt text; without an `alt` \
                      attribute they read the file name instead. Decorative images need \
                      `alt=\"\"` so they are skipped.",
        severity: Critical,
        weight: 10.0,
        fix: "Give every <img> an alt attribute.",
        steps: [
            "Describe what the image shows or does in `alt` (a few words, no \"image of\").",
            "Use `alt=\"\"` for purely decorative images.",
        ],
        minutes: 3,
        refs: Refs::axe("image-alt", &["1.1.1"]),
        check: image_alt,
    },
    axe_rule! {
        id: "input-image-alt",
        title: "Image buttons have alt text",
        description: "An `<input type=\"image\">` is a button drawn as a picture; its alt text is \
                      the button's only name.",
        severity: Critical,
        weight: 10.0,
        fix: "Name image buttons with alt text.",
        steps: ["Add `alt` saying what the button does, e.g. `alt=\"Search\"`."],
        minutes: 2,
        refs: Refs::axe("input-image-alt", &["1.1.1", "4.1.2"]),
        check: input_image_alt,
    },
    axe_rule! {
        id: "area-alt",
        title: "Image-map areas have alt text",
        description: "Each `<area href>` of an image map is a link; its alt text is the link's \
                      name.",
        severity: Critical,
        weight: 10.0,
        fix: "Give each linked <area> an alt attribute.",
        steps: ["Add `alt` naming the destination of each `<area href>`."],
        minutes: 3,
        refs: Refs::axe_only("area-alt", &["2.4.4", "4.1.2"]),
        check: area_alt,
    },
    axe_rule! {
        id: "object-alt",
        title: "Embedded objects have a text alternative",
        description: "Screen readers cannot read what an <object> embeds; fallback content or a \
                      label tells people what it is.",
        severity: Major,
        weight: 7.0,
        fix: "Describe the object.",
        steps: [
            "Put fallback text inside <object>…</object>, or add `aria-label` or `title`.",
        ],
        minutes: 5,
        refs: Refs::axe("object-alt", &["1.1.1"]),
        check: object_alt,
    },
    axe_rule! {
        id: "svg-img-alt",
        title: "SVG images have a text alternative",
        description: "An <svg> with role=\"img\" is announced as an image and needs a name from \
                      a <title> child, `aria-label` or `aria-labelledby`.",
        severity: Major,
        weight: 1.0,
        fix: "Name the SVG image.",
        steps: [
            "Add `<title>Description</title>` as the first child of the <svg>.",
            "Or add `aria-label`; use `aria-hidden=\"true\"` instead of role=img for decoration.",
        ],
        minutes: 3,
        refs: Refs::axe("svg-img-alt", &["1.1.1"]),
        check: svg_img_alt,
    },
    axe_rule! {
        id: "role-img-alt",
        title: "Elements with role=\"img\" have a text alternative",
        description: "An element given role=\"img\" (an icon font, a CSS background) is \
                      announced as an image; it needs `aria-label` or `aria-labelledby`.",
        severity: Major,
        weight: 7.0,
        fix: "Name the image with aria-label.",
        steps: ["Add `aria-label` describing it, or remove the role if it is decoration."],
        minutes: 2,
        refs: Refs::axe_only("role-img-alt", &["1.1.1"]),
        check: role_img_alt,
    },
    axe_rule! {
        id: "server-side-image-map",
        title: "No server-side image maps",
        description: "With `ismap` the server decides the link from click coordinates, which a \
                      keyboard cannot produce.",
        severity: Minor,
        weight: 1.0,
        fix: "Use a client-side image map or plain links.",
        steps: ["Replace `ismap` with `<map>` and `<area href alt>` elements, or with links."],
        minutes: 20,
        refs: Refs::axe_only("server-side-image-map", &["2.1.1"]),
        check: server_side_image_map,
    },
    axe_rule! {
        id: "video-caption",
        title: "Videos have captions",
        description: "Deaf and hard-of-hearing people need captions for speech and sounds. \
                      Markup can show only whether a captions <track> exists, so a video \
                      without one is listed for review (Lighthouse does not score it either).",
        severity: Critical,
        weight: 0.0,
        fix: "Add a captions track.",
        steps: [
            "Write a WebVTT file with the speech and important sounds.",
            "Add `<track kind=\"captions\" src=\"captions.vtt\" srclang=\"en\">` inside <video>.",
        ],
        minutes: 60,
        refs: Refs::axe("video-caption", &["1.2.2"]),
        check: video_caption,
    },
];

#[cfg(test)]
mod tests {
    use crate::engine::rules::testing::{failing, outcome, page};
    use crate::report::Outcome::{Fail, NotApplicable, Pass};

    #[test]
    fn images_need_text() {
        let html = r#"<body>
            <img id="a" src="a.png">
            <img id="b" src="b.png" alt="">
            <img id="c" src="c.png" alt=" ">
            <img id="d" src="d.png" title="Chart">
            <img id="e" src="e.png" role="presentation">
            <img id="f" src="f.png" aria-labelledby="cap"><p id="cap">Sales</p>
            <img id="g" src="g.png" hidden>
        </body>"#;
        assert_eq!(
            failing("accessibility.image-alt", &page(html)),
            ["img#a", "img#c"]
        );
    }

    #[test]
    fn other_text_alternatives() {
        let cases = [
            (
                "accessibility.input-image-alt",
                r#"<input type="image" src="go.png">"#,
                Fail,
            ),
            (
                "accessibility.input-image-alt",
                r#"<input type="IMAGE" src="go.png" alt="Go">"#,
                Pass,
            ),
            (
                "accessibility.area-alt",
                r#"<map><area href="/a"></map>"#,
                Fail,
            ),
            (
                "accessibility.area-alt",
                r#"<map><area href="/a" aria-label="A"></map>"#,
                Pass,
            ),
            (
                "accessibility.area-alt",
                r#"<map><area alt=""></map>"#,
                NotApplicable,
            ),
            (
                "accessibility.object-alt",
                r#"<object data="x.swf"></object>"#,
                Fail,
            ),
            (
                "accessibility.object-alt",
                r#"<object data="x.swf" title="A chart"></object>"#,
                Pass,
            ),
            (
                "accessibility.svg-img-alt",
                r#"<svg role="img"><circle/></svg>"#,
                Fail,
            ),
            (
                "accessibility.svg-img-alt",
                r#"<svg role="img"><title>Logo</title></svg>"#,
                Pass,
            ),
            (
                "accessibility.role-img-alt",
                r#"<div role="img"></div>"#,
                Fail,
            ),
            (
                "accessibility.role-img-alt",
                r#"<div role="img" aria-label="Stars"></div>"#,
                Pass,
            ),
            (
                "accessibility.video-caption",
                r#"<video src="v.mp4"><track kind="captions" src="c.vtt"></video>"#,
                Pass,
            ),
            ("accessibility.video-caption", "<p>x</p>", NotApplicable),
        ];
        for (rule, html, expected) in cases {
            assert_eq!(outcome(rule, html), expected, "{rule}: {html}");
        }
    }

    #[test]
    fn uncaptioned_video_is_for_review_not_a_failure() {
        let result = crate::engine::rules::testing::check(
            "accessibility.video-caption",
            &page(r#"<video src="v.mp4"></video>"#),
        );
        assert_eq!(result.outcome, Pass);
        assert_eq!(result.reviews.len(), 1);
    }
}
