//! One data row → a typed record, or the reasons it is rejected; plus warnings and in-file duplicates.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;

use crate::cell::{CellValue, RawRow, format_number};
use crate::countries::Country;
use crate::headers::Field;
use crate::issues::{IssueCode, RowIssue};
use crate::kinds::SourceKind;
use crate::lengths;
use crate::normalize::date::{
    DateError, DateValue, from_datetime, parse_date_text, serial_to_datetime,
};
use crate::normalize::{self, name::split_name};
use crate::records::{
    DailyReportRecord, Direction, EmploymentRecord, HealthCheckRecord, LodgingRecord, MemberType,
    Moment, PassengerRecord, PersonFields, Record, StudentRecord, UniversityRecord, VisaRecord,
};
use crate::upload::{ParsedRow, RowOutcome};

/// The recognised header row of the sheet being read.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub kind: SourceKind,
    /// 0-based row index.
    pub row_index: u32,
    /// Every non-empty header cell: (column, text as written).
    pub columns: Vec<(u32, String)>,
    /// Recognised columns: (column, field); one column per field.
    pub fields: Vec<(u32, Field)>,
}

impl Header {
    fn column_of(&self, field: Field) -> Option<u32> {
        self.fields
            .iter()
            .find(|(_, f)| *f == field)
            .map(|(c, _)| *c)
    }

    fn title(&self, col: u32) -> &str {
        self.columns
            .iter()
            .find(|(c, _)| *c == col)
            .map_or("", |(_, t)| t.as_str())
    }
}

/// Issues of one row: required-field problems (which reject it) and the rest.
#[derive(Default)]
pub(crate) struct Issues {
    pub required: Vec<RowIssue>,
    pub other: Vec<RowIssue>,
}

/// A cell of a recognised column: header as written, value, displayed text (trimmed).
pub(crate) struct Found<'r> {
    pub column: &'r str,
    pub value: &'r CellValue,
    pub text: &'r str,
}

impl Found<'_> {
    /// The text of the cell, numbers shown as they are.
    pub(crate) fn written(&self) -> String {
        match self.value {
            CellValue::Number(n) => format_number(*n),
            _ => self.text.to_owned(),
        }
    }

    /// `value`, read from this optional cell; when it is `None` and the cell holds more than a
    /// placeholder, a warning "无法识别的{what}“…”，{hint}；已留空".
    fn recognised<T>(
        &self,
        value: Option<T>,
        code: IssueCode,
        (what, hint): (&str, &str),
        issues: &mut Issues,
    ) -> Option<T> {
        if value.is_none() && !normalize::is_placeholder(self.text) {
            let reason = format!("无法识别的{what}“{}”，{hint}；已留空", self.text);
            issues.other.push(self.issue(code, reason));
        }
        value
    }

    /// An issue about this cell: its column and text, with `code` and `reason`.
    pub(crate) fn issue(&self, code: IssueCode, reason: impl Into<String>) -> RowIssue {
        RowIssue::new(self.column, self.text, code, reason)
    }
}

/// A data row with the displayed text of each header column, computed once.
pub(crate) struct Row<'r> {
    pub cells: &'r RawRow,
    /// Displayed text per header column, aligned with [`Header::columns`].
    pub texts: Vec<String>,
}

impl<'r> Row<'r> {
    /// Displays the header columns of `cells`.
    pub fn new(header: &Header, cells: &'r RawRow) -> Self {
        let texts = header
            .columns
            .iter()
            .map(|(c, _)| cells.get(*c).map(CellValue::display).unwrap_or_default())
            .collect();
        Self { cells, texts }
    }
}

/// Turns data rows into [`ParsedRow`]s for one header.
pub(crate) struct RowBuilder<'h> {
    header: &'h Header,
    tz: Tz,
    date1904: bool,
    seen: HashMap<String, u32>,
    /// Nationality cell text → country, since lists repeat a few dozen values.
    nationalities: RefCell<HashMap<String, Option<&'static Country>>>,
    /// The item catalogue, currencies and rates of the supplies registers.
    pub(crate) supplies: std::sync::Arc<crate::supplies::Catalogue>,
}

