//! What a page of exported people needs besides the person rows: managing organisations'
//! names, the latest visa of each, and the member units that reported each. Three
//! statements per page.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use entity::{identity_document, member_unit, organization, person_source};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// The extra facts of one page.
#[derive(Debug, Default)]
pub struct PageFacts {
    /// Organisation id → name.
    pub organizations: HashMap<i64, String>,
    /// Person id → (visa category, valid until) of the visa valid longest.
    pub visas: HashMap<i64, (Option<String>, Option<NaiveDate>)>,
    /// Person id → names of the member units that reported them, in registry order.
    pub reporters: HashMap<i64, Vec<String>>,
}

/// Loads the extra facts of `people` whose managing organisations are `organizations`.
pub async fn page_facts<C: ConnectionTrait>(
    db: &C,
    people: &[i64],
    organizations: &[i64],
) -> Result<PageFacts, DbErr> {
    let mut facts = PageFacts::default();
    if people.is_empty() {
        return Ok(facts);
    }
    if !organizations.is_empty() {
        for org in organization::Entity::find()
            .filter(organization::Column::Id.is_in(organizations.iter().copied()))
            .all(db)
            .await?
        {
            facts.organizations.insert(org.id, org.name);
        }
    }
    for doc in identity_document::Entity::find()
        .filter(identity_document::Column::PersonId.is_in(people.iter().copied()))
        .filter(identity_document::Column::Kind.eq("visa"))
        .all(db)
        .await?
    {
        let entry = facts.visas.entry(doc.person_id).or_insert((None, None));
        if entry.1.is_none() || doc.valid_until > entry.1 {
            *entry = (doc.category, doc.valid_until);
        }
    }
    let units: HashMap<i64, String> = member_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mentions = person_source::Entity::find()
        .filter(person_source::Column::PersonId.is_in(people.iter().copied()))
        .order_by_asc(person_source::Column::MemberUnitId)
        .all(db)
        .await?;
    let mut seen: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for mention in mentions {
        let Some(unit) = units.get(&mention.member_unit_id) else {
            continue;
        };
        if seen
            .entry(mention.person_id)
            .or_default()
            .insert(mention.member_unit_id)
        {
            facts
                .reporters
                .entry(mention.person_id)
                .or_default()
                .push(unit.clone());
        }
    }
    Ok(facts)
}
