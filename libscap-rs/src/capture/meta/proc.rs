//! Process list blocks (PL V1..V9): one entry per thread.
//!
//! Entries follow each other with nothing before the first one. V1..V8
//! entries carry no length: the list ends when fewer than 4 bytes are left
//! (the block's alignment padding). V9 entries start with a u32 length that
//! counts the whole entry, itself included; fields newer than V8 are read
//! only while they fit in that length, and bytes past the last known field
//! are skipped.

use super::{block_type as bt, put_bytes16, put_sized, wrong_block, Cursor, MetaError};

/// Longest comm, exe, exepath, cwd or root accepted (libscap's
/// `SCAP_MAX_PATH_SIZE`); longer ones are rejected, as libscap does.
pub const MAX_PATH_LEN: usize = 1024;

/// Longest args, env or cgroups blob accepted (libscap's 4096-byte limits);
/// longer ones are rejected, as libscap does.
pub const MAX_LIST_LEN: usize = 4096;

/// Bytes of optional V9 fields that libs before 0.10.0 wrote after `root`:
/// loginuid (4), exe_writable (1) and the three capability sets (24).
const PRE_0_10_0_TAIL: usize = 29;

/// Version (1..=9) of a process list block id, `None` for other ids.
pub fn proclist_version(t: u32) -> Option<u8> {
    let version = match t {
        bt::PL_V1 | bt::PL_V1_INT => 1,
        bt::PL_V2 | bt::PL_V2_INT => 2,
        bt::PL_V3 | bt::PL_V3_INT => 3,
        bt::PL_V4 => 4,
        bt::PL_V5 => 5,
        bt::PL_V6 => 6,
        bt::PL_V7 => 7,
        bt::PL_V8 => 8,
        bt::PL_V9 => 9,
        _ => return None,
    };
    Some(version)
}

/// One thread of a process list block.
///
/// Strings are raw bytes without a NUL. `args`, `env` and `cgroups` are
/// stored on disk as NUL-separated blobs and are split here into items
/// (cgroups items look like `subsys=path`); an item containing a NUL does
/// not survive encoding.
///
/// [`Default`] gives the values libscap's reader assumes for fields that
/// a block version lacks (see each field); everything else is zero/empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessEntry {
    /// Thread id.
    pub tid: u64,
    /// Process id.
    pub pid: u64,
    /// Parent thread id.
    pub ptid: u64,
    /// Session id (V6+); default `u64::MAX`, i.e. -1.
    pub sid: u64,
    /// Process group id as seen from the thread's pid namespace (V8+);
    /// default `u64::MAX`, i.e. -1.
    pub vpgid: u64,
    /// Command name.
    pub comm: Vec<u8>,
    /// `argv[0]`.
    pub exe: Vec<u8>,
    /// Full executable path (V7+); default empty.
    pub exepath: Vec<u8>,
    /// Command line arguments.
    pub args: Vec<Vec<u8>>,
    /// Current working directory.
    pub cwd: Vec<u8>,
    /// Maximum number of open files (int64 in libscap).
    pub fdlimit: i64,
    /// Process flags.
    pub flags: u32,
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
    /// Virtual memory size in KiB (V2+); default 0.
    pub vmsize_kb: u32,
    /// Resident memory in KiB (V2+); default 0.
    pub vmrss_kb: u32,
    /// Swapped memory in KiB (V2+); default 0.
    pub vmswap_kb: u32,
    /// Major page faults (V2+); default 0.
    pub pfmajor: u64,
    /// Minor page faults (V2+); default 0.
    pub pfminor: u64,
    /// Environment, `NAME=value` items (V3+); default empty.
    pub env: Vec<Vec<u8>>,
    /// Thread id in its pid namespace (V4+); default -1, as libscap (not
    /// `tid`: sinsp treats -1 as "unknown").
    pub vtid: i64,
    /// Process id in its pid namespace (V4+); default -1.
    pub vpid: i64,
    /// Cgroups, `subsys=path` items (V4+); default empty.
    pub cgroups: Vec<Vec<u8>>,
    /// Root directory (V5+); default empty.
    pub root: Vec<u8>,
    /// Start time of the pid namespace's init (V9 optional); default 0.
    pub pidns_init_start_ts: u64,
    /// Controlling terminal (V9 optional); default 0.
    pub tty: u32,
    /// Login uid (V9 optional); default `u32::MAX` (unset).
    pub loginuid: u32,
    /// Executable writable by its owner (V9 optional); default false.
    pub exe_writable: bool,
    /// Inheritable capabilities (V9 optional); default 0.
    pub cap_inheritable: u64,
    /// Permitted capabilities (V9 optional); default 0.
    pub cap_permitted: u64,
    /// Effective capabilities (V9 optional); default 0.
    pub cap_effective: u64,
    /// Executable in an overlayfs upper layer (V9 optional); default false.
    pub exe_upper_layer: bool,
    /// Executable inode number (V9 optional); default 0.
    pub exe_ino: u64,
    /// Executable inode ctime (V9 optional); default 0.
    pub exe_ino_ctime: u64,
    /// Executable inode mtime (V9 optional); default 0.
    pub exe_ino_mtime: u64,
    /// Executable loaded from a memfd (V9 optional); default false.
    pub exe_from_memfd: bool,
    /// Executable in an overlayfs lower layer (V9 optional); default false.
    pub exe_lower_layer: bool,
    /// Process group id in the host pid namespace (V9 optional); default -1.
    pub pgid: i64,
}

