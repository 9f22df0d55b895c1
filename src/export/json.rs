//! Node-link JSON: `{ "nodes": [...], "edges": [...] }`, with every entity
//! field on its node and every relation field on its edge. The schema is
//! documented in docs/json.md ("JSON output").

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Options;
use crate::model::{
    Confidence, Date, Deadline, Entity, Event, Figure, Identifier, Kind, Relation, RelationKind,
    Source, Stage,
};
use crate::select::Subgraph;

/// Version of the JSON layout; raised on any incompatible change.
const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    schema: u32,
    as_of: Option<Date>,
    focus: Option<&'a str>,
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge<'a>>,
}

#[derive(Serialize)]
struct Node<'a> {
    id: &'a str,
    kind: Kind,
    label: &'a str,
    name: &'a str,
    names: &'a BTreeMap<String, String>,
    aliases: &'a [String],
    jurisdiction: &'a str,
    status: Option<Stage>,
    first_seen: Option<Date>,
    summary: &'a str,
    summaries: &'a BTreeMap<String, String>,
    identifiers: &'a [Identifier],
    events: Vec<&'a Event>,
    deadlines: &'a [Deadline],
    sources: &'a [Source],
    tags: &'a [String],
    figure: Option<&'a Figure>,
    confidence: Confidence,
    notes: &'a [String],
    file: String,
    focus: bool,
}

#[derive(Serialize)]
struct Edge<'a> {
    source: &'a str,
    target: &'a str,
    relation: RelationKind,
    inverse: &'static str,
    date: Option<Date>,
    note: &'a str,
    confidence: Confidence,
    source_ref: Option<&'a Source>,
}

/// Writes `sub` as pretty-printed node-link JSON with a final newline.
pub fn write_json(out: &mut impl Write, sub: &Subgraph<'_>, opts: &Options) -> io::Result<()> {
    let corpus = sub.corpus;
    let nodes = sub
        .nodes
        .iter()
        .map(|&i| {
            node(
                &corpus.entities[i],
                &corpus.paths[i],
                sub,
                opts,
                Some(i) == sub.focus,
            )
        })
        .collect();
    let edges = sub
        .edges
        .iter()
        .map(|&(s, t, r)| edge(&corpus.entities[s], &corpus.entities[t], r))
        .collect();
    let doc = Doc {
        schema: SCHEMA_VERSION,
        as_of: sub.as_of,
        focus: sub.focus.map(|f| corpus.entities[f].id.as_str()),
        nodes,
        edges,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn node<'a>(
    e: &'a Entity,
    path: &std::path::Path,
    sub: &Subgraph<'_>,
    opts: &Options,
    focus: bool,
) -> Node<'a> {
    Node {
        id: &e.id,
        kind: e.kind,
        label: e.name_in(opts.lang.as_deref()),
        name: &e.name,
        names: &e.names,
        aliases: &e.aliases,
        jurisdiction: &e.jurisdiction,
        status: e.kind.has_status().then(|| e.status(sub.as_of)).flatten(),
        first_seen: e.first_seen(),
        summary: &e.summary,
        summaries: &e.summaries,
        identifiers: &e.identifiers,
        // As of a date, later events have not happened yet.
        events: e
            .events
            .iter()
            .filter(|ev| sub.as_of.is_none_or(|d| ev.date <= d))
            .collect(),
        deadlines: &e.deadlines,
        sources: &e.sources,
        tags: &e.tags,
        figure: e.figure.as_ref(),
        confidence: e.confidence,
        notes: &e.notes,
        file: path.to_string_lossy().replace('\\', "/"),
        focus,
    }
}

fn edge<'a>(from: &'a Entity, to: &'a Entity, r: &'a Relation) -> Edge<'a> {
    Edge {
        source: &from.id,
        target: &to.id,
        relation: r.rel,
        inverse: r.rel.inverse_name(),
        date: r.date,
        note: &r.note,
        confidence: r.confidence,
        source_ref: r.source.and_then(|n| from.sources.get(n)),
    }
}
