fn main() {
    let p = std::env::args().nth(1).unwrap();
    let b = std::fs::read(&p).unwrap();
    println!("{:?}", importers::read_upload(&b, &p, None, &importers::ReadOptions::default()).map(|u| u.data_rows()));
}
