//! The kinds of source a member unit uploads.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What one upload is: one kind per file, given by the uploader or detected from the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Police list of residents and their visas / residence permits.
    VisaRegistry,
    /// Education bureau's list of international students.
    StudentRoster,
    /// A university's own list of foreign students and teachers.
    UniversityRoster,
    /// An employer's (or a bureau's) list of foreign employees.
    EmploymentRoster,
    /// Hotel / resort register of stays.
    LodgingRegister,
    /// Airport, railway or coach arrivals and departures.
    PassengerFlow,
    /// Temperature checks.
    HealthCheck,
    /// A unit's daily (or zero) report.
    DailyReport,
    /// Donations of money or goods (friendship association, Red Cross, charity federation …).
    DonationRegister,
    /// States of purchase contracts for protective supplies.
    ProcurementRegister,
    /// Contacts with suppliers, associations and persons abroad.
    OutreachLog,
}

/// The rank of a kind that takes no part in an order (after every ranked kind).
pub const UNRANKED: i16 = i16::MAX;

impl SourceKind {
    /// Every kind, in a stable order.
    pub const ALL: [SourceKind; 11] = [
        Self::VisaRegistry,
        Self::StudentRoster,
        Self::UniversityRoster,
        Self::EmploymentRoster,
        Self::LodgingRegister,
        Self::PassengerFlow,
        Self::HealthCheck,
        Self::DailyReport,
        Self::DonationRegister,
        Self::ProcurementRegister,
        Self::OutreachLog,
    ];

    /// The snake_case identifier used by the API, the CLI and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VisaRegistry => "visa_registry",
            Self::StudentRoster => "student_roster",
            Self::UniversityRoster => "university_roster",
            Self::EmploymentRoster => "employment_roster",
            Self::LodgingRegister => "lodging_register",
            Self::PassengerFlow => "passenger_flow",
            Self::HealthCheck => "health_check",
            Self::DailyReport => "daily_report",
            Self::DonationRegister => "donation_register",
            Self::ProcurementRegister => "procurement_register",
            Self::OutreachLog => "outreach_log",
        }
    }

    /// Chinese label shown to people.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::VisaRegistry => "外国人签证登记",
            Self::StudentRoster => "留学生名单",
            Self::UniversityRoster => "高校外籍师生名单",
            Self::EmploymentRoster => "外籍员工名单",
            Self::LodgingRegister => "住宿登记",
            Self::PassengerFlow => "旅客进出港",
            Self::HealthCheck => "体温检测",
            Self::DailyReport => "每日报告",
            Self::DonationRegister => "捐赠款物登记",
            Self::ProcurementRegister => "物资采购台账",
            Self::OutreachLog => "外联记录",
        }
    }

    /// Rank of this kind's values when sources disagree about a person, lower first
    /// (domain.md: police > university > employer > education > hotel > transport; then
    /// checks and daily reports). Also the order in which the units that reported a person
    /// are tried for the managing unit when no affiliation or stay names one.
    pub fn value_rank(self) -> i16 {
        match self {
            Self::VisaRegistry => 0,
            Self::UniversityRoster => 1,
            Self::EmploymentRoster => 2,
            Self::StudentRoster => 3,
            Self::LodgingRegister => 4,
            Self::PassengerFlow => 5,
            Self::HealthCheck => 6,
            Self::DailyReport => 7,
            // The supplies registers name no person.
            Self::DonationRegister | Self::ProcurementRegister | Self::OutreachLog => 8,
        }
    }

    /// Rank of an affiliation from a list of this kind when a person has several active
    /// ones, lower first: the organisation's own roster (a university's, an employer's),
    /// then the police list's 工作/学习单位, then the education bureau's 院校名称.
    pub fn affiliation_rank(self) -> i16 {
        match self {
            Self::UniversityRoster => 0,
            Self::EmploymentRoster => 1,
            Self::VisaRegistry => 2,
            Self::StudentRoster => 3,
            Self::LodgingRegister
            | Self::PassengerFlow
            | Self::HealthCheck
            | Self::DailyReport
            | Self::DonationRegister
            | Self::ProcurementRegister
            | Self::OutreachLog => UNRANKED,
        }
    }

    /// [`SourceKind::value_rank`] of a stored kind; a kind the hub no longer knows ranks last.
    pub fn value_rank_of(kind: &str) -> i16 {
        kind.parse::<Self>().map_or(UNRANKED, Self::value_rank)
    }

    /// [`SourceKind::affiliation_rank`] of a stored kind; a kind the hub no longer knows
    /// ranks last.
    pub fn affiliation_rank_of(kind: &str) -> i16 {
        kind.parse::<Self>()
            .map_or(UNRANKED, Self::affiliation_rank)
    }

    /// Whether an upload of this kind is the unit's current list (a roster): people missing from a
    /// newer upload have their affiliation ended. Movements, checks and reports only ever add.
    pub fn is_roster(self) -> bool {
        matches!(
            self,
            Self::VisaRegistry
                | Self::StudentRoster
                | Self::UniversityRoster
                | Self::EmploymentRoster
                | Self::LodgingRegister
        )
    }

    /// Whether one row of this kind is about one person (needs a document number and a nationality).
    pub fn is_about_person(self) -> bool {
        !matches!(self, Self::DailyReport) && !self.is_supplies()
    }

    /// Whether the kind is a register of the supplies ledger (donations, purchases, outreach).
    pub fn is_supplies(self) -> bool {
        matches!(
            self,
            Self::DonationRegister | Self::ProcurementRegister | Self::OutreachLog
        )
    }
}

