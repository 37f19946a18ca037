//! Reading an untrusted file first in a child process with memory and time limits, so that a
//! reader failure of any kind (an abort, a stack overflow, an allocation the machine cannot
//! serve, a loop that never ends) ends the child and not the server.
//!
//! The child (`hub read-upload`, hidden) reads the file with the upload's own read options
//! and drops every row as soon as it is read; it answers one line, [`READ_MARKER`], once the
//! read has ended (with rows or with a file error such as `TOO_MANY_CELLS`). Only then is the
//! file read in the server, where the same bytes and options take the same path. A child
//! that dies, is killed, runs out of time or answers anything else makes the file
//! `CORRUPT_FILE`, and nothing of it is stored.

use std::io::{Read as _, Write as _};
use std::ops::ControlFlow;
use std::process::Stdio;

use importers::{
    ColumnMapping, ColumnOverride, ImportError, ParsedRow, ReadOptions, RowSink, SourceKind,
    UploadHead,
};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::HubError;

/// What the child writes on standard output once the read has ended.
pub const READ_MARKER: &str = "hub-read-upload: ended";

/// Longest answer read from the child (its marker line; anything longer is garbage).
const MAX_ANSWER_BYTES: u64 = 256;

pub use crate::config::ReaderIsolation;

/// The read options of one upload as the child receives them (the first line of its input).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChildOptions {
    /// The file name as uploaded (a CSV's sheet is named after it).
    pub file_name: String,
    /// The kind the uploader gave, if any.
    pub kind: Option<SourceKind>,
    /// [`ReadOptions::max_file_bytes`].
    pub max_file_bytes: u64,
    /// [`ReadOptions::max_cells`].
    pub max_cells: u64,
    /// [`ReadOptions::max_rows`].
    pub max_rows: u64,
    /// [`ReadOptions::max_uncompressed_bytes`].
    pub max_uncompressed_bytes: u64,
    /// IANA name of [`ReadOptions::timezone`].
    pub timezone: String,
    /// [`ReadOptions::preferred_kinds`].
    pub preferred_kinds: Vec<SourceKind>,
    /// [`ReadOptions::saved_mappings`].
    pub saved_mappings: Vec<ColumnMapping>,
    /// [`ReadOptions::column_overrides`].
    pub column_overrides: Vec<ColumnOverride>,
    /// [`ReadOptions::supplies`].
    #[serde(default)]
    pub supplies: importers::supplies::Catalogue,
}

impl ChildOptions {
    /// The options of reading `file_name` as `kind` with `options`.
    pub fn new(file_name: &str, kind: Option<SourceKind>, options: &ReadOptions) -> Self {
        Self {
            file_name: file_name.to_owned(),
            kind,
            max_file_bytes: options.max_file_bytes,
            max_cells: options.max_cells,
            max_rows: options.max_rows,
            max_uncompressed_bytes: options.max_uncompressed_bytes,
            timezone: options.timezone.name().to_owned(),
            preferred_kinds: options.preferred_kinds.clone(),
            saved_mappings: options.saved_mappings.clone(),
            column_overrides: options.column_overrides.clone(),
            supplies: options.supplies.as_ref().clone(),
        }
    }

    /// The read options they stand for (an unknown time zone is refused).
    pub fn read_options(&self) -> Result<ReadOptions, HubError> {
        let timezone = self
            .timezone
            .parse()
            .map_err(|_| HubError::BadInput(format!("unknown time zone '{}'", self.timezone)))?;
        Ok(ReadOptions {
            max_file_bytes: self.max_file_bytes,
            max_cells: self.max_cells,
            max_rows: self.max_rows,
            max_uncompressed_bytes: self.max_uncompressed_bytes,
            timezone,
            progress: None,
            preferred_kinds: self.preferred_kinds.clone(),
            saved_mappings: self.saved_mappings.clone(),
            column_overrides: self.column_overrides.clone(),
            supplies: std::sync::Arc::new(self.supplies.clone()),
        })
    }
}

