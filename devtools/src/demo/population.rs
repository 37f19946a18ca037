//! The people of the synthetic city and what happens to them in the weeks generated:
//! who they are, whom they study or work with, their visas, hotel stays, arrivals and
//! departures. The files of [`super::sources`] are views of this one population, so the
//! same person appears consistently across units, as in the real lists.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::Rng;
use rand::seq::IndexedRandom;

use super::names::{self, Name, Origin};

/// A university and how other units spell it.
pub struct University {
    /// Member-unit code.
    pub unit: &'static str,
    /// Canonical name.
    pub name: &'static str,
    /// Spellings other units use (police, education bureau).
    pub aliases: &'static [&'static str],
    /// Colleges.
    pub colleges: &'static [&'static str],
    /// Share of the students.
    pub weight: u32,
}

/// The six universities of the city.
pub static UNIVERSITIES: &[University] = &[
    University {
        unit: "nepu",
        name: "东北石油大学",
        aliases: &["东北石油大学", "Northeast Petroleum University", "NEPU"],
        colleges: &[
            "石油工程学院",
            "地球科学学院",
            "化学化工学院",
            "国际教育学院",
            "机械科学与工程学院",
        ],
        weight: 40,
    },
    University {
        unit: "hmu_daqing",
        name: "哈尔滨医科大学大庆校区",
        aliases: &[
            "哈医大大庆校区",
            "Harbin Medical University (Daqing)",
            "哈尔滨医科大学大庆校区",
        ],
        colleges: &["临床医学院", "药学院", "医学检验学院", "国际教育学院"],
        weight: 25,
    },
    University {
        unit: "byau",
        name: "黑龙江八一农垦大学",
        aliases: &["八一农垦大学", "Heilongjiang Bayi Agricultural University"],
        colleges: &["农学院", "动物科技学院", "食品学院", "国际教育学院"],
        weight: 15,
    },
    University {
        unit: "dqnu",
        name: "大庆师范学院",
        aliases: &["大庆师范学院", "Daqing Normal University"],
        colleges: &["文学院", "外国语学院", "教育学院"],
        weight: 10,
    },
    University {
        unit: "dqvc",
        name: "大庆职业学院",
        aliases: &["大庆职业学院", "Daqing Vocational College"],
        colleges: &["石油化工系", "机电工程系"],
        weight: 5,
    },
    University {
        unit: "dqmc",
        name: "大庆医学高等专科学校",
        aliases: &["大庆医专", "Daqing Medical College"],
        colleges: &["护理系", "临床医学系"],
        weight: 5,
    },
];

/// An employer and the member unit whose roster lists its foreign staff.
pub struct Employer {
    /// Member unit that uploads the roster.
    pub unit: &'static str,
    /// How the roster writes the employer (spellings vary between rows).
    pub spellings: &'static [&'static str],
    /// Positions held by its foreign staff.
    pub positions: &'static [&'static str],
    /// Share of the employees.
    pub weight: u32,
}

/// The employers of the city's foreign staff.
pub static EMPLOYERS: &[Employer] = &[
    Employer {
        unit: "oilfield",
        spellings: &["大庆油田有限责任公司", "大庆油田"],
        positions: &["钻井工程师", "地质顾问", "技术专家", "翻译"],
        weight: 30,
    },
    Employer {
        unit: "petrochem",
        spellings: &["中国石油大庆石化公司", "大庆石化", "大庆石化公司"],
        positions: &["工艺工程师", "设备专家", "安全顾问"],
        weight: 14,
    },
    Employer {
        unit: "refinery",
        spellings: &["中国石油大庆炼化公司", "大庆炼化"],
        positions: &["催化裂化专家", "工程师"],
        weight: 10,
    },
    Employer {
        unit: "hitech",
        spellings: &["大庆华科股份有限公司"],
        positions: &["研发工程师", "销售经理"],
        weight: 8,
    },
    Employer {
        unit: "hitech",
        spellings: &["大庆高新区新材料产业园有限公司"],
        positions: &["技术总监", "工程师"],
        weight: 6,
    },
    Employer {
        unit: "hitech",
        spellings: &["大庆赛思智能科技有限公司"],
        positions: &["软件工程师", "产品经理"],
        weight: 5,
    },
    Employer {
        unit: "commerce",
        spellings: &["大庆中俄商贸城有限公司"],
        positions: &["贸易代表", "翻译", "经理"],
        weight: 8,
    },
    Employer {
        unit: "commerce",
        spellings: &["大庆韩成国际贸易有限公司"],
        positions: &["总经理", "采购"],
        weight: 4,
    },
    Employer {
        unit: "science",
        spellings: &["大庆石油化工研究院"],
        positions: &["客座研究员", "博士后"],
        weight: 5,
    },
];

