//! The order of a people list on any of its scalar fields, ascending or descending, and
//! keyset cursors: a cursor holds the sort values of the last person of a page and their
//! id, and the next page starts after them, so pages stay right however far a list runs
//! and whatever lands meanwhile. Empty values sort last in both directions, on both
//! databases; ties are broken by id.

use async_graphql::EnumType;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{QueryResult, Value};
use serde::{Deserialize, Serialize};

use super::people::{PersonOrder, Sql};

/// An order: the field, and whether descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    /// The field.
    pub order: PersonOrder,
    /// Largest first.
    pub descending: bool,
}

/// How a sort value is read and bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    Date,
    Time,
}

/// One sort key: its SQL and kind.
struct Key {
    sql: String,
    kind: Kind,
}

/// Where a page starts: after skipping some people, or after a cursor's person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// Skip this many.
    Offset(u64),
    /// After the person of this cursor (of the same sort).
    After(Cursor),
}

/// The sort values of a person and their id, for the page after them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The sort it belongs to (`NAME:asc` …).
    pub sort: String,
    /// The sort values, as text (`None` for an empty value).
    pub values: Vec<Option<String>>,
    /// The person's id.
    pub id: i64,
}

impl Sort {
    /// The sort's name in cursors.
    fn name(self) -> String {
        format!(
            "{:?}:{}",
            self.order,
            if self.descending { "desc" } else { "asc" }
        )
    }

    /// Whether the sort reads the derived facts (presence, visa status, managing unit).
    pub fn needs_derived(self) -> bool {
        matches!(
            self.order,
            PersonOrder::Present | PersonOrder::VisaStatus | PersonOrder::ManagingUnit
        )
    }

    /// The keys over `p` (a person row, or a `derived` row when [`Self::needs_derived`]:
    /// then `person` names the person row), names read for `own_unit` when given.
    fn keys(self, own_unit: Option<i64>, person: &str) -> Vec<Key> {
        let text = |sql: String| Key {
            sql,
            kind: Kind::Text,
        };
        let name = match own_unit {
            Some(unit) => format!(
                "(SELECT ps.latin_name FROM person_source ps \
                 WHERE ps.person_id = p.id AND ps.member_unit_id = {unit} AND ps.latin_name IS NOT NULL \
                 ORDER BY {}, ps.latin_name LIMIT 1)",
                super::sql::rank_case("ps.kind", importers::SourceKind::value_rank)
            ),
            None => format!("{person}.latin_name"),
        };
        match self.order {
            PersonOrder::Id => Vec::new(),
            PersonOrder::Name => vec![text(name)],
            PersonOrder::Nationality => vec![text(format!("{person}.nationality")), text(name)],
            PersonOrder::ChineseName => vec![text(format!("{person}.chinese_name"))],
            PersonOrder::DocumentNumber => vec![text(format!("{person}.document_number"))],
            PersonOrder::Sex => vec![text(format!("{person}.sex"))],
            PersonOrder::BirthDate => vec![Key {
                sql: format!("{person}.birth_date"),
                kind: Kind::Date,
            }],
            PersonOrder::HasConflicts => vec![Key {
                sql: format!("CASE WHEN {person}.has_conflicts THEN 1 ELSE 0 END"),
                kind: Kind::Int,
            }],
            PersonOrder::FirstSeen => vec![Key {
                sql: format!("{person}.created_at"),
                kind: Kind::Time,
            }],
            PersonOrder::Present => vec![Key {
                sql: "p.present".to_owned(),
                kind: Kind::Int,
            }],
            PersonOrder::VisaStatus => vec![text("p.visa_status".to_owned())],
            PersonOrder::ManagingUnit => vec![text(
                "(SELECT o.name FROM organization o WHERE o.id = p.organization_id)".to_owned(),
            )],
        }
    }

    /// `ORDER BY` of the sort (empty values last, ties by id) and the sort values as
    /// columns `sort_0`, `sort_1` … for the page's cursors.
    pub(super) fn order_by(self, own_unit: Option<i64>, person: &str) -> (String, String) {
        let direction = if self.descending { "DESC" } else { "ASC" };
        let mut order = Vec::new();
        let mut columns = String::new();
        for (i, key) in self.keys(own_unit, person).iter().enumerate() {
            order.push(format!("CASE WHEN {} IS NULL THEN 1 ELSE 0 END", key.sql));
            order.push(format!("{} {direction}", key.sql));
            columns.push_str(&format!(", {} AS sort_{i}", key.sql));
        }
        order.push(format!("p.id {direction}"));
        (order.join(", "), columns)
    }

