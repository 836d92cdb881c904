//! How fd-related system calls change the fd tables.

use super::*;

impl State {
    /// Records the address a socket was bound to: it becomes a server
    /// socket of that address.
    pub(super) fn on_bind(&mut self, ev: &Event<'_>, tid: i64, fd: i64) {
        let Some(ParamValue::SockAddr(a)) = param(ev, "addr") else {
            return;
        };
        if let Some(info) = self.fd_mut(tid, fd) {
            set_server_addr(info, &a);
        }
    }

    pub(super) fn on_open(
        &mut self,
        ev: &Event<'_>,
        enter: Option<&Event<'_>>,
        tid: i64,
        fd: i64,
        st: &mut EventState,
    ) {
        let pick = |e: &Event<'_>| -> Option<(Vec<u8>, u32, Option<i64>)> {
            let name = bytes(e, "name").or_else(|| bytes(e, "path"))?;
            if name == b"(NULL)" {
                return None;
            }
            let flags = int(e, "flags").unwrap_or(0) as u32;
            Some((name.to_vec(), flags, int(e, "dirfd")))
        };
        let Some((name, mut oflags, dirfd)) = enter.and_then(pick).or_else(|| pick(ev)) else {
            return;
        };
        if ev.info().is_some_and(|i| i.name == "creat") {
            oflags = 0;
        }
        st.fd = fd;
        if fd < 0 {
            return;
        }
        let name = text(&name);
        let full = self.absolute_path(tid, dirfd, &name);
        let mut info = FdInfo::file(full, oflags);
        info.raw_name = name;
        if oflags & O_DIRECTORY != 0 {
            info.kind = FdKind::DIRECTORY;
        }
        info.dev = int(ev, "dev").unwrap_or(0) as u32;
        info.ino = int(ev, "ino").unwrap_or(0) as u64;
        self.add_fd(tid, fd, info);
    }

    pub(super) fn on_socket(
        &mut self,
        ev: &Event<'_>,
        enter: Option<&Event<'_>>,
        tid: i64,
        fd: i64,
        st: &mut EventState,
    ) {
        let get = |n: &str| int(ev, n).or_else(|| enter.and_then(|e| int(e, n)));
        let (domain, ty, proto) = (get("domain"), get("type"), get("proto"));
        st.fd = fd;
        let mut info = FdInfo::default();
        match domain.map(|d| d as u8) {
            Some(family::UNIX) => info.kind = FdKind::UNIX_SOCK,
            Some(d @ (family::INET | family::INET6)) => {
                info.kind = if d == family::INET {
                    FdKind::IPV4_SOCK
                } else {
                    FdKind::IPV6_SOCK
                };
                info.l4proto = l4proto(ty.unwrap_or(0) as u32, proto.unwrap_or(0) as u32);
            }
            Some(16) => info.kind = FdKind::NETLINK,
            _ => info.kind = FdKind::UNKNOWN,
        }
        self.add_fd(tid, fd, info);
    }

    /// Records a connection's tuple; says whether the fd's name changed.
    pub(super) fn on_connect(&mut self, ev: &Event<'_>, tid: i64, res: i64, fd: i64) -> bool {
        const EINPROGRESS: i64 = -115;
        if res < 0 && res != EINPROGRESS {
            return false;
        }
        let Some(ParamValue::SockTuple(t)) = param(ev, "tuple") else {
            return false;
        };
        let Some(info) = self.fd_mut(tid, fd) else {
            return false;
        };
        let before = std::mem::take(&mut info.name);
        set_tuple(info, &t);
        info.role |= role::CLIENT;
        info.name != before
    }

    pub(super) fn on_accept(&mut self, ev: &Event<'_>, tid: i64, st: &mut EventState) {
        let fd = ev.value(0).and_then(|v| v.as_i64()).unwrap_or(-1);
        st.fd = fd;
        let mut info = FdInfo {
            role: role::SERVER,
            ..FdInfo::default()
        };
        if let Some(ParamValue::SockTuple(t)) = param(ev, "tuple") {
            set_tuple(&mut info, &t);
        }
        self.add_fd(tid, fd, info);
    }

    pub(super) fn on_tuple_io(&mut self, ev: &Event<'_>, tid: i64, fd: i64) {
        let tuple = param(ev, "tuple");
        let Some(info) = self.fd_mut(tid, fd) else {
            return;
        };
        if let Some(ParamValue::SockTuple(t)) = tuple {
            if info.name.is_empty() || info.sock.is_none() {
                set_tuple(info, &t);
            }
        }
    }

    pub(super) fn on_pair(&mut self, ev: &Event<'_>, tid: i64, kind: FdKind) {
        let (Some(a), Some(b)) = (int(ev, "fd1"), int(ev, "fd2")) else {
            return;
        };
        if ev.value(0).and_then(|v| v.as_i64()).unwrap_or(0) < 0 {
            return;
        }
        for fd in [a, b] {
            self.add_fd(
                tid,
                fd,
                FdInfo {
                    kind,
                    ..FdInfo::default()
                },
            );
        }
    }

    pub(super) fn on_single(&mut self, tid: i64, fd: i64, kind: FdKind, name: &str) {
        if fd >= 0 {
            self.add_fd(
                tid,
                fd,
                FdInfo {
                    kind,
                    name: name.into(),
                    ..FdInfo::default()
                },
            );
        }
    }

    pub(super) fn on_dup(&mut self, ev: &Event<'_>, enter: Option<&Event<'_>>, tid: i64, res: i64) {
        let old = int(ev, "oldfd")
            .or_else(|| int(ev, "fd"))
            .or_else(|| enter.and_then(|e| int(e, "fd").or_else(|| int(e, "oldfd"))));
        let (Some(old), true) = (old, res >= 0) else {
            return;
        };
        if let Some(mut info) = self.fd(tid, old).cloned() {
            let cloexec = int(ev, "flags").is_some_and(|f| f as u32 & O_CLOEXEC != 0);
            info.open_flags = (info.open_flags & !O_CLOEXEC) | if cloexec { O_CLOEXEC } else { 0 };
            self.add_fd(tid, res, info);
        }
    }

    pub(super) fn on_fcntl(
        &mut self,
        ev: &Event<'_>,
        enter: Option<&Event<'_>>,
        tid: i64,
        res: i64,
    ) {
        const F_DUPFD: i64 = 1;
        const F_DUPFD_CLOEXEC: i64 = 2;
        let cmd = int(ev, "cmd").or_else(|| enter.and_then(|e| int(e, "cmd")));
        if res < 0 || !matches!(cmd, Some(F_DUPFD | F_DUPFD_CLOEXEC)) {
            return;
        }
        let old = int(ev, "fd").or_else(|| enter.and_then(|e| int(e, "fd")));
        if let Some(info) = old.and_then(|fd| self.fd(tid, fd).cloned()) {
            self.add_fd(tid, res, info);
        }
    }

    pub(super) fn on_close_range(&mut self, ev: &Event<'_>, tid: i64) {
        let (Some(lo), Some(hi)) = (int(ev, "fd"), int(ev, "max_fd")) else {
            return;
        };
        let owner = self.threads.fd_owner(tid);
        if let Some(t) = self.threads.get_mut(owner) {
            t.fds.retain(|fd, _| fd < lo || fd > hi);
        }
    }
}