/// Why the child did not answer that the read ended, in Chinese and in English.
fn unsafe_file(chinese: &str, english: &str) -> ImportError {
    ImportError::CorruptFile {
        detail: format!("文件无法安全读取：{chinese} / the file cannot be read safely: {english}"),
    }
}

/// Reads `bytes` in a child process limited by `isolation`. `Ok(())` when the child read the
/// whole file (or found what makes it unreadable, which the server's own read reports);
/// `Err` with `CORRUPT_FILE` when the child died, was killed, ran out of time or answered
/// garbage. `HubError` only when the child cannot be started at all.
pub async fn check_in_child(
    bytes: &[u8],
    file_name: &str,
    kind: Option<SourceKind>,
    options: &ReadOptions,
    isolation: &ReaderIsolation,
) -> Result<Result<(), ImportError>, HubError> {
    let mut first_line = serde_json::to_vec(&ChildOptions::new(file_name, kind, options))
        .map_err(|e| HubError::Internal(format!("reader options: {e}")))?;
    first_line.push(b'\n');
    let mut command = tokio::process::Command::new(&isolation.program);
    command
        .arg("read-upload")
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    limit(&mut command, isolation);
    let mut child = command.spawn().map_err(|e| {
        HubError::Internal(format!(
            "cannot start the file reader {}: {e}",
            isolation.program.display()
        ))
    })?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(HubError::Internal(
            "the file reader has no pipes".to_owned(),
        ));
    };
    let feed = async move {
        // A child that dies early closes its end; how it ended is what counts.
        let _ = stdin.write_all(&first_line).await;
        let _ = stdin.write_all(bytes).await;
        drop(stdin);
    };
    let answer = async move {
        let mut answer = String::new();
        let _ = stdout
            .take(MAX_ANSWER_BYTES)
            .read_to_string(&mut answer)
            .await;
        answer
    };
    let run = async { tokio::join!(feed, answer, child.wait()) };
    let (_, answer, status) = match tokio::time::timeout(isolation.timeout, run).await {
        Ok(ended) => ended,
        Err(_) => {
            let _ = child.kill().await;
            tracing::warn!("file reader ran out of time and was stopped");
            return Ok(Err(unsafe_file("读取超时", "the reader ran out of time")));
        }
    };
    let status =
        status.map_err(|e| HubError::Internal(format!("waiting for the file reader: {e}")))?;
    if status.success() && answer.trim_end() == READ_MARKER {
        return Ok(Ok(()));
    }
    tracing::warn!(%status, "file reader failed");
    Ok(Err(unsafe_file(
        "读取进程异常结束，可能超出内存上限",
        "the reader died, possibly out of memory",
    )))
}

/// Limits the child's address space, CPU time and core files before it runs.
#[cfg(unix)]
fn limit(command: &mut tokio::process::Command, isolation: &ReaderIsolation) {
    let memory = isolation.memory_bytes;
    // CPU seconds: the wall-clock limit, at least one second.
    let cpu = isolation.timeout.as_secs().max(1);
    // SAFETY: the closure only calls `setrlimit` on values it owns, which is
    // async-signal-safe, as `pre_exec` requires between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let memory = libc::rlimit {
                rlim_cur: memory,
                rlim_max: memory,
            };
            let cpu = libc::rlimit {
                rlim_cur: cpu,
                rlim_max: cpu,
            };
            // A child that dies leaves no core file behind (it would hold the upload).
            let core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &memory) != 0
                || libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0
                || libc::setrlimit(libc::RLIMIT_CORE, &core) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Without `setrlimit`, only the wall-clock limit applies.
#[cfg(not(unix))]
fn limit(_command: &mut tokio::process::Command, _isolation: &ReaderIsolation) {}

/// A sink that drops every row: the child only proves that the read ends.
struct Discard;

impl RowSink for Discard {
    fn start(&mut self, _head: &UploadHead) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }

    fn row(&mut self, _row: ParsedRow) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

