fn main() {
    let dir = "tests/fixtures/daqing-2020-02";
    let mut state = 12345u64;
    let mut rnd = || { state ^= state << 13; state ^= state >> 7; state ^= state << 17; state };
    for name in ["police_visas.xlsx", "soe_foreign_staff.xls", "tourism_guests.ods", "airport_passengers.csv", "nepu_roster.xlsx"] {
        let orig = std::fs::read(format!("{dir}/{name}")).unwrap();
        let mut codes = std::collections::BTreeMap::new();
        for i in 0..std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(400) {
            let mut b = orig.clone();
            let n = 1 + (rnd() % 8) as usize;
            for _ in 0..n { let p = (rnd() as usize) % b.len(); b[p] = rnd() as u8; }
            if i % 7 == 0 { let cut = (rnd() as usize) % b.len(); b.truncate(cut); }
            if name.ends_with(".xls") { std::fs::write("/tmp/fuzz_cur.xls", &b).unwrap(); }
            let r = std::panic::catch_unwind(|| importers::read_upload(&b, name, None, &importers::ReadOptions::default()));
            let k = match r { Ok(Ok(_)) => "ok".to_string(), Ok(Err(e)) => e.code().to_string(), Err(_) => "PANIC".to_string() };
            *codes.entry(k).or_insert(0) += 1;
        }
        println!("{name}: {codes:?}");
    }
}
