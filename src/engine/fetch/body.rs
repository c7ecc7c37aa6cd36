//! Reading a response body under caps: decompression (gzip, deflate, brotli, zstd) done here
//! rather than in reqwest, so the wire size and the `Content-Encoding` stay visible to rules,
//! and so the cap counts *decoded* bytes (a decompression bomb stops at the cap).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_compression::tokio::bufread::{BrotliDecoder, GzipDecoder, ZlibDecoder, ZstdDecoder};
use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_util::io::StreamReader;

/// How much of a body to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// Decoded bytes kept in memory. Past this, the body is `truncated` (documents) or only
    /// counted (subresources).
    pub keep: usize,
    /// Wire bytes read in all. Reading stops here and the body is marked `truncated`.
    pub count: u64,
}

impl BodyLimits {
    /// Keep everything up to `cap` decoded bytes; stop there.
    pub fn keep_all(cap: usize) -> Self {
        BodyLimits {
            keep: cap,
            count: cap as u64,
        }
    }

    /// Keep a `sample` of the start and count up to `count` wire bytes.
    pub fn sample(sample: usize, count: u64) -> Self {
        BodyLimits {
            keep: sample,
            count,
        }
    }
}

/// A body read under [`BodyLimits`].
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// The decoded bytes kept (the whole body unless a cap was hit).
    pub data: Bytes,
    /// Bytes received on the wire.
    pub transferred: u64,
    /// Decoded size, when the whole body was decoded.
    pub decoded: Option<u64>,
    /// True when a cap stopped reading before the end of the body.
    pub truncated: bool,
    /// Set when reading stopped early on an error (a timeout, a reset, corrupt compression);
    /// `data` then holds what arrived before it.
    pub interrupted: Option<String>,
}

/// A content coding webaudit can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// No compression.
    Identity,
    /// gzip (or x-gzip).
    Gzip,
    /// HTTP "deflate" (zlib-wrapped).
    Deflate,
    /// Brotli.
    Brotli,
    /// Zstandard.
    Zstd,
}

impl Coding {
    /// The coding named by a `Content-Encoding` header value; `None` for codings webaudit cannot
    /// decode (including stacked codings such as `gzip, br`).
    pub fn from_header(value: Option<&str>) -> Option<Coding> {
        let Some(value) = value else {
            return Some(Coding::Identity);
        };
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "identity" => Some(Coding::Identity),
            "gzip" | "x-gzip" => Some(Coding::Gzip),
            "deflate" => Some(Coding::Deflate),
            "br" => Some(Coding::Brotli),
            "zstd" => Some(Coding::Zstd),
            _ => None,
        }
    }
}

/// The `Accept-Encoding` webaudit sends: every coding it can decode.
pub const ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";

/// Reads a response body under `limits`, decoding `coding`.
pub async fn read_body(response: reqwest::Response, coding: Coding, limits: BodyLimits) -> Body {
    let wire = Arc::new(AtomicU64::new(0));
    let counter = wire.clone();
    let stream = response
        .bytes_stream()
        .inspect_ok(move |chunk| {
            counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        })
        .map_err(io::Error::other);
    let reader = StreamReader::new(stream.boxed());
    let mut body = match coding {
        Coding::Identity => read_identity(reader, &wire, limits).await,
        Coding::Gzip => read_decoded(GzipDecoder::new(reader), &wire, limits).await,
        Coding::Deflate => read_decoded(ZlibDecoder::new(reader), &wire, limits).await,
        Coding::Brotli => read_decoded(BrotliDecoder::new(reader), &wire, limits).await,
        Coding::Zstd => read_decoded(ZstdDecoder::new(reader), &wire, limits).await,
    };
    body.transferred = wire.load(Ordering::Relaxed);
    body
}

type WireStream = futures::stream::BoxStream<'static, io::Result<Bytes>>;

/// Reads decoded bytes into memory until `keep`; returns whether the end was reached and the
/// error that stopped reading, if any.
async fn fill<R: AsyncRead + Unpin>(
    reader: &mut R,
    keep: usize,
) -> (Vec<u8>, bool, Option<String>) {
    // Read one byte past `keep` to tell "exactly `keep` bytes" from "more than `keep`".
    let limit = keep.saturating_add(1);
    let mut data = Vec::with_capacity(keep.min(64 * 1024));
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        if data.len() >= limit {
            data.truncate(keep);
            return (data, false, None);
        }
        let want = chunk.len().min(limit - data.len());
        match reader.read(&mut chunk[..want]).await {
            Ok(0) => return (data, true, None),
            Ok(n) => data.extend_from_slice(&chunk[..n]),
            Err(e) => return (data, false, Some(e.to_string())),
        }
    }
}

async fn read_identity(
    mut reader: StreamReader<WireStream, Bytes>,
    wire: &AtomicU64,
    limits: BodyLimits,
) -> Body {
    let (data, ended, interrupted) = fill(&mut reader, limits.keep).await;
    if ended || interrupted.is_some() {
        let decoded = data.len() as u64;
        return Body {
            data: data.into(),
            decoded: ended.then_some(decoded),
            interrupted,
            ..Body::default()
        };
    }
    if limits.count <= limits.keep as u64 {
        return Body {
            data: data.into(),
            truncated: true,
            ..Body::default()
        };
    }
    let (truncated, interrupted) = drain(reader.into_inner(), wire, limits.count).await;
    Body {
        decoded: (!truncated && interrupted.is_none()).then(|| wire.load(Ordering::Relaxed)),
        data: data.into(),
        truncated,
        interrupted,
        ..Body::default()
    }
}

/// A decoder over the wire reader that can give the wire stream back.
trait Decoder: AsyncRead + Unpin {
    fn into_wire(self) -> WireStream;
}

macro_rules! decoder {
    ($($t:ident),*) => {$(
        impl Decoder for $t<StreamReader<WireStream, Bytes>> {
            fn into_wire(self) -> WireStream {
                self.into_inner().into_inner()
            }
        }
    )*};
}
decoder!(GzipDecoder, ZlibDecoder, BrotliDecoder, ZstdDecoder);

async fn read_decoded<D: Decoder>(mut decoder: D, wire: &AtomicU64, limits: BodyLimits) -> Body {
    let (data, ended, interrupted) = fill(&mut decoder, limits.keep).await;
    if ended || interrupted.is_some() {
        let decoded = data.len() as u64;
        return Body {
            data: data.into(),
            decoded: ended.then_some(decoded),
            interrupted,
            ..Body::default()
        };
    }
    if limits.count <= limits.keep as u64 {
        return Body {
            data: data.into(),
            truncated: true,
            ..Body::default()
        };
    }
    // Past the kept sample: count the rest on the wire without decoding it.
    let (truncated, interrupted) = drain(decoder.into_wire(), wire, limits.count).await;
    Body {
        data: data.into(),
        decoded: None,
        truncated,
        interrupted,
        ..Body::default()
    }
}

/// Reads and drops wire chunks until the end or until `count` wire bytes have been seen.
/// Returns (stopped by the cap, error).
async fn drain(
    mut stream: impl Stream<Item = io::Result<Bytes>> + Unpin,
    wire: &AtomicU64,
    count: u64,
) -> (bool, Option<String>) {
    loop {
        if wire.load(Ordering::Relaxed) >= count {
            return (true, None);
        }
        match stream.next().await {
            None => return (false, None),
            Some(Ok(_)) => {}
            Some(Err(e)) => return (false, Some(e.to_string())),
        }
    }
}
