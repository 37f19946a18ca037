//! The donations and contracts workbooks (`hub export donations|contracts`,
//! `GET /api/exports/donations.xlsx`, `…/contracts.xlsx`): one row per donation or contract
//! as of a time, Chinese headers, the header row frozen, and each row's sources; read
//! through [`super::service`], so roles and masking are those of the GraphQL lists.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use std::collections::HashMap;

use super::figures::{self, ContractAt, DonationAt};
use super::ledger::{Ledger, Parts};
use super::service::{self, RowPlace, View};
use crate::auth::Principal;
use crate::error::HubError;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// One row per donation.
    Donations,
    /// One row per contract.
    Contracts,
}

impl Sheet {
    /// The file name a download suggests.
    pub fn file_name(self, as_of: DateTime<Utc>, tz: Tz) -> String {
        let day = as_of.with_timezone(&tz).format("%Y%m%d");
        match self {
            Self::Donations => format!("捐赠款物_{day}.xlsx"),
            Self::Contracts => format!("采购合同_{day}.xlsx"),
        }
    }
}

fn write_error(e: rust_xlsxwriter::XlsxError) -> HubError {
    HubError::Internal(format!("cannot write the supplies workbook: {e}"))
}

fn item_label(ledger: &Ledger, code: &str) -> String {
    ledger
        .catalogue
        .item(code)
        .map_or_else(|| code.to_owned(), |i| i.label_zh.clone())
}

fn state_label(state: &str) -> &'static str {
    match state {
        "received" => "已接收/已到货",
        "in_transit" => "在途",
        "pledged" => "承诺捐赠",
        "lead" => "洽谈中",
        "contracted" => "已签合同",
        "cancelled" => "已取消",
        _ => "其他",
    }
}

/// What a sheet's rows name their sources with: the ledger's units and the places of its
/// source rows.
struct Sources<'l> {
    ledger: &'l Ledger,
    places: HashMap<i64, RowPlace>,
}

impl<'l> Sources<'l> {
    /// Reads the places of `ledger`'s source rows `ids`.
    async fn read(
        db: &sea_orm::DatabaseConnection,
        ledger: &'l Ledger,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<Self, HubError> {
        let places = service::places(db, ids).await?;
        Ok(Self { ledger, places })
    }

    /// Rows (`(unit, source row)`) as a sheet names them: unit, upload and row number.
    fn text(&self, rows: impl Iterator<Item = (i64, i64)>) -> String {
        let ledger = self.ledger;
        rows.map(|(unit_id, row_id)| match self.places.get(&row_id) {
            Some(p) => format!(
                "{} 上传#{} 第{}行",
                ledger.unit_code(unit_id),
                p.upload_id,
                p.row
            ),
            None => ledger.unit_code(unit_id).to_owned(),
        })
        .collect::<Vec<_>>()
        .join("；")
    }
}

fn header(ws: &mut Worksheet, headers: &[(&str, f64)]) -> Result<(), HubError> {
    let bold = Format::new().set_bold();
    for (i, (title, width)) in headers.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, col, *title, &bold)
            .map_err(write_error)?;
        ws.set_column_width(col, *width).map_err(write_error)?;
    }
    ws.set_freeze_panes(1, 0).map_err(write_error)?;
    Ok(())
}

fn text(ws: &mut Worksheet, row: u32, col: u16, value: Option<&str>) -> Result<(), HubError> {
    if let Some(v) = value {
        ws.write_string(row, col, v).map_err(write_error)?;
    }
    Ok(())
}

fn number(ws: &mut Worksheet, row: u32, col: u16, value: Option<f64>) -> Result<(), HubError> {
    if let Some(v) = value {
        ws.write_number(row, col, v).map_err(write_error)?;
    }
    Ok(())
}

fn local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// Writes one sheet: its name, the header row (frozen) and a row per entry of `list`,
/// which `write` fills in.
fn write_sheet<T>(
    ws: &mut Worksheet,
    name: &str,
    headers: &[(&str, f64)],
    list: &[T],
    mut write: impl FnMut(&mut Worksheet, u32, &T) -> Result<(), HubError>,
) -> Result<(), HubError> {
    ws.set_name(name).map_err(write_error)?;
    header(ws, headers)?;
    for (i, entry) in list.iter().enumerate() {
        write(ws, u32::try_from(i + 1).unwrap_or(u32::MAX), entry)?;
    }
    Ok(())
}

/// The donations sheet's columns and their widths.
const DONATION_COLUMNS: &[(&str, f64)] = &[
    ("日期", 17.0),
    ("捐赠方", 30.0),
    ("国家/地区", 10.0),
    ("物资", 14.0),
    ("数量", 10.0),
    ("折合金额（元）", 14.0),
    ("状态", 12.0),
    ("接收单位", 18.0),
    ("票据号", 16.0),
    ("来源", 40.0),
];

