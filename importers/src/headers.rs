//! Header synonyms, one table per kind, and how a header row is recognised.
//!
//! The tables are data: to accept a new spelling, add it to the synonym list of its field. Headers
//! and synonyms are compared after [`normalize_header`], so case, white space, full/half-width forms,
//! punctuation and bracketed units ("体温(℃)") do not matter.

#[cfg(test)]
use std::collections::HashMap;
#[cfg(test)]
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use crate::kinds::SourceKind;
use crate::mapping::RowFixes;
use crate::matching::{How, pair_columns};

/// A column the hub understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    Seq,
    Name,
    LatinName,
    ChineseName,
    Nationality,
    Sex,
    BirthDate,
    DocumentNumber,
    VisaType,
    VisaValidUntil,
    Organization,
    Address,
    Note,
    School,
    Major,
    Status,
    LeftOn,
    MemberType,
    College,
    Dormitory,
    Employer,
    Position,
    WorkPermitNumber,
    WorkPermitValidUntil,
    HiredOn,
    Phone,
    Hotel,
    CheckIn,
    CheckOut,
    At,
    CarrierNumber,
    Origin,
    Destination,
    Direction,
    CheckedAt,
    Temperature,
    CheckStatus,
    ReportDate,
    Arrivals,
    Departures,
    Anomalies,
    DonatedAt,
    Donor,
    Item,
    Quantity,
    Unit,
    Value,
    Currency,
    Recipient,
    ReceiptNumber,
    ContractNumber,
    StatusDate,
    Supplier,
    UnitPrice,
    ContractAmount,
    PaidAmount,
    Buyer,
    ContactDate,
    Contact,
    Channel,
    Subject,
    Outcome,
}

/// Every field with its stable name, as mappings name it (`hub import --map '所在企业=employer'`,
/// GraphQL `saveColumnMapping`) and reports show it.
const FIELD_NAMES: &[(Field, &str)] = &[
    (Field::Seq, "seq"),
    (Field::Name, "name"),
    (Field::LatinName, "latin_name"),
    (Field::ChineseName, "chinese_name"),
    (Field::Nationality, "nationality"),
    (Field::Sex, "sex"),
    (Field::BirthDate, "birth_date"),
    (Field::DocumentNumber, "document_number"),
    (Field::VisaType, "visa_type"),
    (Field::VisaValidUntil, "visa_valid_until"),
    (Field::Organization, "organization"),
    (Field::Address, "address"),
    (Field::Note, "note"),
    (Field::School, "school"),
    (Field::Major, "major"),
    (Field::Status, "status"),
    (Field::LeftOn, "left_on"),
    (Field::MemberType, "member_type"),
    (Field::College, "college"),
    (Field::Dormitory, "dormitory"),
    (Field::Employer, "employer"),
    (Field::Position, "position"),
    (Field::WorkPermitNumber, "work_permit_number"),
    (Field::WorkPermitValidUntil, "work_permit_valid_until"),
    (Field::HiredOn, "hired_on"),
    (Field::Phone, "phone"),
    (Field::Hotel, "hotel"),
    (Field::CheckIn, "check_in"),
    (Field::CheckOut, "check_out"),
    (Field::At, "at"),
    (Field::CarrierNumber, "carrier_number"),
    (Field::Origin, "origin"),
    (Field::Destination, "destination"),
    (Field::Direction, "direction"),
    (Field::CheckedAt, "checked_at"),
    (Field::Temperature, "temperature"),
    (Field::CheckStatus, "check_status"),
    (Field::ReportDate, "report_date"),
    (Field::Arrivals, "arrivals"),
    (Field::Departures, "departures"),
    (Field::Anomalies, "anomalies"),
    (Field::DonatedAt, "donated_at"),
    (Field::Donor, "donor"),
    (Field::Item, "item"),
    (Field::Quantity, "quantity"),
    (Field::Unit, "unit"),
    (Field::Value, "value"),
    (Field::Currency, "currency"),
    (Field::Recipient, "recipient"),
    (Field::ReceiptNumber, "receipt_number"),
    (Field::ContractNumber, "contract_number"),
    (Field::StatusDate, "status_date"),
    (Field::Supplier, "supplier"),
    (Field::UnitPrice, "unit_price"),
    (Field::ContractAmount, "contract_amount"),
    (Field::PaidAmount, "paid_amount"),
    (Field::Buyer, "buyer"),
    (Field::ContactDate, "contact_date"),
    (Field::Contact, "contact"),
    (Field::Channel, "channel"),
    (Field::Subject, "subject"),
    (Field::Outcome, "outcome"),
];

impl Field {
    /// The field's stable snake_case name.
    pub fn name(self) -> &'static str {
        FIELD_NAMES
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("", |(_, n)| n)
    }

    /// The field of a stable name.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase().replace('-', "_");
        FIELD_NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(f, _)| *f)
    }

    /// Whether the field names the organisation responsible for the person (employer, school,
    /// hotel, work or study unit): each kind has at most one.
    pub fn is_organization(self) -> bool {
        matches!(
            self,
            Self::Organization | Self::Employer | Self::School | Self::Hotel
        )
    }
}

