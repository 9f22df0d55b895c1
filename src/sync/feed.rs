//! Digest items as feeds: Atom (RFC 4287) and JSON Feed 1.1, written by
//! hand (two small fixed shapes; every text is escaped) and read back by
//! a real feed parser in the tests. An entry's id is
//! `urn:policygraph:watch:<watch>:<key>` in a watch's feed and
//! `urn:policygraph:change:<key>` in the feed of all changes, where the
//! key is the item's ([`super::digest::Item::key`]): the same change keeps
//! its id in every digest and every site build, so a reader never shows
//! it twice.

use serde::{Deserialize, Serialize};

use super::digest::Item;

/// One entry: an item and the watch it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The watch.
    pub watch: String,
    /// The item.
    pub item: Item,
}

/// What a feed is.
pub struct FeedMeta<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its id (`urn:policygraph:watch:NAME`, `urn:policygraph:changes`).
    pub id: &'a str,
    /// When it was written (RFC 3339).
    pub updated: &'a str,
    /// Its own address, when it has one (the site's feeds).
    pub self_url: Option<&'a str>,
    /// Entries of one watch (ids name the watch), or of all changes.
    pub per_watch: bool,
}

/// An entry's id.
pub fn entry_id(e: &Entry, per_watch: bool) -> String {
    if per_watch {
        format!("urn:policygraph:watch:{}:{}", e.watch, e.item.key)
    } else {
        format!("urn:policygraph:change:{}", e.item.key)
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The item's text: its title, and the values before and after.
pub fn content(e: &Entry) -> String {
    let i = &e.item;
    let mut s = format!("{} ({}, {})", i.title, i.entity, i.kind.label());
    if i.before.is_some() || i.after.is_some() {
        let v = |x: &Option<serde_json::Value>| {
            x.as_ref()
                .map_or_else(|| "(none)".to_owned(), |v| v.to_string())
        };
        s.push_str(&format!(
            "\nbefore: {}\nafter: {}",
            v(&i.before),
            v(&i.after)
        ));
    }
    s
}

/// An Atom feed.
pub fn atom(meta: &FeedMeta<'_>, entries: &[Entry]) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    x.push_str(&format!("  <title>{}</title>\n", esc(meta.title)));
    x.push_str(&format!("  <id>{}</id>\n", esc(meta.id)));
    x.push_str(&format!("  <updated>{}</updated>\n", esc(meta.updated)));
    x.push_str("  <author><name>policygraph</name></author>\n");
    x.push_str("  <generator>policygraph</generator>\n");
    if let Some(u) = meta.self_url {
        x.push_str(&format!("  <link rel=\"self\" href=\"{}\"/>\n", esc(u)));
    }
    for e in entries {
        let i = &e.item;
        x.push_str("  <entry>\n");
        x.push_str(&format!(
            "    <id>{}</id>\n",
            esc(&entry_id(e, meta.per_watch))
        ));
        x.push_str(&format!("    <title>{}</title>\n", esc(&i.title)));
        x.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", i.date));
        if let Some(l) = &i.link {
            x.push_str(&format!(
                "    <link rel=\"alternate\" href=\"{}\"/>\n",
                esc(l)
            ));
        }
        x.push_str(&format!(
            "    <category term=\"{}\"/>\n    <category term=\"{}\"/>\n",
            esc(&e.watch),
            esc(i.kind.label())
        ));
        x.push_str(&format!(
            "    <content type=\"text\">{}</content>\n",
            esc(&content(e))
        ));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// A JSON Feed 1.1.
pub fn json_feed(meta: &FeedMeta<'_>, entries: &[Entry]) -> serde_json::Value {
    let items: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let i = &e.item;
            let mut v = serde_json::json!({
                "id": entry_id(e, meta.per_watch),
                "title": i.title,
                "content_text": content(e),
                "date_published": format!("{}T00:00:00Z", i.date),
                "tags": [e.watch, i.kind.label()],
                "_policygraph": {
                    "watch": e.watch,
                    "kind": i.kind,
                    "entity": i.entity,
                    "entity_kind": i.entity_kind,
                    "before": i.before,
                    "after": i.after,
                },
            });
            if let (Some(l), Some(o)) = (&i.link, v.as_object_mut()) {
                o.insert("url".into(), serde_json::Value::String(l.clone()));
            }
            v
        })
        .collect();
    let mut feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": meta.title,
        "items": items,
    });
    if let (Some(u), Some(o)) = (meta.self_url, feed.as_object_mut()) {
        o.insert("feed_url".into(), serde_json::Value::String(u.to_owned()));
    }
    feed
}

