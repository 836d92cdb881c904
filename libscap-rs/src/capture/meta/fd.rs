//! Fd list blocks (FDL V1, V2): the open file descriptors of one thread.
//!
//! The body starts with the thread id (u64), then the entries follow until
//! fewer than 4 bytes are left. V2 entries start with a u32 length counting
//! the whole entry, itself included; bytes past the known fields are
//! skipped. V1 entries have no length.

use std::fmt;

use super::{block_type as bt, put_bytes16, put_sized, wrong_block, Cursor, MetaError};

/// Longest fd name or path accepted: libscap rejects lengths of 1024 and
/// more (`SCAP_MAX_PATH_SIZE`).
pub const MAX_FD_NAME_LEN: usize = 1023;

/// An fd type, numbered as libscap's `scap_fd_type`. Codes this module does
/// not know are kept as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FdKind(pub u8);

impl FdKind {
    /// `SCAP_FD_UNKNOWN`: no payload.
    pub const UNKNOWN: FdKind = FdKind(0);
    /// `SCAP_FD_FILE`: a file, name only.
    pub const FILE: FdKind = FdKind(1);
    /// `SCAP_FD_DIRECTORY`.
    pub const DIRECTORY: FdKind = FdKind(2);
    /// `SCAP_FD_IPV4_SOCK`.
    pub const IPV4_SOCK: FdKind = FdKind(3);
    /// `SCAP_FD_IPV6_SOCK`.
    pub const IPV6_SOCK: FdKind = FdKind(4);
    /// `SCAP_FD_IPV4_SERVSOCK`.
    pub const IPV4_SERVSOCK: FdKind = FdKind(5);
    /// `SCAP_FD_IPV6_SERVSOCK`.
    pub const IPV6_SERVSOCK: FdKind = FdKind(6);
    /// `SCAP_FD_FIFO`.
    pub const FIFO: FdKind = FdKind(7);
    /// `SCAP_FD_UNIX_SOCK`.
    pub const UNIX_SOCK: FdKind = FdKind(8);
    /// `SCAP_FD_EVENT`.
    pub const EVENT: FdKind = FdKind(9);
    /// `SCAP_FD_UNSUPPORTED`.
    pub const UNSUPPORTED: FdKind = FdKind(10);
    /// `SCAP_FD_SIGNALFD`.
    pub const SIGNALFD: FdKind = FdKind(11);
    /// `SCAP_FD_EVENTPOLL`.
    pub const EVENTPOLL: FdKind = FdKind(12);
    /// `SCAP_FD_INOTIFY`.
    pub const INOTIFY: FdKind = FdKind(13);
    /// `SCAP_FD_TIMERFD`.
    pub const TIMERFD: FdKind = FdKind(14);
    /// `SCAP_FD_NETLINK`.
    pub const NETLINK: FdKind = FdKind(15);
    /// `SCAP_FD_FILE_V2`: a file with open flags and device.
    pub const FILE_V2: FdKind = FdKind(16);
    /// `SCAP_FD_BPF`.
    pub const BPF: FdKind = FdKind(17);
    /// `SCAP_FD_USERFAULTFD`.
    pub const USERFAULTFD: FdKind = FdKind(18);
    /// `SCAP_FD_IOURING`.
    pub const IOURING: FdKind = FdKind(19);
    /// `SCAP_FD_MEMFD`.
    pub const MEMFD: FdKind = FdKind(20);
    /// `SCAP_FD_PIDFD`.
    pub const PIDFD: FdKind = FdKind(21);

    /// The one-letter type code sinsp shows (`fd.typechar`); `'?'` for
    /// codes it does not know.
    pub fn typechar(self) -> char {
        const CHARS: &[u8; 22] = b"ofd4646pueXslitnfburmP";
        CHARS
            .get(usize::from(self.0))
            .map_or('?', |&c| char::from(c))
    }

