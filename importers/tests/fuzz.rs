//! Structure-aware fuzzing of [`read_upload`] on stable Rust.
//!
//! Real files (the Daqing fixtures and workbooks written by the crate's writers) are mutated
//! with knowledge of their containers: the XML parts of an xlsx or ods are edited (numbers
//! swapped for extreme ones, attributes re-quoted, padded or repeated, cell references pushed
//! to the sheet's corners, elements repeated, hostile fragments inserted, bytes flipped) and the
//! zip is rebuilt with entries duplicated, renamed, dropped or reordered; the BIFF records of an
//! xls are edited, repeated, dropped or joined by hostile ones and a compound file is rebuilt;
//! a CSV gets stray quotes, NULs, huge fields and lines, and other encodings.
//!
//! Every case is read in a child process (this test binary run again) limited to
//! [`MEMORY_LIMIT`] of address space and [`TIMEOUT`] of wall-clock time. An escaping panic, an
//! abort, an allocation refused by the limit or a hang fails the run, which names each case's
//! seed and the file it saved. Panics that `read_upload` catches itself (it reports them as
//! `CORRUPT_FILE`) are counted and listed, not failed.
//!
//! - `cargo test -p importers --test fuzz`: a bounded run of [`DEFAULT_CASES`] cases.
//! - `IMPORTERS_FUZZ_CASES=20000 cargo test --release -p importers --test fuzz -- --nocapture`:
//!   a longer run; `IMPORTERS_FUZZ_SEED=n` starts from another seed (case `i` uses seed `n + i`,
//!   so `IMPORTERS_FUZZ_SEED=<case seed> IMPORTERS_FUZZ_CASES=1` rebuilds one case).
//! - `IMPORTERS_FUZZ_REPLAY=path/to/file cargo test -p importers --test fuzz -- --nocapture`:
//!   reads one saved file the same way and prints what happened.

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use importers::{ReadOptions, SourceKind, read_upload};

/// Set in a child process: the file it reads.
const INPUT_ENV: &str = "IMPORTERS_FUZZ_INPUT";
/// Number of cases to run.
const CASES_ENV: &str = "IMPORTERS_FUZZ_CASES";
/// Seed of the first case.
const SEED_ENV: &str = "IMPORTERS_FUZZ_SEED";
/// A saved file to read once instead of fuzzing.
const REPLAY_ENV: &str = "IMPORTERS_FUZZ_REPLAY";
/// Cases of the run `cargo test` makes.
const DEFAULT_CASES: u64 = 200;
const DEFAULT_SEED: u64 = 0x2020_0217_0000;
/// Address space a child may use.
const MEMORY_LIMIT: u64 = 1024 * 1024 * 1024;
/// Wall-clock time a child may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Marks the child's line that tells the outcome of its read.
const OUTCOME: &str = "FUZZ-OUTCOME";
/// Grows the largest generated inputs in an optimised build, where reading them is quick; an
/// unoptimised build reads a few megabytes of text slowly enough to look like a hang.
const SCALE: usize = if cfg!(debug_assertions) { 1 } else { 10 };

// ---- the child ------------------------------------------------------------------------------

/// The child's side: reads the file named by [`INPUT_ENV`] and prints the outcome. Does nothing
/// in an ordinary test run.
#[test]
fn fuzz_child() {
    let Some(path) = std::env::var_os(INPUT_ENV) else {
        return;
    };
    let path = PathBuf::from(path);
    let bytes = std::fs::read(&path).expect("the case file");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let outcome = match read_upload(&bytes, &name, None, &ReadOptions::default()) {
        Ok(up) => format!("rows {}", up.data_rows()),
        Err(e) => format!("error {}", e.code()),
    };
    println!("{OUTCOME} {outcome}");
}

/// How a child ended.
#[derive(Debug)]
enum Outcome {
    /// Rows or a coded error (the text the child printed), and any panic it caught.
    Done(String, Option<String>),
    /// A panic escaped `read_upload`.
    Panic(String),
    /// An allocation failed under the memory limit.
    OutOfMemory(String),
    /// Killed by a signal (abort, segfault) or exited oddly.
    Crash(String),
    /// Still running after [`TIMEOUT`].
    Hang,
}