fn donations_sheet(
    ws: &mut Worksheet,
    sources: &Sources<'_>,
    view: View,
    list: &[DonationAt<'_>],
    tz: Tz,
) -> Result<(), HubError> {
    write_sheet(ws, "捐赠款物", DONATION_COLUMNS, list, |ws, r, d| {
        let row = d.row;
        text(ws, r, 0, Some(&local(row.donated_at, tz)))?;
        text(
            ws,
            r,
            1,
            service::donor_shown(view, row.donor.as_deref()).as_deref(),
        )?;
        text(ws, r, 2, row.country.as_deref())?;
        text(ws, r, 3, Some(&item_label(sources.ledger, &row.item)))?;
        number(ws, r, 4, Some(row.quantity))?;
        number(ws, r, 5, service::value_cny(sources.ledger, row, tz))?;
        text(ws, r, 6, Some(state_label(&row.state)))?;
        text(ws, r, 7, row.recipient.as_deref())?;
        text(ws, r, 8, row.receipt_number.as_deref())?;
        let from = sources.text(d.rows.iter().map(|s| (s.member_unit_id, s.source_row_id)));
        text(ws, r, 9, Some(&from))
    })
}

/// The contracts sheet's columns and their widths.
const CONTRACT_COLUMNS: &[(&str, f64)] = &[
    ("合同编号", 16.0),
    ("状态", 10.0),
    ("状态日期", 17.0),
    ("供应商", 30.0),
    ("物资", 14.0),
    ("数量", 10.0),
    ("币种", 6.0),
    ("合同金额", 14.0),
    ("已付金额", 14.0),
    ("已付（元）", 14.0),
    ("待退款（元）", 14.0),
    ("需求方", 20.0),
    ("为市指挥部采购", 8.0),
    ("状态记录与来源", 60.0),
];

fn contracts_sheet(
    ws: &mut Worksheet,
    sources: &Sources<'_>,
    list: &[ContractAt<'_>],
    tz: Tz,
) -> Result<(), HubError> {
    let ledger = sources.ledger;
    write_sheet(ws, "采购合同", CONTRACT_COLUMNS, list, |ws, r, c| {
        let row = c.row;
        let (paid, refund_due) = figures::paid_and_due_cny(ledger, row, tz);
        let number_of = ledger.contract_numbers.get(&c.id);
        text(ws, r, 0, number_of.and_then(|n| n.as_deref()))?;
        text(ws, r, 1, Some(state_label(&row.state)))?;
        text(ws, r, 2, Some(&local(row.stated_at, tz)))?;
        text(ws, r, 3, row.supplier.as_deref())?;
        text(ws, r, 4, Some(&item_label(ledger, &row.item)))?;
        number(ws, r, 5, row.quantity)?;
        text(ws, r, 6, Some(&row.currency))?;
        number(ws, r, 7, row.contract_amount)?;
        number(ws, r, 8, row.paid_amount)?;
        number(ws, r, 9, Some(paid))?;
        number(ws, r, 10, Some(refund_due))?;
        text(ws, r, 11, row.buyer.as_deref())?;
        text(ws, r, 12, Some(if row.for_city { "是" } else { "否" }))?;
        let history: Vec<String> = c
            .rows
            .iter()
            .map(|s| {
                format!(
                    "{} {}（{}）",
                    local(s.stated_at, tz),
                    s.state_as_written,
                    sources.text(std::iter::once((s.member_unit_id, s.source_row_id)))
                )
            })
            .collect();
        text(ws, r, 13, Some(&history.join("；")))
    })
}

/// The workbook of `sheet` as of `at`, as `principal` may read it (`mask`: mask as a leader
/// sees, whatever the role).
pub async fn workbook(
    db: &sea_orm::DatabaseConnection,
    reads: &crate::auth::audit::ReadAudit,
    principal: &Principal,
    sheet: Sheet,
    at: DateTime<Utc>,
    tz: Tz,
    mask: bool,
) -> Result<Vec<u8>, HubError> {
    let mut view = service::view(principal)?;
    view.masked |= mask;
    let parts = match sheet {
        Sheet::Donations => Parts::DONATIONS,
        Sheet::Contracts => Parts::CONTRACTS,
    };
    let ledger = service::load(db, view, parts).await?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    match sheet {
        Sheet::Donations => {
            let list = figures::donations_at(&ledger, at);
            let rows = list.iter().flat_map(DonationAt::source_rows);
            let sources = Sources::read(db, &ledger, rows).await?;
            donations_sheet(ws, &sources, view, &list, tz)?;
            service::audit_donations(reads, db, principal, "export:donations", list.len(), view)
                .await?;
        }
        Sheet::Contracts => {
            let list = figures::contracts_at(&ledger, at);
            let rows = list.iter().flat_map(ContractAt::source_rows);
            let sources = Sources::read(db, &ledger, rows).await?;
            contracts_sheet(ws, &sources, &list, tz)?;
        }
    }
    wb.save_to_buffer().map_err(write_error)
}
