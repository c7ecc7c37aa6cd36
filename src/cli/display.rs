//! URLs as people read them in the terminal: a `file:` URL (a directory audit) is shown as its
//! local path, decoded (`/tmp/site copy é/`, not `file:///tmp/site%20copy%20%C3%A9/`); other
//! URLs as they are. Machine-readable output (JSON) keeps the URL.

use url::Url;

/// `url` for a terminal: the local path of a `file:` URL, any other URL unchanged. A `file:`
/// URL that names no local path (another host) stays a URL.
pub fn display_url(url: &str) -> String {
    Url::parse(url)
        .ok()
        .filter(|parsed| parsed.scheme() == "file")
        .and_then(|parsed| parsed.to_file_path().ok())
        .map_or_else(|| url.to_owned(), |path| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn file_urls_are_shown_as_decoded_local_paths() {
        assert_eq!(
            display_url("file:///tmp/x/site%20copy%20%C3%A9/"),
            "/tmp/x/site copy é/"
        );
        assert_eq!(
            display_url("file:///srv/site/index.html"),
            "/srv/site/index.html"
        );
        // Another host's file is no local path.
        let remote = "file://elsewhere.example/share/site/";
        assert_eq!(display_url(remote), remote);
    }

    #[test]
    fn other_urls_and_text_are_unchanged() {
        for text in [
            "https://example.com/a%20b?q=%C3%A9",
            "http://127.0.0.1:8080/",
            "not a url",
        ] {
            assert_eq!(display_url(text), text);
        }
    }

    #[test]
    fn a_path_made_into_a_url_reads_back_as_that_path() {
        let dir = std::env::temp_dir().join("site copy é");
        let url = Url::from_directory_path(&dir).unwrap();
        let shown = display_url(url.as_str());
        assert!(shown.starts_with(&dir.display().to_string()), "{shown}");
        assert!(!shown.contains('%'), "{shown}");
    }
}
