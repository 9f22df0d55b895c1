//! Synthetic knowledge bases for benchmarks: a realistic mix of kinds and
//! relations (agency hierarchies, orders directing agencies, rules
//! implementing orders, state bills, figures), deterministic for a given
//! size and seed, and valid under `check`.

use std::fmt::Write as _;
use std::path::Path;

use crate::{Error, Result};

/// A small deterministic generator (SplitMix64), so the corpus is the same
/// on every machine without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const WORDS: &[&str] = &[
    "retirement",
    "savings",
    "digital",
    "asset",
    "reserve",
    "stablecoin",
    "fiduciary",
    "pension",
    "investment",
    "market",
    "structure",
    "custody",
    "disclosure",
    "innovation",
    "security",
    "transparency",
    "consumer",
    "protection",
    "capital",
    "liquidity",
    "valuation",
    "benchmark",
    "infrastructure",
    "commodity",
    "lifetime",
    "income",
    "private",
    "equity",
    "estate",
    "bitcoin",
    "payment",
    "banking",
    "illicit",
    "finance",
    "tax",
    "reporting",
    "access",
    "modernization",
];
const ZH: &[&str] = &[
    "退休",
    "儲蓄",
    "數字",
    "資產",
    "儲備",
    "穩定幣",
    "受託人",
    "投資",
    "市場",
    "監管",
    "保護",
    "資本",
    "比特幣",
    "銀行",
    "稅務",
    "報告",
    "另類",
    "私募",
    "股權",
    "房地產",
];
const STATES: &[&str] = &[
    "US-AZ", "US-TX", "US-NH", "US-FL", "US-OK", "US-MT", "US-ND", "US-SD", "US-WY", "US-UT",
    "US-OH", "US-PA", "US-CA", "US-NY", "US-IL", "US-GA", "US-NC", "US-MI", "US-NJ", "US-VA",
];

/// The share of each kind, per mille, in generation order: earlier kinds
/// can be referenced by later ones.
const MIX: &[(&str, usize)] = &[
    ("agency", 20),
    ("office", 10),
    ("body", 10),
    ("person", 5),
    ("asset_class", 5),
    ("plan_type", 5),
    ("statute", 80),
    ("executive_order", 50),
    ("program", 30),
    ("rule", 150),
    ("guidance", 200),
    ("report", 50),
    ("bill", 250),
    ("event", 25),
    ("figure", 110),
];

fn phrase(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| rng.pick(WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

fn title(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn date(rng: &mut Rng) -> String {
    format!(
        "{}-{:02}-{:02}",
        2015 + rng.below(11),
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    /// Entity files written (one per entity).
    pub files: usize,
    /// Entities per kind, in the order of the mix.
    pub by_kind: Vec<(String, usize)>,
}

/// Writes a synthetic knowledge base of `n` entities into `dir`, which must
/// be new or empty: a directory that already holds `.ron` files (a
/// knowledge base) is refused, so that no real knowledge base is mixed with
/// or overwritten by invented entities. The corpus is written into a
/// temporary directory beside `dir` and moved into place when complete, so
/// a failure leaves nothing half-written. Files go into one folder per
/// kind, sharded by a thousand, as a large real corpus would be organised.
pub fn generate(dir: &Path, n: usize, seed: u64) -> Result<Written> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{} is a file; synth writes into a new or empty directory",
                dir.display()
            )));
        }
        let holds_ron = crate::walk::list(dir)?.iter().any(|(rel, f)| {
            crate::walk::is_entity_file(rel) && matches!(f, crate::walk::Found::File { .. })
        });
        if holds_ron {
            return Err(Error::Usage(format!(
                "{} already holds a knowledge base (.ron files); synth writes only into a new or empty directory",
                dir.display()
            )));
        }
        let empty = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_none();
        if !empty {
            return Err(Error::Usage(format!(
                "{} is not empty; synth writes only into a new or empty directory",
                dir.display()
            )));
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let stage = crate::fsio::Stage::create(parent, ".synth")?;
    let written = write_corpus(stage.path(), n, seed)?;
    if dir.exists() {
        // Empty, as checked above.
        std::fs::remove_dir(dir).map_err(|e| Error::io(dir, e))?;
    }
    stage.commit(dir)?;
    Ok(written)
}

