//! The matching key of an organisation name.

/// The key on which organisation names and aliases are matched: NFKC (full-width brackets and letters
/// become half-width), trimmed, all white space removed, every kind of bracket made `(`/`)`, Latin
/// letters case-folded. "大庆环球化妆品容器(中国)有限公司" and "大庆环球化妆品容器（中国）有限公司" share a key.
pub fn org_key(name: &str) -> String {
    super::text::fixpoint(name, key_step)
}

fn key_step(name: &str) -> String {
    super::text::compact(name)
        .map(|c| match c {
            '[' | '{' | '【' | '〔' | '〖' | '「' | '『' | '〈' | '《' => '(',
            ']' | '}' | '】' | '〕' | '〗' | '」' | '』' | '〉' | '》' => ')',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn brackets_and_spaces() {
        assert_eq!(
            org_key("大庆环球化妆品容器(中国)有限公司"),
            org_key("大庆环球化妆品容器（中国）有限公司")
        );
        assert_eq!(org_key(" 东北石油 大学 "), "东北石油大学");
        assert_eq!(
            org_key("Northeast Petroleum University"),
            org_key("NORTHEAST  PETROLEUM UNIVERSITY")
        );
        assert_eq!(org_key("【大庆】石化"), org_key("(大庆)石化"));
    }

    proptest! {
        #[test]
        fn idempotent(s in ".*") {
            let once = org_key(&s);
            prop_assert_eq!(org_key(&once), once.clone());
        }
    }
}
