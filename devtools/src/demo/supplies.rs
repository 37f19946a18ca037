//! The supplies side of the synthetic city: the friendship association's donation register
//! and the Red Cross's receipts (the same receipt numbers spelled differently), the office's
//! and the high-tech zone's procurement registers (one row per state of a contract, some
//! cancelled), and the office's outreach log — each with a few rows the hub must reject.

use chrono::{Duration, NaiveDateTime};
use rand::Rng;
use rand::seq::IndexedRandom;

use super::book::{Cell, Table};
use super::population::Span;
use super::sources::{Format, Source};
use importers::SourceKind;

/// An item as units write it: the name, the unit, a plausible quantity range and a value
/// per unit in CNY.
struct Goods {
    names: &'static [&'static str],
    unit: &'static [&'static str],
    quantity: (u32, u32),
    price: f64,
}

const GOODS: &[Goods] = &[
    Goods {
        names: &["一次性防护服", "医用防护服", "防护服"],
        unit: &["套", "件"],
        quantity: (50, 3000),
        price: 120.0,
    },
    Goods {
        names: &["N95口罩", "KN95口罩", "N95 一次性医用口罩"],
        unit: &["只", "个"],
        quantity: (200, 20000),
        price: 22.0,
    },
    Goods {
        names: &["一次性医用口罩", "医用口罩"],
        unit: &["只", "个"],
        quantity: (500, 50000),
        price: 1.2,
    },
    Goods {
        names: &["医用外科口罩", "外科口罩"],
        unit: &["只"],
        quantity: (500, 30000),
        price: 2.0,
    },
    Goods {
        names: &["医用手套", "乳胶手套"],
        unit: &["副", "双"],
        quantity: (200, 20000),
        price: 3.0,
    },
    Goods {
        names: &["一次性检查手套", "检查手套"],
        unit: &["副", "双"],
        quantity: (200, 10000),
        price: 1.5,
    },
    Goods {
        names: &["护目镜", "防护眼镜"],
        unit: &["副", "个"],
        quantity: (2, 500),
        price: 60.0,
    },
    Goods {
        names: &["隔离衣", "隔离服"],
        unit: &["件"],
        quantity: (50, 2000),
        price: 45.0,
    },
];

const COUNTRIES: &[&str] = &[
    "韩国",
    "日本",
    "美国",
    "俄罗斯",
    "德国",
    "荷兰",
    "马来西亚",
    "香港",
    "芬兰",
    "柬埔寨",
    "意大利",
    "中国",
];

const GROUPS: &[&str] = &[
    "东北同乡会",
    "华人华侨联合会",
    "商会",
    "贸易公司",
    "医疗器械公司",
    "株式会社",
    "中国商会",
    "留学生联谊会",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "孙", "马",
];
const GIVEN: &[&str] = &[
    "志强", "淑玲", "海燕", "建国", "晓明", "丽华", "文博", "春梅", "国庆", "雪松",
];

fn pick<'a>(rng: &mut impl Rng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or_default()
}

fn when(rng: &mut impl Rng, span: &Span) -> NaiveDateTime {
    let minutes = rng.random_range(0..(span.days.max(1) * 24 * 60));
    span.start() + Duration::minutes(minutes)
}

fn donor(rng: &mut impl Rng) -> String {
    if rng.random_bool(0.3) {
        format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN))
    } else {
        format!(
            "{}{}{}",
            pick(rng, COUNTRIES),
            pick(rng, &["大庆", "黑龙江", "北方", "龙江"]),
            pick(rng, GROUPS)
        )
    }
}

fn footer() -> Option<String> {
    Some("填报人：张岩松    联系电话：0459-6688123".to_owned())
}

/// Every supplies file of the demo city.
pub fn all(
    rng: &mut impl Rng,
    span: &Span,
    donations: usize,
    contracts: usize,
    contacts: usize,
) -> Vec<Source> {
    let (register, receipts) = donation_registers(rng, span, donations);
    let (fao, hitech) = procurement_registers(rng, span, contracts);
    vec![
        register,
        receipts,
        fao,
        hitech,
        outreach(rng, span, contacts),
    ]
}

