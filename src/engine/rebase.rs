//! [`Rebase`]: a local folder is audited through webaudit's own loopback server, on a port that
//! changes with every run. Before its findings, page reports and recommendations are stored or
//! shown, the server's address (`http://127.0.0.1:41347/`) is rewritten to the folder's `file:`
//! URL, so that a report names the folder's real files and two audits of the same folder name
//! the same places. Fingerprints keep the page's path on the site (`/blog/`), as an audit of
//! the deployed site gives; only an evidence key that named the server is rewritten in them.

use futures::future::BoxFuture;
use url::Url;

use super::{AuditSink, SinkBatch};
use crate::report::{Finding, PageReport, Recommendation, fingerprint};

/// Rewrites the loopback server's URLs to the folder's.
#[derive(Debug)]
pub struct Rebase {
    /// The served root, `http://127.0.0.1:PORT/`.
    from: String,
    /// The folder's URL, `file:///…/`.
    to: String,
}

impl Rebase {
    /// Rewrites URLs under `served` (the loopback root) to `folder` (a `file:` URL ending in `/`).
    pub fn new(served: &Url, folder: &str) -> Rebase {
        Rebase {
            from: served.to_string(),
            to: folder.to_owned(),
        }
    }

    fn text(&self, text: &mut String) {
        if text.contains(&self.from) {
            *text = text.replace(&self.from, &self.to);
        }
    }

    fn option(&self, text: &mut Option<String>) {
        if let Some(text) = text {
            self.text(text);
        }
    }

    /// Rewrites a finding's page, URL and detail. When its evidence key named the server (a
    /// broken link's target), its fingerprint is keyed by that URL's path on the site instead,
    /// so that it depends neither on the port nor on where the folder is.
    pub fn finding(&self, f: &mut Finding) {
        let key = f.evidence.key();
        if key.contains(&self.from) {
            let site_key = key.replace(&self.from, "/");
            f.fingerprint = fingerprint(&f.rule_id, &f.page_url, &site_key);
        }
        self.text(&mut f.page_url);
        self.option(&mut f.evidence.url);
        self.option(&mut f.evidence.detail);
    }

    /// Rewrites a page report's URLs, redirects, error and notes.
    pub fn page(&self, page: &mut PageReport) {
        self.text(&mut page.url);
        self.text(&mut page.final_url);
        self.option(&mut page.error);
        page.notes.iter_mut().for_each(|note| self.text(note));
        for hop in &mut page.redirects {
            self.text(&mut hop.url);
            self.text(&mut hop.location);
        }
    }

    /// Rewrites the places a recommendation lists.
    pub fn recommendation(&self, r: &mut Recommendation) {
        for place in &mut r.places {
            self.text(&mut place.page_url);
            self.option(&mut place.url);
            self.option(&mut place.detail);
        }
    }
}

/// A sink that rebases what it is given before passing it on.
pub struct RebasedSink<'a> {
    /// Where batches go.
    pub inner: &'a dyn AuditSink,
    /// The rewrite.
    pub rebase: &'a Rebase,
}

impl AuditSink for RebasedSink<'_> {
    fn write(&self, mut batch: SinkBatch) -> BoxFuture<'static, Result<(), String>> {
        batch
            .findings
            .iter_mut()
            .for_each(|f| self.rebase.finding(f));
        batch
            .pages
            .iter_mut()
            .for_each(|(_, page)| self.rebase.page(page));
        self.inner.write(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules;
    use crate::report::{Evidence, Outcome, Severity};

    /// A broken link from `/blog/` to `/gone.html` found through the server on `port`, rebased
    /// onto `folder`.
    fn broken_link(port: u16, folder: &str) -> Finding {
        let served = Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
        let mut broken = rules::find("seo.broken-internal-links").unwrap().finding(
            &format!("{served}blog/"),
            Outcome::Fail,
            Severity::Major,
            Some(0.0),
            Evidence {
                url: Some(format!("{served}gone.html")),
                detail: Some(format!("{served}gone.html answered HTTP 404")),
                ..Evidence::default()
            },
        );
        Rebase::new(&served, folder).finding(&mut broken);
        broken
    }

    #[test]
    fn rewrites_the_server_to_the_folder_and_keeps_fingerprints_by_site_path() {
        let broken = broken_link(41347, "file:///home/me/site/");
        assert_eq!(broken.page_url, "file:///home/me/site/blog/");
        assert_eq!(
            broken.evidence.url.as_deref(),
            Some("file:///home/me/site/gone.html")
        );
        assert_eq!(
            broken.evidence.detail.as_deref(),
            Some("file:///home/me/site/gone.html answered HTTP 404")
        );
        // The same finding from another run (another port) has the same fingerprint.
        let again = broken_link(50000, "file:///home/me/site/");
        assert_eq!(again.fingerprint, broken.fingerprint);
        // It is keyed by paths on the site, as on the deployed site, wherever the folder is.
        assert_eq!(
            broken.fingerprint,
            fingerprint(
                broken.rule_id.as_ref(),
                "https://example.com/blog/",
                "/gone.html"
            )
        );
        let elsewhere = broken_link(41347, "file:///elsewhere/copy/");
        assert_eq!(elsewhere.fingerprint, broken.fingerprint);
        // A finding keyed by a selector keeps the fingerprint it had.
        let served = Url::parse("http://127.0.0.1:41347/").unwrap();
        let rebase = Rebase::new(&served, "file:///home/me/site/");
        let mut image = rules::find("accessibility.image-alt").unwrap().finding(
            "http://127.0.0.1:41347/",
            Outcome::Fail,
            Severity::Critical,
            Some(0.0),
            Evidence {
                selector: Some("main > img".into()),
                ..Evidence::default()
            },
        );
        let before = image.fingerprint.clone();
        rebase.finding(&mut image);
        assert_eq!(image.fingerprint, before);
        assert_eq!(image.page_url, "file:///home/me/site/");
    }
}
