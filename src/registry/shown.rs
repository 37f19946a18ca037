//! What a person shows: of the values their sources gave (`person_source`), per attribute
//! the value of the most authoritative source ([`importers::SourceKind::value_rank`]), ties
//! broken by the value itself, so the result does not depend on the order in which files
//! were imported; and whether any two sources disagree.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{person, person_source};
use foldhash::{HashMap, HashMapExt};
use importers::SourceKind;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

/// Most ids bound in one `IN (…)` list (well under SQLite's and PostgreSQL's limits).
const CHUNK: usize = 5_000;

/// What one source says of a person besides the identity: each value when it gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonValues {
    /// Latin name, normalised.
    pub latin_name: Option<String>,
    /// Chinese name.
    pub chinese_name: Option<String>,
    /// `M` or `F`.
    pub sex: Option<String>,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
}

impl PersonValues {
    /// The values a stored source row gave.
    pub fn of_source(source: &person_source::Model) -> Self {
        Self {
            latin_name: source.latin_name.clone(),
            chinese_name: source.chinese_name.clone(),
            sex: source.sex.clone(),
            birth_date: source.birth_date,
        }
    }

    /// The values given, as `(attribute, text)`: attributes named `latin_name`,
    /// `chinese_name`, `sex` and `birth_date` (as `YYYY-MM-DD`).
    pub fn given(&self) -> impl Iterator<Item = (&'static str, String)> + use<> {
        [
            ("latin_name", self.latin_name.clone()),
            ("chinese_name", self.chinese_name.clone()),
            ("sex", self.sex.clone()),
            (
                "birth_date",
                self.birth_date
                    .map(|day| day.format("%Y-%m-%d").to_string()),
            ),
        ]
        .into_iter()
        .filter_map(|(attribute, value)| Some((attribute, value?)))
    }
}

/// What a person shows: the winning value of each attribute and whether any disagree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    /// The value shown of each attribute.
    pub values: PersonValues,
    /// Whether two sources disagree on an attribute.
    pub has_conflicts: bool,
}

