//! Hostile servers. The cases run inside a network namespace that holds only loopback
//! (`unshare --net`), so even a broken address guard could not send a packet anywhere else: the
//! outer test re-runs this test binary in the namespace and checks that it passed.

use std::process::Command;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use webaudit::engine::fetch::{AddressPolicy, FetchSettings};
use webaudit::engine::page::PageOptions;
use webaudit::engine::target::Target;
use webaudit::engine::{AuditError, AuditOptions, AuditResult, audit_collect as audit};

const INNER: &str = "WEBAUDIT_IN_NETNS";
const DEADLINE: Duration = Duration::from_secs(15);

#[test]
fn hostile_servers_end_cleanly_in_an_isolated_network() {
    if std::env::var_os(INNER).is_some() {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(hostile_cases());
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let output = Command::new("unshare")
        .args([
            "--net",
            "sh",
            "-c",
            "ip link set lo up && exec \"$0\" --exact hostile::hostile_servers_end_cleanly_in_an_isolated_network --nocapture --test-threads 1",
        ])
        .arg(&exe)
        .env(INNER, "1")
        .output()
        .expect("`unshare` (util-linux) runs the hostile cases in a loopback-only network namespace");
    assert!(
        output.status.success(),
        "hostile cases failed in the namespace:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("hostile cases: all passed"), "{stdout}");
}

/// Reads the request head and returns its path.
async fn request_path(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&head);
    text.split_whitespace().nth(1).unwrap_or("/").to_owned()
}

async fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
}

fn html(body: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html><html lang=en><head><title>Hostile</title></head><body>{body}</body></html>"
    )
    .into_bytes()
}

/// 1 GiB of HTML that gzips to about a megabyte, compressed as a stream (never held whole).
async fn gzip_bomb() -> Vec<u8> {
    let plain =
        (&b"<!DOCTYPE html><html><body><p>"[..]).chain(tokio::io::repeat(b'a').take(1 << 30));
    let mut out = Vec::new();
    async_compression::tokio::bufread::GzipEncoder::new(tokio::io::BufReader::new(plain))
        .read_to_end(&mut out)
        .await
        .unwrap();
    out
}

async fn serve(mut stream: TcpStream, port: u16, bomb: std::sync::Arc<Vec<u8>>) {
    let path = request_path(&mut stream).await;
    let ok_html = |len: usize| {
        vec![
            ("Content-Type", "text/html".to_owned()),
            ("Content-Length", len.to_string()),
        ]
    };
    match path.as_str() {
        "/drip" => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
                .await;
            for b in html("<p>slowly</p>") {
                if stream.write_all(&[b]).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        "/endless" => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<!DOCTYPE html><html><body>")
                .await;
            let chunk = b"<p>endless endless endless endless endless endless</p>\n".repeat(1000);
            while stream.write_all(&chunk).await.is_ok() {}
        }
        "/huge-length" => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000000\r\n\r\n<!DOCTYPE html><html><body>")
                .await;
            let chunk = b"<p>claimed to be a gigabyte</p>\n".repeat(1000);
            while stream.write_all(&chunk).await.is_ok() {}
        }
        "/silent" => tokio::time::sleep(Duration::from_secs(60)).await,
        "/bomb" => {
            let headers = vec![
                ("Content-Type", "text/html".to_owned()),
                ("Content-Encoding", "gzip".to_owned()),
                ("Content-Length", bomb.len().to_string()),
            ];
            respond(&mut stream, "200 OK", &headers, &bomb).await;
        }
        "/loop" => {
            respond(
                &mut stream,
                "302 Found",
                &[("Location", "/loop2".into())],
                b"",
            )
            .await
        }
        "/loop2" => {
            respond(
                &mut stream,
                "302 Found",
                &[("Location", "/loop".into())],
                b"",
            )
            .await
        }
        "/to-127-0-0-2" => {
            respond(
                &mut stream,
                "302 Found",
                &[("Location", format!("http://127.0.0.2:{port}/"))],
                b"",
            )
            .await
        }
        "/to-10-0-0-1" => {
            respond(
                &mut stream,
                "302 Found",
                &[("Location", "http://10.0.0.1/".into())],
                b"",
            )
            .await
        }
        "/to-metadata" => {
            respond(
                &mut stream,
                "302 Found",
                &[(
                    "Location",
                    "http://169.254.169.254/latest/meta-data/".into(),
                )],
                b"",
            )
            .await
        }
        "/to-ipv6-loopback" => {
            respond(
                &mut stream,
                "302 Found",
                &[("Location", format!("http://[::1]:{port}/"))],
                b"",
            )
            .await
        }
        "/invalid-utf8" => {
            let mut body = html("<p>caf");
            body.extend_from_slice(&[0xe9, 0xff, 0xfe]);
            respond(
                &mut stream,
                "200 OK",
                &[("Content-Type", "text/html; charset=utf-8".into())],
                &body,
            )
            .await
        }
        "/nested" => {
            let body = html(&format!(
                "{}deep{}",
                "<div>".repeat(50_000),
                "</div>".repeat(50_000)
            ));
            respond(&mut stream, "200 OK", &ok_html(body.len()), &body).await
        }
        "/links" => {
            let links: String = (0..100_000)
                .map(|i| format!("<a href=\"/p/{i}\">page {i}</a>\n"))
                .collect();
            let body = html(&links);
            respond(&mut stream, "200 OK", &ok_html(body.len()), &body).await
        }
        "/binary" => {
            let mut state = 0x1234_5678u32;
            let body: Vec<u8> = (0..200_000)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    state as u8
                })
                .collect();
            respond(&mut stream, "200 OK", &ok_html(body.len()), &body).await
        }
        "/204" => respond(&mut stream, "204 No Content", &[], b"").await,
        "/304" => respond(&mut stream, "304 Not Modified", &[], b"").await,
        "/403" => {
            let body = html("<h1>Forbidden</h1>");
            respond(&mut stream, "403 Forbidden", &ok_html(body.len()), &body).await
        }
        "/500" => {
            respond(
                &mut stream,
                "500 Internal Server Error",
                &[("Content-Length", "4".into())],
                b"boom",
            )
            .await
        }
        _ => {
            let body = html("<h1>Fine</h1><p>An ordinary page.</p>");
            respond(&mut stream, "200 OK", &ok_html(body.len()), &body).await
        }
    }
}