impl Outcome {
    fn is_failure(&self) -> bool {
        !matches!(self, Self::Done(..))
    }

    fn describe(&self) -> String {
        match self {
            Self::Done(printed, None) => printed.clone(),
            Self::Done(printed, Some(panic)) => format!("{printed} (caught: {panic})"),
            Self::Panic(p) => format!("panic: {p}"),
            Self::OutOfMemory(m) => format!("out of memory: {m}"),
            Self::Crash(c) => format!("crash: {c}"),
            Self::Hang => format!("hang: still running after {} s", TIMEOUT.as_secs()),
        }
    }
}

/// The first lines of a panic message in `stderr`.
fn panic_message(stderr: &str) -> Option<String> {
    let at = stderr.find("panicked at")?;
    Some(stderr[at..].lines().take(2).collect::<Vec<_>>().join(" "))
}

/// Reads `path` in a child process under the limits.
fn run_child(path: &Path) -> Outcome {
    let exe = std::env::current_exe().expect("the test binary");
    let mut command = Command::new(exe);
    command
        .args(["--exact", "fuzz_child", "--nocapture", "--test-threads=1"])
        .env(INPUT_ENV, path)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    limit_memory(&mut command);
    let mut child = command.spawn().expect("spawn the child");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait().expect("wait for the child") {
            Some(status) => break Some(status),
            None if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let Some(status) = status else {
        return Outcome::Hang;
    };
    if let Some(alloc) = stderr.lines().find(|l| l.contains("memory allocation of")) {
        return Outcome::OutOfMemory(alloc.to_string());
    }
    let printed = stdout.lines().find_map(|l| {
        l.find(OUTCOME)
            .map(|at| l[at + OUTCOME.len()..].trim().to_string())
    });
    match (status.success(), printed) {
        (true, Some(printed)) => Outcome::Done(printed, panic_message(&stderr)),
        _ => match panic_message(&stderr) {
            Some(p) => Outcome::Panic(p),
            None => Outcome::Crash(format!(
                "{status}; {}",
                stderr.lines().rev().take(3).collect::<Vec<_>>().join(" | ")
            )),
        },
    }
}

/// Limits the child's address space (Linux and other Unix systems).
#[cfg(unix)]
fn limit_memory(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the forked child before exec and only calls setrlimit, which
    // is async-signal-safe; it touches no memory shared with the parent.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT as libc::rlim_t,
                rlim_max: MEMORY_LIMIT as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Elsewhere the child runs without a memory limit (hangs and crashes are still caught).
#[cfg(not(unix))]
fn limit_memory(_command: &mut Command) {}

// ---- randomness -----------------------------------------------------------------------------

/// A small seeded generator (splitmix64 to seed, xorshift64* to draw).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Self((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Numbers that find overflows, wrap-arounds and allocations sized from file content.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "255",
    "256",
    "65535",
    "65536",
    "1048576",
    "16384",
    "2147483647",
    "2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "1000000000000000",
    "1e308",
    "NaN",
    "00000000000000000000000000000000001",
];

// ---- the corpus -----------------------------------------------------------------------------

/// What a corpus file is, for choosing its mutations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Zip,
    Xls,
    Csv,
}

struct Seed {
    name: String,
    container: Container,
    bytes: Vec<u8>,
}

