//! What a reader says of a file's columns: how each header was read, and a warning for every
//! column it does not read, so that no column is dropped silently.

use serde::{Deserialize, Serialize};

use crate::cell::CellValue;
use crate::headers::{Field, ValueType, spec};
use crate::kinds::SourceKind;
use crate::matching::How;
use crate::normalize;

/// Code of the warning about a column the hub does not read.
pub const UNMAPPED_COLUMN: &str = "UNMAPPED_COLUMN";
/// Code of the warning about a column mapping of this upload that names no column of the file.
pub const MAPPING_NOT_USED: &str = "MAPPING_NOT_USED";

/// Sample values kept per column for the report.
const SAMPLES: usize = 2;
/// Share of a column's values that must look alike for the column to "look like" a field.
const LOOK_ALIKE_SHARE: f64 = 0.6;

/// How one column of the header row was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnNote {
    /// Column index (0 = A).
    pub column: u32,
    /// The header as written.
    pub header: String,
    /// The field's stable name, when the column is read.
    pub field: Option<String>,
    /// The field's Chinese header, when the column is read.
    pub field_label: Option<String>,
    /// How the header named the field: `given` (by the uploader, now or in a saved mapping),
    /// `exact`, `combined`, `part`, `contains`, `keyword`; `ignored` when the uploader said the
    /// column holds nothing to read; `unmapped` when nothing matched.
    pub how: String,
    /// Up to two values of the column.
    pub samples: Vec<String>,
    /// For an unmapped column whose values look like a field the file lacks: `LIKELY_<FIELD>`.
    pub likely: Option<String>,
}

/// A warning about the whole file (not a row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileNote {
    /// Stable code: `UNMAPPED_COLUMN`, `MAPPING_NOT_USED`.
    pub code: String,
    /// The header concerned, as written.
    pub column: Option<String>,
    /// Up to two values of the column.
    pub samples: Vec<String>,
    /// For an unmapped column whose values look like a field the file lacks: `LIKELY_<FIELD>`.
    pub likely: Option<String>,
    /// What it means and what to do, in Chinese.
    pub message: String,
}

/// What the values of a column look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Looks {
    Date,
    BirthDate,
    Document,
    Nationality,
    Sex,
    Organization,
    LatinName,
}

/// Words that end or fill the name of an organisation.
const ORG_WORDS: &[&str] = &[
    "公司",
    "集团",
    "大学",
    "学院",
    "学校",
    "中学",
    "小学",
    "医院",
    "酒店",
    "宾馆",
    "饭店",
    "景区",
    "温泉",
    "中心",
    "研究院",
    "研究所",
    "局",
    "厂",
    "银行",
    "协会",
    "委员会",
    "油田",
    "石化",
    "炼化",
    "有限",
    "股份",
    "分公司",
    "事务所",
    "旅馆",
    "政府",
    "co.",
    "ltd",
    "inc.",
    "corp",
    "company",
    "university",
    "college",
    "hotel",
    "group",
    "institute",
    "school",
    "limited",
];

fn looks_like_org(text: &str) -> bool {
    let t = text.to_lowercase();
    ORG_WORDS.iter().any(|w| t.contains(w))
}

fn looks_like_document(text: &str) -> bool {
    let doc = normalize::document_number(text);
    if !normalize::is_valid_document_number(&doc) || !(6..=12).contains(&doc.len()) {
        return false;
    }
    let digits = doc.bytes().filter(u8::is_ascii_digit).count();
    let letters = doc.len() - digits;
    if letters == 0 {
        // Digits only: passports of some states, never an 11-digit mobile number.
        return (7..=10).contains(&digits);
    }
    digits >= 5
}

fn looks_like_latin_name(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '/' || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    words.len() >= 2
        && words.len() <= 6
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() && c.is_ascii() || c == '-' || c == '\'')
        })
}