impl<'h> RowBuilder<'h> {
    /// A builder for rows under `header`; zone-less times are in `tz`.
    pub fn new(
        header: &'h Header,
        tz: Tz,
        date1904: bool,
        supplies: std::sync::Arc<crate::supplies::Catalogue>,
    ) -> Self {
        Self {
            header,
            tz,
            date1904,
            seen: HashMap::new(),
            nationalities: RefCell::new(HashMap::new()),
            supplies,
        }
    }

    /// Builds the outcome of one (merge-filled) data row.
    pub fn build(&mut self, sheet: &str, row: Row<'_>) -> ParsedRow {
        let excel_row = row.cells.index.saturating_add(1);
        let mut issues = Issues::default();
        issues.required.extend(self.too_long(&row));
        let record = self.record(&row, &mut issues);
        let raw: Vec<(String, String)> = self
            .header
            .columns
            .iter()
            .map(|(_, h)| h.clone())
            .zip(row.texts)
            .collect();
        let mut warnings = Vec::new();
        let outcome = match record {
            Some(record) if issues.required.is_empty() => {
                warnings = issues.other;
                if let Some(dup) = self.duplicate(&record, excel_row) {
                    warnings.push(dup);
                }
                RowOutcome::Accepted(record)
            }
            _ => {
                let mut all = issues.required;
                all.extend(issues.other);
                RowOutcome::Rejected(all)
            }
        };
        ParsedRow {
            sheet: sheet.to_string(),
            row: excel_row,
            raw,
            outcome,
            warnings,
        }
    }

    /// A [`IssueCode::ValueTooLong`] issue for every recognised cell over its field's limit.
    fn too_long(&self, row: &Row<'_>) -> Vec<RowIssue> {
        self.header
            .fields
            .iter()
            .filter_map(|&(col, field)| {
                let idx = self.header.columns.iter().position(|(c, _)| *c == col)?;
                let text = row.texts.get(idx)?.trim();
                lengths::check(field, &self.header.columns[idx].1, text)
            })
            .collect()
    }

    pub(crate) fn find<'r>(&self, row: &'r Row<'_>, field: Field) -> Option<Found<'r>>
    where
        'h: 'r,
    {
        let col = self.header.column_of(field)?;
        let value = row.cells.get(col)?;
        if value.is_blank() {
            return None;
        }
        let idx = self.header.columns.iter().position(|(c, _)| *c == col)?;
        Some(Found {
            column: self.header.columns[idx].1.as_str(),
            value,
            text: row.texts.get(idx).map_or("", |t| t.trim()),
        })
    }

    pub(crate) fn column_title(&self, field: Field) -> &str {
        self.header
            .column_of(field)
            .map_or("", |c| self.header.title(c))
    }

    /// The issue of a row whose `field` cell is empty: "缺少{column}，该行未导入：{hint}".
    pub(crate) fn missing(&self, field: Field, code: IssueCode, hint: &str) -> RowIssue {
        let col = self.column_title(field);
        RowIssue::new(col, "", code, format!("缺少{col}，该行未导入：{hint}"))
    }

    pub(crate) fn text(&self, row: &Row<'_>, field: Field) -> Option<String> {
        self.find(row, field)
            .and_then(|f| normalize::clean_text(f.text))
    }