impl Default for ProcessEntry {
    fn default() -> Self {
        ProcessEntry {
            tid: 0,
            pid: 0,
            ptid: 0,
            sid: u64::MAX,
            vpgid: u64::MAX,
            comm: Vec::new(),
            exe: Vec::new(),
            exepath: Vec::new(),
            args: Vec::new(),
            cwd: Vec::new(),
            fdlimit: 0,
            flags: 0,
            uid: 0,
            gid: 0,
            vmsize_kb: 0,
            vmrss_kb: 0,
            vmswap_kb: 0,
            pfmajor: 0,
            pfminor: 0,
            env: Vec::new(),
            vtid: -1,
            vpid: -1,
            cgroups: Vec::new(),
            root: Vec::new(),
            pidns_init_start_ts: 0,
            tty: 0,
            loginuid: u32::MAX,
            exe_writable: false,
            cap_inheritable: 0,
            cap_permitted: 0,
            cap_effective: 0,
            exe_upper_layer: false,
            exe_ino: 0,
            exe_ino_ctime: 0,
            exe_ino_mtime: 0,
            exe_from_memfd: false,
            exe_lower_layer: false,
            pgid: -1,
        }
    }
}

/// Parses a process list body of any version.
///
/// V9 details, as libscap: an entry length of 0 means "unknown" (only the
/// V8 fields are read and nothing is skipped); when 29 bytes or fewer are
/// left after `root`, the entry is taken to come from libs before 0.10.0,
/// which did not write `pidns_init_start_ts` and `tty`, so reading resumes
/// at `loginuid`.
pub fn parse_proclist(block_type: u32, body: &[u8]) -> Result<Vec<ProcessEntry>, MetaError> {
    let version =
        proclist_version(block_type).ok_or_else(|| wrong_block(block_type, "a process list"))?;
    let mut c = Cursor::new(body, "process entry");
    let mut entries = Vec::new();
    while c.remaining() >= 4 {
        entries.push(parse_entry(&mut c, version)?);
    }
    Ok(entries)
}

fn parse_entry(c: &mut Cursor<'_>, version: u8) -> Result<ProcessEntry, MetaError> {
    if version < 9 {
        return parse_common(c, version);
    }
    let start = c.pos();
    let entry_len = c.u32("entry_len")? as usize;
    let mut e = parse_common(c, version)?;
    if entry_len == 0 {
        return Ok(e);
    }
    let used = c.pos() - start;
    if used > entry_len {
        let message =
            format!("process entry length {entry_len} is smaller than the {used} bytes read");
        return Err(MetaError::new(start, message));
    }
    let mut tail = c.split(entry_len - used, "the rest of the entry")?;
    read_optional(&mut tail, &mut e)?;
    Ok(e)
}

