//! Typed, normalised records: one struct per source kind.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::kinds::SourceKind;

/// Sex as written in the source (男/女, M/F, Male/Female …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 男.
    Male,
    /// 女.
    Female,
}

/// Whether a university roster row is a student or a teacher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberType {
    /// Student (学生, 留学生).
    Student,
    /// Teacher (教师, 外教, faculty, staff).
    Teacher,
}

/// Direction of a passenger movement as seen from Daqing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 进港 / 到达 / arrival / in.
    Arrival,
    /// 出港 / 出发 / departure / out.
    Departure,
}

/// A date, or a date and time with its offset (zone-less times are placed in
/// [`crate::ReadOptions::timezone`]). Serialised as `2020-02-05` or RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Moment {
    /// Only a calendar date was given.
    Date(NaiveDate),
    /// A date and a time of day.
    DateTime(DateTime<FixedOffset>),
}

impl Moment {
    /// The calendar date (local date of a date-time).
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Date(d) => *d,
            Self::DateTime(dt) => dt.date_naive(),
        }
    }
}

/// What every record about a person carries; `(document_number, nationality)` is the identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFields {
    /// Normalised document (passport) number: upper case, no spaces or hyphens, leading zeros kept.
    pub document_number: String,
    /// ISO 3166-1 alpha-3 code of the nationality.
    pub nationality: String,
    /// Latin name, upper case, "SURNAME GIVEN".
    pub latin_name: Option<String>,
    /// Chinese name, when given.
    pub chinese_name: Option<String>,
    /// Sex, when given and recognised.
    pub sex: Option<Sex>,
    /// Date of birth, when given and valid.
    pub birth_date: Option<NaiveDate>,
}

/// A row of the police list of residents and visas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisaRecord {
    /// The person.
    pub person: PersonFields,
    /// 签证种类 (Z, X1, S2 …), as written.
    pub visa_type: Option<String>,
    /// 签证有效期至.
    pub visa_valid_until: Option<NaiveDate>,
    /// 工作/学习单位, raw text (matched to an organisation by the root crate).
    pub organization: Option<String>,
    /// 居住地址.
    pub address: Option<String>,
    /// 备注.
    pub note: Option<String>,
}

/// A row of the education bureau's list of international students.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentRecord {
    /// The person.
    pub person: PersonFields,
    /// 院校名称, raw text.
    pub school: Option<String>,
    /// 专业.
    pub major: Option<String>,
    /// 在庆状态 (在庆, 离庆未返 …), as written.
    pub status: Option<String>,
    /// 离校日期.
    pub left_on: Option<NaiveDate>,
}

/// A row of a university's own roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UniversityRecord {
    /// The person.
    pub person: PersonFields,
    /// Student or teacher.
    pub member_type: Option<MemberType>,
    /// College / school within the university.
    pub college: Option<String>,
    /// Dormitory.
    pub dormitory: Option<String>,
}

/// A row of a list of foreign employees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmploymentRecord {
    /// The person.
    pub person: PersonFields,
    /// 单位名称 / 所属企业, raw text.
    pub employer: Option<String>,
    /// 职务 / 岗位.
    pub position: Option<String>,
    /// 工作许可证号.
    pub work_permit_number: Option<String>,
    /// 工作许可有效期.
    pub work_permit_valid_until: Option<NaiveDate>,
    /// 入职日期.
    pub hired_on: Option<NaiveDate>,
    /// 联系电话.
    pub phone: Option<String>,
}

/// A hotel or resort stay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LodgingRecord {
    /// The person.
    pub person: PersonFields,
    /// 酒店/景区, raw text.
    pub hotel: Option<String>,
    /// 入住日期 (date or date-time).
    pub check_in: Option<Moment>,
    /// 离店日期 (date or date-time); `None` while the guest stays.
    pub check_out: Option<Moment>,
}

/// One arrival or departure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassengerRecord {
    /// The person.
    pub person: PersonFields,
    /// 日期时间, with the zone applied.
    pub at: DateTime<FixedOffset>,
    /// 航班号 / 车次.
    pub carrier_number: Option<String>,
    /// 出发地.
    pub origin: Option<String>,
    /// 目的地.
    pub destination: Option<String>,
    /// 进出港.
    pub direction: Option<Direction>,
}

/// One temperature check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthCheckRecord {
    /// The person.
    pub person: PersonFields,
    /// 检测日期 (date or date-time).
    pub checked_at: Moment,
    /// 体温 in °C.
    pub temperature: Option<f64>,
    /// 情况 (正常 …), as written.
    pub status: Option<String>,
}

