//! Who lives in the synthetic city: nationalities with their weights, name pools (Latin
//! spelling and the usual Chinese rendering) and the shape of each country's passport
//! numbers.

use rand::Rng;
use rand::seq::IndexedRandom;

/// A pool of names of one language: surnames, male and female given names, each as
/// (Latin, Chinese).
#[derive(Debug)]
pub struct NamePool {
    /// Family names.
    pub surnames: &'static [(&'static str, &'static str)],
    /// Male given names.
    pub male: &'static [(&'static str, &'static str)],
    /// Female given names.
    pub female: &'static [(&'static str, &'static str)],
    /// Whether the Chinese rendering puts the surname first (东亚) or last (·-joined).
    pub surname_first: bool,
}

/// A nationality of the city: ISO alpha-3, its weight among the people, its name pool and
/// its passport number shape (`A` a letter, `9` a digit, anything else literal).
#[derive(Debug)]
pub struct Origin {
    /// ISO 3166-1 alpha-3.
    pub alpha3: &'static str,
    /// Relative share of the city's foreigners.
    pub weight: u32,
    /// Names.
    pub pool: &'static NamePool,
    /// Passport number pattern.
    pub passport: &'static str,
}

static SLAVIC: NamePool = NamePool {
    surnames: &[
        ("IVANOV", "伊万诺夫"),
        ("PETROV", "彼得罗夫"),
        ("SMIRNOV", "斯米尔诺夫"),
        ("KUZNETSOV", "库兹涅佐夫"),
        ("POPOV", "波波夫"),
        ("SOKOLOV", "索科洛夫"),
        ("MOROZOV", "莫罗佐夫"),
        ("VOLKOV", "沃尔科夫"),
        ("LEBEDEV", "列别杰夫"),
        ("KOZLOV", "科兹洛夫"),
        ("NOVIKOV", "诺维科夫"),
        ("ORLOV", "奥尔洛夫"),
        ("BONDARENKO", "邦达连科"),
        ("SHEVCHENKO", "舍甫琴科"),
    ],
    male: &[
        ("ALEKSANDR", "亚历山大"),
        ("DMITRY", "德米特里"),
        ("SERGEY", "谢尔盖"),
        ("ANDREY", "安德烈"),
        ("MAXIM", "马克西姆"),
        ("IVAN", "伊万"),
        ("NIKOLAI", "尼古拉"),
        ("PAVEL", "帕维尔"),
        ("OLEG", "奥列格"),
        ("ARTEM", "阿尔乔姆"),
    ],
    female: &[
        ("ANNA", "安娜"),
        ("ELENA", "叶莲娜"),
        ("OLGA", "奥尔加"),
        ("NATALIA", "娜塔莉亚"),
        ("TATIANA", "塔季扬娜"),
        ("IRINA", "伊琳娜"),
        ("MARIA", "玛丽亚"),
        ("SVETLANA", "斯韦特兰娜"),
        ("DARIA", "达丽娅"),
    ],
    surname_first: false,
};

static CENTRAL_ASIAN: NamePool = NamePool {
    surnames: &[
        ("NURLANOV", "努尔兰诺夫"),
        ("ABDULLAEV", "阿卜杜拉耶夫"),
        ("SULTANOV", "苏尔坦诺夫"),
        ("BEKOV", "别科夫"),
        ("ZHAKSYBEKOV", "扎克瑟别科夫"),
        ("TOKTOGULOV", "托克托古洛夫"),
        ("KARIMOV", "卡里莫夫"),
        ("RAKHIMOV", "拉希莫夫"),
    ],
    male: &[
        ("ARMAN", "阿尔曼"),
        ("DAULET", "达吾列特"),
        ("TIMUR", "帖木儿"),
        ("RUSLAN", "鲁斯兰"),
        ("AZAMAT", "阿扎马特"),
        ("BAKHYT", "巴赫特"),
    ],
    female: &[
        ("AIGERIM", "艾格丽姆"),
        ("DINARA", "迪娜拉"),
        ("MADINA", "马迪娜"),
        ("ZARINA", "扎丽娜"),
        ("ALIYA", "阿莉娅"),
    ],
    surname_first: false,
};

static KOREAN: NamePool = NamePool {
    surnames: &[
        ("KIM", "金"),
        ("LEE", "李"),
        ("PARK", "朴"),
        ("CHOI", "崔"),
        ("JUNG", "郑"),
        ("KANG", "姜"),
        ("YOON", "尹"),
        ("HAN", "韩"),
    ],
    male: &[
        ("MINJUN", "民俊"),
        ("SEOJUN", "瑞俊"),
        ("JIHO", "智浩"),
        ("HYUNWOO", "贤宇"),
        ("DONGHYUN", "东贤"),
        ("SUNGMIN", "成珉"),
    ],
    female: &[
        ("SEOYEON", "瑞妍"),
        ("JIWOO", "智友"),
        ("HAEUN", "夏恩"),
        ("SOYEON", "素妍"),
        ("MINJI", "敏智"),
        ("YUNA", "允儿"),
    ],
    surname_first: true,
};