/// Of the values some sources give for one attribute (`(authority, value)`), the one of
/// the lowest authority rank (then the smallest), and whether two of them differ.
fn pick<'a, T: Ord + ?Sized + 'a>(
    candidates: impl Iterator<Item = (i16, Option<&'a T>)>,
) -> (Option<&'a T>, bool) {
    let mut best: Option<(i16, &T)> = None;
    let mut differ = false;
    for (authority, value) in candidates {
        let Some(value) = value else {
            continue;
        };
        if let Some((best_authority, best_value)) = best {
            differ |= best_value != value;
            if (authority, value) >= (best_authority, best_value) {
                continue;
            }
        }
        best = Some((authority, value));
    }
    (best.map(|(_, value)| value), differ)
}

impl Shown {
    /// Picks, per attribute, the value of the lowest authority rank (then the smallest
    /// value), and flags a conflict when an attribute has two distinct values. `sources`
    /// are `(authority, values)`, in any order.
    pub fn from_sources(sources: &[(i16, &PersonValues)]) -> Self {
        let (latin_name, a) = pick(sources.iter().map(|(r, v)| (*r, v.latin_name.as_deref())));
        let (chinese_name, b) = pick(sources.iter().map(|(r, v)| (*r, v.chinese_name.as_deref())));
        let (sex, c) = pick(sources.iter().map(|(r, v)| (*r, v.sex.as_deref())));
        let (birth_date, d) = pick(sources.iter().map(|(r, v)| (*r, v.birth_date.as_ref())));
        Shown {
            values: PersonValues {
                latin_name: latin_name.map(str::to_owned),
                chinese_name: chinese_name.map(str::to_owned),
                sex: sex.map(str::to_owned),
                birth_date: birth_date.copied(),
            },
            has_conflicts: a || b || c || d,
        }
    }

    /// What `model` shows now.
    pub fn of_model(model: &person::Model) -> Self {
        Shown {
            values: PersonValues {
                latin_name: model.latin_name.clone(),
                chinese_name: model.chinese_name.clone(),
                sex: model.sex.clone(),
                birth_date: model.birth_date,
            },
            has_conflicts: model.has_conflicts,
        }
    }
}
/// What a person shows when only `sources` are read (e.g. the rows of one member unit's
/// uploads): per attribute the value of the most authoritative source, then the smallest,
/// as the stored person shows it from all sources; and whether two of them disagree.
pub fn shown_of(sources: &[person_source::Model]) -> (PersonValues, bool) {
    let values: Vec<(i16, PersonValues)> = sources
        .iter()
        .map(|source| {
            (
                SourceKind::value_rank_of(&source.kind),
                PersonValues::of_source(source),
            )
        })
        .collect();
    let refs: Vec<(i16, &PersonValues)> = values.iter().map(|(a, v)| (*a, v)).collect();
    let shown = Shown::from_sources(&refs);
    (shown.values, shown.has_conflicts)
}

/// Recomputes what the given people show from all the values the hub holds for them, and
/// writes the ones that changed.
pub async fn refresh_shown<C: ConnectionTrait>(
    db: &C,
    person_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for chunk in person_ids.chunks(CHUNK) {
        let people = person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        let stored = person_source::Entity::find()
            .filter(person_source::Column::PersonId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        let values: Vec<(i64, i16, PersonValues)> = stored
            .iter()
            .map(|source| {
                (
                    source.person_id,
                    SourceKind::value_rank_of(&source.kind),
                    PersonValues::of_source(source),
                )
            })
            .collect();
        let mut sources_of: HashMap<i64, Vec<(i16, &PersonValues)>> = HashMap::new();
        for (person_id, authority, given) in &values {
            sources_of
                .entry(*person_id)
                .or_default()
                .push((*authority, given));
        }
        for model in people {
            let sources = sources_of.remove(&model.id).unwrap_or_default();
            let shown = Shown::from_sources(&sources);
            if shown == Shown::of_model(&model) {
                continue;
            }
            let mut active: person::ActiveModel = model.into();
            active.latin_name = Set(shown.values.latin_name);
            active.chinese_name = Set(shown.values.chinese_name);
            active.sex = Set(shown.values.sex);
            active.birth_date = Set(shown.values.birth_date);
            active.has_conflicts = Set(shown.has_conflicts);
            active.updated_at = Set(now);
            active.update(db).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(latin_name: &str, sex: &str) -> PersonValues {
        PersonValues {
            latin_name: Some(latin_name.to_owned()),
            sex: Some(sex.to_owned()),
            ..PersonValues::default()
        }
    }

    #[test]
    fn the_most_authoritative_value_wins_whatever_the_order() {
        let (hotel, police) = (values("KIM DARA", "F"), values("KIM DARA", "M"));
        let a = [(4, &hotel), (0, &police)];
        let b = [(0, &police), (4, &hotel)];
        let shown_a = Shown::from_sources(&a);
        assert_eq!(shown_a, Shown::from_sources(&b));
        assert_eq!(shown_a.values.sex.as_deref(), Some("M"));
        assert!(shown_a.has_conflicts);
    }

    #[test]
    fn equal_ranks_are_broken_by_the_value_itself() {
        let (a, b) = (values("LEE MIN", "M"), values("KIM DARA", "M"));
        let shown = Shown::from_sources(&[(2, &a), (2, &b)]);
        assert_eq!(shown.values.latin_name.as_deref(), Some("KIM DARA"));
        assert!(shown.has_conflicts);
    }

    #[test]
    fn agreeing_sources_are_no_conflict_and_a_missing_value_is_no_disagreement() {
        let day = NaiveDate::from_ymd_opt(1990, 1, 2);
        let police = PersonValues {
            birth_date: day,
            ..values("KIM DARA", "M")
        };
        let hotel = PersonValues {
            birth_date: day,
            ..PersonValues::default()
        };
        let shown = Shown::from_sources(&[(4, &hotel), (0, &police)]);
        assert!(!shown.has_conflicts);
        assert_eq!(shown.values.birth_date, day);
        assert_eq!(shown.values.latin_name.as_deref(), Some("KIM DARA"));
    }

    #[test]
    fn the_values_given_are_named_as_the_api_names_them() {
        let given: Vec<(&str, String)> = PersonValues {
            birth_date: NaiveDate::from_ymd_opt(1990, 1, 2),
            ..values("KIM DARA", "F")
        }
        .given()
        .collect();
        assert_eq!(
            given,
            [
                ("latin_name", "KIM DARA".to_owned()),
                ("sex", "F".to_owned()),
                ("birth_date", "1990-01-02".to_owned()),
            ]
        );
    }
}