/// Reads the fields every version up to V8 lays out in sequence.
fn parse_common(c: &mut Cursor<'_>, version: u8) -> Result<ProcessEntry, MetaError> {
    let mut e = ProcessEntry::default();
    read_ids(c, version, &mut e)?;
    read_names(c, version, &mut e)?;
    e.fdlimit = c.i64("fdlimit")?;
    e.flags = c.u32("flags")?;
    e.uid = c.u32("uid")?;
    e.gid = c.u32("gid")?;
    if version >= 2 {
        read_memory(c, &mut e)?;
    }
    if version >= 3 {
        e.env = split_list(c.bytes16("env", MAX_LIST_LEN)?);
    }
    if version >= 4 {
        read_namespace(c, version, &mut e)?;
    }
    Ok(e)
}

fn read_ids(c: &mut Cursor<'_>, version: u8, e: &mut ProcessEntry) -> Result<(), MetaError> {
    e.tid = c.u64("tid")?;
    e.pid = c.u64("pid")?;
    e.ptid = c.u64("ptid")?;
    if version >= 6 {
        e.sid = c.u64("sid")?;
    }
    if version >= 8 {
        e.vpgid = c.u64("vpgid")?;
    }
    Ok(())
}

fn read_names(c: &mut Cursor<'_>, version: u8, e: &mut ProcessEntry) -> Result<(), MetaError> {
    e.comm = c.vec16("comm", MAX_PATH_LEN)?;
    e.exe = c.vec16("exe", MAX_PATH_LEN)?;
    if version >= 7 {
        e.exepath = c.vec16("exepath", MAX_PATH_LEN)?;
    }
    e.args = split_list(c.bytes16("args", MAX_LIST_LEN)?);
    e.cwd = c.vec16("cwd", MAX_PATH_LEN)?;
    Ok(())
}

fn read_memory(c: &mut Cursor<'_>, e: &mut ProcessEntry) -> Result<(), MetaError> {
    e.vmsize_kb = c.u32("vmsize_kb")?;
    e.vmrss_kb = c.u32("vmrss_kb")?;
    e.vmswap_kb = c.u32("vmswap_kb")?;
    e.pfmajor = c.u64("pfmajor")?;
    e.pfminor = c.u64("pfminor")?;
    Ok(())
}

fn read_namespace(c: &mut Cursor<'_>, version: u8, e: &mut ProcessEntry) -> Result<(), MetaError> {
    e.vtid = c.i64("vtid")?;
    e.vpid = c.i64("vpid")?;
    e.cgroups = split_list(c.bytes16("cgroups", MAX_LIST_LEN)?);
    if version >= 5 {
        e.root = c.vec16("root", MAX_PATH_LEN)?;
    }
    Ok(())
}

/// Reads the V9 optional fields from the rest of the entry, each one only
/// if it fits in what is left.
fn read_optional(t: &mut Cursor<'_>, e: &mut ProcessEntry) -> Result<(), MetaError> {
    if t.remaining() > PRE_0_10_0_TAIL {
        fill_u64(t, "pidns_init_start_ts", &mut e.pidns_init_start_ts)?;
        fill_u32(t, "tty", &mut e.tty)?;
    }
    fill_u32(t, "loginuid", &mut e.loginuid)?;
    fill_flag(t, "exe_writable", &mut e.exe_writable)?;
    fill_u64(t, "cap_inheritable", &mut e.cap_inheritable)?;
    fill_u64(t, "cap_permitted", &mut e.cap_permitted)?;
    fill_u64(t, "cap_effective", &mut e.cap_effective)?;
    read_exe_details(t, e)
}

fn read_exe_details(t: &mut Cursor<'_>, e: &mut ProcessEntry) -> Result<(), MetaError> {
    fill_flag(t, "exe_upper_layer", &mut e.exe_upper_layer)?;
    fill_u64(t, "exe_ino", &mut e.exe_ino)?;
    fill_u64(t, "exe_ino_ctime", &mut e.exe_ino_ctime)?;
    fill_u64(t, "exe_ino_mtime", &mut e.exe_ino_mtime)?;
    fill_flag(t, "exe_from_memfd", &mut e.exe_from_memfd)?;
    fill_flag(t, "exe_lower_layer", &mut e.exe_lower_layer)?;
    if t.remaining() >= 8 {
        e.pgid = t.i64("pgid")?;
    }
    Ok(())
}

