//! Files the tests make themselves: every format the writers can produce, with alternative header
//! spellings, titles, instruction sheets, merged cells, footers and bad rows.

mod common;

use common::{C, SheetSpec, ok, simple_xlsx, xlsx};
use importers::{Direction, FileFormat, IssueCode, MemberType, Moment, Record, Sex, SourceKind};

fn s(v: &'static str) -> C {
    C::S(v)
}

#[test]
fn xlsx_with_english_headers_title_footer_and_instructions_first() {
    let instructions = SheetSpec {
        name: "填表说明",
        rows: vec![
            vec![s("填表说明")],
            vec![s("1. 每行一人")],
            vec![s("护照号码"), s("请按原样填写")],
        ],
        merges: vec![],
    };
    let data = SheetSpec {
        name: "Residents",
        rows: vec![
            vec![s("Foreign residents of Daqing")],
            vec![
                s("填报单位：大庆市公安局出入境管理局"),
                C::Empty,
                C::Empty,
                s("日期：2020年2月16日"),
            ],
            vec![],
            vec![
                s("No."),
                s("Name"),
                s("Sex"),
                s("Nationality"),
                s("Date of Birth"),
                s("Passport Number"),
                s("Visa Type"),
                s("Visa Expiry Date"),
                s("Organization"),
                s("Remarks"),
            ],
            vec![
                C::N(1.0),
                s("kim/minjun"),
                s("M"),
                s("Republic of Korea"),
                C::D(1990, 5, 1),
                s("m 123-456"),
                s("Z"),
                C::D(2021, 1, 31),
                s("大庆油田"),
                C::Empty,
            ],
            vec![
                C::N(2.0),
                s("Smith  John"),
                s("male"),
                s("U.S.A."),
                s("1985/7/3"),
                C::N(7_012_345.0),
                s("X1"),
                s("2020年9月1日"),
                s("东北石油大学"),
                s("note"),
            ],
            vec![
                C::N(3.0),
                s("Nguyen Thi Lan"),
                s("F"),
                s("Viet Nam"),
                s("1999-02-30"),
                s("ＶＮ１２３"),
                s("X2"),
                s("43866"),
                C::Empty,
                C::Empty,
            ],
            vec![
                C::N(4.0),
                s("Ghost"),
                s("?"),
                s("Atlantis"),
                C::Empty,
                s("Z999"),
                C::Empty,
                C::Empty,
                C::Empty,
                C::Empty,
            ],
            vec![
                C::N(5.0),
                s("No Passport"),
                s("F"),
                s("KOR"),
                C::Empty,
                C::Empty,
                C::Empty,
                C::Empty,
                C::Empty,
                C::Empty,
            ],
            vec![
                C::N(6.0),
                s("KIM MINJUN"),
                s("M"),
                s("韩国"),
                C::Empty,
                s("M123456"),
                C::Empty,
                C::Empty,
                C::Empty,
                C::Empty,
            ],
            vec![C::N(7.0)],
            vec![],
            vec![s("填报人：张三    联系电话：0459-1234567")],
        ],
        merges: vec![],
    };
    let bytes = xlsx(&[instructions, data]);
    let up = ok(&bytes, "english.xlsx", None);
    assert_eq!(up.kind, SourceKind::VisaRegistry);
    assert_eq!(up.format, FileFormat::Xlsx);
    assert_eq!(up.sheet, "Residents");
    assert_eq!(up.header_row, 4);
    assert_eq!(up.data_rows(), 6);
    assert_eq!(up.accepted(), 4);
    assert_eq!(up.rejected(), 2);

    let rec = |i: usize| match up.rows[i].record() {
        Some(Record::VisaRegistry(v)) => v.clone(),
        other => panic!("{other:?}"),
    };
    let kim = rec(0);
    assert_eq!(up.rows[0].row, 5);
    assert_eq!(kim.person.document_number, "M123456");
    assert_eq!(kim.person.nationality, "KOR");
    assert_eq!(kim.person.latin_name.as_deref(), Some("KIM MINJUN"));
    assert_eq!(kim.person.sex, Some(Sex::Male));
    assert_eq!(kim.person.birth_date.unwrap().to_string(), "1990-05-01");
    assert_eq!(kim.visa_valid_until.unwrap().to_string(), "2021-01-31");
    let smith = rec(1);
    assert_eq!(
        smith.person.document_number, "7012345",
        "numeric cell read without .0"
    );
    assert_eq!(smith.person.nationality, "USA");
    assert_eq!(smith.person.latin_name.as_deref(), Some("SMITH JOHN"));
    assert_eq!(smith.person.birth_date.unwrap().to_string(), "1985-07-03");
    assert_eq!(smith.visa_valid_until.unwrap().to_string(), "2020-09-01");
    let lan = rec(2);
    assert_eq!(lan.person.document_number, "VN123");
    assert_eq!(lan.person.nationality, "VNM");
    assert_eq!(
        lan.person.birth_date, None,
        "impossible optional date left empty"
    );
    assert_eq!(
        lan.visa_valid_until.unwrap().to_string(),
        "2020-02-05",
        "serial number as text"
    );
    assert_eq!(up.rows[2].warnings.len(), 1);
    assert_eq!(up.rows[2].warnings[0].code, IssueCode::InvalidDate);
    assert_eq!(
        up.rows[2].warnings[0].column.as_deref(),
        Some("Date of Birth")
    );

    let ghost = up.rows[3].rejections();
    assert_eq!(ghost[0].code, IssueCode::UnknownNationality);
    assert_eq!(ghost[0].column.as_deref(), Some("Nationality"));
    assert_eq!(
        ghost[1].code,
        IssueCode::InvalidSex,
        "other issues follow the required ones"
    );
    assert_eq!(
        up.rows[4].rejections()[0].code,
        IssueCode::MissingDocumentNumber
    );
    assert_eq!(
        up.rows[4].rejections()[0].column.as_deref(),
        Some("Passport Number")
    );

    let dup = &up.rows[5];
    assert!(dup.is_accepted());
    assert_eq!(dup.warnings[0].code, IssueCode::DuplicateInFile);
    assert!(
        dup.warnings[0].reason.contains('5'),
        "{}",
        dup.warnings[0].reason
    );
    assert_eq!(up.with_warnings(), 2);
}