enum Expect {
    /// Completes; some page note contains this.
    CompletesWithNote(&'static str),
    /// Completes.
    Completes,
    /// Fails; the error contains this.
    Fails(&'static str),
    /// Refused by the address guard; the error contains this.
    Refused(&'static str),
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn hostile_cases() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let bomb = std::sync::Arc::new(gzip_bomb().await);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, addr.port(), bomb.clone()));
        }
    });
    let options = AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(addr),
        fetch: FetchSettings {
            request_timeout: Duration::from_secs(3),
            connect_timeout: Duration::from_secs(2),
            ..FetchSettings::default()
        },
        page: PageOptions::default(),
        deadline: DEADLINE,
        ..AuditOptions::default()
    };
    let cases: Vec<(&str, Expect)> = vec![
        ("/drip", Expect::CompletesWithNote("stopped early")),
        ("/endless", Expect::CompletesWithNote("document cap")),
        ("/huge-length", Expect::CompletesWithNote("document cap")),
        ("/bomb", Expect::CompletesWithNote("document cap")),
        ("/silent", Expect::Fails("did not answer within 3 s")),
        ("/loop", Expect::Fails("redirects in a loop")),
        ("/to-127-0-0-2", Expect::Refused("127.0.0.2")),
        ("/to-10-0-0-1", Expect::Refused("10.0.0.1")),
        ("/to-metadata", Expect::Refused("169.254.169.254")),
        ("/to-ipv6-loopback", Expect::Refused("::1")),
        (
            "/invalid-utf8",
            Expect::CompletesWithNote("not valid UTF-8"),
        ),
        (
            "/nested",
            Expect::CompletesWithNote("nested more than 512 levels"),
        ),
        ("/links", Expect::Completes),
        ("/binary", Expect::CompletesWithNote("not valid UTF-8")),
        ("/204", Expect::Fails("empty document")),
        ("/304", Expect::Fails("empty document")),
        ("/403", Expect::Fails("HTTP 403 Forbidden")),
        ("/500", Expect::Fails("HTTP 500")),
    ];
    for (path, expect) in cases {
        let target = Target::parse(&format!("http://{addr}{path}")).unwrap();
        let started = Instant::now();
        let outcome: Result<AuditResult, AuditError> = audit(&target, &options, &()).await;
        let elapsed = started.elapsed();
        // The engine stops an audit one second after its deadline; the rest of the margin is
        // for a loaded machine (a hostile server that held the audit would take a minute).
        assert!(
            elapsed < DEADLINE + Duration::from_secs(5),
            "{path} took {elapsed:?}"
        );
        match (expect, outcome) {
            (Expect::CompletesWithNote(note), Ok(result)) => {
                let notes = &result.pages[0].notes;
                assert!(
                    notes.iter().any(|n| n.contains(note)),
                    "{path}: notes {notes:?}"
                );
            }
            (Expect::Completes, Ok(_)) => {}
            (Expect::Fails(message), Err(e)) => {
                assert!(e.to_string().contains(message), "{path}: {e}");
                assert!(e.is_unreachable(), "{path}: {e}");
            }
            (Expect::Refused(address), Err(e)) => {
                let text = e.to_string();
                assert!(
                    text.contains("refused") && text.contains(address),
                    "{path}: {text}"
                );
                assert!(!e.is_unreachable(), "{path}");
            }
            (_, Ok(_)) => panic!("{path} should have failed"),
            (_, Err(e)) => panic!("{path} failed unexpectedly: {e}"),
        }
        println!("{path}: ok in {elapsed:?}");
    }
    // The process keeps working after all of that, and its memory stayed bounded.
    let fine = Target::parse(&format!("http://{addr}/fine")).unwrap();
    assert!(audit(&fine, &options, &()).await.is_ok());
    let peak = peak_rss_kib();
    println!("peak RSS {} MiB", peak / 1024);
    // Every capped case (endless, 1 GB, bomb) stops at the 5 MiB document cap; the DOM of such a
    // page is what costs memory, not the size the server claims or sends.
    assert!(peak < 256 * 1024, "peak RSS {} MiB", peak / 1024);
    println!("hostile cases: all passed");
}