fn corpus() -> Vec<Seed> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/daqing-2020-02");
    let mut seeds = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("the fixtures")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let container = match Path::new(&name).extension().and_then(|e| e.to_str()) {
            Some("xlsx" | "ods") => Container::Zip,
            Some("xls") => Container::Xls,
            Some("csv") => Container::Csv,
            _ => continue,
        };
        let bytes = std::fs::read(dir.join(&name)).expect("a fixture");
        seeds.push(Seed {
            name,
            container,
            bytes,
        });
    }
    // Written by the crate: shared strings (the fixtures use inline strings), styles, dates.
    let written = [
        (
            "sample.xlsx",
            devtools::sample::visa_registry_xlsx(30, 7).expect("sample"),
        ),
        (
            "template.xlsx",
            importers::template_xlsx(SourceKind::LodgingRegister).expect("template"),
        ),
        (
            "merged.xlsx",
            common::xlsx(&[common::SheetSpec {
                name: "Guests",
                rows: vec![
                    vec![
                        common::C::S("酒店"),
                        common::C::S("姓名"),
                        common::C::S("国籍"),
                        common::C::S("护照号码"),
                        common::C::S("入住日期"),
                    ],
                    vec![
                        common::C::Empty,
                        common::C::S("KIM"),
                        common::C::S("韩国"),
                        common::C::S("M1"),
                        common::C::D(2020, 2, 1),
                    ],
                    vec![
                        common::C::Empty,
                        common::C::S("LEE"),
                        common::C::S("韩国"),
                        common::C::S("M2"),
                        common::C::N(43862.0),
                    ],
                ],
                merges: vec![(1, 0, 2, 0, "飞龙温泉")],
            }]),
        ),
    ];
    for (name, bytes) in written {
        seeds.push(Seed {
            name: name.to_string(),
            container: Container::Zip,
            bytes,
        });
    }
    seeds
}

// ---- XML mutations --------------------------------------------------------------------------

/// Fragments that have made readers allocate or loop on untrusted numbers.
const XML_FRAGMENTS: &[&str] = &[
    "<si/>",
    "<si><t>x</t></si>",
    "<c r=\"XFD1048576\" t=\"s\"><v>4294967295</v></c>",
    "<c r=\"A1\" t=\"s\"><v>-1</v></c>",
    "<c r=\"ZZZZZZZZ99999999999\"><v>1</v></c>",
    "<row r=\"4294967295\"><c><v>1</v></c></row>",
    "<row r=\"0\">",
    "<dimension ref=\"A1:XFD1048576\"/>",
    "<mergeCell ref=\"A1:XFD1048576\"/>",
    "<f t=\"shared\" si=\"1000000000000\" ref=\"A1:A2\">1</f>",
    "<table:table-row table:number-rows-repeated=\"1048576\"><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row>",
    "<table:table-cell table:number-rows-spanned=\"4294967295\" table:number-columns-spanned=\"4294967295\"/>",
    "<sst uniqueCount='1000000000000000'>",
    "<!DOCTYPE a [<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">]>",
    "&a;&a;&a;",
    "<![CDATA[<si>]]>",
    "\u{0}",
    "&#0;&#xFFFF;&#x110000;",
];

