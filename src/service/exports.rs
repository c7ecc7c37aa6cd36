//! Exports of stored reports, streamed: the report's summary and pages are read whole, its
//! findings a chunk at a time (keyset reads in stored order), and each chunk is written out
//! before the next is read. An export's memory is one chunk, whatever the report's size.

use std::io::{self, Write};

use super::{Service, ServiceError};
use crate::export::{self, ExportError, FindingSource, Format, Selection};
use crate::report::{Finding, Outcome, ReportId};
use crate::store::{FindingFilter, Store};

/// Findings read per store read during an export (about 1.5 MB of findings).
pub const EXPORT_CHUNK: usize = 2_000;

/// The most findings a report rendered into memory may have (an MCP resource): about 12 MB
/// of JSON, a 60-page crawl. Larger reports are read in pages or exported as a stream.
pub const MAX_IN_MEMORY_FINDINGS: usize = 10_000;

/// Bytes of pretty-printed JSON per finding, on average (for the size named in errors).
const JSON_BYTES_PER_FINDING: usize = 1_200;

/// A stored report's findings, read on demand.
pub struct StoredFindings<'a> {
    store: &'a Store,
    id: &'a ReportId,
}

impl<'a> StoredFindings<'a> {
    /// The findings of report `id` in `store`.
    pub fn new(store: &'a Store, id: &'a ReportId) -> Self {
        StoredFindings { store, id }
    }
}

fn read_error(e: crate::store::StoreError) -> ExportError {
    ExportError::Read(Box::new(e))
}

impl FindingSource for StoredFindings<'_> {
    fn each(
        &self,
        selection: Selection,
        visit: &mut dyn FnMut(&Finding) -> io::Result<()>,
    ) -> Result<(), ExportError> {
        let filter = FindingFilter {
            category: selection.category,
            min_severity: None,
            outcomes: selection.outcomes.to_vec(),
        };
        let mut after = None;
        loop {
            let chunk = self
                .store
                .findings_after(self.id, &filter, after, EXPORT_CHUNK)
                .map_err(read_error)?;
            let more = chunk.len() == EXPORT_CHUNK;
            for (position, finding) in &chunk {
                visit(finding)?;
                after = Some(*position);
            }
            if !more {
                return Ok(());
            }
        }
    }

    fn count(&self, outcome: Outcome) -> Result<usize, ExportError> {
        let filter = FindingFilter {
            outcomes: vec![outcome],
            ..FindingFilter::default()
        };
        self.store
            .count_findings(self.id, &filter)
            .map_err(read_error)
    }
}

/// Writes report `id` of `owner` in `format` to `out`, on the calling thread (it reads the
/// store: call it where blocking is allowed).
fn export_blocking(
    store: &Store,
    owner: &str,
    id: &ReportId,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), ServiceError> {
    let report = store
        .report_head(owner, id)?
        .ok_or_else(|| ServiceError::NotFound(id.clone()))?;
    let recommendations = match format {
        Format::Markdown => store.recommendations(id)?,
        Format::Json | Format::Csv => Vec::new(),
    };
    let findings = StoredFindings::new(store, id);
    export::write(format, &report, &recommendations, &findings, out)?;
    Ok(())
}

/// Report `id` of `owner` in `format`, rendered into memory when it has at most
/// `max_findings` findings; a larger report is [`ServiceError::Invalid`], naming the ways to
/// read it instead.
fn export_to_memory(
    store: &Store,
    owner: &str,
    id: &ReportId,
    format: Format,
    max_findings: usize,
) -> Result<Vec<u8>, ServiceError> {
    super::owned(store, owner, id)?;
    let findings = store.count_findings(id, &FindingFilter::default())?;
    if findings > max_findings {
        let mib = (findings * JSON_BYTES_PER_FINDING).div_ceil(1024 * 1024);
        return Err(ServiceError::Invalid(format!(
            "report {id} has {findings} findings (about {mib} MiB as JSON), more than one \
             answer carries (at most {max_findings}); read it in pages with get_report {{\"id\": \
             \"{id}\", \"detail\": \"full\"}} and its next_cursor, or export it whole with \
             `webaudit reports show {id} --format json` or GET /api/v1/audits/{id}/export"
        )));
    }
    let mut out = Vec::new();
    export_blocking(store, owner, id, format, &mut out)?;
    Ok(out)
}

