//! Streamed response bodies: a writer on a blocking thread (an export reading the store) feeds
//! an HTTP body through a bounded channel, so a large response is never held whole, and a slow
//! client slows the writer instead of filling memory. When the writing fails part way, its
//! [`BodyAbort`] ends the body with an error, which aborts the response: the client sees a
//! broken transfer, never a short body that looks complete.

use std::io::{self, Write};

use axum::body::Body;
use bytes::Bytes;
use tokio::sync::mpsc;

/// Bytes gathered before they are sent as one chunk of the body.
pub const BODY_CHUNK: usize = 64 * 1024;
/// Chunks that may wait for the client (the most a response holds: 256 KiB).
pub const CHUNKS_IN_FLIGHT: usize = 4;

/// The writing end of a streamed body (blocking: use it off the async runtime).
#[derive(Debug)]
pub struct BodyWriter {
    chunks: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

/// A writer and the body it feeds.
pub fn body_channel() -> (BodyWriter, Body) {
    let (chunks, receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    let writer = BodyWriter {
        chunks,
        buffer: Vec::with_capacity(BODY_CHUNK),
    };
    (writer, Body::from_stream(stream))
}

impl BodyWriter {
    fn send(&mut self, chunk: io::Result<Bytes>) -> io::Result<()> {
        self.chunks.blocking_send(chunk).map_err(|_| {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the client closed the connection",
            )
        })
    }

    /// A handle that can end the body with an error after the writer is gone (its owner
    /// moved it to a blocking thread that failed).
    pub fn abort_handle(&self) -> BodyAbort {
        BodyAbort(self.chunks.clone())
    }
}

/// Ends a streamed body with an error, which aborts the response.
#[derive(Debug)]
pub struct BodyAbort(mpsc::Sender<io::Result<Bytes>>);

impl BodyAbort {
    /// Whether the client has gone (the response's body was dropped).
    pub fn client_left(&self) -> bool {
        self.0.is_closed()
    }

    /// Aborts the body after the chunks sent so far, with `error` (dropping the handle
    /// instead leaves the body to end when its writer is dropped).
    pub async fn abort(self, error: String) {
        let _ = self.0.send(Err(io::Error::other(error))).await;
    }
}

impl Write for BodyWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= BODY_CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(BODY_CHUNK));
        self.send(Ok(Bytes::from(chunk)))
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    /// The chunks of a body until its end or its first error.
    async fn collect(body: Body) -> (Vec<u8>, Option<String>) {
        let mut stream = body.into_data_stream();
        let mut data = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(bytes) => data.extend_from_slice(&bytes),
                Err(e) => return (data, Some(e.to_string())),
            }
        }
        (data, None)
    }

    #[tokio::test]
    async fn the_body_carries_what_was_written_and_ends_with_the_writers_error() {
        let text: Vec<u8> = (0..3 * BODY_CHUNK + 17).map(|i| (i % 251) as u8).collect();
        for fails in [false, true] {
            let (mut writer, body) = body_channel();
            let abort = writer.abort_handle();
            let sent = text.clone();
            let writing = tokio::spawn(async move {
                tokio::task::spawn_blocking(move || {
                    for part in sent.chunks(1000) {
                        writer.write_all(part).unwrap();
                    }
                    writer.flush().unwrap();
                })
                .await
                .unwrap();
                if fails {
                    abort.abort("the store went away".to_owned()).await;
                }
            });
            let (data, error) = collect(body).await;
            writing.await.unwrap();
            assert_eq!(data, text);
            assert_eq!(
                error.as_deref(),
                fails.then_some("the store went away"),
                "a failed export aborts the body instead of ending it"
            );
        }
    }

    #[tokio::test]
    async fn a_client_that_goes_away_stops_the_writer() {
        let (mut writer, body) = body_channel();
        let abort = writer.abort_handle();
        assert!(!abort.client_left());
        drop(body);
        assert!(abort.client_left());
        let written = tokio::task::spawn_blocking(move || {
            writer.write_all(&vec![b'x'; BODY_CHUNK * (CHUNKS_IN_FLIGHT + 2)])
        })
        .await
        .unwrap();
        assert_eq!(written.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    }
}
