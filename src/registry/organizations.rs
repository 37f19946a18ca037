//! Organisations (employers, schools, hotels, the police) and the other spellings of their
//! names (aliases).

use std::collections::HashMap;

use entity::{organization, organization_alias};
use importers::normalize::org_key;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// The kind of an organisation a file names without saying what it is (the work unit of
/// the police's visa list).
pub const UNKNOWN_KIND: &str = "unknown";

/// The kinds uploads give the organisations they name, most telling first: a school named
/// as an employer is still a university, a hotel that employs people still a hotel.
const KIND_PRECEDENCE: [&str; 3] = ["university", "hotel", "enterprise"];

/// Where `kind` stands in the precedence: the listed kinds in their order, then any other
/// kind in alphabetical order, then [`UNKNOWN_KIND`]. A total order, so the kind that wins
/// does not depend on which file named the organisation first.
fn kind_rank(kind: &str) -> (usize, &str) {
    if kind == UNKNOWN_KIND {
        return (usize::MAX, kind);
    }
    match KIND_PRECEDENCE.iter().position(|k| *k == kind) {
        Some(position) => (position, ""),
        None => (KIND_PRECEDENCE.len(), kind),
    }
}

/// Whether an organisation created from uploads with kind `current`, named again as
/// `kind`, takes `kind` instead (see [`KIND_PRECEDENCE`]).
pub fn kind_outranks(kind: &str, current: &str) -> bool {
    kind_rank(kind) < kind_rank(current)
}

/// An organisation with the aliases it is known by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationEntry {
    /// The organisation row.
    pub organization: organization::Model,
    /// Other spellings of its name, in the order they were registered.
    pub aliases: Vec<String>,
}

/// Organisations that were not merged into another one, with their aliases.
///
/// With a `search` term only organisations whose name or one of whose aliases contains the
/// term are returned: case-insensitive, and also after normalising both sides as the
/// registry matches names (see `importers::normalize::org_key`). A blank term matches
/// everything.
pub async fn search(
    db: &DatabaseConnection,
    search: Option<&str>,
) -> Result<Vec<OrganizationEntry>, DbErr> {
    let mut query = organization::Entity::find()
        .filter(organization::Column::MergedIntoId.is_null())
        .order_by_asc(organization::Column::Id);
    if let Some(term) = search.map(str::trim).filter(|t| !t.is_empty()) {
        // The term as written (case-insensitive), and its matching key (NFKC, no white
        // space, one kind of bracket), so "ＮＥＰＵ" and "Harbin Medical University（Daqing）"
        // find what the registry spells differently.
        let pattern = contains_pattern(term);
        let key_pattern = contains_pattern(&org_key(term));
        let by_alias = Query::select()
            .column(organization_alias::Column::OrganizationId)
            .from(organization_alias::Entity)
            .cond_where(
                Condition::any()
                    .add(lower_like(
                        (
                            organization_alias::Entity,
                            organization_alias::Column::Alias,
                        ),
                        &pattern,
                    ))
                    .add(lower_like(
                        (organization_alias::Entity, organization_alias::Column::Key),
                        &key_pattern,
                    )),
            )
            .to_owned();
        query = query.filter(
            Condition::any()
                .add(lower_like(
                    (organization::Entity, organization::Column::Name),
                    &pattern,
                ))
                .add(lower_like(
                    (organization::Entity, organization::Column::Key),
                    &key_pattern,
                ))
                .add(organization::Column::Id.in_subquery(by_alias)),
        );
    }
    let organizations = query.all(db).await?;

    let ids: Vec<i64> = organizations.iter().map(|o| o.id).collect();
    let mut aliases: HashMap<i64, Vec<String>> = HashMap::new();
    // One query for all aliases; chunked so the bound parameters stay within SQLite's limit.
    for chunk in ids.chunks(500) {
        let rows = organization_alias::Entity::find()
            .filter(organization_alias::Column::OrganizationId.is_in(chunk.iter().copied()))
            .order_by_asc(organization_alias::Column::Id)
            .all(db)
            .await?;
        for row in rows {
            aliases
                .entry(row.organization_id)
                .or_default()
                .push(row.alias);
        }
    }

    Ok(organizations
        .into_iter()
        .map(|organization| OrganizationEntry {
            aliases: aliases.remove(&organization.id).unwrap_or_default(),
            organization,
        })
        .collect())
}