fn fill_u64(t: &mut Cursor<'_>, field: &str, dst: &mut u64) -> Result<(), MetaError> {
    if t.remaining() >= 8 {
        *dst = t.u64(field)?;
    }
    Ok(())
}

fn fill_u32(t: &mut Cursor<'_>, field: &str, dst: &mut u32) -> Result<(), MetaError> {
    if t.remaining() >= 4 {
        *dst = t.u32(field)?;
    }
    Ok(())
}

fn fill_flag(t: &mut Cursor<'_>, field: &str, dst: &mut bool) -> Result<(), MetaError> {
    if t.remaining() >= 1 {
        *dst = t.u8(field)? != 0;
    }
    Ok(())
}

/// Splits a NUL-separated blob into items. A missing final NUL is assumed,
/// as libscap does; an empty blob is an empty list.
fn split_list(blob: &[u8]) -> Vec<Vec<u8>> {
    let trimmed = blob.strip_suffix(&[0]).unwrap_or(blob);
    if blob.is_empty() {
        return Vec::new();
    }
    trimmed.split(|&b| b == 0).map(<[u8]>::to_vec).collect()
}

/// Joins items into a blob, each followed by a NUL.
fn join_list(items: &[Vec<u8>]) -> Vec<u8> {
    let mut blob = Vec::new();
    for item in items {
        blob.extend_from_slice(item);
        blob.push(0);
    }
    blob
}

/// Appends the body of a V9 (0x215) process list block: the entries one
/// after the other, nothing before them, every field written.
///
/// Strings are cut to [`MAX_PATH_LEN`] bytes and list blobs to
/// [`MAX_LIST_LEN`] bytes, so that what is written always parses back.
pub fn encode_proclist_v9(entries: &[ProcessEntry], out: &mut Vec<u8>) {
    for e in entries {
        put_sized(out, true, |out| {
            write_common(e, out);
            write_optional(e, out);
        });
    }
}

fn write_common(e: &ProcessEntry, out: &mut Vec<u8>) {
    for v in [e.tid, e.pid, e.ptid, e.sid, e.vpgid] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for s in [&e.comm, &e.exe, &e.exepath] {
        put_bytes16(out, s, MAX_PATH_LEN);
    }
    put_bytes16(out, &join_list(&e.args), MAX_LIST_LEN);
    put_bytes16(out, &e.cwd, MAX_PATH_LEN);
    out.extend_from_slice(&e.fdlimit.to_le_bytes());
    for v in [e.flags, e.uid, e.gid, e.vmsize_kb, e.vmrss_kb, e.vmswap_kb] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&e.pfmajor.to_le_bytes());
    out.extend_from_slice(&e.pfminor.to_le_bytes());
    put_bytes16(out, &join_list(&e.env), MAX_LIST_LEN);
    out.extend_from_slice(&e.vtid.to_le_bytes());
    out.extend_from_slice(&e.vpid.to_le_bytes());
    put_bytes16(out, &join_list(&e.cgroups), MAX_LIST_LEN);
    put_bytes16(out, &e.root, MAX_PATH_LEN);
}

