//! How much of a person a caller may see, decided once per request from the policy's grant
//! ([`PersonView::of`]) and applied to every value shown: the person's own fields, their
//! nested facts, list rows and export rows alike.

use chrono::NaiveDate;

use crate::auth::{Access, Grant, masking};

/// What of a person a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonView {
    /// Everything.
    Full,
    /// Everything but personal data: document numbers masked (`M12****78`), no date of
    /// birth, address or phone.
    Masked,
    /// The facts that the uploads of this member unit (id) gave, and the derived status.
    Unit(i64),
}

impl PersonView {
    /// The view a grant of `ReadPeople` allows.
    pub fn of(grant: &Grant) -> Self {
        match (grant.access(), grant.restricted_to()) {
            (Access::Masked, _) => Self::Masked,
            (Access::OwnUnit, Some(unit)) => Self::Unit(unit.id),
            _ => Self::Full,
        }
    }

    /// Whether personal data is masked.
    pub fn masked(self) -> bool {
        self == Self::Masked
    }

    /// The member unit whose facts alone are shown, when the view is restricted.
    pub fn unit(self) -> Option<i64> {
        match self {
            Self::Unit(id) => Some(id),
            _ => None,
        }
    }

    /// A document number as the view shows it (`M12****78` when masked).
    pub fn document_number(self, number: &str) -> String {
        if self.masked() {
            masking::document_number(number)
        } else {
            number.to_owned()
        }
    }

    /// A date of birth as the view shows it (none when masked).
    pub fn birth_date(self, date: Option<NaiveDate>) -> Option<NaiveDate> {
        if self.masked() { None } else { date }
    }

    /// Whether the view shows an attribute of a person at all (`birth_date` …).
    pub fn shows_attribute(self, attribute: &str) -> bool {
        !(self.masked() && masking::is_hidden_attribute(attribute))
    }

    /// Whether the view shows a fact that `member_unit_id`'s upload gave.
    pub fn shows_fact_of(self, member_unit_id: i64) -> bool {
        self.unit().is_none_or(|unit| unit == member_unit_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_views_hide_numbers_and_birth_dates() {
        let day = NaiveDate::from_ymd_opt(1990, 1, 2);
        assert_eq!(PersonView::Masked.document_number("M12345678"), "M12****78");
        assert_eq!(PersonView::Masked.birth_date(day), None);
        assert!(!PersonView::Masked.shows_attribute("birth_date"));
        assert_eq!(
            PersonView::Unit(3).document_number("M12345678"),
            "M12345678"
        );
        assert_eq!(PersonView::Full.birth_date(day), day);
        assert!(PersonView::Unit(3).shows_fact_of(3));
        assert!(!PersonView::Unit(3).shows_fact_of(4));
        assert!(PersonView::Full.shows_fact_of(4));
    }
}
