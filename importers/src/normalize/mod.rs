//! Pure normalising functions, one module per kind of value. None of them panics on any input.

pub mod country;
pub mod date;
pub mod document;
pub mod name;
pub mod number;
pub mod org;
pub mod sex;
pub mod text;

pub use country::nationality;
pub use date::{DateError, DateValue, parse_date_text, serial_to_datetime};
pub use document::{document_number, is_valid_document_number};
pub use name::{chinese_name, is_cjk, is_latin, latin_name};
pub use number::{parse_count, parse_decimal};
pub use org::org_key;
pub use sex::sex;
pub use text::{clean_text, is_placeholder};
