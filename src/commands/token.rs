//! `hub token`: create, list and revoke API tokens. The command line is a local admin; each
//! change is audited as `cli:<user>`. A new token is printed once: only its hash is stored.

use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use clap::{Args, Subcommand};

use crate::auth::{Principal, Role};
use crate::commands::units::display_width;
use crate::config::Settings;
use crate::db;
use crate::error::HubError;
use crate::registry::tokens::{NewToken, is_live};
use crate::service::tokens as service;

/// Arguments of `hub token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// What to do. 操作。
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// The token commands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token of a member unit with a role and print it once (only its SHA-256 is
    /// stored; a lost token cannot be shown again — revoke it and create another).
    /// 创建访问令牌（仅显示一次）。
    Create(TokenCreateArgs),
    /// List the tokens: id, unit, role, name, state, dates (never the tokens themselves).
    /// 列出访问令牌。
    List(TokenListArgs),
    /// Revoke a token: it stops working at once, on every instance. 吊销访问令牌。
    Revoke(TokenRevokeArgs),
}

/// Arguments of `hub token create`.
#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// Code of the member unit the token acts for, e.g. police (see `hub units`). 成员单位代码。
    #[arg(long, value_name = "CODE")]
    pub unit: String,

    /// uploader: its own unit's uploads, rejections, daily reports and people; analyst:
    /// reads everything, resolves merges; leader: figures and lists with personal data
    /// masked; admin: everything, including units, organisations and tokens. 角色。
    #[arg(long, value_enum, value_name = "ROLE")]
    pub role: Role,

    /// A name for people (default: the unit and the role, e.g. "police uploader"). 名称。
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// When it stops working: a duration (90d, 12h), a day (2026-12-31: at 00:00 of that
    /// day in the hub's time zone) or an RFC 3339 time. Default: never. 过期时间。
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,

    /// Print {"id", "token", "unit", "role", "name", "expires_at"} as JSON. 以 JSON 输出。
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `hub token list`.
#[derive(Debug, Args)]
pub struct TokenListArgs {
    /// Print one JSON object per token and line. 以 JSON Lines 输出。
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `hub token revoke`.
#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    /// The token's id (see `hub token list`). 令牌编号。
    #[arg(value_name = "ID")]
    pub id: i64,
}

