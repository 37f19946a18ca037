//! The files each member unit uploads, as views of the one synthetic population: the
//! police visa list, the education bureau's students, each university's roster, the
//! employers' staff lists, the hotel register, the airport's (GBK csv), railway's and
//! coach company's passenger lists, temperature checks and every unit's daily reports.
//! Header spellings differ between units as they do in real lists, and a few rows are
//! hostile (unknown nationality, missing passport, impossible dates).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use importers::SourceKind;
use importers::countries::by_alpha3;
use rand::Rng;
use rand::seq::IndexedRandom;

use super::book::{Cell, Table};
use super::population::{
    Carrier, DISTRICTS, EMPLOYERS, HOTELS, Person, Role, Span, Trip, UNIVERSITIES,
};

/// How a table is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An xlsx workbook with title and footer.
    Xlsx,
    /// A GBK csv export.
    GbkCsv,
}

/// One file a unit uploads, before it is written.
pub struct Source {
    /// The uploading unit.
    pub unit: String,
    /// The source kind.
    pub kind: SourceKind,
    /// File name (without the directory).
    pub file_name: String,
    /// The content.
    pub table: Table,
    /// How it is written.
    pub format: Format,
}

fn zh(person: &Person) -> &'static str {
    by_alpha3(person.origin.alpha3).map_or(person.origin.alpha3, |c| c.name_zh)
}

fn en(person: &Person) -> &'static str {
    by_alpha3(person.origin.alpha3).map_or(person.origin.alpha3, |c| c.name_en)
}

fn latin(person: &Person) -> String {
    format!("{} {}", person.name.surname, person.name.given)
}

fn sex_zh(person: &Person) -> &'static str {
    if person.female { "女" } else { "男" }
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|h| (*h).to_owned()).collect()
}

fn seq(i: usize) -> Cell {
    Cell::Number((i + 1) as f64)
}

fn footer(rng: &mut impl Rng) -> String {
    let clerks = ["王丽", "李强", "张伟", "刘洋", "陈静", "赵敏"];
    format!(
        "填报人：{}    联系电话：0459-{}    审核人：{}",
        clerks.choose(rng).unwrap_or(&"王丽"),
        rng.random_range(4_000_000..6_999_999),
        clerks.choose(rng).unwrap_or(&"李强")
    )
}

fn subtitle(unit_name: &str, today: NaiveDate) -> Option<String> {
    Some(format!(
        "填报单位：{unit_name}    填报日期：{}",
        today.format("%Y年%m月%d日")
    ))
}

/// Whether the person is in the city at `at` (latest movement at or before decides).
fn present_at(person: &Person, at: NaiveDateTime) -> bool {
    person
        .trips
        .iter()
        .rev()
        .find(|t| t.at <= at)
        .is_none_or(|t| t.arrival)
}

/// Everything the units upload, in the order the demo imports it: the daily reports and
/// temperature checks, the rosters, then the passenger lists (so the latest uploads are
/// the lists people look at).
pub fn all(
    rng: &mut impl Rng,
    people: &[Person],
    span: &Span,
    units: &[(String, String)],
) -> Vec<Source> {
    let name_of = |code: &str| {
        units
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_owned(), |(_, n)| n.clone())
    };
    let today = span.now.date();
    let stamp = today.format("%Y%m%d").to_string();
    let mut out: Vec<Source> = units
        .iter()
        .map(|(code, name)| daily_reports(rng, people, code, name, span))
        .collect();
    out.push(cdc_checks(rng, people, &name_of("cdc"), span));
    out.push(police_checks(rng, people, &name_of("police"), span));
    for (district, (code, _)) in DISTRICTS.iter().enumerate() {
        out.push(district_checks(
            rng,
            people,
            district,
            code,
            &name_of(code),
            span,
        ));
    }
    out.push(police_visas(rng, people, &name_of("police"), today, &stamp));
    out.push(education(rng, people, &name_of("education"), today, &stamp));
    for (index, university) in UNIVERSITIES.iter().enumerate() {
        out.push(university_roster(
            rng,
            people,
            index,
            &name_of(university.unit),
            today,
        ));
    }
    let mut employer_units: Vec<&str> = EMPLOYERS.iter().map(|e| e.unit).collect();
    employer_units.dedup();
    for unit in employer_units {
        out.push(employment(rng, people, unit, &name_of(unit), today, &stamp));
    }
    out.push(lodging(rng, people, &name_of("tourism"), today, &stamp));
    for carrier in [Carrier::Air, Carrier::Rail, Carrier::Coach] {
        out.push(passengers(rng, people, carrier, &name_of, span));
    }
    out
}

