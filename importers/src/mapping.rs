//! Column mappings an uploader fixes: for one upload (`hub import --map '所在企业=employer'`) or
//! saved for a unit, kind and header set, and applied to the next file with the same headers.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::headers::{Field, normalize_header, spec};
use crate::kinds::SourceKind;
use crate::matching::Fixed;

/// Targets that mark a column as holding nothing the hub reads.
const IGNORE: &[&str] = &["ignore", "none", "-", "忽略", "不导入", "无"];

/// The key under which a header is compared in mappings: NFKC, lower case, without blanks.
/// Unlike [`normalize_header`] it keeps brackets and punctuation, so that "姓名（英文）" and
/// "姓名（中文）" stay two headers.
pub fn header_key(header: &str) -> String {
    crate::normalize::text::compact_key(header)
}

/// The fingerprint of a header row: the SHA-256 (hex, first 16 bytes) of its header keys,
/// sorted, so that the same headers in another order have the same fingerprint.
pub fn header_fingerprint<S: AsRef<str>>(headers: &[S]) -> String {
    let mut keys: Vec<String> = headers
        .iter()
        .map(|h| header_key(h.as_ref()))
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort();
    let mut hash = Sha256::new();
    for key in &keys {
        hash.update(key.as_bytes());
        hash.update([0x1f]);
    }
    hex::encode(&hash.finalize()[..16])
}

/// One header of a saved mapping and the field it holds (`None`: nothing the hub reads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedHeader {
    /// The header as written.
    pub header: String,
    /// The stable field name ([`field_choices`]), or `None` when the column is to be ignored.
    pub field: Option<String>,
}

/// A mapping saved for one unit, kind and header set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// The kind the headers were mapped for.
    pub kind: SourceKind,
    /// [`header_fingerprint`] of the header row.
    pub fingerprint: String,
    /// The headers the uploader fixed (the others are matched as usual).
    pub columns: Vec<MappedHeader>,
}

/// One column fixed for one upload: `header=target`, where the target is a field's stable name,
/// its Chinese header or one of its synonyms, `organization` for the kind's organisation column,
/// or `ignore`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnOverride {
    /// The header as written in the file.
    pub header: String,
    /// What the column holds.
    pub target: String,
}

/// `header=target` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "列映射“{0}”应写成 表头=字段，如 所在企业=employer / a mapping is written header=field, e.g. 所在企业=employer"
)]
pub struct BadOverride(pub String);

impl std::str::FromStr for ColumnOverride {
    type Err = BadOverride;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (header, target) = s
            .rsplit_once('=')
            .or_else(|| s.rsplit_once('＝'))
            .ok_or_else(|| BadOverride(s.to_owned()))?;
        let (header, target) = (header.trim(), target.trim());
        if header.is_empty() || target.is_empty() {
            return Err(BadOverride(s.to_owned()));
        }
        Ok(Self {
            header: header.to_owned(),
            target: target.to_owned(),
        })
    }
}

/// What a target names for a kind: `Some(Some(field))`, `Some(None)` for "ignore", `None` when
/// the kind has no such field.
pub(crate) fn resolve(kind: SourceKind, target: &str) -> Option<Fixed> {
    let t = target.trim();
    if IGNORE.iter().any(|i| i.eq_ignore_ascii_case(t)) {
        return Some(None);
    }
    let spec = spec(kind);
    let has = |f: Field| spec.fields.iter().any(|s| s.field == f);
    if let Some(field) = Field::from_name(t).filter(|f| has(*f)) {
        return Some(Some(field));
    }
    let key = normalize_header(t);
    if matches!(
        key.as_str(),
        "organization" | "organisation" | "org" | "单位" | "机构"
    ) && let Some(f) = spec.fields.iter().find(|f| f.field.is_organization())
    {
        return Some(Some(f.field));
    }
    spec.fields
        .iter()
        .find(|f| {
            std::iter::once(&f.canonical)
                .chain(f.synonyms.iter())
                .any(|s| normalize_header(s) == key)
        })
        .map(|f| Some(f.field))
}

/// The stable name of the field a target names for a kind (`None` for "ignore"); `Err` with the
/// choices when the kind has no such field.
///
/// # Errors
/// The target names no field of the kind.
pub fn resolve_target(kind: SourceKind, target: &str) -> Result<Option<&'static str>, String> {
    match resolve(kind, target) {
        Some(fixed) => Ok(fixed.map(Field::name)),
        None => Err(format!(
            "“{target}”不是{}（{kind}）的字段；可用：{} / '{target}' is no field of {kind}",
            kind.label_zh(),
            field_choices(kind)
                .iter()
                .map(|(name, label)| format!("{name}（{label}）"))
                .collect::<Vec<_>>()
                .join("、"),
        )),
    }
}

/// The fields of a kind a column can be mapped to: (stable name, Chinese header), in template order.
pub fn field_choices(kind: SourceKind) -> Vec<(&'static str, &'static str)> {
    spec(kind)
        .fields
        .iter()
        .map(|f| (f.field.name(), f.canonical))
        .collect()
}

/// The synonyms a field of a kind is known by (its Chinese header first), in Chinese and
/// English; empty for a name that is no field of the kind.
pub fn field_synonyms(kind: SourceKind, name: &str) -> Vec<&'static str> {
    spec(kind)
        .fields
        .iter()
        .filter(|f| Some(f.field) == Field::from_name(name))
        .flat_map(|f| std::iter::once(f.canonical).chain(f.synonyms.iter().copied()))
        .collect()
}

