//! `hub rejections`: an upload's rejected rows as an xlsx to fix and upload again.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::RejectionsArgs;
use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::ingest::export;

/// Write the rejected rows of `args.upload_id` to `args.output`. An unknown upload is a
/// `NotFound` error; an upload without rejected rows writes nothing and says so.
pub async fn run(settings: &Settings, args: &RejectionsArgs) -> Result<ExitCode, HubError> {
    let db = db::connect_and_migrate(settings).await?;
    let found = export::rejected_rows_of(&db, args.upload_id).await;
    db.close().await?;
    let rejected = found?;
    let mut out = std::io::stdout().lock();
    if rejected.rows.is_empty() {
        writeln!(
            out,
            "上传 {0}（{1}）没有未导入的行，未写出文件 / upload {0} ({1}) has no rejected rows; nothing written",
            rejected.upload.id, rejected.upload.file_name
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let bytes = rejected.to_xlsx()?;
    super::write_output(&args.output, &bytes)?;
    writeln!(
        out,
        "已写出上传 {0}（{1}）的 {2} 行未导入数据 / wrote the {2} rejected rows of upload {0} ({1}) to {3}",
        rejected.upload.id,
        rejected.upload.file_name,
        rejected.rows.len(),
        args.output.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