fn organization_as_written(rng: &mut impl Rng, person: &Person) -> Cell {
    match person.role {
        Role::Student { university } | Role::Teacher { university } => {
            Cell::from(*UNIVERSITIES[university].aliases.choose(rng).unwrap_or(&""))
        }
        Role::Employee { employer } => {
            Cell::from(*EMPLOYERS[employer].spellings.choose(rng).unwrap_or(&""))
        }
        Role::Guest { .. } | Role::Resident => Cell::Empty,
    }
}

fn police_visas(
    rng: &mut impl Rng,
    people: &[Person],
    unit_name: &str,
    today: NaiveDate,
    stamp: &str,
) -> Source {
    let held = people.iter().position(|p| p.overstay);
    let mut rows = Vec::new();
    for (index, person) in people.iter().enumerate().filter(|(_, p)| p.on_police_list) {
        let (category, until) = person.visa.unwrap_or(("", today));
        let note = if held == Some(index) {
            "逾期滞留，出入境管理局收容审查，每日测温"
        } else if person.overstay {
            "签证已过期，已责令限期出境"
        } else {
            ""
        };
        rows.push(vec![
            seq(rows.len()),
            Cell::from(person.name.chinese.clone()),
            Cell::from(latin(person)),
            Cell::from(sex_zh(person)),
            Cell::from(zh(person)),
            Cell::Date(person.birth),
            Cell::from(person.passport.clone()),
            Cell::from(category),
            Cell::Date(until),
            organization_as_written(rng, person),
            Cell::from(person.address.clone()),
            Cell::from(note),
        ]);
    }
    // Hostile rows: an unknown nationality and a missing passport number.
    let n = rows.len();
    rows.insert(
        n / 3,
        vec![
            seq(n / 3),
            Cell::from("约翰·多伊"),
            Cell::from("DOE JOHN"),
            Cell::from("男"),
            Cell::from("火星"),
            Cell::Date(today - Duration::days(12_000)),
            Cell::from("X0000001"),
            Cell::from("Z"),
            Cell::Date(today + Duration::days(200)),
            Cell::Empty,
            Cell::from("萨尔图区世纪大道1号"),
            Cell::from("国籍待核实"),
        ],
    );
    rows.insert(
        2 * n / 3,
        vec![
            seq(2 * n / 3),
            Cell::from("玛丽亚·席尔瓦"),
            Cell::from("SILVA MARIA"),
            Cell::from("女"),
            Cell::from("巴西"),
            Cell::Date(today - Duration::days(11_000)),
            Cell::Empty,
            Cell::from("S1"),
            Cell::Date(today + Duration::days(100)),
            Cell::Empty,
            Cell::from("让胡路区西宾路8号"),
            Cell::from("护照号码漏填"),
        ],
    );
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = seq(i);
    }
    Source {
        unit: "police".to_owned(),
        kind: SourceKind::VisaRegistry,
        file_name: format!("公安出入境_外国人签证登记表_{stamp}.xlsx"),
        table: Table {
            sheet: "签证登记".to_owned(),
            title: "大庆市在住外国人签证（居留许可）登记表".to_owned(),
            subtitle: subtitle(unit_name, today),
            headers: headers(&crate::POLICE_LIST_HEADERS),
            rows,
            footer: Some(footer(rng)),
        },
        format: Format::Xlsx,
    }
}

