//! A static web site of the knowledge graph: a home page, one page per
//! entity, lists by kind and jurisdiction, the timeline, the deadlines, an
//! in-browser search, in English, Traditional and Simplified Chinese.
//!
//! The site answers with the same library calls as the CLI:
//! [`query::agencies`] for "which agencies", [`track::timeline`] and
//! [`track::deadlines`] for the time views, the nodes of
//! [`store::build_nodes`] for the relations both ways as `show` groups
//! them. Pages come from minijinja templates (`templates/site/`), which
//! escape every value by default.
//!
//! Layout of the output directory:
//!
//! ```text
//! index.html                 sends the reader to the default language
//! <lang>/index.html          home: counts, latest events, upcoming deadlines
//! <lang>/e/<id>.html         one page per entity
//! <lang>/kind/<kind>.html    lists by kind
//! <lang>/jurisdiction/...    lists by jurisdiction, and the states together
//! <lang>/timeline/...        events by year and by kind
//! <lang>/deadlines.html      deadlines by state
//! <lang>/search.html         search (reads `?q=`)
//! assets/                    style sheet, search script and data
//! .policygraph-site          what each entity page was built from
//! ```
//!
//! Builds are deterministic (the same knowledge and options give the same
//! bytes) and incremental: an entity page records which entities it read
//! while it was rendered, and is rendered again only when one of them
//! changed. Every other file is rendered again and kept when its bytes
//! did not change. The private `output` module swaps the directory in.

mod diagram;
mod lang;
mod output;
mod pages;
mod search_data;

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};

use crate::check::Corpus;
use crate::model::{Confidence, Date, Entity, Kind};
use crate::query::{self, Step};
use crate::store::{self, Node, NodeSource};
use crate::track::{
    self, DeadlineFilter, DeadlineState, DeadlineStatus, TimelineEntry, TimelineFilter,
};
use crate::{Error, Result};

pub use diagram::{Layout, MAX_PEERS};
pub use lang::Lang;

use output::Output;

/// Bumped whenever pages change shape, so that a newer policygraph
/// renders every entity page again rather than keep old ones.
/// (2: pages in the reader's language throughout; 3: the manifest lists
/// the site's files.)
const FORMAT: u32 = 3;
/// The manifest file in the output directory.
pub const MANIFEST: &str = ".policygraph-site";
/// Depth of the "which agencies" walk, as `policygraph agencies` defaults.
const AGENCY_DEPTH: usize = 2;
/// Events and deadlines on the home page.
const HOME_ITEMS: usize = 10;
/// Events on the timeline's first page.
const TIMELINE_RECENT: usize = 200;

const T_BASE: &str = include_str!("../../templates/site/base.html");
const T_HOME: &str = include_str!("../../templates/site/home.html");
const T_ENTITY: &str = include_str!("../../templates/site/entity.html");
const T_LIST: &str = include_str!("../../templates/site/list.html");
const T_TIMELINE: &str = include_str!("../../templates/site/timeline.html");
const T_DEADLINES: &str = include_str!("../../templates/site/deadlines.html");
const T_SEARCH: &str = include_str!("../../templates/site/search.html");
const T_REDIRECT: &str = include_str!("../../templates/site/redirect.html");
const T_DIAGRAM: &str = include_str!("../../templates/site/diagram.svg");
const STYLE_CSS: &str = include_str!("../../templates/site/style.css");
const SEARCH_JS: &str = include_str!("../../templates/site/search.js");

/// What to build.
#[derive(Clone, Debug)]
pub struct SiteOptions {
    /// See the world as it stood on this day (`--as-of`): later entities,
    /// relations and events are left out.
    pub as_of: Option<Date>,
    /// The day statuses and deadlines are judged on when there is no
    /// `as_of` (today).
    pub today: Date,
    /// Only entities of these kinds get pages (every kind when empty).
    pub kinds: Vec<Kind>,
    /// Only entities in this jurisdiction, read as
    /// [`crate::select::Jurisdiction`] (`US` federal, `TX` or `Texas`, `US-`
    /// every state).
    pub jurisdiction: Option<String>,
    /// The language `index.html` sends the reader to.
    pub default_lang: Lang,
    /// How diagrams are laid out.
    pub layout: Layout,
    /// Feeds to publish (`policygraph digest`'s, see docs/sync.md), each
    /// linked from every page's head.
    pub feeds: Vec<SiteFeed>,
}

/// A feed the site publishes and links with `<link rel="alternate">`.
#[derive(Clone, Debug, Serialize)]
pub struct SiteFeed {
    /// Its path in the site (`feeds/changes.xml`).
    pub file: String,
    /// Its title.
    pub title: String,
    /// Its contents (Atom).
    #[serde(skip)]
    pub body: String,
}

impl SiteOptions {
    /// The day statuses and deadlines are judged on.
    pub fn day(&self) -> Date {
        self.as_of.unwrap_or(self.today)
    }
}

/// What a build did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Entities with a page.
    pub entities: usize,
    /// Files in the site.
    pub files: usize,
    /// Files written with new bytes.
    pub written: usize,
    /// Files kept unchanged from the previous build.
    pub kept: usize,
    /// Entities whose pages were rendered (the others were unaffected).
    pub rendered: usize,
}