/// What one value looks like (the first that fits).
fn looks(value: &CellValue) -> Option<Looks> {
    let date_year = match value {
        CellValue::DateTime(dt) => Some(chrono::Datelike::year(&dt.date())),
        // A bare Excel serial (43866) in a column not formatted as dates.
        CellValue::Number(n) if n.fract() == 0.0 && (20_000.0..=60_000.0).contains(n) => {
            crate::normalize::date::serial_to_datetime(*n, false)
                .map(|dt| chrono::Datelike::year(&dt.date()))
        }
        CellValue::Text(t) if t.chars().any(|c| !c.is_ascii_digit()) => {
            crate::normalize::date::parse_date_text(t)
                .ok()
                .map(|v| chrono::Datelike::year(&v.date()))
        }
        _ => None,
    };
    if let Some(year) = date_year {
        return Some(if (1920..=2010).contains(&year) {
            Looks::BirthDate
        } else {
            Looks::Date
        });
    }
    let text = value.display();
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if normalize::sex(text).is_some() {
        return Some(Looks::Sex);
    }
    if !text.chars().any(|c| c.is_ascii_digit()) && normalize::nationality(text).is_some() {
        return Some(Looks::Nationality);
    }
    if looks_like_org(text) {
        return Some(Looks::Organization);
    }
    if looks_like_document(text) {
        return Some(Looks::Document);
    }
    if looks_like_latin_name(text) {
        return Some(Looks::LatinName);
    }
    None
}

/// What most values of a column look like, if they agree enough.
fn column_looks(values: &[CellValue]) -> Option<Looks> {
    let seen: Vec<Option<Looks>> = values.iter().map(looks).collect();
    if seen.is_empty() {
        return None;
    }
    let share = |l: Looks| {
        let n = seen.iter().filter(|s| **s == Some(l)).count();
        n as f64 / seen.len() as f64
    };
    // Birth dates are dates too.
    let dates = share(Looks::Date) + share(Looks::BirthDate);
    let candidates = [
        (Looks::BirthDate, share(Looks::BirthDate)),
        (Looks::Date, dates),
        (Looks::Document, share(Looks::Document)),
        (Looks::Nationality, share(Looks::Nationality)),
        (Looks::Sex, share(Looks::Sex)),
        (Looks::Organization, share(Looks::Organization)),
        (Looks::LatinName, share(Looks::LatinName)),
    ];
    candidates
        .into_iter()
        .find(|(_, s)| *s >= LOOK_ALIKE_SHARE)
        .map(|(l, _)| l)
}

/// The field of `kind` that values looking like `looks` would fill, among those not read yet.
fn likely_field(kind: SourceKind, looks: Looks, read: &[Field]) -> Option<Field> {
    let spec = spec(kind);
    let open = |f: &Field| !read.contains(f) && spec.fields.iter().any(|s| s.field == *f);
    let dated = |f: &Field| {
        spec.fields
            .iter()
            .any(|s| s.field == *f && matches!(s.value, ValueType::Date | ValueType::DateTime))
    };
    let in_order = spec.fields.iter().map(|s| s.field);
    match looks {
        Looks::BirthDate if open(&Field::BirthDate) => Some(Field::BirthDate),
        Looks::BirthDate | Looks::Date => spec
            .required
            .iter()
            .copied()
            .filter(|f| dated(f))
            .chain(in_order.filter(|f| dated(f) && *f != Field::BirthDate))
            .find(|f| open(f)),
        Looks::Document => [Field::DocumentNumber, Field::WorkPermitNumber]
            .into_iter()
            .find(|f| open(f)),
        Looks::Nationality => Some(Field::Nationality).filter(open),
        Looks::Sex => Some(Field::Sex).filter(open),
        Looks::Organization => spec
            .fields
            .iter()
            .map(|s| s.field)
            .find(|f| f.is_organization())
            .filter(open),
        Looks::LatinName => {
            let names = [Field::Name, Field::LatinName, Field::ChineseName];
            if names.iter().any(|f| read.contains(f)) {
                None
            } else {
                names.into_iter().find(|f| open(f))
            }
        }
    }
}

/// One column of a header row as the reader sees it, for [`describe`].
pub(crate) struct SeenColumn<'a> {
    /// Column index.
    pub column: u32,
    /// Header as written.
    pub header: &'a str,
    /// The field read from it and how, when read.
    pub read: Option<(Field, How)>,
    /// Whether the uploader said the column holds nothing to read.
    pub ignored: bool,
    /// Non-blank values of the first data rows.
    pub values: Vec<CellValue>,
}

