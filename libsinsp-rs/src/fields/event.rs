//! `evt.*` fields.

use chrono::{Local, TimeZone};
use peregrine_libscap::event::{
    self, category, code, flags, render, Direction, ParamType, ParamValue,
};

use super::table::Id;
use super::{Arg, EventCtx, Value};
use crate::resolve::StateResolver;

/// `PPM_O_RDONLY`, `PPM_O_WRONLY`, `PPM_O_CREAT`, `PPM_O_TMPFILE`.
const O_RDONLY: u32 = 1;
const O_WRONLY: u32 = 2;
const O_CREAT: u32 = 4;
const O_TMPFILE: u32 = 1 << 15;
/// Any execute bit of a mode.
const EXEC_BITS: u32 = 0o111;

pub(super) fn extract<'a>(id: Id, arg: &Arg, ctx: &EventCtx<'a>) -> Value<'a> {
    let ev = &ctx.ev;
    let info = ev.info();
    let eflags = crate::state::event_flags(ev);
    let _ = info;
    match id {
        Id::EvtNum => Value::Uint(ctx.num),
        Id::EvtTime => time(ev.ts(), "%H:%M:%S", true),
        Id::EvtTimeS => time(ev.ts(), "%H:%M:%S", false),
        Id::EvtDatetime => time(ev.ts(), "%Y-%m-%d %H:%M:%S", true),
        Id::EvtRawtime | Id::EvtOutputtime => Value::Uint(ev.ts()),
        Id::EvtCpu => Value::Int(ctx.cpu as i64),
        Id::EvtDir => Value::from(if Direction::of(ev.code()) == Direction::Enter {
            ">"
        } else {
            "<"
        }),
        Id::EvtType => Value::from(type_name(ctx)),
        Id::EvtCategory => Value::from(category_name(ctx)),
        Id::EvtArgs | Id::EvtInfo => Value::from(args(ctx)),
        Id::EvtArg => arg_value(ctx, arg, true),
        Id::EvtRawarg => arg_value(ctx, arg, false),
        Id::EvtRes => res_text(ctx),
        Id::EvtRawres => res(ctx).map_or(Value::Na, Value::Int),
        Id::EvtFailed => Value::Bool(res(ctx).is_some_and(|r| r < 0)),
        Id::EvtIsIo => Value::Bool(eflags & (flags::READS_FROM_FD | flags::WRITES_TO_FD) != 0),
        Id::EvtIsIoRead => Value::Bool(eflags & flags::READS_FROM_FD != 0),
        Id::EvtIsIoWrite => Value::Bool(eflags & flags::WRITES_TO_FD != 0),
        Id::EvtIsOpenRead => Value::Bool(open_flags(ctx).is_some_and(|(f, _)| f & O_RDONLY != 0)),
        Id::EvtIsOpenWrite => Value::Bool(open_flags(ctx).is_some_and(|(f, _)| f & O_WRONLY != 0)),
        Id::EvtIsOpenExec => Value::Bool(
            open_flags(ctx)
                .is_some_and(|(f, mode)| f & (O_TMPFILE | O_CREAT) != 0 && mode & EXEC_BITS != 0),
        ),
        Id::EvtIsWait => Value::Bool(eflags & flags::WAITS != 0),
        Id::EvtBuflen => buflen(ctx),
        Id::EvtLatency => latency(ctx),
        Id::EvtAbspath => abspath(ctx),
        Id::EvtSource => Value::from("syscall"),
        Id::EvtBuffer => match ctx.ev.value_by_name("data") {
            Some(ParamValue::Bytes(b)) => Value::Str(String::from_utf8_lossy(b)),
            _ => Value::Na,
        },
        Id::EvtTimeIso8601 => {
            let t = chrono::Utc.timestamp_nanos(ev.ts() as i64);
            Value::from(t.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string())
        }
        _ => Value::Na,
    }
}

