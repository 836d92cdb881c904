//! Reading capture files.
//!
//! A capture is a sequence of blocks, each framed as `u32 type, u32 total
//! length, body, padding, u32 total length`. A section header opens it,
//! metadata blocks (machine, interfaces, users, processes, fds) follow,
//! then event blocks. [`CaptureReader`] reads the header section when
//! opened and then hands out one event at a time, borrowed from its buffer
//! until the next call.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use super::block;
use super::error::{CaptureError, CaptureErrorKind as Kind};
use super::input::Input;
use super::meta::{self, FdTable, Interface, MachineInfo, ProcessEntry, UserList};
use crate::event::{self, code, Event, HEADER_LEN};

/// Largest body of a block that is not a large-payload event block.
const MAX_EVENT_BLOCK: u64 = 65_536;

/// Header of a V1 event, without the parameter count.
const V1_HEADER_LEN: usize = HEADER_LEN - 4;

/// The header section of a capture: everything before the events.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Metadata {
    /// Section header version, `(major, minor)`.
    pub version: (u16, u16),
    /// The machine the capture was taken on, when recorded.
    pub machine: Option<MachineInfo>,
    /// Network interfaces.
    pub interfaces: Vec<Interface>,
    /// Users and groups.
    pub users: UserList,
    /// Processes and threads alive when the capture started.
    pub processes: Vec<ProcessEntry>,
    /// Open fds of those threads, one table per thread.
    pub fds: Vec<FdTable>,
    /// Block types seen, in order of first appearance.
    pub block_types: Vec<u32>,
}

/// An event read from a capture, with what its block adds.
#[derive(Debug, Clone, Copy)]
pub struct CapturedEvent<'a> {
    /// The event, in the V2 layout whatever the block version.
    pub event: Event<'a>,
    /// The CPU the event was recorded on.
    pub cpu: u16,
    /// Dump flags of EVF blocks (`1` state only, `4` large), else 0.
    pub dump_flags: u32,
    /// Offset of the event's block in the uncompressed stream.
    pub offset: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Events,
    Done,
}

/// Counters of what reading met.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReadStats {
    /// Events returned.
    pub events: u64,
    /// Events skipped because their code is newer than this table.
    pub unknown_events: u64,
    /// Blocks of unknown type skipped.
    pub unknown_blocks: u64,
    /// Section headers read (more than one for concatenated captures).
    pub sections: u64,
}

/// A streaming capture reader.
pub struct CaptureReader {
    path: String,
    input: Input,
    meta: Metadata,
    scratch: Vec<u8>,
    state: State,
    stats: ReadStats,
}

/// Where the next event's bytes are.
enum Found {
    Window { start: usize, cpu: u16, flags: u32 },
    Scratch { cpu: u16, flags: u32 },
}

impl CaptureReader {
    /// Opens a capture file, gzip-compressed or plain, and reads its header
    /// section. Plain files are memory-mapped.
    ///
    /// # Errors
    ///
    /// Fails when the file cannot be opened or its header section is not
    /// a valid capture; the error names the file and byte offset.
    pub fn open(path: impl AsRef<Path>) -> Result<CaptureReader, CaptureError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let io_err = |e: io::Error| CaptureError::fatal(&name, 0, Kind::Io(e));
        let mut file = File::open(path).map_err(io_err)?;
        let mut magic = [0u8; 2];
        let n = file.read(&mut magic).map_err(io_err)?;
        let file = File::open(path).map_err(io_err)?;

