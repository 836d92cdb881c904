//! `fd.*` fields.

use std::net::{Ipv4Addr, Ipv6Addr};

use peregrine_libscap::event::{code, flags, Direction};

use super::table::Id;
use super::{EventCtx, Value};
use crate::fd::{FdInfo, FdKind, SockInfo};

pub(super) fn extract<'a>(id: Id, ctx: &EventCtx<'a>) -> Value<'a> {
    let eflags = crate::state::event_flags(&ctx.ev);
    let uses_fd = flags::CREATES_FD | flags::USES_FD | flags::DESTROYS_FD;
    if eflags & uses_fd == 0 || ctx.state.threads.get(ctx.tid()).is_none() {
        return Value::Na;
    }
    if id == Id::FdNum {
        return Value::Int(ctx.es.fd);
    }
    let Some(fd) = ctx.state.event_fd(ctx.tid(), ctx.es.fd) else {
        return without_fd(id, ctx);
    };
    let failed_connect = ctx.ev.code() == code::SOCKET_CONNECT_X
        && ctx
            .ev
            .value(0)
            .and_then(|v| v.as_i64())
            .is_some_and(|r| r < 0);
    match id {
        Id::FdName if failed_connect => without_fd(id, ctx),
        Id::FdName => Value::from(fd.name.as_str()),
        Id::FdType => Value::from(type_name(fd.kind)),
        Id::FdTypechar => Value::from(fd.typechar().to_string()),
        Id::FdDirectory => directory(fd),
        Id::FdFilename => filename(fd),
        Id::FdCip | Id::FdSip | Id::FdLip | Id::FdRip => ip(id, fd, ctx),
        Id::FdCport | Id::FdSport | Id::FdLport | Id::FdRport => port(id, fd, ctx),
        Id::FdL4proto => Value::from(match fd.effective_l4proto() {
            crate::fd::L4Proto::Unknown => "<NA>",
            p => p.name(),
        }),
        Id::FdSockfamily => match fd.kind {
            FdKind::IPV4_SOCK
            | FdKind::IPV6_SOCK
            | FdKind::IPV4_SERVSOCK
            | FdKind::IPV6_SERVSOCK => Value::from("ip"),
            FdKind::UNIX_SOCK => Value::from("unix"),
            _ => Value::Na,
        },
        Id::FdIsServer => is_server(fd, ctx),
        Id::FdConnected => Value::Bool(matches!(
            fd.sock,
            Some(SockInfo::V4 { .. } | SockInfo::V6 { .. } | SockInfo::Unix { .. })
        )),
        Id::FdNameraw => match fd.raw_name.is_empty() {
            true => Value::from(fd.name.as_str()),
            false => Value::from(fd.raw_name.as_str()),
        },
        Id::FdNameChanged => Value::Bool(ctx.es.fd_name_changed),
        // TODO(dns): names of addresses need a DNS cache fed by the
        // captured lookups; until then they have no value, as in sinsp
        // without one.
        Id::FdCipName | Id::FdSipName | Id::FdLipName | Id::FdRipName => Value::Na,
        _ => Value::Na,
    }
}

/// The type name `fd.type` shows.
pub fn type_name(kind: FdKind) -> &'static str {
    match kind {
        FdKind::FILE | FdKind::FILE_V2 => "file",
        FdKind::DIRECTORY => "directory",
        FdKind::IPV4_SOCK | FdKind::IPV4_SERVSOCK => "ipv4",
        FdKind::IPV6_SOCK | FdKind::IPV6_SERVSOCK => "ipv6",
        FdKind::UNIX_SOCK => "unix",
        FdKind::FIFO => "pipe",
        FdKind::EVENT => "event",
        FdKind::SIGNALFD => "signalfd",
        FdKind::EVENTPOLL => "eventpoll",
        FdKind::INOTIFY => "inotify",
        FdKind::TIMERFD => "timerfd",
        FdKind::NETLINK => "netlink",
        FdKind::BPF => "bpf",
        FdKind::USERFAULTFD => "userfaultfd",
        FdKind::IOURING => "io_uring",
        FdKind::MEMFD => "memfd",
        FdKind::PIDFD => "pidfd",
        _ => "<NA>",
    }
}

