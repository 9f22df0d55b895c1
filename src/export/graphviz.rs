//! Rendering DOT to SVG, PNG, PDF or any other image format the Graphviz
//! `dot` program supports; and the font check for Chinese labels.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::Error;

/// An image format Graphviz is asked to render a diagram to, named by the
/// `-T` argument of `dot` (`svg`, `png`, `pdf`, `jpg`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RenderFormat(&'static str);

/// File name extensions that name an image, not a text format. A file with
/// one of these is rendered by Graphviz, or refused when this Graphviz
/// cannot render it; DOT text is never written into it.
const IMAGE_EXTENSIONS: &[&str] = &[
    "svg", "svgz", "png", "pdf", "jpg", "jpeg", "jpe", "gif", "webp", "bmp", "tif", "tiff", "ps",
    "eps", "ico",
];

impl RenderFormat {
    /// Scalable vector graphics, for the web site's diagrams.
    pub const SVG: RenderFormat = RenderFormat("svg");

    /// The format a file name asks for when its extension (in any case)
    /// names an image; `None` for text (`.dot`, `.gv`, `.json`, `.mmd`, no
    /// extension, ...).
    pub fn from_path(path: &Path) -> Option<RenderFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        IMAGE_EXTENSIONS
            .iter()
            .find(|e| **e == ext)
            .map(|e| RenderFormat(e))
    }

    /// The `-T` argument of `dot`.
    pub fn name(self) -> &'static str {
        self.0
    }

    /// Whether the result is a bitmap or a PDF, which draws text with the
    /// fonts installed here (an SVG leaves that to its viewer).
    pub fn embeds_fonts(self) -> bool {
        !matches!(self.0, "svg" | "svgz")
    }
}

/// The output formats this Graphviz can render to, from `dot -T?` (which
/// lists them on stderr after "Use one of:"), sorted.
pub fn graphviz_formats() -> crate::Result<Vec<String>> {
    let out = Command::new("dot")
        .arg("-T?")
        .stdin(Stdio::null())
        .output()
        .map_err(not_installed)?;
    let text = String::from_utf8_lossy(&out.stderr);
    let list = text
        .split_once("one of:")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let mut formats: Vec<String> = list
        .split_whitespace()
        .map(|f| f.split(':').next().unwrap_or(f).to_owned())
        .collect();
    formats.sort();
    formats.dedup();
    Ok(formats)
}

/// Whether a Chinese font is installed, as fontconfig sees it
/// (`fc-list :lang=zh`). `None` when `fc-list` cannot be run, so nothing
/// can be said.
pub fn cjk_font_installed() -> Option<bool> {
    let out = Command::new("fc-list")
        .args([":lang=zh", "family"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(out.stdout.iter().any(|b| !b.is_ascii_whitespace()))
}

fn not_installed(e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::NotFound => Error::Tool(format!(
            "Graphviz `dot` is not installed or not on PATH; {INSTALL_HINT}"
        )),
        _ => Error::Tool(format!("cannot run Graphviz `dot`: {e}")),
    }
}

/// How to get Graphviz, for error messages.
const INSTALL_HINT: &str =
    "install Graphviz (`apt-get install graphviz`, `brew install graphviz`, or see https://graphviz.org/download/), \
     or write DOT with `-o FILE.dot` and render it elsewhere";

/// Runs `dot -T<format>` on `dot_source` and returns what it rendered.
/// A missing `dot` or a failed run is an [`Error::Tool`].
pub fn graphviz(dot_source: &[u8], format: RenderFormat) -> crate::Result<Vec<u8>> {
    let tflag = format!("-T{}", format.name());
    let mut child = Command::new("dot")
        .arg(&tflag)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(not_installed)?;
    let (mut stdin, mut stdout, mut stderr) =
        match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
            (Some(i), Some(o), Some(e)) => (i, o, e),
            _ => {
                return Err(Error::Tool(
                    "cannot talk to Graphviz `dot`: missing pipe".into(),
                ))
            }
        };
    // Feed stdin from its own thread while reading stdout and stderr, so
    // that no pipe fills up and blocks the other side.
    let (fed, out, err) = std::thread::scope(|s| {
        let feeder = s.spawn(move || {
            let r = stdin.write_all(dot_source);
            drop(stdin);
            r
        });
        let errs = s.spawn(move || {
            let mut buf = Vec::new();
            let _ = stderr.read_to_end(&mut buf);
            buf
        });
        let mut out = Vec::new();
        let read = stdout.read_to_end(&mut out);
        let fed = feeder
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("writer thread failed")));
        let err = errs.join().unwrap_or_default();
        (fed.and(read), out, err)
    });
    let status = child
        .wait()
        .map_err(|e| Error::Tool(format!("Graphviz `dot` did not finish: {e}")))?;
    if !status.success() {
        let msg = String::from_utf8_lossy(&err);
        return Err(Error::Tool(format!(
            "Graphviz `dot {tflag}` failed ({status}): {}",
            msg.trim()
        )));
    }
    fed.map_err(|e| Error::Tool(format!("cannot pipe the diagram to Graphviz `dot`: {e}")))?;
    Ok(out)
}