/// The child's side (`hub read-upload`): reads the options line and the file from standard
/// input, reads the file and writes [`READ_MARKER`] once the read has ended.
pub fn run_child() -> Result<(), HubError> {
    let mut input = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut input)
        .map_err(|e| HubError::BadInput(format!("reading standard input: {e}")))?;
    let split = input
        .iter()
        .position(|b| *b == b'\n')
        .ok_or_else(|| HubError::BadInput("no options line on standard input".to_owned()))?;
    let child: ChildOptions = serde_json::from_slice(&input[..split])
        .map_err(|e| HubError::BadInput(format!("options line: {e}")))?;
    let options = child.read_options()?;
    let bytes = &input[split + 1..];
    // A file error is an answer too: the server's own read reports it.
    let _ =
        importers::read_upload_rows(bytes, &child.file_name, child.kind, &options, &mut Discard);
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{READ_MARKER}")
        .and_then(|()| stdout.flush())
        .map_err(|e| HubError::Internal(format!("writing standard output: {e}")))
}

/// Reads `request`'s file in a child process with the read options of its unit, as
/// [`super::import_file`] will: `Some(report)` of a `failed` import (`CORRUPT_FILE`, nothing
/// stored) when the child did not end the read, `None` when the file may be read in the
/// server.
pub async fn refused(
    db: &sea_orm::DatabaseConnection,
    request: &super::ImportRequest,
    options: &ReadOptions,
    isolation: &ReaderIsolation,
) -> Result<Option<super::ImportReport>, HubError> {
    let unit = crate::registry::units::find_unit(db, &request.unit).await?;
    let options = super::unit_read_options(db, &unit, request, options.clone()).await?;
    let checked = check_in_child(
        &request.bytes,
        &request.file_name,
        request.kind,
        &options,
        isolation,
    )
    .await?;
    Ok(checked
        .err()
        .map(|error| super::unreadable(request, &unit, &error)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use importers::{ColumnMapping, ColumnOverride, MappedHeader};

    #[test]
    fn the_child_reads_with_the_options_of_the_server() {
        let options = ReadOptions {
            max_file_bytes: 11,
            max_cells: 12,
            max_rows: 13,
            max_uncompressed_bytes: 14,
            timezone: chrono_tz::America::New_York,
            progress: None,
            preferred_kinds: vec![SourceKind::EmploymentRoster, SourceKind::VisaRegistry],
            saved_mappings: vec![ColumnMapping {
                kind: SourceKind::EmploymentRoster,
                fingerprint: "abc".to_owned(),
                columns: vec![MappedHeader {
                    header: "备注".to_owned(),
                    field: None,
                }],
            }],
            column_overrides: vec![ColumnOverride {
                header: "所在企业".to_owned(),
                target: "employer".to_owned(),
            }],
            supplies: importers::supplies::Catalogue::builtin(),
        };
        let line = serde_json::to_string(&ChildOptions::new(
            "名单.xlsx",
            Some(SourceKind::EmploymentRoster),
            &options,
        ))
        .expect("options serialise");
        assert!(!line.contains('\n'), "one line: {line}");
        let child: ChildOptions = serde_json::from_str(&line).expect("options parse");
        assert_eq!(child.file_name, "名单.xlsx");
        assert_eq!(child.kind, Some(SourceKind::EmploymentRoster));
        let read = child.read_options().expect("known time zone");
        assert_eq!(read.supplies.items, options.supplies.items);
        assert_eq!(
            (read.max_file_bytes, read.max_cells, read.max_rows),
            (11, 12, 13)
        );
        assert_eq!(read.max_uncompressed_bytes, 14);
        assert_eq!(read.timezone, chrono_tz::America::New_York);
        assert_eq!(read.preferred_kinds, options.preferred_kinds);
        assert_eq!(read.saved_mappings, options.saved_mappings);
        assert_eq!(read.column_overrides, options.column_overrides);
    }

    #[test]
    fn an_unknown_time_zone_is_refused() {
        let mut child = ChildOptions::new("a.csv", None, &ReadOptions::default());
        child.timezone = "Mars/Olympus".to_owned();
        assert!(child.read_options().is_err());
    }
}