#[test]
fn merged_unit_names_are_filled_down() {
    let rows = vec![
        vec![s("外籍员工花名册")],
        vec![
            s("单位名称"),
            s("姓名"),
            s("国别"),
            s("证件号码"),
            s("岗位"),
            s("入职日期"),
        ],
        vec![
            s("大庆炼化"),
            s("PARK DOYUN"),
            s("韩国"),
            s("M75519265"),
            s("工程师"),
            C::D(2018, 3, 5),
        ],
        vec![
            C::Empty,
            s("SMITH MARY"),
            s("美国"),
            s("D966719511"),
            s("顾问"),
            C::D(2019, 5, 20),
        ],
        vec![
            C::Empty,
            s("CRUZ ANGEL"),
            s("菲律宾"),
            s("PA1209070"),
            s("工程师"),
            s("2015.12.18"),
        ],
        vec![
            s("大庆油田"),
            s("CHAN DARA"),
            s("柬埔寨"),
            s("N7322936"),
            s("技术专家"),
            C::Empty,
        ],
    ];
    let bytes = xlsx(&[SheetSpec {
        name: "员工",
        rows,
        merges: vec![(0, 0, 0, 5, "外籍员工花名册"), (2, 0, 4, 0, "大庆炼化")],
    }]);
    let up = ok(&bytes, "staff.xlsx", None);
    assert_eq!(up.kind, SourceKind::EmploymentRoster);
    assert_eq!(up.header_row, 2);
    assert_eq!(up.accepted(), 4);
    let employers: Vec<Option<String>> = up
        .records()
        .map(|r| match r {
            Record::EmploymentRoster(e) => e.employer.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(
        employers,
        vec![
            Some("大庆炼化".into()),
            Some("大庆炼化".into()),
            Some("大庆炼化".into()),
            Some("大庆油田".into())
        ]
    );
    assert_eq!(
        up.rows[1].raw[0],
        ("单位名称".to_string(), "大庆炼化".to_string())
    );
}

#[test]
fn student_roster_with_other_spellings() {
    let bytes = simple_xlsx(vec![
        vec![
            s("学校"),
            s("学生姓名"),
            s("国籍"),
            s("护照号"),
            s("专业"),
            s("状态"),
            s("离校时间"),
        ],
        vec![
            s("八一农垦大学"),
            s("张伟"),
            s("Kazakhstan"),
            s("n 1234 567"),
            s("农学"),
            s("在庆"),
            C::Empty,
        ],
        vec![
            s("大庆医专"),
            s("KAMAU KEVIN"),
            s("肯尼亚共和国"),
            s("AK0851569"),
            s("护理"),
            s("离庆未返"),
            s("2020年1月5日"),
        ],
    ]);
    let up = ok(&bytes, "students.xlsx", None);
    assert_eq!(up.kind, SourceKind::StudentRoster);
    assert_eq!(up.accepted(), 2);
    match up.rows[0].record() {
        Some(Record::StudentRoster(st)) => {
            assert_eq!(st.person.chinese_name.as_deref(), Some("张伟"));
            assert_eq!(st.person.latin_name, None);
            assert_eq!(st.person.nationality, "KAZ");
            assert_eq!(st.person.document_number, "N1234567");
            assert_eq!(st.school.as_deref(), Some("八一农垦大学"));
        }
        other => panic!("{other:?}"),
    }
    match up.rows[1].record() {
        Some(Record::StudentRoster(st)) => {
            assert_eq!(st.left_on.unwrap().to_string(), "2020-01-05");
            assert_eq!(st.status.as_deref(), Some("离庆未返"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn university_roster_types() {
    let bytes = simple_xlsx(vec![
        vec![
            s("No."),
            s("Name"),
            s("Gender"),
            s("Nationality"),
            s("Passport No."),
            s("Type (Student/Teacher)"),
            s("College"),
            s("Dormitory"),
        ],
        vec![
            C::N(1.0),
            s("Evans Harry"),
            s("Female"),
            s("Great Britain"),
            s("D453428073"),
            s("Teacher"),
            s("International College"),
            s("Faculty Apartment"),
        ],
        vec![
            C::N(2.0),
            s("Jones John"),
            s("Male"),
            s("US"),
            s("d243488890"),
            s("留学生"),
            s("School of Chemistry"),
            s("Dorm 1-199"),
        ],
        vec![
            C::N(3.0),
            s("Doe Jane"),
            s("Female"),
            s("CAN"),
            s("GA1"),
            s("Visitor"),
            C::Empty,
            C::Empty,
        ],
    ]);
    let up = ok(&bytes, "uni.xlsx", None);
    assert_eq!(up.kind, SourceKind::UniversityRoster);
    let types: Vec<Option<MemberType>> = up
        .records()
        .map(|r| match r {
            Record::UniversityRoster(u) => u.member_type,
            _ => None,
        })
        .collect();
    assert_eq!(
        types,
        vec![Some(MemberType::Teacher), Some(MemberType::Student), None]
    );
    assert_eq!(up.rows[2].warnings[0].code, IssueCode::InvalidValue);
}

#[test]
fn csv_utf8_employment_with_variant_headers() {
    let text = "企业名称,英文名,国别,证件号码,岗位,入职日期,手机\n\
                大庆石化,HAILE ABEBE,埃塞俄比亚,EP3897482,设备工程师,2019-02-27,13295556754\n\
                \n\
                大庆石化,\"GANBOLD, BATBAYAR\",Mongolia,E3244422,钻井顾问,20190318,13638309582\n";
    let up = ok(text.as_bytes(), "staff.csv", None);
    assert_eq!(up.kind, SourceKind::EmploymentRoster);
    assert_eq!(up.format, FileFormat::Csv);
    assert_eq!(up.encoding, Some("UTF-8"));
    assert_eq!(up.data_rows(), 2);
    assert_eq!(up.rows[1].row, 4, "blank line counted as Excel shows it");
    match up.rows[1].record() {
        Some(Record::EmploymentRoster(e)) => {
            assert_eq!(e.person.latin_name.as_deref(), Some("GANBOLD BATBAYAR"));
            assert_eq!(e.person.nationality, "MNG");
            assert_eq!(e.hired_on.unwrap().to_string(), "2019-03-18");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn csv_utf8_bom_lodging_with_english_and_mixed_headers() {
    let text = "住宿场所,Name,Country,Passport,入住时间,退房时间\r\n\
                万达嘉华,TAKAHASHI YUI,Japan,TK2542833,2020-01-24 15:30,2020/1/26 11:00\r\n\
                北国温泉,WIJAYA DEWI,IDN,B3179017,2020年1月25日,\r\n";
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(text.as_bytes());
    let up = ok(&bytes, "guests.csv", None);
    assert_eq!(up.kind, SourceKind::LodgingRegister);
    assert_eq!(
        up.headers[0], "住宿场所",
        "BOM stripped from the first header"
    );
    assert_eq!(up.accepted(), 2);
    match up.rows[0].record() {
        Some(Record::LodgingRegister(l)) => {
            let Some(Moment::DateTime(ci)) = l.check_in else {
                panic!("{:?}", l.check_in)
            };
            assert_eq!(ci.to_rfc3339(), "2020-01-24T15:30:00+08:00");
            assert_eq!(l.check_out.unwrap().date().to_string(), "2020-01-26");
            assert_eq!(l.hotel.as_deref(), Some("万达嘉华"));
        }
        other => panic!("{other:?}"),
    }
    match up.rows[1].record() {
        Some(Record::LodgingRegister(l)) => {
            assert_eq!(
                l.check_in,
                Some(Moment::Date(
                    chrono::NaiveDate::from_ymd_opt(2020, 1, 25).unwrap()
                ))
            );
            assert_eq!(l.check_out, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn csv_gbk_health_checks() {
    let text = "滞留外籍人员体温检测\r\n测温日期,姓名,国家,护照号,体温（℃）,健康状况\r\n\
                2020年2月8日,DLAMINI ZANELE,南非共和国,A90260883,36.5℃,正常\r\n\
                2020年2月9日,DLAMINI ZANELE,ZAF,A90260883,abc,正常\r\n\
                ,DLAMINI ZANELE,ZAF,A90260883,36.6,正常\r\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    let up = ok(&gbk, "checks.csv", None);
    assert_eq!(up.encoding, Some("gb18030"));
    assert_eq!(up.kind, SourceKind::HealthCheck);
    assert_eq!(up.header_row, 2);
    assert_eq!(up.data_rows(), 3);
    match up.rows[0].record() {
        Some(Record::HealthCheck(h)) => {
            assert_eq!(h.temperature, Some(36.5));
            assert_eq!(h.checked_at.date().to_string(), "2020-02-08");
            assert_eq!(h.person.nationality, "ZAF");
            assert_eq!(h.status.as_deref(), Some("正常"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(up.rows[1].warnings[0].code, IssueCode::InvalidNumber);
    let missing = up.rows[2].rejections();
    assert_eq!(missing[0].code, IssueCode::MissingDate);
    assert_eq!(missing[0].column.as_deref(), Some("测温日期"));
}

#[test]
fn passenger_flow_tab_separated_utf16() {
    let text = "Date/Time\tFlight No.\tPassenger Name\tNationality Code\tPassport No.\tFrom\tTo\tDirection\r\n\
                2020-02-05T14:35\tke 831\tCHOI/JIHOO\tKR\tM81 144164\tIncheon\tDaqing\tarrival\r\n\
                2020-02-06 19:00+09:00\tKE832\tCHOI/JIHOO\tKOR\tM81144164\tDaqing\tIncheon\tOut\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let up = ok(&bytes, "flights.txt", None);
    assert_eq!(up.kind, SourceKind::PassengerFlow);
    assert_eq!(up.accepted(), 2);
    let flights: Vec<_> = up
        .records()
        .map(|r| match r {
            Record::PassengerFlow(p) => (p.at.to_rfc3339(), p.direction, p.carrier_number.clone()),
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        flights[0],
        (
            "2020-02-05T14:35:00+08:00".into(),
            Some(Direction::Arrival),
            Some("KE831".into())
        )
    );
    assert_eq!(
        flights[1],
        (
            "2020-02-06T19:00:00+09:00".into(),
            Some(Direction::Departure),
            Some("KE832".into())
        )
    );
}

#[test]
fn daily_report_and_zero_report() {
    let text = "报告日期,新增人数,离开人数,异常情况,备注\n2020-02-16,2,1,无,\n2020-02-17,0,0,无,零报告\n2020-02-18,,,,\n";
    let up = ok(text.as_bytes(), "daily.csv", None);
    assert_eq!(up.kind, SourceKind::DailyReport);
    let zero: Vec<bool> = up
        .records()
        .map(|r| match r {
            Record::DailyReport(d) => d.is_zero(),
            _ => panic!(),
        })
        .collect();
    assert_eq!(zero, vec![false, true, true]);
}

#[test]
fn given_kind_is_respected() {
    // 姓名/国籍/护照号码/日期 fits passenger_flow and health_check alike: naming the kind settles it.
    let text = "姓名,国籍,护照号码,日期\nKIM,KOR,M1,2020-02-05\n";
    assert_eq!(
        common::err_code(text.as_bytes(), "x.csv", None),
        "AMBIGUOUS_KIND"
    );
    let up = ok(text.as_bytes(), "x.csv", Some(SourceKind::HealthCheck));
    assert_eq!(up.kind, SourceKind::HealthCheck);
    assert_eq!(up.accepted(), 1);
}

#[test]
fn two_level_header_with_cells_merged_down() {
    let rows = vec![
        vec![
            s("序号"),
            s("姓名"),
            s("国籍"),
            s("护照号码"),
            s("签证信息"),
            C::Empty,
        ],
        vec![
            C::Empty,
            C::Empty,
            C::Empty,
            C::Empty,
            s("签证种类"),
            s("有效期至"),
        ],
        vec![
            C::N(1.0),
            s("KIM MINJUN"),
            s("韩国"),
            s("M1234567"),
            s("Z"),
            C::D(2021, 3, 1),
        ],
    ];
    let bytes = xlsx(&[SheetSpec {
        name: "Sheet1",
        rows,
        merges: vec![
            (0, 0, 1, 0, "序号"),
            (0, 1, 1, 1, "姓名"),
            (0, 2, 1, 2, "国籍"),
            (0, 3, 1, 3, "护照号码"),
            (0, 4, 0, 5, "签证信息"),
        ],
    }]);
    let up = ok(&bytes, "two_level.xlsx", None);
    assert_eq!(up.kind, SourceKind::VisaRegistry);
    assert_eq!(up.header_row, 2);
    assert_eq!(
        up.headers,
        vec!["序号", "姓名", "国籍", "护照号码", "签证种类", "有效期至"]
    );
    match up.rows[0].record() {
        Some(Record::VisaRegistry(v)) => {
            assert_eq!(v.visa_type.as_deref(), Some("Z"));
            assert_eq!(v.visa_valid_until.unwrap().to_string(), "2021-03-01");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn date_1904_workbooks() {
    // A bare serial in a date column follows the workbook's date system.
    let bytes = simple_xlsx(vec![
        vec![s("姓名"), s("国籍"), s("护照号码"), s("签证有效期至")],
        vec![s("KIM"), s("KOR"), s("M1"), C::N(42404.0)],
    ]);
    let bytes_1904 = common::rezip(&bytes, |name, data| {
        if name == "xl/workbook.xml" {
            String::from_utf8(data)
                .unwrap()
                .replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1)
                .into_bytes()
        } else {
            data
        }
    });
    let date = |b: &[u8]| match ok(b, "x.xlsx", None).rows[0].record() {
        Some(Record::VisaRegistry(v)) => v.visa_valid_until.unwrap().to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(date(&bytes), "2016-02-04");
    assert_eq!(date(&bytes_1904), "2020-02-05");
}

#[test]
fn an_over_long_cell_rejects_its_row_and_no_other() {
    let long_name = "A".repeat(3_000);
    let long_unit = "大庆".repeat(1_500);
    let rows = vec![
        vec![
            s("姓名"),
            s("国籍"),
            s("护照号码"),
            s("工作单位"),
            s("备注"),
        ],
        vec![s("KIM"), s("韩国"), s("M1"), s("大庆油田"), s("")],
        vec![C::T(long_name), s("韩国"), s("M2"), s("大庆油田"), s("")],
        vec![s("LEE"), s("韩国"), s("M3"), C::T(long_unit), s("")],
        vec![
            s("PARK"),
            s("韩国"),
            s("M4"),
            s("大庆油田"),
            C::T("长".repeat(1_500)),
        ],
    ];
    for (name, bytes) in [
        ("long.xlsx", simple_xlsx(rows.clone())),
        ("long.csv", common::csv(&rows).into_bytes()),
    ] {
        let up = ok(&bytes, name, Some(SourceKind::VisaRegistry));
        assert_eq!(up.data_rows(), 4, "{name}");
        assert_eq!(up.accepted(), 2, "{name}: the first row and the long note");
        for (row, column) in [(3, "姓名"), (4, "工作单位")] {
            let r = up.rows.iter().find(|r| r.row == row).unwrap();
            let issue = &r.rejections()[0];
            assert_eq!(issue.code, IssueCode::ValueTooLong, "{name} row {row}");
            assert_eq!(issue.column.as_deref(), Some(column));
            assert!(issue.reason.contains("3000 个字符"), "{}", issue.reason);
            assert!(issue.reason.contains("上限 200"), "{}", issue.reason);
        }
    }
}
