//! The `hub` command line: argument definitions (clap derive) and dispatch to commands.
//!
//! Each command is a variant of [`Command`]; a new command (import, template, demo, token,
//! bench …) is a new variant, a module under `commands/`, and one arm in [`run`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::commands;
use crate::config::{LogFormat, Overrides, Settings};
use crate::error::HubError;
use crate::telemetry;

/// Daqing foreign-affairs data hub. 大庆市外籍人员信息汇总平台。
///
/// Member units upload their spreadsheets; the hub normalises them, resolves each person
/// across sources and answers everything through one GraphQL API.
/// 各成员单位上传名单，平台统一整理、合并同一人员，并通过 GraphQL 接口提供查询。
///
/// Settings come from defaults, ./hub.toml (or --config), HUB_* environment variables and
/// the flags below, later ones winning. 配置优先级：默认值 < hub.toml < HUB_* 环境变量 < 命令行参数。
#[derive(Debug, Parser)]
#[command(name = "hub", version, about, long_about)]
pub struct Cli {
    /// Settings file to read instead of ./hub.toml. 配置文件路径。
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Database URL: sqlite://PATH?mode=rwc (embedded, the default ./hub-data/hub.db) or
    /// postgres://USER@HOST/DB. 数据库地址。
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Log format on standard error: text or json. 日志格式。
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,

    /// What to do. 要执行的命令。
    #[command(subcommand)]
    pub command: Command,
}

/// The hub's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or update the database schema and seed the member units; safe to run again.
    /// 创建或升级数据库结构并写入成员单位名录（可重复执行）。
    Migrate,

    /// Run the HTTP server: /graphql (POST queries, GET GraphiQL), /healthz, /readyz.
    /// Migrates first; stops cleanly on Ctrl-C or SIGTERM. 启动服务。
    Serve(ServeArgs),

    /// Run one GraphQL query in-process against the database and print the JSON response;
    /// exits non-zero when the response has errors. 直接执行 GraphQL 查询并输出 JSON。
    Query(QueryArgs),

    /// List the member-unit registry as a table (code, name, kind). 列出成员单位名录。
    Units,
}

/// Arguments of `hub serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080 or 0.0.0.0:8080. 监听地址。
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<SocketAddr>,
}

/// Arguments of `hub query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The GraphQL document, e.g. '{ memberUnits { code name } }'; '-' reads standard
    /// input. GraphQL 查询语句（“-”表示从标准输入读取）。
    #[arg(value_name = "GRAPHQL")]
    pub query: String,

    /// Variables as a JSON object, e.g. '{"search": "哈医大"}'. 查询变量（JSON 对象）。
    #[arg(long, value_name = "JSON")]
    pub variables: Option<String>,
}

/// Load the settings, start logging and run the chosen command.
pub async fn run(cli: Cli) -> Result<ExitCode, HubError> {
    let overrides = Overrides {
        database_url: cli.database_url,
        log_format: cli.log_format,
        bind: match &cli.command {
            Command::Serve(args) => args.bind,
            _ => None,
        },
    };
    let settings = Settings::load(cli.config.as_deref(), &overrides)?;
    let filter = match cli.command {
        Command::Query(_) | Command::Units => telemetry::QUIET_FILTER,
        Command::Migrate | Command::Serve(_) => telemetry::DEFAULT_FILTER,
    };
    telemetry::init(settings.log_format, filter);

    match cli.command {
        Command::Migrate => commands::migrate::run(&settings).await,
        Command::Serve(_) => commands::serve::run(settings).await,
        Command::Query(args) => commands::query::run(&settings, &args).await,
        Command::Units => commands::units::run(&settings).await,
    }
}
