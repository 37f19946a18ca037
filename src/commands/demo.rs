//! `hub demo`: a synthetic city in a fresh embedded store, then the server.
//!
//! 1. creates a new directory (never an existing store) and a SQLite store in it;
//! 2. generates the spreadsheets every member unit would upload ([`devtools::demo`]) and
//!    writes them under `DIR/uploads/<unit>/`;
//! 3. imports each through an [`ingest::Importer`], as `hub import` would;
//! 4. creates one API token per role and prints them with the address (also written to
//!    `DIR/demo.json` for scripts such as the browser test);
//! 5. serves, as `hub serve` does, until Ctrl-C.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use serde::Serialize;

use crate::auth::Role;
use crate::cli::DemoArgs;
use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::ingest::{self, ImportRequest, ImportStatus};
use crate::registry::{tokens, units};
use crate::server::Application;
use devtools::demo::{self, DemoFile, DemoOptions};

/// The unit of each demo token: the police upload, the Foreign Affairs Office reads.
const TOKEN_UNITS: [(Role, &str); 4] = [
    (Role::Uploader, "police"),
    (Role::Analyst, "fao"),
    (Role::Leader, "fao"),
    (Role::Admin, "fao"),
];

/// What `DIR/demo.json` holds.
#[derive(Debug, Serialize)]
struct DemoInfo {
    /// The store's directory.
    dir: String,
    /// The address served, e.g. `http://127.0.0.1:8080/` (none with `--no-serve`).
    address: Option<String>,
    /// One token per role.
    tokens: Vec<DemoToken>,
    /// Files imported.
    files: usize,
}

/// A token made for the demo.
#[derive(Debug, Clone, Serialize)]
struct DemoToken {
    role: String,
    unit: String,
    token: String,
}

/// Generate, import, make tokens, and serve (unless `--no-serve`).
pub async fn run(settings: Settings, args: &DemoArgs) -> Result<ExitCode, HubError> {
    let dir = create_dir(args.dir.clone())?;
    let mut settings = settings;
    settings.database_url = format!("sqlite://{}?mode=rwc", dir.join("hub.db").display());
    if let Some(bind) = args.bind {
        settings.bind = bind;
    }
    let mut out = std::io::stdout();
    writeln!(
        out,
        "演示数据目录 / demo store: {} (a new store; nothing else is touched)",
        dir.display()
    )?;
    let db = db::connect_and_migrate(&settings).await?;
    let unit_list: Vec<(String, String)> = units::list(&db)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| (u.code, u.name))
        .collect();
    let tz = settings.time_zone();
    let options = DemoOptions {
        people: args.people,
        overstays: args.overstays,
        days: args.days,
        now: Utc::now().with_timezone(&tz).naive_local(),
        seed: args.seed,
    };
    let files = demo::generate(&options, &unit_list).map_err(generated)?;
    demo::write_files(&dir, &files).map_err(generated)?;
    writeln!(
        out,
        "已生成 {} 个文件 / generated {} files under {}",
        files.len(),
        files.len(),
        dir.join("uploads").display()
    )?;
    import_all(&db, &settings, &files, &mut out).await?;
    let made = make_tokens(&db).await?;
    set_contacts(&db, &unit_list).await?;
    let mut info = DemoInfo {
        dir: dir.display().to_string(),
        address: None,
        tokens: made,
        files: files.len(),
    };
    if args.no_serve {
        write_info(&dir, &info)?;
        print_tokens(&mut out, &info)?;
        db.close().await?;
        return Ok(ExitCode::SUCCESS);
    }
    let app = Application::build_with_db(settings, db).await?;
    info.address = Some(format!("http://{}/", app.local_addr()));
    print_tokens(&mut out, &info)?;
    write_info(&dir, &info)?;
    app.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}

