//! Names as the ledger counts them, and donors who are private persons.

/// The key a donor or contact is counted by: NFKC (full-width digits folded), no spaces,
/// Latin letters lower case.
pub fn name_key(name: &str) -> String {
    importers::supplies::item_key(name)
}

/// Words that make a name an organisation or a group rather than a private person.
const GROUP_WORDS: &[&str] = &[
    "公司",
    "会",
    "集团",
    "基金",
    "财团",
    "株式会社",
    "社",
    "厂",
    "局",
    "委",
    "办",
    "院",
    "校",
    "大学",
    "中心",
    "银行",
    "组织",
    "单位",
    "职工",
    "员工",
    "全体",
    "干部",
    "企业",
    "俱乐部",
    "团",
    "部",
    "所",
    "站",
    "队",
    "店",
    "行",
    "馆",
    "政府",
    "医院",
    "华侨",
    "华人",
    "同乡",
    "co.",
    "ltd",
    "inc",
    "corp",
    "company",
    "association",
    "foundation",
    "group",
    "club",
    "society",
    "council",
    "chamber",
    "bank",
    "university",
    "hospital",
    "gmbh",
    "llc",
    "plc",
    "organi",
    "committee",
    "federation",
    "union",
];

/// Whether a donor's name names a private person (杨淑玲外孙, 李志琢) rather than an
/// organisation or group: such names are masked for leaders and are not organisations.
pub fn is_private_person(name: &str) -> bool {
    let key = name_key(name);
    !key.is_empty() && !GROUP_WORDS.iter().any(|w| key.contains(w))
}

/// A private person's name as leaders see it: the first character, then `*` for the rest
/// (李志琢 → 李**).
pub fn mask_person(name: &str) -> String {
    let mut chars = name.trim().chars();
    let first = chars.next().map(String::from).unwrap_or_default();
    let rest = chars.filter(|c| !c.is_whitespace()).count().clamp(1, 6);
    format!("{first}{}", "*".repeat(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_and_groups() {
        assert!(is_private_person("李志琢"));
        assert!(is_private_person("杨淑玲外孙"));
        assert!(!is_private_person("大庆逸品经贸有限公司（杨淑玲）"));
        assert!(!is_private_person("市外事办干部职工（21人）"));
        assert!(!is_private_person("纽约东北同乡会"));
        assert_eq!(mask_person("李志琢"), "李**");
        assert_eq!(name_key("美北辰商会146 号"), name_key("美北辰商会１４６号"));
    }
}