/// Words that, contained in a header no synonym matches, suggest a field: "所在企业" holds 企业,
/// so it is an employer; "国家或地区" holds 国家, so it is a nationality. A longer keyword outweighs a
/// shorter one. Compared after [`normalize_header`]; a field only counts for the kinds that have it.
#[rustfmt::skip]
pub(crate) const KEYWORDS: &[(Field, &[&str])] = &[
    (Field::Seq, &["序号", "serial"]),
    (Field::Name, &["姓名", "名字", "name"]),
    (Field::LatinName, &["英文", "外文", "拼音", "english", "latin"]),
    (Field::ChineseName, &["中文", "chinese"]),
    (Field::Nationality, &["国", "国籍", "国别", "国家", "籍贯", "nationality", "country", "citizen", "nation"]),
    (Field::Sex, &["性别", "男女", "gender", "sex"]),
    (Field::BirthDate, &["出生", "生日", "birth", "dob"]),
    (Field::DocumentNumber, &["护照", "证件", "passport", "document", "traveldoc"]),
    (Field::VisaType, &["签证", "居留许可", "visa"]),
    (Field::VisaValidUntil, &["有效期", "有效", "到期", "截止", "期限", "期满", "expir", "valid"]),
    (Field::Organization, &["单位", "企业", "公司", "机构", "学校", "院校", "employer", "company", "organi", "institution", "enterprise"]),
    (Field::Address, &["地址", "住址", "住所", "居住", "address", "residen"]),
    (Field::Note, &["备注", "说明", "附注", "remark", "note", "comment"]),
    (Field::School, &["院校", "学校", "大学", "学院", "高校", "school", "universit", "institut", "college"]),
    (Field::Major, &["专业", "major", "program", "speciali"]),
    (Field::Status, &["状态", "在庆", "在校", "status"]),
    (Field::LeftOn, &["离校", "离庆", "离开", "leav", "left"]),
    (Field::MemberType, &["类别", "类型", "身份", "type", "category", "role"]),
    (Field::College, &["学院", "院系", "系别", "college", "faculty", "department"]),
    (Field::Dormitory, &["宿舍", "寝室", "公寓", "住宿", "dorm", "room", "accommodation"]),
    (Field::Employer, &["单位", "企业", "公司", "机构", "雇主", "雇佣", "聘用", "employer", "company", "enterprise", "firm", "organi", "corporat"]),
    (Field::Position, &["职务", "岗位", "职位", "职称", "工种", "position", "title", "job", "post"]),
    (Field::WorkPermitNumber, &["许可证号", "许可证编号", "工作证", "permitno", "permitnumber"]),
    (Field::WorkPermitValidUntil, &["许可有效", "许可证有效", "许可到期", "许可证到期", "有效期", "permitexpir", "permitvalid"]),
    (Field::HiredOn, &["入职", "到岗", "聘用日期", "聘任", "hire", "hiring", "joined", "startdate"]),
    (Field::Phone, &["电话", "手机", "联系方式", "phone", "tel", "mobile"]),
    (Field::Hotel, &["酒店", "宾馆", "饭店", "旅馆", "旅店", "景区", "住宿", "场所", "hotel", "inn", "resort", "lodging"]),
    (Field::CheckIn, &["入住", "抵店", "到店", "checkin", "arriv"]),
    (Field::CheckOut, &["离店", "退房", "checkout", "depart"]),
    (Field::At, &["日期", "时间", "date", "time"]),
    (Field::CarrierNumber, &["航班", "车次", "班次", "flight", "train", "trip"]),
    (Field::Origin, &["出发", "始发", "起点", "from", "origin"]),
    (Field::Destination, &["目的", "到达地", "终点", "destination"]),
    (Field::Direction, &["进出", "方向", "进港", "出港", "direction", "inout"]),
    (Field::CheckedAt, &["日期", "时间", "检测", "测温", "date", "time"]),
    (Field::Temperature, &["体温", "温度", "temp"]),
    (Field::CheckStatus, &["情况", "状态", "状况", "结果", "症状", "status", "result", "condition"]),
    (Field::ReportDate, &["日期", "date"]),
    (Field::Arrivals, &["新增", "到达", "来庆", "arriv"]),
    (Field::Departures, &["离开", "离庆", "离境", "depart"]),
    (Field::Anomalies, &["异常", "特殊", "anomal", "incident", "exception"]),
    (Field::DonatedAt, &["日期", "时间", "date", "time"]),
    (Field::Donor, &["捐赠", "捐助", "捐款人", "捐方", "donor", "donat"]),
    (Field::Item, &["物资", "品名", "名称", "物品", "款物", "产品", "货物", "item", "goods", "product", "description"]),
    (Field::Quantity, &["数量", "件数", "quantit", "qty", "amount"]),
    (Field::Unit, &["单位", "计量", "规格", "unit", "uom"]),
    (Field::Value, &["金额", "价值", "折合", "折价", "value", "amount", "sum"]),
    (Field::Currency, &["币种", "货币", "币别", "币", "currency"]),
    (Field::Recipient, &["接收", "受赠", "去向", "受捐", "受助", "分配", "recipient", "receiv", "beneficiar"]),
    (Field::ReceiptNumber, &["票据", "收据", "凭证", "编号", "receipt", "voucher"]),
    (Field::ContractNumber, &["合同", "订单", "编号", "contract", "order"]),
    (Field::StatusDate, &["日期", "时间", "更新", "date", "time", "updated"]),
    (Field::Supplier, &["供应", "厂家", "厂商", "外方", "卖方", "供货", "企业", "公司", "supplier", "vendor", "manufactur", "seller"]),
    (Field::UnitPrice, &["单价", "价格", "报价", "price"]),
    (Field::ContractAmount, &["合同金额", "总额", "总价", "金额", "total", "amount", "value"]),
    (Field::PaidAmount, &["已付", "付款", "支付", "实付", "预付", "paid", "payment"]),
    (Field::Buyer, &["需求", "采购主体", "采购单位", "买方", "用户", "buyer", "purchaser", "client"]),
    (Field::ContactDate, &["日期", "时间", "date", "time"]),
    (Field::Contact, &["对象", "联系单位", "机构", "组织", "单位", "企业", "公司", "contact", "organi", "partner"]),
    (Field::Channel, &["方式", "渠道", "途径", "channel", "method", "via"]),
    (Field::Subject, &["事项", "内容", "事由", "需求", "subject", "topic", "matter"]),
    (Field::Outcome, &["结果", "进展", "反馈", "回复", "result", "outcome", "feedback"]),
];