/// A unit's report for one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyReportRecord {
    /// 报告日期.
    pub report_date: NaiveDate,
    /// 新增人数.
    pub arrivals: Option<u32>,
    /// 离开人数.
    pub departures: Option<u32>,
    /// 异常情况.
    pub anomalies: Option<String>,
    /// 备注.
    pub note: Option<String>,
}

impl DailyReportRecord {
    /// A zero report: nobody new, nobody left, nothing abnormal (无 / 正常 / none count as nothing).
    pub fn is_zero(&self) -> bool {
        let nothing = |s: &Option<String>| {
            s.as_deref().is_none_or(|t| {
                let t = t.trim().to_lowercase();
                crate::normalize::is_placeholder(&t)
                    || [
                        "0",
                        "无异常",
                        "正常",
                        "无异常情况",
                        "一切正常",
                        "ok",
                        "normal",
                    ]
                    .contains(&t.as_str())
            })
        };
        self.arrivals.unwrap_or(0) == 0
            && self.departures.unwrap_or(0) == 0
            && nothing(&self.anomalies)
    }
}

/// A normalised row of any kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// [`SourceKind::VisaRegistry`].
    VisaRegistry(VisaRecord),
    /// [`SourceKind::StudentRoster`].
    StudentRoster(StudentRecord),
    /// [`SourceKind::UniversityRoster`].
    UniversityRoster(UniversityRecord),
    /// [`SourceKind::EmploymentRoster`].
    EmploymentRoster(EmploymentRecord),
    /// [`SourceKind::LodgingRegister`].
    LodgingRegister(LodgingRecord),
    /// [`SourceKind::PassengerFlow`].
    PassengerFlow(PassengerRecord),
    /// [`SourceKind::HealthCheck`].
    HealthCheck(HealthCheckRecord),
    /// [`SourceKind::DailyReport`].
    DailyReport(DailyReportRecord),
    /// [`SourceKind::DonationRegister`] (boxed, as the other supplies records: they are
    /// larger than a person's).
    DonationRegister(Box<crate::supplies::DonationRecord>),
    /// [`SourceKind::ProcurementRegister`].
    ProcurementRegister(Box<crate::supplies::ProcurementRecord>),
    /// [`SourceKind::OutreachLog`].
    OutreachLog(Box<crate::supplies::OutreachRecord>),
}

impl Record {
    /// The kind of this record.
    pub fn kind(&self) -> SourceKind {
        match self {
            Self::VisaRegistry(_) => SourceKind::VisaRegistry,
            Self::StudentRoster(_) => SourceKind::StudentRoster,
            Self::UniversityRoster(_) => SourceKind::UniversityRoster,
            Self::EmploymentRoster(_) => SourceKind::EmploymentRoster,
            Self::LodgingRegister(_) => SourceKind::LodgingRegister,
            Self::PassengerFlow(_) => SourceKind::PassengerFlow,
            Self::HealthCheck(_) => SourceKind::HealthCheck,
            Self::DailyReport(_) => SourceKind::DailyReport,
            Self::DonationRegister(_) => SourceKind::DonationRegister,
            Self::ProcurementRegister(_) => SourceKind::ProcurementRegister,
            Self::OutreachLog(_) => SourceKind::OutreachLog,
        }
    }

    /// The person the record is about (every kind but the daily report).
    pub fn person(&self) -> Option<&PersonFields> {
        match self {
            Self::VisaRegistry(r) => Some(&r.person),
            Self::StudentRoster(r) => Some(&r.person),
            Self::UniversityRoster(r) => Some(&r.person),
            Self::EmploymentRoster(r) => Some(&r.person),
            Self::LodgingRegister(r) => Some(&r.person),
            Self::PassengerFlow(r) => Some(&r.person),
            Self::HealthCheck(r) => Some(&r.person),
            Self::DailyReport(_)
            | Self::DonationRegister(_)
            | Self::ProcurementRegister(_)
            | Self::OutreachLog(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_report() {
        let mut r = DailyReportRecord {
            report_date: NaiveDate::from_ymd_opt(2020, 2, 17).unwrap(),
            arrivals: Some(0),
            departures: None,
            anomalies: Some("无".into()),
            note: None,
        };
        assert!(r.is_zero());
        r.anomalies = Some("一人发热".into());
        assert!(!r.is_zero());
        r.anomalies = None;
        r.arrivals = Some(2);
        assert!(!r.is_zero());
    }

    #[test]
    fn moment_serialises_as_text() {
        let d = Moment::Date(NaiveDate::from_ymd_opt(2020, 2, 5).unwrap());
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2020-02-05\"");
        let back: Moment = serde_json::from_str("\"2020-02-05T14:35:00+08:00\"").unwrap();
        assert!(matches!(back, Moment::DateTime(_)));
        let back: Moment = serde_json::from_str("\"2020-02-05\"").unwrap();
        assert_eq!(back, d);
    }
}