/// When the event has no fd in the table, sysdig still answers a few
/// fields from the event itself (an open that failed is still a file).
fn without_fd<'a>(id: Id, ctx: &EventCtx<'a>) -> Value<'a> {
    let enter = ctx.ev.code() & !1;
    let typechar = match enter {
        code::SYSCALL_OPEN_E
        | code::SYSCALL_OPENAT_E
        | code::SYSCALL_OPENAT_2_E
        | code::SYSCALL_OPENAT2_E
        | code::SYSCALL_CREAT_E => 'f',
        code::SOCKET_SOCKET_E
        | code::SOCKET_ACCEPT_E
        | code::SOCKET_ACCEPT_5_E
        | code::SOCKET_ACCEPT4_E
        | code::SOCKET_ACCEPT4_5_E => '4',
        code::SYSCALL_PIPE_E => 'p',
        code::SYSCALL_EVENTFD_E => 'e',
        code::SYSCALL_SIGNALFD_E => 's',
        code::SYSCALL_INOTIFY_INIT_E => 'i',
        code::SYSCALL_TIMERFD_CREATE_E => 't',
        _ => 'o',
    };
    match id {
        Id::FdTypechar => Value::from(typechar.to_string()),
        Id::FdName => name_from_event(ctx).map_or(Value::Na, Value::from),
        Id::FdDirectory => name_from_event(ctx).map_or(Value::Na, |n| Value::from(dir_of(&n))),
        _ => Value::Na,
    }
}

/// The name an exit event gives its fd when the table has none: the path
/// or tuple of the calls that create one, empty for the others.
fn name_from_event(ctx: &EventCtx<'_>) -> Option<String> {
    let ev = &ctx.ev;
    if Direction::of(ev.code()) == Direction::Enter {
        return None;
    }
    let name = ev.info().map_or("", |i| i.name);
    let path = match name {
        "open" | "creat" | "openat" | "openat2" => {
            ev.value_by_name("name").and_then(|v| v.as_bytes())
        }
        "accept" | "accept4" | "connect" => {
            let (mut out, mut res) = (String::new(), String::new());
            let r = crate::resolve::StateResolver::new(ctx.state, ev);
            peregrine_libscap::event::render::write_param(
                &mut out,
                &mut res,
                ev,
                1,
                &r,
                &Default::default(),
            );
            return Some(if res.is_empty() { out } else { res });
        }
        _ => return Some(String::new()),
    };
    let name = String::from_utf8_lossy(path?);
    let dirfd = ev.value_by_name("dirfd").and_then(|v| v.as_i64());
    Some(ctx.state.absolute_path(ctx.tid(), dirfd, &name))
}

fn dir_of(path: &str) -> String {
    match path.rfind('/') {
        Some(pos) if pos != 0 && pos < path.len() - 1 => path[..pos].to_string(),
        Some(pos) if pos != 0 => path.to_string(),
        _ => "/".to_string(),
    }
}

fn directory(fd: &FdInfo) -> Value<'_> {
    match fd.kind {
        FdKind::DIRECTORY => Value::from(fd.name.as_str()),
        FdKind::FILE | FdKind::FILE_V2 => Value::from(dir_of(&fd.name)),
        _ => Value::Na,
    }
}

fn filename(fd: &FdInfo) -> Value<'_> {
    if !matches!(fd.kind, FdKind::FILE | FdKind::FILE_V2) {
        return Value::Na;
    }
    match fd.name.rfind('/') {
        Some(pos) if pos < fd.name.len() - 1 => Value::from(&fd.name[pos + 1..]),
        Some(_) => Value::from(fd.name.as_str()),
        None => Value::from("/"),
    }
}

