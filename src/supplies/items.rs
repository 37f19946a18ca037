//! The categories of protective supplies as the API names them, and a quantity of one of
//! them: what the figures' quantities by item code read as.

use async_graphql::{Enum, SimpleObject};

/// A category of protective supplies. 物资品类。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum SupplyItem {
    /// 防护服.
    ProtectiveSuit,
    /// N95/KN95 口罩.
    N95Mask,
    /// 一次性医用口罩.
    MedicalMask,
    /// 医用外科口罩.
    SurgicalMask,
    /// 医用手套.
    MedicalGloves,
    /// 检查手套.
    ExamGloves,
    /// 护目镜.
    Goggles,
    /// 隔离服.
    IsolationGown,
}

impl SupplyItem {
    /// Every category, in the order the API lists them.
    pub const ALL: [SupplyItem; 8] = [
        Self::ProtectiveSuit,
        Self::N95Mask,
        Self::MedicalMask,
        Self::SurgicalMask,
        Self::MedicalGloves,
        Self::ExamGloves,
        Self::Goggles,
        Self::IsolationGown,
    ];

    /// The catalogue code.
    pub fn code(self) -> &'static str {
        match self {
            Self::ProtectiveSuit => "protective_suit",
            Self::N95Mask => "n95_mask",
            Self::MedicalMask => "medical_mask",
            Self::SurgicalMask => "surgical_mask",
            Self::MedicalGloves => "medical_gloves",
            Self::ExamGloves => "exam_gloves",
            Self::Goggles => "goggles",
            Self::IsolationGown => "isolation_gown",
        }
    }

    /// The item of a catalogue code (none for cash).
    pub fn of_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.code() == code)
    }
}

/// A quantity of one item. 某品类的数量。
#[derive(Debug, Clone, SimpleObject)]
pub struct ItemQuantity {
    /// The item. 品类。
    pub item: SupplyItem,
    /// Quantity in the item's unit (套, 只, 副). 数量。
    pub quantity: f64,
}