/// What a cell of a column holds, for the template's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueType {
    Text,
    Date,
    DateTime,
    Number,
}

/// One column of a kind: its field, canonical Chinese header, synonyms and value type.
pub(crate) struct FieldSpec {
    pub field: Field,
    pub canonical: &'static str,
    pub synonyms: &'static [&'static str],
    pub value: ValueType,
    /// Shown in the template (the sequence number column is accepted but not offered).
    pub in_template: bool,
}

/// The header table of one kind.
pub(crate) struct KindSpec {
    pub fields: &'static [FieldSpec],
    /// Columns every file of this kind must have.
    pub required: &'static [Field],
    /// To be detected without being named, a file needs at least one of these.
    pub distinctive: &'static [Field],
}

impl KindSpec {
    /// A kind's table: its columns in template order, those every file needs and those of
    /// which a file needs one to be detected without being named.
    const fn new(
        required: &'static [Field],
        distinctive: &'static [Field],
        fields: &'static [FieldSpec],
    ) -> Self {
        Self {
            fields,
            required,
            distinctive,
        }
    }

    /// The table of a kind about a person, identified by document number and nationality.
    const fn person(distinctive: &'static [Field], fields: &'static [FieldSpec]) -> Self {
        Self::new(PERSON_REQUIRED, distinctive, fields)
    }
}

/// The columns every file about a person must have: the person's identity.
const PERSON_REQUIRED: &[Field] = &[Field::DocumentNumber, Field::Nationality];

/// A field of `value` type, offered in the kind's template.
const fn field_spec(
    value: ValueType,
    field: Field,
    canonical: &'static str,
    synonyms: &'static [&'static str],
) -> FieldSpec {
    FieldSpec {
        field,
        canonical,
        synonyms,
        value,
        in_template: true,
    }
}

/// `text(field, canonical, synonyms)` and the like: a field of that value type, offered
/// in the template.
macro_rules! typed_specs {
    ($($name:ident => $value:ident),* $(,)?) => {$(
        const fn $name(
            field: Field,
            canonical: &'static str,
            synonyms: &'static [&'static str],
        ) -> FieldSpec {
            field_spec(ValueType::$value, field, canonical, synonyms)
        }
    )*};
}

typed_specs!(text => Text, date => Date, datetime => DateTime, number => Number);

// ---- synonyms shared by the kinds about a person -------------------------------------------------