/// Whether an IPv4 address belongs to this machine: loopback, or one of
/// the capture's interfaces.
fn is_local_v4(ctx: &EventCtx<'_>, ip: [u8; 4]) -> bool {
    ip[0] == 127 || ctx.state.local_v4.contains(&ip)
}

fn endpoints(fd: &FdInfo) -> Option<(IpText, u16, IpText, u16)> {
    match fd.sock.as_ref()? {
        SockInfo::V4 {
            sip,
            sport,
            dip,
            dport,
        } => Some((IpText::V4(*sip), *sport, IpText::V4(*dip), *dport)),
        SockInfo::V6 {
            sip,
            sport,
            dip,
            dport,
        } => Some((IpText::V6(*sip), *sport, IpText::V6(*dip), *dport)),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum IpText {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl IpText {
    fn value<'a>(self) -> Value<'a> {
        match self {
            IpText::V4(a) => Value::from(Ipv4Addr::from(a).to_string()),
            IpText::V6(a) => Value::from(Ipv6Addr::from(a).to_string()),
        }
    }
}

/// Whether the source end of the tuple is this machine, which decides
/// which end is local and which remote.
fn source_is_local(fd: &FdInfo, ctx: &EventCtx<'_>) -> bool {
    match fd.sock {
        Some(SockInfo::V4 { sip, .. }) => is_local_v4(ctx, sip),
        Some(SockInfo::V6 { sip, .. }) => {
            Ipv6Addr::from(sip).is_loopback()
                || Ipv6Addr::from(sip)
                    .to_ipv4_mapped()
                    .is_some_and(|a| a.is_loopback())
        }
        _ => false,
    }
}

fn ip<'a>(id: Id, fd: &FdInfo, ctx: &EventCtx<'a>) -> Value<'a> {
    if fd.role == 0 && !matches!(id, Id::FdSip) {
        return Value::Na;
    }
    if let Some(SockInfo::V4Server { ip, .. }) = fd.sock {
        return if id == Id::FdSip {
            IpText::V4(ip).value()
        } else {
            Value::Na
        };
    }
    let Some((s, _, d, _)) = endpoints(fd) else {
        return Value::Na;
    };
    if fd.role == 0 {
        return Value::Na;
    }
    let local = source_is_local(fd, ctx);
    match id {
        Id::FdCip => s.value(),
        Id::FdSip => d.value(),
        Id::FdLip => {
            if local {
                s.value()
            } else {
                d.value()
            }
        }
        _ => {
            if local {
                d.value()
            } else {
                s.value()
            }
        }
    }
}

fn port<'a>(id: Id, fd: &FdInfo, ctx: &EventCtx<'a>) -> Value<'a> {
    if let Some(SockInfo::V4Server { port, .. } | SockInfo::V6Server { port, .. }) = fd.sock {
        return if id == Id::FdSport {
            Value::Uint(port as u64)
        } else {
            Value::Na
        };
    }
    let Some((_, sp, _, dp)) = endpoints(fd) else {
        return Value::Na;
    };
    if fd.role == 0 {
        return Value::Na;
    }
    let local = source_is_local(fd, ctx);
    let v = match id {
        Id::FdCport => sp,
        Id::FdSport => dp,
        Id::FdLport => {
            if local {
                sp
            } else {
                dp
            }
        }
        _ => {
            if local {
                dp
            } else {
                sp
            }
        }
    };
    Value::Uint(v as u64)
}

/// sysdig calls the process the server when the tuple's server address
/// is on this machine.
fn is_server<'a>(fd: &FdInfo, ctx: &EventCtx<'a>) -> Value<'a> {
    Value::Bool(match fd.sock {
        Some(SockInfo::V4 { dip, .. }) => is_local_v4(ctx, dip),
        Some(SockInfo::V6 { dip, .. }) => Ipv6Addr::from(dip).is_loopback(),
        Some(SockInfo::V4Server { .. } | SockInfo::V6Server { .. }) => true,
        _ => matches!(fd.kind, FdKind::IPV4_SERVSOCK | FdKind::IPV6_SERVSOCK),
    })
}
