//! Parsers and encoders for the bodies of the metadata blocks of scap capture
//! files (machine info, process list, fd list, user list, interface list).
//!
//! The caller owns block framing (block type, total length, padding and the
//! trailing length). Every parser here takes the block type id and the block
//! body, which may end with up to 3 bytes of alignment padding; the padding
//! bytes are ignored whatever their value, as libscap does. Every encoder
//! appends only a body, without header, padding or trailer.
//!
//! All integers are little-endian. Parsers never panic and never reserve
//! memory from a count read off the wire; on malformed input they return a
//! [`MetaError`] naming the byte offset within the body.

mod fd;
mod iface;
mod machine;
mod proc;
mod user;

pub use self::fd::{
    encode_fdlist_v2, parse_fdlist, FdEntry, FdInfo, FdKind, FdTable, MAX_FD_NAME_LEN,
};
pub use self::iface::{encode_iflist_v2, parse_iflist, IfAddr, Interface, MAX_IFNAME_LEN};
pub use self::machine::{encode_machine_info, parse_machine_info, MachineInfo, MACHINE_INFO_LEN};
pub use self::proc::{
    encode_proclist_v9, parse_proclist, proclist_version, ProcessEntry, MAX_LIST_LEN, MAX_PATH_LEN,
};
pub use self::user::{
    encode_userlist_v2, parse_userlist, GroupEntry, UserEntry, UserList, MAX_CREDENTIAL_LEN,
};

/// A malformed metadata block body.
///
/// `offset` is relative to the start of the body handed to the parser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("byte {offset}: {message}")]
pub struct MetaError {
    /// Byte offset within the block body where the problem was found.
    pub offset: usize,
    /// Lowercase description of what was expected.
    pub message: String,
}

impl MetaError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        MetaError {
            offset,
            message: message.into(),
        }
    }
}

/// Block type ids of the metadata blocks (and of the event blocks that
/// follow them), as found in the 32-bit block header.
pub mod block_type {
    /// Section header block.
    pub const SHB: u32 = 0x0A0D_0D0A;
    /// Machine info.
    pub const MI: u32 = 0x201;
    /// Machine info, pre-release id.
    pub const MI_INT: u32 = 0x8002_ABCD;
    /// Process list, version 1.
    pub const PL_V1: u32 = 0x202;
    /// Process list, version 1, pre-release id.
    pub const PL_V1_INT: u32 = 0x8000_ABCD;
    /// Process list, version 2.
    pub const PL_V2: u32 = 0x207;
    /// Process list, version 2, pre-release id.
    pub const PL_V2_INT: u32 = 0x8013_ABCD;
    /// Process list, version 3.
    pub const PL_V3: u32 = 0x209;
    /// Process list, version 3, pre-release id.
    pub const PL_V3_INT: u32 = 0x8014_ABCD;
    /// Process list, version 4.
    pub const PL_V4: u32 = 0x210;
    /// Process list, version 5.
    pub const PL_V5: u32 = 0x211;
    /// Process list, version 6.
    pub const PL_V6: u32 = 0x212;
    /// Process list, version 7.
    pub const PL_V7: u32 = 0x213;
    /// Process list, version 8.
    pub const PL_V8: u32 = 0x214;
    /// Process list, version 9 (written by today's libscap).
    pub const PL_V9: u32 = 0x215;
    /// Fd list, version 1.
    pub const FDL_V1: u32 = 0x203;
    /// Fd list, version 1, pre-release id.
    pub const FDL_V1_INT: u32 = 0x8001_ABCD;
    /// Fd list, version 2 (written by today's libscap).
    pub const FDL_V2: u32 = 0x218;
    /// Interface list, version 1.
    pub const IL_V1: u32 = 0x205;
    /// Interface list, version 1, pre-release id.
    pub const IL_V1_INT: u32 = 0x8011_ABCD;
    /// Interface list, version 2 (written by today's libscap).
    pub const IL_V2: u32 = 0x219;
    /// User list, version 1.
    pub const UL_V1: u32 = 0x206;
    /// User list, version 1, pre-release id.
    pub const UL_V1_INT: u32 = 0x8012_ABCD;
    /// User list, version 2 (written by today's libscap).
    pub const UL_V2: u32 = 0x220;
    /// Event block.
    pub const EV: u32 = 0x204;
    /// Event block, pre-release id.
    pub const EV_INT: u32 = 0x8010_ABCD;
    /// Event block with flags.
    pub const EVF: u32 = 0x208;
    /// Event block, version 2.
    pub const EV_V2: u32 = 0x216;
    /// Event block with flags, version 2.
    pub const EVF_V2: u32 = 0x217;
    /// Event block, version 2, large payload.
    pub const EV_V2_LARGE: u32 = 0x221;
    /// Event block with flags, version 2, large payload.
    pub const EVF_V2_LARGE: u32 = 0x222;
}

