//! The visa status of a person at a time T, as every layer names it: the derived facts'
//! SQL writes its text (`VALID` …), the timeline its code, the API and the export read
//! this one type.

use std::fmt;
use std::str::FromStr;

/// Visa status at T, from the latest validity of any visa document of the person.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(u8)]
pub enum VisaStatus {
    /// No visa document with a validity.
    Unknown = 0,
    /// Valid for more than 30 days.
    Valid = 1,
    /// Valid, but expires within 30 days.
    Expiring = 2,
    /// Expired: an overstay.
    Expired = 3,
}

impl VisaStatus {
    /// Every status, in the order of their codes.
    pub const ALL: [VisaStatus; 4] = [Self::Unknown, Self::Valid, Self::Expiring, Self::Expired];

    /// As the derived facts' SQL and the API write it (`VALID` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "UNKNOWN",
            Self::Valid => "VALID",
            Self::Expiring => "EXPIRING",
            Self::Expired => "EXPIRED",
        }
    }

    /// From the text the derived facts' SQL gives (anything else is [`Self::Unknown`]).
    pub fn from_stored(text: &str) -> Self {
        text.parse().unwrap_or(Self::Unknown)
    }

    /// For people reading an export (Chinese).
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Unknown => "未知",
            Self::Valid => "有效",
            Self::Expiring => "30天内到期",
            Self::Expired => "已过期",
        }
    }
}

impl fmt::Display for VisaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no visa status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVisaStatus(pub String);

impl fmt::Display for UnknownVisaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "visaStatus: one of VALID, EXPIRING, EXPIRED, UNKNOWN: {}",
            self.0
        )
    }
}

impl std::error::Error for UnknownVisaStatus {}

impl FromStr for VisaStatus {
    type Err = UnknownVisaStatus;

    /// `VALID`, `EXPIRING`, `EXPIRED` or `UNKNOWN`, in any case, spaces around ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim().to_uppercase();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == text)
            .ok_or(UnknownVisaStatus(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_back_what_they_write() {
        for status in VisaStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
            assert_eq!(VisaStatus::from_stored(status.as_str()), status);
        }
        assert_eq!(" expired ".parse(), Ok(VisaStatus::Expired));
        assert!("SOON".parse::<VisaStatus>().is_err());
        assert_eq!(VisaStatus::from_stored("SOON"), VisaStatus::Unknown);
        assert_eq!(
            VisaStatus::ALL[VisaStatus::Expired as usize],
            VisaStatus::Expired
        );
    }
}