/// What the uploader fixed, ready to apply to any header row: the overrides of this upload and
/// the unit's saved mappings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fixes {
    /// header key → target, from this upload.
    given: Vec<(String, String, String)>,
    /// fingerprint → saved mappings with it.
    saved: HashMap<String, Vec<ColumnMapping>>,
}

/// The columns of one header row fixed for one kind, and where they came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowFixes {
    /// Column → what it holds.
    pub columns: HashMap<u32, Fixed>,
    /// Whether a saved mapping applied.
    pub saved: bool,
    /// Given overrides whose target names no field of the kind: (header, target).
    pub unresolved: Vec<(String, String)>,
    /// Given overrides no column of the row carries: the header as given.
    pub unused: Vec<String>,
}

impl Fixes {
    /// The fixes of this read.
    pub fn new(overrides: &[ColumnOverride], saved: &[ColumnMapping]) -> Self {
        let mut by_fingerprint: HashMap<String, Vec<ColumnMapping>> = HashMap::new();
        for mapping in saved {
            by_fingerprint
                .entry(mapping.fingerprint.clone())
                .or_default()
                .push(mapping.clone());
        }
        Self {
            given: overrides
                .iter()
                .map(|o| (header_key(&o.header), o.header.clone(), o.target.clone()))
                .collect(),
            saved: by_fingerprint,
        }
    }

    /// Whether nothing is fixed.
    pub fn is_empty(&self) -> bool {
        self.given.is_empty() && self.saved.is_empty()
    }

    /// The columns of a header row fixed for `kind`: a saved mapping of the row's fingerprint
    /// first, then this upload's overrides (which win).
    pub fn for_row(&self, kind: SourceKind, cells: &[(u32, String)]) -> RowFixes {
        let mut out = RowFixes::default();
        if self.is_empty() {
            return out;
        }
        let keys: Vec<(u32, String, String)> = cells
            .iter()
            .map(|(c, t)| (*c, header_key(t), normalize_header(t)))
            .collect();
        let headers: Vec<&str> = cells.iter().map(|(_, t)| t.as_str()).collect();
        if let Some(mappings) = self.saved.get(&header_fingerprint(&headers)) {
            for mapping in mappings.iter().filter(|m| m.kind == kind) {
                out.saved = true;
                for mapped in &mapping.columns {
                    let key = header_key(&mapped.header);
                    let fixed = match &mapped.field {
                        None => Some(None),
                        Some(name) => resolve(kind, name),
                    };
                    if let (Some((col, _, _)), Some(fixed)) =
                        (keys.iter().find(|(_, k, _)| *k == key), fixed)
                    {
                        out.columns.insert(*col, fixed);
                    }
                }
            }
        }
        for (key, header, target) in &self.given {
            let loose = normalize_header(header);
            let col = keys
                .iter()
                .find(|(_, k, _)| k == key)
                .or_else(|| keys.iter().find(|(_, _, n)| !n.is_empty() && *n == loose))
                .map(|(c, _, _)| *c);
            let Some(col) = col else {
                out.unused.push(header.clone());
                continue;
            };
            match resolve(kind, target) {
                Some(fixed) => {
                    out.columns.insert(col, fixed);
                }
                None => out.unresolved.push((header.clone(), target.clone())),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::numbered;

    #[test]
    fn fingerprints_ignore_order_blanks_and_width() {
        let a = header_fingerprint(&["姓名", "国籍", "护照号码"]);
        let b = header_fingerprint(&["护照号码", " 姓名 ", "国籍"]);
        let c = header_fingerprint(&["姓名", "国籍", "证件号码"]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(header_key("ＮＡＭＥ （英文）"), "name(英文)");
    }

    #[test]
    fn targets_resolve_by_name_header_synonym_or_organisation() {
        let k = SourceKind::EmploymentRoster;
        assert_eq!(resolve_target(k, "employer"), Ok(Some("employer")));
        assert_eq!(resolve_target(k, "organization"), Ok(Some("employer")));
        assert_eq!(resolve_target(k, "单位名称"), Ok(Some("employer")));
        assert_eq!(
            resolve_target(k, "Passport No."),
            Ok(Some("document_number"))
        );
        assert_eq!(resolve_target(k, "ignore"), Ok(None));
        assert!(resolve_target(k, "hotel").is_err());
        assert_eq!(
            resolve_target(SourceKind::VisaRegistry, "organization"),
            Ok(Some("organization"))
        );
    }

    #[test]
    fn overrides_parse() {
        let o: ColumnOverride = "所在企业=organization".parse().unwrap();
        assert_eq!(o.header, "所在企业");
        assert_eq!(o.target, "organization");
        assert!("所在企业".parse::<ColumnOverride>().is_err());
        assert!("=x".parse::<ColumnOverride>().is_err());
    }

    #[test]
    fn a_saved_mapping_applies_to_the_same_headers_in_any_order() {
        let saved = ColumnMapping {
            kind: SourceKind::EmploymentRoster,
            fingerprint: header_fingerprint(&["甲方", "姓名", "国籍", "护照号码"]),
            columns: vec![MappedHeader {
                header: "甲方".into(),
                field: Some("employer".into()),
            }],
        };
        let fixes = Fixes::new(&[], &[saved]);
        let row = numbered(&["姓名", "护照号码", "甲方", "国籍"]);
        let got = fixes.for_row(SourceKind::EmploymentRoster, &row);
        assert!(got.saved);
        assert_eq!(got.columns.get(&2), Some(&Some(Field::Employer)));
        let other = fixes.for_row(SourceKind::VisaRegistry, &row);
        assert!(other.columns.is_empty());
    }
}