/// Writes the corpus into `dir` (which exists).
fn write_corpus(dir: &Path, n: usize, seed: u64) -> Result<Written> {
    let mut rng = Rng(seed);
    // Plan ids per kind.
    let mut plan: Vec<(&str, usize)> = Vec::new();
    let mut assigned = 0;
    for (i, (kind, per_mille)) in MIX.iter().enumerate() {
        let count = if i + 1 == MIX.len() {
            n.saturating_sub(assigned)
        } else {
            (n * per_mille / 1000).max(1)
        };
        let count = count.min(n.saturating_sub(assigned));
        plan.push((kind, count));
        assigned += count;
    }
    let ids_of = |kind: &str, count: usize| -> Vec<String> {
        (0..count)
            .map(|i| format!("{}-{i}", kind.replace('_', "-")))
            .collect()
    };
    let by_kind: Vec<(&str, Vec<String>)> = plan.iter().map(|(k, c)| (*k, ids_of(k, *c))).collect();
    let get = |k: &str| -> &[String] {
        by_kind
            .iter()
            .find(|(kk, _)| *kk == k)
            .map_or(&[][..], |(_, v)| v.as_slice())
    };
    let actors: Vec<&String> = get("agency")
        .iter()
        .chain(get("office"))
        .chain(get("body"))
        .collect();
    let instruments: Vec<&String> = get("statute")
        .iter()
        .chain(get("executive_order"))
        .collect();
    for (kind, ids) in &by_kind {
        for (i, id) in ids.iter().enumerate() {
            let mut rels: Vec<(String, String)> = Vec::new();
            let pick = |rng: &mut Rng, pool: &[&String]| -> Option<String> {
                if pool.is_empty() {
                    None
                } else {
                    Some(pool[rng.below(pool.len())].clone())
                }
            };
            let agencies: Vec<&String> = get("agency").iter().collect();
            let asset_pool: Vec<&String> =
                get("asset_class").iter().chain(get("plan_type")).collect();
            let jurisdiction = if *kind == "bill" && rng.below(10) < 8 {
                rng.pick(STATES).to_owned()
            } else {
                "US".to_owned()
            };
            match *kind {
                "agency" if i >= 5 => {
                    // A hierarchy: later agencies sit under one of the first five.
                    rels.push(("part_of".into(), get("agency")[rng.below(5)].clone()));
                }
                "office" | "body" => {
                    if let Some(a) = pick(&mut rng, &agencies) {
                        rels.push(("part_of".into(), a));
                    }
                }
                "person" => {
                    if let Some(o) = pick(&mut rng, &get("office").iter().collect::<Vec<_>>()) {
                        rels.push(("holds".into(), o));
                    }
                }
                "statute" | "executive_order" | "bill" => {
                    for _ in 0..1 + rng.below(2) {
                        if let Some(a) = pick(&mut rng, &actors) {
                            rels.push(("directs".into(), a));
                        }
                    }
                    if let Some(a) = pick(&mut rng, &asset_pool) {
                        rels.push(("covers".into(), a));
                    }
                    if *kind == "executive_order" {
                        if let Some(a) = pick(&mut rng, &actors) {
                            rels.push(("consults".into(), a));
                        }
                    }
                }
                "rule" | "guidance" | "report" | "program" => {
                    if let Some(a) = pick(&mut rng, &actors) {
                        let rel = if *kind == "program" {
                            "related"
                        } else {
                            "issued_by"
                        };
                        rels.push((rel.into(), a));
                    }
                    if let Some(x) = pick(&mut rng, &instruments) {
                        rels.push(("implements".into(), x));
                    }
                    if *kind != "program" {
                        if let Some(a) = pick(&mut rng, &asset_pool) {
                            rels.push(("covers".into(), a));
                        }
                    }
                }
                "event" => {
                    let bills: Vec<&String> = get("bill").iter().collect();
                    if let Some(b) = pick(&mut rng, &bills) {
                        rels.push(("covers".into(), b));
                    }
                }
                "figure" => {
                    if let Some(a) = pick(&mut rng, &agencies) {
                        rels.push(("issued_by".into(), a));
                    }
                }
                _ => {}
            }
            rels.sort();
            rels.dedup();
            let text = entity_text(&mut rng, id, kind, &jurisdiction, &rels);
            let path = dir
                .join(kind)
                .join(format!("{:03}", i / 1000))
                .join(format!("{id}.ron"));
            crate::fsio::write_new(&path, text.as_bytes())?;
        }
    }
    Ok(Written {
        files: by_kind.iter().map(|(_, ids)| ids.len()).sum(),
        by_kind: by_kind
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(k, ids)| ((*k).to_owned(), ids.len()))
            .collect(),
    })
}