    /// The condition of the people after `cursor` in this sort; `None` when the cursor is
    /// of another sort (or malformed).
    pub(super) fn after(
        self,
        sql: &mut Sql,
        cursor: &Cursor,
        own_unit: Option<i64>,
        person: &str,
    ) -> Option<String> {
        let keys = self.keys(own_unit, person);
        if cursor.sort != self.name() || cursor.values.len() != keys.len() {
            return None;
        }
        let beyond = if self.descending { "<" } else { ">" };
        let mut any = Vec::new();
        let mut equal: Vec<String> = Vec::new();
        for (key, value) in keys.iter().zip(&cursor.values) {
            match value {
                Some(text) => {
                    let bound = sql.param(bind(key.kind, text)?);
                    let mut first = equal.clone();
                    first.push(format!(
                        "({} IS NULL OR {} {beyond} {bound})",
                        key.sql, key.sql
                    ));
                    any.push(format!("({})", first.join(" AND ")));
                    equal.push(format!("{} = {bound}", key.sql));
                }
                None => equal.push(format!("{} IS NULL", key.sql)),
            }
        }
        let id = sql.param(cursor.id);
        equal.push(format!("p.id {beyond} {id}"));
        any.push(format!("({})", equal.join(" AND ")));
        Some(format!("({})", any.join(" OR ")))
    }

    /// The cursor of a row of the page (its `sort_i` columns and `id`).
    pub(super) fn cursor_of(
        self,
        row: &QueryResult,
        own_unit: Option<i64>,
        id: i64,
    ) -> Result<Cursor, sea_orm::DbErr> {
        let mut values = Vec::new();
        for (i, key) in self.keys(own_unit, "p").iter().enumerate() {
            let column = format!("sort_{i}");
            values.push(match key.kind {
                Kind::Text => row.try_get::<Option<String>>("", &column)?,
                Kind::Int => row
                    .try_get::<Option<i64>>("", &column)
                    .or_else(|_| {
                        row.try_get::<Option<i32>>("", &column)
                            .map(|v| v.map(i64::from))
                    })?
                    .map(|v| v.to_string()),
                Kind::Date => row
                    .try_get::<Option<NaiveDate>>("", &column)?
                    .map(|d| d.to_string()),
                Kind::Time => row
                    .try_get::<Option<DateTime<Utc>>>("", &column)?
                    .map(|t| t.to_rfc3339()),
            });
        }
        Ok(Cursor {
            sort: self.name(),
            values,
            id,
        })
    }
}

impl PersonOrder {
    /// Every order with its GraphQL name (`NAME`, `BIRTH_DATE` …).
    fn names() -> impl Iterator<Item = (Self, &'static str)> {
        <Self as EnumType>::items()
            .iter()
            .map(|item| (item.value, item.name))
    }

    /// The order's GraphQL name (`NAME`, `BIRTH_DATE` …).
    pub fn name(self) -> &'static str {
        Self::names()
            .find(|(order, _)| *order == self)
            .map_or("ID", |(_, name)| name)
    }
}

impl std::str::FromStr for PersonOrder {
    type Err = String;

    /// An order by its GraphQL name (`NAME`, `BIRTH_DATE` …; any letter case).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_uppercase();
        Self::names()
            .find(|(_, name)| *name == wanted)
            .map(|(order, _)| order)
            .ok_or_else(|| format!("orderBy: not an order of the list: {wanted}"))
    }
}

/// A sort value of a cursor as a bound parameter of its kind.
fn bind(kind: Kind, text: &str) -> Option<Value> {
    Some(match kind {
        Kind::Text => Value::from(text.to_owned()),
        Kind::Int => Value::from(text.parse::<i64>().ok()?),
        Kind::Date => Value::from(text.parse::<NaiveDate>().ok()?),
        Kind::Time => Value::from(DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc)),
    })
}

impl Cursor {
    /// The cursor as an opaque string (`k:` and hex-encoded JSON).
    pub fn encode(&self) -> String {
        format!(
            "k:{}",
            hex::encode(serde_json::to_vec(self).unwrap_or_default())
        )
    }

    /// A cursor from [`Self::encode`]; `None` for anything else.
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = hex::decode(text.strip_prefix("k:")?).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_belong_to_their_sort() {
        let sort = Sort {
            order: PersonOrder::BirthDate,
            descending: true,
        };
        let cursor = Cursor {
            sort: sort.name(),
            values: vec![Some("1990-01-02".into())],
            id: 7,
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor.clone()));
        assert_eq!(Cursor::decode("o:5"), None);
        let mut sql = Sql::with_values(Vec::new());
        let after = sort.after(&mut sql, &cursor, None, "p");
        assert!(after.is_some_and(|a| a.contains('<')));
        let other = Sort {
            order: PersonOrder::Name,
            descending: true,
        };
        assert!(other.after(&mut sql, &cursor, None, "p").is_none());
        let bad = Cursor {
            values: vec![Some("not a day".into())],
            ..cursor
        };
        assert!(sort.after(&mut sql, &bad, None, "p").is_none());
        assert_eq!(PersonOrder::names().count(), 12);
        assert_eq!(PersonOrder::BirthDate.name(), "BIRTH_DATE");
        for (order, name) in PersonOrder::names() {
            assert_eq!(name.to_lowercase().parse::<PersonOrder>(), Ok(order));
            assert_eq!(order.name(), name);
        }
    }
}