/// A hotel or resort and its spellings.
pub struct Hotel {
    /// Spellings the tourism bureau's register uses.
    pub spellings: &'static [&'static str],
    /// Share of the guests.
    pub weight: u32,
}

/// The hotels and resorts of the city.
pub static HOTELS: &[Hotel] = &[
    Hotel {
        spellings: &["大庆万达嘉华酒店", "万达嘉华"],
        weight: 30,
    },
    Hotel {
        spellings: &["大庆龙唐世纪酒店", "龙唐世纪酒店"],
        weight: 20,
    },
    Hotel {
        spellings: &["飞龙温泉景区", "飞龙温泉"],
        weight: 15,
    },
    Hotel {
        spellings: &["北国温泉景区", "北国温泉"],
        weight: 15,
    },
    Hotel {
        spellings: &["大庆石油宾馆"],
        weight: 20,
    },
];

/// The districts that check residents in their communities.
pub static DISTRICTS: &[(&str, &str)] = &[
    ("sartu", "萨尔图区"),
    ("ranghulu", "让胡路区"),
    ("honggang", "红岗区"),
    ("zhaozhou", "肇州县"),
];

/// What brings a person to the city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A student of `UNIVERSITIES[university]`.
    Student {
        /// Index into [`UNIVERSITIES`].
        university: usize,
    },
    /// A teacher of `UNIVERSITIES[university]`.
    Teacher {
        /// Index into [`UNIVERSITIES`].
        university: usize,
    },
    /// Staff of `EMPLOYERS[employer]`.
    Employee {
        /// Index into [`EMPLOYERS`].
        employer: usize,
    },
    /// A visitor staying at `HOTELS[hotel]`.
    Guest {
        /// Index into [`HOTELS`].
        hotel: usize,
    },
    /// A family member or long-term resident, known to the police only.
    Resident,
}

/// How a movement was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// Daqing Sartu airport.
    Air,
    /// The railway.
    Rail,
    /// Long-distance coach.
    Coach,
}

/// An arrival in or a departure from the city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trip {
    /// Local time.
    pub at: NaiveDateTime,
    /// Arrival (else departure).
    pub arrival: bool,
    /// How.
    pub carrier: Carrier,
    /// Flight, train or coach number.
    pub number: &'static str,
    /// The other end (origin of an arrival, destination of a departure).
    pub other_end: &'static str,
}

/// A hotel stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotelStay {
    /// Local check-in time.
    pub check_in: NaiveDateTime,
    /// Local check-out time, when the guest has left.
    pub check_out: Option<NaiveDateTime>,
}