/// The demo directory: `--dir`, or `./hub-data/demo-<timestamp>`. It must not exist yet or
/// be empty, so an existing store is never touched.
fn create_dir(given: Option<PathBuf>) -> Result<PathBuf, HubError> {
    let dir = given.unwrap_or_else(|| {
        PathBuf::from("hub-data").join(format!("demo-{}", Utc::now().format("%Y%m%d-%H%M%S")))
    });
    if dir.exists() && std::fs::read_dir(&dir)?.next().is_some() {
        return Err(HubError::BadInput(format!(
            "{} 已存在且不为空；演示只在新目录中创建数据 / {} exists and is not empty; the demo only creates new stores",
            dir.display(),
            dir.display()
        )));
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Imports every generated file through the real importers, one line per file.
async fn import_all(
    db: &DatabaseConnection,
    settings: &Settings,
    files: &[DemoFile],
    out: &mut impl Write,
) -> Result<(), HubError> {
    let (mut accepted, mut rejected) = (0u64, 0u64);
    let importer = ingest::Importer::from_settings(settings);
    for file in files {
        let request = ImportRequest {
            unit: file.unit.clone(),
            kind: Some(file.kind),
            file_name: file.file_name.clone(),
            bytes: file.bytes.clone(),
            uploaded_by: format!("demo:{}", file.unit),
            dry_run: false,
            column_overrides: Vec::new(),
        };
        let report = importer
            .import(db, request, None, ingest::Progress::none())
            .await?;
        if report.status == ImportStatus::Failed {
            return Err(HubError::Internal(format!(
                "demo file {} could not be read: {:?}",
                file.file_name, report.error
            )));
        }
        accepted += u64::from(report.rows.accepted);
        rejected += u64::from(report.rows.rejected);
        writeln!(
            out,
            "  {:<12} {:<18} {:>6} 行接收 accepted {:>3} 行拒收 rejected  {}",
            file.unit,
            file.kind.as_str(),
            report.rows.accepted,
            report.rows.rejected,
            file.file_name
        )?;
    }
    writeln!(
        out,
        "已导入 / imported: {accepted} 行接收 accepted, {rejected} 行拒收 rejected"
    )?;
    Ok(())
}

/// A made-up contact for every unit of the synthetic city (its liaison and an office
/// number), so the missing-report list shows whom to call.
async fn set_contacts(db: &DatabaseConnection, units: &[(String, String)]) -> Result<(), HubError> {
    for (i, (code, _)) in units.iter().enumerate() {
        crate::registry::unit_edits::set_contact(
            db,
            code,
            Some("外事联络员"),
            Some(&format!("0459-46{:05}", 1000 + i * 37)),
            Utc::now(),
        )
        .await?;
    }
    Ok(())
}

/// One token per role.
async fn make_tokens(db: &DatabaseConnection) -> Result<Vec<DemoToken>, HubError> {
    let mut made = Vec::new();
    for (role, unit) in TOKEN_UNITS {
        let created = tokens::create(
            db,
            tokens::NewToken {
                unit: unit.to_owned(),
                role,
                name: Some(format!("demo {role}")),
                expires_at: None,
            },
            Utc::now(),
        )
        .await?;
        made.push(DemoToken {
            role: role.as_str().to_owned(),
            unit: unit.to_owned(),
            token: created.secret,
        });
    }
    Ok(made)
}

fn print_tokens(out: &mut impl Write, info: &DemoInfo) -> Result<(), HubError> {
    writeln!(out, "\n访问令牌（仅显示一次）/ API tokens (shown once):")?;
    for t in &info.tokens {
        writeln!(out, "  {:<9} ({:<6})  {}", t.role, t.unit, t.token)?;
    }
    if let Some(address) = &info.address {
        writeln!(
            out,
            "\n请在浏览器中打开 / open in a browser: {address}  (Ctrl-C 停止 / to stop)"
        )?;
    }
    out.flush()?;
    Ok(())
}

fn write_info(dir: &Path, info: &DemoInfo) -> Result<(), HubError> {
    let json = serde_json::to_string_pretty(info)
        .map_err(|e| HubError::Internal(format!("cannot write demo.json: {e}")))?;
    std::fs::write(dir.join("demo.json"), json)?;
    Ok(())
}

/// A generator's error as the command reports it.
fn generated(e: devtools::DevError) -> HubError {
    HubError::Internal(e.to_string())
}
