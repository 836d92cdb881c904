//! `proc.*`, `thread.*`, `user.*`, `group.*` and `container.*` fields.

use super::table::Id;
use super::{Arg, EventCtx, Value};
use crate::thread::ThreadInfo;

pub(super) fn extract<'a>(id: Id, arg: &Arg, ctx: &EventCtx<'a>) -> Value<'a> {
    let tid = ctx.tid();
    if id == Id::ThreadTid {
        return Value::Int(tid);
    }
    let threads = &ctx.state.threads;
    let Some(t) = threads.get(tid) else {
        return Value::Na;
    };
    let str = |s: &'a str| Value::from(s);
    match id {
        Id::ProcPid => Value::Int(t.pid),
        Id::ProcPpid => threads
            .main_thread(tid)
            .map_or(Value::Na, |m| Value::Int(m.ptid)),
        Id::ProcName => str(&t.comm),
        Id::ProcExe => str(&t.exe),
        Id::ProcExepath => str(&t.exepath),
        Id::ProcArgs => Value::from(t.args.join(" ")),
        Id::ProcCmdline => Value::from(t.cmdline()),
        Id::ProcExeline => Value::from(format!("{} {}", t.exe, t.args.join(" "))),
        Id::ProcEnv => Value::from(t.env.join(" ")),
        Id::ProcCwd => Value::from(ctx.state.cwd(tid)),
        Id::ProcPname => parent(ctx, t).map_or(Value::Na, |p| str(&p.comm)),
        Id::ProcPcmdline => parent(ctx, t).map_or(Value::Na, |p| Value::from(p.cmdline())),
        Id::ProcPexe => parent(ctx, t).map_or(Value::Na, |p| str(&p.exe)),
        Id::ProcPexepath => parent(ctx, t).map_or(Value::Na, |p| str(&p.exepath)),
        Id::ProcAname => ancestor(ctx, arg).map_or(Value::Na, |a| str(&a.comm)),
        Id::ProcApid => ancestor(ctx, arg).map_or(Value::Na, |a| Value::Int(a.pid)),
        Id::ProcSid => Value::Int(t.sid),
        Id::ProcSname => session_name(ctx, t),
        Id::ProcVpgid => Value::Int(t.vpgid),
        Id::ProcTty => Value::Uint(t.tty as u64),
        Id::ProcLoginshellid => login_shell(ctx),
        Id::ProcNthreads => Value::Uint(threads.group_size(t.pid).max(1) as u64),
        Id::ProcFdlimit => Value::Int(threads.main_thread(tid).map_or(t.fdlimit, |m| m.fdlimit)),
        Id::ProcVpid => optional(t.vpid),
        Id::ProcIsExeWritable => Value::Bool(t.exe_writable),
        Id::ProcIsExeUpperLayer => Value::Bool(t.exe_upper_layer),
        Id::ProcIsExeLowerLayer => Value::Bool(t.exe_lower_layer),
        Id::ProcIsExeFromMemfd => Value::Bool(t.exe_from_memfd),
        Id::ProcIsVpgidLeader => match (t.vpid, t.vpgid) {
            (p, g) if p >= 0 && g >= 0 => Value::Bool(p == g),
            _ => Value::Na,
        },
        Id::ProcPgid => Value::Int(t.pgid),
        Id::ProcAexe => ancestor(ctx, arg).map_or(Value::Na, |a| str(&a.exe)),
        Id::ProcAexepath => ancestor(ctx, arg).map_or(Value::Na, |a| str(&a.exepath)),
        Id::ProcDuration => {
            started(ctx).map_or(Value::Na, |s| Value::Uint(ctx.ev.ts().saturating_sub(s)))
        }
        Id::ProcExeIno => known(t.exe_ino),
        Id::ProcExeInoCtime => known(t.exe_ino_ctime),
        Id::ProcExeInoMtime => known(t.exe_ino_mtime),
        Id::ProcExeInoCtimeDurationProcStart => match (started(ctx), t.exe_ino_ctime) {
            (Some(s), c) if c != 0 && s >= c => Value::Uint(s - c),
            _ => Value::Na,
        },
        Id::ThreadCapInheritable => Value::from(cap_names(t.caps[0])),
        Id::ThreadCapPermitted => Value::from(cap_names(t.caps[1])),
        Id::ThreadCapEffective => Value::from(cap_names(t.caps[2])),
        Id::ContainerStartTs => container(t)
            .and_then(|id| ctx.state.containers.get(id))
            .and_then(|c| c.created_ns)
            .map_or(Value::Na, Value::Uint),
        Id::K8sNsName => label(ctx, t, "io.kubernetes.pod.namespace"),
        Id::K8sPodName => label(ctx, t, "io.kubernetes.pod.name"),
        Id::ThreadVtid => optional(t.vtid),
        Id::ThreadIsmain => Value::Bool(t.is_main()),
        Id::UserUid => Value::Uint(t.uid as u64),
        Id::UserName => user(ctx, t.uid).map_or(Value::Na, |u| str(&u.name)),
        Id::UserHomedir => user(ctx, t.uid).map_or(Value::Na, |u| str(&u.homedir)),
        Id::UserShell => user(ctx, t.uid).map_or(Value::Na, |u| str(&u.shell)),
        Id::UserLoginuid => Value::Int(t.loginuid as i32 as i64),
        Id::UserLoginname => user(ctx, t.loginuid).map_or(Value::Na, |u| str(&u.name)),
        Id::GroupGid => Value::Uint(t.gid as u64),
        Id::GroupName => ctx
            .state
            .users
            .group(t.gid)
            .map_or(Value::Na, |g| str(&g.name)),
        Id::ContainerId => container(t).map_or(Value::from("host"), str),
        Id::ContainerName => container_field(ctx, t, "host", |c| c.name.as_str()),
        Id::ContainerType => container_field(ctx, t, "host", |c| c.kind.as_str()),
        Id::ContainerImage => container_field(ctx, t, "", |c| c.image.as_str()),
        Id::ContainerImageRepository => container_field(ctx, t, "", |c| c.repository.as_str()),
        Id::ContainerImageTag => container_field(ctx, t, "", |c| c.tag.as_str()),
        Id::ContainerPrivileged => match container(t).and_then(|id| ctx.state.containers.get(id)) {
            Some(c) => c.privileged.map_or(Value::Na, Value::Bool),
            None => Value::Na,
        },
        _ => Value::Na,
    }
}