fn education(
    rng: &mut impl Rng,
    people: &[Person],
    unit_name: &str,
    today: NaiveDate,
    stamp: &str,
) -> Source {
    let majors = ["石油工程", "临床医学", "汉语言", "化学工程", "农学", "护理"];
    let mut rows = Vec::new();
    for person in people {
        let Role::Student { university } = person.role else {
            continue;
        };
        let left = person
            .trips
            .last()
            .filter(|t| !t.arrival)
            .map(|t| t.at.date());
        rows.push(vec![
            seq(rows.len()),
            Cell::from(*UNIVERSITIES[university].aliases.choose(rng).unwrap_or(&"")),
            Cell::from(latin(person)),
            Cell::from(if rng.random_bool(0.8) {
                zh(person)
            } else {
                en(person)
            }),
            Cell::from(person.passport.clone()),
            Cell::from(*majors.choose(rng).unwrap_or(&"汉语言")),
            Cell::from(if left.is_some() {
                "离庆未返"
            } else {
                "在庆"
            }),
            left.map_or(Cell::Empty, Cell::Date),
        ]);
    }
    rows.push(vec![
        seq(rows.len()),
        Cell::from("东北石油大学"),
        Cell::from("NEMO CAPTAIN"),
        Cell::from("阿特兰蒂斯"),
        Cell::from("AT1234567"),
        Cell::from("海洋工程"),
        Cell::from("在庆"),
        Cell::Empty,
    ]);
    Source {
        unit: "education".to_owned(),
        kind: SourceKind::StudentRoster,
        file_name: format!("教育局_来华留学生名单_{stamp}.xlsx"),
        table: Table {
            sheet: "留学生".to_owned(),
            title: "大庆市各高校来华留学生在庆情况统计表".to_owned(),
            subtitle: subtitle(unit_name, today),
            headers: headers(&[
                "序号",
                "院校名称",
                "学生姓名",
                "国籍",
                "护照号",
                "专业",
                "在庆状态",
                "离校日期",
            ]),
            rows,
            footer: Some(footer(rng)),
        },
        format: Format::Xlsx,
    }
}

fn university_roster(
    rng: &mut impl Rng,
    people: &[Person],
    index: usize,
    unit_name: &str,
    today: NaiveDate,
) -> Source {
    let university = &UNIVERSITIES[index];
    let chinese = index % 2 == 1;
    let mut rows = Vec::new();
    for person in people {
        let teacher = match person.role {
            Role::Student { university } if university == index => false,
            Role::Teacher { university } if university == index => true,
            _ => continue,
        };
        let passport = person
            .renewed_passport
            .clone()
            .unwrap_or_else(|| person.passport.clone());
        let kind = match (chinese, teacher) {
            (true, true) => "教师",
            (true, false) => "学生",
            (false, true) => "Teacher",
            (false, false) => "Student",
        };
        rows.push(vec![
            seq(rows.len()),
            Cell::from(latin(person)),
            Cell::from(match (chinese, person.female) {
                (true, _) => sex_zh(person),
                (false, true) => "Female",
                (false, false) => "Male",
            }),
            Cell::from(if chinese { zh(person) } else { en(person) }),
            Cell::from(passport),
            Cell::Date(person.mistyped_birth.unwrap_or(person.birth)),
            Cell::from(kind),
            Cell::from(*university.colleges.choose(rng).unwrap_or(&"")),
            Cell::from(format!(
                "留学生公寓{}号楼{}",
                rng.random_range(1..4),
                rng.random_range(101..630)
            )),
        ]);
    }
    if index == 0 {
        rows.push(vec![
            seq(rows.len()),
            Cell::from("NOVAK PETRA"),
            Cell::from("Female"),
            Cell::from("Czechia"),
            Cell::from("待补"),
            Cell::Empty,
            Cell::from("Student"),
            Cell::from("国际教育学院"),
            Cell::Empty,
        ]);
    }
    let header_names: &[&str] = if chinese {
        &[
            "序号",
            "姓名",
            "性别",
            "国籍",
            "护照号码",
            "出生日期",
            "类别",
            "学院",
            "宿舍",
        ]
    } else {
        &[
            "No.",
            "Name",
            "Gender",
            "Nationality",
            "Passport No.",
            "Date of Birth",
            "Type (Student/Teacher)",
            "College",
            "Dormitory",
        ]
    };
    Source {
        unit: university.unit.to_owned(),
        kind: SourceKind::UniversityRoster,
        file_name: format!(
            "{}_International Students and Teachers.xlsx",
            university.name
        ),
        table: Table {
            sheet: if chinese { "外籍师生" } else { "Roster" }.to_owned(),
            title: format!("{}外籍师生名单", university.name),
            subtitle: subtitle(unit_name, today),
            headers: headers(header_names),
            rows,
            footer: Some(footer(rng)),
        },
        format: Format::Xlsx,
    }
}