    fn record(&self, row: &Row<'_>, issues: &mut Issues) -> Option<Record> {
        let kind = self.header.kind;
        match kind {
            SourceKind::DailyReport => {
                return self.daily_report(row, issues).map(Record::DailyReport);
            }
            SourceKind::DonationRegister => {
                return self
                    .donation(row, issues)
                    .map(|r| Record::DonationRegister(Box::new(r)));
            }
            SourceKind::ProcurementRegister => {
                return self
                    .procurement(row, issues)
                    .map(|r| Record::ProcurementRegister(Box::new(r)));
            }
            SourceKind::OutreachLog => {
                return self
                    .outreach(row, issues)
                    .map(|r| Record::OutreachLog(Box::new(r)));
            }
            _ => {}
        }
        // Required fields first, in this order, so their issues lead the list.
        let person = self.person_required(row, issues);
        let at = match kind {
            SourceKind::PassengerFlow => self
                .required_instant(row, Field::At, issues)
                .map(Moment::DateTime),
            SourceKind::HealthCheck => self.required_moment(row, Field::CheckedAt, issues),
            _ => None,
        };
        let person = self.person_optional(row, person, issues);
        let record = match kind {
            SourceKind::VisaRegistry => Record::VisaRegistry(VisaRecord {
                visa_type: self.text(row, Field::VisaType),
                visa_valid_until: self.optional_date(row, Field::VisaValidUntil, issues),
                organization: self.text(row, Field::Organization),
                address: self.text(row, Field::Address),
                note: self.text(row, Field::Note),
                person: person?,
            }),
            SourceKind::StudentRoster => Record::StudentRoster(StudentRecord {
                school: self.text(row, Field::School),
                major: self.text(row, Field::Major),
                status: self.text(row, Field::Status),
                left_on: self.optional_date(row, Field::LeftOn, issues),
                person: person?,
            }),
            SourceKind::UniversityRoster => Record::UniversityRoster(UniversityRecord {
                member_type: self.member_type(row, issues),
                college: self.text(row, Field::College),
                dormitory: self.text(row, Field::Dormitory),
                person: person?,
            }),
            SourceKind::EmploymentRoster => Record::EmploymentRoster(EmploymentRecord {
                employer: self.text(row, Field::Employer),
                position: self.text(row, Field::Position),
                work_permit_number: self.text(row, Field::WorkPermitNumber),
                work_permit_valid_until: self.optional_date(
                    row,
                    Field::WorkPermitValidUntil,
                    issues,
                ),
                hired_on: self.optional_date(row, Field::HiredOn, issues),
                phone: self.text(row, Field::Phone),
                person: person?,
            }),
            SourceKind::LodgingRegister => Record::LodgingRegister(LodgingRecord {
                hotel: self.text(row, Field::Hotel),
                check_in: self.optional_moment(row, Field::CheckIn, issues),
                check_out: self.optional_moment(row, Field::CheckOut, issues),
                person: person?,
            }),
            SourceKind::PassengerFlow => {
                let carrier_number = self
                    .text(row, Field::CarrierNumber)
                    .map(|s| normalize::document_number(&s));
                let origin = self.text(row, Field::Origin);
                let destination = self.text(row, Field::Destination);
                let direction = self.direction(row, issues);
                let Some(Moment::DateTime(at)) = at else {
                    return None;
                };
                Record::PassengerFlow(PassengerRecord {
                    at,
                    carrier_number,
                    origin,
                    destination,
                    direction,
                    person: person?,
                })
            }
            SourceKind::HealthCheck => Record::HealthCheck(HealthCheckRecord {
                temperature: self.temperature(row, issues),
                status: self.text(row, Field::CheckStatus),
                checked_at: at?,
                person: person?,
            }),
            SourceKind::DailyReport
            | SourceKind::DonationRegister
            | SourceKind::ProcurementRegister
            | SourceKind::OutreachLog => return None,
        };
        Some(record)
    }

    // ---- person -----------------------------------------------------------------------------

    /// Document number and nationality: (document, alpha-3), or `None` with required issues.
    fn person_required(&self, row: &Row<'_>, issues: &mut Issues) -> Option<(String, String)> {
        let document = self.required_cell(
            row,
            Field::DocumentNumber,
            IssueCode::MissingDocumentNumber,
            "缺少护照（证件）号码，该行未导入：请补填证件号码后重新上传",
            issues,
            |f| {
                let doc = normalize::document_number(&f.written());
                if normalize::is_valid_document_number(&doc) {
                    return Ok(doc);
                }
                Err(f.issue(
                    IssueCode::InvalidDocumentNumber,
                    format!(
                        "证件号码“{}”只能包含字母和数字（最多40位），请核对后重新填写",
                        f.text
                    ),
                ))
            },
        );
        let nationality = self.required_cell(
            row,
            Field::Nationality,
            IssueCode::MissingNationality,
            "缺少国籍，该行未导入：请填写国家或地区名称或三位代码（如 KOR）",
            issues,
            |f| match self.nationality(f.text) {
                Some(c) => Ok(c.alpha3.to_string()),
                None => Err(f.issue(
                    IssueCode::UnknownNationality,
                    format!(
                        "无法识别的国籍“{}”，该行未导入：请填写国家或地区的中文名（如 韩国）、英文名（如 Korea）或三位代码（如 KOR）",
                        f.text
                    ),
                )),
            },
        );
        Some((document?, nationality?))
    }

