//! Sending a digest by SMTP with `lettre`: plain text with an HTML
//! alternative. The server is named by a URL, `smtp://[USER[:PASS]@]HOST[:PORT]`
//! (port 25 by default). No TLS stack is compiled in: the URL names a
//! relay that accepts plain SMTP, such as the machine's own mail server.
//! A password is never put in an error.

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport as _};

/// An SMTP server, parsed from its URL.
#[derive(Debug, PartialEq, Eq)]
pub struct Smtp {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// User and password, when the URL has them.
    pub credentials: Option<(String, String)>,
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
    /// Parses `smtp://[USER[:PASS]@]HOST[:PORT]`. The error never repeats
    /// the URL (it may hold a password).
    pub fn parse(url: &str) -> Result<Smtp, String> {
        let rest = url.strip_prefix("smtp://").ok_or(
            "an SMTP URL starts with smtp:// (smtps is not supported: no TLS is built in)",
        )?;
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
            _ => (hostport, 25),
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
    let mut t = SmtpTransport::builder_dangerous(&smtp.host).port(smtp.port);
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
                credentials: None
            }
        );
        assert_eq!(
            Smtp::parse("smtp://me:p%40ss@mail.example.org").unwrap(),
            Smtp {
                host: "mail.example.org".into(),
                port: 25,
                credentials: Some(("me".into(), "p@ss".into()))
            }
        );
        let e = Smtp::parse("smtp://me:s3cret@host:xx").unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
        assert!(Smtp::parse("smtps://host").is_err());
    }
}