fn time<'a>(ts: u64, fmt: &str, nanos: bool) -> Value<'a> {
    let t = Local.timestamp_nanos(ts as i64);
    let mut s = t.format(fmt).to_string();
    if nanos {
        s.push_str(&format!(".{:09}", ts % 1_000_000_000));
    }
    Value::from(s)
}

/// The name `evt.type` shows: the system call's for generic events.
pub fn type_name(ctx: &EventCtx<'_>) -> &'static str {
    let ev = &ctx.ev;
    if ev.code() == code::GENERIC_E || ev.code() == code::GENERIC_X {
        let id = ev.value(0).and_then(|v| v.as_u64());
        return id
            .and_then(|id| event::syscall_name(id as u16))
            .unwrap_or("<unknown>");
    }
    ev.info().map_or("<unknown>", |i| i.name)
}

/// The category; for I/O events it is that of the fd they use, and for
/// generic events that of their system call.
fn category_name(ctx: &EventCtx<'_>) -> &'static str {
    use crate::fd::FdKind as K;
    let ev = &ctx.ev;
    let mut cat = ev.info().map_or(0, |i| i.category);
    if ev.code() == code::GENERIC_E || ev.code() == code::GENERIC_X {
        let id = ev.value(0).and_then(|v| v.as_u64()).unwrap_or(0) as u16;
        cat = event::syscall_category(id).unwrap_or(cat);
    }
    let low = cat & category::SYSCALL_CATEGORY_MASK;
    if !(category::IO_BASE..=category::IO_BASE + 2).contains(&low) {
        return category::name(cat);
    }
    match ctx.state.event_fd(ctx.tid(), ctx.es.fd).map(|f| f.kind) {
        Some(K::FILE | K::FILE_V2 | K::DIRECTORY) => "file",
        Some(K::IPV4_SOCK | K::IPV6_SOCK | K::IPV4_SERVSOCK | K::IPV6_SERVSOCK) => "net",
        Some(K::FIFO | K::UNIX_SOCK | K::EVENT | K::SIGNALFD | K::INOTIFY) => "ipc",
        _ => "unknown",
    }
}

/// The `evt.args` text, with what state can resolve.
pub fn args(ctx: &EventCtx<'_>) -> String {
    let mut s = String::with_capacity(128);
    let r = StateResolver::new(ctx.state, &ctx.ev);
    let opts = render::RenderOptions {
        max_buffer_len: ctx.buffer_limit,
    };
    render::write_args(&mut s, &ctx.ev, &r, &opts);
    s
}

fn arg_value<'a>(ctx: &EventCtx<'a>, arg: &Arg, resolved: bool) -> Value<'a> {
    let Some(info) = ctx.ev.info() else {
        return Value::Na;
    };
    let idx = match arg {
        Arg::Index(i) => Some(*i),
        Arg::Name(n) => info.param_index(n),
        Arg::None => None,
    };
    let Some(i) = idx.filter(|i| *i < ctx.ev.nparams() as usize) else {
        return Value::Na;
    };
    if !resolved {
        return raw_param(ctx, i);
    }
    let (mut out, mut res) = (String::new(), String::new());
    let r = StateResolver::new(ctx.state, &ctx.ev);
    render::write_param(&mut out, &mut res, &ctx.ev, i, &r, &Default::default());
    Value::from(if res.is_empty() { out } else { res })
}

fn raw_param<'a>(ctx: &EventCtx<'a>, i: usize) -> Value<'a> {
    match ctx.ev.value(i) {
        Some(ParamValue::Signed(v)) => Value::Int(v),
        Some(ParamValue::Unsigned(v)) => Value::Uint(v),
        Some(ParamValue::Str(s)) => Value::Str(String::from_utf8_lossy(s)),
        Some(ParamValue::Bool(b)) => Value::Bool(b),
        Some(ParamValue::Empty) | None => Value::Na,
        Some(_) => {
            let (mut out, mut res) = (String::new(), String::new());
            render::write_param(
                &mut out,
                &mut res,
                &ctx.ev,
                i,
                &render::NoState,
                &Default::default(),
            );
            Value::from(out)
        }
    }
}