/// Byte ranges of the runs of ASCII digits in `data`.
fn digit_runs(data: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if data[i].is_ascii_digit() {
            let start = i;
            while i < data.len() && data[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    runs
}

/// Positions of `needle` in `data`.
fn positions(data: &[u8], needle: &[u8]) -> Vec<usize> {
    data.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

fn splice(data: &mut Vec<u8>, start: usize, end: usize, with: &[u8]) {
    data.splice(start..end, with.iter().copied());
}

fn mutate_xml(rng: &mut Rng, data: &mut Vec<u8>) {
    match rng.below(9) {
        // A number swapped for an extreme one.
        0 | 1 => {
            let runs = digit_runs(data);
            if !runs.is_empty() {
                let (s, e) = *rng.pick(&runs);
                let n = *rng.pick(NUMBERS);
                splice(data, s, e, n.as_bytes());
            }
        }
        // An attribute re-quoted, preceded by a long one, or repeated.
        2 | 3 => {
            let eqs = positions(data, b"=\"");
            if eqs.is_empty() {
                return;
            }
            let at = *rng.pick(&eqs);
            let name_start = data[..at]
                .iter()
                .rposition(|b| b.is_ascii_whitespace())
                .map_or(at, |p| p + 1);
            let Some(close) = data[at + 2..].iter().position(|&b| b == b'"') else {
                return;
            };
            let close = at + 2 + close;
            match rng.below(3) {
                0 => {
                    data[at + 1] = b'\'';
                    data[close] = b'\'';
                }
                1 => {
                    let pad = format!("pad{}=\"{}\" ", rng.below(1000), "x".repeat(5_000));
                    splice(data, name_start, name_start, pad.as_bytes());
                }
                _ => {
                    let attr = data[name_start..=close].to_vec();
                    splice(data, close + 1, close + 1, b" ");
                    splice(data, close + 2, close + 2, &attr);
                }
            }
        }
        // A cell reference or range pushed to the sheet's far corner.
        4 => {
            let refs = positions(data, b"r=\"");
            if let Some(&at) = (!refs.is_empty()).then(|| rng.pick(&refs))
                && let Some(close) = data[at + 3..].iter().position(|&b| b == b'"')
            {
                let value = *rng.pick(&["XFD1048576", "A1:XFD1048576", "A4294967295", "", "A"]);
                splice(data, at + 3, at + 3 + close, value.as_bytes());
            }
        }
        // An element (or any run starting at a tag) repeated many times.
        5 => {
            let tags = positions(data, b"<");
            if tags.is_empty() {
                return;
            }
            let start = *rng.pick(&tags);
            let len = 1 + rng.below(400.min(data.len() - start));
            let end = data[start..start + len]
                .iter()
                .rposition(|&b| b == b'>')
                .map_or(start + len, |p| start + p + 1);
            let chunk = data[start..end].to_vec();
            let times = [2, 10, 1_000, 5_000 * SCALE][rng.below(4)];
            let repeated = chunk.repeat(times);
            splice(data, end, end, &repeated);
        }
        // A hostile fragment at a tag boundary.
        6 => {
            let tags = positions(data, b"<");
            let at = if tags.is_empty() { 0 } else { *rng.pick(&tags) };
            let fragment = rng
                .pick(XML_FRAGMENTS)
                .repeat(1 + rng.below(3) * rng.below(2_000 * SCALE));
            splice(data, at, at, fragment.as_bytes());
        }
        // Truncated.
        7 => {
            let keep = rng.below(data.len() + 1);
            data.truncate(keep);
        }
        // Bytes flipped.
        _ => flip_bytes(rng, data),
    }
}

fn flip_bytes(rng: &mut Rng, data: &mut [u8]) {
    if data.is_empty() {
        return;
    }
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(data.len());
        data[at] = rng.next() as u8;
    }
}

// ---- zip containers -------------------------------------------------------------------------

/// Another spelling of an entry name that readers may take for the same part.
fn variant(rng: &mut Rng, name: &str) -> String {
    match rng.below(4) {
        0 => name.to_ascii_uppercase(),
        1 => name.replace('/', "\\"),
        2 => format!("decoy/{name}"),
        _ => format!("/{name}"),
    }
}

/// Zips entries, leaving out repeated names the writer refuses.
fn rezip(entries: &[(String, Vec<u8>)], rng: &mut Rng) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let method = if rng.chance(20) {
        zip::CompressionMethod::Stored
    } else {
        zip::CompressionMethod::Deflated
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        if out.start_file(name.as_str(), options).is_ok() {
            let _ = out.write_all(data);
        }
    }
    out.finish()
        .map(|c| c.into_inner())
        .unwrap_or_else(|_| Vec::new())
}

fn mutate_zip(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut entries = common::unzip(bytes);
    for _ in 0..1 + rng.below(3) {
        if entries.is_empty() {
            break;
        }
        let i = rng.below(entries.len());
        match rng.below(12) {
            0..=6 => {
                // Prefer the parts readers parse.
                let xml: Vec<usize> = (0..entries.len())
                    .filter(|&j| {
                        let n = entries[j].0.to_ascii_lowercase();
                        n.ends_with(".xml") || n.ends_with(".rels")
                    })
                    .collect();
                let j = if xml.is_empty() { i } else { *rng.pick(&xml) };
                mutate_xml(rng, &mut entries[j].1);
            }
            7 => {
                let copy = (variant(rng, &entries[i].0), entries[i].1.clone());
                let at = rng.below(entries.len() + 1);
                entries.insert(at, copy);
            }
            8 => entries[i].0 = variant(rng, &entries[i].0),
            9 => {
                entries.remove(i);
            }
            10 => {
                let e = entries.remove(i);
                entries.insert(0, e);
            }
            _ => {
                let j = rng.below(entries.len());
                entries.swap(i, j);
            }
        }
    }
    let mut out = rezip(&entries, rng);
    if rng.chance(10) {
        flip_bytes(rng, &mut out);
    }
    out
}

// ---- xls (BIFF in a compound file) ----------------------------------------------------------

fn biff_records(stream: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut records = Vec::new();
    let mut pos = 0;
    while pos + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[pos], stream[pos + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[pos + 2], stream[pos + 3]]));
        let end = (pos + 4 + len).min(stream.len());
        records.push((typ, stream[pos + 4..end].to_vec()));
        pos = end;
    }
    records
}

