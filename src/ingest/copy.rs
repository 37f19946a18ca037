//! Bulk rows into PostgreSQL with `COPY … FROM STDIN` (text format) on the landing's own
//! connection, inside the landing's transaction: one round trip for a part's rows instead of
//! statements of at most 65,535 parameters each, parsed and planned one by one.
//!
//! The landing's connection is a pool of one connection holding the open transaction
//! ([`crate::db::LandingTransaction`]); [`with_copy`] makes it known to the bulk inserts of
//! [`super::batch`] for the duration of a future, which then copy instead of inserting. The
//! parents the copied rows name are checked set by set where the role allows it
//! ([`super::parents`]).

use super::parents::ParentChecks;
use sea_orm::sqlx::PgPool;
use sea_orm::{DbErr, Value};
use std::fmt::Write as _;
use std::sync::Arc;

/// Where the bulk inserts of a landing copy their rows.
#[derive(Debug, Clone)]
pub struct CopyTarget {
    /// The pool of one connection, in the landing's transaction.
    pool: PgPool,
    /// The parents' checks, when the role may copy without the per-row checks.
    parents: Option<Arc<ParentChecks>>,
}

impl CopyTarget {
    /// The landing's connection (a pool of one, in its transaction), with the parents'
    /// checks when the role may use them (see [`super::parents`]).
    pub async fn prepare(pool: PgPool) -> Result<Self, DbErr> {
        let parents = ParentChecks::load(&pool).await?.map(Arc::new);
        Ok(Self { pool, parents })
    }

    /// The pool to run statements on.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Notes rows this landing copied into `table` with these ids (parents that need no
    /// check when later rows name them).
    pub fn created(&self, table: &str, ids: &[i64]) {
        if let Some(parents) = &self.parents {
            parents.created(table, ids);
        }
    }
}

tokio::task_local! {
    /// Where the bulk inserts copy through.
    static COPY_THROUGH: CopyTarget;
}

/// Runs `future` with the bulk inserts copying through `target`'s connection (or inserting
/// as usual when `target` is `None`).
pub async fn with_copy<F: std::future::Future>(target: Option<CopyTarget>, future: F) -> F::Output {
    match target {
        Some(target) => COPY_THROUGH.scope(target, future).await,
        None => future.await,
    }
}

/// Where to copy, inside [`with_copy`].
pub fn copy_target() -> Option<CopyTarget> {
    COPY_THROUGH.try_with(CopyTarget::clone).ok()
}

/// Appends `text` escaped for COPY's text format.
fn escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Appends one value as COPY's text format writes it; `false` for a kind of value this does
/// not write (the caller inserts instead).
pub fn push_value(out: &mut String, value: &Value) -> bool {
    const NULL: &str = "\\N";
    macro_rules! plain {
        ($v:expr) => {{
            match $v {
                Some(v) => {
                    let _ = write!(out, "{v}");
                }
                None => out.push_str(NULL),
            }
            true
        }};
    }
    match value {
        Value::Bool(v) => {
            out.push_str(match v {
                Some(true) => "t",
                Some(false) => "f",
                None => NULL,
            });
            true
        }
        Value::TinyInt(v) => plain!(v),
        Value::SmallInt(v) => plain!(v),
        Value::Int(v) => plain!(v),
        Value::BigInt(v) => plain!(v),
        Value::TinyUnsigned(v) => plain!(v),
        Value::SmallUnsigned(v) => plain!(v),
        Value::Unsigned(v) => plain!(v),
        Value::BigUnsigned(v) => plain!(v),
        Value::Double(Some(v)) if !v.is_finite() => false,
        Value::Float(Some(v)) if !v.is_finite() => false,
        Value::Double(v) => plain!(v),
        Value::Float(v) => plain!(v),
        Value::String(Some(text)) => {
            escaped(out, text);
            true
        }
        Value::String(None) | Value::Json(None) => {
            out.push_str(NULL);
            true
        }
        Value::Json(Some(json)) => {
            escaped(out, &json.to_string());
            true
        }
        Value::ChronoDate(v) => match v {
            Some(day) => {
                let _ = write!(out, "{}", day.format("%Y-%m-%d"));
                true
            }
            None => plain!(None::<i64>),
        },
        Value::ChronoDateTimeUtc(v) => match v {
            Some(at) => {
                let _ = write!(out, "{}", at.format("%Y-%m-%dT%H:%M:%S%.6f+00:00"));
                true
            }
            None => plain!(None::<i64>),
        },
        Value::ChronoDateTimeWithTimeZone(v) => match v {
            Some(at) => {
                let _ = write!(out, "{}", at.format("%Y-%m-%dT%H:%M:%S%.6f%:z"));
                true
            }
            None => plain!(None::<i64>),
        },
        _ => false,
    }
}

