//! The `hub` command line: argument definitions (clap derive) and dispatch to commands.
//!
//! Each command is a variant of [`Command`]; a new command (import, template, demo, token,
//! bench …) is a new variant, a module under `commands/`, and one arm in [`run`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use importers::SourceKind;

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

    /// Import spreadsheets of one member unit: read, check, land each file in one
    /// transaction and print a report per file. 导入成员单位上报的表格。
    ///
    /// Exit code 0 when every file was read (even with rejected rows, duplicates or a dry
    /// run); 2 when a file could not be read at all (status failed) or the unit is unknown.
    /// 所有文件均可读取时退出码为 0（即使有被拒绝的行）；有文件无法读取或单位不存在时为 2。
    Import(ImportArgs),

    /// Write a blank template of a source kind (canonical Chinese headers, date columns,
    /// instructions sheet); --list, or no KIND, lists the kinds. 生成空白填报模板。
    Template(TemplateArgs),

    /// Write the rejected rows of an upload back as an xlsx with a reason column, ready to
    /// fix and upload again. 导出某次上传中未导入的行（含错误原因）。
    Rejections(RejectionsArgs),

    /// Benchmarks (not tests): how fast and how lean importing is. 性能测试。
    Bench(BenchArgs),

    /// A synthetic city in a fresh embedded store: generates every unit's spreadsheets,
    /// imports them, creates one token per role, prints them and serves.
    /// 演示：生成虚构城市数据，导入新建的数据库，创建各角色令牌并启动服务。
    Demo(DemoArgs),

    /// Excel exports: `hub export people -o FILE.xlsx [filters]`. 导出 Excel。
    Export(ExportArgs),

    /// The daily brief (每日情况报告) as a Word file: `hub brief --as-of TIME -o FILE.docx`;
    /// the same brief the web page shows. 生成每日情况报告（Word）。
    Brief(BriefArgs),

    /// API tokens of member units: create (printed once), list, revoke. 访问令牌管理。
    Token(commands::token::TokenArgs),

    /// Column mappings units saved for their files' headers: list, delete. 列映射管理。
    Mappings(commands::mappings::MappingsArgs),

    /// The supplies catalogue: items and their names and units, currencies, reference
    /// rates; list or extend them. 物资目录、币种和参考汇率。
    Supplies(commands::supplies::SuppliesArgs),

    /// Internal: read one uploaded file from standard input in a child process with limits
    /// (see `[uploads] isolate_reader`); the server runs it, never a person.
    #[command(hide = true)]
    ReadUpload,
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

    /// The time fields without an `asOf` argument are computed at (RFC 3339, e.g.
    /// 2020-02-17T12:00:00+08:00); default now. 统计时点（默认当前时间）。
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// Arguments of `hub import`.
#[derive(Debug, Args)]
#[command(after_help = "\
Output 输出:
  Without --json, a short summary per file (status, row counts, each rejected row as
  `Sheet!row column value — CODE reason`); on a terminal a progress bar per file.
  With --json, one JSON report per file and per line (JSON Lines), in the order of the
  files given:
    {\"file\", \"unit\", \"kind\", \"status\": \"imported\"|\"duplicate\"|\"dry_run\"|\"failed\",
     \"upload_id\", \"rows\": {\"data\", \"accepted\", \"rejected\", \"warnings\"},
     \"rejections\": [{\"sheet\", \"row\", \"column\", \"value\", \"code\", \"reason\"}],
     \"error\": {\"code\", \"message\"}}   (error: status failed only)
  A file that cannot be opened is a failed report with code FILE_NOT_READABLE.
  不带 --json 时逐个文件输出摘要；带 --json 时每个文件输出一行 JSON（JSON Lines）。

Exit code 退出码: 0 every file read; 2 a file failed or the unit is unknown.")]
pub struct ImportArgs {
    /// Code of the member unit the files belong to, e.g. police (see `hub units`).
    /// 成员单位代码。
    #[arg(long, value_name = "CODE")]
    pub unit: String,

    /// Source kind of every file (detected from the headers when omitted): visa_registry,
    /// student_roster, university_roster, employment_roster, lodging_register,
    /// passenger_flow, health_check, daily_report. 数据类型（省略时按表头自动识别）。
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub kind: Option<SourceKind>,

    /// Read and check only; store nothing. 只检查，不保存。
    #[arg(long)]
    pub dry_run: bool,

    /// Fix what a column holds, `HEADER=FIELD` (repeatable): FIELD is a field's name
    /// (employer, nationality, document_number …), its Chinese header, `organization` for
    /// the kind's organisation column, or `ignore`. A landed upload saves the mapping for
    /// the unit, kind and headers; the next file with the same headers is read with it.
    /// Try it with --dry-run first. 指定列对应的字段（可多次），如 --map '所在企业=employer'。
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    pub map: Vec<importers::ColumnOverride>,

    /// Print one JSON report per file and per line (JSON Lines); no progress bar.
    /// 以 JSON Lines 输出报告。
    #[arg(long)]
    pub json: bool,

    /// The files: xlsx, xlsm, xls, ods or csv (UTF-8, UTF-8 with BOM, GBK/GB18030).
    /// 要导入的文件。
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

/// Arguments of `hub template`.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// The source kind, e.g. visa_registry or its Chinese label 外国人签证登记; omit to
    /// list the kinds. 数据类型（省略则列出全部类型）。
    #[arg(value_name = "KIND", value_parser = parse_kind)]
    pub kind: Option<SourceKind>,

    /// The xlsx file to write (default: KIND.xlsx in the current directory).
    /// 输出文件。
    #[arg(short, long, value_name = "FILE.xlsx")]
    pub output: Option<PathBuf>,

    /// List the kinds with their Chinese labels. 列出全部数据类型。
    #[arg(long, conflicts_with_all = ["kind", "output"])]
    pub list: bool,
}

/// Arguments of `hub rejections`.
#[derive(Debug, Args)]
pub struct RejectionsArgs {
    /// The upload's id (`upload_id` in the import report). 上传编号。
    #[arg(value_name = "UPLOAD_ID")]
    pub upload_id: i64,

    /// The xlsx file to write. 输出文件。
    #[arg(short, long, value_name = "FILE.xlsx")]
    pub output: PathBuf,
}

/// Arguments of `hub brief`.
#[derive(Debug, Args)]
pub struct BriefArgs {
    /// The time of the brief: RFC 3339, `2020-02-17 12:00` (the hub's zone) or a day
    /// (its end); default now. 统计时间（默认当前时间）。
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,

    /// The .docx file to write. 输出文件。
    #[arg(short, long, value_name = "FILE.docx")]
    pub output: PathBuf,
}

/// Arguments of `hub export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export. 导出内容。
    #[command(subcommand)]
    pub command: ExportCommand,
}