#[rustfmt::skip]
const SEQ: FieldSpec = FieldSpec { in_template: false, ..number(Field::Seq, "序号", &["序号", "编号", "序", "顺序号", "No.", "No", "S/N", "SN", "Serial No.", "Nr."]) };
#[rustfmt::skip]
const NAME: FieldSpec = text(Field::Name, "姓名", &["姓名", "名字", "旅客姓名", "学生姓名", "员工姓名", "人员姓名", "外籍人员姓名", "客人姓名", "住客姓名", "宾客姓名", "教师姓名", "Name", "Full Name", "Passenger Name", "Guest Name", "Student Name"]);
#[rustfmt::skip]
const LATIN_NAME: FieldSpec = text(Field::LatinName, "英文姓名", &["英文姓名", "英文名", "英文名字", "外文姓名", "外文名", "护照姓名", "拼音姓名", "English Name", "Name in English", "Latin Name"]);
#[rustfmt::skip]
const CHINESE_NAME: FieldSpec = text(Field::ChineseName, "中文姓名", &["中文姓名", "中文名", "中文名字", "Chinese Name", "Name in Chinese"]);
#[rustfmt::skip]
const NATIONALITY: FieldSpec = text(Field::Nationality, "国籍", &["国籍", "国别", "国家", "国籍代码", "国家代码", "国家/地区", "国籍/地区", "国家地区", "国籍地区", "所属国家", "Nationality", "Country", "Citizenship", "Country of Citizenship", "Nation", "Nationality Code", "Country Code"]);
#[rustfmt::skip]
const SEX: FieldSpec = text(Field::Sex, "性别", &["性别", "Gender", "Sex"]);
#[rustfmt::skip]
const BIRTH_DATE: FieldSpec = date(Field::BirthDate, "出生日期", &["出生日期", "出生年月日", "出生年月", "生日", "Date of Birth", "DOB", "Birth Date", "Birthday", "Birthdate"]);
#[rustfmt::skip]
const DOCUMENT: FieldSpec = text(Field::DocumentNumber, "护照号码", &["护照号码", "护照号", "护照编号", "护照", "证件号码", "证件号", "证件编号", "护照/证件号码", "护照证件号码", "旅行证件号码", "Passport No.", "Passport Number", "Passport", "Passport No", "Document No.", "Document Number", "ID No.", "ID Number", "Travel Document No."]);
#[rustfmt::skip]
const NOTE: FieldSpec = text(Field::Note, "备注", &["备注", "说明", "Remarks", "Remark", "Note", "Notes", "Comments"]);

// ---- one table per kind -------------------------------------------------------------------------

#[rustfmt::skip]
static VISA: KindSpec = KindSpec::person(&[Field::VisaType, Field::VisaValidUntil], &[
    SEQ, CHINESE_NAME, LATIN_NAME, NAME, SEX, NATIONALITY, BIRTH_DATE, DOCUMENT,
    text(Field::VisaType, "签证种类", &["签证种类", "签证类型", "签证类别", "签证/居留许可种类", "居留许可种类", "签证(居留许可)种类", "Visa Type", "Type of Visa", "Visa Category"]),
    date(Field::VisaValidUntil, "签证有效期至", &["签证有效期至", "有效期至", "签证有效期", "签证到期日", "签证到期日期", "签证截止日期", "居留许可有效期至", "居留许可有效期", "居留有效期至", "停留期至", "Visa Expiry", "Visa Expiry Date", "Visa Valid Until", "Valid Until", "Expiry Date"]),
    text(Field::Organization, "工作/学习单位", &["工作/学习单位", "工作学习单位", "工作单位", "学习单位", "服务单位", "所在单位", "单位", "接待单位", "邀请单位", "Work/Study Unit", "Organization", "Organisation", "Work Unit", "Employer/School"]),
    text(Field::Address, "居住地址", &["居住地址", "住址", "现住址", "在庆住址", "居住地", "住所", "地址", "Address", "Residential Address", "Residence"]),
    NOTE,
]);

#[rustfmt::skip]
static STUDENT: KindSpec = KindSpec::person(&[Field::School, Field::Major, Field::Status, Field::LeftOn], &[
    SEQ,
    text(Field::School, "院校名称", &["院校名称", "学校", "学校名称", "所在院校", "院校", "就读学校", "就读院校", "School", "University", "Institution"]),
    NAME, LATIN_NAME, CHINESE_NAME, NATIONALITY, DOCUMENT, SEX, BIRTH_DATE,
    text(Field::Major, "专业", &["专业", "所学专业", "专业名称", "Major", "Program", "Programme", "Specialty"]),
    text(Field::Status, "在庆状态", &["在庆状态", "在校状态", "状态", "目前状态", "当前状态", "Status"]),
    date(Field::LeftOn, "离校日期", &["离校日期", "离校时间", "离庆日期", "离开日期", "Date of Leaving", "Left On", "Leaving Date"]),
    NOTE,
]);

#[rustfmt::skip]
static UNIVERSITY: KindSpec = KindSpec::person(&[Field::MemberType, Field::College, Field::Dormitory], &[
    SEQ, NAME, LATIN_NAME, CHINESE_NAME, SEX, NATIONALITY, DOCUMENT, BIRTH_DATE,
    text(Field::MemberType, "类别", &["类别", "类型", "身份", "人员类型", "人员类别", "师生类别", "学生/教师", "Type", "Category", "Role", "Student/Teacher"]),
    text(Field::College, "学院", &["学院", "所在学院", "所属学院", "院系", "院(系)", "College", "Faculty", "Department"]),
    text(Field::Dormitory, "宿舍", &["宿舍", "宿舍号", "寝室", "公寓", "住宿", "住宿地址", "Dormitory", "Dorm", "Room", "Accommodation"]),
    NOTE,
]);