fn employment(
    rng: &mut impl Rng,
    people: &[Person],
    unit: &str,
    unit_name: &str,
    today: NaiveDate,
    stamp: &str,
) -> Source {
    let enterprise = matches!(unit, "oilfield" | "petrochem" | "refinery");
    let mut rows = Vec::new();
    for person in people {
        let Role::Employee { employer } = person.role else {
            continue;
        };
        let employer = &EMPLOYERS[employer];
        if employer.unit != unit {
            continue;
        }
        rows.push(vec![
            seq(rows.len()),
            Cell::from(*employer.spellings.choose(rng).unwrap_or(&"")),
            Cell::from(latin(person)),
            Cell::from(zh(person)),
            Cell::from(person.passport.clone()),
            Cell::from(*employer.positions.choose(rng).unwrap_or(&"")),
            Cell::from(format!(
                "{}{:014}",
                rng.random_range(1..10),
                rng.random_range(0..100_000_000_000_000u64)
            )),
            Cell::Date(today + Duration::days(rng.random_range(20..700))),
            person.hired_on.map_or(Cell::Empty, Cell::Date),
            Cell::from(person.phone.clone()),
        ]);
    }
    if unit == "hitech"
        && let Some(row) = rows.get_mut(1)
    {
        // An impossible date in an optional column: reported, the row still lands.
        row[8] = Cell::from("2019-13-45");
    }
    let header_names: &[&str] = if enterprise {
        &[
            "序号",
            "单位名称",
            "姓名",
            "国籍",
            "护照号码",
            "职务",
            "工作许可证号",
            "工作许可有效期",
            "入职日期",
            "联系电话",
        ]
    } else {
        &[
            "序号",
            "所属企业",
            "员工姓名",
            "国别",
            "证件号码",
            "岗位",
            "工作许可证号",
            "工作许可有效期至",
            "入职时间",
            "手机",
        ]
    };
    Source {
        unit: unit.to_owned(),
        kind: SourceKind::EmploymentRoster,
        file_name: format!("{unit}_外籍员工花名册_{stamp}.xlsx"),
        table: Table {
            sheet: "外籍员工".to_owned(),
            title: format!("{unit_name}外籍员工花名册"),
            subtitle: subtitle(unit_name, today),
            headers: headers(header_names),
            rows,
            footer: Some(footer(rng)),
        },
        format: Format::Xlsx,
    }
}

fn lodging(
    rng: &mut impl Rng,
    people: &[Person],
    unit_name: &str,
    today: NaiveDate,
    stamp: &str,
) -> Source {
    let mut rows = Vec::new();
    for person in people {
        let (Role::Guest { hotel }, Some(stay)) = (person.role, &person.stay) else {
            continue;
        };
        rows.push(vec![
            seq(rows.len()),
            Cell::from(*HOTELS[hotel].spellings.choose(rng).unwrap_or(&"")),
            Cell::from(latin(person)),
            Cell::from(zh(person)),
            Cell::from(person.passport.clone()),
            Cell::DateTime(stay.check_in),
            stay.check_out.map_or(Cell::Empty, Cell::DateTime),
            Cell::Empty,
        ]);
    }
    rows.push(vec![
        seq(rows.len()),
        Cell::from("万达嘉华"),
        Cell::from("LEE SOYEON"),
        Cell::from("韩国"),
        Cell::Empty,
        Cell::DateTime(today.and_hms_opt(9, 30, 0).unwrap_or_default()),
        Cell::Empty,
        Cell::from("前台未登记护照"),
    ]);
    Source {
        unit: "tourism".to_owned(),
        kind: SourceKind::LodgingRegister,
        file_name: format!("文旅局_涉外住宿登记汇总_{stamp}.xlsx"),
        table: Table {
            sheet: "住宿登记".to_owned(),
            title: "全市宾馆酒店、温泉景区境外人员住宿登记汇总表".to_owned(),
            subtitle: subtitle(unit_name, today),
            headers: headers(&[
                "序号",
                "住宿场所",
                "客人姓名",
                "国籍",
                "护照号码",
                "入住时间",
                "离店时间",
                "备注",
            ]),
            rows,
            footer: Some(footer(rng)),
        },
        format: Format::Xlsx,
    }
}