/// True for every process list block id (V1..V9 and pre-release ids).
pub fn is_proclist(t: u32) -> bool {
    proclist_version(t).is_some()
}

/// True for every fd list block id.
pub fn is_fdlist(t: u32) -> bool {
    use self::block_type::*;
    matches!(t, FDL_V1 | FDL_V1_INT | FDL_V2)
}

/// True for every user list block id.
pub fn is_userlist(t: u32) -> bool {
    use self::block_type::*;
    matches!(t, UL_V1 | UL_V1_INT | UL_V2)
}

/// True for every interface list block id.
pub fn is_iflist(t: u32) -> bool {
    use self::block_type::*;
    matches!(t, IL_V1 | IL_V1_INT | IL_V2)
}

/// True for every machine info block id.
pub fn is_machine_info(t: u32) -> bool {
    t == block_type::MI || t == block_type::MI_INT
}

/// True for every event block id (the blocks that follow the metadata).
pub fn is_event_block(t: u32) -> bool {
    use self::block_type::*;
    matches!(
        t,
        EV | EV_INT | EVF | EV_V2 | EVF_V2 | EV_V2_LARGE | EVF_V2_LARGE
    )
}

/// Short name of a known block id, such as `"PL_V9"` or `"FDL_V1_INT"`.
pub fn block_type_name(t: u32) -> Option<&'static str> {
    use self::block_type::*;
    let name = match t {
        SHB => "SHB",
        MI => "MI",
        MI_INT => "MI_INT",
        PL_V1 => "PL_V1",
        PL_V1_INT => "PL_V1_INT",
        PL_V2 => "PL_V2",
        PL_V2_INT => "PL_V2_INT",
        PL_V3 => "PL_V3",
        PL_V3_INT => "PL_V3_INT",
        PL_V4 => "PL_V4",
        PL_V5 => "PL_V5",
        PL_V6 => "PL_V6",
        PL_V7 => "PL_V7",
        PL_V8 => "PL_V8",
        PL_V9 => "PL_V9",
        FDL_V1 => "FDL_V1",
        FDL_V1_INT => "FDL_V1_INT",
        FDL_V2 => "FDL_V2",
        IL_V1 => "IL_V1",
        IL_V1_INT => "IL_V1_INT",
        IL_V2 => "IL_V2",
        UL_V1 => "UL_V1",
        UL_V1_INT => "UL_V1_INT",
        UL_V2 => "UL_V2",
        EV => "EV",
        EV_INT => "EV_INT",
        EVF => "EVF",
        EV_V2 => "EV_V2",
        EVF_V2 => "EVF_V2",
        EV_V2_LARGE => "EV_V2_LARGE",
        EVF_V2_LARGE => "EVF_V2_LARGE",
        _ => return None,
    };
    Some(name)
}

/// One parsed metadata block, whatever its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaBlock {
    /// A machine info block.
    MachineInfo(MachineInfo),
    /// A process list block.
    ProcList(Vec<ProcessEntry>),
    /// An fd list block (the fds of one thread).
    FdList(FdTable),
    /// A user list block.
    UserList(UserList),
    /// An interface list block.
    IfList(Vec<Interface>),
}

/// Parses any metadata block body; `Ok(None)` when `block_type` is not a
/// metadata block id known to this module.
pub fn parse_meta_block(block_type: u32, body: &[u8]) -> Result<Option<MetaBlock>, MetaError> {
    let block = if is_machine_info(block_type) {
        MetaBlock::MachineInfo(parse_machine_info(body)?)
    } else if is_proclist(block_type) {
        MetaBlock::ProcList(parse_proclist(block_type, body)?)
    } else if is_fdlist(block_type) {
        MetaBlock::FdList(parse_fdlist(block_type, body)?)
    } else if is_userlist(block_type) {
        MetaBlock::UserList(parse_userlist(block_type, body)?)
    } else if is_iflist(block_type) {
        MetaBlock::IfList(parse_iflist(block_type, body)?)
    } else {
        return Ok(None);
    };
    Ok(Some(block))
}

/// Error for a parser handed a block id of another kind.
fn wrong_block(block_type: u32, expected: &str) -> MetaError {
    MetaError::new(
        0,
        format!("block type {block_type:#x} is not {expected} block type"),
    )
}

/// A bounded read position over a block body. Offsets in errors are always
/// relative to the start of the whole body, also for nested cursors.
#[derive(Debug, Clone)]
struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
    what: &'static str,
}