/// The rows (`values`, `columns.len()` per row) as COPY's text format, `None` when a value
/// is of a kind [`push_value`] does not write.
pub fn rows_text(values: &[Value], width: usize) -> Option<String> {
    let mut out = String::with_capacity(values.len() * 16);
    for row in values.chunks(width.max(1)) {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                out.push('\t');
            }
            if !push_value(&mut out, value) {
                return None;
            }
        }
        out.push('\n');
    }
    Some(out)
}

/// Copies `values` (`columns.len()` per row), written as `text` (rows in COPY's text
/// format), into `table`'s `columns`; returns the rows copied. Where the parents the rows
/// name were checked set by set, the per-row checks are off for this COPY.
pub async fn copy_in(
    target: &CopyTarget,
    table: &str,
    columns: &[&str],
    values: &[Value],
    text: &str,
) -> Result<u64, DbErr> {
    let error = |e: sea_orm::sqlx::Error| DbErr::Custom(format!("COPY into {table}: {e}"));
    let unchecked = match &target.parents {
        Some(parents) => parents.check(&target.pool, table, columns, values).await?,
        None => false,
    };
    let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let statement = format!("COPY \"{table}\" ({}) FROM STDIN", quoted.join(", "));
    let mut connection = target.pool.acquire().await.map_err(error)?;
    if unchecked {
        sea_orm::sqlx::query("SET LOCAL session_replication_role = replica")
            .execute(&mut *connection)
            .await
            .map_err(error)?;
    }
    let mut copy = connection.copy_in_raw(&statement).await.map_err(error)?;
    // Sent in pieces of at most a few MiB, each a CopyData message.
    for piece in text.as_bytes().chunks(4 << 20) {
        copy.send(piece).await.map_err(error)?;
    }
    let copied = copy.finish().await.map_err(error)?;
    if unchecked {
        sea_orm::sqlx::query("SET LOCAL session_replication_role = DEFAULT")
            .execute(&mut *connection)
            .await
            .map_err(error)?;
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_copy_text_reads_them() {
        let at = chrono::DateTime::parse_from_rfc3339("2020-02-17T04:00:00.5Z")
            .map(|t| t.with_timezone(&chrono::Utc))
            .ok();
        let day = chrono::NaiveDate::from_ymd_opt(2020, 2, 17);
        let values = [
            Value::from(7i64),
            Value::from("a\tb\\c\nd".to_owned()),
            Value::String(None),
            Value::from(at),
            Value::from(day),
            Value::from(true),
            Value::from(36.6f64),
        ];
        assert_eq!(
            rows_text(&values, 7).as_deref(),
            Some("7\ta\\tb\\\\c\\nd\t\\N\t2020-02-17T04:00:00.500000+00:00\t2020-02-17\tt\t36.6\n")
        );
        assert_eq!(rows_text(&[Value::Bytes(Some(vec![1]))], 1), None);
        assert_eq!(rows_text(&[Value::from(f64::NAN)], 1), None);
    }
}