/// Parses `--expires`: `90d`, `12h`, `30m`, a day, or an RFC 3339 time.
pub fn parse_expiry(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, HubError> {
    let text = text.trim();
    let bad = || {
        HubError::BadInput(format!(
            "--expires {text}: give 90d, 12h, 30m, 2026-12-31 or an RFC 3339 time / 过期时间格式不正确"
        ))
    };
    if let Some((number, unit)) = text
        .char_indices()
        .last()
        .map(|(i, c)| (&text[..i], c.to_ascii_lowercase()))
        && let Ok(n) = number.parse::<i64>()
    {
        let span = match unit {
            'd' => Duration::try_days(n),
            'h' => Duration::try_hours(n),
            'm' => Duration::try_minutes(n),
            _ => None,
        };
        return span
            .filter(|s| *s > Duration::zero())
            .and_then(|s| now.checked_add_signed(s))
            .ok_or_else(bad);
    }
    if let Ok(day) = text.parse::<NaiveDate>() {
        return Ok(crate::time::start_of_day(day, tz));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad())
}

/// Runs a token command against the configured store.
pub async fn run(settings: &Settings, args: &TokenArgs) -> Result<ExitCode, HubError> {
    let db = db::connect_and_migrate(settings).await?;
    let principal = Principal::local();
    let result = match &args.command {
        TokenCommand::Create(create) => {
            let expires_at = create
                .expires
                .as_deref()
                .map(|e| parse_expiry(e, Utc::now(), settings.time_zone()))
                .transpose()?;
            let new = NewToken {
                unit: create.unit.clone(),
                role: create.role,
                name: create.name.clone(),
                expires_at,
            };
            match service::create(&db, &principal, new).await {
                Ok(created) => print_created(&created, create.json),
                Err(e) => Err(e),
            }
        }
        TokenCommand::List(list) => match service::list(&db, &principal).await {
            Ok(rows) => print_list(&rows, list.json),
            Err(e) => Err(e),
        },
        TokenCommand::Revoke(revoke) => match service::revoke(&db, &principal, revoke.id).await {
            Ok(token) => {
                writeln!(
                    std::io::stdout().lock(),
                    "已吊销令牌 {0}（{1}） / revoked token {0} ({1})",
                    token.id,
                    token.name
                )?;
                Ok(())
            }
            Err(e) => Err(e),
        },
    };
    db.close().await?;
    result.map(|()| ExitCode::SUCCESS)
}

fn print_created(
    created: &crate::registry::tokens::CreatedToken,
    json: bool,
) -> Result<(), HubError> {
    let mut out = std::io::stdout().lock();
    if json {
        let value = serde_json::json!({
            "id": created.token.id,
            "token": created.secret,
            "unit": created.unit.code,
            "role": created.token.role,
            "name": created.token.name,
            "expires_at": created.token.expires_at,
        });
        writeln!(out, "{value}")?;
    } else {
        writeln!(
            out,
            "令牌 {id}（{unit} {role}，“{name}”）已创建。请妥善保存，此令牌只显示这一次：\n\
             Token {id} ({unit} {role}, \"{name}\") created. Keep it safe; it is shown only this once:\n\n{secret}\n\n\
             使用 / use: Authorization: Bearer {secret}",
            id = created.token.id,
            unit = created.unit.code,
            role = created.token.role,
            name = created.token.name,
            secret = created.secret,
        )?;
    }
    Ok(())
}

fn print_list(
    rows: &[(entity::api_token::Model, entity::member_unit::Model)],
    json: bool,
) -> Result<(), HubError> {
    let now = Utc::now();
    let mut out = std::io::stdout().lock();
    let state = |t: &entity::api_token::Model| {
        if t.revoked_at.is_some() {
            "revoked"
        } else if is_live(t, now) {
            "active"
        } else {
            "expired"
        }
    };
    let time = |t: Option<DateTime<Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "-".to_owned())
    };
    if json {
        for (token, unit) in rows {
            let value = serde_json::json!({
                "id": token.id, "unit": unit.code, "role": token.role, "name": token.name,
                "state": state(token), "created_at": token.created_at,
                "expires_at": token.expires_at, "revoked_at": token.revoked_at,
                "last_used_at": token.last_used_at,
            });
            writeln!(out, "{value}")?;
        }
        return Ok(());
    }
    let table: Vec<[String; 7]> = rows
        .iter()
        .map(|(t, u)| {
            [
                t.id.to_string(),
                u.code.clone(),
                t.role.clone(),
                state(t).to_owned(),
                time(t.expires_at),
                time(t.last_used_at),
                t.name.clone(),
            ]
        })
        .collect();
    let header = [
        "id",
        "unit",
        "role",
        "state",
        "expires",
        "last used",
        "name",
    ]
    .map(str::to_owned);
    let mut widths = header.clone().map(|h| display_width(&h));
    for row in &table {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }
    for row in std::iter::once(&header).chain(&table) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - display_width(cell))))
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_are_durations_days_or_times() {
        let now = DateTime::parse_from_rfc3339("2020-02-17T04:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(
            parse_expiry("90d", now, tz).ok(),
            Some(now + Duration::days(90))
        );
        assert_eq!(
            parse_expiry("12H", now, tz).ok(),
            Some(now + Duration::hours(12))
        );
        assert_eq!(
            parse_expiry("2020-03-01", now, tz)
                .ok()
                .map(|t| t.to_rfc3339()),
            Some("2020-02-29T16:00:00+00:00".to_owned())
        );
        assert!(parse_expiry("2020-03-01T00:00:00+08:00", now, tz).is_ok());
        assert!(parse_expiry("soon", now, tz).is_err());
        assert!(parse_expiry("-5d", now, tz).is_err());
    }
}
