//! The donations and contracts workbooks (`hub export donations|contracts`,
//! `GET /api/exports/donations.xlsx`, `…/contracts.xlsx`).