/// Builds the site of `corpus` into `target`, replacing the previous
/// build's files and leaving everything else there (see docs/site.md). The
/// caller holds the knowledge base's write lock.
pub fn build(
    corpus: &Corpus,
    target: &Path,
    opts: &SiteOptions,
    _lock: &crate::lock::WriteLock,
) -> Result<Report> {
    if let Some(j) = &opts.jurisdiction {
        j.parse::<crate::select::Jurisdiction>()
            .map_err(Error::Usage)?;
    }
    let target = &crate::fsio::resolve(target);
    if target.exists() && !target.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` exists and is not a directory; the site needs a directory",
            target.display()
        )));
    }
    // A directory that holds something other than a site is not ours to
    // replace.
    if target.is_dir()
        && !target.join(MANIFEST).is_file()
        && std::fs::read_dir(target)
            .map_err(|e| Error::io(target, e))?
            .next()
            .is_some()
    {
        return Err(Error::Usage(format!(
            "`{}` is not empty and holds no policygraph site; choose an empty or new directory",
            target.display()
        )));
    }
    let site = Site::new(corpus, opts)?;
    let out = Output::start(target)?;
    let previous: Option<Manifest> = std::fs::read(out.target.join(MANIFEST))
        .ok()
        .and_then(|b| postcard::from_bytes(&b).ok());
    let old_files: Option<BTreeSet<String>> =
        previous.as_ref().map(|m| m.files.iter().cloned().collect());
    let old = previous
        .filter(|m| m.format == FORMAT && m.key == site.key)
        .unwrap_or_default();
    let (mut report, manifest) = site.write(&out, &old)?;
    let manifest_changed = out.finish(old_files.as_ref(), MANIFEST, |files| {
        let m = Manifest {
            files: files.to_vec(),
            ..manifest.clone()
        };
        postcard::to_stdvec(&m)
            .map_err(|e| Error::Index(format!("cannot encode the site manifest: {e}")))
    })?;
    if manifest_changed {
        report.written += 1;
    } else {
        report.kept += 1;
    }
    Ok(report)
}

/// Everything a build reads, computed once.
struct Site<'c> {
    corpus: &'c Corpus,
    opts: &'c SiteOptions,
    /// Each entity's node, borrowed from the corpus (an owned copy of
    /// every entity would double the site's memory).
    nodes: Vec<store::NodeRef<'c>>,
    /// Whether entity `i` has a page.
    included: Vec<bool>,
    /// Positions of the entities with a page, ascending.
    positions: Vec<usize>,
    /// A hash of each node (entity, peers, incoming relations).
    hashes: Vec<u64>,
    /// Deadlines by the entity that sets them.
    deadlines: BTreeMap<String, Vec<DeadlineStatus>>,
    all_deadlines: Vec<DeadlineStatus>,
    timeline: Vec<TimelineEntry>,
    envs: Vec<minijinja::Environment<'static>>,
    /// Hash of everything global a page depends on.
    key: u64,
}

/// What the manifest records: for each entity, the hash of what its pages
/// read and the ids they read; and every file of the site, so that the
/// next build deletes only what this one wrote.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    key: u64,
    pages: BTreeMap<String, (u64, Vec<String>)>,
    files: Vec<String>,
}

fn hash_of(bytes: &[u8]) -> u64 {
    // SipHash with fixed keys: stable within one build of policygraph,
    // which is all the manifest needs (its key includes the version).
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

fn template_error(e: minijinja::Error) -> Error {
    Error::Tool(format!("site template: {e:#}"))
}

impl<'c> Site<'c> {
    fn new(corpus: &'c Corpus, opts: &'c SiteOptions) -> Result<Site<'c>> {
        let day = opts.day();
        // The same rule as every other `--jurisdiction` (`US` federal,
        // `TX` or `Texas`, `US-` every state); checked in `build`.
        let jur = opts
            .jurisdiction
            .as_deref()
            .and_then(|j| j.parse::<crate::select::Jurisdiction>().ok());
        let included: Vec<bool> = corpus
            .entities
            .iter()
            .map(|e| {
                e.exists_on(opts.as_of)
                    && (opts.kinds.is_empty() || opts.kinds.contains(&e.kind))
                    && jur.as_ref().is_none_or(|j| j.matches(&e.jurisdiction))
            })
            .collect();
        let positions = (0..corpus.len()).filter(|&i| included[i]).collect();
        let nodes = store::node_refs(corpus);
        let hashes = nodes
            .iter()
            .map(|n| postcard::to_stdvec(n).map(|b| hash_of(&b)))
            .collect::<std::result::Result<Vec<u64>, _>>()
            .map_err(|e| Error::Index(format!("cannot encode a node: {e}")))?;
        let all_deadlines = track::deadlines(corpus, day, &DeadlineFilter::default());
        let mut deadlines: BTreeMap<String, Vec<DeadlineStatus>> = BTreeMap::new();
        for d in &all_deadlines {
            deadlines
                .entry(d.set_by.id.clone())
                .or_default()
                .push(d.clone());
        }
        let timeline = track::timeline(
            corpus,
            &TimelineFilter {
                as_of: opts.as_of,
                kinds: opts.kinds.clone(),
                jurisdiction: opts.jurisdiction.clone(),
                // The site's timelines and home page list the major
                // events; every event is on its entity's page.
                major: true,
                ..TimelineFilter::default()
            },
        )?;
        // The footer's "knowledge as of" is the build day; the latest event
        // recorded on or before it says how current the knowledge is.
        let latest = corpus
            .entities
            .iter()
            .zip(&included)
            .filter(|(_, i)| **i)
            .flat_map(|(e, _)| &e.events)
            .map(|ev| ev.date)
            .filter(|d| *d <= day)
            .max();
        let mut envs: Vec<minijinja::Environment<'static>> = Lang::ALL
            .iter()
            .map(|&l| environment(l, latest))
            .collect::<Result<_>>()?;
        for env in &mut envs {
            env.add_global("feeds", minijinja::Value::from_serialize(&opts.feeds));
        }
        let feed_names: Vec<(&str, &str)> = opts
            .feeds
            .iter()
            .map(|f| (f.file.as_str(), f.title.as_str()))
            .collect();
        let key = hash_of(
            format!(
                "{FORMAT} {} {:?} {day} {latest:?} {:?} {:?} {:?} {feed_names:?} {}",
                env!("CARGO_PKG_VERSION"),
                opts.as_of,
                opts.kinds,
                opts.jurisdiction,
                opts.layout,
                hash_of([T_BASE, T_ENTITY, T_DIAGRAM].concat().as_bytes())
            )
            .as_bytes(),
        );
        Ok(Site {
            corpus,
            opts,
            nodes,
            included,
            positions,
            hashes,
            deadlines,
            all_deadlines,
            timeline,
            envs,
            key,
        })
    }

    fn env(&self, lang: Lang) -> &minijinja::Environment<'static> {
        &self.envs[lang as usize]
    }

    /// The hash of what a page read, from the current nodes.
    fn deps_hash(&self, deps: &[String]) -> u64 {
        let mut h = String::with_capacity(deps.len() * 24);
        for d in deps {
            match self.corpus.index_of(d) {
                Some(i) => h.push_str(&format!(
                    "{d}:{}:{};",
                    self.hashes[i],
                    u8::from(self.included[i])
                )),
                None => h.push_str(&format!("{d}:missing;")),
            }
        }
        hash_of(h.as_bytes())
    }

    /// Renders the site into `out`, reusing the pages `old` says are
    /// unchanged. Returns the report and the new manifest (without its file
    /// list, which [`Output::finish`] fills in).
    fn write(&self, out: &Output, old: &Manifest) -> Result<(Report, Manifest)> {
        let mut files = 0usize;
        let mut put = |rel: &str, bytes: &[u8]| -> Result<()> {
            files += 1;
            out.put(rel, bytes)
        };
        put("assets/style.css", STYLE_CSS.as_bytes())?;
        put("assets/search.js", SEARCH_JS.as_bytes())?;
        for (rel, bytes) in
            search_data::search_data(self.corpus, &self.nodes, &self.positions, self.opts.day())?
        {
            put(&rel, &bytes)?;
        }
        let redirect = self
            .env(self.opts.default_lang)
            .get_template("redirect.html")
            .and_then(|t| {
                t.render(minijinja::context! {
                    lang => self.opts.default_lang.tag(),
                    langs => Lang::ALL.iter().map(|l| (l.tag(), l.endonym())).collect::<Vec<_>>(),
                })
            })
            .map_err(template_error)?;
        put("index.html", redirect.as_bytes())?;
        for f in &self.opts.feeds {
            put(&f.file, f.body.as_bytes())?;
        }
        for l in Lang::ALL {
            for (rel, html) in self.list_pages(l)? {
                put(&format!("{}/{rel}", l.tag()), html.as_bytes())?;
            }
        }
        // Entity pages, on every core.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(self.positions.len().max(1));
        let chunk = self.positions.len().div_ceil(threads).max(1);
        let results: Vec<Result<Vec<Built>>> = std::thread::scope(|s| {
            let handles: Vec<_> = self
                .positions
                .chunks(chunk)
                .map(|part| s.spawn(|| self.entity_pages(out, old, part)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(Error::Tool("a site worker thread failed".into())))
                })
                .collect()
        });
        let mut manifest = Manifest {
            format: FORMAT,
            key: self.key,
            ..Manifest::default()
        };
        let mut rendered = 0;
        for r in results {
            for (id, h, deps, fresh) in r? {
                rendered += usize::from(fresh);
                manifest.pages.insert(id, (h, deps));
            }
        }
        // The manifest is a file of the site too.
        files += self.positions.len() * Lang::ALL.len() + 1;
        Ok((
            Report {
                entities: self.positions.len(),
                files,
                written: out.written.load(Ordering::Relaxed),
                kept: out.kept.load(Ordering::Relaxed),
                rendered,
            },
            manifest,
        ))
    }

    /// Renders (or keeps) the pages of the entities at `part`. Returns,
    /// for each, its id, the hash and list of what it read, and whether
    /// it was rendered.
    fn entity_pages(&self, out: &Output, old: &Manifest, part: &[usize]) -> Result<Vec<Built>> {
        let reader = Reader::new(self);
        let mut done = Vec::with_capacity(part.len());
        'entities: for &i in part {
            let id = &self.corpus.entities[i].id;
            if let Some((h, deps)) = old.pages.get(id) {
                if self.deps_hash(deps) == *h {
                    let mut all = true;
                    for l in Lang::ALL {
                        all &= out.keep(&entity_path(l, id))?;
                    }
                    if all {
                        done.push((id.clone(), *h, deps.clone(), false));
                        continue 'entities;
                    }
                }
            }
            reader.deps.borrow_mut().clear();
            reader.deps.borrow_mut().insert(i);
            let shared = self.entity_shared(&reader, i)?;
            for l in Lang::ALL {
                let html = self.entity_page(&reader, i, l, &shared)?;
                out.put(&entity_path(l, id), html.as_bytes())?;
            }
            let deps: Vec<String> = reader
                .deps
                .borrow()
                .iter()
                .map(|&d| self.corpus.entities[d].id.clone())
                .collect();
            done.push((id.clone(), self.deps_hash(&deps), deps, true));
        }
        Ok(done)
    }
}

/// An entity whose pages are in the new site: its id, the hash of what
/// they read, the ids they read, and whether they were rendered afresh.
type Built = (String, u64, Vec<String>, bool);

fn entity_path(l: Lang, id: &str) -> String {
    format!("{}/e/{id}.html", l.tag())
}

/// Hands out nodes to the graph queries and records which entities a
/// page read: its dependencies for the next build.
struct Reader<'s> {
    site: &'s Site<'s>,
    cache: Vec<OnceCell<Rc<Node>>>,
    deps: RefCell<BTreeSet<usize>>,
}

impl<'s> Reader<'s> {
    fn new(site: &'s Site<'s>) -> Reader<'s> {
        Reader {
            site,
            cache: (0..site.nodes.len()).map(|_| OnceCell::new()).collect(),
            deps: RefCell::new(BTreeSet::new()),
        }
    }

    /// The entity with this id, recorded as read.
    fn entity(&self, id: &str) -> Option<(usize, &'s Entity)> {
        let i = self.site.corpus.index_of(id)?;
        self.deps.borrow_mut().insert(i);
        Some((i, &self.site.corpus.entities[i]))
    }
}

impl NodeSource for Reader<'_> {
    fn node(&self, id: &str) -> Result<Option<Rc<Node>>> {
        let Some(i) = self.site.corpus.index_of(id) else {
            return Ok(None);
        };
        self.deps.borrow_mut().insert(i);
        Ok(Some(
            self.cache[i]
                .get_or_init(|| Rc::new(self.site.nodes[i].to_node()))
                .clone(),
        ))
    }
}

/// The minijinja environment of one language: the templates, escaping
/// every value by default (SVG included), and the interface words as `t`.
fn environment(lang: Lang, latest: Option<Date>) -> Result<minijinja::Environment<'static>> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, src) in [
        ("base.html", T_BASE),
        ("home.html", T_HOME),
        ("entity.html", T_ENTITY),
        ("list.html", T_LIST),
        ("timeline.html", T_TIMELINE),
        ("deadlines.html", T_DEADLINES),
        ("search.html", T_SEARCH),
        ("redirect.html", T_REDIRECT),
        ("diagram.svg", T_DIAGRAM),
    ] {
        env.add_template(name, src).map_err(template_error)?;
    }
    env.add_filter("url", url_attr);
    env.add_global("t", minijinja::Value::from_serialize(lang.words()));
    env.add_global("lang", lang.tag());
    env.add_global("latest_event", latest.map(|d| d.to_string()));
    Ok(env)
}

/// The `url` filter: an address for an `href`, `src` or `action`
/// attribute. Auto-escaping is for text, and writes `/` as `&#x2f;`; an
/// address is not text, so this escapes only what could end the
/// attribute, open a tag or start a character reference (`&`, `"`, `'`,
/// `<`, `>`), and marks the result safe. Which addresses may be links
/// at all (no `javascript:`) is decided before: see [`safe_url`].
fn url_attr(v: &minijinja::Value) -> minijinja::Value {
    let s = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    minijinja::Value::from_safe_string(out)
}

/// Text in a language, marked when it is the English fallback.
#[derive(Clone, Debug, Serialize)]
struct Text {
    text: String,
    /// `en` when this is English standing in for a missing translation.
    fallback: Option<&'static str>,
}

impl Text {
    fn plain(s: &str) -> Text {
        Text {
            text: s.to_owned(),
            fallback: None,
        }
    }
}

/// The name of `e` in `l`, else English (marked).
fn name_in(e: &Entity, l: Lang) -> Text {
    match l.key() {
        None => Text::plain(&e.name),
        Some(k) => match e.names.get(k).filter(|n| !n.trim().is_empty()) {
            Some(n) => Text::plain(n),
            None => Text {
                text: e.name.clone(),
                fallback: Some("en"),
            },
        },
    }
}

/// The summary of `e` in `l`, else English (marked); `None` when empty.
fn summary_in(e: &Entity, l: Lang) -> Option<Text> {
    let local = l
        .key()
        .and_then(|k| e.summaries.get(k))
        .filter(|s| !s.trim().is_empty());
    match (local, l) {
        (Some(s), _) => Some(Text::plain(s)),
        (None, _) if e.summary.trim().is_empty() => None,
        (None, Lang::En) => Some(Text::plain(&e.summary)),
        (None, _) => Some(Text {
            text: e.summary.clone(),
            fallback: Some("en"),
        }),
    }
}

/// A link to an entity (or its name alone when it has no page).
#[derive(Clone, Debug, Serialize)]
struct Link {
    id: String,
    name: Text,
    href: Option<String>,
    kind: &'static str,
}

/// What every page needs.
#[derive(Serialize)]
struct Common {
    /// From the page to the site root: `../` or `../../`.
    root: String,
    /// From the page to its language's root.
    base: String,
    title: String,
    /// The language switch: `(tag, endonym, href, current)`.
    switch: Vec<(&'static str, &'static str, String, bool)>,
    day: String,
    as_of: Option<String>,
    /// Which entry of the navigation is this page.
    here: &'static str,
}

fn common(
    l: Lang,
    rel: &str,
    title: String,
    day: Date,
    as_of: Option<Date>,
    here: &'static str,
) -> Common {
    let depth = rel.matches('/').count() + 1;
    let root = "../".repeat(depth);
    Common {
        base: format!("{root}{}/", l.tag()),
        switch: Lang::ALL
            .iter()
            .map(|&o| {
                (
                    o.tag(),
                    o.endonym(),
                    format!("{root}{}/{rel}", o.tag()),
                    o == l,
                )
            })
            .collect(),
        root,
        title,
        day: day.to_string(),
        as_of: as_of.map(|d| d.to_string()),
        here,
    }
}

// ---------------------------------------------------------------- entity

#[derive(Serialize)]
struct Group {
    rel: String,
    items: Vec<RelItem>,
}

#[derive(Serialize)]
struct RelItem {
    to: Link,
    date: Option<String>,
    note: String,
    confidence: Option<Mark>,
}

/// A confidence mark: `(class, words)`, such as `("partly", "部分核實")`;
/// `None` for verified claims.
type Mark = (&'static str, &'static str);

/// A stage as pages show it: `(class, words)`, such as
/// `("signed", "已簽署")`; the class is the vocabulary's name.
type StageView = (&'static str, &'static str);

#[derive(Serialize)]
struct AgencyView {
    to: Link,
    kind_label: &'static str,
    rollup: bool,
    parents: Vec<Link>,
    /// The chain from the entity: `(arrow text, the entity reached)`.
    chain: Vec<(String, Link)>,
}

#[derive(Serialize)]
struct EventView {
    date: String,
    stage: StageView,
    note: String,
    by: Option<Link>,
    scheduled: bool,
    source: Option<usize>,
    confidence: Option<Mark>,
}

#[derive(Serialize)]
struct DeadlineView {
    due: String,
    what: String,
    owner: Link,
    set_by: Link,
    state: &'static str,
    /// Which words name the state (a key of the interface words), and
    /// the class of its row.
    state_key: &'static str,
    /// The state in words: days left or late, or the day it was met.
    detail: String,
    met_by: Option<Link>,
    fulfilled_by: Vec<Link>,
}

#[derive(Serialize)]
struct SourceView {
    index: usize,
    title: String,
    publisher: Option<String>,
    date: Option<String>,
    /// Only `http:` and `https:` addresses become links.
    url: Option<String>,
    url_text: Option<String>,
}

#[derive(Serialize)]
struct EntityView {
    id: String,
    kind: &'static str,
    kind_label: &'static str,
    kind_href: String,
    jurisdiction: String,
    jurisdiction_href: Option<String>,
    name: Text,
    names: Vec<(&'static str, &'static str, String)>,
    aliases: Vec<String>,
    /// `(scheme, value, confidence)`.
    identifiers: Vec<(&'static str, String, Option<Mark>)>,
    confidence: Option<Mark>,
    /// A bill's sponsors: `(name, role, party)`, sponsors first.
    sponsors: Vec<(String, &'static str, Option<String>)>,
    /// The status, and since when: `since 2025-08-12`.
    status: Option<(StageView, Option<String>)>,
    has_status: bool,
    figure: Option<(String, String, String, Option<String>)>,
    summary: Option<Text>,
    outgoing: Vec<Group>,
    incoming: Vec<Group>,
    agencies: Option<Vec<AgencyView>>,
    events: Vec<EventView>,
    deadlines: Vec<DeadlineView>,
    notes: Vec<String>,
    sources: Vec<SourceView>,
    tags: Vec<String>,
    diagram: String,
}

/// What the three language versions of an entity page share.
struct Shared {
    agencies: Option<Vec<query::AgencyHit>>,
}

fn confidence_mark(c: Confidence, l: Lang) -> Option<Mark> {
    l.confidence(c).map(|words| (c.name(), words))
}

fn stage_view(s: crate::model::Stage, l: Lang) -> StageView {
    (s.name(), l.stage(s))
}

fn safe_url(u: &str) -> Option<String> {
    let t = u.trim();
    let lower = t.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| t.to_owned())
}

impl Site<'_> {
    fn link(&self, reader: &Reader<'_>, id: &str, l: Lang, base: &str) -> Link {
        match reader.entity(id) {
            Some((i, e)) => Link {
                id: id.to_owned(),
                name: name_in(e, l),
                href: self.included[i].then(|| format!("{base}e/{id}.html")),
                kind: e.kind.name(),
            },
            None => Link {
                id: id.to_owned(),
                name: Text::plain(id),
                href: None,
                kind: "",
            },
        }
    }

    fn entity_shared(&self, reader: &Reader<'_>, i: usize) -> Result<Shared> {
        let e = &self.corpus.entities[i];
        let agencies = if e.kind.is_instrument() || e.kind == Kind::Program {
            Some(query::agencies(
                reader,
                &e.id,
                AGENCY_DEPTH,
                false,
                self.opts.as_of,
            )?)
        } else {
            None
        };
        Ok(Shared { agencies })
    }

    fn entity_page(
        &self,
        reader: &Reader<'_>,
        i: usize,
        l: Lang,
        shared: &Shared,
    ) -> Result<String> {
        let opts = self.opts;
        let as_of = opts.as_of;
        let day = opts.day();
        let e = &self.corpus.entities[i];
        let node = self.nodes[i].to_node();
        let rel = format!("e/{}.html", e.id);
        let title = name_in(e, l).text;
        let c = common(l, &rel, title, day, as_of, "");
        let base = c.base.clone();
        let link = |id: &str| self.link(reader, id, l, &base);

        // Relations both ways, grouped as `show` groups them (by the
        // relation's name, and those pointing here by its inverse name),
        // each group headed by the relation in the page's words.
        let (outgoing, incoming) = node.grouped(as_of);
        let groups = |g: crate::store::Groups, inverse: bool| -> Vec<Group> {
            g.into_values()
                .filter_map(|items| {
                    let rel = items.first()?.1.rel;
                    Some(Group {
                        rel: if inverse {
                            l.inverse(rel)
                        } else {
                            l.relation(rel)
                        }
                        .to_owned(),
                        items: items
                            .into_iter()
                            .map(|(p, r)| RelItem {
                                to: link(&p.id),
                                date: r.date.map(|d| d.to_string()),
                                note: r.note.clone(),
                                confidence: confidence_mark(r.confidence, l),
                            })
                            .collect(),
                    })
                })
                .collect()
        };

        let agencies = shared.agencies.as_ref().map(|hits| {
            hits.iter()
                .map(|h| AgencyView {
                    to: link(&h.id),
                    kind_label: l.kind_label(h.kind),
                    rollup: h.rollup,
                    parents: h.parents.iter().map(|p| link(p)).collect(),
                    chain: chain_links(&h.chain, &link, l),
                })
                .collect()
        });

        let events = e
            .events
            .iter()
            .filter(|ev| as_of.is_none_or(|d| ev.date <= d))
            .map(|ev| EventView {
                date: ev.date.to_string(),
                stage: stage_view(ev.stage, l),
                note: ev.note.clone(),
                by: ev.by.as_deref().map(&link),
                scheduled: ev.date > day,
                source: ev.source,
                confidence: confidence_mark(ev.confidence, l),
            })
            .collect();

        let deadlines = self
            .deadlines
            .get(&e.id)
            .map(|ds| {
                ds.iter()
                    .map(|d| self.deadline_view(reader, d, l, &base))
                    .collect()
            })
            .unwrap_or_default();

        let status = e.kind.has_status().then(|| {
            e.status_since(Some(day))
                .map(|(s, since)| (stage_view(s, l), Some(l.since(&since.to_string()))))
        });

        let hood = self.hood(i);
        let text = |j: usize| {
            let n = name_in(&self.corpus.entities[j], l);
            diagram::NodeText {
                name: n.text,
                fallback: n.fallback.is_some(),
                href: self.included[j].then(|| format!("{}.html", self.corpus.entities[j].id)),
            }
        };
        for &p in &hood.peers {
            reader.deps.borrow_mut().insert(p);
        }
        let words = l.words();
        let word = |k: &str| words.get(k).copied().unwrap_or_default();
        let diagram = diagram::render(
            self.env(l),
            self.corpus,
            &hood,
            &text,
            l,
            &format!("{}: {}", word("diagram"), c.title),
            word("diagram_more"),
            opts.layout,
        )?;

        let mut names = vec![("en", "English", e.name.clone())];
        for (k, n) in &e.names {
            let label = Lang::parse(k).map_or("", Lang::endonym);
            // Tags outside the three languages still show, by their tag.
            names.push((
                Lang::parse(k).map_or("und", Lang::tag),
                if label.is_empty() { "" } else { label },
                n.clone(),
            ));
        }
        let view = EntityView {
            id: e.id.clone(),
            kind: e.kind.name(),
            kind_label: l.kind_label(e.kind),
            kind_href: format!("{base}kind/{}.html", e.kind.name()),
            jurisdiction: e.jurisdiction.clone(),
            jurisdiction_href: Some(format!("{base}jurisdiction/{}.html", e.jurisdiction)),
            name: name_in(e, l),
            names,
            aliases: e.aliases.clone(),
            identifiers: e
                .identifiers
                .iter()
                .map(|i| {
                    (
                        l.scheme(i.scheme),
                        i.value.clone(),
                        confidence_mark(i.confidence, l),
                    )
                })
                .collect(),
            confidence: confidence_mark(e.confidence, l),
            sponsors: e
                .sponsors
                .iter()
                .map(|s| (s.name.clone(), s.role.name(), s.party.clone()))
                .collect(),
            status: status.flatten(),
            has_status: e.kind.has_status(),
            figure: e.figure.as_ref().map(|f| {
                (
                    l.number(f.value),
                    f.unit.clone(),
                    f.as_of.to_string(),
                    f.derived.clone(),
                )
            }),
            summary: summary_in(e, l),
            outgoing: groups(outgoing, false),
            incoming: groups(incoming, true),
            agencies,
            events,
            deadlines,
            notes: e.notes.clone(),
            sources: e
                .sources
                .iter()
                .enumerate()
                .map(|(k, s)| SourceView {
                    index: k,
                    title: s.title.clone(),
                    publisher: s.publisher.clone(),
                    date: s.date.map(|d| d.to_string()),
                    url: s.url.as_deref().and_then(safe_url),
                    url_text: s.url.clone(),
                })
                .collect(),
            tags: e.tags.clone(),
            diagram,
        };
        self.env(l)
            .get_template("entity.html")
            .and_then(|t| t.render(minijinja::context! { c => c, p => view }))
            .map_err(template_error)
    }

    /// The neighbourhood of entity `i` as `show` lists it, cut to
    /// [`MAX_PEERS`] neighbours.
    fn hood(&self, i: usize) -> diagram::Hood<'_> {
        let as_of = self.opts.as_of;
        let e = &self.corpus.entities[i];
        let mut peers: Vec<usize> = Vec::new();
        let mut edges = Vec::new();
        let mut more = BTreeSet::new();
        let mut admit = |p: usize, peers: &mut Vec<usize>| -> bool {
            if peers.contains(&p) {
                return true;
            }
            if peers.len() < MAX_PEERS {
                peers.push(p);
                true
            } else {
                more.insert(p);
                false
            }
        };
        for r in &e.relations {
            let Some(j) = self.corpus.index_of(&r.to) else {
                continue;
            };
            if j == i
                || !crate::graph::relation_exists_on(r, as_of)
                || !self.corpus.entities[j].exists_on(as_of)
            {
                continue;
            }
            if admit(j, &mut peers) {
                edges.push((i, j, r));
            }
        }
        let mut inc: Vec<(usize, &crate::model::Relation)> = Vec::new();
        for (from, _) in self.nodes[i].incoming() {
            let Some(j) = self.corpus.index_of(from) else {
                continue;
            };
            for r in &self.corpus.entities[j].relations {
                if r.to == e.id {
                    inc.push((j, r));
                }
            }
        }
        inc.sort_by_key(|&(j, r)| (j, r.rel));
        inc.dedup_by(|a, b| a.0 == b.0 && std::ptr::eq(a.1, b.1));
        for (j, r) in inc {
            if j == i
                || !crate::graph::relation_exists_on(r, as_of)
                || !self.corpus.entities[j].exists_on(as_of)
            {
                continue;
            }
            if admit(j, &mut peers) {
                edges.push((j, i, r));
            }
        }
        let more = more.iter().filter(|p| !peers.contains(p)).count();
        // A `related` link written on both sides is drawn once.
        let outgoing_related: BTreeSet<usize> = edges
            .iter()
            .filter(|(s, _, r)| *s == i && r.rel == crate::model::RelationKind::Related)
            .map(|(_, t, _)| *t)
            .collect();
        edges.retain(|(s, t, r)| {
            !(*t == i
                && r.rel == crate::model::RelationKind::Related
                && outgoing_related.contains(s))
        });
        diagram::Hood {
            focus: i,
            peers,
            edges,
            more,
        }
    }

    fn deadline_view(
        &self,
        reader: &Reader<'_>,
        d: &DeadlineStatus,
        l: Lang,
        base: &str,
    ) -> DeadlineView {
        let link = |id: &str| self.link(reader, id, l, base);
        let (state_key, detail) = match (&d.met, d.state) {
            (Some(m), _) if m.on_time => ("met_on_time", m.date.to_string()),
            (Some(m), _) => (
                "met_late",
                format!("{}, {}", m.date, l.days_late(d.days_late.unwrap_or(0))),
            ),
            (None, DeadlineState::Overdue) => ("overdue", l.days_late(d.days_late.unwrap_or(0))),
            (None, DeadlineState::Unrecorded) => {
                ("unrecorded", l.days_past(d.days_late.unwrap_or(0)))
            }
            _ => ("upcoming", l.days_left(d.days_left.unwrap_or(0))),
        };
        DeadlineView {
            due: d.due.to_string(),
            what: d.what.clone(),
            owner: link(&d.owner.id),
            set_by: link(&d.set_by.id),
            state: d.state.name(),
            state_key,
            detail,
            met_by: d.met.as_ref().map(|m| link(&m.by.id)),
            fulfilled_by: d.fulfilled_by.iter().map(|f| link(f)).collect(),
        }
    }
}

