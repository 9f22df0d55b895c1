//! The three languages of the site and the words of its interface.
//!
//! Knowledge (names, summaries) comes from the entity files; a missing
//! translation falls back to English and is marked as such on the page.
//! The interface words below are the site's own.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Kind;

/// A language of the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Lang {
    /// English.
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

    /// A kind's name in this language, plural for list headings.
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
            Kind::Program => ("Program", "計劃", "计划"),
            Kind::PlanType => ("Plan type", "計劃類型", "计划类型"),
            Kind::AssetClass => ("Asset class", "資產類別", "资产类别"),
            Kind::Event => ("Event", "事件", "事件"),
            Kind::Figure => ("Figure", "數據", "数据"),
        };
        match self {
            Lang::En => en,
            Lang::ZhHant => hant,
            Lang::ZhHans => hans,
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
    ("timeline", "Timeline", "時間線", "时间线"),
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
    ("built_for", "Knowledge as of", "資料截至", "资料截至"),
    ("language", "Language", "語言", "语言"),
    ("in_english", "English", "英文", "英文"),
    ("untranslated", "Not translated yet; shown in English.", "尚未翻譯,以英文顯示。", "尚未翻译,以英文显示。"),
    ("names", "Names", "名稱", "名称"),
    ("aliases", "Aliases", "別名", "别名"),
    ("identifiers", "Identifiers", "編號", "编号"),
    ("kind", "Kind", "類型", "类型"),
    ("jurisdiction", "Jurisdiction", "管轄區", "管辖区"),
    ("status", "Status", "狀態", "状态"),
    ("since", "since", "自", "自"),
    ("no_events", "no events", "沒有事件", "没有事件"),
    ("value", "Value", "數值", "数值"),
    ("derived", "Derived", "推算", "推算"),
    ("summary", "Summary", "摘要", "摘要"),
    ("relations", "Relations", "關係", "关系"),
    ("incoming", "Referred to by", "被引用", "被引用"),
    ("agencies", "Which agencies this touches", "涉及哪些機構", "涉及哪些机构"),
    ("agencies_none", "It touches no agency within two relations.", "兩層關係內未涉及任何機構。", "两层关系内未涉及任何机构。"),
    ("rollup", "parent", "上級", "上级"),
    ("why", "why", "原因", "原因"),
    ("events", "Timeline", "時間線", "时间线"),
    ("scheduled", "scheduled", "預定", "预定"),
    ("owed_by", "owed by", "負責", "负责"),
    ("set_by", "set by", "設定者", "设定者"),
    ("fulfilled_by", "fulfilled by", "由以下完成", "由以下完成"),
    ("notes", "Notes", "附註", "附注"),
    ("sources", "Sources", "來源", "来源"),
    ("tags", "Tags", "標籤", "标签"),
    ("diagram", "Neighbourhood", "關係圖", "关系图"),
    ("diagram_more", "more: see the relations", "更多:見關係列表", "更多:见关系列表"),
    ("partly", "partly verified", "部分核實", "部分核实"),
    ("unverified", "unverified", "未核實", "未核实"),
    ("upcoming", "Upcoming", "即將到期", "即将到期"),
    ("overdue", "Overdue", "逾期", "逾期"),
    ("met_on_time", "Met on time", "如期完成", "如期完成"),
    ("met_late", "Met late", "逾期完成", "逾期完成"),
    ("days_left", "days left", "天後到期", "天后到期"),
    ("days_late", "days late", "天逾期", "天逾期"),
    ("met_by", "met by", "完成於", "完成于"),
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