fn passengers(
    rng: &mut impl Rng,
    people: &[Person],
    carrier: Carrier,
    name_of: &dyn Fn(&str) -> String,
    span: &Span,
) -> Source {
    let mut trips: Vec<(&Person, &Trip)> = people
        .iter()
        .flat_map(|p| p.trips.iter().map(move |t| (p, t)))
        .filter(|(_, t)| t.carrier == carrier)
        .collect();
    trips.sort_by_key(|(_, t)| t.at);
    let here = match carrier {
        Carrier::Air => "大庆",
        Carrier::Rail => "大庆西",
        Carrier::Coach => "大庆客运站",
    };
    let mut rows: Vec<Vec<Cell>> = trips
        .iter()
        .map(|(person, trip)| {
            let (from, to) = if trip.arrival {
                (trip.other_end, here)
            } else {
                (here, trip.other_end)
            };
            let (name, nationality, direction) = match carrier {
                Carrier::Air => (
                    format!("{}/{}", person.name.surname, person.name.given),
                    person.origin.alpha3.to_owned(),
                    if trip.arrival { "进港" } else { "出港" },
                ),
                _ => (
                    latin(person),
                    zh(person).to_owned(),
                    if trip.arrival { "到达" } else { "出发" },
                ),
            };
            vec![
                Cell::DateTime(trip.at),
                Cell::from(trip.number),
                Cell::from(name),
                Cell::from(nationality),
                Cell::from(person.passport.clone()),
                Cell::from(from),
                Cell::from(to),
                Cell::from(direction),
            ]
        })
        .collect();
    let today = span.now.date();
    let (unit, file_name, header_names, title): (&str, String, &[&str], &str) = match carrier {
        Carrier::Air => {
            // The airport's export: an unknown nationality code and an impossible date.
            rows.push(vec![
                Cell::from("2020-13-45 10:00"),
                Cell::from("MU5621"),
                Cell::from("TEST/PASSENGER"),
                Cell::from("KOR"),
                Cell::from("M00000000"),
                Cell::from("北京"),
                Cell::from("大庆"),
                Cell::from("进港"),
            ]);
            rows.push(vec![
                Cell::DateTime(span.now - Duration::hours(3)),
                Cell::from("CZ6212"),
                Cell::from("UNKNOWN/PERSON"),
                Cell::from("XXZ"),
                Cell::from("Q12345678"),
                Cell::from("上海"),
                Cell::from("大庆"),
                Cell::from("进港"),
            ]);
            (
                "airport",
                format!("airport_passengers_{}.csv", today.format("%Y%m%d")),
                &crate::AIRPORT_HEADERS,
                "萨尔图机场境外旅客进出港记录",
            )
        }
        Carrier::Rail => (
            "railway",
            format!(
                "大庆车务段_涉外旅客乘车记录_{}.xlsx",
                today.format("%Y%m%d")
            ),
            &[
                "乘车日期",
                "车次",
                "姓名",
                "国籍",
                "证件号码",
                "出发地",
                "到达地",
                "进出",
            ],
            "大庆车务段境外旅客乘降登记表",
        ),
        Carrier::Coach => (
            "coach",
            format!("客运集团_外籍旅客登记_{}.xlsx", today.format("%Y%m%d")),
            &[
                "发车时间",
                "班次",
                "旅客姓名",
                "国家/地区",
                "护照号码",
                "始发地",
                "终点",
                "方向",
            ],
            "大庆客运集团外籍旅客乘车登记表",
        ),
    };
    let unit_name = name_of(unit);
    Source {
        unit: unit.to_owned(),
        kind: SourceKind::PassengerFlow,
        file_name,
        table: Table {
            sheet: "旅客".to_owned(),
            title: title.to_owned(),
            subtitle: subtitle(&unit_name, today),
            headers: headers(header_names),
            rows,
            footer: Some(footer(rng)),
        },
        format: if carrier == Carrier::Air {
            Format::GbkCsv
        } else {
            Format::Xlsx
        },
    }
}