fn entity_text(
    rng: &mut Rng,
    id: &str,
    kind: &str,
    jurisdiction: &str,
    rels: &[(String, String)],
) -> String {
    let words = 3 + rng.below(3);
    let name = title(&phrase(rng, words));
    let zh: String = (0..3).map(|_| rng.pick(ZH)).collect();
    let summary = format!("{}. {}.", title(&phrase(rng, 12)), title(&phrase(rng, 10)));
    let mut s = String::new();
    let _ = writeln!(s, "(");
    let _ = writeln!(s, "    id: {id:?},");
    let _ = writeln!(s, "    kind: {kind},");
    let _ = writeln!(s, "    name: {name:?},");
    let _ = writeln!(s, "    names: {{\"zh-Hant\": {zh:?}}},");
    let _ = writeln!(s, "    aliases: [{:?}],", id.to_uppercase());
    let _ = writeln!(s, "    jurisdiction: {jurisdiction:?},");
    let _ = writeln!(s, "    summary: {summary:?},");
    let has_status = matches!(
        kind,
        "statute" | "executive_order" | "bill" | "rule" | "guidance" | "report" | "program"
    );
    if has_status {
        let (a, b) = (date(rng), date(rng));
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let stages: &[&str] = match kind {
            "bill" => &[
                "introduced",
                "passed_one_chamber",
                "vetoed",
                "failed",
                "signed",
                "stalled",
            ],
            "rule" => &["proposed", "comment_open", "final", "effective"],
            _ => &["published", "signed", "effective", "rescinded"],
        };
        let first = if kind == "bill" {
            "introduced"
        } else {
            stages[0]
        };
        let last = stages[1 + rng.below(stages.len() - 1)];
        let _ = writeln!(s, "    events: [");
        let _ = writeln!(
            s,
            "        (date: {a:?}, stage: {first}, note: {:?}, source: 0),",
            title(&phrase(rng, 6))
        );
        let _ = writeln!(
            s,
            "        (date: {b:?}, stage: {last}, note: {:?}, source: 0),",
            title(&phrase(rng, 6))
        );
        let _ = writeln!(s, "    ],");
    }
    if kind == "figure" {
        let _ = writeln!(
            s,
            "    figure: (value: {}.0, unit: \"USD\", as_of: {:?}),",
            1000 + rng.below(1_000_000),
            date(rng)
        );
    }
    let _ = writeln!(s, "    relations: [");
    for (rel, to) in rels {
        let _ = writeln!(
            s,
            "        (rel: {rel}, to: {to:?}, note: {:?}, source: 0),",
            phrase(rng, 5)
        );
    }
    let _ = writeln!(s, "    ],");
    // An instrument cites an official host, as `check` asks of real ones
    // (`no-official-source`); `example.gov` is not a real site.
    let host = match kind {
        "executive_order" | "statute" | "bill" | "rule" | "guidance" => "example.gov",
        _ => "example.org",
    };
    let _ = writeln!(
        s,
        "    sources: [(title: {:?}, publisher: \"Synthetic\", url: \"https://{host}/{id}\")],",
        title(&phrase(rng, 4))
    );
    let _ = writeln!(s, "    tags: [{:?}],", rng.pick(WORDS));
    let _ = writeln!(s, ")");
    s
}
