//! File descriptors as the state engine knows them.

pub use peregrine_libscap::capture::meta::FdKind;

/// What kind of socket endpoint an fd is, once known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SockInfo {
    /// A connected IPv4 socket: source and destination as the tuple gave them.
    V4 {
        /// Source address.
        sip: [u8; 4],
        /// Source port.
        sport: u16,
        /// Destination address.
        dip: [u8; 4],
        /// Destination port.
        dport: u16,
    },
    /// A connected IPv6 socket.
    V6 {
        /// Source address.
        sip: [u8; 16],
        /// Source port.
        sport: u16,
        /// Destination address.
        dip: [u8; 16],
        /// Destination port.
        dport: u16,
    },
    /// A listening or bound IPv4 socket.
    V4Server {
        /// Address.
        ip: [u8; 4],
        /// Port.
        port: u16,
    },
    /// A listening or bound IPv6 socket.
    V6Server {
        /// Address.
        ip: [u8; 16],
        /// Port.
        port: u16,
    },
    /// A Unix socket with the kernel pointers of both ends.
    Unix {
        /// Source pointer.
        src: u64,
        /// Destination pointer.
        dst: u64,
    },
}

/// Layer-4 protocol of a socket (`SCAP_L4_*`).
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum L4Proto {
    #[default]
    Unknown,
    Tcp,
    Udp,
    Icmp,
    Raw,
}

impl L4Proto {
    /// The name `fd.l4proto` shows.
    pub fn name(self) -> &'static str {
        match self {
            L4Proto::Unknown => "unknown",
            L4Proto::Tcp => "tcp",
            L4Proto::Udp => "udp",
            L4Proto::Icmp => "icmp",
            L4Proto::Raw => "raw",
        }
    }

    /// The character sysdig adds after the type in fd annotations.
    pub fn symbol(self) -> Option<char> {
        match self {
            L4Proto::Unknown => None,
            L4Proto::Tcp => Some('t'),
            L4Proto::Udp => Some('u'),
            L4Proto::Icmp => Some('i'),
            L4Proto::Raw => Some('r'),
        }
    }
}

/// Role flags of a socket fd.
pub mod role {
    /// The process connected out.
    pub const CLIENT: u8 = 1;
    /// The process accepted or listens.
    pub const SERVER: u8 = 2;
}

/// One open file descriptor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FdInfo {
    /// Type.
    pub kind: FdKind,
    /// Name: the path, the connection tuple text, or empty.
    pub name: String,
    /// The path as the opening call gave it, before it was made absolute.
    pub raw_name: String,
    /// Open flags (`PPM_O_*`) for files.
    pub open_flags: u32,
    /// Device and inode for files, when known.
    pub dev: u32,
    /// Inode number.
    pub ino: u64,
    /// Socket endpoint, when known.
    pub sock: Option<SockInfo>,
    /// Protocol of an IP socket.
    pub l4proto: L4Proto,
    /// `role::*` bits.
    pub role: u8,
}

impl FdInfo {
    /// A file or directory fd.
    pub fn file(name: String, open_flags: u32) -> FdInfo {
        FdInfo {
            kind: FdKind::FILE_V2,
            name,
            open_flags,
            ..FdInfo::default()
        }
    }

    /// The type character (`f`, `4`, `6`, `u`, `p`, ...).
    pub fn typechar(&self) -> char {
        self.kind.typechar()
    }

    /// The protocol as sysdig reports it: known only once an IP socket has
    /// a role (connected, accepted or bound), or when it is raw.
    pub fn effective_l4proto(&self) -> L4Proto {
        match self.l4proto {
            L4Proto::Raw => L4Proto::Raw,
            p if self.is_ip_socket() && (self.role != 0 || self.sock.is_some()) => p,
            _ => L4Proto::Unknown,
        }
    }

    /// Whether the fd is an IPv4 or IPv6 socket.
    pub fn is_ip_socket(&self) -> bool {
        matches!(
            self.kind,
            FdKind::IPV4_SOCK | FdKind::IPV6_SOCK | FdKind::IPV4_SERVSOCK | FdKind::IPV6_SERVSOCK
        )
    }
}

/// The fds of one process.
#[derive(Debug, Clone, Default)]
pub struct FdTable {
    fds: crate::hash::IntMap<i64, FdInfo>,
}

impl FdTable {
    /// The fd numbered `fd`.
    pub fn get(&self, fd: i64) -> Option<&FdInfo> {
        self.fds.get(&fd)
    }

    /// The fd numbered `fd`, to change it.
    pub fn get_mut(&mut self, fd: i64) -> Option<&mut FdInfo> {
        self.fds.get_mut(&fd)
    }

    /// Adds or replaces fd `fd`; refused (returning false) when the table
    /// already holds `max` other fds.
    pub fn insert(&mut self, fd: i64, info: FdInfo, max: usize) -> bool {
        if self.fds.len() >= max && !self.fds.contains_key(&fd) {
            return false;
        }
        self.fds.insert(fd, info);
        true
    }