    /// The value `read` makes of a required cell; an empty cell (`missing` issue with
    /// `reason`) or one `read` refuses rejects the row.
    fn required_cell<T>(
        &self,
        row: &Row<'_>,
        field: Field,
        missing: IssueCode,
        reason: &str,
        issues: &mut Issues,
        read: impl FnOnce(&Found<'_>) -> Result<T, RowIssue>,
    ) -> Option<T> {
        match self.find(row, field) {
            Some(f) if !normalize::is_placeholder(f.text) => match read(&f) {
                Ok(value) => Some(value),
                Err(issue) => {
                    issues.required.push(issue);
                    None
                }
            },
            other => {
                issues.required.push(RowIssue::new(
                    self.column_title(field),
                    other.map_or("", |f| f.text),
                    missing,
                    reason,
                ));
                None
            }
        }
    }

    pub(crate) fn nationality(&self, text: &str) -> Option<&'static Country> {
        let mut cache = self.nationalities.borrow_mut();
        if let Some(found) = cache.get(text) {
            return *found;
        }
        let found = normalize::nationality(text);
        if cache.len() < 10_000 {
            cache.insert(text.to_string(), found);
        }
        found
    }

    /// Names, sex and birth date (never reject the row).
    fn person_optional(
        &self,
        row: &Row<'_>,
        required: Option<(String, String)>,
        issues: &mut Issues,
    ) -> Option<PersonFields> {
        let (mut latin, mut chinese) = (None, None);
        if let Some(f) = self.find(row, Field::LatinName) {
            let (l, c) = split_name(f.text);
            latin = l;
            chinese = c;
        }
        if let Some(f) = self.find(row, Field::ChineseName) {
            let (l, c) = split_name(f.text);
            chinese = c.or(chinese);
            latin = latin.or(l);
        }
        if let Some(f) = self.find(row, Field::Name) {
            let (l, c) = split_name(f.text);
            latin = latin.or(l);
            chinese = chinese.or(c);
        }
        let sex = self.find(row, Field::Sex).and_then(|f| {
            let what = ("性别", "请填写 男/女（或 M/F）");
            f.recognised(normalize::sex(f.text), IssueCode::InvalidSex, what, issues)
        });
        let birth_date = self.optional_date(row, Field::BirthDate, issues);
        let (document_number, nationality) = required?;
        Some(PersonFields {
            document_number,
            nationality,
            latin_name: latin,
            chinese_name: chinese,
            sex,
            birth_date,
        })
    }

    // ---- dates ------------------------------------------------------------------------------

    fn date_value(&self, value: &CellValue) -> Result<DateValue, DateError> {
        match value {
            CellValue::DateTime(dt) => Ok(from_datetime(*dt)),
            CellValue::Number(n) => {
                if n.fract() == 0.0 && (19_000_101.0..=21_991_231.0).contains(n) {
                    return parse_date_text(&format_number(*n));
                }
                serial_to_datetime(*n, self.date1904)
                    .map(from_datetime)
                    .ok_or(DateError::Invalid)
            }
            CellValue::Text(s) => parse_date_text(s),
            CellValue::Empty | CellValue::Bool(_) | CellValue::Error(_) => Err(DateError::Invalid),
        }
    }

    fn date_issue(f: &Found<'_>, err: DateError, required: bool) -> RowIssue {
        let tail = if required {
            "该行未导入"
        } else {
            "已留空"
        };
        match err {
            DateError::Ambiguous => f.issue(
                IssueCode::AmbiguousDate,
                format!(
                    "日期“{}”无法确定月和日的先后，请写成 2020-02-05 这样的 年-月-日 格式；{tail}",
                    f.text
                ),
            ),
            DateError::Invalid => f.issue(
                IssueCode::InvalidDate,
                format!(
                    "“{}”不是有效日期，请按 2020-02-05 或 2020年2月5日 的格式填写；{tail}",
                    f.text
                ),
            ),
        }
    }

    /// A date in an optional column: invalid → warning, left empty.
    fn optional_date(&self, row: &Row<'_>, field: Field, issues: &mut Issues) -> Option<NaiveDate> {
        self.optional_value(row, field, issues).map(|v| v.date())
    }

