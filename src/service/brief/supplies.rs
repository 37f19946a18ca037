//! The brief's 物资保障 section: the supplies ledger's figures as of the brief's time, in
//! the office's sentences. The figures are the ledger's own (`crate::supplies::figures`, the
//! same functions the GraphQL `supplies` field answers from), read as the principal may
//! read the ledger; a role that may not read it, or an empty ledger, gives no section.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::DatabaseConnection;

use crate::auth::Principal;
use crate::error::HubError;
use crate::supplies::figures::{self, ByItem};
use crate::supplies::ledger::{Ledger, Parts};
use crate::supplies::service;

/// The section's sentences as of `as_of`, or `None` when `principal` may not read the
/// ledger or it holds nothing by then.
pub async fn section(
    db: &DatabaseConnection,
    tz: Tz,
    principal: &Principal,
    as_of: DateTime<Utc>,
) -> Result<Option<Vec<String>>, HubError> {
    let Ok(view) = service::view(principal) else {
        return Ok(None);
    };
    let ledger = service::load(db, view, Parts::ALL).await?;
    let donations = figures::donation_figures(&ledger, as_of, tz);
    let procurement = figures::procurement_figures(&ledger, as_of, tz);
    let outreach = figures::outreach_figures(&ledger, as_of);
    let contracts = figures::contracts_at(&ledger, as_of).len();
    if donations.count == 0 && contracts == 0 && outreach.contacts == 0 {
        return Ok(None);
    }
    let mut lines = Vec::new();
    if donations.count > 0 {
        let mut parts = vec![format!(
            "接收捐赠物资和资金折合人民币{}元（其中现金{}元），共{}笔，来自{}个捐赠方",
            yuan(donations.received_value_cny),
            yuan(donations.cash_cny),
            donations.count,
            donations.donors_received
        )];
        parts.extend(listed(&ledger, "已到", &donations.received));
        parts.extend(listed(&ledger, "在途", &donations.in_transit));
        parts.extend(listed(&ledger, "认捐待到", &donations.pledged));
        lines.push(format!("捐赠：{}。", parts.join("；")));
    }
    if contracts > 0 {
        let mut parts = Vec::new();
        parts.extend(listed(
            &ledger,
            "为全市采购已到货",
            &procurement.received_for_city,
        ));
        parts.extend(listed(
            &ledger,
            "协助县区和企业采购已到货",
            &procurement.received_assisted,
        ));
        parts.extend(listed(&ledger, "在途", &procurement.in_transit));
        parts.extend(listed(&ledger, "已签合同待发货", &procurement.contracted));
        parts.extend(listed(&ledger, "已取消", &procurement.cancelled));
        parts.push(format!("已付款{}元", yuan(procurement.paid_cny)));
        if procurement.refund_due_cny > 0.0 {
            parts.push(format!("待退款{}元", yuan(procurement.refund_due_cny)));
        }
        if procurement.open_leads > 0 {
            parts.push(format!("在谈线索{}条", procurement.open_leads));
        }
        lines.push(format!("采购：{}。", parts.join("；")));
    }
    if outreach.contacts > 0 {
        lines.push(format!(
            "对外联络：联系{}次，涉及{}个组织和个人，覆盖{}个国家和地区，向采购组推荐{}家。",
            outreach.contacts,
            outreach.organisations,
            outreach.countries_and_regions,
            outreach.recommended
        ));
    }
    Ok(Some(lines))
}

/// `label` followed by the items with their quantities and units ("防护服800套、N95口罩
/// 2000只"), or nothing when there are none.
fn listed(ledger: &Ledger, label: &str, items: &ByItem) -> Option<String> {
    let shown: Vec<String> = items
        .iter()
        .filter(|(_, quantity)| **quantity > 0.0)
        .map(|(code, quantity)| match ledger.catalogue.item(code) {
            Some(item) => format!("{}{}{}", item.label_zh, number(*quantity), item.unit),
            None => format!("{code}{}", number(*quantity)),
        })
        .collect();
    (!shown.is_empty()).then(|| format!("{label}{}", shown.join("、")))
}

/// A quantity as the office writes it: whole numbers without decimals.
fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// An amount of yuan, rounded to the yuan.
fn yuan(value: f64) -> String {
    format!("{value:.0}")
}

#[cfg(test)]
mod tests {
    use super::{number, yuan};

    #[test]
    fn quantities_and_amounts_read_as_the_office_writes_them() {
        assert_eq!(number(800.0), "800");
        assert_eq!(number(2.5), "2.50");
        assert_eq!(yuan(204_100.0), "204100");
        assert_eq!(yuan(1_435_045.4), "1435045");
    }
}
