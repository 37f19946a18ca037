use calamine::{DataType, Reader, Xlsx};
use std::io::Cursor;
use std::time::Instant;
fn main() {
    let bytes = std::fs::read("/tmp/sample100k.xlsx").unwrap();
    let t = Instant::now();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    println!("open {:?}", t.elapsed());
    let t = Instant::now();
    let m = wb.merge_cells_by_sheet_name("Sheet1").unwrap();
    println!("merges {} {:?}", m.len(), t.elapsed());
    let t = Instant::now();
    let mut r = wb.worksheet_cells_reader("Sheet1").unwrap();
    let mut n = 0;
    while let Some(c) = r.next_cell().unwrap() { if !c.get_value().is_empty() { n += 1; } }
    println!("cells {n} {:?}", t.elapsed());
}