static JAPANESE: NamePool = NamePool {
    surnames: &[
        ("SATO", "佐藤"),
        ("SUZUKI", "铃木"),
        ("TAKAHASHI", "高桥"),
        ("TANAKA", "田中"),
        ("WATANABE", "渡边"),
        ("ITO", "伊藤"),
        ("YAMAMOTO", "山本"),
        ("NAKAMURA", "中村"),
    ],
    male: &[
        ("HIROSHI", "浩"),
        ("TAKESHI", "武"),
        ("KENJI", "健二"),
        ("DAISUKE", "大辅"),
        ("SHOTA", "翔太"),
    ],
    female: &[
        ("YUI", "结衣"),
        ("SAKURA", "樱"),
        ("HARUKA", "遥"),
        ("AYAKA", "彩花"),
        ("MIO", "美绪"),
    ],
    surname_first: true,
};

static ENGLISH: NamePool = NamePool {
    surnames: &[
        ("SMITH", "史密斯"),
        ("JOHNSON", "约翰逊"),
        ("WILLIAMS", "威廉斯"),
        ("BROWN", "布朗"),
        ("JONES", "琼斯"),
        ("MILLER", "米勒"),
        ("DAVIS", "戴维斯"),
        ("WILSON", "威尔逊"),
        ("TAYLOR", "泰勒"),
        ("CLARK", "克拉克"),
        ("WALKER", "沃克"),
        ("HALL", "霍尔"),
    ],
    male: &[
        ("JAMES", "詹姆斯"),
        ("JOHN", "约翰"),
        ("ROBERT", "罗伯特"),
        ("MICHAEL", "迈克尔"),
        ("DAVID", "戴维"),
        ("THOMAS", "托马斯"),
        ("DANIEL", "丹尼尔"),
        ("PETER", "彼得"),
    ],
    female: &[
        ("MARY", "玛丽"),
        ("JENNIFER", "詹妮弗"),
        ("LINDA", "琳达"),
        ("SARAH", "莎拉"),
        ("EMILY", "艾米莉"),
        ("JESSICA", "杰西卡"),
        ("LAURA", "劳拉"),
    ],
    surname_first: false,
};

static SOUTH_ASIAN: NamePool = NamePool {
    surnames: &[
        ("KHAN", "汗"),
        ("AHMED", "艾哈迈德"),
        ("ALI", "阿里"),
        ("HUSSAIN", "侯赛因"),
        ("SHARMA", "夏尔马"),
        ("SINGH", "辛格"),
        ("PATEL", "帕特尔"),
        ("KUMAR", "库马尔"),
        ("RAHMAN", "拉赫曼"),
        ("IQBAL", "伊克巴尔"),
    ],
    male: &[
        ("MUHAMMAD", "穆罕默德"),
        ("USMAN", "奥斯曼"),
        ("BILAL", "比拉尔"),
        ("RAHUL", "拉胡尔"),
        ("ARJUN", "阿尔琼"),
        ("IMRAN", "伊姆兰"),
        ("HASSAN", "哈桑"),
    ],
    female: &[
        ("AYESHA", "阿伊莎"),
        ("FATIMA", "法蒂玛"),
        ("PRIYA", "普丽娅"),
        ("SANA", "萨娜"),
        ("ZAINAB", "宰纳卜"),
    ],
    surname_first: false,
};

static AFRICAN: NamePool = NamePool {
    surnames: &[
        ("OKAFOR", "奥卡福"),
        ("MENSAH", "门萨"),
        ("MOYO", "莫约"),
        ("NDLOVU", "恩德洛武"),
        ("BANDA", "班达"),
        ("OTIENO", "奥蒂诺"),
        ("MWANGI", "姆旺吉"),
        ("ADEYEMI", "阿德耶米"),
        ("DLAMINI", "德拉米尼"),
        ("KAMARA", "卡马拉"),
    ],
    male: &[
        ("CHINEDU", "奇内杜"),
        ("KWAME", "夸梅"),
        ("THABO", "塔博"),
        ("JABARI", "贾巴里"),
        ("EMEKA", "埃梅卡"),
        ("SIPHO", "西福"),
    ],
    female: &[
        ("AMARA", "阿玛拉"),
        ("NALEDI", "娜莱迪"),
        ("ZURI", "祖丽"),
        ("ABENA", "阿贝娜"),
        ("IMANI", "伊玛妮"),
    ],
    surname_first: false,
};