/// Records that have made readers allocate from their counts or index out of bounds.
fn hostile_record(rng: &mut Rng) -> (u16, Vec<u8>) {
    let huge = u32::MAX.to_le_bytes();
    match rng.below(6) {
        // SST declaring 4 billion strings, holding one.
        0 => {
            let mut d = huge.to_vec();
            d.extend_from_slice(&huge);
            d.extend_from_slice(&[1, 0, 0, b'x']);
            (0x00FC, d)
        }
        // DIMENSIONS spanning everything, or reversed.
        1 => {
            let mut d = Vec::new();
            d.extend_from_slice(&(rng.next() as u32).to_le_bytes());
            d.extend_from_slice(&(rng.next() as u32).to_le_bytes());
            d.extend_from_slice(&(rng.next() as u16).to_le_bytes());
            d.extend_from_slice(&(rng.next() as u16).to_le_bytes());
            d.extend_from_slice(&[0, 0]);
            (0x0200, d)
        }
        // LABELSST pointing past the table.
        2 => {
            let mut d = vec![0, 0, 0, 0, 0, 0];
            d.extend_from_slice(&huge);
            (0x00FD, d)
        }
        // CONTINUE of junk.
        3 => (
            0x003C,
            (0..rng.below(300)).map(|_| rng.next() as u8).collect(),
        ),
        // A number at the last row and column.
        4 => {
            let mut d = vec![0xFF, 0xFF, 0xFF, 0x00, 0, 0];
            d.extend_from_slice(&1.0f64.to_le_bytes());
            (0x0203, d)
        }
        // A record cut short.
        _ => (
            *rng.pick(&[0x0809u16, 0x0085, 0x00FC, 0x0204, 0x00BD, 0x0006, 0x0018]),
            vec![1],
        ),
    }
}