/// One foreign national of the synthetic city.
#[derive(Debug, Clone)]
pub struct Person {
    /// Nationality.
    pub origin: &'static Origin,
    /// Name.
    pub name: Name,
    /// Female (else male).
    pub female: bool,
    /// Date of birth.
    pub birth: NaiveDate,
    /// Passport number.
    pub passport: String,
    /// A renewed passport number one university roster gives instead (a candidate match).
    pub renewed_passport: Option<String>,
    /// A mistyped date of birth one source gives (a conflict).
    pub mistyped_birth: Option<NaiveDate>,
    /// Why they are here.
    pub role: Role,
    /// Visa category and valid-until, when the police list has them.
    pub visa: Option<(&'static str, NaiveDate)>,
    /// Listed by the police.
    pub on_police_list: bool,
    /// Overstaying: held by the exit-entry bureau.
    pub overstay: bool,
    /// District of residence (index into [`DISTRICTS`]).
    pub district: usize,
    /// Street address.
    pub address: String,
    /// Phone number.
    pub phone: String,
    /// Hired on (employees).
    pub hired_on: Option<NaiveDate>,
    /// Hotel stay (guests).
    pub stay: Option<HotelStay>,
    /// Arrivals and departures within the generated period, in time order.
    pub trips: Vec<Trip>,
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    /// The local time the city is generated up to ("now").
    pub now: NaiveDateTime,
    /// Days of history before `now`.
    pub days: i64,
}

impl Span {
    /// The first local day of the period.
    pub fn start(&self) -> NaiveDateTime {
        self.now - Duration::days(self.days)
    }

    /// A random local time within the period (whole minutes).
    pub fn random_time(&self, rng: &mut impl Rng) -> NaiveDateTime {
        self.between(rng, self.start(), self.now)
    }