/// The kinds a member unit of each kind typically uploads (domain.md, "typical uploader"): when
/// a file's headers fit several kinds, the uploading unit's decides. Keyed by the unit's kind as
/// the registry stores it; a unit kind not listed has no preference.
#[rustfmt::skip]
const TYPICAL_UPLOADS: &[(&str, &[SourceKind])] = &[
    ("police", &[SourceKind::VisaRegistry, SourceKind::HealthCheck]),
    ("education", &[SourceKind::StudentRoster]),
    ("university", &[SourceKind::UniversityRoster]),
    ("enterprise", &[SourceKind::EmploymentRoster]),
    ("government", &[SourceKind::EmploymentRoster]),
    ("tourism", &[SourceKind::LodgingRegister]),
    ("hotel", &[SourceKind::LodgingRegister]),
    ("transport", &[SourceKind::PassengerFlow]),
    ("health", &[SourceKind::HealthCheck, SourceKind::DonationRegister]),
    ("ngo", &[SourceKind::DonationRegister]),
    ("coordinator", &[SourceKind::ProcurementRegister, SourceKind::OutreachLog, SourceKind::DonationRegister]),
    ("district", &[SourceKind::ProcurementRegister]),
];

/// The kinds a member unit of kind `unit_kind` typically uploads, most typical first.
pub fn typical_kinds(unit_kind: &str) -> &'static [SourceKind] {
    let unit_kind = unit_kind.trim();
    TYPICAL_UPLOADS
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(unit_kind))
        .map_or(&[], |(_, kinds)| kinds)
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The string named no [`SourceKind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的数据类型“{0}” / unknown source kind '{0}'")]
pub struct UnknownKind(pub String);

impl FromStr for SourceKind {
    type Err = UnknownKind;

    /// Accepts the snake_case identifier (case-insensitive, `-` for `_` allowed) or the Chinese label.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == t || k.label_zh() == s.trim())
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for k in SourceKind::ALL {
            assert_eq!(k.as_str().parse::<SourceKind>(), Ok(k));
            assert_eq!(k.label_zh().parse::<SourceKind>(), Ok(k));
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
        assert_eq!(
            "Visa-Registry".parse::<SourceKind>(),
            Ok(SourceKind::VisaRegistry)
        );
        assert!("nope".parse::<SourceKind>().is_err());
        let rosters: Vec<_> = SourceKind::ALL
            .into_iter()
            .filter(|k| k.is_roster())
            .collect();
        assert_eq!(rosters.len(), 5);
        assert!(!SourceKind::PassengerFlow.is_roster());
    }
}