static LATIN: NamePool = NamePool {
    surnames: &[
        ("GARCIA", "加西亚"),
        ("FERNANDEZ", "费尔南德斯"),
        ("LOPEZ", "洛佩斯"),
        ("MARTINEZ", "马丁内斯"),
        ("ROSSI", "罗西"),
        ("SILVA", "席尔瓦"),
        ("SANTOS", "桑托斯"),
        ("MARTIN", "马丁"),
        ("DUBOIS", "杜布瓦"),
        ("MULLER", "米勒"),
        ("SCHMIDT", "施密特"),
    ],
    male: &[
        ("PABLO", "巴勃罗"),
        ("CARLOS", "卡洛斯"),
        ("MARCO", "马尔科"),
        ("LUCAS", "卢卡斯"),
        ("PIERRE", "皮埃尔"),
        ("JONAS", "约纳斯"),
    ],
    female: &[
        ("SOFIA", "索菲娅"),
        ("LUCIA", "卢西娅"),
        ("CAMILLE", "卡米耶"),
        ("GIULIA", "朱莉娅"),
        ("ANA", "安娜"),
    ],
    surname_first: false,
};

static SOUTHEAST_ASIAN: NamePool = NamePool {
    surnames: &[
        ("NGUYEN", "阮"),
        ("TRAN", "陈"),
        ("PHAM", "范"),
        ("SOMCHAI", "颂猜"),
        ("SANTOSO", "桑托索"),
        ("BAT-ERDENE", "巴特尔登"),
        ("REYES", "雷耶斯"),
    ],
    male: &[
        ("MINH", "明"),
        ("ANH", "英"),
        ("BUDI", "布迪"),
        ("GANBOLD", "甘宝"),
        ("JOSE", "何塞"),
    ],
    female: &[
        ("LAN", "兰"),
        ("HOA", "花"),
        ("SARI", "莎莉"),
        ("ODGEREL", "敖德格日勒"),
        ("MARIA", "玛丽亚"),
    ],
    surname_first: true,
};

static MIDDLE_EAST: NamePool = NamePool {
    surnames: &[
        ("YILMAZ", "耶尔马兹"),
        ("KAYA", "卡亚"),
        ("HOSSEINI", "侯赛尼"),
        ("AL-SAYED", "赛义德"),
        ("MANSOUR", "曼苏尔"),
        ("HADDAD", "哈达德"),
    ],
    male: &[
        ("MEHMET", "穆罕默德"),
        ("ALI", "阿里"),
        ("OMAR", "奥马尔"),
        ("REZA", "礼萨"),
        ("KARIM", "卡里姆"),
    ],
    female: &[
        ("ELIF", "埃利夫"),
        ("LEILA", "莱拉"),
        ("NOOR", "努尔"),
        ("ZEYNEP", "泽伊内普"),
    ],
    surname_first: false,
};

/// The nationalities of the synthetic city and their shares: Russians and Central Asians
/// work in the oil industry, South Asians and Africans study medicine, Koreans and
/// Japanese work in commerce.
pub static ORIGINS: &[Origin] = &[
    origin("RUS", 220, &SLAVIC, "7599999999"),
    origin("UKR", 60, &SLAVIC, "AA999999"),
    origin("BLR", 25, &SLAVIC, "AB9999999"),
    origin("KAZ", 80, &CENTRAL_ASIAN, "N99999999"),
    origin("KGZ", 25, &CENTRAL_ASIAN, "AC9999999"),
    origin("UZB", 30, &CENTRAL_ASIAN, "AA9999999"),
    origin("TJK", 12, &CENTRAL_ASIAN, "4999999999"),
    origin("TKM", 8, &CENTRAL_ASIAN, "A9999999"),
    origin("KOR", 120, &KOREAN, "M99999999"),
    origin("JPN", 50, &JAPANESE, "TK9999999"),
    origin("USA", 55, &ENGLISH, "599999999"),
    origin("GBR", 20, &ENGLISH, "599999999"),
    origin("CAN", 15, &ENGLISH, "AB999999"),
    origin("AUS", 12, &ENGLISH, "PA9999999"),
    origin("NZL", 5, &ENGLISH, "LA999999"),
    origin("IRL", 4, &ENGLISH, "PA9999999"),
    origin("PAK", 140, &SOUTH_ASIAN, "AB9999999"),
    origin("IND", 90, &SOUTH_ASIAN, "A9999999"),
    origin("BGD", 35, &SOUTH_ASIAN, "BA9999999"),
    origin("NPL", 20, &SOUTH_ASIAN, "09999999"),
    origin("LKA", 8, &SOUTH_ASIAN, "N9999999"),
    origin("AFG", 6, &SOUTH_ASIAN, "P99999999"),
    origin("NGA", 35, &AFRICAN, "A99999999"),
    origin("GHA", 25, &AFRICAN, "G9999999"),
    origin("ZAF", 12, &AFRICAN, "A99999999"),
    origin("KEN", 15, &AFRICAN, "AK9999999"),
    origin("TZA", 14, &AFRICAN, "AB999999"),
    origin("ZMB", 10, &AFRICAN, "ZN999999"),
    origin("ZWE", 10, &AFRICAN, "FN999999"),
    origin("CMR", 9, &AFRICAN, "99AA99999"),
    origin("SDN", 10, &MIDDLE_EAST, "P99999999"),
    origin("EGY", 12, &MIDDLE_EAST, "A99999999"),
    origin("YEM", 12, &MIDDLE_EAST, "09999999"),
    origin("TUR", 10, &MIDDLE_EAST, "U99999999"),
    origin("IRN", 8, &MIDDLE_EAST, "P99999999"),
    origin("ESP", 10, &LATIN, "PA9999999"),
    origin("ITA", 10, &LATIN, "YA9999999"),
    origin("FRA", 14, &LATIN, "99AA99999"),
    origin("DEU", 18, &LATIN, "C99999999"),
    origin("BRA", 8, &LATIN, "FA999999"),
    origin("MEX", 6, &LATIN, "G99999999"),
    origin("VNM", 30, &SOUTHEAST_ASIAN, "C9999999"),
    origin("THA", 15, &SOUTHEAST_ASIAN, "AA9999999"),
    origin("IDN", 18, &SOUTHEAST_ASIAN, "B9999999"),
    origin("MNG", 40, &SOUTHEAST_ASIAN, "E9999999"),
    origin("LAO", 12, &SOUTHEAST_ASIAN, "P9999999"),
    origin("PHL", 8, &SOUTHEAST_ASIAN, "P9999999A"),
];