#[rustfmt::skip]
static EMPLOYMENT: KindSpec = KindSpec::person(&[Field::Employer, Field::Position, Field::WorkPermitNumber, Field::WorkPermitValidUntil, Field::HiredOn], &[
    SEQ,
    text(Field::Employer, "单位名称", &["单位名称", "所属企业", "企业名称", "用人单位", "工作单位", "公司名称", "公司", "所在单位", "聘用单位", "所属单位", "雇主", "Employer", "Company", "Company Name", "Enterprise"]),
    NAME, LATIN_NAME, CHINESE_NAME, NATIONALITY, DOCUMENT, SEX, BIRTH_DATE,
    text(Field::Position, "职务", &["职务", "岗位", "职位", "工作岗位", "职称", "Position", "Job Title", "Title", "Post"]),
    text(Field::WorkPermitNumber, "工作许可证号", &["工作许可证号", "工作许可号", "工作许可证编号", "外国人工作许可证号", "工作证号", "Work Permit No.", "Work Permit Number"]),
    date(Field::WorkPermitValidUntil, "工作许可有效期", &["工作许可有效期", "工作许可有效期至", "工作许可证有效期", "工作许可证有效期至", "工作许可到期日", "Work Permit Expiry", "Work Permit Valid Until", "Work Permit Expiry Date"]),
    date(Field::HiredOn, "入职日期", &["入职日期", "入职时间", "聘用日期", "到岗日期", "Hire Date", "Date of Hire", "Start Date", "Employment Date"]),
    text(Field::Phone, "联系电话", &["联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "Phone", "Telephone", "Tel", "Mobile", "Contact"]),
    NOTE,
]);

#[rustfmt::skip]
static LODGING: KindSpec = KindSpec::person(&[Field::Hotel, Field::CheckIn, Field::CheckOut], &[
    SEQ,
    text(Field::Hotel, "酒店/景区", &["酒店/景区", "住宿场所", "酒店", "宾馆", "酒店名称", "宾馆名称", "景区", "住宿地点", "入住酒店", "旅馆", "Hotel", "Hotel Name"]),
    NAME, LATIN_NAME, CHINESE_NAME, NATIONALITY, DOCUMENT, SEX, BIRTH_DATE,
    datetime(Field::CheckIn, "入住日期", &["入住日期", "入住时间", "抵店日期", "到店日期", "抵达日期", "Check-in", "Check-in Date", "Check In Date", "Arrival Date"]),
    datetime(Field::CheckOut, "离店日期", &["离店日期", "离店时间", "退房日期", "退房时间", "Check-out", "Check-out Date", "Check Out Date", "Departure Date"]),
    NOTE,
]);

#[rustfmt::skip]
static PASSENGER: KindSpec = KindSpec::new(&[Field::DocumentNumber, Field::Nationality, Field::At], &[Field::At, Field::CarrierNumber, Field::Direction, Field::Origin, Field::Destination], &[
    SEQ,
    datetime(Field::At, "日期时间", &["日期时间", "日期", "时间", "航班日期", "乘车日期", "进出港时间", "进出港日期", "到达时间", "出发时间", "起飞时间", "发车时间", "Date", "Time", "Date/Time", "DateTime", "Flight Date"]),
    text(Field::CarrierNumber, "航班号/车次", &["航班号/车次", "航班号", "车次", "航班/车次", "航班", "班次", "车次号", "航班车次", "Flight", "Flight No.", "Flight Number", "Train No.", "Train Number"]),
    NAME, LATIN_NAME, CHINESE_NAME, NATIONALITY, DOCUMENT, SEX, BIRTH_DATE,
    text(Field::Origin, "出发地", &["出发地", "始发地", "起点", "出发城市", "From", "Origin"]),
    text(Field::Destination, "目的地", &["目的地", "到达地", "终点", "到达城市", "To", "Destination"]),
    text(Field::Direction, "进出港", &["进出港", "进出", "进/出港", "进港/出港", "进出港类型", "进出方向", "方向", "Direction", "In/Out", "Arrival/Departure"]),
    NOTE,
]);

#[rustfmt::skip]
static HEALTH: KindSpec = KindSpec::new(&[Field::DocumentNumber, Field::Nationality, Field::CheckedAt], &[Field::CheckedAt, Field::Temperature], &[
    SEQ,
    datetime(Field::CheckedAt, "检测日期", &["检测日期", "检测时间", "测温日期", "测温时间", "检查日期", "日期", "Date", "Check Date"]),
    NAME, LATIN_NAME, CHINESE_NAME, NATIONALITY, DOCUMENT, SEX, BIRTH_DATE,
    number(Field::Temperature, "体温(℃)", &["体温", "温度", "测量体温", "体温值", "Temperature", "Temp", "Body Temperature"]),
    text(Field::CheckStatus, "情况", &["情况", "状态", "健康状况", "身体状况", "检测结果", "症状", "Status", "Condition", "Result"]),
    NOTE,
]);

#[rustfmt::skip]
static DAILY: KindSpec = KindSpec::new(&[Field::ReportDate], &[Field::Arrivals, Field::Departures, Field::Anomalies], &[
    date(Field::ReportDate, "报告日期", &["报告日期", "填报日期", "上报日期", "日期", "Report Date", "Date"]),
    number(Field::Arrivals, "新增人数", &["新增人数", "新增", "新增人员", "新增外籍人员", "到达人数", "来庆人数", "New Arrivals", "Arrivals"]),
    number(Field::Departures, "离开人数", &["离开人数", "离开", "离庆人数", "离境人数", "Departures"]),
    text(Field::Anomalies, "异常情况", &["异常情况", "异常", "特殊情况", "Anomalies", "Incidents", "Exceptions"]),
    NOTE,
]);

#[rustfmt::skip]
const SUPPLY_COUNTRY: FieldSpec = text(Field::Nationality, "国家/地区", &["国家/地区", "国别", "国家", "地区", "国家地区", "国别/地区", "国籍", "所在国家", "来源国", "Country", "Country/Region", "Region"]);
#[rustfmt::skip]
const ITEM: FieldSpec = text(Field::Item, "物资名称", &["物资名称", "款物名称", "品名", "物资", "物品名称", "物品", "产品名称", "商品名称", "货物名称", "捐赠物资", "采购物资", "名称", "Item", "Goods", "Product", "Description"]);
#[rustfmt::skip]
const QUANTITY: FieldSpec = number(Field::Quantity, "数量", &["数量", "捐赠数量", "采购数量", "合同数量", "到货数量", "Quantity", "Qty"]);
#[rustfmt::skip]
const UNIT: FieldSpec = text(Field::Unit, "单位", &["单位", "计量单位", "数量单位", "Unit", "UoM"]);
#[rustfmt::skip]
const CURRENCY: FieldSpec = text(Field::Currency, "币种", &["币种", "货币", "币别", "货币种类", "Currency"]);
#[rustfmt::skip]
const STATUS: FieldSpec = text(Field::Status, "状态", &["状态", "执行情况", "进展", "进展情况", "当前状态", "到货情况", "Status", "State"]);

#[rustfmt::skip]
static DONATION: KindSpec = KindSpec::new(&[Field::DonatedAt, Field::Item], &[Field::Donor, Field::ReceiptNumber, Field::Recipient], &[
    SEQ,
    datetime(Field::DonatedAt, "登记日期", &["登记日期", "接收日期", "日期", "捐赠日期", "到货日期", "入库日期", "登记时间", "接收时间", "捐赠时间", "到账日期", "收款日期", "受赠日期", "Date", "Date Received"]),
    text(Field::Donor, "捐赠方", &["捐赠方", "捐赠人", "捐赠单位", "捐赠者", "捐助方", "捐赠单位/个人", "捐赠人/单位", "捐款人", "爱心人士", "Donor", "Donated By"]),
    SUPPLY_COUNTRY, ITEM, QUANTITY, UNIT,
    number(Field::Value, "折合金额（元）", &["折合金额", "金额", "价值", "折合价值", "捐赠金额", "折价", "估值", "货值", "Value", "Amount"]),
    CURRENCY, STATUS,
    text(Field::Recipient, "接收单位", &["接收单位", "受赠单位", "去向", "受赠方", "接收方", "受捐单位", "分配去向", "物资去向", "接收机构", "Recipient", "Received By"]),
    text(Field::ReceiptNumber, "票据号", &["票据号", "收据编号", "捐赠编号", "收据号", "票据编号", "凭证号", "捐赠票据号", "收据号码", "Receipt No.", "Receipt Number", "Receipt"]),
    NOTE,
]);

#[rustfmt::skip]
static PROCUREMENT: KindSpec = KindSpec::new(&[Field::StatusDate, Field::Item, Field::Status], &[Field::ContractNumber, Field::Supplier, Field::PaidAmount, Field::Buyer, Field::UnitPrice], &[
    text(Field::ContractNumber, "合同编号", &["合同编号", "合同号", "合同号码", "订单号", "订单编号", "采购编号", "Contract No.", "Contract Number", "Contract", "Order No."]),
    datetime(Field::StatusDate, "状态日期", &["状态日期", "日期", "更新时间", "更新日期", "时间", "登记日期", "Date", "Status Date", "Updated"]),
    text(Field::Supplier, "供应商", &["供应商", "厂家", "外方企业", "生产厂家", "供货商", "供货方", "卖方", "供应企业", "供货企业", "外方", "Supplier", "Vendor", "Manufacturer"]),
    SUPPLY_COUNTRY, ITEM, QUANTITY, UNIT,
    text(Field::UnitPrice, "单价", &["单价", "价格", "报价", "Unit Price", "Price"]),
    CURRENCY,
    number(Field::ContractAmount, "合同金额", &["合同金额", "合同总额", "总价", "总金额", "合同价款", "金额", "Contract Amount", "Total", "Amount"]),
    number(Field::PaidAmount, "已付金额", &["已付金额", "已付款", "付款金额", "已支付", "实付金额", "已付", "预付款", "已付款金额", "Paid", "Amount Paid"]),
    STATUS,
    text(Field::Buyer, "需求方", &["需求方", "采购主体", "采购单位", "买方", "需求单位", "采购方", "用户单位", "Buyer", "Purchaser"]),
    NOTE,
]);

#[rustfmt::skip]
static OUTREACH: KindSpec = KindSpec::new(&[Field::ContactDate, Field::Contact], &[Field::Contact, Field::Channel, Field::Outcome, Field::Subject], &[
    SEQ,
    datetime(Field::ContactDate, "联系日期", &["联系日期", "日期", "联系时间", "时间", "Date", "Contact Date"]),
    text(Field::Contact, "联系对象", &["联系对象", "联系单位/个人", "联系单位", "对象", "联系机构", "外联对象", "单位/个人", "Contact", "Organisation", "Organization"]),
    SUPPLY_COUNTRY,
    text(Field::Channel, "联系方式", &["联系方式", "方式", "联系渠道", "渠道", "Channel", "Via"]),
    text(Field::Subject, "事项", &["事项", "联系事项", "内容", "联系内容", "事由", "Subject", "Topic"]),
    text(Field::Outcome, "结果", &["结果", "联系结果", "反馈", "回复", "Result", "Outcome"]),
    NOTE,
]);

/// The header table of a kind.
pub(crate) fn spec(kind: SourceKind) -> &'static KindSpec {
    match kind {
        SourceKind::VisaRegistry => &VISA,
        SourceKind::StudentRoster => &STUDENT,
        SourceKind::UniversityRoster => &UNIVERSITY,
        SourceKind::EmploymentRoster => &EMPLOYMENT,
        SourceKind::LodgingRegister => &LODGING,
        SourceKind::PassengerFlow => &PASSENGER,
        SourceKind::HealthCheck => &HEALTH,
        SourceKind::DailyReport => &DAILY,
        SourceKind::DonationRegister => &DONATION,
        SourceKind::ProcurementRegister => &PROCUREMENT,
        SourceKind::OutreachLog => &OUTREACH,
    }
}

impl KindSpec {
    /// The canonical header of a field of this kind.
    pub fn canonical(&self, field: Field) -> &'static str {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .map_or("", |f| f.canonical)
    }
}