fn write_optional(e: &ProcessEntry, out: &mut Vec<u8>) {
    out.extend_from_slice(&e.pidns_init_start_ts.to_le_bytes());
    out.extend_from_slice(&e.tty.to_le_bytes());
    out.extend_from_slice(&e.loginuid.to_le_bytes());
    out.push(u8::from(e.exe_writable));
    for v in [e.cap_inheritable, e.cap_permitted, e.cap_effective] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.push(u8::from(e.exe_upper_layer));
    for v in [e.exe_ino, e.exe_ino_ctime, e.exe_ino_mtime] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.push(u8::from(e.exe_from_memfd));
    out.push(u8::from(e.exe_lower_layer));
    out.extend_from_slice(&e.pgid.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::super::block_type::*;
    use super::*;
    use proptest::prelude::*;

    fn put16(b: &mut Vec<u8>, s: &[u8]) {
        b.extend_from_slice(&(s.len() as u16).to_le_bytes());
        b.extend_from_slice(s);
    }

    /// Hand-lays the fields of a V1..V9 entry up to `root`, per version.
    fn legacy_fields(v: u8, e: &ProcessEntry) -> Vec<u8> {
        let mut b = Vec::new();
        for x in [e.tid, e.pid, e.ptid] {
            b.extend_from_slice(&x.to_le_bytes());
        }
        if v >= 6 {
            b.extend_from_slice(&e.sid.to_le_bytes());
        }
        if v >= 8 {
            b.extend_from_slice(&e.vpgid.to_le_bytes());
        }
        put16(&mut b, &e.comm);
        put16(&mut b, &e.exe);
        if v >= 7 {
            put16(&mut b, &e.exepath);
        }
        put16(&mut b, &join_list(&e.args));
        put16(&mut b, &e.cwd);
        b.extend_from_slice(&e.fdlimit.to_le_bytes());
        for x in [e.flags, e.uid, e.gid] {
            b.extend_from_slice(&x.to_le_bytes());
        }
        if v >= 2 {
            for x in [e.vmsize_kb, e.vmrss_kb, e.vmswap_kb] {
                b.extend_from_slice(&x.to_le_bytes());
            }
            for x in [e.pfmajor, e.pfminor] {
                b.extend_from_slice(&x.to_le_bytes());
            }
        }
        if v >= 3 {
            put16(&mut b, &join_list(&e.env));
        }
        if v >= 4 {
            b.extend_from_slice(&e.vtid.to_le_bytes());
            b.extend_from_slice(&e.vpid.to_le_bytes());
            put16(&mut b, &join_list(&e.cgroups));
        }
        if v >= 5 {
            put16(&mut b, &e.root);
        }
        b
    }

    /// A V9 entry: length, legacy fields, then `tail` as given.
    fn v9_entry(e: &ProcessEntry, tail: &[u8]) -> Vec<u8> {
        let fields = legacy_fields(9, e);
        let len = (4 + fields.len() + tail.len()) as u32;
        [&len.to_le_bytes()[..], &fields, tail].concat()
    }

    /// A sample entry holding only what version `v` can carry.
    fn sample(v: u8, tid: u64) -> ProcessEntry {
        let mut e = ProcessEntry {
            tid,
            pid: tid,
            ptid: 1,
            comm: b"bash".to_vec(),
            exe: b"/bin/bash".to_vec(),
            args: vec![b"-c".to_vec(), b"".to_vec(), b"ls -l".to_vec()],
            cwd: b"/root".to_vec(),
            fdlimit: 1024,
            flags: 0x10,
            uid: 1000,
            gid: 100,
            ..ProcessEntry::default()
        };
        if v >= 2 {
            (e.vmsize_kb, e.vmrss_kb, e.vmswap_kb, e.pfmajor, e.pfminor) = (10, 20, 30, 40, 50);
        }
        if v >= 3 {
            e.env = vec![b"HOME=/root".to_vec(), b"TERM=xterm".to_vec()];
        }
        if v >= 4 {
            (e.vtid, e.vpid) = (7, 7);
            e.cgroups = vec![b"cpu=/docker/abc".to_vec(), b"memory=/".to_vec()];
        }
        if v >= 5 {
            e.root = b"/".to_vec();
        }
        if v >= 6 {
            e.sid = 3;
        }
        if v >= 7 {
            e.exepath = b"/usr/bin/bash".to_vec();
        }
        if v >= 8 {
            e.vpgid = 4;
        }
        e
    }

    fn full_v9(tid: u64) -> ProcessEntry {
        ProcessEntry {
            pidns_init_start_ts: 11,
            tty: 34816,
            loginuid: 1000,
            exe_writable: true,
            cap_inheritable: 1,
            cap_permitted: 2,
            cap_effective: 3,
            exe_upper_layer: true,
            exe_ino: 99,
            exe_ino_ctime: 100,
            exe_ino_mtime: 101,
            exe_from_memfd: true,
            exe_lower_layer: true,
            pgid: 42,
            ..sample(9, tid)
        }
    }

    fn reencode(entries: &[ProcessEntry]) -> Vec<ProcessEntry> {
        let mut out = Vec::new();
        encode_proclist_v9(entries, &mut out);
        parse_proclist(PL_V9, &out).unwrap()
    }

    const IDS: [u32; 9] = [
        PL_V1, PL_V2, PL_V3, PL_V4, PL_V5, PL_V6, PL_V7, PL_V8, PL_V9,
    ];

    #[test]
    fn v1_literal_bytes() {
        #[rustfmt::skip]
        let body: Vec<u8> = [
            &[5, 0, 0, 0, 0, 0, 0, 0][..], &[5, 0, 0, 0, 0, 0, 0, 0], &[1, 0, 0, 0, 0, 0, 0, 0],
            &[2, 0], b"sh", &[7, 0], b"/bin/sh", &[6, 0], b"-c\0ls\0", &[1, 0], b"/",
            &[0, 4, 0, 0, 0, 0, 0, 0], &[0, 0, 0, 0], &[0xe8, 3, 0, 0], &[0x64, 0, 0, 0],
            &[0, 0, 0],
        ].concat();
        let mut expected = sample(1, 5);
        (expected.ptid, expected.comm, expected.exe) = (1, b"sh".to_vec(), b"/bin/sh".to_vec());
        (expected.args, expected.cwd) = (vec![b"-c".to_vec(), b"ls".to_vec()], b"/".to_vec());
        expected.flags = 0;
        for t in [PL_V1, PL_V1_INT] {
            assert_eq!(parse_proclist(t, &body).unwrap(), vec![expected.clone()]);
        }
        assert_eq!(reencode(std::slice::from_ref(&expected)), vec![expected]);
    }

    #[test]
    fn every_legacy_version_parses_and_reencodes() {
        for v in 1..=8u8 {
            let entries = vec![sample(v, 10), sample(v, 11)];
            let mut body: Vec<u8> = entries.iter().flat_map(|e| legacy_fields(v, e)).collect();
            body.extend_from_slice(&[0, 0, 0]);
            let parsed = parse_proclist(IDS[usize::from(v) - 1], &body).unwrap();
            assert_eq!(parsed, entries, "version {v}");
            assert_eq!(reencode(&parsed), parsed, "version {v}");
        }
        for (t, v) in [(PL_V2_INT, 2), (PL_V3_INT, 3)] {
            let body = legacy_fields(v, &sample(v, 3));
            assert_eq!(parse_proclist(t, &body).unwrap(), vec![sample(v, 3)]);
        }
    }

    /// The optional fields of `e`, laid out as today's (0.10.0+) writer.
    fn tail_parts(e: &ProcessEntry) -> Vec<Vec<u8>> {
        let flag = |b: bool| vec![u8::from(b)];
        vec![
            e.pidns_init_start_ts.to_le_bytes().to_vec(),
            e.tty.to_le_bytes().to_vec(),
            e.loginuid.to_le_bytes().to_vec(),
            flag(e.exe_writable),
            e.cap_inheritable.to_le_bytes().to_vec(),
            e.cap_permitted.to_le_bytes().to_vec(),
            e.cap_effective.to_le_bytes().to_vec(),
            flag(e.exe_upper_layer),
            e.exe_ino.to_le_bytes().to_vec(),
            e.exe_ino_ctime.to_le_bytes().to_vec(),
            e.exe_ino_mtime.to_le_bytes().to_vec(),
            flag(e.exe_from_memfd),
            flag(e.exe_lower_layer),
            e.pgid.to_le_bytes().to_vec(),
        ]
    }

    fn tail(e: &ProcessEntry, n: usize) -> Vec<u8> {
        tail_parts(e)[..n].concat()
    }

    #[test]
    fn v9_full_entries() {
        let entries = vec![full_v9(1), full_v9(2)];
        let mut body = Vec::new();
        encode_proclist_v9(&entries, &mut body);
        let hand: Vec<Vec<u8>> = entries.iter().map(|e| v9_entry(e, &tail(e, 14))).collect();
        assert_eq!(body, hand.concat());
        body.extend_from_slice(&[0, 0]);
        assert_eq!(parse_proclist(PL_V9, &body).unwrap(), entries);
    }

    #[test]
    fn v9_with_fewer_trailing_fields() {
        // Tails of more than 29 bytes (6 fields or more) use today's layout:
        // the fields present are read, the missing ones keep their defaults.
        let (full, base) = (full_v9(9), sample(9, 9));
        for n in 6..=14 {
            let body = v9_entry(&full, &tail(&full, n));
            let parsed = parse_proclist(PL_V9, &body).unwrap();
            let mixed = [&tail_parts(&full)[..n], &tail_parts(&base)[n..]].concat();
            let expected = parse_proclist(PL_V9, &v9_entry(&full, &mixed.concat())).unwrap();
            assert_eq!(parsed, expected, "{n} fields");
            assert_eq!(parsed[0].pgid == full.pgid, n == 14);
        }
    }

    #[test]
    fn v9_pre_0_10_0_layout() {
        let full = full_v9(9);
        let old_tail = |n: usize| tail(&full, 7)[12..12 + n].to_vec();
        let mut expected = ProcessEntry {
            pidns_init_start_ts: 0,
            tty: 0,
            exe_upper_layer: false,
            exe_ino: 0,
            exe_ino_ctime: 0,
            exe_ino_mtime: 0,
            exe_from_memfd: false,
            exe_lower_layer: false,
            pgid: -1,
            ..full.clone()
        };
        let body = v9_entry(&full, &old_tail(29));
        assert_eq!(
            parse_proclist(PL_V9, &body).unwrap(),
            vec![expected.clone()]
        );
        (
            expected.cap_inheritable,
            expected.cap_permitted,
            expected.cap_effective,
        ) = (0, 0, 0);
        let body = v9_entry(&full, &old_tail(5));
        assert_eq!(parse_proclist(PL_V9, &body).unwrap(), vec![expected]);
        let body = v9_entry(&full, &[]);
        assert_eq!(parse_proclist(PL_V9, &body).unwrap(), vec![sample(9, 9)]);
    }

    #[test]
    fn v9_short_new_layout_is_read_as_old_like_libscap() {
        // pidns_init_start_ts + tty only (12 bytes <= 29): libscap reads the
        // first 4 bytes as loginuid and the fifth as exe_writable.
        let mut full = full_v9(9);
        full.pidns_init_start_ts = 0x0102_0304_0506_0708;
        let parsed = parse_proclist(PL_V9, &v9_entry(&full, &tail(&full, 2))).unwrap();
        assert_eq!(parsed[0].loginuid, 0x0506_0708);
        assert!(parsed[0].exe_writable);
        assert_eq!((parsed[0].pidns_init_start_ts, parsed[0].tty), (0, 0));
    }

    #[test]
    fn v9_skips_unknown_trailing_bytes_and_zero_len() {
        let full = full_v9(1);
        let extra = [tail(&full, 14), vec![9; 7]].concat();
        let zero_len = [vec![0; 4], legacy_fields(9, &sample(9, 2))].concat();
        let last = v9_entry(&full, &tail(&full, 14));
        let body = [v9_entry(&full, &extra), zero_len, last].concat();
        let parsed = parse_proclist(PL_V9, &body).unwrap();
        assert_eq!(parsed, vec![full.clone(), sample(9, 2), full]);
    }

    #[test]
    fn v9_bad_entry_len() {
        let mut body = v9_entry(&sample(9, 1), &[]);
        body[..4].copy_from_slice(&20u32.to_le_bytes());
        let e = parse_proclist(PL_V9, &body).unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(e.message.contains("length 20 is smaller"), "{}", e.message);
        let n = body.len() as u32 + 10;
        body[..4].copy_from_slice(&n.to_le_bytes());
        let e = parse_proclist(PL_V9, &body).unwrap_err();
        assert_eq!(e.offset, body.len());
        assert!(e
            .message
            .starts_with("process entry truncated: expected 10 bytes"));
    }

    #[test]
    fn every_truncation_errors() {
        for (i, &t) in IDS.iter().enumerate() {
            let v = i as u8 + 1;
            let body = match t {
                PL_V9 => v9_entry(&full_v9(1), &tail(&full_v9(1), 14)),
                _ => legacy_fields(v, &sample(v, 1)),
            };
            assert!(parse_proclist(t, &body).is_ok());
            for len in 0..body.len() {
                let res = parse_proclist(t, &body[..len]);
                assert_eq!(res.is_ok(), len < 4, "type {t:#x} len {len}: {res:?}");
            }
        }
        let e = parse_proclist(PL_V1, &[1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0]).unwrap_err();
        let msg = "byte 8: process entry truncated: expected 8 bytes for pid, 3 left";
        assert_eq!(e.to_string(), msg);
    }

    #[test]
    fn string_limits() {
        let mut e = sample(1, 1);
        e.comm = vec![b'a'; MAX_PATH_LEN];
        e.args = vec![vec![b'x'; MAX_LIST_LEN - 1]];
        let parsed = parse_proclist(PL_V1, &legacy_fields(1, &e)).unwrap();
        assert_eq!(parsed, vec![e.clone()]);
        e.comm.push(b'a');
        let err = parse_proclist(PL_V1, &legacy_fields(1, &e)).unwrap_err();
        let msg = "byte 24: comm length 1025 exceeds the limit of 1024 bytes";
        assert_eq!(err.to_string(), msg);
        e.comm.pop();
        e.args[0].push(b'x');
        let err = parse_proclist(PL_V1, &legacy_fields(1, &e)).unwrap_err();
        assert!(err.message.starts_with("args length 4097"));
        // The encoder cuts instead.
        (e.cwd, e.env) = (vec![b'c'; 2000], vec![vec![b'e'; 5000]]);
        let parsed = reencode(&[e]);
        assert_eq!(parsed[0].cwd.len(), MAX_PATH_LEN);
        assert_eq!(parsed[0].env, vec![vec![b'e'; MAX_LIST_LEN]]);
    }

    #[test]
    fn lists_split_like_libscap() {
        let v = |items: &[&[u8]]| items.iter().map(|i| i.to_vec()).collect::<Vec<_>>();
        assert_eq!(split_list(b""), v(&[]));
        assert_eq!(split_list(b"\0"), v(&[b""]));
        assert_eq!(split_list(b"a\0b"), v(&[b"a", b"b"]));
        assert_eq!(split_list(b"a\0\0b\0"), v(&[b"a", b"", b"b"]));
        assert_eq!(join_list(&split_list(b"a\0b")), b"a\0b\0");
        let e = parse_proclist(FDL_V2, &[]).unwrap_err();
        assert_eq!(
            e.message,
            "block type 0x218 is not a process list block type"
        );
    }

    fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), 0..=max)
    }

    fn list() -> impl Strategy<Value = Vec<Vec<u8>>> {
        proptest::collection::vec(proptest::collection::vec(1u8..=255, 0..16), 0..8)
    }

    prop_compose! {
        fn entry()(
            ids in any::<(u64, u64, u64, u64, u64, i64, i64, i64)>(),
            names in (bytes(40), bytes(40), bytes(40), bytes(40), bytes(40)),
            lists in (list(), list(), list()),
            nums in any::<(i64, u32, u32, u32, u32, u32, u32, u64, u64)>(),
            opt in any::<(u64, u32, u32, bool, u64, u64, u64)>(),
            exe in any::<(bool, u64, u64, u64, bool, bool)>(),
        ) -> ProcessEntry {
            ProcessEntry {
                tid: ids.0, pid: ids.1, ptid: ids.2, sid: ids.3, vpgid: ids.4,
                vtid: ids.5, vpid: ids.6, pgid: ids.7,
                comm: names.0, exe: names.1, exepath: names.2, cwd: names.3, root: names.4,
                args: lists.0, env: lists.1, cgroups: lists.2,
                fdlimit: nums.0, flags: nums.1, uid: nums.2, gid: nums.3,
                vmsize_kb: nums.4, vmrss_kb: nums.5, vmswap_kb: nums.6,
                pfmajor: nums.7, pfminor: nums.8,
                pidns_init_start_ts: opt.0, tty: opt.1, loginuid: opt.2,
                exe_writable: opt.3, cap_inheritable: opt.4, cap_permitted: opt.5,
                cap_effective: opt.6, exe_upper_layer: exe.0, exe_ino: exe.1,
                exe_ino_ctime: exe.2, exe_ino_mtime: exe.3, exe_from_memfd: exe.4,
                exe_lower_layer: exe.5,
            }
        }
    }

    proptest! {
        #[test]
        fn round_trip(entries in proptest::collection::vec(entry(), 0..4)) {
            prop_assert_eq!(reencode(&entries), entries);
        }
    }
}