fn mutate_xls(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let Ok(mut comp) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        let mut out = bytes.to_vec();
        flip_bytes(rng, &mut out);
        return out;
    };
    let name = if comp.is_stream("/Workbook") {
        "/Workbook"
    } else {
        "/Book"
    };
    let mut stream = Vec::new();
    if let Ok(mut s) = comp.open_stream(name) {
        let _ = s.read_to_end(&mut stream);
    }
    let mut records = biff_records(&stream);
    for _ in 0..1 + rng.below(3) {
        if records.is_empty() {
            records.push(hostile_record(rng));
            continue;
        }
        let i = rng.below(records.len());
        match rng.below(8) {
            0 | 1 => {
                let data = &mut records[i].1;
                if data.len() >= 2 {
                    let at = rng.below(data.len() - 1);
                    let value: u32 =
                        *rng.pick(&[0, 1, 0xFF, 0xFFFF, 0x1_0000, u32::MAX, 0x8000_0000]);
                    let width = if data.len() - at >= 4 && rng.chance(50) {
                        4
                    } else {
                        2
                    };
                    data[at..at + width].copy_from_slice(&value.to_le_bytes()[..width]);
                }
            }
            2 => flip_bytes(rng, &mut records[i].1),
            3 => {
                let r = records[i].clone();
                records.insert(i, r);
            }
            4 => {
                records.remove(i);
            }
            5 => {
                let keep = rng.below(records[i].1.len() + 1);
                records[i].1.truncate(keep);
            }
            _ => {
                let r = hostile_record(rng);
                records.insert(i, r);
            }
        }
    }
    let mut out_stream = Vec::new();
    for (typ, data) in &records {
        out_stream.extend_from_slice(&typ.to_le_bytes());
        let len = u16::try_from(data.len()).unwrap_or(u16::MAX);
        // Now and then a length that disagrees with the data.
        let len = if rng.chance(3) {
            rng.next() as u16
        } else {
            len
        };
        out_stream.extend_from_slice(&len.to_le_bytes());
        out_stream.extend_from_slice(&data[..data.len().min(usize::from(u16::MAX))]);
    }
    let version = if rng.chance(50) {
        cfb::Version::V3
    } else {
        cfb::Version::V4
    };
    let mut out = cfb::CompoundFile::create_with_version(version, Cursor::new(Vec::new()))
        .expect("a compound file");
    // Now and then the mutated stream sits in a storage, listed before the original stream:
    // readers that find streams by name differently disagree on which one is the workbook.
    if rng.chance(25) {
        let hidden = format!(
            "/{}{name}",
            rng.pick(&["X", "Workbook", "_VBA_PROJECT_CUR"])
        );
        let parent = &hidden[..hidden.len() - name.len()];
        if out.create_storage(parent).is_ok()
            && let Ok(mut s) = out.create_stream(&hidden)
        {
            let _ = s.write_all(&out_stream);
        }
        out_stream = stream;
    }
    if let Ok(mut s) = out.create_stream(name) {
        let _ = s.write_all(&out_stream);
    }
    let _ = out.flush();
    let mut out = out.into_inner().into_inner();
    if rng.chance(10) {
        flip_bytes(rng, &mut out);
    }
    out
}

// ---- csv ------------------------------------------------------------------------------------

fn mutate_csv(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut data = bytes.to_vec();
    for _ in 0..1 + rng.below(3) {
        match rng.below(9) {
            0 => {
                let at = rng.below(data.len() + 1);
                data.insert(at, b'"');
            }
            1 => {
                let at = rng.below(data.len() + 1);
                let junk = *rng.pick(&[&b"\0"[..], b"\r", b"\r\r\n", b"\xEF\xBB\xBF", b"\xFF\xFE"]);
                splice(&mut data, at, at, junk);
            }
            2 => {
                let at = rng.below(data.len() + 1);
                let field = vec![b'x'; [1_000, 10_000, 50_000 * SCALE][rng.below(3)]];
                splice(&mut data, at, at, &field);
            }
            3 => {
                let at = rng.below(data.len() + 1);
                let commas = vec![b','; [100, 5_000 * SCALE][rng.below(2)]];
                splice(&mut data, at, at, &commas);
            }
            4 => {
                let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
                let line = rng.pick(&lines).to_vec();
                let mut repeated = Vec::new();
                for _ in 0..[10, 500, 3_000 * SCALE][rng.below(3)] {
                    repeated.extend_from_slice(&line);
                    repeated.push(b'\n');
                }
                data.extend_from_slice(&repeated);
            }
            5 => {
                let text = String::from_utf8_lossy(&data).into_owned();
                let encoding = *rng.pick(&[
                    encoding_rs::GB18030,
                    encoding_rs::GBK,
                    encoding_rs::BIG5,
                    encoding_rs::SHIFT_JIS,
                ]);
                data = encoding.encode(&text).0.into_owned();
            }
            6 => {
                let text = String::from_utf8_lossy(&data).into_owned();
                let mut utf16 = vec![0xFF, 0xFE];
                utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                data = utf16;
            }
            7 => {
                let keep = rng.below(data.len() + 1);
                data.truncate(keep);
            }
            _ => flip_bytes(rng, &mut data),
        }
    }
    data
}