/// The result of an exit event: its `res` parameter, or for calls that
/// create an fd, the `fd` they return.
fn res(ctx: &EventCtx<'_>) -> Option<i64> {
    let ev = &ctx.ev;
    let info = ev.info()?;
    if let Some(v) = ev.value_by_name("res") {
        return v.as_i64();
    }
    let creates = info.flags & flags::CREATES_FD != 0;
    if creates && Direction::of(ev.code()) == Direction::Exit {
        return ev.value_by_name("fd")?.as_i64();
    }
    None
}

fn res_text<'a>(ctx: &EventCtx<'a>) -> Value<'a> {
    match res(ctx) {
        None => Value::Na,
        Some(r) if r >= 0 => Value::from("SUCCESS"),
        Some(r) => match r.checked_neg().and_then(event::errno_name) {
            Some(name) => Value::from(name),
            None => Value::from(r.to_string()),
        },
    }
}

/// Flags and mode of an open, from the parameters sysdig reads them from.
fn open_flags(ctx: &EventCtx<'_>) -> Option<(u32, u32)> {
    let ev = &ctx.ev;
    let c = ev.code();
    let new = c == code::SYSCALL_OPENAT_2_X || c == code::SYSCALL_OPENAT2_X;
    let is_open = c == code::SYSCALL_OPEN_X || c == code::SYSCALL_OPENAT_E || new;
    if is_open {
        let (fi, mi) = if new { (3, 4) } else { (2, 3) };
        let f = ev.value(fi)?.as_u64()? as u32;
        let mode = ev.value(mi).and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        return Some((f, mode));
    }
    if c == code::SYSCALL_CREAT_X {
        let mode = ev.value(2).and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        return Some((O_CREAT, mode));
    }
    None
}

fn buflen<'a>(ctx: &EventCtx<'a>) -> Value<'a> {
    let cat = ctx.ev.info().map_or(0, |i| i.category);
    let has_fd = ctx.state.event_fd(ctx.tid(), ctx.es.fd).is_some();
    if !has_fd
        || cat & category::IO_BASE == 0
        || cat & category::SYSCALL_CATEGORY_MASK < category::IO_BASE
    {
        return Value::Na;
    }
    if Direction::of(ctx.ev.code()) == Direction::Enter {
        return Value::Na;
    }
    match res(ctx) {
        Some(r) if r >= 0 => Value::Uint(r as u64),
        _ => Value::Na,
    }
}

fn latency<'a>(ctx: &EventCtx<'a>) -> Value<'a> {
    let internal = ctx
        .ev
        .info()
        .is_some_and(|i| i.category & category::INTERNAL != 0);
    if internal || !ctx.es.has_thread {
        return Value::Na;
    }
    Value::Uint(ctx.es.latency)
}

fn abspath<'a>(ctx: &EventCtx<'a>) -> Value<'a> {
    let ev = &ctx.ev;
    let Some(info) = ev.info() else {
        return Value::Na;
    };
    let named = [
        "unlink", "unlinkat", "mkdir", "mkdirat", "rmdir", "chmod", "fchmodat",
    ];
    if Direction::of(ev.code()) != Direction::Exit || !named.contains(&info.name) {
        return Value::Na;
    }
    let Some(i) = info
        .params
        .iter()
        .position(|p| matches!(p.kind, ParamType::FsPath | ParamType::FsRelPath))
    else {
        return Value::Na;
    };
    let Some(ParamValue::Str(path)) = ev.value(i) else {
        return Value::Na;
    };
    let path = String::from_utf8_lossy(path);
    let dirfd = ev.value_by_name("dirfd").and_then(|v| v.as_i64());
    Value::from(ctx.state.absolute_path(ctx.tid(), dirfd, &path))
}
