//! The states of donations and contracts, read from the 状态 text units write.

use serde::{Deserialize, Serialize};

use super::catalogue::item_key;

/// Where a donation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DonationState {
    /// 已接收, 已到货, 已入库.
    Received,
    /// 运输中, 在途.
    InTransit,
    /// 承诺捐赠, 意向, 计划捐赠.
    Pledged,
}

impl DonationState {
    /// The snake_case name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::InTransit => "in_transit",
            Self::Pledged => "pledged",
        }
    }

    /// The state of a stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Received, Self::InTransit, Self::Pledged]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// Where a purchase contract stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractState {
    /// 洽谈中, 询价中, 报价待定, 资质认定中.
    Lead,
    /// 已签合同, 已预付…, 已付定金…, 已付款.
    Contracted,
    /// 运输中, 在途, 通关中, 已发货.
    InTransit,
    /// 已到货, 已入库, 已验收.
    Received,
    /// 已取消…, 合同终止….
    Cancelled,
}

impl ContractState {
    /// Every state, in the order a contract goes through them.
    pub const ALL: [ContractState; 5] = [
        Self::Lead,
        Self::Contracted,
        Self::InTransit,
        Self::Received,
        Self::Cancelled,
    ];

    /// The snake_case name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Contracted => "contracted",
            Self::InTransit => "in_transit",
            Self::Received => "received",
            Self::Cancelled => "cancelled",
        }
    }

    /// The state of a stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Words of each donation state, checked in this order (a row "未到货，运输中" is in transit).
#[rustfmt::skip]
const DONATION_WORDS: &[(DonationState, &[&str])] = &[
    (DonationState::Pledged, &["承诺", "意向", "计划", "拟捐", "待捐", "认捐", "pledge", "intend", "plan"]),
    (DonationState::InTransit, &["运输中", "在途", "途中", "已发货", "已发出", "发运", "通关", "清关", "待到货", "未到货", "transit", "shipped", "shipping"]),
    (DonationState::Received, &["已接收", "已到货", "已入库", "已到", "已收", "已验收", "已签收", "已分配", "已发放", "已捐赠", "已捐", "接收", "到货", "入库", "received", "delivered", "arrived"]),
];

/// The state a donation's 状态 text names.
pub fn donation_state(text: &str) -> Option<DonationState> {
    state_named(DONATION_WORDS, text)
}

/// The first state of `table` one of whose words the text holds.
fn state_named<S: Copy>(table: &[(S, &[&str])], text: &str) -> Option<S> {
    let key = item_key(text);
    table
        .iter()
        .find(|(_, words)| words.iter().any(|w| key.contains(w)))
        .map(|(state, _)| *state)
}

/// Words of each contract state, checked in this order: a cancelled contract's text may
/// name the payment it refunds, a received one the transport it took.
#[rustfmt::skip]
const CONTRACT_WORDS: &[(ContractState, &[&str])] = &[
    (ContractState::Cancelled, &["取消", "终止", "解除", "作废", "撤销", "已退款", "cancel", "terminat", "refunded"]),
    (ContractState::Received, &["已到货", "已入库", "已验收", "已到", "已收货", "已交付", "已完成", "完成交付", "到货", "入库", "received", "delivered", "arrived", "completed"]),
    (ContractState::InTransit, &["运输中", "在途", "途中", "通关", "清关", "已发货", "已发出", "发运", "已起运", "transit", "shipped", "shipping", "customs"]),
    (ContractState::Contracted, &["已签", "签约", "签订", "已预付", "预付", "定金", "订金", "已付款", "已付", "付款", "生产中", "备货", "signed", "contract", "paid", "prepaid", "deposit"]),
    (ContractState::Lead, &["洽谈", "询价", "报价", "资质", "认定", "意向", "待定", "磋商", "谈判", "对接", "联系中", "考察", "lead", "negotiat", "quot", "inquir", "enquir"]),
];

/// The state a contract's 状态 text names.
pub fn contract_state(text: &str) -> Option<ContractState> {
    state_named(CONTRACT_WORDS, text)
}

/// Whether a cancelled contract's 状态 text says its payment came back (已退款, 退款完成).
pub fn says_refunded(text: &str) -> bool {
    let key = item_key(text);
    (key.contains("已退款")
        || key.contains("退款完成")
        || key.contains("已退回")
        || key.contains("refunded"))
        && !key.contains("未退")
}

/// Whether an outreach result recommends the contact to the purchasing group.
pub fn recommends(text: &str) -> bool {
    let key = item_key(text);
    key.contains("推荐")
        && !["未推荐", "不推荐", "暂不推荐", "拒绝推荐"]
            .iter()
            .any(|w| key.contains(w))
        || key.contains("recommended") && !key.contains("notrecommended")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn donation_states() {
        assert_eq!(donation_state("已入库"), Some(DonationState::Received));
        assert_eq!(donation_state("已到货"), Some(DonationState::Received));
        assert_eq!(donation_state("运输中"), Some(DonationState::InTransit));
        assert_eq!(donation_state("承诺捐赠"), Some(DonationState::Pledged));
        assert_eq!(donation_state("意向"), Some(DonationState::Pledged));
        assert_eq!(donation_state("？？"), None);
    }

    #[test]
    fn contract_states() {
        assert_eq!(contract_state("已预付70%"), Some(ContractState::Contracted));
        assert_eq!(contract_state("已签合同"), Some(ContractState::Contracted));
        assert_eq!(
            contract_state("已取消（全额退款中）"),
            Some(ContractState::Cancelled)
        );
        assert!(!says_refunded("已取消（全额退款中）"));
        assert!(says_refunded("已取消，已退款"));
        assert_eq!(contract_state("已入库"), Some(ContractState::Received));
        assert_eq!(contract_state("通关中"), Some(ContractState::InTransit));
        assert_eq!(contract_state("报价待定"), Some(ContractState::Lead));
        assert_eq!(contract_state("资质认定中"), Some(ContractState::Lead));
        assert_eq!(contract_state("合同终止"), Some(ContractState::Cancelled));
        assert_eq!(
            contract_state("已付定金30%"),
            Some(ContractState::Contracted)
        );
        assert!(recommends("已推荐采购组"));
        assert!(recommends("推荐给采购组"));
        assert!(!recommends("待回复"));
        assert!(!recommends("未推荐"));
    }
}