impl<'a> Cursor<'a> {
    /// A cursor over the whole body; `what` names the structure being read
    /// in error messages (e.g. "process entry").
    fn new(buf: &'a [u8], what: &'static str) -> Self {
        Cursor {
            buf,
            pos: 0,
            end: buf.len(),
            what,
        }
    }

    fn pos(&self) -> usize {
        self.pos
    }

    fn remaining(&self) -> usize {
        self.end - self.pos
    }

    fn set_what(&mut self, what: &'static str) {
        self.what = what;
    }

    fn truncated(&self, n: usize, field: &str) -> MetaError {
        let message = format!(
            "{} truncated: expected {} bytes for {}, {} left",
            self.what,
            n,
            field,
            self.remaining()
        );
        MetaError::new(self.pos, message)
    }

    /// Takes the next `n` bytes.
    fn take(&mut self, n: usize, field: &str) -> Result<&'a [u8], MetaError> {
        if n > self.remaining() {
            return Err(self.truncated(n, field));
        }
        let start = self.pos;
        self.pos += n;
        Ok(&self.buf[start..self.pos])
    }

    /// Splits off a cursor over the next `n` bytes and moves past them.
    fn split(&mut self, n: usize, field: &str) -> Result<Cursor<'a>, MetaError> {
        let start = self.pos;
        self.take(n, field)?;
        Ok(Cursor {
            buf: self.buf,
            pos: start,
            end: start + n,
            what: self.what,
        })
    }

    fn array<const N: usize>(&mut self, field: &str) -> Result<[u8; N], MetaError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, field)?);
        Ok(out)
    }

    fn u8(&mut self, field: &str) -> Result<u8, MetaError> {
        Ok(self.array::<1>(field)?[0])
    }

    fn u16(&mut self, field: &str) -> Result<u16, MetaError> {
        self.array(field).map(u16::from_le_bytes)
    }

    fn u32(&mut self, field: &str) -> Result<u32, MetaError> {
        self.array(field).map(u32::from_le_bytes)
    }

    fn u64(&mut self, field: &str) -> Result<u64, MetaError> {
        self.array(field).map(u64::from_le_bytes)
    }

    fn i64(&mut self, field: &str) -> Result<i64, MetaError> {
        self.array(field).map(i64::from_le_bytes)
    }

    /// Reads the next u16 length and returns as many bytes; a length above
    /// `max` is rejected before anything is read past it.
    fn bytes16(&mut self, field: &str, max: usize) -> Result<&'a [u8], MetaError> {
        let at = self.pos;
        let len = usize::from(self.u16(field)?);
        if len > max {
            let message = format!("{field} length {len} exceeds the limit of {max} bytes");
            return Err(MetaError::new(at, message));
        }
        self.take(len, field)
    }

    /// Like [`Cursor::bytes16`], copying the bytes out.
    fn vec16(&mut self, field: &str, max: usize) -> Result<Vec<u8>, MetaError> {
        self.bytes16(field, max).map(<[u8]>::to_vec)
    }
}

