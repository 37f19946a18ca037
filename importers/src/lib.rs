//! Spreadsheet readers and normalisers.
