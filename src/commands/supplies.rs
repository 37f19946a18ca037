//! `hub supplies`: the supplies catalogue as the store holds it — list it, add a name or a
//! unit to an item, add a currency's name, set a monthly reference rate. The command line
//! is a local admin; each change is audited like the GraphQL mutations.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::auth::Principal;
use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::supplies::catalogue::{self, ItemName};
use crate::supplies::edits;

/// Arguments of `hub supplies`.
#[derive(Debug, Args)]
pub struct SuppliesArgs {
    /// What to do. 操作。
    #[command(subcommand)]
    pub command: SuppliesCommand,
}

/// The catalogue commands.
#[derive(Debug, Subcommand)]
pub enum SuppliesCommand {
    /// The items with their names and units, the currencies and the reference rates.
    /// 列出物资目录、币种和参考汇率。
    Catalogue {
        /// Print JSON instead of tables. 以 JSON 输出。
        #[arg(long)]
        json: bool,
    },
    /// Add a name an item is recognised by, e.g. `add-synonym protective_suit 防护包`
    /// (`外科+口罩`: both words). 为物资添加同义名称。
    AddSynonym {
        /// Item code. 物资代码。
        item: String,
        /// The name. 名称。
        synonym: String,
    },
    /// Add a unit an item's quantities may be written in, e.g. `add-unit goggles 付`.
    /// 为物资添加同义单位。
    AddUnit {
        /// Item code. 物资代码。
        item: String,
        /// The unit. 单位。
        unit: String,
    },
    /// Add a name a currency may be written with, e.g. `add-currency-name THB 泰铢`.
    /// 添加币种名称。
    AddCurrencyName {
        /// ISO 4217 code. 币种代码。
        currency: String,
        /// The name. 名称。
        name: String,
    },
    /// Set a currency's reference rate (CNY per unit) for a month, e.g.
    /// `set-rate 2020-03 USD 7.01`. 设置月度参考汇率。
    SetRate {
        /// `YYYY-MM`. 月份。
        month: String,
        /// ISO 4217 code. 币种代码。
        currency: String,
        /// CNY per unit. 每单位折合人民币。
        cny_per_unit: f64,
    },
}

/// Runs a catalogue command.
pub async fn run(settings: &Settings, args: &SuppliesArgs) -> Result<ExitCode, HubError> {
    let db = db::connect_and_migrate(settings).await?;
    let result = run_on(&db, &args.command).await;
    db.close().await?;
    let text = result?;
    writeln!(std::io::stdout().lock(), "{text}")?;
    Ok(ExitCode::SUCCESS)
}

async fn run_on(
    db: &sea_orm::DatabaseConnection,
    command: &SuppliesCommand,
) -> Result<String, HubError> {
    // The command line is a local admin.
    let local = Principal::local();
    match command {
        SuppliesCommand::Catalogue { json } => {
            let c = catalogue::load(db).await?;
            if *json {
                return serde_json::to_string_pretty(&c)
                    .map_err(|e| HubError::Internal(format!("catalogue as JSON: {e}")));
            }
            let mut out = String::from("物资 items:\n");
            for i in &c.items {
                out.push_str(&format!(
                    "  {:<16} {:<10} {}（{}）  {}\n",
                    i.code,
                    i.label_zh,
                    i.unit,
                    i.unit_aliases.join("、"),
                    i.synonyms.join("、")
                ));
            }
            out.push_str("币种 currencies:\n");
            for cur in &c.currencies {
                out.push_str(&format!("  {:<4} {}\n", cur.code, cur.names.join("、")));
            }
            out.push_str("参考汇率 rates (CNY per unit):\n");
            for r in &c.rates {
                out.push_str(&format!(
                    "  {} {:<4} {}\n",
                    r.month, r.currency, r.cny_per_unit
                ));
            }
            Ok(out)
        }
        SuppliesCommand::AddSynonym { item, synonym } => {
            let saved = edits::add_item_name(db, &local, item, ItemName::Synonym, synonym).await?;
            Ok(format!("{}: {}", saved.code, saved.synonyms.join("、")))
        }
        SuppliesCommand::AddUnit { item, unit } => {
            let saved = edits::add_item_name(db, &local, item, ItemName::Unit, unit).await?;
            Ok(format!(
                "{}: {}（{}）",
                saved.code,
                saved.unit,
                saved.unit_aliases.join("、")
            ))
        }
        SuppliesCommand::AddCurrencyName { currency, name } => {
            let saved = edits::add_currency_name(db, &local, currency, name).await?;
            Ok(format!("{}: {}", saved.code, saved.names.join("、")))
        }
        SuppliesCommand::SetRate {
            month,
            currency,
            cny_per_unit,
        } => {
            let r = edits::set_rate(db, &local, month, currency, *cny_per_unit).await?;
            Ok(format!(
                "{} {} = {} CNY",
                r.month, r.currency, r.cny_per_unit
            ))
        }
    }
}
