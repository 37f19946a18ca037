//! What the hub knew at a time: a statement answered from the uploads landed by then.
//!
//! The statement's fact tables are shadowed by common-table expressions of the same names
//! holding only the rows of uploads landed by the time bound as a parameter: people named
//! by such a row, their facts from such rows, and an affiliation's or stay's end only when
//! the roster that ended it had landed too. Every derived fact computed over them is then
//! what the hub would have answered at that time (the shown names may be later ones).

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// The schema the hub's tables live in: `main` on SQLite, the connection's current schema
/// on PostgreSQL (the CTEs read the tables by qualified name, past their own).
pub async fn schema_of<C: ConnectionTrait>(db: &C) -> Result<String, DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let row = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT current_schema() AS s",
                ))
                .await?;
            Ok(row
                .map(|r| r.try_get::<String>("", "s"))
                .transpose()?
                .unwrap_or_else(|| "public".to_owned()))
        }
        _ => Ok("main".to_owned()),
    }
}

/// The shadowing CTEs for uploads landed by `known` (a parameter such as `$5`), the
/// tables read in schema `schema`.
fn ctes(schema: &str, known: &str) -> String {
    let q = |table: &str| format!("\"{schema}\".{table}");
    let from_known = |table: &str| {
        format!(
            "{table} AS (SELECT x.* FROM {} x JOIN {} r ON r.id = x.source_row_id \
             WHERE r.upload_id IN (SELECT id FROM known_upload))",
            q(table),
            q("source_row")
        )
    };
    format!(
        "known_upload AS (SELECT id FROM {upload} WHERE uploaded_at <= {known}),
        {person_source},
        person AS (SELECT x.* FROM {person} x WHERE EXISTS (SELECT 1 FROM person_source y WHERE y.person_id = x.id)),
        {identity_document},
        {movement},
        {health_check},
        affiliation AS (SELECT x.id, x.person_id, x.organization_id, x.role, x.since,
            CASE WHEN x.ended_by_upload_id IS NULL OR x.ended_by_upload_id IN (SELECT id FROM known_upload)
                THEN x.until END AS until,
            x.member_unit_id, x.kind, x.ended_by_upload_id, x.source_row_id
            FROM {affiliation} x JOIN {source_row} r ON r.id = x.source_row_id
            WHERE r.upload_id IN (SELECT id FROM known_upload)),
        stay AS (SELECT x.id, x.person_id, x.organization_id, x.check_in,
            CASE WHEN x.ended_by_upload_id IS NULL OR x.ended_by_upload_id IN (SELECT id FROM known_upload)
                THEN x.check_out END AS check_out,
            x.member_unit_id, x.ended_by_upload_id, x.source_row_id
            FROM {stay} x JOIN {source_row} r ON r.id = x.source_row_id
            WHERE r.upload_id IN (SELECT id FROM known_upload))",
        upload = q("upload"),
        person = q("person"),
        affiliation = q("affiliation"),
        stay = q("stay"),
        source_row = q("source_row"),
        person_source = from_known("person_source"),
        identity_document = from_known("identity_document"),
        movement = from_known("movement"),
        health_check = from_known("health_check"),
    )
}

/// `sql` answered from the uploads landed by the time bound as `known`.
pub fn shadowed(sql: &str, schema: &str, known: &str) -> String {
    let ctes = ctes(schema, known);
    let trimmed = sql.trim_start();
    match trimmed.strip_prefix("WITH ") {
        Some(rest) => format!("WITH {ctes}, {rest}"),
        None => format!("WITH {ctes} {trimmed}"),
    }
}

/// `sql` over `values` answered from the uploads landed by `known_at` when given (the time
/// bound as a new last value), else as it is.
pub async fn as_known<C: ConnectionTrait>(
    db: &C,
    sql: String,
    values: &mut Vec<sea_orm::Value>,
    known_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<String, DbErr> {
    let Some(known) = known_at else {
        return Ok(sql);
    };
    values.push(known.into());
    let schema = schema_of(db).await?;
    Ok(shadowed(&sql, &schema, &format!("${}", values.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_gain_the_shadowing_tables_in_front() {
        let plain = shadowed("SELECT COUNT(*) FROM person p", "main", "$4");
        assert!(plain.starts_with("WITH known_upload AS"), "{plain}");
        assert!(plain.ends_with("SELECT COUNT(*) FROM person p"));
        let with = shadowed(
            "WITH derived AS (SELECT 1) SELECT * FROM derived",
            "main",
            "$4",
        );
        assert!(with.contains("), derived AS (SELECT 1)"), "{with}");
        assert_eq!(with.matches("WITH ").count(), 1);
    }
}
