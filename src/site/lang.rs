//! The three languages of the site and the words of its interface.
//!
//! Knowledge (names, summaries) comes from the entity files; a missing
//! translation falls back to English and is marked as such on the page.
//! The interface words below are the site's own: the fixed words of the
//! pages ([`Lang::words`]), and the names of the closed vocabularies of
//! [`crate::model`] (kinds, stages, relations both ways, identifier
//! schemes, confidence), each a `match` over its enum without a
//! wildcard, so that a new variant does not compile until it has words
//! in every language. Traditional Chinese follows Taiwan usage (計畫,
//! 數位, 資訊), Simplified Chinese mainland usage (计划, 数字, 信息).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{format_value, Confidence, IdScheme, Kind, RelationKind, Stage};

/// A language of the site.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Traditional Chinese.
    ZhHant,
    /// Simplified Chinese.
    ZhHans,
}

impl Lang {
    /// Every language, in the order of the language switch.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhHant, Lang::ZhHans];

    /// The BCP 47 tag, used in `lang` attributes, in file paths and as
    /// the key of `names` and `summaries` in the knowledge files.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHant => "zh-Hant",
            Lang::ZhHans => "zh-Hans",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhHant => "繁體中文",
            Lang::ZhHans => "简体中文",
        }
    }

    /// Parses a tag, case-insensitively (`zh-hant`, `zh-Hant`, `en`).
    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(s.trim()))
    }

    /// The language's key in knowledge files (`None` for English, which
    /// lives in `name` and `summary`).
    pub fn key(self) -> Option<&'static str> {
        match self {
            Lang::En => None,
            l => Some(l.tag()),
        }
    }

    /// The interface words of this language.
    pub fn words(self) -> BTreeMap<&'static str, &'static str> {
        let pick =
            |(k, en, hant, hans): &(&'static str, &'static str, &'static str, &'static str)| {
                (
                    *k,
                    match self {
                        Lang::En => *en,
                        Lang::ZhHant => *hant,
                        Lang::ZhHans => *hans,
                    },
                )
            };
        WORDS.iter().map(pick).collect()
    }

    /// One of three words: English, Traditional, Simplified.
    fn pick(self, en: &'static str, hant: &'static str, hans: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::ZhHant => hant,
            Lang::ZhHans => hans,
        }
    }

    /// A kind's name in this language (list headings, labels, legends).
    pub fn kind_label(self, k: Kind) -> &'static str {
        let (en, hant, hans) = match k {
            Kind::Agency => ("Agency", "機構", "机构"),
            Kind::Office => ("Office", "職位", "职位"),
            Kind::Body => ("Body", "委員會與工作組", "委员会与工作组"),
            Kind::Person => ("Person", "人物", "人物"),
            Kind::Organization => ("Organization", "組織", "组织"),
            Kind::ExecutiveOrder => ("Executive order", "行政命令", "行政命令"),
            Kind::Statute => ("Statute", "法律", "法律"),
            Kind::Bill => ("Bill", "法案", "法案"),
            Kind::Rule => ("Rule", "規則", "规则"),
            Kind::Guidance => ("Guidance", "指引", "指引"),
            Kind::Report => ("Report", "報告", "报告"),
            Kind::Program => ("Program", "計畫", "计划"),
            Kind::PlanType => ("Plan type", "計畫類型", "计划类型"),
            Kind::AssetClass => ("Asset class", "資產類別", "资产类别"),
            Kind::Event => ("Event", "事件", "事件"),
            Kind::Figure => ("Figure", "數據", "数据"),
        };
        self.pick(en, hant, hans)
    }

    /// A stage: what an event marks, and the status it sets.
    pub fn stage(self, s: Stage) -> &'static str {
        let (en, hant, hans) = match s {
            Stage::Announced => ("announced", "已宣布", "已宣布"),
            Stage::Introduced => ("introduced", "已提案", "已提出"),
            Stage::CommitteeAction => ("committee action", "委員會審議", "委员会审议"),
            Stage::PassedOneChamber => ("passed one chamber", "一院通過", "一院通过"),
            Stage::PassedBoth => ("passed both chambers", "兩院通過", "两院通过"),
            Stage::Signed => ("signed", "已簽署", "已签署"),
            Stage::Enacted => ("enacted", "已成為法律", "已成为法律"),
            Stage::Vetoed => ("vetoed", "遭否決", "被否决"),
            Stage::Failed => ("failed", "表決未通過", "表决未通过"),
            Stage::Referred => ("referred", "已交付委員會", "已提交委员会"),
            Stage::CommitteeFailed => ("committee failed", "委員會未通過", "委员会未通过"),
            Stage::SentToExecutive => ("sent to executive", "已送交行政首長", "已送交行政首长"),
            Stage::VetoOverridden => ("veto overridden", "推翻否決", "推翻否决"),
            Stage::Adopted => ("adopted", "已通過決議", "已通过决议"),
            Stage::Withdrawn => ("withdrawn", "已撤回", "已撤回"),
            Stage::Stalled => ("stalled", "停滯", "停滞"),
            Stage::Published => ("published", "已發布", "已发布"),
            Stage::SentForReview => ("sent for review", "送交審查", "送交审查"),
            Stage::Proposed => ("proposed", "已擬議", "已拟议"),
            Stage::CommentOpen => ("comment open", "徵求意見中", "征求意见中"),
            Stage::CommentClosed => ("comment closed", "意見徵求截止", "意见征求截止"),
            Stage::Final => ("final", "已定案", "已定稿"),
            Stage::Effective => ("effective", "已生效", "已生效"),
            Stage::Rescinded => ("rescinded", "已撤銷", "已撤销"),
            Stage::Superseded => ("superseded", "已被取代", "已被取代"),
            Stage::Expired => ("expired", "已失效", "已失效"),
            Stage::Held => ("held", "已舉行", "已举行"),
            Stage::Action => ("action", "程序行動", "程序行动"),
        };
        self.pick(en, hant, hans)
    }

    /// A relation read from its source: `directs`.
    pub fn relation(self, r: RelationKind) -> &'static str {
        self.relation_both(r).0
    }

    /// A relation read from its target: `directed by`.
    pub fn inverse(self, r: RelationKind) -> &'static str {
        self.relation_both(r).1
    }

    fn relation_both(self, r: RelationKind) -> (&'static str, &'static str) {
        // (English, its inverse, Traditional, its inverse, Simplified, its inverse)
        let (en, en_inv, hant, hant_inv, hans, hans_inv) = match r {
            RelationKind::Directs => ("directs", "directed by", "指示", "受指示", "指示", "受指示"),
            RelationKind::Consults => (
                "consults",
                "consulted by",
                "諮詢",
                "受諮詢",
                "咨询",
                "受咨询",
            ),
            RelationKind::IssuedBy => ("issued by", "issued", "發布者", "發布", "发布者", "发布"),
            RelationKind::Administers => (
                "administers",
                "administered by",
                "管理",
                "管理者",
                "管理",
                "管理者",
            ),
            RelationKind::Implements => (
                "implements",
                "implemented by",
                "實施",
                "實施者",
                "实施",
                "实施者",
            ),
            RelationKind::Amends => ("amends", "amended by", "修正", "被修正", "修订", "被修订"),
            RelationKind::Revokes => ("revokes", "revoked by", "撤銷", "被撤銷", "撤销", "被撤销"),
            RelationKind::Supersedes => (
                "supersedes",
                "superseded by",
                "取代",
                "被取代",
                "取代",
                "被取代",
            ),
            RelationKind::Continues => (
                "continues",
                "continued by",
                "延續",
                "被延續",
                "延续",
                "被延续",
            ),
            RelationKind::Supplements => (
                "supplements",
                "supplemented by",
                "補充",
                "被補充",
                "补充",
                "被补充",
            ),
            RelationKind::Establishes => (
                "establishes",
                "established by",
                "設立",
                "設立者",
                "设立",
                "设立者",
            ),
            RelationKind::PartOf => (
                "part of",
                "has part",
                "隸屬於",
                "下屬單位",
                "隶属于",
                "下属单位",
            ),
            RelationKind::NamesMember => (
                "names member",
                "named member by",
                "指定成員",
                "被指定為成員",
                "指定成员",
                "被指定为成员",
            ),
            RelationKind::MemberOf => (
                "member of",
                "has member",
                "成員身分",
                "成員",
                "成员身份",
                "成员",
            ),
            RelationKind::Governs => ("governs", "governed by", "規範", "受規範", "规范", "受规范"),
            RelationKind::Covers => ("covers", "covered by", "涵蓋", "被涵蓋", "涵盖", "被涵盖"),
            RelationKind::Enacts => (
                "enacts",
                "enacted by",
                "簽署成法",
                "簽署者",
                "签署成法",
                "签署者",
            ),
            RelationKind::Cites => ("cites", "cited by", "引用", "被引用", "引用", "被引用"),
            RelationKind::Leads => ("leads", "led by", "領導", "領導者", "领导", "领导者"),
            RelationKind::Holds => ("holds", "held by", "擔任", "任職者", "担任", "任职者"),
            RelationKind::Recommends => (
                "recommends",
                "recommended by",
                "建議",
                "建議者",
                "建议",
                "建议者",
            ),
            RelationKind::RuleFor => (
                "rule for",
                "considered under",
                "審議規則",
                "依規則審議",
                "审议规则",
                "依规则审议",
            ),
            RelationKind::Related => ("related", "related", "相關", "相關", "相关", "相关"),
        };
        match self {
            Lang::En => (en, en_inv),
            Lang::ZhHant => (hant, hant_inv),
            Lang::ZhHans => (hans, hans_inv),
        }
    }

    /// The scheme of an identifier: what kind of number it is.
    pub fn scheme(self, s: IdScheme) -> &'static str {
        let (en, hant, hans) = match s {
            IdScheme::ExecutiveOrder => ("Executive order", "行政命令編號", "行政命令编号"),
            IdScheme::FederalRegister => ("Federal Register", "聯邦公報", "联邦公报"),
            IdScheme::FrDoc => (
                "Federal Register document",
                "聯邦公報文件編號",
                "联邦公报文件编号",
            ),
            IdScheme::PublicLaw => ("Public law", "公法編號", "公法编号"),
            IdScheme::StatutesAtLarge => ("Statutes at Large", "法律大全", "法律大全"),
            IdScheme::Bill => ("Bill number", "法案編號", "法案编号"),
            IdScheme::UsCode => ("US Code", "美國法典", "美国法典"),
            IdScheme::Cfr => ("CFR", "聯邦法規彙編", "联邦法规汇编"),
            IdScheme::DocumentNumber => ("Document number", "文件編號", "文件编号"),
            IdScheme::Section => ("Section", "條文", "条款"),
            IdScheme::OpenStates => ("Open States", "Open States 編號", "Open States 编号"),
            IdScheme::Legiscan => ("LegiScan", "LegiScan 編號", "LegiScan 编号"),
            IdScheme::UsCongress => ("GovTrack", "GovTrack 編號", "GovTrack 编号"),
            IdScheme::SessionLaw => ("Session law", "會期法律", "会期法律"),
            IdScheme::FrAgency => (
                "Federal Register agency",
                "聯邦公報機構代稱",
                "联邦公报机构代称",
            ),
            IdScheme::FrAgencyId => (
                "Federal Register agency number",
                "聯邦公報機構編號",
                "联邦公报机构编号",
            ),
            IdScheme::Rin => ("Regulation Identifier Number", "法規識別碼", "法规识别号"),
            IdScheme::Docket => ("Docket", "案卷編號", "案卷编号"),
            IdScheme::Other => ("Other", "其他", "其他"),
        };
        self.pick(en, hant, hans)
    }

    /// How well a claim is supported, when it is worth a mark: `None`
    /// for verified claims, which carry none.
    pub fn confidence(self, c: Confidence) -> Option<&'static str> {
        match c {
            Confidence::Verified => None,
            Confidence::Partly => Some(self.pick("partly verified", "部分核實", "部分核实")),
            Confidence::Unverified => Some(self.pick("unverified", "未核實", "未核实")),
            Confidence::Extracted => Some(self.pick("read from the text", "取自原文", "取自原文")),
        }
    }

    /// The title of a diagram's legend.
    pub fn legend(self) -> &'static str {
        self.pick("Legend", "圖例", "图例")
    }

    /// The heading of the relations in a diagram's legend.
    pub fn legend_relations(self) -> &'static str {
        self.pick("relations:", "關係:", "关系:")
    }

    /// The status line's date: `since 2025-08-12`.
    pub fn since(self, date: &str) -> String {
        match self {
            Lang::En => format!("since {date}"),
            Lang::ZhHant | Lang::ZhHans => format!("自 {date} 起"),
        }
    }

    /// A diagram's date: `as of 2025-08-12`.
    pub fn as_of(self, date: &str) -> String {
        match self {
            Lang::En => format!("as of {date}"),
            Lang::ZhHant | Lang::ZhHans => format!("截至 {date}"),
        }
    }

    /// Days until a deadline: `12 days left`.
    pub fn days_left(self, n: i64) -> String {
        match self {
            Lang::En => format!("{n} days left"),
            Lang::ZhHant => format!("還有 {n} 天"),
            Lang::ZhHans => format!("还有 {n} 天"),
        }
    }

    /// Days past a deadline: `3 days late`.
    pub fn days_late(self, n: i64) -> String {
        match self {
            Lang::En => format!("{n} days late"),
            Lang::ZhHant | Lang::ZhHans => format!("逾期 {n} 天"),
        }
    }

    /// Days past a deadline with no fulfilment recorded: `3 days past
    /// due, no fulfilment recorded`.
    pub fn days_past(self, n: i64) -> String {
        match self {
            Lang::En => format!("{n} days past due, no fulfilment recorded"),
            Lang::ZhHant => format!("已過期限 {n} 天,未記錄完成"),
            Lang::ZhHans => format!("已过期限 {n} 天,未记录完成"),
        }
    }

    /// A step of a "which agencies" chain through an event and its actor:
    /// `─vetoed 2025-05-12 by→`. `stage` is `None` for an event without one.
    pub fn event_step(self, stage: Option<Stage>, date: Option<&str>) -> String {
        let what = stage.map_or(self.pick("event", "事件", "事件"), |s| self.stage(s));
        let when = date.map(|d| format!(" {d}")).unwrap_or_default();
        match self {
            Lang::En => format!("─{what}{when} by→"),
            Lang::ZhHant | Lang::ZhHans => format!("─{what}{when},由→"),
        }
    }

    /// Items of a short list, such as the relations on a diagram's edge.
    pub fn list_separator(self) -> &'static str {
        self.pick(", ", "、", "、")
    }

    /// A number as readers of this language read it: `8.7 trillion`,
    /// `8.7 兆` (Taiwan), `8.7 万亿` (mainland); `870 億`, `870 亿`.
    pub fn number(self, v: f64) -> String {
        let (wan, yi, zhao) = match self {
            Lang::En => return format_value(v),
            Lang::ZhHant => ("萬", "億", "兆"),
            Lang::ZhHans => ("万", "亿", "万亿"),
        };
        let trim = |x: f64| {
            let s = format!("{x:.3}");
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        };
        let abs = v.abs();
        if abs >= 1e12 {
            format!("{} {zhao}", trim(v / 1e12))
        } else if abs >= 1e8 {
            format!("{} {yi}", trim(v / 1e8))
        } else if abs >= 1e6 {
            format!("{} {wan}", trim(v / 1e4))
        } else {
            format_value(v)
        }
    }
}

