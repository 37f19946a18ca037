//! `hub mappings list|delete`: the column mappings units saved for their files' headers.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::registry::column_mappings::{self, StoredMapping};
use crate::registry::units;

/// Arguments of `hub mappings`.
#[derive(Debug, Args)]
pub struct MappingsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: MappingsCommand,
}

/// `hub mappings` subcommands.
#[derive(Debug, Subcommand)]
pub enum MappingsCommand {
    /// The saved mappings, newest first. 列出已保存的列映射。
    List {
        /// Only this unit's (code). 仅列出该单位的。
        #[arg(long, value_name = "CODE")]
        unit: Option<String>,
        /// One JSON object per line. 以 JSON Lines 输出。
        #[arg(long)]
        json: bool,
    },
    /// Delete a mapping: the next file with its headers is matched by the hub again.
    /// 删除一个列映射。
    Delete {
        /// The mapping's id (see `hub mappings list`). 列映射编号。
        #[arg(value_name = "ID")]
        id: i64,
    },
}

/// Runs `hub mappings`.
pub async fn run(settings: &Settings, args: &MappingsArgs) -> Result<ExitCode, HubError> {
    let db = db::connect_and_migrate(settings).await?;
    let result = match &args.command {
        MappingsCommand::List { unit, json } => {
            let unit_id = match unit {
                Some(code) => Some(crate::registry::units::find_unit(&db, code).await?.id),
                None => None,
            };
            let rows = column_mappings::list(&db, unit_id).await?;
            let codes = units::list(&db).await?;
            let code_of = |id: i64| {
                codes
                    .iter()
                    .find(|u| u.id == id)
                    .map_or_else(|| id.to_string(), |u| u.code.clone())
            };
            let mut out = std::io::stdout().lock();
            for m in &rows {
                let line = if *json {
                    serde_json::json!({
                        "id": m.id,
                        "unit": code_of(m.member_unit_id),
                        "kind": m.kind.as_str(),
                        "fingerprint": m.fingerprint,
                        "headers": m.headers,
                        "columns": m.columns,
                        "saved_by": m.saved_by,
                        "saved_at": m.saved_at,
                    })
                    .to_string()
                } else {
                    describe(m, &code_of(m.member_unit_id))
                };
                writeln!(out, "{line}")?;
            }
            if rows.is_empty() && !*json {
                writeln!(out, "no saved column mappings / 没有已保存的列映射")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        MappingsCommand::Delete { id } => {
            if column_mappings::delete(&db, *id).await? {
                println!("deleted column mapping {id} / 已删除");
                Ok(ExitCode::SUCCESS)
            } else {
                Err(HubError::NotFound(format!(
                    "没有编号为 {id} 的列映射 / no column mapping {id}"
                )))
            }
        }
    };
    db.close().await?;
    result
}

/// One line per mapping: id, unit, kind, the headers fixed.
fn describe(m: &StoredMapping, unit: &str) -> String {
    let fixed: Vec<String> = m
        .columns
        .iter()
        .map(|c| format!("{}={}", c.header, c.field.as_deref().unwrap_or("ignore")))
        .collect();
    format!(
        "{id}\t{unit}\t{kind}\t{fixed}\t({n} headers, saved by {by} at {at})",
        id = m.id,
        kind = m.kind.as_str(),
        fixed = fixed.join(", "),
        n = m.headers.len(),
        by = m.saved_by,
        at = m.saved_at.format("%Y-%m-%d %H:%M"),
    )
}
