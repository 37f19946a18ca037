//! `hub export people`: the filtered people list as an xlsx with a summary sheet, the same
//! workbook `GET /api/exports/people.xlsx` serves; `hub export donations|contracts`: the
//! supplies ledger's workbooks (`GET /api/exports/donations.xlsx`, `…/contracts.xlsx`).

use std::io::Write;
use std::process::ExitCode;

use crate::auth::Principal;
use crate::cli::{ExportArgs, ExportCommand, ExportSuppliesArgs};
use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::service::people::{ExportRequest, People};

/// Run the chosen export, as the command line (a local admin; `--masked` masks as a
/// leader sees).
pub async fn run(settings: &Settings, args: &ExportArgs) -> Result<ExitCode, HubError> {
    let people = match &args.command {
        ExportCommand::People(people) => people,
        ExportCommand::Donations(ledger) => {
            return supplies(settings, ledger, crate::supplies::export::Sheet::Donations).await;
        }
        ExportCommand::Contracts(ledger) => {
            return supplies(settings, ledger, crate::supplies::export::Sheet::Contracts).await;
        }
    };
    // A malformed filter is refused before the store is opened.
    people.filter.to_filter()?;
    people.filter.as_of()?;
    let request = ExportRequest {
        filter: people.filter.clone(),
        masked: people.masked,
    };
    let db = db::connect_and_migrate(settings).await?;
    let file = People::new(&db, settings.time_zone())
        .export(&Principal::local(), &request)
        .await;
    db.close().await?;
    let bytes = file?.bytes;
    super::write_output(&people.output, &bytes)?;
    writeln!(
        std::io::stdout().lock(),
        "已导出人员名单 / wrote the people list: {}",
        people.output.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `hub export donations|contracts`: the ledger's workbook as of a time.
async fn supplies(
    settings: &Settings,
    args: &ExportSuppliesArgs,
    sheet: crate::supplies::export::Sheet,
) -> Result<ExitCode, HubError> {
    let filter = crate::export::ExportFilter {
        as_of: args.as_of.clone(),
        ..Default::default()
    };
    let at = filter.as_of()?.unwrap_or_else(chrono::Utc::now);
    let db = db::connect_and_migrate(settings).await?;
    let bytes = crate::supplies::export::workbook(
        &db,
        crate::auth::audit::ReadAudit::direct(),
        &Principal::local(),
        sheet,
        at,
        settings.time_zone(),
        args.masked,
    )
    .await;
    db.close().await?;
    super::write_output(&args.output, &bytes?)?;
    writeln!(
        std::io::stdout().lock(),
        "已导出 / wrote: {}",
        args.output.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