impl Service {
    /// Writes report `id` of `owner` in `format` to `out` on a blocking thread, a chunk of
    /// findings at a time; returns `out`. A report that does not exist is
    /// [`ServiceError::NotFound`] before anything is written.
    pub async fn export<W: Write + Send + 'static>(
        &self,
        owner: &str,
        id: &ReportId,
        format: Format,
        mut out: W,
    ) -> Result<W, ServiceError> {
        let (owner, id) = (owner.to_owned(), id.clone());
        self.blocking(move |store| {
            export_blocking(store, &owner, &id, format, &mut out).map(|()| out)
        })
        .await
    }

    /// Report `id` of `owner` in `format`, in memory (for one message, such as an MCP
    /// resource), when it has at most `max_findings` findings; a larger report is
    /// [`ServiceError::Invalid`], naming the ways to read it instead.
    pub async fn export_to_memory(
        &self,
        owner: &str,
        id: &ReportId,
        format: Format,
        max_findings: usize,
    ) -> Result<Vec<u8>, ServiceError> {
        let (owner, id) = (owner.to_owned(), id.clone());
        self.blocking(move |store| export_to_memory(store, &owner, &id, format, max_findings))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Scores;
    use crate::store::tests::{mixed_findings, running_report, temp_store};
    use crate::store::{Completion, LOCAL_OWNER};

    /// A completed report of `pages` pages, written in three batches.
    fn stored_report(store: &Store, pages: usize) -> ReportId {
        let id = running_report(store, "https://site.example/");
        let findings = mixed_findings(pages);
        let third = findings.len() / 3;
        for batch in findings.chunks(third) {
            assert!(store.append(&id, batch, &[]).unwrap());
        }
        let scores = Scores {
            seo: Some(80),
            overall: Some(80),
            ..Scores::default()
        };
        let done = Completion {
            scores,
            security_grade: None,
            observatory_score: None,
            page_scores: &[],
            recommendations: &[],
        };
        store.finish_report(&id, done).unwrap();
        id
    }

    #[test]
    fn an_export_read_in_chunks_is_the_whole_report_rendered() {
        let (_dir, store) = temp_store();
        let id = stored_report(&store, 70);
        let report = store.get_report(LOCAL_OWNER, &id).unwrap().unwrap();
        assert!(report.findings.len() > EXPORT_CHUNK + 100, "several chunks");
        for format in [Format::Json, Format::Csv, Format::Markdown] {
            let mut out = Vec::new();
            export_blocking(&store, LOCAL_OWNER, &id, format, &mut out).unwrap();
            let whole = match format {
                Format::Json => export::json(&report),
                Format::Csv => export::csv(&report),
                Format::Markdown => export::markdown(&report, &[]),
            };
            assert!(String::from_utf8(out).unwrap() == whole, "{format:?}");
        }
        let mut out = Vec::new();
        let missing = export_blocking(&store, "someone-else", &id, Format::Json, &mut out);
        assert!(matches!(missing, Err(ServiceError::NotFound(_))));
        assert!(
            out.is_empty(),
            "nothing written for a report that is not there"
        );
    }

    #[test]
    fn a_report_too_large_for_memory_names_the_ways_to_read_it() {
        let (_dir, store) = temp_store();
        let id = stored_report(&store, 3);
        let total = store
            .count_findings(&id, &FindingFilter::default())
            .unwrap();
        let fits = export_to_memory(&store, LOCAL_OWNER, &id, Format::Json, total).unwrap();
        let report = store.get_report(LOCAL_OWNER, &id).unwrap().unwrap();
        assert_eq!(String::from_utf8(fits).unwrap(), export::json(&report));
        match export_to_memory(&store, LOCAL_OWNER, &id, Format::Json, total - 1) {
            Err(ServiceError::Invalid(message)) => {
                assert!(message.contains(&format!("{total} findings")), "{message}");
                assert!(message.contains("get_report"), "{message}");
                assert!(message.contains("--format json"), "{message}");
                assert!(
                    message.contains(&format!("/api/v1/audits/{id}/export")),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        let missing = export_to_memory(&store, "someone-else", &id, Format::Json, total);
        assert!(matches!(missing, Err(ServiceError::NotFound(_))));
    }
}