    /// The type name sinsp shows (`fd.type`), `"<NA>"` when it has none.
    pub fn typestring(self) -> &'static str {
        const NAMES: &str = "<NA> file directory ipv4 ipv6 ipv4 ipv6 pipe unix event <NA> \
            signalfd eventpoll inotify timerfd netlink file bpf userfaultfd io_uring memfd pidfd";
        NAMES
            .split_whitespace()
            .nth(usize::from(self.0))
            .unwrap_or("<NA>")
    }

    fn layout(self) -> Layout {
        match self {
            FdKind::IPV4_SOCK => Layout::Ipv4Socket,
            FdKind::IPV4_SERVSOCK => Layout::Ipv4Server,
            FdKind::IPV6_SOCK => Layout::Ipv6Socket,
            FdKind::IPV6_SERVSOCK => Layout::Ipv6Server,
            FdKind::UNIX_SOCK => Layout::UnixSocket,
            FdKind::FILE_V2 => Layout::File,
            FdKind(1..=21) => Layout::Name,
            _ => Layout::Empty,
        }
    }
}

/// Shows the sinsp type name, e.g. `file` or `ipv4`.
impl fmt::Display for FdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.typestring())
    }
}

/// Which payload follows the type byte on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Ipv4Socket,
    Ipv4Server,
    Ipv6Socket,
    Ipv6Server,
    UnixSocket,
    File,
    Name,
    Empty,
}

/// The type-specific part of an fd entry. Addresses are the raw bytes of
/// the file (network order); ports are little-endian u16 on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FdInfo {
    /// Connected IPv4 socket.
    Ipv4Socket {
        /// Source address.
        sip: [u8; 4],
        /// Destination address.
        dip: [u8; 4],
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Transport protocol (`scap_l4_proto`).
        l4proto: u8,
    },
    /// Listening IPv4 socket.
    Ipv4Server {
        /// Local address.
        ip: [u8; 4],
        /// Local port.
        port: u16,
        /// Transport protocol.
        l4proto: u8,
    },
    /// Connected IPv6 socket.
    Ipv6Socket {
        /// Source address.
        sip: [u8; 16],
        /// Destination address.
        dip: [u8; 16],
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Transport protocol.
        l4proto: u8,
    },
    /// Listening IPv6 socket.
    Ipv6Server {
        /// Local address.
        ip: [u8; 16],
        /// Local port.
        port: u16,
        /// Transport protocol.
        l4proto: u8,
    },
    /// Unix socket.
    UnixSocket {
        /// Source endpoint.
        source: u64,
        /// Destination endpoint.
        dest: u64,
        /// Socket path.
        path: Vec<u8>,
    },
    /// Regular file (`FILE_V2`). `dev` exists only in V2 entries whose
    /// length covers it; otherwise it reads as 0.
    File {
        /// Open flags.
        open_flags: u32,
        /// File path.
        path: Vec<u8>,
        /// Device number.
        dev: u32,
    },
    /// Any other known type: just a name.
    Other {
        /// Fd name.
        name: Vec<u8>,
    },
    /// No payload: `UNKNOWN` (0) and type codes above 21, for which libscap
    /// reads nothing after the type byte (V2 skips the rest by length).
    Empty,
}

/// One fd of a thread.
///
/// The payload layout on disk follows `kind`; the encoder writes `info` as
/// it is, so an entry only round-trips when `info` is the variant `kind`
/// selects (`IPV4_SOCK` → `Ipv4Socket`, `IPV4_SERVSOCK` → `Ipv4Server`,
/// `IPV6_*` likewise, `UNIX_SOCK` → `UnixSocket`, `FILE_V2` → `File`, other
/// codes 1..=21 → `Other`, anything else → `Empty`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FdEntry {
    /// Fd number.
    pub fd: i64,
    /// Inode number.
    pub ino: u64,
    /// Fd type.
    pub kind: FdKind,
    /// Type-specific data.
    pub info: FdInfo,
}

/// Contents of one fd list block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FdTable {
    /// Thread the fds belong to.
    pub tid: u64,
    /// The fds, in file order.
    pub fds: Vec<FdEntry>,
}

/// Parses an fd list body (V1 or V2).
///
/// A V2 entry length of 0 means "unknown", as in libscap: no `dev` is read
/// and nothing is skipped.
pub fn parse_fdlist(block_type: u32, body: &[u8]) -> Result<FdTable, MetaError> {
    let v2 = match block_type {
        bt::FDL_V1 | bt::FDL_V1_INT => false,
        bt::FDL_V2 => true,
        _ => return Err(wrong_block(block_type, "an fd list")),
    };
    let mut c = Cursor::new(body, "fd list");
    let tid = c.u64("tid")?;
    c.set_what("fd entry");
    let mut fds = Vec::new();
    while c.remaining() >= 4 {
        let entry = if v2 {
            parse_sized_entry(&mut c)?
        } else {
            parse_entry(&mut c, false)?
        };
        fds.push(entry);
    }
    Ok(FdTable { tid, fds })
}

