//! The item catalogue, currencies and reference rates as the store holds them, and the
//! admin's edits (GraphQL mutations and `hub supplies …` alike).

use entity::{supply_currency, supply_item, supply_rate};
use importers::supplies::{Catalogue, CatalogueItem, CurrencyNames, ReferenceRate};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
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

/// The catalogue the store holds.
pub async fn load<C: ConnectionTrait>(db: &C) -> Result<Catalogue, HubError> {
    let items = supply_item::Entity::find()
        .order_by_asc(supply_item::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|i| CatalogueItem {
            unit_aliases: strings(&i.unit_aliases),
            synonyms: strings(&i.synonyms),
            code: i.code,
            label_zh: i.label_zh,
            unit: i.unit,
            specificity: i.specificity,
        })
        .collect();
    let currencies = supply_currency::Entity::find()
        .order_by_asc(supply_currency::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| CurrencyNames {
            names: strings(&c.names),
            code: c.code,
        })
        .collect();
    let rates = supply_rate::Entity::find()
        .order_by_asc(supply_rate::Column::Month)
        .all(db)
        .await?
        .into_iter()
        .map(|r| ReferenceRate {
            month: r.month,
            currency: r.currency,
            cny_per_unit: r.cny_per_unit,
        })
        .collect();
    Ok(Catalogue {
        items,
        currencies,
        rates,
    })
}

fn bad(message: String) -> HubError {
    HubError::BadInput(message)
}

/// Adds a name (synonym) to a category; returns the category as stored.
pub async fn add_item_synonym<C: ConnectionTrait>(
    db: &C,
    code: &str,
    synonym: &str,
) -> Result<CatalogueItem, HubError> {
    let synonym = synonym.trim();
    if synonym.is_empty() || synonym.chars().count() > 100 {
        return Err(bad(
            "名称须为 1–100 个字符 / a synonym holds 1 to 100 characters".to_owned(),
        ));
    }
    edit_item(db, code, |item| {
        if !item.synonyms.iter().any(|s| s == synonym) {
            item.synonyms.push(synonym.to_owned());
        }
    })
    .await
}

/// Adds a unit (件, 双 …) a category's quantities may be written in.
pub async fn add_item_unit<C: ConnectionTrait>(
    db: &C,
    code: &str,
    unit: &str,
) -> Result<CatalogueItem, HubError> {
    let unit = unit.trim();
    if unit.is_empty() || unit.chars().count() > 20 {
        return Err(bad(
            "单位须为 1–20 个字符 / a unit holds 1 to 20 characters".to_owned(),
        ));
    }
    edit_item(db, code, |item| {
        if item.unit != unit && !item.unit_aliases.iter().any(|u| u == unit) {
            item.unit_aliases.push(unit.to_owned());
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
    let mut item = CatalogueItem {
        code: row.code.clone(),
        label_zh: row.label_zh.clone(),
        unit: row.unit.clone(),
        unit_aliases: strings(&row.unit_aliases),
        synonyms: strings(&row.synonyms),
        specificity: row.specificity,
    };
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
    match existing {
        Some(row) => {
            supply_rate::ActiveModel {
                id: Set(row.id),
                cny_per_unit: Set(cny_per_unit),
                ..Default::default()
            }
            .update(db)
            .await?;
        }
        None => {
            supply_rate::ActiveModel {
                month: Set(month.to_owned()),
                currency: Set(currency.clone()),
                cny_per_unit: Set(cny_per_unit),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
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
    let (id, mut names) = match row {
        Some(row) => (Some(row.id), strings(&row.names)),
        None => (None, Vec::new()),
    };
    if !names.iter().any(|n| n == name) {
        names.push(name.to_owned());
    }
    match id {
        Some(id) => {
            supply_currency::ActiveModel {
                id: Set(id),
                names: Set(serde_json::json!(names)),
                ..Default::default()
            }
            .update(db)
            .await?;
        }
        None => {
            supply_currency::ActiveModel {
                code: Set(code.clone()),
                names: Set(serde_json::json!(names)),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(CurrencyNames { code, names })
}