fn temperature(rng: &mut impl Rng) -> (f64, &'static str) {
    if rng.random_range(0..200) == 0 {
        (37.4, "低热，复测正常")
    } else {
        (f64::from(rng.random_range(360..373)) / 10.0, "正常")
    }
}

fn check_row(rng: &mut impl Rng, person: &Person, at: NaiveDateTime) -> Vec<Cell> {
    let (t, status) = temperature(rng);
    vec![
        Cell::DateTime(at),
        Cell::from(latin(person)),
        Cell::from(zh(person)),
        Cell::from(person.passport.clone()),
        Cell::Number(t),
        Cell::from(status),
    ]
}

fn checks_table(unit_name: &str, today: NaiveDate, rows: Vec<Vec<Cell>>, footer: String) -> Table {
    Table {
        sheet: "体温检测".to_owned(),
        title: "境外来庆人员健康监测登记表".to_owned(),
        subtitle: subtitle(unit_name, today),
        headers: headers(&["检测日期", "姓名", "国籍", "护照号码", "体温(℃)", "情况"]),
        rows,
        footer: Some(footer),
    }
}

/// Daily checks at 09:00 from `from` to today, while the person is in the city.
fn daily_checks(
    rng: &mut impl Rng,
    person: &Person,
    from: NaiveDate,
    span: &Span,
    rows: &mut Vec<Vec<Cell>>,
) {
    let mut day = from;
    while day <= span.now.date() {
        if let Some(at) = day.and_hms_opt(9, 0, 0)
            && at <= span.now
            && present_at(person, at)
        {
            rows.push(check_row(rng, person, at));
        }
        day += Duration::days(1);
    }
}

fn cdc_checks(rng: &mut impl Rng, people: &[Person], unit_name: &str, span: &Span) -> Source {
    let since = span.now - Duration::days(14);
    let mut rows = Vec::new();
    for person in people {
        if let Some(arrival) = person
            .trips
            .iter()
            .rev()
            .find(|t| t.arrival && t.at >= since)
        {
            daily_checks(
                rng,
                person,
                arrival.at.date() + Duration::days(1),
                span,
                &mut rows,
            );
        }
    }
    let today = span.now.date();
    Source {
        unit: "cdc".to_owned(),
        kind: SourceKind::HealthCheck,
        file_name: format!(
            "疾控中心_来庆境外人员体温监测_{}.xlsx",
            today.format("%Y%m%d")
        ),
        table: checks_table(unit_name, today, rows, footer(rng)),
        format: Format::Xlsx,
    }
}

fn police_checks(rng: &mut impl Rng, people: &[Person], unit_name: &str, span: &Span) -> Source {
    let mut rows = Vec::new();
    if let Some(held) = people.iter().find(|p| p.overstay) {
        daily_checks(
            rng,
            held,
            span.now.date() - Duration::days(14),
            span,
            &mut rows,
        );
    }
    let today = span.now.date();
    Source {
        unit: "police".to_owned(),
        kind: SourceKind::HealthCheck,
        file_name: format!("出入境_收容人员体温记录_{}.xlsx", today.format("%Y%m%d")),
        table: checks_table(unit_name, today, rows, footer(rng)),
        format: Format::Xlsx,
    }
}

