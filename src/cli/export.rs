//! `policygraph export`: the graph, whole or focused, as Graphviz DOT,
//! Mermaid or node-link JSON, to stdout or atomically to a file (rendered
//! by Graphviz when the file ends in `.svg`, `.png` or `.pdf`).

use std::io::Write;
use std::path::PathBuf;

use policygraph::export::{self, Cluster, Format, Options, RenderFormat};
use policygraph::graph::Graph;
use policygraph::model::{Kind, RelationKind};
use policygraph::select::{select, Selection};
use policygraph::Error;

use super::flags::{AsOfOpt, LangOpt};
use super::{Ctx, Status};

/// The format argument of `export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Graphviz DOT (`| dot -Tsvg > graph.svg`).
    Dot,
    /// A Mermaid flowchart for Markdown (GitHub renders it).
    Mermaid,
    /// Node-link JSON with every field.
    Json,
}

/// How `--cluster` groups nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ClusterBy {
    /// One box per jurisdiction (`US`, `US-TX`).
    Jurisdiction,
}

/// Options of `export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(value_enum)]
    pub format: ExportFormat,

    /// Show only the neighbourhood of this entity (id, alias or name).
    #[arg(long, value_name = "REF")]
    pub focus: Option<String>,

    /// Hops from the focus, following relations both ways.
    #[arg(long, value_name = "N", default_value_t = 2, requires = "focus")]
    pub depth: usize,

    /// Keep only entities of this kind (repeatable; the focus is always
    /// kept): agency, office, body, person, organization, executive_order,
    /// statute, bill, rule, guidance, report, program, plan_type,
    /// asset_class, event, figure.
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,

    /// Keep only this relation (repeatable); entities it leaves
    /// unconnected are dropped. For example directs, issued_by, part_of;
    /// an inverse name as `show` prints it (`enacted_by`) names the same
    /// relation.
    #[arg(long = "relation", value_name = "REL", value_parser = RelationKind::parse_either)]
    pub relations: Vec<RelationKind>,

    /// Keep only entities in this jurisdiction (repeatable): `US` (or
    /// `federal`) for federal entities, `US-TX`, `TX` or `Texas` for a
    /// state, `US-` (or `states`) for every state.
    #[arg(long = "jurisdiction", value_name = "J")]
    pub jurisdictions: Vec<policygraph::select::Jurisdiction>,

    /// With `--focus`, walk on through asset classes and plan types too
    /// (by default they are drawn but not walked through).
    #[arg(long, requires = "focus")]
    pub through_hubs: bool,

    /// Group nodes into boxes (dot and mermaid).
    #[arg(long, value_enum, value_name = "BY")]
    pub cluster: Option<ClusterBy>,

    /// Leave entity ids out of node labels (dot and mermaid).
    #[arg(long)]
    pub no_ids: bool,

    /// Write to this file instead of stdout, atomically. With `dot`, a name
    /// ending in an image extension (`.svg`, `.png`, `.pdf`, `.jpg`, ...)
    /// is rendered by Graphviz, or refused when Graphviz cannot render it.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
}

impl ExportArgs {
    /// Whether the format is JSON (`export json`).
    pub fn writes_json(&self) -> bool {
        self.format == ExportFormat::Json
    }
}

/// Runs `export`.
pub fn run(ctx: &Ctx, args: &ExportArgs) -> anyhow::Result<Status> {
    let format = match args.format {
        ExportFormat::Dot => Format::Dot,
        ExportFormat::Mermaid => Format::Mermaid,
        ExportFormat::Json => Format::Json,
    };
    let render = args.output.as_deref().and_then(RenderFormat::from_path);
    if let Some(r) = render {
        if format != Format::Dot {
            return Err(Error::Usage(format!(
                "only `export dot` can be rendered to .{}; use `export dot -o FILE.{}`, or another file name",
                r.name(),
                r.name()
            ))
            .into());
        }
        // An image name gets an image or an error, never DOT text.
        let formats = export::graphviz_formats()?;
        if !formats.iter().any(|f| f == r.name()) {
            let images: Vec<&str> = formats
                .iter()
                .map(String::as_str)
                .filter(|f| {
                    RenderFormat::from_path(std::path::Path::new(&format!("x.{f}"))).is_some()
                })
                .collect();
            return Err(Error::Usage(format!(
                "this Graphviz cannot render .{} files; it renders: {} (or write DOT text with `-o FILE.dot`)",
                r.name(),
                images.join(", ")
            ))
            .into());
        }
    }
    if args.cluster.is_some() && format == Format::Json {
        return Err(Error::Usage("`--cluster` applies to dot and mermaid, not json".into()).into());
    }
    let corpus = ctx.corpus()?;
    let graph = Graph::new(&corpus);
    let focus = args
        .focus
        .as_deref()
        .map(|r| corpus.resolve(r))
        .transpose()?;
    let selection = Selection {
        focus,
        depth: args.depth,
        kinds: args.kinds.clone(),
        relations: args.relations.clone(),
        jurisdictions: args.jurisdictions.clone(),
        as_of: ctx.as_of,
        through_hubs: args.through_hubs,
    };
    let sub = select(&graph, &selection);
    let status = if sub.is_empty() {
        super::ctx::note("nothing to export: no entity matches the selection");
        // An empty diagram is no use, but JSON stays a valid document
        // (with no nodes) that a script can read.
        if format != Format::Json {
            return Ok(Status::Found);
        }
        Status::Found
    } else {
        Status::Ok
    };
    let opts = Options {
        lang: ctx.lang.clone(),
        cluster: args.cluster.map(|c| match c {
            ClusterBy::Jurisdiction => Cluster::Jurisdiction,
        }),
        hide_ids: args.no_ids,
        words: None,
    };
    match (&args.output, render) {
        (None, _) => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            export::write(format, &mut out, &sub, &opts)
                .and_then(|()| out.flush())
                .map_err(|e| Error::io("<stdout>", e))?;
        }
        (Some(path), None) => {
            export::write_atomic(path, |mut w| {
                export::write(format, &mut w, &sub, &opts).map_err(|e| Error::io(path, e))
            })?;
        }
        (Some(path), Some(r)) => {
            if r.embeds_fonts()
                && has_cjk_labels(&sub, &opts)
                && export::cjk_font_installed() == Some(false)
            {
                super::ctx::warn(&format!(
                    "no Chinese font is installed (`fc-list :lang=zh` lists none), so the Chinese labels in {} will be drawn as empty boxes; install one (`apt-get install fonts-noto-cjk`) or export to .svg",
                    path.display()
                ));
            }
            let mut dot = Vec::new();
            export::write(format, &mut dot, &sub, &opts).map_err(|e| Error::io(path, e))?;
            let image = export::graphviz(&dot, r)?;
            export::write_atomic(path, |w| {
                w.write_all(&image).map_err(|e| Error::io(path, e))
            })?;
        }
    }
    Ok(status)
}

/// Whether any label of the diagram holds Chinese, Japanese or Korean
/// characters (names in `--lang`, else English).
fn has_cjk_labels(sub: &policygraph::select::Subgraph<'_>, opts: &Options) -> bool {
    let cjk = |c: char| {
        matches!(c as u32,
            0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
    };
    sub.nodes.iter().any(|&i| {
        sub.corpus.entities[i]
            .name_in(opts.lang.as_deref())
            .chars()
            .any(cjk)
    })
}
