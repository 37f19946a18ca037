//! Reading a file while it lands: the reader, on a blocking thread, converts the rows part by
//! part and sends each part through a bounded channel to the landing, so that reading and
//! landing run side by side and only a few parts of a large file are held at a time.

use super::land::{LandRow, RowTotals};
use super::read;
use super::report::{Rejection, RowWarning};
use chrono_tz::Tz;
use importers::{ImportError, ParsedRow, ReadOptions, RowSink, SourceKind, UploadEnd, UploadHead};
use std::ops::ControlFlow;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The first part holds this share of a part's rows (landing starts once it is read).
const FIRST_PART_SHARE: usize = 8;

/// What the reader sends, in this order: the head once, then the parts, then the end.
pub enum Read {
    /// The header row was found.
    Head(UploadHead),
    /// The next rows.
    Part(Part),
    /// Every row was sent: what the rows under the table said.
    End(UploadEnd),
}

/// Rows read and converted for landing, with what the report says of them.
pub struct Part {
    /// The rows as they will be stored.
    pub rows: Vec<LandRow<String>>,
    /// Their counts.
    pub totals: RowTotals,
    /// The rejections among them, in row order.
    pub rejections: Vec<Rejection>,
    /// The warnings of the accepted ones, in row order.
    pub warnings: Vec<RowWarning>,
}

impl Part {
    /// Converts read rows (consuming them).
    fn convert(rows: Vec<ParsedRow>, tz: Tz) -> Self {
        let rejections = read::rejections_of(&rows);
        let warnings = read::warnings_of(&rows);
        let rows = read::land_rows(rows, tz);
        Self {
            totals: RowTotals::of(&rows),
            rows,
            rejections,
            warnings,
        }
    }
}

/// The reader's end of the channel: a [`RowSink`] that sends the rows in parts.
struct PartSender {
    reads: mpsc::Sender<Read>,
    tz: Tz,
    part_rows: usize,
    pending: Vec<ParsedRow>,
    /// Whether a part has been sent: the first part is smaller, so landing starts early.
    sent: bool,
}

impl PartSender {
    fn send(&self, read: Read) -> ControlFlow<()> {
        // The landing stopped listening (it failed, or the file is a duplicate): stop reading.
        match self.reads.blocking_send(read) {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    }

    /// Converts and sends the rows read since the last part.
    fn flush(&mut self) -> ControlFlow<()> {
        if self.pending.is_empty() {
            return ControlFlow::Continue(());
        }
        let rows = std::mem::replace(&mut self.pending, Vec::with_capacity(self.part_rows));
        self.sent = true;
        self.send(Read::Part(Part::convert(rows, self.tz)))
    }
}

impl RowSink for PartSender {
    fn start(&mut self, head: &UploadHead) -> ControlFlow<()> {
        self.send(Read::Head(head.clone()))
    }

    fn row(&mut self, row: ParsedRow) -> ControlFlow<()> {
        self.pending.push(row);
        let full = if self.sent {
            self.part_rows
        } else {
            self.part_rows.div_ceil(FIRST_PART_SHARE)
        };
        if self.pending.len() >= full {
            return self.flush();
        }
        ControlFlow::Continue(())
    }

    fn end(&mut self, end: &UploadEnd) -> ControlFlow<()> {
        self.flush()?;
        self.send(Read::End(end.clone()))
    }
}

/// What the reader returns: `Continue` when every row was sent, `Break` when the landing
/// stopped listening, or the error that made the file unreadable.
pub type ReaderEnd = Result<ControlFlow<()>, ImportError>;

/// Starts reading `bytes` on a blocking thread, in parts of `part_rows` rows. The receiver
/// gets the head, then the parts; the handle gives how the read ended.
pub fn spawn_reader(
    bytes: Vec<u8>,
    file_name: String,
    kind: Option<SourceKind>,
    options: ReadOptions,
    part_rows: usize,
) -> (mpsc::Receiver<Read>, JoinHandle<ReaderEnd>) {
    // One part waits in the channel while one lands and the next is read.
    let (reads, received) = mpsc::channel(1);
    let part_rows = part_rows.max(1);
    let reader = tokio::task::spawn_blocking(move || {
        let mut sender = PartSender {
            reads,
            tz: options.timezone,
            part_rows,
            pending: Vec::with_capacity(part_rows),
            sent: false,
        };
        let flow = importers::read_upload_rows(&bytes, &file_name, kind, &options, &mut sender)?;
        Ok(if flow.is_continue() {
            sender.flush()
        } else {
            flow
        })
    });
    (received, reader)
}
