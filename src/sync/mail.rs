//! Sending a digest by SMTP with `lettre`: plain text with an HTML
//! alternative. The server is named by a URL, as `lettre`'s own
//! `SmtpTransport::from_url` reads it:
//!
//! - `smtp://[USER[:PASS]@]HOST[:PORT]`: plain SMTP (port 25 by default);
//! - `smtp://HOST[:PORT]?tls=required`: STARTTLS, refusing a server that
//!   does not offer it (port 587 by default);
//! - `smtp://HOST[:PORT]?tls=opportunistic`: STARTTLS when the server
//!   offers it, else plain (port 587 by default);
//! - `smtps://HOST[:PORT]`: TLS from the first byte (port 465 by default).
//!
//! TLS is `rustls` with the Mozilla root certificates (`webpki-roots`),
//! the stack `ureq` already brings. A password is never put in an error.

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport as _};

/// How the connection to an SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// Not at all (`smtp://`).
    Plain,
    /// STARTTLS (`smtp://...?tls=required` or `?tls=opportunistic`): when
    /// `required`, a server that does not offer it is refused.
    StartTls {
        /// Refuse a server without STARTTLS.
        required: bool,
    },
    /// TLS from the start (`smtps://`).
    Tls,
}

/// An SMTP server, parsed from its URL.
#[derive(Debug, PartialEq, Eq)]
pub struct Smtp {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// User and password, when the URL has them.
    pub credentials: Option<(String, String)>,
    /// Plain, STARTTLS or TLS.
    pub security: Security,
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 3 <= b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
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

impl Smtp {
    /// Parses an SMTP URL (see the module's header). The error never
    /// repeats the URL (it may hold a password).
    pub fn parse(url: &str) -> Result<Smtp, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or("an SMTP URL starts with smtp:// (plain or STARTTLS) or smtps:// (TLS)")?;
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let security = match (scheme, query) {
            ("smtp", None) => Security::Plain,
            ("smtp", Some("tls=required")) => Security::StartTls { required: true },
            ("smtp", Some("tls=opportunistic")) => Security::StartTls { required: false },
            ("smtps", None) => Security::Tls,
            ("smtp" | "smtps", Some(_)) => {
                return Err(
                    "the SMTP URL's query may only be `?tls=required` or `?tls=opportunistic`, after smtp://".into(),
                )
            }
            _ => {
                return Err(
                    "an SMTP URL starts with smtp:// (plain or STARTTLS) or smtps:// (TLS)".into(),
                )
            }
        };
        let default_port = match security {
            Security::Plain => 25,
            Security::StartTls { .. } => 587,
            Security::Tls => 465,
        };
        let rest = rest.trim_end_matches('/');
        let (auth, hostport) = match rest.rsplit_once('@') {
            Some((a, h)) => (Some(a), h),
            None => (None, rest),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || p.is_empty() => (
                h,
                p.parse::<u16>()
                    .map_err(|_| "the SMTP URL's port is not a number".to_owned())?,
            ),
            _ => (hostport, default_port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err("the SMTP URL names no host".into());
        }
        let credentials = auth.map(|a| match a.split_once(':') {
            Some((u, p)) => (percent_decode(u), percent_decode(p)),
            None => (percent_decode(a), String::new()),
        });
        Ok(Smtp {
            host: host.to_owned(),
            port,
            credentials,
            security,
        })
    }
}

/// A message to send.
pub struct Mail<'a> {
    /// The sender.
    pub from: &'a str,
    /// The recipients.
    pub to: &'a [String],
    /// The subject.
    pub subject: &'a str,
    /// The plain text.
    pub text: String,
    /// The HTML alternative.
    pub html: String,
}