/// Appends a u16-length-prefixed byte string, cut to `max` bytes.
fn put_bytes16(out: &mut Vec<u8>, bytes: &[u8], max: usize) {
    let cut = &bytes[..bytes.len().min(max).min(usize::from(u16::MAX))];
    let len = u16::try_from(cut.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(cut);
}

/// Appends a u32 length, then what `write` appends; the length counts
/// its own 4 bytes when `counts_itself` is set.
fn put_sized(out: &mut Vec<u8>, counts_itself: bool, write: impl FnOnce(&mut Vec<u8>)) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    write(out);
    let own = if counts_itself { 0 } else { 4 };
    let len = u32::try_from(out.len() - start - own).unwrap_or(u32::MAX);
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_display_names_offset() {
        let e = MetaError::new(
            12,
            "process entry truncated: expected 8 bytes for pid, 3 left",
        );
        assert_eq!(
            e.to_string(),
            "byte 12: process entry truncated: expected 8 bytes for pid, 3 left"
        );
    }

    #[test]
    fn cursor_reports_truncation() {
        let body = [1u8, 0, 0, 0, 9, 9, 9];
        let mut c = Cursor::new(&body, "thing");
        assert_eq!(c.u32("a").unwrap(), 1);
        let e = c.u64("pid").unwrap_err();
        assert_eq!(e.offset, 4);
        assert_eq!(
            e.message,
            "thing truncated: expected 8 bytes for pid, 3 left"
        );
    }

    #[test]
    fn cursor_rejects_long_strings() {
        let body = [5u8, 0, b'a', b'b', b'c', b'd', b'e'];
        let e = Cursor::new(&body, "x").bytes16("comm", 4).unwrap_err();
        assert_eq!(e.offset, 0);
        assert_eq!(e.message, "comm length 5 exceeds the limit of 4 bytes");
        assert_eq!(
            Cursor::new(&body, "x").bytes16("comm", 5).unwrap(),
            b"abcde"
        );
    }

    #[test]
    fn split_cursor_keeps_body_offsets() {
        let body = [0u8; 10];
        let mut c = Cursor::new(&body, "x");
        c.take(3, "a").unwrap();
        let mut sub = c.split(4, "sub").unwrap();
        assert_eq!(c.pos(), 7);
        let e = sub.u64("y").unwrap_err();
        assert_eq!(e.offset, 3);
        assert_eq!(sub.remaining(), 4);
    }

    #[test]
    fn put_bytes16_truncates() {
        let mut out = Vec::new();
        put_bytes16(&mut out, b"abcdef", 4);
        assert_eq!(out, [4, 0, b'a', b'b', b'c', b'd']);
    }

    #[test]
    fn put_sized_lengths() {
        let mut out = vec![9];
        put_sized(&mut out, true, |o| o.push(1));
        put_sized(&mut out, false, |o| o.extend_from_slice(&[2, 3]));
        assert_eq!(out, [9, 5, 0, 0, 0, 1, 2, 0, 0, 0, 2, 3]);
    }

    #[test]
    fn block_kinds() {
        use super::block_type::*;
        for t in [PL_V1, PL_V1_INT, PL_V2, PL_V2_INT, PL_V3, PL_V3_INT] {
            assert!(is_proclist(t));
        }
        for t in [PL_V4, PL_V5, PL_V6, PL_V7, PL_V8, PL_V9] {
            assert!(is_proclist(t));
        }
        assert!(is_fdlist(FDL_V1) && is_fdlist(FDL_V1_INT) && is_fdlist(FDL_V2));
        assert!(is_userlist(UL_V1) && is_userlist(UL_V1_INT) && is_userlist(UL_V2));
        assert!(is_iflist(IL_V1) && is_iflist(IL_V1_INT) && is_iflist(IL_V2));
        assert!(is_machine_info(MI) && is_machine_info(MI_INT));
        assert!(!is_proclist(FDL_V2) && !is_fdlist(PL_V9) && !is_machine_info(EV));
        assert!(is_event_block(EV_V2) && is_event_block(EV_INT));
        assert_eq!(block_type_name(PL_V9), Some("PL_V9"));
        assert_eq!(block_type_name(EVF_V2_LARGE), Some("EVF_V2_LARGE"));
        assert_eq!(block_type_name(0x1234), None);
    }

    #[test]
    fn unknown_block_is_none() {
        assert_eq!(parse_meta_block(0x204, &[1, 2, 3]), Ok(None));
    }

    /// Every metadata block id this module parses.
    const META_IDS: [u32; 23] = {
        use super::block_type::*;
        [
            MI, MI_INT, PL_V1, PL_V1_INT, PL_V2, PL_V2_INT, PL_V3, PL_V3_INT, PL_V4, PL_V5, PL_V6,
            PL_V7, PL_V8, PL_V9, FDL_V1, FDL_V1_INT, FDL_V2, IL_V1, IL_V1_INT, IL_V2, UL_V1,
            UL_V1_INT, UL_V2,
        ]
    };

    proptest::proptest! {
        #[test]
        fn random_bodies_never_panic(
            i in 0..META_IDS.len(),
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
        ) {
            let t = META_IDS[i];
            let res = parse_meta_block(t, &body);
            proptest::prop_assert!(!matches!(res, Ok(None)), "{:#x} not recognised", t);
            if let Err(e) = res {
                proptest::prop_assert!(e.offset <= body.len());
            }
        }
    }
}