/// A chain as the CLI prints it (`─directs→ dol`, `←issued by─ x`,
/// `─vetoed 2025-05-12 by→ az-governor`; see [`Step::arrow`]) in the
/// page's words, with the entity reached at each step.
fn chain_links(chain: &[Step], link: &dyn Fn(&str) -> Link, l: Lang) -> Vec<(String, Link)> {
    chain
        .iter()
        .map(|st| {
            let (arrow, to) = match st.relation {
                Some(rel) if st.reversed => (format!("←{}─", l.relation(rel)), &st.from),
                Some(rel) => (format!("─{}→", l.relation(rel)), &st.to),
                None => (
                    l.event_step(st.event, st.date.map(|d| d.to_string()).as_deref()),
                    &st.to,
                ),
            };
            (arrow, link(to))
        })
        .collect()
}

// ----------------------------------------------------------------- lists

#[derive(Serialize)]
struct ListItem {
    link: Link,
    kind_label: &'static str,
    jurisdiction: String,
    status: Option<StageView>,
}

#[derive(Serialize)]
struct TimelineItem {
    date: String,
    entity: Link,
    kind_label: &'static str,
    stage: StageView,
    note: String,
    scheduled: bool,
}

impl Site<'_> {
    /// Every page of language `l` but the entity pages, as `(path below
    /// the language directory, html)`.
    fn list_pages(&self, l: Lang) -> Result<Vec<(String, String)>> {
        let env = self.env(l);
        let day = self.opts.day();
        let as_of = self.opts.as_of;
        // Lists read entities directly: their pages are rendered every time.
        let plain = Reader::new(self);
        let mut pages = Vec::new();
        let render = |name: &str, ctx: minijinja::Value| -> Result<String> {
            env.get_template(name)
                .and_then(|t| t.render(ctx))
                .map_err(template_error)
        };
        let item = |i: usize, base: &str| {
            let e = &self.corpus.entities[i];
            ListItem {
                link: self.link(&plain, &e.id, l, base),
                kind_label: l.kind_label(e.kind),
                jurisdiction: e.jurisdiction.clone(),
                status: e
                    .kind
                    .has_status()
                    .then(|| e.status(Some(day)).map(|s| stage_view(s, l)))
                    .flatten(),
            }
        };
        let words = l.words();
        let word = |k: &str| words.get(k).copied().unwrap_or_default().to_owned();

        // By kind.
        let mut by_kind: BTreeMap<Kind, Vec<usize>> = BTreeMap::new();
        let mut by_jur: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for &i in &self.positions {
            let e = &self.corpus.entities[i];
            by_kind.entry(e.kind).or_default().push(i);
            by_jur.entry(&e.jurisdiction).or_default().push(i);
        }
        // A long list is cut into pages (see `pages`); all pages of a
        // list are in one directory, so the base is the same on each.
        for (k, list) in &by_kind {
            let rel = format!("kind/{}.html", k.name());
            let base = common(l, &rel, String::new(), day, as_of, "").base;
            let items: Vec<ListItem> = list.iter().map(|&i| item(i, &base)).collect();
            for (rel, items, pager) in pages::paginate(&rel, items) {
                let c = common(l, &rel, l.kind_label(*k).to_owned(), day, as_of, "kinds");
                pages.push((
                    rel,
                    render(
                        "list.html",
                        minijinja::context! { c => c, items => items, groups => (), counts => (), pager => pager },
                    )?,
                ));
            }
        }
        // By jurisdiction, and the states together.
        let mut states: Vec<(String, Vec<ListItem>)> = Vec::new();
        for (j, list) in &by_jur {
            let rel = format!("jurisdiction/{j}.html");
            let c = common(
                l,
                &rel,
                format!("{}: {j}", word("jurisdiction")),
                day,
                as_of,
                "jurisdictions",
            );
            let items: Vec<ListItem> = list.iter().map(|&i| item(i, &c.base)).collect();
            for (rel, items, pager) in pages::paginate(&rel, items) {
                let c = common(
                    l,
                    &rel,
                    format!("{}: {j}", word("jurisdiction")),
                    day,
                    as_of,
                    "jurisdictions",
                );
                pages.push((
                    rel,
                    render(
                        "list.html",
                        minijinja::context! { c => c, items => items, groups => (), counts => (), pager => pager },
                    )?,
                ));
            }
            if j.starts_with("US-") {
                let base =
                    common(l, "jurisdiction/states.html", String::new(), day, as_of, "").base;
                states.push((
                    j.to_string(),
                    list.iter().map(|&i| item(i, &base)).collect(),
                ));
            }
        }
        let has_states = !states.is_empty();
        if has_states {
            let rel = "jurisdiction/states.html";
            let c = common(l, rel, word("all_states"), day, as_of, "jurisdictions");
            // Too many rows for one page: each state is a link with its
            // count, and its own (paged) list holds the rows.
            let rows: usize = states.iter().map(|(_, v)| v.len()).sum();
            let counts: Vec<(String, usize)> =
                states.iter().map(|(j, v)| (j.clone(), v.len())).collect();
            let groups = if rows > pages::PAGE_ROWS {
                Vec::new()
            } else {
                states
            };
            pages.push((
                rel.to_owned(),
                render(
                    "list.html",
                    minijinja::context! { c => c, items => (), groups => groups, counts => counts, pager => () },
                )?,
            ));
        }

        // Timeline: recent events, then a page per year and per kind.
        let tl_item = |ev: &TimelineEntry, base: &str| TimelineItem {
            date: ev.date.to_string(),
            entity: self.link(&plain, &ev.entity, l, base),
            kind_label: l.kind_label(ev.kind),
            stage: stage_view(ev.stage, l),
            note: ev.note.clone(),
            scheduled: ev.date > day,
        };
        let mut years: BTreeMap<i16, Vec<&TimelineEntry>> = BTreeMap::new();
        let mut tl_kinds: BTreeMap<Kind, Vec<&TimelineEntry>> = BTreeMap::new();
        for ev in &self.timeline {
            years.entry(ev.date.0.year()).or_default().push(ev);
            tl_kinds.entry(ev.kind).or_default().push(ev);
        }
        let year_links: Vec<(String, usize)> = years
            .iter()
            .map(|(y, v)| (y.to_string(), v.len()))
            .collect();
        let kind_links: Vec<(&str, &str, usize)> = tl_kinds
            .iter()
            .map(|(k, v)| (k.name(), l.kind_label(*k), v.len()))
            .collect();
        {
            let rel = "timeline/index.html";
            let c = common(l, rel, word("timeline"), day, as_of, "timeline");
            let recent: Vec<TimelineItem> = self
                .timeline
                .iter()
                .rev()
                .take(TIMELINE_RECENT)
                .map(|ev| tl_item(ev, &c.base))
                .collect();
            pages.push((rel.to_owned(), render("timeline.html", minijinja::context! {
                c => c, items => recent, years => year_links, kinds => kind_links, heading => word("all_years"), months => (), pager => (),
            })?));
        }
        // A year that does not fit on a page is split by month, and a
        // month that does not fit is paged (see `pages`).
        let tl_base = common(l, "timeline/index.html", String::new(), day, as_of, "").base;
        for (y, evs) in &years {
            let rel = format!("timeline/{y}.html");
            let title = format!("{}: {y}", word("timeline"));
            let c = common(l, &rel, title.clone(), day, as_of, "timeline");
            if evs.len() <= pages::PAGE_ROWS {
                let items: Vec<TimelineItem> = evs.iter().map(|ev| tl_item(ev, &c.base)).collect();
                pages.push((rel, render("timeline.html", minijinja::context! {
                    c => c, items => items, years => year_links, kinds => kind_links, heading => y.to_string(), months => (), pager => (),
                })?));
                continue;
            }
            let mut months: BTreeMap<String, Vec<&TimelineEntry>> = BTreeMap::new();
            for ev in evs {
                months
                    .entry(format!("{y}-{:02}", ev.date.0.month()))
                    .or_default()
                    .push(ev);
            }
            let month_links: Vec<(String, usize)> =
                months.iter().map(|(m, v)| (m.clone(), v.len())).collect();
            pages.push((rel, render("timeline.html", minijinja::context! {
                c => c, items => (), years => year_links, kinds => kind_links, heading => y.to_string(), months => month_links, pager => (),
            })?));
            for (m, evs) in &months {
                let items: Vec<TimelineItem> = evs.iter().map(|ev| tl_item(ev, &tl_base)).collect();
                for (rel, items, pager) in pages::paginate(&format!("timeline/{m}.html"), items) {
                    let c = common(
                        l,
                        &rel,
                        format!("{}: {m}", word("timeline")),
                        day,
                        as_of,
                        "timeline",
                    );
                    pages.push((rel, render("timeline.html", minijinja::context! {
                        c => c, items => items, years => year_links, kinds => kind_links, heading => m, months => month_links, pager => pager,
                    })?));
                }
            }
        }
        for (k, evs) in &tl_kinds {
            let rel = format!("timeline/{}.html", k.name());
            let items: Vec<TimelineItem> = evs.iter().map(|ev| tl_item(ev, &tl_base)).collect();
            for (rel, items, pager) in pages::paginate(&rel, items) {
                let c = common(
                    l,
                    &rel,
                    format!("{}: {}", word("timeline"), l.kind_label(*k)),
                    day,
                    as_of,
                    "timeline",
                );
                pages.push((rel, render("timeline.html", minijinja::context! {
                    c => c, items => items, years => year_links, kinds => kind_links, heading => l.kind_label(*k), months => (), pager => pager,
                })?));
            }
        }

        // Deadlines, by state.
        let visible: Vec<&DeadlineStatus> = self
            .all_deadlines
            .iter()
            .filter(|d| {
                self.corpus
                    .index_of(&d.set_by.id)
                    .is_some_and(|i| self.included[i])
            })
            .collect();
        {
            let rel = "deadlines.html";
            let c = common(l, rel, word("deadlines"), day, as_of, "deadlines");
            let mut sections: BTreeMap<&str, Vec<DeadlineView>> = BTreeMap::new();
            for d in &visible {
                let v = self.deadline_view(&plain, d, l, &c.base);
                sections.entry(v.state_key).or_default().push(v);
            }
            let order = [
                "upcoming",
                "overdue",
                "unrecorded",
                "met_late",
                "met_on_time",
            ];
            let sections: Vec<(&str, Vec<DeadlineView>)> = order
                .iter()
                .map(|k| (*k, sections.remove(k).unwrap_or_default()))
                .collect();
            pages.push((
                rel.to_owned(),
                render(
                    "deadlines.html",
                    minijinja::context! { c => c, sections => sections },
                )?,
            ));
        }

        // Search.
        {
            let rel = "search.html";
            let c = common(l, rel, word("search"), day, as_of, "search");
            // The script shows each result's kind: their words, by name.
            let kinds: BTreeMap<&str, &str> = Kind::ALL
                .iter()
                .map(|&k| (k.name(), l.kind_label(k)))
                .collect();
            let kinds = serde_json::to_string(&kinds)
                .map_err(|e| Error::Tool(format!("search page: {e}")))?;
            // And each result's status.
            let statuses: BTreeMap<&str, &str> = crate::model::Stage::ALL
                .iter()
                .map(|&s| (s.name(), l.stage(s)))
                .collect();
            let statuses = serde_json::to_string(&statuses)
                .map_err(|e| Error::Tool(format!("search page: {e}")))?;
            pages.push((
                rel.to_owned(),
                render(
                    "search.html",
                    minijinja::context! { c => c, kinds => kinds, statuses => statuses },
                )?,
            ));
        }

        // Home.
        {
            let rel = "index.html";
            let c = common(l, rel, word("site"), day, as_of, "home");
            let relations: usize = self
                .positions
                .iter()
                .map(|&i| {
                    self.corpus.entities[i]
                        .relations
                        .iter()
                        .filter(|r| {
                            self.corpus
                                .index_of(&r.to)
                                .is_some_and(|j| self.included[j])
                        })
                        .count()
                })
                .sum();
            let latest: Vec<TimelineItem> = self
                .timeline
                .iter()
                .rev()
                .filter(|ev| ev.date <= day)
                .take(HOME_ITEMS)
                .map(|ev| tl_item(ev, &c.base))
                .collect();
            let upcoming: Vec<DeadlineView> = visible
                .iter()
                .filter(|d| d.state == DeadlineState::Upcoming)
                .take(HOME_ITEMS)
                .map(|d| self.deadline_view(&plain, d, l, &c.base))
                .collect();
            let kinds: Vec<(&str, &str, usize)> = by_kind
                .iter()
                .map(|(k, v)| (k.name(), l.kind_label(*k), v.len()))
                .collect();
            let jurs: Vec<(&str, usize)> = by_jur.iter().map(|(j, v)| (*j, v.len())).collect();
            pages.push((
                rel.to_owned(),
                render(
                    "home.html",
                    minijinja::context! {
                        c => c,
                        entities => self.positions.len(),
                        relations => relations,
                        events => self.timeline.len(),
                        latest => latest,
                        upcoming => upcoming,
                        kinds => kinds,
                        jurisdictions => jurs,
                        has_states => has_states,
                    },
                )?,
            ));
        }
        Ok(pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            safe_url(" https://x.gov/a "),
            Some("https://x.gov/a".into())
        );
        assert_eq!(safe_url("HTTP://x"), Some("HTTP://x".into()));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,x"), None);
        assert_eq!(safe_url("//evil.example"), None);
    }

    #[test]
    fn addresses_escape_as_attributes_not_as_text() {
        let env = environment(Lang::En, None).unwrap();
        let html = env
            .render_str(
                r#"<a href="{{ u|url }}">{{ u }}</a>"#,
                minijinja::context! { u => "../e/x.html?a=1&b=\"2\"<'>" },
            )
            .unwrap();
        // The address keeps its slashes; nothing can end the attribute.
        assert_eq!(
            html,
            "<a href=\"../e/x.html?a=1&amp;b=&quot;2&quot;&lt;&#x27;&gt;\">\
             ..&#x2f;e&#x2f;x.html?a=1&amp;b=&quot;2&quot;&lt;&#x27;&gt;</a>"
        );
    }

    #[test]
    fn missing_translations_fall_back_to_english_visibly() {
        let mut e: Entity = ron::from_str(
            r#"(id: "x", kind: agency, name: "Labor", jurisdiction: "US", summary: "S")"#,
        )
        .unwrap();
        e.names.insert("zh-Hant".into(), "勞工部".into());
        assert_eq!(name_in(&e, Lang::ZhHant).text, "勞工部");
        assert_eq!(name_in(&e, Lang::ZhHant).fallback, None);
        let hans = name_in(&e, Lang::ZhHans);
        assert_eq!((hans.text.as_str(), hans.fallback), ("Labor", Some("en")));
        assert_eq!(summary_in(&e, Lang::ZhHans).unwrap().fallback, Some("en"));
        assert_eq!(summary_in(&e, Lang::En).unwrap().fallback, None);
        assert_eq!(Lang::parse("ZH-hant"), Some(Lang::ZhHant));
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn every_language_has_every_word() {
        let keys: Vec<_> = Lang::En.words().into_keys().collect();
        for l in Lang::ALL {
            let w = l.words();
            assert_eq!(w.keys().copied().collect::<Vec<_>>(), keys);
            assert!(w.values().all(|v| !v.is_empty()), "{l:?}");
        }
    }

    #[test]
    fn numbers_read_as_show_prints_them() {
        use crate::model::format_value;
        assert_eq!(format_value(23_500.0), "23,500");
        assert_eq!(format_value(8.7e12), "8.7 trillion");
        assert_eq!(format_value(0.5), "0.5");
    }
}
