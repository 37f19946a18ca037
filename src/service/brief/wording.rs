//! The sentences of the daily brief in the office's own style: the time as the office
//! writes it ("2月17日中午12:00"), the headline sentence, and the changes since the
//! previous brief.

use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Tz;

use crate::derived::Overview;

/// The part of the day the office names before a time: 凌晨, 上午, 中午, 下午, 晚上.
fn period(hour: u32) -> &'static str {
    match hour {
        0..=5 => "凌晨",
        6..=11 => "上午",
        12 => "中午",
        13..=17 => "下午",
        _ => "晚上",
    }
}

/// "2月17日中午12:00" for a time in the office's zone.
pub fn time_text(at: DateTime<Tz>) -> String {
    format!(
        "{}月{}日{}{:02}:{:02}",
        at.month(),
        at.day(),
        period(at.hour()),
        at.hour(),
        at.minute()
    )
}

/// The headline: "截至2月17日中午12:00时，在庆外国人共计175人，来自40个国家和地区，51家单位具体负责管理。"
pub fn headline(at: DateTime<Tz>, figures: &Overview) -> String {
    format!(
        "截至{}时，在庆外国人共计{}人，来自{}个国家和地区，{}家单位具体负责管理。",
        time_text(at),
        figures.present_people,
        figures.countries,
        figures.managing_units
    )
}

/// "增加3人（172→175）", "减少2个（42→40）" or "持平（40）".
pub fn change_text(before: i64, now: i64, unit: &str) -> String {
    match now - before {
        0 => format!("持平（{now}）"),
        d if d > 0 => format!("增加{d}{unit}（{before}→{now}）"),
        d => format!("减少{}{unit}（{before}→{now}）", -d),
    }
}

/// A figure compared between two briefs: its label, how to read it, its unit.
type Compared = (&'static str, fn(&Overview) -> i64, &'static str);

/// The headline figures compared with the previous brief, one phrase each.
pub fn figure_changes(before: &Overview, now: &Overview) -> Vec<String> {
    let figures: [Compared; 5] = [
        ("在庆外国人", |o| o.present_people, "人"),
        ("国家和地区", |o| o.countries, "个"),
        ("具体负责管理单位", |o| o.managing_units, "家"),
        ("签证过期（逾期滞留）", |o| o.expired_visas, "人"),
        ("签证30天内到期", |o| o.expiring_visas, "人"),
    ];
    figures
        .into_iter()
        .map(|(label, figure, unit)| {
            format!("{label}{}", change_text(figure(before), figure(now), unit))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Tz> {
        chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(2020, 2, 17, h, m, 0)
            .single()
            .unwrap_or_else(|| unreachable!("a plain time in Shanghai"))
    }

    #[test]
    fn the_headline_reads_as_the_office_writes_it() {
        let figures = Overview {
            present_people: 175,
            countries: 40,
            managing_units: 51,
            ..Overview::default()
        };
        assert_eq!(
            headline(at(12, 0), &figures),
            "截至2月17日中午12:00时，在庆外国人共计175人，来自40个国家和地区，51家单位具体负责管理。"
        );
        assert_eq!(time_text(at(8, 30)), "2月17日上午08:30");
        assert_eq!(time_text(at(17, 5)), "2月17日下午17:05");
        assert_eq!(time_text(at(23, 59)), "2月17日晚上23:59");
    }

    #[test]
    fn changes_say_which_way_and_from_what() {
        assert_eq!(change_text(172, 175, "人"), "增加3人（172→175）");
        assert_eq!(change_text(42, 40, "个"), "减少2个（42→40）");
        assert_eq!(change_text(40, 40, "个"), "持平（40）");
    }
}