fn parse_sized_entry(c: &mut Cursor<'_>) -> Result<FdEntry, MetaError> {
    let start = c.pos();
    let len = c.u32("entry_len")? as usize;
    if len == 0 {
        return parse_entry(c, false);
    }
    if len < 4 {
        let message = format!("fd entry length {len} is smaller than its own 4-byte length");
        return Err(MetaError::new(start, message));
    }
    let mut sub = c.split(len - 4, "the rest of the entry")?;
    parse_entry(&mut sub, true)
}

/// Reads fd, ino, type and payload; `dev` is read only if `may_have_dev`
/// and it fits in the cursor.
fn parse_entry(c: &mut Cursor<'_>, may_have_dev: bool) -> Result<FdEntry, MetaError> {
    let fd = c.i64("fd")?;
    let ino = c.u64("ino")?;
    let kind = FdKind(c.u8("type")?);
    let info = match kind.layout() {
        Layout::Ipv4Socket => parse_ipv4_socket(c)?,
        Layout::Ipv4Server => parse_ipv4_server(c)?,
        Layout::Ipv6Socket => parse_ipv6_socket(c)?,
        Layout::Ipv6Server => parse_ipv6_server(c)?,
        Layout::UnixSocket => parse_unix(c)?,
        Layout::File => parse_file(c, may_have_dev)?,
        Layout::Name => FdInfo::Other {
            name: c.vec16("name", MAX_FD_NAME_LEN)?,
        },
        Layout::Empty => FdInfo::Empty,
    };
    Ok(FdEntry {
        fd,
        ino,
        kind,
        info,
    })
}

fn parse_ipv4_socket(c: &mut Cursor<'_>) -> Result<FdInfo, MetaError> {
    Ok(FdInfo::Ipv4Socket {
        sip: c.array("sip")?,
        dip: c.array("dip")?,
        sport: c.u16("sport")?,
        dport: c.u16("dport")?,
        l4proto: c.u8("l4proto")?,
    })
}

fn parse_ipv4_server(c: &mut Cursor<'_>) -> Result<FdInfo, MetaError> {
    Ok(FdInfo::Ipv4Server {
        ip: c.array("ip")?,
        port: c.u16("port")?,
        l4proto: c.u8("l4proto")?,
    })
}

fn parse_ipv6_socket(c: &mut Cursor<'_>) -> Result<FdInfo, MetaError> {
    Ok(FdInfo::Ipv6Socket {
        sip: c.array("sip")?,
        dip: c.array("dip")?,
        sport: c.u16("sport")?,
        dport: c.u16("dport")?,
        l4proto: c.u8("l4proto")?,
    })
}

fn parse_ipv6_server(c: &mut Cursor<'_>) -> Result<FdInfo, MetaError> {
    Ok(FdInfo::Ipv6Server {
        ip: c.array("ip")?,
        port: c.u16("port")?,
        l4proto: c.u8("l4proto")?,
    })
}

fn parse_unix(c: &mut Cursor<'_>) -> Result<FdInfo, MetaError> {
    Ok(FdInfo::UnixSocket {
        source: c.u64("source")?,
        dest: c.u64("dest")?,
        path: c.vec16("path", MAX_FD_NAME_LEN)?,
    })
}

fn parse_file(c: &mut Cursor<'_>, may_have_dev: bool) -> Result<FdInfo, MetaError> {
    let open_flags = c.u32("open_flags")?;
    let path = c.vec16("path", MAX_FD_NAME_LEN)?;
    let dev = if may_have_dev && c.remaining() >= 4 {
        c.u32("dev")?
    } else {
        0
    };
    Ok(FdInfo::File {
        open_flags,
        path,
        dev,
    })
}