fn donation_registers(rng: &mut impl Rng, span: &Span, count: usize) -> (Source, Source) {
    let mut rows = Vec::new();
    let mut receipts = Vec::new();
    for i in 0..count {
        let at = when(rng, span);
        let donor = donor(rng);
        let cash = rng.random_bool(0.2);
        let state = if at > span.now - Duration::days(2) && rng.random_bool(0.5) {
            pick(rng, &["运输中", "承诺捐赠", "意向"])
        } else {
            pick(rng, &["已接收", "已入库", "已到货"])
        };
        let numbered =
            state != "运输中" && state != "承诺捐赠" && state != "意向" && rng.random_bool(0.35);
        let receipt = numbered.then(|| format!("HSZ-2020-{:04}", 100 + i));
        let (item, quantity, unit, value) = if cash {
            let amount = f64::from(rng.random_range(1..200)) * 100.0;
            (
                pick(rng, &["善款", "捐款", "现金"]).to_owned(),
                Cell::Number(amount),
                "元",
                Some(amount),
            )
        } else {
            let goods = GOODS.choose(rng).unwrap_or(&GOODS[0]);
            let q = rng.random_range(goods.quantity.0..=goods.quantity.1);
            let unit = pick(rng, goods.unit);
            let quantity = if q >= 10_000 && q % 10_000 == 0 {
                Cell::from(format!("{}万", q / 10_000))
            } else if rng.random_bool(0.2) {
                Cell::from(format!("{q}{unit}"))
            } else {
                Cell::Number(f64::from(q))
            };
            let value = rng
                .random_bool(0.5)
                .then(|| (f64::from(q) * goods.price).round());
            (pick(rng, goods.names).to_owned(), quantity, unit, value)
        };
        // A few rows the hub rejects: quantities that are not numbers, items it cannot classify.
        let (item, quantity) = match i % 97 {
            13 => (item, Cell::from("若干")),
            41 => ("爱心物资".to_owned(), Cell::Number(1.0)),
            _ => (item, quantity),
        };
        if let Some(number) = &receipt {
            let spelled = match i % 3 {
                0 => number.replace('-', ""),
                1 => number.replace('-', " "),
                _ => number.clone(),
            };
            receipts.push(vec![
                Cell::DateTime(at + Duration::hours(rng.random_range(1..30))),
                Cell::from(donor.clone()),
                Cell::from(pick(rng, COUNTRIES)),
                Cell::from(item.clone()),
                if cash { Cell::Empty } else { quantity.clone() },
                Cell::from(if cash { "" } else { unit }),
                value.map_or(Cell::Empty, Cell::Number),
                Cell::from(spelled),
                Cell::from("市红十字会"),
            ]);
        }
        rows.push(vec![
            Cell::Number((i + 1) as f64),
            Cell::DateTime(at),
            Cell::from(donor),
            Cell::from(pick(rng, COUNTRIES)),
            Cell::from(item),
            quantity,
            Cell::from(unit),
            value.map_or(Cell::Empty, Cell::Number),
            Cell::from(state),
            Cell::from(pick(
                rng,
                &["市红十字会", "市慈善总会", "市卫健委", "市人民医院"],
            )),
            receipt.map_or(Cell::Empty, Cell::from),
        ]);
    }
    rows.sort_by_key(|r| match r.get(1) {
        Some(Cell::DateTime(at)) => *at,
        _ => NaiveDateTime::default(),
    });
    let register = Source {
        unit: "friendship".to_owned(),
        kind: SourceKind::DonationRegister,
        file_name: "friendship_donations.xlsx".to_owned(),
        table: Table {
            sheet: "捐赠登记".to_owned(),
            title: "大庆市人民对外友好协会 抗疫捐赠款物登记表".to_owned(),
            subtitle: Some(format!("填报日期：{}", span.now.format("%Y年%m月%d日"))),
            headers: [
                "序号",
                "登记日期",
                "捐赠方",
                "国家/地区",
                "物资名称",
                "数量",
                "单位",
                "折合金额（元）",
                "状态",
                "接收单位",
                "票据号",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
            footer: footer(),
        },
        format: Format::Xlsx,
    };
    let receipts = Source {
        unit: "red_cross".to_owned(),
        kind: SourceKind::DonationRegister,
        file_name: "red_cross_receipts.csv".to_owned(),
        table: Table {
            sheet: "receipts".to_owned(),
            title: String::new(),
            subtitle: None,
            headers: [
                "接收日期",
                "捐赠人",
                "国别",
                "款物名称",
                "数量",
                "单位",
                "金额(元)",
                "收据编号",
                "去向",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows: receipts,
            footer: None,
        },
        format: Format::GbkCsv,
    };
    (register, receipts)
}

const BUYERS: &[&str] = &[
    "市指挥部物资采购组",
    "市指挥部物资采购组",
    "市疫情防控物资采购组",
    "萨尔图区",
    "让胡路区",
    "红岗区",
    "肇州县",
    "高新区",
    "大庆油田有限责任公司",
];

const CURRENCIES: &[(&str, &str, f64)] = &[
    ("元", "", 1.0),
    ("人民币", "", 1.0),
    ("日元", "万日元", 15.7),
    ("韩元", "亿韩元", 170.0),
    ("美元", "", 0.143),
    ("林吉特", "", 0.59),
    ("卢布", "", 9.2),
];

fn procurement_registers(rng: &mut impl Rng, span: &Span, count: usize) -> (Source, Source) {
    let mut fao = Vec::new();
    let mut hitech = Vec::new();
    for i in 0..count {
        let goods = GOODS.choose(rng).unwrap_or(&GOODS[0]);
        let (currency, big, per_cny) = CURRENCIES.choose(rng).copied().unwrap_or(CURRENCIES[0]);
        let number = format!(
            "{}-{:04}",
            pick(rng, &["JP", "KR", "US", "RU", "MY", "CN", "GX"]),
            i + 1
        );
        let supplier = format!(
            "{}{}",
            pick(rng, COUNTRIES),
            pick(rng, &["医疗器械公司", "贸易公司", "防护用品厂", "株式会社"])
        );
        let buyer = pick(rng, BUYERS);
        let quantity = rng.random_range(goods.quantity.0..=goods.quantity.1) * 2;
        let price = goods.price * per_cny;
        let total = (f64::from(quantity) * price).round();
        let amount = |v: f64| -> Cell {
            if big == "亿韩元" && v >= 1e7 {
                Cell::from(format!("{:.2}{big}", v / 1e8))
            } else if big == "万日元" && v >= 1e4 {
                Cell::from(format!("{:.0}{big}", v / 1e4))
            } else {
                Cell::Number(v)
            }
        };
        // The path of the contract: lead, signed, prepaid, shipped, received; some stop as
        // leads, some are cancelled after prepayment.
        let cancelled = i % 13 == 5;
        let steps: &[(&str, f64)] = if i % 9 == 0 {
            &[("洽谈中", 0.0)]
        } else if cancelled {
            &[
                ("已签合同", 0.0),
                ("已预付70%", 0.7),
                ("已取消（全额退款中）", 0.7),
            ]
        } else {
            &[
                ("询价中", 0.0),
                ("已签合同", 0.0),
                ("已预付30%", 0.3),
                ("运输中", 1.0),
                ("已到货", 1.0),
            ]
        };
        let mut at = when(rng, span) - Duration::days(3);
        let split = rng.random_bool(0.15);
        for (n, (state, paid)) in steps.iter().enumerate() {
            if at > span.now {
                break;
            }
            let lead = *state == "洽谈中" || *state == "询价中";
            let row = vec![
                Cell::from(if split && n % 2 == 1 {
                    number.replace('-', " ")
                } else {
                    number.clone()
                }),
                Cell::DateTime(at),
                Cell::from(supplier.clone()),
                Cell::from(pick(rng, COUNTRIES)),
                Cell::from(pick(rng, goods.names)),
                if lead && rng.random_bool(0.5) {
                    Cell::Empty
                } else {
                    Cell::Number(f64::from(quantity))
                },
                Cell::Number((price * 100.0).round() / 100.0),
                Cell::from(currency),
                if lead { Cell::Empty } else { amount(total) },
                if lead {
                    Cell::Empty
                } else {
                    amount((total * paid).round())
                },
                Cell::from(*state),
                Cell::from(buyer),
            ];
            // The high-tech zone keeps its own register of the states it handled.
            if split && n % 2 == 1 {
                hitech.push(row)
            } else {
                fao.push(row)
            }
            at += Duration::hours(rng.random_range(12..96));
        }
        if i % 41 == 7 {
            // A row without an item: rejected.
            fao.push(vec![
                Cell::Empty,
                Cell::DateTime(when(rng, span)),
                Cell::from("某供应商"),
                Cell::from("中国"),
                Cell::Empty,
                Cell::Number(100.0),
                Cell::Number(10.0),
                Cell::from("元"),
                Cell::Number(1000.0),
                Cell::Number(0.0),
                Cell::from("洽谈中"),
                Cell::from("市指挥部物资采购组"),
            ]);
        }
    }
    let headers = |names: [&str; 12]| names.map(str::to_owned).to_vec();
    let fao = Source {
        unit: "fao".to_owned(),
        kind: SourceKind::ProcurementRegister,
        file_name: "fao_procurement.xlsx".to_owned(),
        table: Table {
            sheet: "采购台账".to_owned(),
            title: "市外事办协助防疫物资采购台账".to_owned(),
            subtitle: Some(format!("更新日期：{}", span.now.format("%Y年%m月%d日"))),
            headers: headers([
                "合同编号",
                "状态日期",
                "供应商",
                "国家/地区",
                "物资名称",
                "数量",
                "单价",
                "币种",
                "合同金额",
                "已付金额",
                "状态",
                "需求方",
            ]),
            rows: fao,
            footer: footer(),
        },
        format: Format::Xlsx,
    };
    let hitech = Source {
        unit: "hitech".to_owned(),
        kind: SourceKind::ProcurementRegister,
        file_name: "hitech_procurement.xlsx".to_owned(),
        table: Table {
            sheet: "执行情况".to_owned(),
            title: "高新区进出口公司 防护物资采购执行情况".to_owned(),
            subtitle: None,
            headers: headers([
                "合同号",
                "日期",
                "外方企业",
                "国别",
                "品名",
                "数量",
                "单价",
                "币种",
                "合同总额",
                "已付款",
                "执行情况",
                "采购主体",
            ]),
            rows: hitech,
            footer: footer(),
        },
        format: Format::Xlsx,
    };
    (fao, hitech)
}

fn outreach(rng: &mut impl Rng, span: &Span, count: usize) -> Source {
    let organisations: Vec<(String, &str)> = (0..220)
        .map(|i| {
            let country = pick(rng, COUNTRIES);
            (
                format!("{country}{}{}号", pick(rng, GROUPS), i + 1),
                country,
            )
        })
        .collect();
    let mut rows: Vec<Vec<Cell>> = (0..count)
        .map(|i| {
            let (name, country) = organisations.choose(rng).cloned().unwrap_or_default();
            let at = when(rng, span);
            vec![
                if i % 503 == 17 {
                    Cell::Empty
                } else {
                    Cell::DateTime(at)
                },
                Cell::from(name),
                Cell::from(country),
                Cell::from(pick(rng, &["电话", "微信", "邮件"])),
                Cell::from(pick(
                    rng,
                    &["防护服", "N95口罩", "医用外科口罩", "护目镜", "口罩生产线"],
                )),
                Cell::from(if rng.random_bool(0.03) {
                    "已推荐采购组"
                } else {
                    pick(rng, &["待回复", "待回复", "无货", "报价中", "需中方标准"])
                }),
            ]
        })
        .collect();
    rows.sort_by_key(|r| match r.first() {
        Some(Cell::DateTime(at)) => *at,
        _ => NaiveDateTime::default(),
    });
    Source {
        unit: "fao".to_owned(),
        kind: SourceKind::OutreachLog,
        file_name: "fao_outreach_log.xlsx".to_owned(),
        table: Table {
            sheet: "外联记录".to_owned(),
            title: "市外事办 国际抗疫物资外联记录".to_owned(),
            subtitle: None,
            headers: [
                "联系日期",
                "联系对象",
                "国家/地区",
                "联系方式",
                "事项",
                "结果",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
            footer: footer(),
        },
        format: Format::Xlsx,
    }
}
