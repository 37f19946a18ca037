//! Resolving organisation names written in uploads to registry organisations.

use chrono::{DateTime, Utc};
use entity::{organization, organization_alias};
use importers::normalize::org_key;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait};
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::registry::organization_edits::new_organization;

/// Maps normalised names and aliases to organisation ids, creating an unverified
/// organisation for a name nobody registered (an unknown name never rejects a row).
pub struct OrgResolver {
    by_key: HashMap<String, i64>,
    kind_of: HashMap<i64, String>,
    /// Organisations created from uploads (unverified): their kind follows the most telling
    /// kind any file gave them ([`OrgResolver::store_kinds`]).
    from_uploads: HashSet<i64>,
    /// Organisations whose kind this file changed, with the kind stored before, in id order
    /// (the order their rows are updated in, so that two landings cannot deadlock).
    rekinded: BTreeMap<i64, String>,
    /// Names as written, already resolved (a file names the same few organisations on
    /// every row; their keys are normalised once).
    by_name: HashMap<String, Option<i64>>,
}

impl OrgResolver {
    /// Loads every organisation and alias; merged organisations resolve to the one they
    /// were merged into.
    pub async fn load<C: ConnectionTrait>(db: &C) -> Result<Self, DbErr> {
        let orgs = organization::Entity::find().all(db).await?;
        let aliases = organization_alias::Entity::find().all(db).await?;
        let target: HashMap<i64, i64> = orgs
            .iter()
            .map(|org| (org.id, org.merged_into_id.unwrap_or(org.id)))
            .collect();
        let follow = |mut id: i64| {
            // Merges form short chains; the bound guards against a cycle written by hand.
            for _ in 0..16 {
                match target.get(&id) {
                    Some(next) if *next != id => id = *next,
                    _ => break,
                }
            }
            id
        };
        let mut by_key = HashMap::new();
        for org in &orgs {
            by_key.insert(org.key.clone(), follow(org.id));
        }
        for alias in &aliases {
            by_key.insert(alias.key.clone(), follow(alias.organization_id));
        }
        let from_uploads = orgs.iter().filter(|o| !o.verified).map(|o| o.id).collect();
        let kind_of = orgs.into_iter().map(|org| (org.id, org.kind)).collect();
        Ok(Self {
            by_key,
            kind_of,
            from_uploads,
            rekinded: BTreeMap::new(),
            by_name: HashMap::new(),
        })
    }

    /// The organisation a name refers to, creating an unverified one of `kind` when the
    /// name is unknown (an unverified one named before takes `kind` when it is more telling
    /// than its own: [`OrgResolver::store_kinds`]). Returns `None` for a blank name.
    pub async fn resolve<C: ConnectionTrait>(
        &mut self,
        db: &C,
        name: &str,
        kind: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, DbErr> {
        let resolved = match self.by_name.get(name) {
            Some(resolved) => *resolved,
            None => {
                let key = org_key(name);
                let resolved = if key.is_empty() {
                    None
                } else if let Some(id) = self.by_key.get(&key) {
                    Some(*id)
                } else {
                    Some(self.create(db, name, key, kind, now).await?)
                };
                self.by_name.insert(name.to_owned(), resolved);
                resolved
            }
        };
        if let Some(id) = resolved {
            self.prefer_kind(id, kind);
        }
        Ok(resolved)
    }

    /// Creates an unverified organisation of `kind` for a name nobody registered (its
    /// normalised key `key`).
    async fn create<C: ConnectionTrait>(
        &mut self,
        db: &C,
        name: &str,
        key: String,
        kind: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, DbErr> {
        let created = new_organization(display_name(name), key.clone(), kind, false, None, now)
            .insert(db)
            .await?;
        tracing::info!(organization_id = created.id, "new unverified organisation");
        self.by_key.insert(key, created.id);
        self.from_uploads.insert(created.id);
        self.kind_of.insert(created.id, created.kind);
        Ok(created.id)
    }

    /// Gives organisation `id`, when created from uploads, `kind` if that is more telling
    /// than the kind it has ([`crate::registry::organizations::kind_outranks`]); stored by
    /// [`OrgResolver::store_kinds`]. Every row of a file comes here: it decides without
    /// allocating.
    fn prefer_kind(&mut self, id: i64, kind: &str) {
        use crate::registry::organizations::kind_outranks;
        let better = self.from_uploads.contains(&id)
            && self
                .kind_of
                .get(&id)
                .is_some_and(|current| kind_outranks(kind, current));
        if !better {
            return;
        }
        if let Some(stored) = self.kind_of.insert(id, kind.to_owned()) {
            self.rekinded.entry(id).or_insert(stored);
        }
    }

    /// Stores the kinds this file changed, in the caller's transaction, once its rows have
    /// landed: whichever file named an organisation first, it ends with the same kind. Each
    /// update is conditional on the kind stored before; when another import changed it in
    /// between, the more telling of the two stays.
    pub async fn store_kinds<C: ConnectionTrait>(self, db: &C) -> Result<(), DbErr> {
        use crate::registry::organizations::kind_outranks;
        for (id, stored) in &self.rekinded {
            let Some(kind) = self.kind_of.get(id) else {
                continue;
            };
            if set_kind(db, *id, stored, kind).await? {
                continue;
            }
            let Some(now_stored) = organization::Entity::find_by_id(*id).one(db).await? else {
                continue;
            };
            if !now_stored.verified && kind_outranks(kind, &now_stored.kind) {
                set_kind(db, *id, &now_stored.kind, kind).await?;
            }
        }
        Ok(())
    }

    /// The kind of a known organisation (`university`, `enterprise`, `hotel` …).
    pub fn kind(&self, id: i64) -> Option<&str> {
        self.kind_of.get(&id).map(String::as_str)
    }
}

/// Sets the kind of unverified organisation `id` to `kind` if it is still `stored`; whether
/// it was.
async fn set_kind<C: ConnectionTrait>(
    db: &C,
    id: i64,
    stored: &str,
    kind: &str,
) -> Result<bool, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    let updated = organization::Entity::update_many()
        .col_expr(organization::Column::Kind, Expr::value(kind))
        .filter(organization::Column::Id.eq(id))
        .filter(organization::Column::Kind.eq(stored))
        .filter(organization::Column::Verified.eq(false))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// The name an organisation created from an upload is shown under, the same whichever
/// spelling arrived first: a Chinese name without white space and with full-width brackets
/// (大庆环球化妆品容器（中国）有限公司), any other name trimmed with its blanks folded.
pub fn display_name(name: &str) -> String {
    let has_cjk = name.chars().any(importers::normalize::is_cjk);
    if has_cjk {
        name.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '(' => '（',
                ')' => '）',
                _ => c,
            })
            .collect()
    } else {
        name.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::display_name;

    #[test]
    fn spellings_of_one_name_show_the_same() {
        assert_eq!(
            display_name("大庆环球化妆品容器(中国)有限公司"),
            "大庆环球化妆品容器（中国）有限公司"
        );
        assert_eq!(
            display_name(" 大庆环球化妆品容器（中国） 有限公司"),
            "大庆环球化妆品容器（中国）有限公司"
        );
        assert_eq!(display_name("  Acme   Oil  Services "), "Acme Oil Services");
    }
}