/// Appends the body of a V2 (0x218) fd list block: the tid, then every
/// entry with its length. Names are cut to [`MAX_FD_NAME_LEN`] bytes.
pub fn encode_fdlist_v2(table: &FdTable, out: &mut Vec<u8>) {
    out.extend_from_slice(&table.tid.to_le_bytes());
    for e in &table.fds {
        put_sized(out, true, |out| {
            out.extend_from_slice(&e.fd.to_le_bytes());
            out.extend_from_slice(&e.ino.to_le_bytes());
            out.push(e.kind.0);
            write_info(&e.info, out);
        });
    }
}

fn write_info(info: &FdInfo, out: &mut Vec<u8>) {
    match info {
        FdInfo::Ipv4Socket {
            sip,
            dip,
            sport,
            dport,
            l4proto,
        } => write_socket(out, sip, dip, *sport, *dport, *l4proto),
        FdInfo::Ipv6Socket {
            sip,
            dip,
            sport,
            dport,
            l4proto,
        } => write_socket(out, sip, dip, *sport, *dport, *l4proto),
        FdInfo::Ipv4Server { ip, port, l4proto } => write_server(out, ip, *port, *l4proto),
        FdInfo::Ipv6Server { ip, port, l4proto } => write_server(out, ip, *port, *l4proto),
        FdInfo::UnixSocket { source, dest, path } => {
            out.extend_from_slice(&source.to_le_bytes());
            out.extend_from_slice(&dest.to_le_bytes());
            put_bytes16(out, path, MAX_FD_NAME_LEN);
        }
        FdInfo::File {
            open_flags,
            path,
            dev,
        } => {
            out.extend_from_slice(&open_flags.to_le_bytes());
            put_bytes16(out, path, MAX_FD_NAME_LEN);
            out.extend_from_slice(&dev.to_le_bytes());
        }
        FdInfo::Other { name } => put_bytes16(out, name, MAX_FD_NAME_LEN),
        FdInfo::Empty => {}
    }
}

fn write_socket(out: &mut Vec<u8>, sip: &[u8], dip: &[u8], sport: u16, dport: u16, proto: u8) {
    out.extend_from_slice(sip);
    out.extend_from_slice(dip);
    out.extend_from_slice(&sport.to_le_bytes());
    out.extend_from_slice(&dport.to_le_bytes());
    out.push(proto);
}