    /// A random local time between `from` and `to` (whole minutes; `from` when empty).
    pub fn between(
        &self,
        rng: &mut impl Rng,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> NaiveDateTime {
        let minutes = (to - from).num_minutes();
        if minutes <= 0 {
            return from;
        }
        from + Duration::minutes(rng.random_range(0..minutes))
    }
}

const FLIGHTS: &[(&str, &str)] = &[
    ("MU5621", "北京"),
    ("CZ6212", "上海"),
    ("CZ6158", "广州"),
    ("9C8571", "上海"),
    ("HU7201", "海口"),
    ("SC4683", "青岛"),
];
const TRAINS: &[(&str, &str)] = &[
    ("D28", "北京"),
    ("G1202", "哈尔滨西"),
    ("D6912", "哈尔滨"),
    ("K7033", "齐齐哈尔"),
    ("G1274", "沈阳北"),
];
const COACHES: &[(&str, &str)] = &[
    ("大哈0815", "哈尔滨"),
    ("大齐1330", "齐齐哈尔"),
    ("大绥0930", "绥化"),
];
const STREETS: &[&str] = &[
    "东风新村",
    "世纪大道",
    "经六街",
    "纬二路",
    "西宾路",
    "中央大街",
    "龙凤大街",
    "学府街",
];

fn weighted(rng: &mut impl Rng, weights: impl Iterator<Item = u32> + Clone) -> usize {
    let total: u32 = weights.clone().sum();
    let mut n = rng.random_range(0..total.max(1));
    for (i, w) in weights.enumerate() {
        if n < w {
            return i;
        }
        n -= w;
    }
    0
}

fn pick_role(rng: &mut impl Rng, origin: &Origin) -> Role {
    let student_bias = matches!(
        origin.alpha3,
        "PAK"
            | "IND"
            | "BGD"
            | "NPL"
            | "NGA"
            | "GHA"
            | "KEN"
            | "TZA"
            | "ZMB"
            | "ZWE"
            | "CMR"
            | "SDN"
            | "YEM"
            | "LAO"
            | "MNG"
            | "KGZ"
            | "TJK"
            | "TKM"
            | "AFG"
    );
    let roll = rng.random_range(0..100);
    let (students, teachers, employees, guests) = if student_bias {
        (80, 83, 92, 96)
    } else {
        (35, 42, 75, 88)
    };
    if roll < students {
        Role::Student {
            university: weighted(rng, UNIVERSITIES.iter().map(|u| u.weight)),
        }
    } else if roll < teachers {
        Role::Teacher {
            university: weighted(rng, UNIVERSITIES.iter().map(|u| u.weight)),
        }
    } else if roll < employees {
        Role::Employee {
            employer: weighted(rng, EMPLOYERS.iter().map(|e| e.weight)),
        }
    } else if roll < guests {
        Role::Guest {
            hotel: weighted(rng, HOTELS.iter().map(|h| h.weight)),
        }
    } else {
        Role::Resident
    }
}

fn trip(rng: &mut impl Rng, at: NaiveDateTime, arrival: bool) -> Trip {
    let roll = rng.random_range(0..10);
    let (carrier, table) = match roll {
        0..=4 => (Carrier::Air, FLIGHTS),
        5..=8 => (Carrier::Rail, TRAINS),
        _ => (Carrier::Coach, COACHES),
    };
    let (number, other_end) = table.choose(rng).copied().unwrap_or(("MU5621", "北京"));
    Trip {
        at,
        arrival,
        carrier,
        number,
        other_end,
    }
}

/// Arrivals and departures of a non-guest within the period.
fn movements(rng: &mut impl Rng, span: &Span, role: Role) -> Vec<Trip> {
    let (leave, come_back, newcomer) = match role {
        Role::Student { .. } => (18, 45, 8),
        Role::Teacher { .. } => (15, 50, 5),
        Role::Employee { .. } => (12, 60, 10),
        _ => (5, 30, 3),
    };
    let roll = rng.random_range(0..100);
    if roll < leave {
        let out = span.random_time(rng);
        let mut trips = vec![trip(rng, out, false)];
        if rng.random_range(0..100) < come_back {
            let back = span.between(rng, out + Duration::days(2), span.now);
            if back > out + Duration::hours(1) && back <= span.now {
                trips.push(trip(rng, back, true));
            }
        }
        trips
    } else if roll < leave + newcomer {
        let at = span.random_time(rng);
        vec![trip(rng, at, true)]
    } else {
        Vec::new()
    }
}

/// A guest's stay and the movements around it.
fn guest_stay(rng: &mut impl Rng, span: &Span) -> (HotelStay, Vec<Trip>) {
    let check_in = span.random_time(rng);
    let nights = rng.random_range(1..12);
    let leave = check_in + Duration::days(nights) - Duration::hours(rng.random_range(0..6));
    let mut trips = vec![trip(rng, check_in - Duration::hours(2), true)];
    let check_out = (leave <= span.now).then_some(leave);
    if let Some(out) = check_out
        && rng.random_range(0..10) < 9
    {
        trips.push(trip(rng, out + Duration::hours(2), false));
    }
    trips.retain(|t| t.at >= span.start() && t.at <= span.now);
    (
        HotelStay {
            check_in,
            check_out,
        },
        trips,
    )
}

fn visa(rng: &mut impl Rng, role: Role, today: NaiveDate) -> (&'static str, NaiveDate) {
    let category = match role {
        Role::Student { .. } => *["X1", "X1", "X1", "X2"].choose(rng).unwrap_or(&"X1"),
        Role::Teacher { .. } | Role::Employee { .. } => "Z",
        Role::Guest { .. } => "L",
        Role::Resident => *["S1", "S2", "Q1"].choose(rng).unwrap_or(&"S1"),
    };
    let days = if rng.random_range(0..100) < 6 {
        rng.random_range(1..30)
    } else {
        rng.random_range(45..720)
    };
    (category, today + Duration::days(days))
}

/// Generates `count` people, `overstays` of them with an expired visa, deterministically
/// from `rng`.
pub fn generate(rng: &mut impl Rng, count: usize, overstays: usize, span: &Span) -> Vec<Person> {
    let today = span.now.date();
    let mut used = std::collections::HashSet::new();
    let mut people = Vec::with_capacity(count);
    while people.len() < count {
        let origin = names::pick_origin(rng);
        let passport = names::passport_number(rng, origin.passport);
        if !used.insert((origin.alpha3, passport.clone())) {
            continue;
        }
        let female = rng.random_bool(0.45);
        let role = pick_role(rng, origin);
        let age = match role {
            Role::Student { .. } => rng.random_range(18..30),
            Role::Guest { .. } => rng.random_range(22..70),
            _ => rng.random_range(25..62),
        };
        let birth = today - Duration::days(age * 365 + rng.random_range(0..365));
        let district = rng.random_range(0..DISTRICTS.len());
        let address = format!(
            "{}{}{}号",
            DISTRICTS[district].1,
            STREETS.choose(rng).unwrap_or(&"世纪大道"),
            rng.random_range(1..300)
        );
        let (stay, trips) = match role {
            Role::Guest { .. } => {
                let (stay, trips) = guest_stay(rng, span);
                (Some(stay), trips)
            }
            _ => (None, movements(rng, span, role)),
        };
        let hired_on = matches!(role, Role::Employee { .. })
            .then(|| today - Duration::days(rng.random_range(30..3000)));
        let on_police_list = !matches!(role, Role::Guest { .. }) && rng.random_range(0..100) < 97;
        people.push(Person {
            origin,
            name: names::pick_name(rng, origin.pool, female),
            female,
            birth,
            passport,
            renewed_passport: None,
            mistyped_birth: None,
            role,
            visa: on_police_list.then(|| visa(rng, role, today)),
            on_police_list,
            overstay: false,
            district,
            address,
            phone: format!("13{:09}", rng.random_range(0..1_000_000_000u64)),
            hired_on,
            stay,
            trips,
        });
    }
    mark_overstays(rng, &mut people, overstays, today);
    mark_renewals_and_typos(rng, &mut people);
    people
}

/// Gives `n` residents or employees on the police list an expired visa; the first is
/// held by the exit-entry bureau (and checked daily).
fn mark_overstays(rng: &mut impl Rng, people: &mut [Person], n: usize, today: NaiveDate) {
    let candidates: Vec<usize> = people
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.on_police_list
                && p.trips.is_empty()
                && matches!(p.role, Role::Resident | Role::Employee { .. })
        })
        .map(|(i, _)| i)
        .collect();
    for &i in candidates.iter().take(n) {
        let person = &mut people[i];
        person.overstay = true;
        let category = person.visa.map_or("S1", |(c, _)| c);
        person.visa = Some((category, today - Duration::days(rng.random_range(3..40))));
    }
}