/// A number that is 0 when unknown.
fn known<'a>(v: u64) -> Value<'a> {
    if v == 0 {
        Value::Na
    } else {
        Value::Uint(v)
    }
}

/// When the event's process started, when known.
fn started(ctx: &EventCtx<'_>) -> Option<u64> {
    let main = ctx.state.threads.main_thread(ctx.tid())?;
    (main.clone_ts != 0).then_some(main.clone_ts)
}

/// A container label.
fn label<'a>(ctx: &EventCtx<'a>, t: &ThreadInfo, key: &str) -> Value<'a> {
    container(t)
        .and_then(|id| ctx.state.containers.get(id))
        .and_then(|c| c.labels.get(key))
        .map_or(Value::Na, |v| Value::from(v.as_str()))
}

/// Names of Linux capabilities by bit.
const CAPS: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// A capability set as its names separated by spaces.
fn cap_names(set: u64) -> String {
    let names = CAPS
        .iter()
        .enumerate()
        .filter(|(bit, _)| set & (1 << bit) != 0)
        .map(|(_, n)| *n);
    names.collect::<Vec<_>>().join(" ")
}

/// Namespace ids are unknown (-1) in old captures, where sysdig shows none.
fn optional<'a>(v: i64) -> Value<'a> {
    if v < 0 {
        Value::Na
    } else {
        Value::Int(v)
    }
}

fn container(t: &ThreadInfo) -> Option<&str> {
    (!t.container_id.is_empty()).then_some(t.container_id.as_str())
}

/// A container metadata field: `host_value` on the host (or `<NA>` when
/// empty), the container's value when known and not empty, else `<NA>`.
fn container_field<'a>(
    ctx: &EventCtx<'a>,
    t: &ThreadInfo,
    host_value: &'static str,
    get: impl Fn(&'a crate::containers::ContainerInfo) -> &'a str,
) -> Value<'a> {
    let Some(id) = container(t) else {
        return if host_value.is_empty() {
            Value::Na
        } else {
            Value::from(host_value)
        };
    };
    match ctx.state.containers.get(id).map(get) {
        Some(v) if !v.is_empty() => Value::from(v),
        _ => Value::Na,
    }
}

fn user<'a>(ctx: &EventCtx<'a>, uid: u32) -> Option<&'a crate::accounts::User> {
    ctx.state.users.user(uid)
}

fn parent<'a>(ctx: &EventCtx<'a>, t: &ThreadInfo) -> Option<&'a ThreadInfo> {
    let _ = t;
    ctx.state.threads.parent(ctx.tid())
}

fn ancestor<'a>(ctx: &EventCtx<'a>, arg: &Arg) -> Option<&'a ThreadInfo> {
    let n = match arg {
        Arg::Index(n) => *n,
        _ => 1,
    };
    ctx.state.threads.ancestor(ctx.tid(), n)
}

/// The session leader's name: the thread whose tid is the session id, or
/// else the oldest ancestor still in the session.
fn session_name<'a>(ctx: &EventCtx<'a>, t: &ThreadInfo) -> Value<'a> {
    let threads = &ctx.state.threads;
    if let Some(s) = threads.get(t.sid) {
        return Value::from(s.comm.as_str());
    }
    let Some(mut leader) = threads.main_thread(t.tid) else {
        return Value::Na;
    };
    let mut guard = 0;
    while let Some(p) = threads.parent(leader.tid) {
        if p.sid != t.sid || p.tid == leader.tid || guard > 4096 {
            break;
        }
        leader = p;
        guard += 1;
    }
    Value::from(leader.comm.as_str())
}

/// The pid of the oldest ancestor (or self) whose name ends in "sh".
fn login_shell<'a>(ctx: &EventCtx<'a>) -> Value<'a> {
    let threads = &ctx.state.threads;
    let Some(mut cur) = threads.main_thread(ctx.tid()) else {
        return Value::Na;
    };
    let mut found = None;
    for _ in 0..4096 {
        if cur.comm.ends_with("sh") {
            found = Some(cur.pid);
        }
        match threads.parent(cur.tid) {
            Some(p) if p.tid != cur.tid => cur = p,
            _ => break,
        }
    }
    found.map_or(Value::Na, Value::Int)
}