/// Walks the real capture files of the conformance suite.
#[cfg(test)]
mod trace_tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::io::Read;
    use std::path::{Path, PathBuf};

    const TRACES: [&str; 6] = [
        "cat_write.scap",
        "connect_localhost.scap",
        "empty.scap",
        "open-multiple-files.scap",
        "ping_sendto.scap",
        "syscall.scap",
    ];

    /// The conformance traces: `$CONFORMANCE_DIR`, else
    /// `../shared/conformance` beside the workspace.
    fn trace_dir() -> Option<PathBuf> {
        let base = match std::env::var_os("CONFORMANCE_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
        };
        let dir = base.join("falco-tests/trace_files");
        dir.is_dir().then_some(dir)
    }

    fn gunzip(path: &Path) -> Vec<u8> {
        let file = std::fs::File::open(path).unwrap();
        let mut data = Vec::new();
        flate2::read::MultiGzDecoder::new(file)
            .read_to_end(&mut data)
            .unwrap();
        data
    }

    fn u32_at(data: &[u8], off: usize) -> u32 {
        u32::from_le_bytes(data[off..off + 4].try_into().unwrap())
    }

    /// (type, body) of every block before the first event block.
    fn meta_blocks(data: &[u8]) -> Vec<(u32, &[u8])> {
        let mut blocks = Vec::new();
        let mut off = 0;
        while off + 12 <= data.len() && !is_event_block(u32_at(data, off)) {
            let (t, total) = (u32_at(data, off), u32_at(data, off + 4) as usize);
            assert!(
                total >= 12 && off + total <= data.len(),
                "bad block at {off}"
            );
            assert_eq!(u32_at(data, off + total - 4) as usize, total);
            blocks.push((t, &data[off + 8..off + total - 4]));
            off += total;
        }
        blocks
    }

    /// Checks content and that re-encoding with today's layout parses back
    /// to the same value.
    fn check(block: &MetaBlock) {
        let mut out = Vec::new();
        let again = match block {
            MetaBlock::MachineInfo(mi) => {
                assert!(mi.num_cpus > 0 && mi.memory_size_bytes > 0 && !mi.hostname.is_empty());
                encode_machine_info(mi, &mut out);
                parse_meta_block(block_type::MI, &out)
            }
            MetaBlock::ProcList(procs) => {
                assert!(procs
                    .iter()
                    .all(|p| p.tid > 0 && p.pid > 0 && !p.comm.is_empty()));
                encode_proclist_v9(procs, &mut out);
                parse_meta_block(block_type::PL_V9, &out)
            }
            MetaBlock::FdList(table) => {
                assert!(table.tid > 0 && table.fds.iter().all(|f| f.fd >= 0));
                encode_fdlist_v2(table, &mut out);
                parse_meta_block(block_type::FDL_V2, &out)
            }
            MetaBlock::UserList(users) => {
                assert!(users.users.iter().any(|u| u.uid == 0 && u.name == b"root"));
                encode_userlist_v2(users, &mut out);
                parse_meta_block(block_type::UL_V2, &out)
            }
            MetaBlock::IfList(ifaces) => {
                assert!(ifaces.iter().any(|i| i.name == b"lo"));
                encode_iflist_v2(ifaces, &mut out);
                parse_meta_block(block_type::IL_V2, &out)
            }
        };
        assert_eq!(again.unwrap().as_ref(), Some(block));
    }

    /// Parses every metadata block of one trace; returns the block names
    /// seen and the process list.
    fn walk(path: &Path) -> (BTreeSet<&'static str>, Vec<ProcessEntry>) {
        let data = gunzip(path);
        let (mut seen, mut procs) = (BTreeSet::new(), Vec::new());
        for (t, body) in meta_blocks(&data).into_iter().skip(1) {
            let parsed = parse_meta_block(t, body);
            let block = parsed.unwrap_or_else(|e| panic!("{path:?} block {t:#x}: {e}"));
            let block = block.unwrap_or_else(|| panic!("{path:?}: unexpected block {t:#x}"));
            check(&block);
            if let MetaBlock::ProcList(p) = block {
                procs.extend(p);
            }
            seen.insert(block_type_name(t).unwrap_or("?"));
        }
        (seen, procs)
    }

    #[test]
    fn real_traces_parse() {
        let Some(dir) = trace_dir() else {
            println!("skipped: no conformance data (set CONFORMANCE_DIR)");
            return;
        };
        for name in TRACES {
            let (seen, procs) = walk(&dir.join(name));
            println!("{name}: {seen:?}, {} processes", procs.len());
            assert!(seen.contains("MI") && !procs.is_empty(), "{name}: {seen:?}");
            if name == "cat_write.scap" {
                assert!(procs.iter().any(|p| p.comm == b"bash"));
            }
            if seen.contains("PL_V9") {
                // These V9 entries carry only loginuid (pre-0.10.0 layout).
                assert!(procs.iter().any(|p| p.loginuid == 501));
            }
        }
    }

    #[test]
    fn block_walker_sees_section_header_first() {
        let Some(dir) = trace_dir() else {
            return;
        };
        let data = gunzip(&dir.join(TRACES[0]));
        let blocks = meta_blocks(&data);
        assert_eq!(blocks[0].0, block_type::SHB);
        assert_eq!(u32_at(blocks[0].1, 0), 0x1A2B_3C4D);
    }
}
