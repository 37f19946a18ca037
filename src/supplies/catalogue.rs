//! The item catalogue, currencies and reference rates as the store holds them, and the
//! admin's edits (GraphQL mutations and `hub supplies …` alike).

use entity::{supply_currency, supply_item, supply_rate};
use importers::supplies::{Catalogue, CatalogueItem, CurrencyNames, ReferenceRate};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::error::HubError;

fn strings(json: &serde_json::Value) -> Vec<String> {
    json.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The rows of an entity, ordered by `order`.
async fn ordered<C, Col, E>(db: &C, order: Col) -> Result<Vec<E::Model>, HubError>
where
    C: ConnectionTrait,
    Col: ColumnTrait<EntityName = E>,
    E: EntityTrait<Column = Col>,
{
    Ok(E::find().order_by_asc(order).all(db).await?)
}

/// A category as stored.
fn item_of(row: &supply_item::Model) -> CatalogueItem {
    CatalogueItem {
        code: row.code.clone(),
        label_zh: row.label_zh.clone(),
        unit: row.unit.clone(),
        unit_aliases: strings(&row.unit_aliases),
        synonyms: strings(&row.synonyms),
        specificity: row.specificity,
    }
}

/// A currency's names as stored.
fn currency_of(row: &supply_currency::Model) -> CurrencyNames {
    CurrencyNames {
        code: row.code.clone(),
        names: strings(&row.names),
    }
}

/// A reference rate as stored.
fn rate_of(row: supply_rate::Model) -> ReferenceRate {
    ReferenceRate {
        month: row.month,
        currency: row.currency,
        cny_per_unit: row.cny_per_unit,
    }
}

/// The catalogue the store holds.
pub async fn load<C: ConnectionTrait>(db: &C) -> Result<Catalogue, HubError> {
    let items = ordered(db, supply_item::Column::Id).await?;
    let currencies = ordered(db, supply_currency::Column::Id).await?;
    let rates = ordered(db, supply_rate::Column::Month).await?;
    Ok(Catalogue {
        items: items.iter().map(item_of).collect(),
        currencies: currencies.iter().map(currency_of).collect(),
        rates: rates.into_iter().map(rate_of).collect(),
    })
}

fn bad(message: String) -> HubError {
    HubError::BadInput(message)
}

/// A name a category is known by: a synonym of the category (口罩 for masks) or a unit its
/// quantities may be written in (件, 双 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemName {
    /// A synonym of the category.
    Synonym,
    /// A unit of its quantities.
    Unit,
}

impl ItemName {
    /// The key the audit entry's detail names it by.
    pub fn key(self) -> &'static str {
        match self {
            Self::Synonym => "synonym",
            Self::Unit => "unit",
        }
    }

    /// The longest name taken, in characters, and what to say of a name out of bounds.
    fn bounds(self) -> (usize, &'static str) {
        match self {
            Self::Synonym => (
                100,
                "名称须为 1–100 个字符 / a synonym holds 1 to 100 characters",
            ),
            Self::Unit => (20, "单位须为 1–20 个字符 / a unit holds 1 to 20 characters"),
        }
    }
}

/// Adds a name of `which` kind to a category (a name it already has is kept once);
/// returns the category as stored.
pub async fn add_item_name<C: ConnectionTrait>(
    db: &C,
    code: &str,
    which: ItemName,
    name: &str,
) -> Result<CatalogueItem, HubError> {
    let name = name.trim();
    let (longest, out_of_bounds) = which.bounds();
    if name.is_empty() || name.chars().count() > longest {
        return Err(bad(out_of_bounds.to_owned()));
    }
    edit_item(db, code, |item| {
        let (known, names) = match which {
            ItemName::Synonym => (false, &mut item.synonyms),
            ItemName::Unit => (item.unit == name, &mut item.unit_aliases),
        };
        if !known && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    })
    .await
}

async fn edit_item<C: ConnectionTrait>(
    db: &C,
    code: &str,
    edit: impl FnOnce(&mut CatalogueItem),
) -> Result<CatalogueItem, HubError> {
    let Some(row) = supply_item::Entity::find()
        .filter(supply_item::Column::Code.eq(code))
        .one(db)
        .await?
    else {
        return Err(HubError::NotFound(format!(
            "物资目录中没有“{code}” / no catalogue item '{code}'"
        )));
    };
    let mut item = item_of(&row);
    edit(&mut item);
    supply_item::ActiveModel {
        id: Set(row.id),
        unit_aliases: Set(serde_json::json!(item.unit_aliases)),
        synonyms: Set(serde_json::json!(item.synonyms)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(item)
}

/// Sets the reference rate of a currency for a month (`YYYY-MM`); a currency the store does
/// not know is added with its code as its name.
pub async fn set_rate<C: ConnectionTrait>(
    db: &C,
    month: &str,
    currency: &str,
    cny_per_unit: f64,
) -> Result<ReferenceRate, HubError> {
    let month = month.trim();
    let valid_month = month.len() == 7
        && chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_ok();
    if !valid_month {
        return Err(bad(format!(
            "月份“{month}”须写成 2020-02 / the month must read YYYY-MM, e.g. 2020-02"
        )));
    }
    let currency = currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(bad(format!(
            "币种代码“{currency}”须为三个字母（如 USD）/ a currency code is three letters, e.g. USD"
        )));
    }
    if !(cny_per_unit.is_finite() && cny_per_unit > 0.0) {
        return Err(bad(
            "汇率须为正数 / the rate must be a positive number".to_owned()
        ));
    }
    if supply_currency::Entity::find()
        .filter(supply_currency::Column::Code.eq(currency.as_str()))
        .one(db)
        .await?
        .is_none()
    {
        supply_currency::ActiveModel {
            code: Set(currency.clone()),
            names: Set(serde_json::json!([currency.to_lowercase()])),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let existing = supply_rate::Entity::find()
        .filter(supply_rate::Column::Month.eq(month))
        .filter(supply_rate::Column::Currency.eq(currency.as_str()))
        .one(db)
        .await?;
    supply_rate::ActiveModel {
        id: existing.map_or(NotSet, |row| Set(row.id)),
        month: Set(month.to_owned()),
        currency: Set(currency.clone()),
        cny_per_unit: Set(cny_per_unit),
    }
    .save(db)
    .await?;
    Ok(ReferenceRate {
        month: month.to_owned(),
        currency,
        cny_per_unit,
    })
}

/// Adds a name (泰铢, THB, ฿) a currency may be written with.
pub async fn add_currency_name<C: ConnectionTrait>(
    db: &C,
    code: &str,
    name: &str,
) -> Result<CurrencyNames, HubError> {
    let code = code.trim().to_ascii_uppercase();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 20 {
        return Err(bad(
            "名称须为 1–20 个字符 / a name holds 1 to 20 characters".to_owned(),
        ));
    }
    let row = supply_currency::Entity::find()
        .filter(supply_currency::Column::Code.eq(code.as_str()))
        .one(db)
        .await?;
    let mut names = row
        .as_ref()
        .map(|row| strings(&row.names))
        .unwrap_or_default();
    if !names.iter().any(|n| n == name) {
        names.push(name.to_owned());
    }
    supply_currency::ActiveModel {
        id: row.map_or(NotSet, |row| Set(row.id)),
        code: Set(code.clone()),
        names: Set(serde_json::json!(names)),
    }
    .save(db)
    .await?;
    Ok(CurrencyNames { code, names })
}