fn district_checks(
    rng: &mut impl Rng,
    people: &[Person],
    district: usize,
    code: &str,
    unit_name: &str,
    span: &Span,
) -> Source {
    let mut rows = Vec::new();
    for person in people
        .iter()
        .filter(|p| p.district == district && matches!(p.role, Role::Resident))
    {
        for back in [6, 3, 0] {
            let at = (span.now.date() - Duration::days(back))
                .and_hms_opt(8, 30, 0)
                .unwrap_or(span.now);
            if at <= span.now && present_at(person, at) {
                let (t, status) = temperature(rng);
                rows.push(vec![
                    Cell::DateTime(at),
                    Cell::from(latin(person)),
                    Cell::from(en(person)),
                    Cell::from(person.passport.clone()),
                    Cell::Number(t),
                    Cell::from(status),
                ]);
            }
        }
    }
    let today = span.now.date();
    Source {
        unit: code.to_owned(),
        kind: SourceKind::HealthCheck,
        file_name: format!("{code}_社区外籍居民测温_{}.xlsx", today.format("%Y%m%d")),
        table: Table {
            sheet: "社区测温".to_owned(),
            title: format!("{}辖区外籍居民健康监测表", DISTRICTS[district].1),
            subtitle: subtitle(unit_name, today),
            headers: headers(&[
                "测温日期",
                "人员姓名",
                "国籍",
                "证件号码",
                "体温",
                "健康状况",
            ]),
            rows,
            footer: Some(footer(rng)),
        },
        format: Format::Xlsx,
    }
}

/// Units that have not sent today's report yet.
pub const LATE_UNITS: &[&str] = &["finance", "civil_affairs", "market", "charity"];

/// Whether a trip concerns a unit's daily count.
fn counts_for(unit: &str, person: &Person, trip: &Trip) -> bool {
    match (unit, person.role, trip.carrier) {
        ("airport", _, Carrier::Air)
        | ("railway", _, Carrier::Rail)
        | ("coach", _, Carrier::Coach) => true,
        ("tourism", Role::Guest { .. }, _) => true,
        ("education", Role::Student { .. }, _) => true,
        (u, Role::Student { university } | Role::Teacher { university }, _) => {
            UNIVERSITIES[university].unit == u
        }
        (u, Role::Employee { employer }, _) => EMPLOYERS[employer].unit == u,
        ("police", _, _) => true,
        _ => false,
    }
}

fn daily_reports(
    rng: &mut impl Rng,
    people: &[Person],
    unit: &str,
    unit_name: &str,
    span: &Span,
) -> Source {
    let mut rows = Vec::new();
    let mut day = span.start().date();
    let today = span.now.date();
    while day <= today {
        let skip = (day == today && LATE_UNITS.contains(&unit)) || rng.random_range(0..60) == 0;
        if !skip {
            let (mut arrivals, mut departures) = (0, 0);
            for person in people {
                for trip in person.trips.iter().filter(|t| t.at.date() == day) {
                    if counts_for(unit, person, trip) {
                        if trip.arrival {
                            arrivals += 1;
                        } else {
                            departures += 1;
                        }
                    }
                }
            }
            let anomaly = if unit == "police" && day == today {
                format!(
                    "在住外籍人员中签证过期{}人",
                    people.iter().filter(|p| p.overstay).count()
                )
            } else {
                "无".to_owned()
            };
            rows.push(vec![
                Cell::Date(day),
                Cell::Number(f64::from(arrivals)),
                Cell::Number(f64::from(departures)),
                Cell::from(anomaly),
                Cell::from(if arrivals + departures == 0 {
                    "零报告"
                } else {
                    ""
                }),
            ]);
        }
        day += Duration::days(1);
    }
    Source {
        unit: unit.to_owned(),
        kind: SourceKind::DailyReport,
        file_name: format!("{unit}_每日报告_{}.xlsx", today.format("%Y%m%d")),
        table: Table {
            sheet: "日报".to_owned(),
            title: format!("{unit_name}涉外人员情况日报表"),
            subtitle: subtitle(unit_name, today),
            headers: headers(&["报告日期", "新增人数", "离开人数", "异常情况", "备注"]),
            rows,
            footer: Some(footer(rng)),
        },
        format: Format::Xlsx,
    }
}