        let input = if n == 2 && magic == [0x1f, 0x8b] {
            let gz = MultiGzDecoder::new(BufReader::with_capacity(1 << 16, file));
            Input::stream(Box::new(gz))
        } else {
            // SAFETY: a capture being read is not expected to be truncated
            // underneath the reader; every access is bounds-checked.
            unsafe { Input::mapped(&file) }.map_err(io_err)?
        };
        CaptureReader::start(name, input)
    }

    /// Reads a capture from any byte stream, gzip-compressed or plain.
    /// `name` is used in error messages.
    ///
    /// # Errors
    ///
    /// Fails when the header section is not a valid capture.
    pub fn from_reader(
        name: &str,
        reader: impl Read + Send + 'static,
    ) -> Result<CaptureReader, CaptureError> {
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let magic = io::BufRead::fill_buf(&mut reader)
            .map_err(|e| CaptureError::fatal(name, 0, Kind::Io(e)))?;
        let input = if magic.starts_with(&[0x1f, 0x8b]) {
            Input::stream(Box::new(MultiGzDecoder::new(reader)))
        } else {
            Input::stream(Box::new(reader))
        };
        CaptureReader::start(name.to_string(), input)
    }

    fn start(path: String, input: Input) -> Result<CaptureReader, CaptureError> {
        let mut reader = CaptureReader {
            path,
            input,
            meta: Metadata::default(),
            scratch: Vec::new(),
            state: State::Events,
            stats: ReadStats::default(),
        };
        reader.read_header_section()?;
        Ok(reader)
    }

    /// The capture's header section (of the latest section read).
    pub fn metadata(&self) -> &Metadata {
        &self.meta
    }

    /// What reading met so far.
    pub fn stats(&self) -> ReadStats {
        self.stats
    }

    /// The file name used in errors.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Bytes of the uncompressed stream consumed so far.
    pub fn offset(&self) -> u64 {
        self.input.offset()
    }

    fn fatal(&self, offset: u64, kind: Kind) -> CaptureError {
        CaptureError::fatal(&self.path, offset, kind)
    }

    /// Reads one block's framing and makes the whole block available.
    /// Returns its type and total length, or `None` at a clean end.
    fn next_block(&mut self) -> Result<Option<(u32, usize)>, CaptureError> {
        // Fast path: the whole, well-framed block is already in the window
        // (always so for a mapped file).
        let avail = self.input.available();
        if avail.len() >= 12 {
            let (kind, total) = (le32(avail, 0), le32(avail, 4) as usize);
            if total >= 12 && avail.len() >= total && le32(avail, total - 4) as usize == total {
                return Ok(Some((kind, total)));
            }
        }
        self.next_block_slow()
    }

    /// [`Self::next_block`] when the window must grow or the framing is bad.
    fn next_block_slow(&mut self) -> Result<Option<(u32, usize)>, CaptureError> {
        let at = self.input.offset();
        let have = self
            .input
            .fill(8)
            .map_err(|e| self.fatal(at, Kind::Io(e)))?;
        if have == 0 {
            return Ok(None);
        }
        if have < 8 {
            return Err(self.fatal(at, truncated("a block header", 8, have)));
        }
        let head = self.input.available();
        let kind = le32(head, 0);
        let total = le32(head, 4) as usize;
        if total < 12 {
            let msg = format!("block of type {kind:#x} has length {total}, less than 12");
            return Err(self.fatal(at, Kind::Corrupt(msg)));
        }

        let have = self
            .input
            .fill(total)
            .map_err(|e| self.fatal(at, Kind::Io(e)))?;
        if have < total {
            return Err(self.fatal(at, truncated(block::name(kind), total, have)));
        }
        let trailer = le32(self.input.available(), total - 4) as usize;
        if trailer != total {
            let msg = format!(
                "block of type {kind:#x} has length {total} in its header but {trailer} \
                 in its trailer"
            );
            return Err(self.fatal(at, Kind::Corrupt(msg)));
        }
        Ok(Some((kind, total)))
    }

    /// Reads blocks up to the first event block, which stays unread.
    fn read_header_section(&mut self) -> Result<(), CaptureError> {
        // Check the first block's type before trusting its length.
        let have = self.input.fill(4).map_err(|e| self.fatal(0, Kind::Io(e)))?;
        if have == 0 {
            return Err(self.fatal(0, Kind::Corrupt("the file is empty".into())));
        }
        let first = self.input.available();
        let kind = if have >= 4 { le32(first, 0) } else { 0 };
        if have >= 4 && kind != block::SECTION_HEADER {
            let msg = format!(
                "not a scap capture: the first block has type {kind:#x}, \
                 expected a section header ({:#x})",
                block::SECTION_HEADER
            );
            return Err(self.fatal(0, Kind::Corrupt(msg)));
        }
        let Some((_, total)) = self.next_block()? else {
            return Err(self.fatal(0, Kind::Corrupt("the file is empty".into())));
        };
        self.read_section_header(total)?;

        loop {
            let at = self.input.offset();
            let Some((kind, total)) = self.next_block()? else {
                return Ok(());
            };
            if block::is_event(kind) {
                self.note_block(kind);
                return Ok(());
            }
            if kind == block::SECTION_HEADER {
                let msg = "a section header without events follows another one".to_string();
                return Err(self.fatal(at, Kind::Corrupt(msg)));
            }
            self.read_metadata_block(kind, total)?;
        }
    }

    fn read_section_header(&mut self, total: usize) -> Result<(), CaptureError> {
        let at = self.input.offset();
        let body = &self.input.available()[8..total - 4];
        if body.len() < 16 {
            let msg = format!("section header body is {} bytes, expected 16", body.len());
            return Err(self.fatal(at, Kind::Corrupt(msg)));
        }
        let magic = le32(body, 0);
        let (major, minor) = (le16(body, 4), le16(body, 6));
        let problem = match magic {
            block::SHB_MAGIC if major > 1 => Some(Kind::Unsupported(format!(
                "section header version {major}.{minor} is newer than 1.x"
            ))),
            block::SHB_MAGIC => None,
            block::SHB_MAGIC_SWAPPED => Some(Kind::Unsupported(
                "big-endian capture (byte-swapped magic); only little-endian is supported".into(),
            )),
            m => Some(Kind::Corrupt(format!(
                "invalid magic number {m:#x} in section header, expected {:#x}",
                block::SHB_MAGIC
            ))),
        };
        if let Some(kind) = problem {
            return Err(self.fatal(at, kind));
        }

        // A new section starts over: its metadata replaces the last one's.
        self.meta = Metadata {
            version: (major, minor),
            ..Metadata::default()
        };
        self.note_block(block::SECTION_HEADER);
        self.stats.sections += 1;
        self.input.consume(total);
        Ok(())
    }

    fn note_block(&mut self, kind: u32) {
        if !self.meta.block_types.contains(&kind) {
            self.meta.block_types.push(kind);
        }
    }

    fn read_metadata_block(&mut self, kind: u32, total: usize) -> Result<(), CaptureError> {
        let at = self.input.offset();
        let body = &self.input.available()[8..total - 4];
        let parsed = if meta::is_machine_info(kind) {
            meta::parse_machine_info(body).map(|m| self.meta.machine = Some(m))
        } else if meta::is_proclist(kind) {
            meta::parse_proclist(kind, body).map(|p| self.meta.processes.extend(p))
        } else if meta::is_fdlist(kind) {
            meta::parse_fdlist(kind, body).map(|t| self.meta.fds.push(t))
        } else if meta::is_userlist(kind) {
            meta::parse_userlist(kind, body).map(|u| {
                self.meta.users.users.extend(u.users);
                self.meta.users.groups.extend(u.groups);
            })
        } else if meta::is_iflist(kind) {
            meta::parse_iflist(kind, body).map(|i| self.meta.interfaces.extend(i))
        } else {
            log::debug!(
                "{}: byte {at}: skipping block of unknown type {kind:#x}",
                self.path
            );
            self.stats.unknown_blocks += 1;
            Ok(())
        };
        if let Err(e) = parsed {
            let msg = format!("{}: {e}", block::name(kind));
            return Err(self.fatal(at + 8 + e.offset as u64, Kind::Corrupt(msg)));
        }
        self.note_block(kind);
        self.input.consume(total);
        Ok(())
    }

    /// The next event, or `None` at the end of the capture.
    ///
    /// The event borrows the reader's buffer and is valid until the next
    /// call.
    ///
    /// # Errors
    ///
    /// A truncated or corrupt file yields every complete event and then an
    /// error naming the offset. When [`CaptureError::skippable`] is set, the
    /// bad block has been passed and calling again continues with the next
    /// one; otherwise every later call returns `Ok(None)`.
    pub fn next_event(&mut self) -> Result<Option<CapturedEvent<'_>>, CaptureError> {
        if self.state == State::Done {
            return Ok(None);
        }
        let (found, offset) = match self.find_event() {
            Ok(Some(f)) => f,
            Ok(None) => {
                self.state = State::Done;
                return Ok(None);
            }
            Err(e) => {
                if !e.skippable {
                    self.state = State::Done;
                }
                return Err(e);
            }
        };

        let (bytes, cpu, dump_flags) = match found {
            Found::Window { start, cpu, flags } => (&self.input.window()[start..], cpu, flags),
            Found::Scratch { cpu, flags } => (&self.scratch[..], cpu, flags),
        };
        match Event::parse(bytes) {
            Ok(event) => {
                self.stats.events += 1;
                Ok(Some(CapturedEvent {
                    event,
                    cpu,
                    dump_flags,
                    offset,
                }))
            }
            Err(e) => Err(CaptureError::skippable(&self.path, offset, Kind::Event(e))),
        }
    }

    /// Walks blocks up to the next event block and consumes it, leaving its
    /// event either in the window or, converted from V1, in `scratch`.
    fn find_event(&mut self) -> Result<Option<(Found, u64)>, CaptureError> {
        loop {
            let at = self.input.offset();
            let Some((kind, total)) = self.next_block()? else {
                return Ok(None);
            };
            if !block::is_event(kind) {
                self.read_other_block(kind, total)?;
                continue;
            }

            if self.meta.block_types.last() != Some(&kind) {
                self.note_block(kind);
            }
            let start = self.input.pos();
            self.input.consume(total);
            let body = &self.input.window()[start + 8..start + total - 4];
            let skip = |kind| Err(CaptureError::skippable(&self.path, at, kind));
            if !block::is_large_event(kind) && body.len() as u64 > MAX_EVENT_BLOCK {
                let msg = format!(
                    "event block body of {} bytes exceeds the {MAX_EVENT_BLOCK}-byte limit \
                     of non-large blocks",
                    body.len()
                );
                return skip(Kind::Corrupt(msg));
            }

            let has_flags = block::has_flags(kind);
            let head = if has_flags { 6 } else { 2 };
            let header_len = if block::is_v1_event(kind) {
                V1_HEADER_LEN
            } else {
                HEADER_LEN
            };
            if body.len() < head + header_len {
                let msg = format!(
                    "event block body of {} bytes cannot hold an event header",
                    body.len()
                );
                return skip(Kind::Corrupt(msg));
            }
            let cpu = le16(body, 0);
            let flags = if has_flags { le32(body, 2) } else { 0 };
            let ev = &body[head..];

            // Codes newer than this table are skipped, as libscap does.
            if le16(ev, 20) as usize >= event::EVENT_COUNT {
                self.stats.unknown_events += 1;
                continue;
            }
            if block::is_v1_event(kind) {
                return match upgrade_v1(ev, &mut self.scratch) {
                    Ok(()) => Ok(Some((Found::Scratch { cpu, flags }, at))),
                    Err(msg) => skip(Kind::Corrupt(msg)),
                };
            }
            return Ok(Some((
                Found::Window {
                    start: start + 8 + head,
                    cpu,
                    flags,
                },
                at,
            )));
        }
    }

    /// Handles a non-event block met among events: a new section of a
    /// concatenated capture, late metadata, or an unknown block.
    fn read_other_block(&mut self, kind: u32, total: usize) -> Result<(), CaptureError> {
        if kind == block::SECTION_HEADER {
            log::debug!(
                "{}: a new section starts at byte {}",
                self.path,
                self.offset()
            );
            self.read_section_header(total)?;
            return self.read_header_section_rest();
        }
        self.read_metadata_block(kind, total)
    }

    fn read_header_section_rest(&mut self) -> Result<(), CaptureError> {
        loop {
            let Some((kind, total)) = self.next_block()? else {
                return Ok(());
            };
            if block::is_event(kind) || kind == block::SECTION_HEADER {
                return Ok(());
            }
            self.read_metadata_block(kind, total)?;
        }
    }
}

