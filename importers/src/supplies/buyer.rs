//! Whether a purchase was for the city or assisted.

use super::catalogue::item_key;

/// Whether a 需求方 names the city's purchasing group (市指挥部物资采购组,
/// 市疫情防控物资采购组, 市采购组 …) rather than a county or district, the high-tech zone or an
/// enterprise. A purchase whose buyer is not written is the city's: the registers are kept
/// for the purchasing group.
pub fn is_city_buyer(buyer: Option<&str>) -> bool {
    let Some(buyer) = buyer else {
        return true;
    };
    let key = item_key(buyer);
    let key = key.strip_prefix("大庆").unwrap_or(&key);
    if key.is_empty() {
        return true;
    }
    let group = key.contains("采购组") || key.contains("指挥部") || key.contains("物资组");
    let local = [
        "县", "区", "公司", "企业", "厂", "集团", "油田", "医院", "学校", "大学",
    ]
    .iter()
    .any(|w| key.contains(w));
    group && !local && (key.starts_with('市') || !key.contains('市'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_or_assisted() {
        assert!(is_city_buyer(Some("市指挥部物资采购组")));
        assert!(is_city_buyer(Some("大庆市疫情防控物资采购组")));
        assert!(is_city_buyer(Some("市采购组")));
        assert!(is_city_buyer(None));
        assert!(!is_city_buyer(Some("萨尔图区")));
        assert!(!is_city_buyer(Some("肇州县")));
        assert!(!is_city_buyer(Some("高新区")));
        assert!(!is_city_buyer(Some("大庆油田有限责任公司")));
        assert!(!is_city_buyer(Some("肇州县采购组")));
    }
}