/// Sends `mail` through `smtp`.
pub fn send(smtp: &Smtp, mail: Mail<'_>) -> Result<(), String> {
    let from: Mailbox = mail
        .from
        .parse()
        .map_err(|e| format!("--from `{}`: {e}", mail.from))?;
    let mut b = Message::builder().from(from).subject(mail.subject);
    for to in mail.to {
        let to: Mailbox = to.parse().map_err(|e| format!("--email `{to}`: {e}"))?;
        b = b.to(to);
    }
    let msg = b
        .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
        .map_err(|e| format!("cannot build the message: {e}"))?;
    let params = || {
        TlsParameters::new(smtp.host.clone())
            .map_err(|e| format!("TLS for {}:{}: {e}", smtp.host, smtp.port))
    };
    let tls = match smtp.security {
        Security::Plain => Tls::None,
        Security::StartTls { required: true } => Tls::Required(params()?),
        Security::StartTls { required: false } => Tls::Opportunistic(params()?),
        Security::Tls => Tls::Wrapper(params()?),
    };
    let mut t = SmtpTransport::builder_dangerous(&smtp.host)
        .port(smtp.port)
        .tls(tls);
    if let Some((u, p)) = &smtp.credentials {
        t = t.credentials(Credentials::new(u.clone(), p.clone()));
    }
    t.build()
        .send(&msg)
        .map_err(|e| format!("sending to {}:{} failed: {e}", smtp.host, smtp.port))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_and_errors_hide_the_password() {
        assert_eq!(
            Smtp::parse("smtp://127.0.0.1:2525").unwrap(),
            Smtp {
                host: "127.0.0.1".into(),
                port: 2525,
                credentials: None,
                security: Security::Plain,
            }
        );
        assert_eq!(
            Smtp::parse("smtp://me:p%40ss@mail.example.org").unwrap(),
            Smtp {
                host: "mail.example.org".into(),
                port: 25,
                credentials: Some(("me".into(), "p@ss".into())),
                security: Security::Plain,
            }
        );
        let e = Smtp::parse("smtp://me:s3cret@host:xx").unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
        assert!(Smtp::parse("http://host").is_err());
        assert!(Smtp::parse("smtp://host?tls=maybe").is_err());
        assert!(Smtp::parse("smtps://host?tls=required").is_err());
    }

    #[test]
    fn tls_urls_parse_with_their_default_ports() {
        let parse = |u: &str| {
            let s = Smtp::parse(u).unwrap();
            (s.host, s.port, s.security)
        };
        assert_eq!(
            parse("smtps://mail.example.org"),
            ("mail.example.org".into(), 465, Security::Tls)
        );
        assert_eq!(
            parse("smtps://me:pw@mail.example.org:2465"),
            ("mail.example.org".into(), 2465, Security::Tls)
        );
        assert_eq!(
            parse("smtp://mail.example.org?tls=required"),
            (
                "mail.example.org".into(),
                587,
                Security::StartTls { required: true }
            )
        );
        assert_eq!(
            parse("smtp://mail.example.org:2587?tls=opportunistic"),
            (
                "mail.example.org".into(),
                2587,
                Security::StartTls { required: false }
            )
        );
        // `lettre` reads the same URLs the same way.
        for u in [
            "smtps://mail.example.org",
            "smtp://mail.example.org?tls=required",
            "smtp://mail.example.org:2587?tls=opportunistic",
        ] {
            assert!(SmtpTransport::from_url(u).is_ok(), "{u}");
        }
    }

    /// A server that greets in plain SMTP, offers no STARTTLS, and keeps
    /// what the client first sent.
    fn plain_server() -> (u16, std::thread::JoinHandle<Vec<u8>>) {
        use std::io::{Read as _, Write as _};
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let h = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .unwrap();
            let _ = s.write_all(b"220 plain ESMTP\r\n");
            let mut first = vec![0u8; 512];
            let n = s.read(&mut first).unwrap_or(0);
            first.truncate(n);
            if first.starts_with(b"EHLO") {
                let _ = s.write_all(b"250-plain\r\n250 8BITMIME\r\n");
                let mut rest = vec![0u8; 512];
                let _ = s.read(&mut rest);
            }
            first
        });
        (port, h)
    }

    fn mail() -> Mail<'static> {
        Mail {
            from: "policygraph <policygraph@localhost>",
            to: &[],
            subject: "test",
            text: "text".into(),
            html: "<p>html</p>".into(),
        }
    }

    #[test]
    fn tls_is_asked_for_when_the_url_says_so() {
        // smtps: the first bytes are a TLS ClientHello (a handshake record,
        // 0x16), not an EHLO; the plain greeting fails the handshake.
        let (port, server) = plain_server();
        let smtp = Smtp::parse(&format!("smtps://localhost:{port}")).unwrap();
        let to = ["a@example.org".to_owned()];
        let e = send(&smtp, Mail { to: &to, ..mail() }).unwrap_err();
        let first = server.join().unwrap();
        assert_eq!(first.first(), Some(&0x16), "{first:?}");
        assert!(e.contains(&format!("localhost:{port}")), "{e}");
        // STARTTLS required: a server that does not offer it is refused
        // before anything is sent.
        let (port, server) = plain_server();
        let smtp = Smtp::parse(&format!("smtp://localhost:{port}?tls=required")).unwrap();
        let e = send(&smtp, Mail { to: &to, ..mail() }).unwrap_err();
        assert!(server.join().unwrap().starts_with(b"EHLO"));
        assert!(e.to_lowercase().contains("tls"), "{e}");
    }
}
