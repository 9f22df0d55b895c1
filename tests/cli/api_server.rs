//! A local HTTP server that replays recorded answers of the Federal
//! Register, Open States v3 and LegiScan APIs (`tests/fixtures/sync/`,
//! see its README), for two days, and plays faults on demand: a 429 with
//! `Retry-After`, a 500, a body cut short, JSON cut short, and a request
//! held open until the test kills the client.
//!
//! Routes: `/fr/documents.json` (filtered by
//! `conditions[publication_date][gte]`), `/os/bills` (by `updated_since`,
//! paged, the key in `X-API-KEY`), `/ls/?key=..&op=getMasterListRaw|getBill`.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{mpsc, Arc, Mutex};

use serde_json::{json, Value};

/// The Open States key the server accepts.
pub const OS_KEY: &str = "os-secret-key-7f3a91";
/// The LegiScan key the server accepts.
pub const LS_KEY: &str = "ls-secret-key-c2e804";

/// A fault to play on the next request of a route.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 with `Retry-After: N`.
    TooMany(u64),
    /// 500.
    ServerError,
    /// The head promises more bytes than the body has, then the
    /// connection closes.
    CutBody,
    /// A whole answer whose JSON stops half way (the API's own fault).
    CutJson,
    /// Hold the request open, after telling the test, until the client
    /// goes away.
    Hang(mpsc::Sender<()>),
}

/// What the server knows and did.
#[derive(Default)]
pub struct State {
    /// Which day's records it serves (1 or 2).
    pub day: u8,
    /// Every request's path and query, in order.
    pub requests: Vec<String>,
    /// Faults still to play, by route prefix (`/fr/`, `/os/`, `/ls/`).
    pub faults: Vec<(String, Fault)>,
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            day: 1,
            ..State::default()
        }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let st = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &st);
                });
            }
        });
        Server { url, state }
    }

    pub fn set_day(&self, day: u8) {
        self.state.lock().unwrap().day = day;
    }

    pub fn fault(&self, route: &str, f: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .push((route.to_owned(), f));
    }

    /// Requests so far whose path starts with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.starts_with(prefix))
            .count()
    }

    pub fn clear(&self) {
        self.state.lock().unwrap().requests.clear();
    }
}

fn fixture(name: &str) -> Value {
    let p = super::util::fixture("sync").join(name);
    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap()
}

/// Percent-decodes a query component (`+` stays: the clients encode it).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 3 <= b.len() {
            if let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or(""), 16)
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn params(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn param<'a>(ps: &'a [(String, String)], name: &str) -> Option<&'a str> {
    ps.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn respond(stream: &mut TcpStream, status: &str, extra: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

fn serve(mut stream: TcpStream, st: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let ps = params(query);
    let (day, fault) = {
        let mut s = st.lock().unwrap();
        s.requests.push(target.clone());
        let i = s
            .faults
            .iter()
            .position(|(r, _)| path.starts_with(r.as_str()));
        let fault = i.map(|i| s.faults.remove(i).1);
        (s.day, fault)
    };
    match fault {
        Some(Fault::TooMany(secs)) => {
            return respond(
                &mut stream,
                "429 Too Many Requests",
                &format!("Retry-After: {secs}\r\n"),
                b"{}",
            )
        }
        Some(Fault::ServerError) => {
            return respond(&mut stream, "500 Internal Server Error", "", b"oops")
        }
        Some(Fault::Hang(tell)) => {
            let _ = tell.send(());
            let mut sink = Vec::new();
            let _ = reader.read_to_end(&mut sink);
            return Ok(());
        }
        _ => {}
    }
    let body: Value = if path.starts_with("/fr/") {
        let mut page = fixture(&format!("fr-day{day}.json"));
        if let Some(gte) = param(&ps, "conditions[publication_date][gte]") {
            let kept: Vec<Value> = page["results"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["publication_date"].as_str().unwrap_or("") >= gte)
                .cloned()
                .collect();
            page["count"] = json!(kept.len());
            page["results"] = Value::Array(kept);
        }
        page
    } else if path.starts_with("/os/") {
        let key = headers.iter().find(|(k, _)| k == "x-api-key");
        if key.map(|(_, v)| v.as_str()) != Some(OS_KEY) {
            return respond(
                &mut stream,
                "401 Unauthorized",
                "",
                b"{\"detail\":\"bad key\"}",
            );
        }
        let all = fixture(&format!("openstates-day{day}.json"));
        let since = param(&ps, "updated_since").unwrap_or("");
        let kept: Vec<Value> = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["updated_at"].as_str().unwrap_or("") >= since)
            .cloned()
            .collect();
        // Two per page, so that paging is exercised.
        let per = 2usize;
        let page: usize = param(&ps, "page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let max_page = kept.len().div_ceil(per).max(1);
        let results: Vec<Value> = kept
            .iter()
            .skip((page - 1) * per)
            .take(per)
            .cloned()
            .collect();
        json!({"results": results, "pagination": {"per_page": per, "page": page, "max_page": max_page, "total_items": kept.len()}})
    } else if path.starts_with("/ls/") {
        if param(&ps, "key") != Some(LS_KEY) {
            return respond(
                &mut stream,
                "200 OK",
                "",
                b"{\"status\":\"ERROR\",\"alert\":{\"message\":\"Invalid API key\"}}",
            );
        }
        let day_file = fixture(&format!("legiscan-day{day}.json"));
        match param(&ps, "op") {
            Some("getMasterListRaw") => day_file["masterlist"].clone(),
            Some("getBill") => {
                let id = param(&ps, "id").unwrap_or("");
                day_file["bills"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|b| {
                        b["bill"]["bill_id"]
                            .as_u64()
                            .map(|n| n.to_string())
                            .as_deref()
                            == Some(id)
                    })
                    .cloned()
                    .unwrap_or(json!({"status":"ERROR","alert":{"message":"Unknown bill id"}}))
            }
            _ => json!({"status":"ERROR","alert":{"message":"Unknown operation"}}),
        }
    } else {
        return respond(&mut stream, "404 Not Found", "", b"{}");
    };
    let bytes = serde_json::to_vec(&body).unwrap();
    match fault {
        Some(Fault::CutBody) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len()
            )?;
            stream.write_all(&bytes[..bytes.len() / 2])?;
            stream.flush()?;
            let _ = stream.shutdown(std::net::Shutdown::Both);
            Ok(())
        }
        Some(Fault::CutJson) => respond(&mut stream, "200 OK", "", &bytes[..bytes.len() / 2]),
        _ => respond(&mut stream, "200 OK", "", &bytes),
    }
}
