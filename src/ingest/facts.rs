//! What one accepted row says, in the hub's terms: the person it is about, the values it
//! gives, and the facts (affiliation, stay, document, movement, check, report) it holds.

use super::people::Identity;
use crate::registry::shown::PersonValues;
use chrono::{DateTime, NaiveDate, Utc};

/// Where an affiliation points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgRef {
    /// An organisation named in the row (resolved through the alias registry).
    Named {
        /// The name as written.
        name: String,
        /// Kind to give the organisation if it has to be created.
        kind: &'static str,
    },
    /// The uploading member unit's own organisation (a university's own roster).
    UploadingUnit,
}

/// A tie to an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffiliationFact {
    /// The organisation.
    pub org: OrgRef,
    /// `student`, `teacher`, `employee`, `resident` or `held`.
    pub role: &'static str,
    /// Start, when the source gives one.
    pub since: Option<DateTime<Utc>>,
    /// End, when the source gives one.
    pub until: Option<DateTime<Utc>>,
}

/// A hotel stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayFact {
    /// Hotel name as written.
    pub hotel: String,
    /// Check-in.
    pub check_in: Option<DateTime<Utc>>,
    /// Check-out.
    pub check_out: Option<DateTime<Utc>>,
}

/// A visa, residence permit or work permit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFact {
    /// `visa` or `work_permit`.
    pub kind: &'static str,
    /// The document's own number (none for a visa whose source gives none).
    pub number: Option<String>,
    /// For a visa: the number of the passport it is in.
    pub passport_number: Option<String>,
    /// Issuing state, ISO alpha-3.
    pub issuing_nationality: String,
    /// Category (Z, X1 …).
    pub category: Option<String>,
    /// Last valid day.
    pub valid_until: Option<NaiveDate>,
}

/// An arrival or departure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementFact {
    /// `arrival` or `departure`.
    pub direction: &'static str,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Flight, train or coach number.
    pub carrier_number: Option<String>,
    /// From.
    pub origin: Option<String>,
    /// To.
    pub destination: Option<String>,
}

/// A temperature check.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthCheckFact {
    /// When.
    pub checked_at: DateTime<Utc>,
    /// ℃.
    pub temperature: Option<f64>,
    /// Condition as written.
    pub status: Option<String>,
}

/// A daily report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyReportFact {
    /// Day reported on.
    pub report_date: NaiveDate,
    /// Nothing changed.
    pub is_zero: bool,
    /// New arrivals.
    pub arrivals: Option<i32>,
    /// Departures.
    pub departures: Option<i32>,
    /// Anomalies.
    pub anomalies: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// Everything one accepted row says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowFacts {
    /// The person the row is about (none for a daily report).
    pub identity: Option<Identity>,
    /// What the row says of the person's name, sex and date of birth.
    pub values: PersonValues,
    /// Affiliation.
    pub affiliation: Option<AffiliationFact>,
    /// Stay.
    pub stay: Option<StayFact>,
    /// Documents.
    pub documents: Vec<DocumentFact>,
    /// Movement.
    pub movement: Option<MovementFact>,
    /// Health check.
    pub health_check: Option<HealthCheckFact>,
    /// Daily report.
    pub daily_report: Option<DailyReportFact>,
    /// A row of the supplies ledger (donation, contract state, outreach contact).
    pub supply: Option<SupplyFact>,
}

/// What a row of a supplies register says, with the instant it is dated (a bare date is its
/// local midnight).
#[derive(Debug, Clone, PartialEq)]
pub enum SupplyFact {
    /// A donation.
    Donation {
        /// 登记日期 / 接收日期.
        at: DateTime<Utc>,
        /// The row.
        record: importers::supplies::DonationRecord,
    },
    /// A state of a contract.
    Contract {
        /// 状态日期.
        at: DateTime<Utc>,
        /// The row.
        record: importers::supplies::ProcurementRecord,
    },
    /// An outreach contact.
    Contact {
        /// 联系日期.
        at: DateTime<Utc>,
        /// The row.
        record: importers::supplies::OutreachRecord,
    },
}