/// The exports.
#[derive(Debug, Subcommand)]
// Parsed once per run: the size of the people filter's variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum ExportCommand {
    /// The people matching the filters as of a time: one row per person (Chinese headers,
    /// dates formatted, header frozen) and a summary sheet with the overview figures.
    /// 导出人员名单（含统计概况）。
    People(ExportPeopleArgs),

    /// The donations as of a time, one row per donation with its sources (private donors'
    /// names masked with --masked). 导出捐赠款物台账。
    Donations(ExportSuppliesArgs),

    /// The purchase contracts as of a time, one row per contract with its state history and
    /// sources. 导出采购合同台账。
    Contracts(ExportSuppliesArgs),
}

/// Arguments of `hub export donations|contracts`.
#[derive(Debug, Args)]
pub struct ExportSuppliesArgs {
    /// The xlsx file to write. 输出文件。
    #[arg(short, long, value_name = "FILE.xlsx")]
    pub output: PathBuf,

    /// The time the ledger is read as of (RFC 3339, e.g. 2020-02-17T12:00:00+08:00; default
    /// now). 统计时间。
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,

    /// Mask private donors' names as a leader sees them. 个人捐赠者姓名脱敏。
    #[arg(long)]
    pub masked: bool,
}

/// Arguments of `hub export people`.
#[derive(Debug, Args)]
pub struct ExportPeopleArgs {
    /// The xlsx file to write. 输出文件。
    #[arg(short, long, value_name = "FILE.xlsx")]
    pub output: PathBuf,

    /// Mask personal data as a leader sees it (document numbers like M12****78, no date
    /// of birth). 个人信息脱敏。
    #[arg(long)]
    pub masked: bool,

    /// Which people. 筛选条件。
    #[command(flatten)]
    pub filter: crate::export::ExportFilter,
}

/// Arguments of `hub demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Directory of the new store (must not exist or be empty; default
    /// ./hub-data/demo-<timestamp>). 演示数据目录（须为新目录）。
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Address to listen on (port 0 picks a free one). 监听地址。
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<SocketAddr>,

    /// People in the city. 人数。
    #[arg(long, default_value_t = 3000, value_name = "N")]
    pub people: usize,

    /// People whose visa has expired. 签证过期人数。
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub overstays: usize,

    /// Days of history up to now. 历史天数。
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub days: i64,

    /// Seed of the generator (the same seed gives the same city). 随机种子。
    #[arg(long, default_value_t = 20_200_217)]
    pub seed: u64,

    /// Generate, import and print the tokens, then exit without serving. 只生成不启动服务。
    #[arg(long)]
    pub no_serve: bool,
}

/// Arguments of `hub bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark. 测试项目。
    #[command(subcommand)]
    pub command: BenchCommand,
}