    fn optional_moment(&self, row: &Row<'_>, field: Field, issues: &mut Issues) -> Option<Moment> {
        let v = self.optional_value(row, field, issues)?;
        match v {
            DateValue::Date(d) => Some(Moment::Date(d)),
            _ => v.in_zone(self.tz).map(Moment::DateTime),
        }
    }

    fn optional_value(
        &self,
        row: &Row<'_>,
        field: Field,
        issues: &mut Issues,
    ) -> Option<DateValue> {
        let f = self.find(row, field)?;
        if normalize::is_placeholder(f.text) {
            return None;
        }
        match self.date_value(f.value) {
            Ok(v) => Some(v),
            Err(e) => {
                issues.other.push(Self::date_issue(&f, e, false));
                None
            }
        }
    }

    fn required_value(
        &self,
        row: &Row<'_>,
        field: Field,
        issues: &mut Issues,
    ) -> Option<(DateValue, String, String)> {
        let Some(f) = self
            .find(row, field)
            .filter(|f| !normalize::is_placeholder(f.text))
        else {
            issues.required.push(self.missing(
                field,
                IssueCode::MissingDate,
                "请填写日期（如 2020-02-05 或 2020-02-05 14:35）",
            ));
            return None;
        };
        match self.date_value(f.value) {
            Ok(v) => Some((v, f.column.to_string(), f.text.to_string())),
            Err(e) => {
                issues.required.push(Self::date_issue(&f, e, true));
                None
            }
        }
    }

    /// A required date or date-time, zone applied to a date-time.
    pub(crate) fn required_moment(
        &self,
        row: &Row<'_>,
        field: Field,
        issues: &mut Issues,
    ) -> Option<Moment> {
        let (v, column, text) = self.required_value(row, field, issues)?;
        match v {
            DateValue::Date(d) => Some(Moment::Date(d)),
            _ => Self::in_zone(v, self.tz, &column, &text, issues).map(Moment::DateTime),
        }
    }

    /// A required instant (a bare date is read as midnight).
    fn required_instant(
        &self,
        row: &Row<'_>,
        field: Field,
        issues: &mut Issues,
    ) -> Option<DateTime<FixedOffset>> {
        let (v, column, text) = self.required_value(row, field, issues)?;
        Self::in_zone(v, self.tz, &column, &text, issues)
    }

    fn in_zone(
        v: DateValue,
        tz: Tz,
        column: &str,
        text: &str,
        issues: &mut Issues,
    ) -> Option<DateTime<FixedOffset>> {
        let at = v.in_zone(tz);
        if at.is_none() {
            issues.required.push(RowIssue::new(
                column,
                text,
                IssueCode::InvalidDate,
                format!("时间“{text}”在时区 {tz} 中不存在（夏令时切换），请核对；该行未导入"),
            ));
        }
        at
    }

    // ---- other values -----------------------------------------------------------------------

    fn member_type(&self, row: &Row<'_>, issues: &mut Issues) -> Option<MemberType> {
        let f = self.find(row, Field::MemberType)?;
        let t = f.text.to_lowercase();
        let t = t.trim();
        const STUDENTS: &[&str] = &[
            "student",
            "学生",
            "留学生",
            "本科生",
            "研究生",
            "硕士",
            "博士",
            "进修生",
            "语言生",
            "stu",
        ];
        const TEACHERS: &[&str] = &[
            "teacher",
            "教师",
            "老师",
            "外教",
            "专家",
            "faculty",
            "staff",
            "lecturer",
            "professor",
            "教授",
            "讲师",
        ];
        let member = if STUDENTS.iter().any(|s| t == *s || t.contains(s)) {
            Some(MemberType::Student)
        } else if TEACHERS.iter().any(|s| t == *s || t.contains(s)) {
            Some(MemberType::Teacher)
        } else {
            None
        };
        let what = ("类别", "请填写 Student（学生）或 Teacher（教师）");
        f.recognised(member, IssueCode::InvalidValue, what, issues)
    }