/// `%term%` in lower case with the LIKE wildcards of the term escaped by `\`.
fn contains_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// `LOWER(column) LIKE pattern ESCAPE '\'`.
fn lower_like<C>(column: C, pattern: &str) -> SimpleExpr
where
    C: sea_orm::sea_query::IntoColumnRef,
{
    Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern).escape('\\'))
}

#[cfg(test)]
mod tests {
    use super::{UNKNOWN_KIND, contains_pattern, kind_outranks};

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(contains_pattern("NEPU"), "%nepu%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn a_specific_kind_beats_unknown_and_the_order_is_fixed() {
        // Most telling first: the listed kinds, any other alphabetically, unknown last.
        let order = [
            "university",
            "hotel",
            "enterprise",
            "government",
            "ngo",
            UNKNOWN_KIND,
        ];
        for (rank, kind) in order.iter().enumerate() {
            assert!(!kind_outranks(kind, kind), "{kind} does not beat itself");
            for lower in &order[rank + 1..] {
                assert!(kind_outranks(kind, lower), "{kind} beats {lower}");
                assert!(!kind_outranks(lower, kind), "{lower} does not beat {kind}");
            }
        }
    }
}

/// What became of a merge of two organisations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrganizationMerge {
    /// Merged: the kept organisation.
    Merged(organization::Model),
    /// One of the two does not exist (or was merged away before).
    NotFound(i64),
    /// An organisation cannot be merged into itself.
    SameOrganization,
}

/// Merges `merge` into `keep`: the merged organisation's name and aliases become aliases
/// of the kept one, and every affiliation and stay follows. The merged row stays, marked
/// with `merged_into_id`, so old references still resolve.
pub async fn merge(
    db: &DatabaseConnection,
    keep: i64,
    merge: i64,
) -> Result<OrganizationMerge, DbErr> {
    use entity::{affiliation, stay};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    if keep == merge {
        return Ok(OrganizationMerge::SameOrganization);
    }
    let txn = crate::db::begin_write(db).await?;
    let live = |id: i64| {
        organization::Entity::find_by_id(id).filter(organization::Column::MergedIntoId.is_null())
    };
    let Some(kept) = live(keep).one(&txn).await? else {
        return Ok(OrganizationMerge::NotFound(keep));
    };
    let Some(gone) = live(merge).one(&txn).await? else {
        return Ok(OrganizationMerge::NotFound(merge));
    };
    organization_alias::Entity::update_many()
        .col_expr(
            organization_alias::Column::OrganizationId,
            Expr::value(keep),
        )
        .filter(organization_alias::Column::OrganizationId.eq(merge))
        .exec(&txn)
        .await?;
    let gone_key = org_key(&gone.name);
    let has_alias = organization_alias::Entity::find()
        .filter(organization_alias::Column::Key.eq(gone_key.clone()))
        .one(&txn)
        .await?
        .is_some();
    if !has_alias {
        organization_alias::ActiveModel {
            organization_id: Set(keep),
            alias: Set(gone.name.clone()),
            key: Set(gone_key),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    affiliation::Entity::update_many()
        .col_expr(affiliation::Column::OrganizationId, Expr::value(keep))
        .filter(affiliation::Column::OrganizationId.eq(merge))
        .exec(&txn)
        .await?;
    stay::Entity::update_many()
        .col_expr(stay::Column::OrganizationId, Expr::value(keep))
        .filter(stay::Column::OrganizationId.eq(merge))
        .exec(&txn)
        .await?;
    organization::Entity::update_many()
        .col_expr(organization::Column::MergedIntoId, Expr::value(keep))
        .filter(
            organization::Column::Id
                .eq(merge)
                .or(organization::Column::MergedIntoId.eq(merge)),
        )
        .exec(&txn)
        .await?;
    crate::derived::store_changes::record_organization(&txn, keep).await?;
    txn.commit().await?;
    Ok(OrganizationMerge::Merged(kept))
}