/// A few university students and teachers renewed their passport and their roster gives
/// the new number (candidate matches), a few have a mistyped birth date (conflicts).
fn mark_renewals_and_typos(rng: &mut impl Rng, people: &mut [Person]) {
    let mut renewals = 0;
    let mut typos = 0;
    for person in people.iter_mut() {
        if !matches!(person.role, Role::Student { .. } | Role::Teacher { .. })
            || !person.on_police_list
            || !person.trips.is_empty()
        {
            continue;
        }
        if renewals < 6 && rng.random_range(0..100) < 2 {
            person.renewed_passport = Some(names::passport_number(rng, person.origin.passport));
            renewals += 1;
        } else if typos < 12 && rng.random_range(0..100) < 2 {
            person.mistyped_birth = Some(person.birth + Duration::days(rng.random_range(1..28)));
            typos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn span() -> Span {
        Span {
            now: NaiveDate::from_ymd_opt(2020, 2, 17)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .unwrap_or_default(),
            days: 42,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_city() {
        let a = generate(&mut ChaCha8Rng::seed_from_u64(3), 300, 4, &span());
        let b = generate(&mut ChaCha8Rng::seed_from_u64(3), 300, 4, &span());
        let key = |p: &Person| (p.passport.clone(), p.name.clone(), p.trips.clone());
        assert_eq!(
            a.iter().map(key).collect::<Vec<_>>(),
            b.iter().map(key).collect::<Vec<_>>()
        );
    }

    #[test]
    fn movements_stay_within_the_period_and_overstays_are_expired() {
        let span = span();
        let people = generate(&mut ChaCha8Rng::seed_from_u64(5), 600, 5, &span);
        assert_eq!(people.len(), 600);
        for p in &people {
            for t in &p.trips {
                assert!(t.at >= span.start() && t.at <= span.now, "{t:?}");
            }
        }
        let overstays: Vec<_> = people.iter().filter(|p| p.overstay).collect();
        assert_eq!(overstays.len(), 5);
        assert!(
            overstays
                .iter()
                .all(|p| p.visa.is_some_and(|(_, until)| until < span.now.date()))
        );
    }
}