fn write_server(out: &mut Vec<u8>, ip: &[u8], port: u16, proto: u8) {
    out.extend_from_slice(ip);
    out.extend_from_slice(&port.to_le_bytes());
    out.push(proto);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn put16(b: &mut Vec<u8>, s: &[u8]) {
        b.extend_from_slice(&(s.len() as u16).to_le_bytes());
        b.extend_from_slice(s);
    }

    /// fd, ino, type, then a hand-laid payload.
    fn head(fd: i64, ino: u64, kind: u8) -> Vec<u8> {
        [&fd.to_le_bytes()[..], &ino.to_le_bytes(), &[kind]].concat()
    }

    fn sock4(sport: u16, dport: u16) -> FdInfo {
        let (sip, dip) = ([127, 0, 0, 1], [10, 0, 0, 2]);
        FdInfo::Ipv4Socket {
            sip,
            dip,
            sport,
            dport,
            l4proto: 1,
        }
    }

    fn sock6(sip: [u8; 16], dip: [u8; 16]) -> FdInfo {
        FdInfo::Ipv6Socket {
            sip,
            dip,
            sport: 1,
            dport: 2,
            l4proto: 2,
        }
    }

    fn named(name: &[u8]) -> FdInfo {
        FdInfo::Other {
            name: name.to_vec(),
        }
    }

    /// Hand-laid entries of every type with what they parse to.
    fn samples() -> Vec<(Vec<u8>, FdEntry)> {
        let (ip6a, ip6b) = (core::array::from_fn(|i| i as u8), [0xfe; 16]);
        let unix = FdInfo::UnixSocket {
            source: 1,
            dest: 2,
            path: b"/run/s".to_vec(),
        };
        let file = FdInfo::File {
            open_flags: 0x8002,
            path: b"/etc/passwd".to_vec(),
            dev: 0,
        };
        let serv4 = FdInfo::Ipv4Server {
            ip: [0; 4],
            port: 0x901f,
            l4proto: 1,
        };
        let serv6 = FdInfo::Ipv6Server {
            ip: ip6b,
            port: 53,
            l4proto: 2,
        };
        #[rustfmt::skip]
        let mut v = vec![
            (3, vec![127, 0, 0, 1, 10, 0, 0, 2, 0x50, 0xc3, 0x50, 0, 1], sock4(50000, 80)),
            (5, vec![0, 0, 0, 0, 0x1f, 0x90, 1], serv4),
            (4, [&ip6a[..], &ip6b, &[1, 0, 2, 0, 2]].concat(), sock6(ip6a, ip6b)),
            (6, [&ip6b[..], &[0x35, 0, 2]].concat(), serv6),
            (8, [&[1, 0, 0, 0, 0, 0, 0, 0, 2][..], &[0; 7], &[6, 0], b"/run/s"].concat(), unix),
            (16, [&[2, 0x80, 0, 0, 11, 0][..], b"/etc/passwd"].concat(), file),
            (0, vec![], FdInfo::Empty),
        ];
        for kind in [1u8, 2, 7, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21] {
            v.push((kind, [&[3, 0][..], b"a:b"].concat(), named(b"a:b")));
        }
        let entry = |(i, (kind, payload, info)): (usize, (u8, Vec<u8>, FdInfo))| {
            let (fd, ino) = (i as i64 + 3, i as u64 + 100);
            (
                [head(fd, ino, kind), payload].concat(),
                fde(fd, ino, kind, info),
            )
        };
        v.into_iter().enumerate().map(entry).collect()
    }

    fn fde(fd: i64, ino: u64, kind: u8, info: FdInfo) -> FdEntry {
        let kind = FdKind(kind);
        FdEntry {
            fd,
            ino,
            kind,
            info,
        }
    }

    /// A body: tid 42, then `entries` as they are.
    fn body_of(entries: &[Vec<u8>]) -> Vec<u8> {
        [42u64.to_le_bytes().to_vec(), entries.concat()].concat()
    }

    fn sized(bytes: &[u8]) -> Vec<u8> {
        [&(bytes.len() as u32 + 4).to_le_bytes()[..], bytes].concat()
    }

    #[test]
    fn v1_hand_built_every_type() {
        let (bytes, fds): (Vec<_>, Vec<_>) = samples().into_iter().unzip();
        let expected = FdTable { tid: 42, fds };
        let body = [body_of(&bytes), vec![0, 0, 0]].concat();
        for t in [bt::FDL_V1, bt::FDL_V1_INT] {
            assert_eq!(parse_fdlist(t, &body).unwrap(), expected);
        }
        let mut out = Vec::new();
        encode_fdlist_v2(&expected, &mut out);
        assert_eq!(parse_fdlist(bt::FDL_V2, &out).unwrap(), expected);
    }

    #[test]
    fn v2_hand_built_with_dev_skip_and_zero_len() {
        let mut file = head(8, 108, 16);
        file.extend_from_slice(&2u32.to_le_bytes());
        put16(&mut file, b"/tmp/x");
        let with_dev = [file.clone(), 0x803u32.to_le_bytes().to_vec()].concat();
        let extra = [with_dev.clone(), vec![0xee; 5]].concat();
        let zero_len = [vec![0; 4], file.clone()].concat();
        let unknown = [head(1, 2, 99), vec![1, 2, 3]].concat();
        let parts = [&with_dev, &file, &extra].map(|b| sized(b));
        let body = body_of(&[parts.concat(), zero_len, sized(&unknown), vec![0, 0]]);
        let t = parse_fdlist(bt::FDL_V2, &body).unwrap();
        let devs: Vec<u32> = t.fds[..4]
            .iter()
            .map(|e| match e.info {
                FdInfo::File { dev, .. } => dev,
                _ => panic!("not a file: {e:?}"),
            })
            .collect();
        assert_eq!(devs, [0x803, 0, 0x803, 0]);
        assert_eq!(t.fds[4], fde(1, 2, 99, FdInfo::Empty));
    }

    #[test]
    fn encoder_matches_hand_built_v2() {
        let (bytes, fds): (Vec<_>, Vec<_>) = samples().into_iter().unzip();
        let table = FdTable { tid: 42, fds };
        let with_dev = |b: &Vec<u8>| match b[16] {
            16 => sized(&[&b[..], &[0; 4]].concat()),
            _ => sized(b),
        };
        let expected = body_of(&bytes.iter().map(with_dev).collect::<Vec<_>>());
        let mut out = Vec::new();
        encode_fdlist_v2(&table, &mut out);
        assert_eq!(out, expected);
    }

    #[test]
    fn every_truncation_errors() {
        for (bytes, _) in samples() {
            let bodies = [
                body_of(std::slice::from_ref(&bytes)),
                body_of(&[sized(&bytes)]),
            ];
            for (t, body) in [bt::FDL_V1, bt::FDL_V2].into_iter().zip(bodies) {
                assert!(parse_fdlist(t, &body).is_ok());
                for len in 0..body.len() {
                    let res = parse_fdlist(t, &body[..len]);
                    assert_eq!(res.is_ok(), (8..12).contains(&len), "{t:#x} {len} {res:?}");
                }
            }
        }
        let e = parse_fdlist(bt::FDL_V1, &[1, 2, 3]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "byte 0: fd list truncated: expected 8 bytes for tid, 3 left"
        );
    }

    #[test]
    fn bad_lengths_and_limits() {
        let body = body_of(&[vec![2, 0, 0, 0, 9, 9]]);
        let e = parse_fdlist(bt::FDL_V2, &body).unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (8, "fd entry length 2 is smaller than its own 4-byte length")
        );
        let mut b = head(1, 1, 1);
        put16(&mut b, &[b'n'; MAX_FD_NAME_LEN]);
        assert!(parse_fdlist(bt::FDL_V1, &body_of(&[b])).is_ok());
        let mut b = head(1, 1, 1);
        put16(&mut b, &[b'n'; MAX_FD_NAME_LEN + 1]);
        let e = parse_fdlist(bt::FDL_V1, &body_of(&[b])).unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (25, "name length 1024 exceeds the limit of 1023 bytes")
        );
        assert!(parse_fdlist(bt::PL_V9, &[]).is_err());
    }

    #[test]
    fn typechars() {
        let chars: String = (0..=22).map(|k| FdKind(k).typechar()).collect();
        assert_eq!(chars, "ofd4646pueXslitnfburmP?");
        assert_eq!(FdKind::FILE_V2.to_string(), "file");
        assert_eq!(FdKind::IOURING.to_string(), "io_uring");
        assert_eq!(FdKind(200).to_string(), "<NA>");
    }

    prop_compose! {
        /// An entry whose info is the variant its kind selects.
        fn fd_entry()(
            (fd, ino, kind) in any::<(i64, u64, u8)>(),
            (a, b) in any::<([u8; 16], [u8; 16])>(),
            (sport, dport, l4proto, x) in any::<(u16, u16, u8, u64)>(),
            name in proptest::collection::vec(any::<u8>(), 0..40),
        ) -> FdEntry {
            let (a4, b4) = ([a[0], a[1], a[2], a[3]], [b[0], b[1], b[2], b[3]]);
            let info = match FdKind(kind).layout() {
                Layout::Ipv4Socket => FdInfo::Ipv4Socket { sip: a4, dip: b4, sport, dport, l4proto },
                Layout::Ipv4Server => FdInfo::Ipv4Server { ip: a4, port: sport, l4proto },
                Layout::Ipv6Socket => FdInfo::Ipv6Socket { sip: a, dip: b, sport, dport, l4proto },
                Layout::Ipv6Server => FdInfo::Ipv6Server { ip: a, port: dport, l4proto },
                Layout::UnixSocket => FdInfo::UnixSocket { source: x, dest: !x, path: name },
                Layout::File => FdInfo::File { open_flags: x as u32, path: name, dev: dport.into() },
                Layout::Name => FdInfo::Other { name },
                Layout::Empty => FdInfo::Empty,
            };
            fde(fd, ino, kind, info)
        }
    }

    proptest! {
        #[test]
        fn round_trip(tid in any::<u64>(), fds in proptest::collection::vec(fd_entry(), 0..8)) {
            let table = FdTable { tid, fds };
            let mut out = Vec::new();
            encode_fdlist_v2(&table, &mut out);
            prop_assert_eq!(parse_fdlist(bt::FDL_V2, &out).unwrap(), table);
        }
    }
}
