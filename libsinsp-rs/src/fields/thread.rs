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