    fn direction(&self, row: &Row<'_>, issues: &mut Issues) -> Option<Direction> {
        let f = self.find(row, Field::Direction)?;
        let t: String = f.text.to_lowercase().split_whitespace().collect();
        let dir = match t.as_str() {
            "进港" | "到达" | "进" | "入" | "入境" | "抵达" | "到" | "进站" | "到站"
            | "arrival" | "arrive" | "arrived" | "in" | "inbound" | "arr" => {
                Some(Direction::Arrival)
            }
            "出港" | "出发" | "出" | "离港" | "出境" | "离开" | "出站" | "离" | "departure"
            | "depart" | "departed" | "out" | "outbound" | "dep" => Some(Direction::Departure),
            _ => None,
        };
        let what = ("进出港", "请填写 进港/到达 或 出港/出发");
        f.recognised(dir, IssueCode::InvalidValue, what, issues)
    }

    fn temperature(&self, row: &Row<'_>, issues: &mut Issues) -> Option<f64> {
        let f = self.find(row, Field::Temperature)?;
        if normalize::is_placeholder(f.text) {
            return None;
        }
        let value = match f.value {
            CellValue::Number(n) => Some(*n),
            _ => normalize::parse_decimal(f.text),
        };
        match value {
            Some(v) if (30.0..=45.0).contains(&v) => Some(v),
            Some(_) => {
                issues.other.push(f.issue(
                    IssueCode::InvalidValue,
                    format!("体温“{}”超出合理范围（30–45℃），请核对；已留空", f.text),
                ));
                None
            }
            None => {
                issues.other.push(f.issue(
                    IssueCode::InvalidNumber,
                    format!("体温“{}”不是数字，请填写如 36.5；已留空", f.text),
                ));
                None
            }
        }
    }

    fn count(&self, row: &Row<'_>, field: Field, issues: &mut Issues) -> Option<u32> {
        let f = self.find(row, field)?;
        if normalize::is_placeholder(f.text) {
            return Some(0);
        }
        let n = normalize::parse_count(f.text);
        if n.is_none() {
            issues.other.push(f.issue(
                IssueCode::InvalidNumber,
                format!("人数“{}”不是非负整数，请填写如 0、3；已留空", f.text),
            ));
        }
        n
    }

    fn daily_report(&self, row: &Row<'_>, issues: &mut Issues) -> Option<DailyReportRecord> {
        let date = self
            .required_value(row, Field::ReportDate, issues)
            .map(|(v, _, _)| v.date());
        let record = DailyReportRecord {
            arrivals: self.count(row, Field::Arrivals, issues),
            departures: self.count(row, Field::Departures, issues),
            anomalies: self.text(row, Field::Anomalies),
            note: self.text(row, Field::Note),
            report_date: date?,
        };
        Some(record)
    }

    // ---- duplicates -------------------------------------------------------------------------

    /// A warning when the same person (and stay / time) was already seen in this file.
    fn duplicate(&mut self, record: &Record, excel_row: u32) -> Option<RowIssue> {
        let (key, field, value, what) = match record {
            Record::DailyReport(r) => (
                r.report_date.to_string(),
                Field::ReportDate,
                r.report_date.to_string(),
                "同一报告日期",
            ),
            Record::DonationRegister(_)
            | Record::ProcurementRegister(_)
            | Record::OutreachLog(_) => return None,
            other => {
                let p = other.person()?;
                let (stay, what) = match other {
                    Record::LodgingRegister(r) => {
                        let hotel = r.hotel.as_deref().map(normalize::org_key);
                        let stay = format!("{}|{:?}", hotel.unwrap_or_default(), r.check_in);
                        (Some(stay), "同一人、同一住宿场所和入住日期")
                    }
                    Record::PassengerFlow(r) => (Some(r.at.to_rfc3339()), "同一人、同一时间"),
                    Record::HealthCheck(r) => {
                        (Some(format!("{:?}", r.checked_at)), "同一人、同一检测时间")
                    }
                    _ => (None, "同一证件号码和国籍"),
                };
                let mut key = format!("{}|{}", p.document_number, p.nationality);
                if let Some(stay) = stay {
                    key = format!("{key}|{stay}");
                }
                (key, Field::DocumentNumber, p.document_number.clone(), what)
            }
        };
        match self.seen.get(&key) {
            Some(first) => Some(RowIssue::new(
                self.column_title(field),
                &value,
                IssueCode::DuplicateInFile,
                format!("与第 {first} 行重复（{what}），请核对是否重复填写"),
            )),
            None => {
                self.seen.insert(key, excel_row);
                None
            }
        }
    }
}