/// The protocol of a new IP socket from its type and protocol arguments.
pub(super) fn l4proto(ty: u32, proto: u32) -> L4Proto {
    const SOCK_STREAM: u32 = 1;
    const SOCK_DGRAM: u32 = 2;
    const SOCK_RAW: u32 = 3;
    let raw = ty & 0xff == SOCK_RAW;
    match proto {
        6 if raw => L4Proto::Raw,
        6 => L4Proto::Tcp,
        17 if raw => L4Proto::Raw,
        17 => L4Proto::Udp,
        0 if ty & 0xff == SOCK_STREAM => L4Proto::Tcp,
        0 if ty & 0xff == SOCK_DGRAM => L4Proto::Udp,
        1 if raw => L4Proto::Raw,
        1 => L4Proto::Icmp,
        255 => L4Proto::Raw,
        _ => L4Proto::Unknown,
    }
}

/// Records a connection tuple on a socket fd.
pub(super) fn set_tuple(info: &mut FdInfo, t: &SockTuple<'_>) {
    match *t {
        SockTuple::V4 {
            src,
            sport,
            dst,
            dport,
        } => {
            info.kind = FdKind::IPV4_SOCK;
            info.sock = Some(SockInfo::V4 {
                sip: src,
                sport,
                dip: dst,
                dport,
            });
            info.name = tuple_name_v4(src, sport, dst, dport);
        }
        SockTuple::V6 {
            src,
            sport,
            dst,
            dport,
        } => {
            let (s, d) = (std::net::Ipv6Addr::from(src), std::net::Ipv6Addr::from(dst));
            if let (Some(s4), Some(d4)) = (s.to_ipv4_mapped(), d.to_ipv4_mapped()) {
                info.kind = FdKind::IPV4_SOCK;
                let (sip, dip) = (s4.octets(), d4.octets());
                info.sock = Some(SockInfo::V4 {
                    sip,
                    sport,
                    dip,
                    dport,
                });
                info.name = tuple_name_v4(sip, sport, dip, dport);
            } else {
                info.kind = FdKind::IPV6_SOCK;
                info.sock = Some(SockInfo::V6 {
                    sip: src,
                    sport,
                    dip: dst,
                    dport,
                });
                info.name = tuple_name_v6(src, sport, dst, dport);
            }
        }
        SockTuple::Unix { src, dst, path } => {
            info.kind = FdKind::UNIX_SOCK;
            info.sock = Some(SockInfo::Unix { src, dst });
            info.name = format!("{src:x}->{dst:x} {}", text(path));
        }
        SockTuple::Other(..) => {}
    }
}

/// Records a bound address on a socket fd.
pub(super) fn set_server_addr(info: &mut FdInfo, a: &SockAddr<'_>) {
    match *a {
        SockAddr::V4(ip, port) => {
            info.kind = FdKind::IPV4_SERVSOCK;
            info.sock = Some(SockInfo::V4Server { ip, port });
            info.name = format!("{}:{port}", std::net::Ipv4Addr::from(ip));
        }
        SockAddr::V6(ip, port) => {
            info.kind = FdKind::IPV6_SERVSOCK;
            info.sock = Some(SockInfo::V6Server { ip, port });
            info.name = format!("{}:{port}", std::net::Ipv6Addr::from(ip));
        }
        SockAddr::Unix(path) => info.name = text(path),
        SockAddr::Other(..) => {}
    }
}