/// Rewrites a V1 event (22-byte header, no parameter count) as V2 into
/// `out`, inferring the count as libscap does: from the table's count
/// downwards, the first count whose lengths add up to the event's length.
fn upgrade_v1(ev: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let code = le16(ev, 20);
    let mut len = le32(ev, 16) as usize;
    if code == code::NOTIFICATION_E || code == code::INFRASTRUCTURE_EVENT_E {
        len = len.saturating_sub(3);
    }
    if len < V1_HEADER_LEN || len > ev.len() {
        return Err(format!(
            "v1 event says it is {len} bytes but its block holds {}",
            ev.len()
        ));
    }
    let slots = &ev[V1_HEADER_LEN..len];

    let max = event::event_info(code).map_or(0, |i| i.params.len());
    let mut nparams = None;
    for n in (0..=max).rev() {
        if n * 2 > slots.len() {
            continue;
        }
        let sum: usize = (0..n).map(|i| le16(slots, i * 2) as usize).sum();
        let used = n * 2 + sum;
        if used < slots.len() {
            return Err("v1 event has more bytes than its parameters use".into());
        }
        if used == slots.len() {
            nparams = Some(n);
            break;
        }
    }
    let Some(nparams) = nparams else {
        return Err("v1 event lengths match no parameter count".into());
    };

    out.clear();
    out.extend_from_slice(&ev[..V1_HEADER_LEN]);
    out.extend_from_slice(&(nparams as u32).to_le_bytes());
    out.extend_from_slice(slots);
    let new_len = (out.len() as u32).to_le_bytes();
    out[16..20].copy_from_slice(&new_len);
    Ok(())
}

fn truncated(what: &'static str, expected: usize, available: usize) -> Kind {
    Kind::Truncated {
        what,
        expected: expected as u64,
        available: available as u64,
    }
}

#[inline]
pub(crate) fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

#[inline]
pub(crate) fn le32(b: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(word)
}
