//! `hub export people`: the filtered people list as an xlsx with a summary sheet, the same
//! workbook `GET /api/exports/people.xlsx` serves.

use std::io::Write;
use std::process::ExitCode;

use chrono::Utc;

use crate::cli::{ExportArgs, ExportCommand};
use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::export::{PeopleExport, people_xlsx};

/// Run the chosen export.
pub async fn run(settings: &Settings, args: &ExportArgs) -> Result<ExitCode, HubError> {
    let ExportCommand::People(people) = &args.command;
    let export = PeopleExport {
        filter: people.filter.to_filter()?,
        as_of: people.filter.as_of()?.unwrap_or_else(Utc::now),
        conditions: people.filter.describe(),
        masked: people.masked,
        unit_only: None,
        figures: true,
    };
    let db = db::connect_and_migrate(settings).await?;
    let bytes = people_xlsx(&db, settings.time_zone(), &export).await;
    db.close().await?;
    let bytes = bytes?;
    std::fs::write(&people.output, bytes).map_err(|e| {
        HubError::BadInput(format!(
            "无法写入 {0} / cannot write {0}: {e}",
            people.output.display()
        ))
    })?;
    writeln!(
        std::io::stdout().lock(),
        "已导出人员名单 / wrote the people list: {}",
        people.output.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