// ---- the run --------------------------------------------------------------------------------

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| {
            let v = v.trim();
            v.strip_prefix("0x")
                .map_or_else(|| v.parse().ok(), |h| u64::from_str_radix(h, 16).ok())
        })
        .unwrap_or(default)
}

/// One case: the seed picks a corpus file and its mutations.
fn make_case(corpus: &[Seed], seed: u64) -> (String, Vec<u8>) {
    let mut rng = Rng::new(seed);
    let original = rng.pick(corpus);
    let bytes = match original.container {
        Container::Zip => mutate_zip(&mut rng, &original.bytes),
        Container::Xls => mutate_xls(&mut rng, &original.bytes),
        Container::Csv => mutate_csv(&mut rng, &original.bytes),
    };
    (original.name.clone(), bytes)
}

#[test]
fn fuzz_importers() {
    if std::env::var_os(INPUT_ENV).is_some() {
        return;
    }
    if let Some(path) = std::env::var_os(REPLAY_ENV) {
        let outcome = run_child(Path::new(&path));
        println!("{}: {}", Path::new(&path).display(), outcome.describe());
        assert!(!outcome.is_failure(), "{}", outcome.describe());
        return;
    }
    let cases = env_u64(CASES_ENV, DEFAULT_CASES);
    let first_seed = env_u64(SEED_ENV, DEFAULT_SEED);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("importers-fuzz");
    let failures_dir = dir.join("failures");
    // Files of an earlier run are gone: what is there afterwards is this run's.
    let _ = std::fs::remove_dir_all(&failures_dir);
    std::fs::create_dir_all(&failures_dir).expect("the fuzz directory");
    let corpus = corpus();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4) as u64;
    let started = Instant::now();
    let results: Vec<(u64, String, Outcome, Option<PathBuf>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let corpus = &corpus;
                let dir = &dir;
                let failures_dir = &failures_dir;
                scope.spawn(move || {
                    let mut results = Vec::new();
                    for i in (w..cases).step_by(workers as usize) {
                        let seed = first_seed.wrapping_add(i);
                        let (name, bytes) = make_case(corpus, seed);
                        let path = dir.join(format!("current-{w}-{name}"));
                        std::fs::write(&path, &bytes).expect("write the case");
                        let outcome = run_child(&path);
                        let saved = outcome.is_failure().then(|| {
                            let keep = failures_dir.join(format!("{seed:#x}-{name}"));
                            let _ = std::fs::copy(&path, &keep);
                            keep
                        });
                        results.push((seed, name, outcome, saved));
                    }
                    results
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a fuzz worker"))
            .collect()
    });

    let mut tally = BTreeMap::<String, u64>::new();
    let mut caught = BTreeMap::<String, u64>::new();
    let mut failures = Vec::new();
    for (seed, name, outcome, saved) in &results {
        match outcome {
            Outcome::Done(printed, panic) => {
                let key = if printed.starts_with("rows") {
                    "rows"
                } else {
                    printed.as_str()
                };
                *tally.entry(key.to_string()).or_default() += 1;
                if let Some(p) = panic {
                    *caught.entry(p.clone()).or_default() += 1;
                }
            }
            failure => failures.push(format!(
                "seed {seed:#x} ({name}): {}; input saved at {}",
                failure.describe(),
                saved
                    .as_deref()
                    .map_or("?".into(), |p| p.display().to_string())
            )),
        }
    }
    println!(
        "{} cases from seed {first_seed:#x} in {:.1} s: {tally:?}",
        results.len(),
        started.elapsed().as_secs_f64()
    );
    for (panic, n) in &caught {
        println!("caught and reported as CORRUPT_FILE ({n}×): {panic}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases crashed, hung or ran out of memory (rebuild one with \
         {SEED_ENV}=<seed> {CASES_ENV}=1, or read a saved file with {REPLAY_ENV}=<path>):\n{}",
        failures.len(),
        results.len(),
        failures.join("\n")
    );
}