/// Canonical Chinese headers of a kind, in template order.
pub fn canonical_headers(kind: SourceKind) -> Vec<&'static str> {
    spec(kind)
        .fields
        .iter()
        .filter(|f| f.in_template)
        .map(|f| f.canonical)
        .collect()
}

/// The comparison form of a header: NFKC, lower case, bracketed parts ("(℃)", "（Student/Teacher）")
/// removed, white space and punctuation removed.
pub fn normalize_header(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    let mut depth = 0usize;
    for c in h.nfkc() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            _ if c.is_whitespace() => {}
            '.' | ':' | '*' | '#' | '/' | '\\' | '_' | '-' | '、' | '·' | '\'' | '"' | '“'
            | '”' | '?' | '？' => {}
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Normalised synonym → field, per kind.
#[cfg(test)]
static INDEX: LazyLock<HashMap<SourceKind, HashMap<String, Field>>> = LazyLock::new(|| {
    SourceKind::ALL
        .into_iter()
        .map(|kind| {
            let mut map = HashMap::new();
            for f in spec(kind).fields {
                for s in f.synonyms.iter().chain(std::iter::once(&f.canonical)) {
                    map.entry(normalize_header(s)).or_insert(f.field);
                }
            }
            (kind, map)
        })
        .collect()
});

/// The field a header names for a kind, if any, by exact synonym.
#[cfg(test)]
pub(crate) fn field_of(kind: SourceKind, header: &str) -> Option<Field> {
    let key = normalize_header(header);
    if key.is_empty() {
        return None;
    }
    INDEX.get(&kind).and_then(|m| m.get(&key)).copied()
}

/// How one row's cells map to a kind's fields.
#[derive(Debug, Clone)]
pub(crate) struct HeaderMatch {
    pub kind: SourceKind,
    /// (column index, field) of recognised columns, one column per field, in column order.
    pub columns: Vec<(u32, Field)>,
    /// How each recognised column was matched, aligned with `columns`.
    pub hows: Vec<How>,
    /// The total weight of the matching: how well the row fits the kind.
    pub weight: i64,
    /// Headers (as written) of the recognised columns.
    pub recognised: Vec<String>,
    /// Canonical names of missing required columns.
    pub missing: Vec<String>,
    /// When no distinctive column is present: "one of A/B/C".
    pub missing_distinctive: Option<String>,
    /// Whether every required column is present.
    pub complete: bool,
    /// Whether a distinctive column is present.
    pub distinctive: bool,
    /// Whether a mapping the unit saved for these headers applied.
    pub saved_mapping: bool,
    /// The cells of the row (column, text as written).
    pub cells: Vec<(u32, String)>,
}

impl HeaderMatch {
    /// Number of distinct recognised fields.
    pub fn score(&self) -> usize {
        self.columns.len()
    }

    /// The field column `col` was read as, and how it was matched.
    pub fn read(&self, col: u32) -> Option<(Field, How)> {
        self.columns
            .iter()
            .zip(&self.hows)
            .find(|((c, _), _)| *c == col)
            .map(|((_, f), how)| (*f, *how))
    }

    /// Every cell of the row with the field guessed for it (no sample values: the rows under
    /// a row that is not the header are not read).
    pub fn guesses(&self) -> Vec<crate::notes::ColumnNote> {
        let spec = spec(self.kind);
        self.cells
            .iter()
            .map(|(col, text)| {
                let read = self.read(*col);
                crate::notes::ColumnNote {
                    column: *col,
                    header: text.trim().to_owned(),
                    field: read.map(|(f, _)| f.name().to_owned()),
                    field_label: read.map(|(f, _)| spec.canonical(f).to_owned()),
                    how: read.map_or("unmapped", |(_, how)| how.as_str()).to_owned(),
                    samples: Vec::new(),
                    likely: None,
                }
            })
            .collect()
    }
}

/// Matches a row of (column, text) cells against a kind's fields ([`crate::matching`]), with
/// the columns the uploader fixed.
pub(crate) fn match_row(
    kind: SourceKind,
    fixes: &RowFixes,
    cells: &[(u32, String)],
) -> HeaderMatch {
    let spec = spec(kind);
    let mut paired = pair_columns(kind, cells, &fixes.columns);
    paired.sort_by_key(|p| p.column);
    let text_of = |col: u32| {
        cells
            .iter()
            .find(|(c, _)| *c == col)
            .map_or(String::new(), |(_, t)| t.trim().to_string())
    };
    let columns: Vec<(u32, Field)> = paired.iter().map(|p| (p.column, p.field)).collect();
    let hows = paired.iter().map(|p| p.how).collect();
    let weight = paired.iter().map(|p| p.weight).sum();
    let recognised = paired.iter().map(|p| text_of(p.column)).collect();
    let has = |f: &Field| columns.iter().any(|(_, g)| g == f);
    let missing: Vec<String> = spec
        .required
        .iter()
        .filter(|f| !has(f))
        .map(|f| spec.canonical(*f).to_string())
        .collect();
    let complete = missing.is_empty();
    // A word found inside a header ("日期" in "入职日期") does not make a file of a kind: a
    // distinctive column is named by a synonym, whole or as a part of a compound header.
    let distinctive = paired
        .iter()
        .any(|p| spec.distinctive.contains(&p.field) && p.how <= How::Part);
    let missing_distinctive = (!distinctive).then(|| {
        let names: Vec<&str> = spec
            .distinctive
            .iter()
            .map(|f| spec.canonical(*f))
            .collect();
        format!("以下任一列 one of: {}", names.join("/"))
    });
    HeaderMatch {
        kind,
        columns,
        hows,
        weight,
        recognised,
        missing,
        missing_distinctive,
        complete,
        distinctive,
        saved_mapping: fixes.saved,
        cells: cells.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::numbered;

    #[test]
    fn normalising() {
        assert_eq!(normalize_header(" 体温(℃) "), "体温");
        assert_eq!(normalize_header("体温（℃）"), "体温");
        assert_eq!(normalize_header("Passport No."), "passportno");
        assert_eq!(normalize_header("Type (Student/Teacher)"), "type");
        assert_eq!(normalize_header("工作/学习单位"), "工作学习单位");
        assert_eq!(normalize_header("*护照号码："), "护照号码");
        assert_eq!(normalize_header("ＮＡＭＥ"), "name");
    }

    #[test]
    fn no_synonym_is_claimed_by_two_fields_of_one_kind() {
        for kind in SourceKind::ALL {
            let mut seen: HashMap<String, Field> = HashMap::new();
            for f in spec(kind).fields {
                for s in f.synonyms.iter().chain(std::iter::once(&f.canonical)) {
                    let k = normalize_header(s);
                    assert!(!k.is_empty(), "{kind}: {s}");
                    if let Some(other) = seen.insert(k.clone(), f.field) {
                        assert_eq!(
                            other, f.field,
                            "{kind}: '{s}' claimed by {other:?} and {:?}",
                            f.field
                        );
                    }
                }
            }
            for r in spec(kind).required {
                assert!(spec(kind).fields.iter().any(|f| f.field == *r));
            }
        }
    }

    #[test]
    fn domain_headers_are_recognised() {
        let m = match_row(
            SourceKind::VisaRegistry,
            &RowFixes::default(),
            // The police list's columns as the police write them (every generated list's).
            &numbered(&devtools::POLICE_LIST_HEADERS),
        );
        assert!(m.complete && m.distinctive);
        assert_eq!(m.score(), 12);
        let m = match_row(
            SourceKind::UniversityRoster,
            &RowFixes::default(),
            &numbered(&[
                "No.",
                "Name",
                "Gender",
                "Nationality",
                "Passport No.",
                "Date of Birth",
                "Type (Student/Teacher)",
                "College",
                "Dormitory",
            ]),
        );
        assert_eq!(m.score(), 9);
        let m = match_row(
            SourceKind::HealthCheck,
            &RowFixes::default(),
            &numbered(&["检测日期", "姓名", "护照号码", "体温(℃)", "情况"]),
        );
        assert!(!m.complete);
        assert_eq!(m.missing, vec!["国籍".to_string()]);
        let m = match_row(
            SourceKind::DailyReport,
            &RowFixes::default(),
            &numbered(&["报告日期", "新增人数", "离开人数", "异常情况", "备注"]),
        );
        assert!(m.complete && m.distinctive && m.score() == 5);
    }

    #[test]
    fn canonical_headers_are_their_own_synonyms() {
        for kind in SourceKind::ALL {
            for h in canonical_headers(kind) {
                assert!(field_of(kind, h).is_some(), "{kind}: {h}");
            }
        }
    }
}
