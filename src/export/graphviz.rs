//! Rendering DOT to SVG, PNG or PDF with the Graphviz `dot` program.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::Error;

/// What Graphviz can render a diagram to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RenderFormat {
    /// Scalable vector graphics.
    Svg,
    /// A bitmap.
    Png,
    /// A PDF page.
    Pdf,
}

impl RenderFormat {
    /// The format a file name asks for: `.svg`, `.png` or `.pdf`, in any case.
    pub fn from_path(path: &Path) -> Option<RenderFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "svg" => Some(RenderFormat::Svg),
            "png" => Some(RenderFormat::Png),
            "pdf" => Some(RenderFormat::Pdf),
            _ => None,
        }
    }

    /// The `-T` argument of `dot`.
    pub fn name(self) -> &'static str {
        match self {
            RenderFormat::Svg => "svg",
            RenderFormat::Png => "png",
            RenderFormat::Pdf => "pdf",
        }
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
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Tool(format!(
                "Graphviz `dot` is not installed or not on PATH; {INSTALL_HINT}"
            )),
            _ => Error::Tool(format!("cannot run Graphviz `dot`: {e}")),
        })?;
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