    /// Removes fd `fd`.
    pub fn remove(&mut self, fd: i64) -> Option<FdInfo> {
        self.fds.remove(&fd)
    }

    /// Number of open fds.
    pub fn len(&self) -> usize {
        self.fds.len()
    }

    /// Whether no fd is open.
    pub fn is_empty(&self) -> bool {
        self.fds.is_empty()
    }

    /// Keeps only the fds for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(i64, &FdInfo) -> bool) {
        self.fds.retain(|fd, info| keep(*fd, info));
    }

    /// Every fd, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &FdInfo)> {
        self.fds.iter().map(|(fd, i)| (*fd, i))
    }
}

/// Text of an IPv4 endpoint pair as `fd.name` shows it.
pub fn tuple_name_v4(sip: [u8; 4], sport: u16, dip: [u8; 4], dport: u16) -> String {
    // Written by hand: `format!` with `Ipv4Addr` cost a noticeable share
    // of replay time on network-heavy captures.
    let mut s = String::with_capacity(44);
    push_endpoint_v4(&mut s, sip, sport);
    s.push_str("->");
    push_endpoint_v4(&mut s, dip, dport);
    s
}

fn push_endpoint_v4(s: &mut String, ip: [u8; 4], port: u16) {
    for (i, octet) in ip.iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        push_decimal(s, *octet as u32);
    }
    s.push(':');
    push_decimal(s, port as u32);
}

fn push_decimal(s: &mut String, mut v: u32) {
    let mut digits = [0u8; 10];
    let mut n = 0;
    loop {
        digits[n] = b'0' + (v % 10) as u8;
        n += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for d in digits[..n].iter().rev() {
        s.push(*d as char);
    }
}

/// Text of an IPv6 endpoint pair as `fd.name` shows it.
pub fn tuple_name_v6(sip: [u8; 16], sport: u16, dip: [u8; 16], dport: u16) -> String {
    use std::net::Ipv6Addr;
    format!(
        "{}:{sport}->{}:{dport}",
        Ipv6Addr::from(sip),
        Ipv6Addr::from(dip)
    )
}

/// Protocol from the `scap_l4_proto` number of capture fd lists.
pub fn l4proto_from_scap(n: u8) -> L4Proto {
    match n {
        2 => L4Proto::Tcp,
        3 => L4Proto::Udp,
        4 => L4Proto::Icmp,
        5 => L4Proto::Raw,
        _ => L4Proto::Unknown,
    }
}

/// An fd from a capture's fd list.
pub fn from_entry(e: &peregrine_libscap::capture::meta::FdEntry) -> FdInfo {
    use peregrine_libscap::capture::meta::FdInfo as Meta;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut info = FdInfo {
        kind: e.kind,
        ino: e.ino,
        ..FdInfo::default()
    };
    match &e.info {
        Meta::Ipv4Socket {
            sip,
            dip,
            sport,
            dport,
            l4proto,
        } => {
            info.sock = Some(SockInfo::V4 {
                sip: *sip,
                sport: *sport,
                dip: *dip,
                dport: *dport,
            });
            info.name = tuple_name_v4(*sip, *sport, *dip, *dport);
            info.l4proto = l4proto_from_scap(*l4proto);
        }
        Meta::Ipv6Socket {
            sip,
            dip,
            sport,
            dport,
            l4proto,
        } => {
            info.sock = Some(SockInfo::V6 {
                sip: *sip,
                sport: *sport,
                dip: *dip,
                dport: *dport,
            });
            info.name = tuple_name_v6(*sip, *sport, *dip, *dport);
            info.l4proto = l4proto_from_scap(*l4proto);
        }
        Meta::Ipv4Server { ip, port, l4proto } => {
            info.sock = Some(SockInfo::V4Server {
                ip: *ip,
                port: *port,
            });
            info.name = format!("{}:{port}", std::net::Ipv4Addr::from(*ip));
            info.l4proto = l4proto_from_scap(*l4proto);
        }
        Meta::Ipv6Server { ip, port, l4proto } => {
            info.sock = Some(SockInfo::V6Server {
                ip: *ip,
                port: *port,
            });
            info.name = format!("{}:{port}", std::net::Ipv6Addr::from(*ip));
            info.l4proto = l4proto_from_scap(*l4proto);
        }
        Meta::UnixSocket { source, dest, path } => {
            info.sock = Some(SockInfo::Unix {
                src: *source,
                dst: *dest,
            });
            info.name = format!("{source:x}->{dest:x} {}", text(path));
        }
        Meta::File {
            open_flags,
            path,
            dev,
        } => {
            info.open_flags = *open_flags;
            info.name = text(path);
            info.dev = *dev;
        }
        Meta::Other { name } => info.name = text(name),
        _ => {}
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_tuples_print_like_display() {
        let s = tuple_name_v4([10, 0, 255, 1], 0, [127, 0, 0, 1], 65535);
        assert_eq!(s, "10.0.255.1:0->127.0.0.1:65535");
    }
}