/// The rolling window of delivered entries the site publishes:
/// `index/sync/feed.json`, the latest entries of each watch.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Log {
    /// Entries, newest digest last.
    #[serde(default)]
    pub entries: Vec<Entry>,
}

/// Entries kept per watch.
pub const WINDOW: usize = 200;

impl Log {
    fn path(index: &std::path::Path) -> std::path::PathBuf {
        super::state::dir(index).join("feed.json")
    }

    /// Reads the log; empty when there is none.
    pub fn load(index: &std::path::Path) -> crate::Result<Log> {
        let path = Log::path(index);
        match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b)
                .map_err(|e| crate::Error::Index(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Log::default()),
            Err(e) => Err(crate::Error::io(path, e)),
        }
    }

    /// Adds a digest's entries (an entry already there is not added again)
    /// and keeps the latest [`WINDOW`] of each watch.
    pub fn add(&mut self, new: &[Entry]) {
        for e in new {
            if !self
                .entries
                .iter()
                .any(|x| x.watch == e.watch && x.item.key == e.item.key)
            {
                self.entries.push(e.clone());
            }
        }
        let mut per: std::collections::BTreeMap<String, usize> = Default::default();
        let mut keep = vec![false; self.entries.len()];
        for (i, e) in self.entries.iter().enumerate().rev() {
            let n = per.entry(e.watch.clone()).or_default();
            if *n < WINDOW {
                keep[i] = true;
                *n += 1;
            }
        }
        let mut k = keep.into_iter();
        self.entries.retain(|_| k.next().unwrap_or(false));
    }

    /// Writes the log; the caller holds the write lock.
    pub fn save(
        &self,
        index: &std::path::Path,
        _lock: &crate::lock::WriteLock,
    ) -> crate::Result<()> {
        let bytes = serde_json::to_vec(self)
            .map_err(|e| crate::Error::Index(format!("cannot encode the feed log: {e}")))?;
        crate::fsio::write_atomic(&Log::path(index), &bytes)
    }
}

/// The feeds a site publishes from the log: one of all changes
/// (`feeds/changes.xml`, each change once, whichever watches saw it) and
/// one per watch of `watches` (`feeds/watch-NAME.xml`), newest first,
/// with the ids `digest --format atom` gives. `today` dates an empty feed.
/// None at all without watches or entries: a knowledge base that is not
/// watched publishes no feed.
pub fn site_feeds(
    log: &Log,
    watches: &[super::config::Watch],
    today: crate::model::Date,
) -> Vec<crate::site::SiteFeed> {
    if watches.is_empty() && log.entries.is_empty() {
        return Vec::new();
    }
    let newest_first = |mut v: Vec<Entry>| {
        v.sort_by(|a, b| {
            (b.item.date, &b.item.key, &b.watch).cmp(&(a.item.date, &a.item.key, &a.watch))
        });
        v
    };
    let updated = |v: &[Entry]| {
        let d = v.iter().map(|e| e.item.date).max().unwrap_or(today);
        format!("{d}T00:00:00Z")
    };
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut all: Vec<Entry> = Vec::new();
    for e in log.entries.iter().rev() {
        if seen.insert(e.item.key.clone()) {
            all.push(e.clone());
        }
        if all.len() >= WINDOW {
            break;
        }
    }
    let all = newest_first(all);
    let up = updated(&all);
    out.push(crate::site::SiteFeed {
        file: "feeds/changes.xml".to_owned(),
        title: "policygraph: all changes".to_owned(),
        body: atom(
            &FeedMeta {
                title: "policygraph: all changes",
                id: "urn:policygraph:changes",
                updated: &up,
                self_url: None,
                per_watch: false,
            },
            &all,
        ),
    });
    for w in watches {
        let mine = newest_first(
            log.entries
                .iter()
                .filter(|e| e.watch == w.name)
                .cloned()
                .collect(),
        );
        let title = format!("policygraph: {}", w.name);
        let id = format!("urn:policygraph:watch:{}", w.name);
        let up = updated(&mine);
        out.push(crate::site::SiteFeed {
            file: format!("feeds/watch-{}.xml", crate::import::slug(&w.name, 60)),
            body: atom(
                &FeedMeta {
                    title: &title,
                    id: &id,
                    updated: &up,
                    self_url: None,
                    per_watch: true,
                },
                &mine,
            ),
            title,
        });
    }
    out
}