/// The notes on every column of a header row, and the file's warnings: one per column that is
/// neither read nor ignored, naming the field its values look like when the file lacks it.
pub(crate) fn describe(
    kind: SourceKind,
    columns: &[SeenColumn<'_>],
) -> (Vec<ColumnNote>, Vec<FileNote>) {
    let spec = spec(kind);
    let read: Vec<Field> = columns
        .iter()
        .filter_map(|c| c.read.map(|(f, _)| f))
        .collect();
    let mut notes = Vec::with_capacity(columns.len());
    let mut warnings = Vec::new();
    for seen in columns {
        let mut samples: Vec<String> = Vec::new();
        for value in &seen.values {
            let text = value.display().trim().to_owned();
            if !text.is_empty() && !samples.contains(&text) {
                samples.push(text);
            }
            if samples.len() == SAMPLES {
                break;
            }
        }
        let (field, how, likely) = match seen.read {
            Some((field, how)) => (Some(field), how.as_str(), None),
            None if seen.ignored => (None, "ignored", None),
            None => {
                let likely = column_looks(&seen.values).and_then(|l| likely_field(kind, l, &read));
                (None, "unmapped", likely)
            }
        };
        let likely_code = likely.map(|f| format!("LIKELY_{}", f.name().to_ascii_uppercase()));
        if how == "unmapped" {
            let quoted: Vec<String> = samples.iter().map(|s| format!("“{s}”")).collect();
            let shown = if quoted.is_empty() {
                "（无内容）".to_owned()
            } else {
                quoted.join("")
            };
            let message = match likely {
                Some(f) => {
                    let label = spec.canonical(f);
                    format!(
                        "列“{h}”未被识别，但其内容（如{shown}）看起来是“{label}”，而本文件没有“{label}”列：如确是，请在上传页面把该列确认为“{label}”（或 hub import --map '{h}={name}'）；否则该列内容不会导入",
                        h = seen.header,
                        name = f.name(),
                    )
                }
                None => format!(
                    "列“{h}”（如{shown}）未对应任何字段，其内容不会导入；如该列有用，请在上传页面指定它对应的字段（或 hub import --map '{h}=字段'），如无用可标为忽略",
                    h = seen.header,
                ),
            };
            warnings.push(FileNote {
                code: UNMAPPED_COLUMN.to_owned(),
                column: Some(seen.header.to_owned()),
                samples: samples.clone(),
                likely: likely_code.clone(),
                message,
            });
        }
        notes.push(ColumnNote {
            column: seen.column,
            header: seen.header.to_owned(),
            field: field.map(|f| f.name().to_owned()),
            field_label: field.map(|f| spec.canonical(f).to_owned()),
            how: how.to_owned(),
            samples,
            likely: likely_code,
        });
    }
    (notes, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(values: &[&str]) -> Vec<CellValue> {
        values
            .iter()
            .map(|v| CellValue::Text((*v).to_owned()))
            .collect()
    }

    #[test]
    fn values_tell_what_a_column_holds() {
        assert_eq!(
            column_looks(&texts(&[
                "大庆油田有限责任公司",
                "大庆石化",
                "中国石油大庆炼化公司"
            ])),
            Some(Looks::Organization)
        );
        assert_eq!(
            column_looks(&texts(&["M99826306", "A81938948", "PA1209070"])),
            Some(Looks::Document)
        );
        assert_eq!(
            column_looks(&texts(&["2020-03-01", "2021年5月6日"])),
            Some(Looks::Date)
        );
        assert_eq!(
            column_looks(&texts(&["1980-08-10", "1994.8.23"])),
            Some(Looks::BirthDate)
        );
        assert_eq!(column_looks(&texts(&["13239936417", "13874245345"])), None);
        assert_eq!(column_looks(&texts(&["技术专家", "钻井顾问"])), None);
    }

    #[test]
    fn an_unmapped_employer_column_is_reported_as_likely_employer() {
        let values = texts(&["大庆油田", "大庆炼化公司"]);
        let columns = [
            SeenColumn {
                column: 0,
                header: "甲方",
                read: None,
                ignored: false,
                values: values.clone(),
            },
            SeenColumn {
                column: 1,
                header: "护照号码",
                read: Some((Field::DocumentNumber, How::Exact)),
                ignored: false,
                values: texts(&["M1234567"]),
            },
        ];
        let (notes, warnings) = describe(SourceKind::EmploymentRoster, &columns);
        assert_eq!(notes.len(), 2);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, UNMAPPED_COLUMN);
        assert_eq!(warnings[0].likely.as_deref(), Some("LIKELY_EMPLOYER"));
        assert_eq!(warnings[0].samples, vec!["大庆油田", "大庆炼化公司"]);
        assert_eq!(notes[1].field.as_deref(), Some("document_number"));
        // Once the employer is read, the same values suggest nothing.
        let (_, warnings) = describe(SourceKind::VisaRegistry, &columns[..1]);
        assert_eq!(warnings[0].likely.as_deref(), Some("LIKELY_ORGANIZATION"));
    }
}