const fn origin(
    alpha3: &'static str,
    weight: u32,
    pool: &'static NamePool,
    passport: &'static str,
) -> Origin {
    Origin {
        alpha3,
        weight,
        pool,
        passport,
    }
}

/// Picks a nationality by weight.
pub fn pick_origin(rng: &mut impl Rng) -> &'static Origin {
    let total: u32 = ORIGINS.iter().map(|o| o.weight).sum();
    let mut n = rng.random_range(0..total.max(1));
    for origin in ORIGINS {
        if n < origin.weight {
            return origin;
        }
        n -= origin.weight;
    }
    &ORIGINS[0]
}

/// A person's name: Latin surname and given name, and the Chinese rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// Latin family name, upper case.
    pub surname: String,
    /// Latin given name, upper case.
    pub given: String,
    /// Chinese rendering.
    pub chinese: String,
}

/// Picks a name from a pool (Slavic surnames take their feminine form for women).
pub fn pick_name(rng: &mut impl Rng, pool: &NamePool, female: bool) -> Name {
    let (surname, surname_zh) = pool.surnames.choose(rng).copied().unwrap_or(("X", "某"));
    let given_pool = if female { pool.female } else { pool.male };
    let (given, given_zh) = given_pool.choose(rng).copied().unwrap_or(("X", "某"));
    let (surname, surname_zh) = if female && (surname.ends_with("OV") || surname.ends_with("EV")) {
        (format!("{surname}A"), surname_zh.replace('夫', "娃"))
    } else {
        (surname.to_owned(), surname_zh.to_owned())
    };
    let chinese = if pool.surname_first {
        format!("{surname_zh}{given_zh}")
    } else {
        format!("{given_zh}·{surname_zh}")
    };
    Name {
        surname,
        given: given.to_owned(),
        chinese,
    }
}

/// A passport number of a pattern: `A` becomes a random capital letter, `9` a digit.
pub fn passport_number(rng: &mut impl Rng, pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| match c {
            'A' => char::from(b'A' + rng.random_range(0..26u8)),
            '9' => char::from(b'0' + rng.random_range(0..10u8)),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn every_origin_is_a_known_country() {
        for origin in ORIGINS {
            assert!(
                importers::countries::by_alpha3(origin.alpha3).is_some(),
                "{}",
                origin.alpha3
            );
        }
    }

    #[test]
    fn passport_numbers_follow_their_pattern() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = passport_number(&mut rng, "AB99");
        assert_eq!(n.len(), 4);
        assert!(n[2..].chars().all(|c| c.is_ascii_digit()));
        assert!(importers::normalize::is_valid_document_number(
            &passport_number(&mut rng, "M99999999")
        ));
    }

    #[test]
    fn slavic_women_take_the_feminine_surname() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..20 {
            let name = pick_name(&mut rng, &SLAVIC, true);
            assert!(!name.surname.ends_with("OV") && !name.surname.ends_with("EV"));
        }
    }
}