/// The benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Generate a visa_registry xlsx of --rows rows, then measure rows/s and peak memory
    /// of parsing alone and of parsing + landing into a fresh SQLite store (and a fresh
    /// PostgreSQL database when the global --database-url is postgres://…; it is created on
    /// that server and dropped afterwards). Each phase runs in a child process so that its
    /// peak RSS is its own. 导入性能测试：解析、解析并入库的速度与内存峰值。
    Import(BenchImportArgs),

    /// Generate a city of --people people (visas, employers and schools, arrivals and
    /// departures) in a fresh SQLite store (and PostgreSQL with a postgres:// --database-url),
    /// then measure p50/p99 latency of overview, countsBy(NATIONALITY), a 30-day presentTrend
    /// and a 100-person page with two nested relations, each run at a time not asked before
    /// (--keep FILE reuses a SQLite store kept from an earlier run). 查询性能测试。
    Query(BenchQueryArgs),

    /// Generate a city of --people people into the store of --database-url (an empty one),
    /// as `hub bench query` does, and keep it: for the load benchmark `bench/serve.mjs`.
    /// 生成测试城市并保留于指定数据库。
    City(BenchCityArgs),

    /// One phase of `hub bench import`, run in a child process (internal).
    #[command(hide = true)]
    ImportPhase(BenchPhaseArgs),
}

/// Arguments of `hub bench city`.
#[derive(Debug, Args)]
pub struct BenchCityArgs {
    /// People in the generated city. 生成的人数。
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    pub people: usize,

    /// Seed of the generated city. 随机种子。
    #[arg(long, default_value_t = 20_200_217)]
    pub seed: u64,
}

/// Arguments of `hub bench import`.
#[derive(Debug, Args)]
pub struct BenchImportArgs {
    /// Data rows of the generated file. 生成的数据行数。
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    pub rows: usize,

    /// Runs of the parse and SQLite phases, taken in turn; the median run of each is
    /// reported, with the range (this machine's speed drifts from run to run).
    /// 解析与入库各测几次（取中位数）。
    #[arg(long, default_value_t = 3, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=25))]
    pub runs: u32,

    /// Print the figures as one JSON object instead of a table. 以 JSON 输出结果。
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `hub bench query`.
#[derive(Debug, Args)]
pub struct BenchQueryArgs {
    /// People in the generated city. 生成的人数。
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    pub people: usize,

    /// Measured runs of each query. 每个查询的测量次数。
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub runs: usize,

    /// Seed of the generated city. 随机种子。
    #[arg(long, default_value_t = 20_200_217)]
    pub seed: u64,

    /// Keep the generated SQLite store at this path (default: a temporary directory). A
    /// store already there that holds people is measured as it is, without generating
    /// again. 保留生成的 SQLite 数据库文件；已有数据时直接复用。
    #[arg(long, value_name = "FILE")]
    pub keep: Option<std::path::PathBuf>,

    /// Print the figures as JSON. 以 JSON 输出结果。
    #[arg(long)]
    pub json: bool,
}

/// Arguments of the hidden `hub bench import-phase`.
#[derive(Debug, Args)]
pub struct BenchPhaseArgs {
    /// `parse` or `land`.
    #[arg(long, value_name = "PHASE")]
    pub phase: String,

    /// The generated file.
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,

    /// The store to land in (phase `land`).
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
}

/// A `--kind` value: the snake_case identifier or the Chinese label.
fn parse_kind(text: &str) -> Result<SourceKind, String> {
    text.parse::<SourceKind>().map_err(|e| {
        let kinds: Vec<&str> = SourceKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("{e}; one of / 可选: {}", kinds.join(", "))
    })
}

/// Load the settings, start logging and run the chosen command.
pub async fn run(cli: Cli) -> Result<ExitCode, HubError> {
    // `hub bench` lands only in stores made for it: a PostgreSQL server is used only when
    // named on the command line, never because the settings point at one.
    let explicit_database_url = cli.database_url.clone();
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
        Command::Query(_)
        | Command::Units
        | Command::Import(_)
        | Command::Template(_)
        | Command::Rejections(_)
        | Command::Bench(_) => telemetry::QUIET_FILTER,
        Command::Migrate | Command::Serve(_) | Command::Demo(_) => telemetry::DEFAULT_FILTER,
        Command::Export(_)
        | Command::Brief(_)
        | Command::Token(_)
        | Command::Mappings(_)
        | Command::Supplies(_)
        | Command::ReadUpload => telemetry::QUIET_FILTER,
    };
    telemetry::init(settings.log_format, filter);

    match cli.command {
        Command::Migrate => commands::migrate::run(&settings).await,
        Command::Serve(_) => commands::serve::run(settings).await,
        Command::Query(args) => commands::query::run(&settings, &args).await,
        Command::Units => commands::units::run(&settings).await,
        Command::Import(args) => commands::import::run(&settings, &args).await,
        Command::Template(args) => commands::template::run(&args),
        Command::Rejections(args) => commands::rejections::run(&settings, &args).await,
        Command::Bench(args) => commands::bench::run(&settings, explicit_database_url, args).await,
        Command::Demo(args) => commands::demo::run(settings, &args).await,
        Command::Export(args) => commands::export::run(&settings, &args).await,
        Command::Brief(args) => commands::brief::run(&settings, &args).await,
        Command::Token(args) => commands::token::run(&settings, &args).await,
        Command::Mappings(args) => commands::mappings::run(&settings, &args).await,
        Command::Supplies(args) => commands::supplies::run(&settings, &args).await,
        Command::ReadUpload => Ok(commands::read_upload::run()),
    }
}