/// `(key, English, Traditional, Simplified)`.
const WORDS: &[(&str, &str, &str, &str)] = &[
    ("site", "policygraph", "policygraph", "policygraph"),
    ("tagline", "A regulatory knowledge graph", "監管知識圖譜", "监管知识图谱"),
    ("home", "Home", "首頁", "首页"),
    ("search", "Search", "搜尋", "搜索"),
    ("search_label", "Search names, aliases, identifiers and summaries", "搜尋名稱、別名、編號與摘要", "搜索名称、别名、编号与摘要"),
    ("search_button", "Search", "搜尋", "搜索"),
    ("search_needs_js", "Search runs in your browser and needs JavaScript. Every page is also reachable from the lists on the home page.", "搜尋在瀏覽器中執行,需要 JavaScript。所有頁面也可從首頁的列表找到。", "搜索在浏览器中运行,需要 JavaScript。所有页面也可从首页的列表找到。"),
    ("results", "results", "筆結果", "条结果"),
    ("no_results", "Nothing matches.", "沒有符合的項目。", "没有符合的项目。"),
    ("timeline", "Timeline", "時間軸", "时间线"),
    ("deadlines", "Deadlines", "期限", "期限"),
    ("kinds", "By kind", "按類型", "按类型"),
    ("jurisdictions", "By jurisdiction", "按管轄區", "按管辖区"),
    ("states", "The states", "各州", "各州"),
    ("all_states", "All states together", "所有州", "所有州"),
    ("entities", "entities", "個實體", "个实体"),
    ("relations_count", "relations", "條關係", "条关系"),
    ("events_count", "events", "個事件", "个事件"),
    ("latest_events", "Latest events", "最新事件", "最新事件"),
    ("upcoming_deadlines", "Upcoming deadlines", "即將到期", "即将到期"),
    ("as_of", "as of", "截至", "截至"),
    ("built_for", "Knowledge as of", "資料截至", "数据截至"),
    ("latest_event", "latest event recorded", "最新記錄事件", "最新记录事件"),
    ("pages", "Pages", "頁", "页"),
    ("by_month", "By month", "按月份", "按月份"),
    ("language", "Language", "語言", "语言"),
    ("in_english", "English", "英文", "英文"),
    ("untranslated", "Not translated yet; shown in English.", "尚未翻譯,以英文顯示。", "尚未翻译,以英文显示。"),
    ("names", "Names", "名稱", "名称"),
    ("aliases", "Aliases", "別名", "别名"),
    ("identifiers", "Identifiers", "編號", "编号"),
    ("kind", "Kind", "類型", "类型"),
    ("jurisdiction", "Jurisdiction", "管轄區", "管辖区"),
    ("status", "Status", "狀態", "状态"),
    ("no_events", "no events", "沒有事件", "没有事件"),
    ("sponsors", "Sponsors", "提案人", "提案人"),
    ("sponsor", "sponsor", "提案人", "提案人"),
    ("cosponsor", "cosponsor", "共同提案人", "共同提案人"),
    ("value", "Value", "數值", "数值"),
    ("derived", "Derived", "推算", "推算"),
    ("summary", "Summary", "摘要", "摘要"),
    ("relations", "Relations", "關係", "关系"),
    ("incoming", "Referred to by", "指向此處的關係", "指向此处的关系"),
    ("agencies", "Which agencies this touches", "涉及哪些機構", "涉及哪些机构"),
    ("agencies_none", "It touches no agency within two relations.", "兩層關係內未涉及任何機構。", "两层关系内未涉及任何机构。"),
    ("rollup", "parent", "上級", "上级"),
    ("why", "why", "原因", "原因"),
    ("events", "Timeline", "時間軸", "时间线"),
    ("scheduled", "scheduled", "預定", "预定"),
    ("owed_by", "owed by", "負責方", "负责方"),
    ("set_by", "set by", "設定者", "设定者"),
    ("fulfilled_by", "fulfilled by", "由以下完成", "由以下完成"),
    ("notes", "Notes", "附註", "附注"),
    ("sources", "Sources", "來源", "来源"),
    ("tags", "Tags", "標籤", "标签"),
    ("diagram", "Neighbourhood", "關係圖", "关系图"),
    ("diagram_more", "more: see the relations", "更多:見關係列表", "更多:见关系列表"),
    ("upcoming", "Upcoming", "即將到期", "即将到期"),
    ("overdue", "Overdue", "逾期", "逾期"),
    ("unrecorded", "Past due, no fulfilment recorded", "已過期限,未記錄完成", "已过期限,未记录完成"),
    ("met_on_time", "Met on time", "如期完成", "如期完成"),
    ("met_late", "Met late", "逾期完成", "逾期完成"),
    ("met_by", "met by", "完成者", "完成者"),
    ("due", "Due", "到期", "到期"),
    ("what", "What", "事項", "事项"),
    ("date", "Date", "日期", "日期"),
    ("entity", "Entity", "實體", "实体"),
    ("stage", "Stage", "階段", "阶段"),
    ("note", "Note", "說明", "说明"),
    ("by_year", "By year", "按年份", "按年份"),
    ("by_kind", "By kind", "按類型", "按类型"),
    ("all_years", "Most recent events", "最近事件", "最近事件"),
    ("none", "None.", "無。", "无。"),
    ("skip", "Skip to content", "跳到內容", "跳到内容"),
    ("generated", "Generated by policygraph from the knowledge files.", "由 policygraph 從知識檔案產生。", "由 policygraph 从知识文件生成。"),
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every word of the vocabularies, in one language.
    fn vocabulary(l: Lang) -> Vec<&'static str> {
        let mut words: Vec<&'static str> = Vec::new();
        words.extend(Kind::ALL.iter().map(|&k| l.kind_label(k)));
        words.extend(Stage::ALL.iter().map(|&s| l.stage(s)));
        words.extend(RelationKind::ALL.iter().map(|&r| l.relation(r)));
        words.extend(RelationKind::ALL.iter().map(|&r| l.inverse(r)));
        words.extend(IdScheme::ALL.iter().map(|&s| l.scheme(s)));
        words.extend(Confidence::ALL.iter().filter_map(|&c| l.confidence(c)));
        words.extend([l.legend(), l.legend_relations()]);
        words
    }

    #[test]
    fn chinese_vocabularies_hold_no_english() {
        for l in [Lang::ZhHant, Lang::ZhHans] {
            for w in vocabulary(l) {
                // Names of services stay as they are written.
                let rest = ["Open States", "LegiScan", "GovTrack"]
                    .iter()
                    .fold(w.to_owned(), |s, p| s.replace(p, ""));
                assert!(
                    !rest.trim().is_empty() && !rest.chars().any(|c| c.is_ascii_alphabetic()),
                    "{l:?}: `{w}`"
                );
            }
        }
        assert!(vocabulary(Lang::En).iter().all(|w| !w.is_empty()));
    }

    #[test]
    fn no_two_values_of_a_vocabulary_read_alike() {
        for l in Lang::ALL {
            let distinct = |words: Vec<&str>| {
                let n = words.len();
                let set: BTreeSet<&str> = words.into_iter().collect();
                set.len() == n
            };
            assert!(
                distinct(Kind::ALL.iter().map(|&k| l.kind_label(k)).collect()),
                "{l:?}"
            );
            assert!(
                distinct(Stage::ALL.iter().map(|&s| l.stage(s)).collect()),
                "{l:?}"
            );
            assert!(
                distinct(IdScheme::ALL.iter().map(|&s| l.scheme(s)).collect()),
                "{l:?}"
            );
            // Relations both ways: a page groups by these words, so no
            // two relations (or a relation and another's inverse) may
            // share one; `related` reads the same both ways.
            let mut rel: Vec<&str> = RelationKind::ALL.iter().map(|&r| l.relation(r)).collect();
            rel.extend(
                RelationKind::ALL
                    .iter()
                    .filter(|&&r| r != RelationKind::Related)
                    .map(|&r| l.inverse(r)),
            );
            assert!(distinct(rel), "{l:?}");
        }
    }

    #[test]
    fn english_reads_as_the_vocabulary_names() {
        // English words are the names of the vocabularies, in words.
        for &s in Stage::ALL {
            let w = Lang::En.stage(s);
            assert!(
                w == s.name().replace('_', " ") || s == Stage::PassedBoth,
                "{w}"
            );
        }
        for &r in RelationKind::ALL {
            assert_eq!(Lang::En.relation(r), r.name().replace('_', " "));
            assert_eq!(Lang::En.inverse(r), r.inverse_name().replace('_', " "));
        }
    }

    #[test]
    fn numbers_and_dates_read_in_each_language() {
        assert_eq!(Lang::En.number(8.7e12), "8.7 trillion");
        assert_eq!(Lang::ZhHant.number(8.7e12), "8.7 兆");
        assert_eq!(Lang::ZhHans.number(8.7e12), "8.7 万亿");
        assert_eq!(Lang::ZhHant.number(8.7e10), "870 億");
        assert_eq!(Lang::ZhHans.number(8.7e10), "870 亿");
        assert_eq!(Lang::ZhHans.number(1.5e6), "150 万");
        assert_eq!(Lang::ZhHant.number(23_500.0), "23,500");
        assert_eq!(Lang::En.since("2025-08-12"), "since 2025-08-12");
        assert_eq!(Lang::ZhHant.since("2025-08-12"), "自 2025-08-12 起");
        assert_eq!(Lang::ZhHans.days_late(3), "逾期 3 天");
        assert_eq!(Lang::ZhHant.days_left(12), "還有 12 天");
        assert_eq!(
            Lang::En.event_step(Some(Stage::Vetoed), Some("2025-05-12")),
            "─vetoed 2025-05-12 by→"
        );
        assert_eq!(
            Lang::ZhHans.event_step(Some(Stage::Vetoed), Some("2025-05-12")),
            "─被否决 2025-05-12,由→"
        );
    }
}
