//! The normalized view: `Global.*` fields that every domain answers with
//! the same names and meanings, here for system-call events. The mapping
//! is written down in `docs/NORMALIZED_FIELDS.md`.

use peregrine_libscap::event::{self, Direction};

use super::table::Id;
use super::{EventCtx, Field, Value};
use crate::fd::SockInfo;

/// `PPM_O_RDONLY` and `PPM_O_WRONLY`; both together are `O_RDWR`.
const O_RDONLY: u64 = 1;
const O_WRONLY: u64 = 2;

pub(super) fn extract<'a>(id: Id, field: &Field, ctx: &EventCtx<'a>) -> Value<'a> {
    match id {
        Id::GlobalEventName => event_name(ctx).map_or(Value::Na, Value::from),
        Id::GlobalErrorCode => error_code(ctx),
        Id::GlobalUser => user(ctx),
        Id::GlobalSourceIp | Id::UserSourceIp => source_ip(ctx),
        Id::GlobalTime => {
            let t = ctx.ev.ts();
            let secs = (t / 1_000_000_000) as i64;
            let nanos = (t % 1_000_000_000) as u32;
            chrono::DateTime::from_timestamp(secs, nanos).map_or(Value::Na, |d| {
                Value::from(d.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string())
            })
        }
        Id::GlobalDomain | Id::Domain => Value::from(domain(ctx)),
        Id::GlobalResource => resource(ctx),
        Id::GlobalEventValue => field.inner.as_ref().map_or(Value::Na, |f| f.extract(ctx)),
        // A system call happens on a host, not in a cloud region.
        Id::UserTargetRegion => Value::Na,
        _ => Value::Na,
    }
}

/// `Container` for a thread in a container, `Host` otherwise.
fn domain(ctx: &EventCtx<'_>) -> &'static str {
    let in_container = ctx
        .state
        .threads
        .get(ctx.tid())
        .is_some_and(|t| !t.container_id.is_empty());
    if in_container {
        "Container"
    } else {
        "Host"
    }
}

/// `Domain_Action[_Mode]`: what the call did, where.
fn event_name(ctx: &EventCtx<'_>) -> Option<String> {
    let info = ctx.ev.info()?;
    let name = match ctx.ev.code() {
        c if c == event::code::GENERIC_E || c == event::code::GENERIC_X => {
            let id = ctx.ev.value(0)?.as_u64()? as u16;
            event::syscall_name(id)?
        }
        _ => info.name,
    };
    let action = action(name);
    let mode = match action {
        "Open" => open_mode(ctx),
        _ => None,
    };
    let mut out = format!("{}_{action}", domain(ctx));
    if let Some(m) = mode {
        out.push('_');
        out.push_str(m);
    }
    Some(out)
}

/// The action a system call performs, in words shared across domains.
fn action(name: &str) -> &'static str {
    match name {
        "open" | "openat" | "openat2" | "creat" | "open_by_handle_at" => "Open",
        "execve" | "execveat" => "Exec",
        "clone" | "clone3" | "fork" | "vfork" => "Fork",
        "procexit" => "Exit",
        "connect" => "Connect",
        "accept" | "accept4" => "Accept",
        "socket" => "Socket",
        "bind" => "Bind",
        "listen" => "Listen",
        "sendto" | "sendmsg" | "sendmmsg" | "send" => "Send",
        "recvfrom" | "recvmsg" | "recvmmsg" | "recv" => "Receive",
        "read" | "pread" | "readv" | "preadv" => "Read",
        "write" | "pwrite" | "writev" | "pwritev" => "Write",
        "close" | "close_range" => "Close",
        "unlink" | "unlinkat" => "Delete",
        "rename" | "renameat" | "renameat2" => "Rename",
        "mkdir" | "mkdirat" => "Mkdir",
        "rmdir" => "Rmdir",
        "chmod" | "fchmod" | "fchmodat" => "Chmod",
        "chown" | "fchown" | "lchown" | "fchownat" => "Chown",
        "symlink" | "symlinkat" => "Symlink",
        "link" | "linkat" => "Link",
        "setuid" | "setresuid" | "setreuid" => "SetUid",
        "setgid" | "setresgid" | "setregid" => "SetGid",
        "ptrace" => "Ptrace",
        "init_module" | "finit_module" => "LoadModule",
        "mount" => "Mount",
        "umount" | "umount2" => "Unmount",
        "chdir" | "fchdir" => "ChangeDirectory",
        "setns" | "unshare" => "Namespace",
        "bpf" => "Bpf",
        "memfd_create" => "MemfdCreate",
        _ => "Syscall",
    }
}

/// `Read`, `Write` or `ReadWrite` from an open's flags.
fn open_mode(ctx: &EventCtx<'_>) -> Option<&'static str> {
    let flags = ctx.ev.value_by_name("flags")?.as_u64()?;
    Some(match (flags & O_RDONLY != 0, flags & O_WRONLY != 0) {
        (true, true) => "ReadWrite",
        (_, true) => "Write",
        _ => "Read",
    })
}

/// The errno name of a failed call; no value on success.
fn error_code<'a>(ctx: &EventCtx<'a>) -> Value<'a> {
    if Direction::of(ctx.ev.code()) == Direction::Enter {
        return Value::Na;
    }
    let res = ctx
        .ev
        .value_by_name("res")
        .or_else(|| ctx.ev.value_by_name("fd"))
        .and_then(|v| v.as_i64());
    match res {
        Some(r) if r < 0 => match r.checked_neg().and_then(event::errno_name) {
            Some(name) => Value::from(name),
            None => Value::from(r.to_string()),
        },
        _ => Value::Na,
    }
}

/// The user's name, or the uid when it has none.
fn user<'a>(ctx: &EventCtx<'a>) -> Value<'a> {
    let Some(t) = ctx.state.threads.get(ctx.tid()) else {
        return Value::Na;
    };
    match ctx.state.users.user(t.uid) {
        Some(u) => Value::from(u.name.as_str()),
        None if t.uid == u32::MAX => Value::Na,
        None => Value::from(t.uid.to_string()),
    }
}

/// The client end of the event's connection.
fn source_ip<'a>(ctx: &EventCtx<'a>) -> Value<'a> {
    match ctx
        .state
        .event_fd(ctx.tid(), ctx.es.fd)
        .and_then(|f| f.sock.as_ref())
    {
        Some(SockInfo::V4 { sip, .. }) => Value::from(std::net::Ipv4Addr::from(*sip).to_string()),
        Some(SockInfo::V6 { sip, .. }) => Value::from(std::net::Ipv6Addr::from(*sip).to_string()),
        _ => Value::Na,
    }
}

/// What was acted on: the fd's name, or the program an exec ran.
fn resource<'a>(ctx: &EventCtx<'a>) -> Value<'a> {
    if let Some(fd) = ctx.state.event_fd(ctx.tid(), ctx.es.fd) {
        if !fd.name.is_empty() {
            return Value::from(fd.name.as_str());
        }
    }
    let is_exec = matches!(ctx.ev.info().map(|i| i.name), Some("execve" | "execveat"));
    match ctx.state.threads.get(ctx.tid()) {
        Some(t) if is_exec && !t.exepath.is_empty() => Value::from(t.exepath.as_str()),
        Some(t) if is_exec => Value::from(t.exe.as_str()),
        _ => Value::Na,
    }
}
