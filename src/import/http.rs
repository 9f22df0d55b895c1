//! The one HTTP client every importer and the coming `sync` share: a URL
//! in, the answer's bytes (or its JSON) out. Requests are retried with
//! backoff on 429 and 5xx answers and on network failures, a `Retry-After`
//! header is honoured (up to the longest pause), and an API key is never
//! put in an error or a log: a URL is named only through [`redact`].

use super::json;
use super::ImportError;

/// How a fetch is going, for a progress bar.
#[derive(Clone, Debug)]
pub enum Progress {
    /// A page arrived; `total` pages in all when the API says.
    Page {
        /// Pages read so far.
        done: u64,
        /// Pages in all.
        total: Option<u64>,
    },
    /// A request failed and will be tried again after a pause.
    Retry {
        /// The URL (through [`redact`]).
        url: String,
        /// Why.
        reason: String,
        /// The pause.
        wait: std::time::Duration,
    },
}

/// Retry policy of a [`Client`].
#[derive(Clone, Debug)]
pub struct Retry {
    /// Tries per request, the first included.
    pub tries: u32,
    /// The first pause; each next pause doubles it (a `Retry-After` header
    /// is obeyed up to `max_wait`).
    pub first_wait: std::time::Duration,
    /// The longest pause.
    pub max_wait: std::time::Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            tries: 5,
            first_wait: std::time::Duration::from_millis(500),
            max_wait: std::time::Duration::from_secs(30),
        }
    }
}

/// An HTTP client: `policygraph/VERSION` as its user agent, two minutes
/// per request, and a retry policy.
#[derive(Debug)]
pub struct Client {
    agent: ureq::Agent,
    retry: Retry,
}

impl Client {
    /// A client that retries as `retry` says.
    pub fn new(retry: Retry) -> Client {
        let agent = ureq::AgentBuilder::new()
            .user_agent(concat!("policygraph/", env!("CARGO_PKG_VERSION")))
            .timeout(std::time::Duration::from_secs(120))
            .build();
        Client { agent, retry }
    }

    /// GETs `url`, retrying 429 and 5xx answers and network failures; the
    /// body, at most [`json::MAX_INPUT_BYTES`] of it.
    pub fn get(
        &self,
        url: &str,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<u8>, ImportError> {
        self.get_with(url, &[], progress)
    }

    /// GETs `url` as [`Client::get`] does, with these request headers (an
    /// API key sent as a header never shows in a URL; header values are
    /// never put in an error or a log).
    pub fn get_with(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<u8>, ImportError> {
        use std::io::Read as _;
        let retry = &self.retry;
        let mut wait = retry.first_wait;
        let mut attempt = 1;
        loop {
            let mut req = self.agent.get(url);
            for (name, value) in headers {
                req = req.set(name, value);
            }
            let outcome = req.call();
            let (reason, after) = match outcome {
                Ok(resp) => {
                    let mut body = Vec::new();
                    let read = resp
                        .into_reader()
                        .take(json::MAX_INPUT_BYTES)
                        .read_to_end(&mut body);
                    match read {
                        Ok(_) => return Ok(body),
                        Err(e) => (format!("reading the answer failed: {e}"), None),
                    }
                }
                Err(ureq::Error::Status(code, resp)) if code == 429 || code >= 500 => {
                    let after = resp
                        .header("Retry-After")
                        .and_then(|s| s.trim().parse::<u64>().ok())
                        .map(std::time::Duration::from_secs);
                    (format!("HTTP {code}"), after)
                }
                Err(ureq::Error::Status(code, resp)) => {
                    let body = resp.into_string().unwrap_or_default();
                    let short: String = body.chars().take(200).collect();
                    return Err(ImportError::Http {
                        url: redact(url),
                        message: format!("HTTP {code}: {short}"),
                    });
                }
                Err(ureq::Error::Transport(t)) => (t.to_string(), None),
            };
            if attempt >= retry.tries {
                return Err(ImportError::Http {
                    url: redact(url),
                    message: format!("{reason}, after {attempt} tries"),
                });
            }
            let pause = after.unwrap_or(wait).min(retry.max_wait);
            progress(Progress::Retry {
                url: redact(url),
                reason,
                wait: pause,
            });
            std::thread::sleep(pause);
            wait = (wait * 2).min(retry.max_wait);
            attempt += 1;
        }
    }

    /// GETs `url` as [`Client::get`] does, and parses the answer as JSON.
    pub fn get_json(
        &self,
        url: &str,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<serde_json::Value, ImportError> {
        let body = self.get(url, progress)?;
        json::parse_value(&redact(url), &body)
    }
}

/// Percent-encodes a query component.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Query parameters that carry a key, compared without regard to case.
const SECRET_PARAMS: &[&str] = &["access_token", "api_key", "apikey", "key", "token"];

/// `url` as it may be shown in an error or a log: the value of every query
/// parameter that carries a key (`api_key`, `apikey`, `key`, `token`,
/// `access_token`) becomes `REDACTED`. Any other URL comes back as it was.
pub fn redact(url: &str) -> String {
    let Some((head, rest)) = url.split_once('?') else {
        return url.to_owned();
    };
    let (query, fragment) = match rest.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (rest, None),
    };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((name, _)) if SECRET_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(name)) => {
                format!("{name}=REDACTED")
            }
            _ => p.to_owned(),
        })
        .collect();
    let mut out = format!("{head}?{}", params.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_blanked_and_other_urls_kept() {
        for same in [
            "https://www.federalregister.gov/api/v1/agencies.json",
            "http://x/api/v1/documents.json?per_page=1000&fields%5B%5D=title&conditions%5Btype%5D%5B%5D=RULE",
            "http://x/a?monkey=1&keys=2#key=3",
            "http://x/a?",
        ] {
            assert_eq!(redact(same), same);
        }
        assert_eq!(
            redact("https://api.congress.gov/v3/bill?format=json&API_KEY=s3cret&limit=250"),
            "https://api.congress.gov/v3/bill?format=json&API_KEY=REDACTED&limit=250"
        );
        assert_eq!(
            redact("https://api.legiscan.com/?key=s3cret&op=getBill&id=1#top"),
            "https://api.legiscan.com/?key=REDACTED&op=getBill&id=1#top"
        );
    }

    #[test]
    fn encode_keeps_unreserved_bytes() {
        assert_eq!(encode("fields[]"), "fields%5B%5D");
        assert_eq!(encode("a-b_c.d~e f"), "a-b_c.d~e%20f");
    }
}
