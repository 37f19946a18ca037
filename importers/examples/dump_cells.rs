//! Prints every sheet's cells of a workbook (debugging aid).
use calamine::{Data, Reader, open_workbook_auto};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: dump_cells FILE")?;
    let mut wb = open_workbook_auto(&path)?;
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name)?;
        println!("== sheet {name} start={:?} end={:?}", range.start(), range.end());
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (i, row) in range.rows().enumerate() {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .filter(|(_, c)| !matches!(c, Data::Empty))
                .map(|(j, c)| format!("{}:{:?}", j as u32 + c0, c))
                .collect();
            println!("r{} {}", i as u32 + r0 + 1, cells.join(" | "));
        }
    }
    if let calamine::Sheets::Xlsx(x) = &mut wb {
        x.load_merged_regions()?;
        println!("merged: {:?}", x.merged_regions());
    }
    Ok(())
}
