//! Rendering parameters as text, the way sysdig's `evt.args` does.
//!
//! Each parameter renders to a value and an optional "resolved" form that
//! is printed in parentheses after it: `fd=3(<f>/etc/passwd)`,
//! `res=-2(ENOENT)`, `flags=4097(O_RDONLY|O_CLOEXEC)`. What can be
//! resolved depends on state (fd tables, thread names, users) that this
//! crate does not keep, so it asks a [`Resolver`]; [`NoState`] resolves
//! only what the event itself says.

use std::fmt::Write;

use super::code;
use super::names::{errno_name, signal_name};
use super::schema::{self, NameTable, ParamExtra, ParamInfo, ParamType, PrintFormat};
use super::value::{ParamValue, SockAddr, SockTuple};
use super::view::Event;

/// The value `AT_FDCWD` has in events.
pub const AT_FDCWD: i64 = -100;

/// What state knows about an open fd.
#[derive(Debug, Clone, Copy)]
pub struct FdDescription<'a> {
    /// The fd type character (`f`, `4`, `6`, `u`, `p`, ...).
    pub typechar: char,
    /// For IP sockets, the protocol character (`t`, `u`, `i`, `r`).
    pub proto: Option<char>,
    /// The fd's name (path, tuple, ...).
    pub name: &'a str,
}

/// The state a renderer may consult.
pub trait Resolver {
    /// Whether the thread of `ev` is known. Without it sysdig resolves no
    /// fd and no relative path.
    fn has_thread(&self, ev: &Event<'_>) -> bool {
        let _ = ev;
        false
    }

    /// The open fd `fd` of the thread of `ev`.
    fn fd(&self, ev: &Event<'_>, fd: i64) -> Option<FdDescription<'_>> {
        let _ = (ev, fd);
        None
    }

    /// The command name of thread `tid`.
    fn comm(&self, tid: i64) -> Option<&str> {
        let _ = tid;
        None
    }

    /// The name of user `uid`.
    fn user_name(&self, uid: u32) -> Option<&str> {
        let _ = uid;
        None
    }

    /// The name of group `gid`.
    fn group_name(&self, gid: u32) -> Option<&str> {
        let _ = gid;
        None
    }

    /// The directory a relative path in parameter `param` of `ev` is
    /// relative to (the cwd, or the path of its dirfd), ending in `/`.
    fn base_dir(&self, ev: &Event<'_>, param: usize) -> Option<String> {
        let _ = (ev, param);
        None
    }
}

/// A resolver that knows nothing beyond the event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoState;

impl Resolver for NoState {}

/// How buffers are shown.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Buffers longer than this are cut and end in `...`; 0 keeps all.
    pub max_buffer_len: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { max_buffer_len: 80 }
    }
}

/// Writes the `evt.args` text of `ev` into `out`.
///
/// Each parameter is written as `name=value ` or `name=value(resolved) `,
/// so the text ends in a space unless the event has no parameters.
/// Generic events render no arguments, as in sysdig.
pub fn write_args(out: &mut String, ev: &Event<'_>, r: &dyn Resolver, opts: &RenderOptions) {
    let Some(info) = ev.info() else {
        return;
    };
    if ev.code() == code::GENERIC_E || ev.code() == code::GENERIC_X {
        return;
    }
    let mut resolved = String::new();
    for (i, p) in info.params.iter().enumerate().take(ev.nparams() as usize) {
        out.push_str(p.name);
        out.push('=');
        resolved.clear();
        write_param(out, &mut resolved, ev, i, r, opts);
        if !resolved.is_empty() {
            out.push('(');
            out.push_str(&resolved);
            out.push(')');
        }
        out.push(' ');
    }
}

/// Writes parameter `i` of `ev`: its value into `out`, its resolved form
/// (possibly nothing) into `resolved`.
pub fn write_param(
    out: &mut String,
    resolved: &mut String,
    ev: &Event<'_>,
    i: usize,
    r: &dyn Resolver,
    opts: &RenderOptions,
) {
    let (Some(info), Some(bytes)) = (ev.info().and_then(|e| e.params.get(i)), ev.param(i)) else {
        return;
    };

    // A dynamic parameter picks its real type from a leading index byte,
    // but keeps the print format of the declared parameter.
    let mut kind_info = info;
    let mut payload = bytes;
    if let (ParamType::Dyn, ParamExtra::Dynamic(variants)) = (info.kind, info.extra) {
        match bytes.split_first() {
            Some((&idx, rest)) if (idx as usize) < variants.len() => {
                kind_info = &variants[idx as usize];
                payload = rest;
            }
            _ => {
                out.push_str("INVALID DYNAMIC PARAMETER");
                return;
            }
        }
    }
    let value = ParamValue::decode(kind_info.kind, payload);
    write_value(out, resolved, ev, i, info, kind_info.kind, &value, r, opts);
}

#[allow(clippy::too_many_arguments)]
fn write_value(
    out: &mut String,
    resolved: &mut String,
    ev: &Event<'_>,
    i: usize,
    info: &ParamInfo,
    kind: ParamType,
    value: &ParamValue<'_>,
    r: &dyn Resolver,
    opts: &RenderOptions,
) {
    use ParamType as T;
    match (kind, *value) {
        (T::SockAddr | T::SockTuple, ParamValue::Empty) => out.push_str("NULL"),
        (_, ParamValue::Empty) => {}
        (T::Fd | T::Fd32, ParamValue::Signed(fd)) => write_fd(out, resolved, ev, fd, r),
        (T::Pid | T::Pid32, ParamValue::Signed(pid)) => {
            let _ = write!(out, "{pid}");
            if let Some(comm) = r.comm(pid) {
                resolved.push_str(comm);
            }
        }
        (T::Errno, ParamValue::Signed(v)) => {
            // A successful result printed in hex is an address (mmap).
            let _ = match info.format {
                PrintFormat::Hex if v >= 0 => write!(out, "{v:X}"),
                _ => write!(out, "{v}"),
            };
            if let Some(name) = v.checked_neg().and_then(errno_name).filter(|_| v < 0) {
                resolved.push_str(name);
            }
        }
        (T::Uid | T::Gid, ParamValue::Unsigned(v)) => write_id(out, resolved, kind, v as u32, r),
        (T::SyscallId, ParamValue::Unsigned(v)) => {
            let _ = write!(out, "{v}");
            match schema::syscall_name(v as u16) {
                Some(name) => resolved.push_str(name),
                None => {
                    out.clear();
                    out.push_str("<unknown syscall>");
                }
            }
        }
        (T::SigType, ParamValue::Unsigned(v)) => {
            let _ = write!(out, "{v}");
            if let Some(name) = signal_name(v) {
                resolved.push_str(name);
            }
        }
        (T::RelTime, ParamValue::Unsigned(v)) => {
            if v == u64::MAX {
                out.push_str("none");
            } else {
                let _ = write!(out, "{v}");
                write_g(resolved, v as f64 / 1e9);
                resolved.push('s');
            }
        }
        (T::Flags8 | T::Flags16 | T::Flags32, ParamValue::Unsigned(v)) => {
            let _ = write!(out, "{v}");
            write_flag_names(resolved, info.names(), v as u32);
        }
        (T::EnumFlags8 | T::EnumFlags16 | T::EnumFlags32, ParamValue::Unsigned(v)) => {
            let _ = write!(out, "{v}");
            let name = info
                .names()
                .and_then(|t| t.entries.iter().find(|e| e.1 as u64 == v));
            if let Some((name, _)) = name {
                resolved.push_str(name);
            }
        }
        (T::Mode, ParamValue::Unsigned(v)) => {
            write_number(out, info.format, 4, v as i64, false);
            write_flag_names(resolved, info.names(), v as u32);
        }
        (T::CharBuf, ParamValue::Str(s)) => out.push_str(&String::from_utf8_lossy(s)),
        (T::FsPath | T::FsRelPath, ParamValue::Str(s)) => {
            write_path(out, resolved, ev, i, s, r);
        }
        (T::ByteBuf | T::CharBufArray | T::CharBufPairArray, ParamValue::Bytes(b)) => {
            write_buffer(out, b, opts.max_buffer_len);
        }
        (T::SockAddr, ParamValue::SockAddr(a)) => write_sockaddr(out, &a),
        (T::SockTuple, ParamValue::SockTuple(t)) => write_socktuple(out, &t),
        (T::FdList, ParamValue::FdList(l)) => {
            if r.has_thread(ev) {
                for (n, (fd, flags)) in l.iter().enumerate() {
                    let tc = r.fd(ev, fd).map_or('?', |d| d.typechar);
                    let sep = if n > 0 { " " } else { "" };
                    let _ = write!(out, "{sep}{fd}:{tc}{:x}", flags as i16 as i32 as u32);
                }
            }
        }
        (T::SigSet, ParamValue::Unsigned(v)) => {
            let names = (0..32).filter(|b| v & (1 << b) != 0);
            let names = names.filter_map(|b| signal_name(b + 1));
            for (n, name) in names.enumerate() {
                out.push_str(if n > 0 { " " } else { "" });
                out.push_str(name);
            }
        }
        (T::Bool, ParamValue::Bool(b)) => out.push_str(if b { "true" } else { "false" }),
        (T::Double, ParamValue::Double(d)) => {
            let _ = write!(out, "{d:.6}");
        }
        (_, ParamValue::Ipv4(a)) => {
            let _ = write!(out, "{}", std::net::Ipv4Addr::from(a));
        }
        (_, ParamValue::Ipv6(a)) => {
            let _ = write!(out, "{}", std::net::Ipv6Addr::from(a));
        }
        (_, ParamValue::Signed(v)) => {
            let width = kind.fixed_size().unwrap_or(8);
            write_number(out, info.format, width, v, true);
        }
        (_, ParamValue::Unsigned(v)) => {
            let width = kind.fixed_size().unwrap_or(8);
            write_number(out, info.format, width, v as i64, false);
        }
        (_, ParamValue::Malformed(b) | ParamValue::Bytes(b) | ParamValue::Str(b)) => {
            write_buffer(out, b, opts.max_buffer_len);
        }
        _ => out.push_str("(n.a.)"),
    }
}

/// Numbers print as C's `printf` did in sysdig: decimal through a signed
/// conversion of the parameter's width, hex in upper case of the raw bits,
/// octal with a leading zero.
fn write_number(out: &mut String, fmt: PrintFormat, width: usize, v: i64, signed: bool) {
    let bits = if width >= 8 {
        v as u64
    } else {
        (v as u64) & ((1u64 << (width * 8)) - 1)
    };
    // `%d` of a narrow type sees it promoted to int: 8 and 16-bit unsigned
    // stay positive, 32-bit unsigned wraps as sysdig's did.
    let dec = match (width, signed) {
        (4, false) => bits as u32 as i32 as i64,
        (8, _) => bits as i64,
        (_, true) => v,
        _ => bits as i64,
    };
    let _ = match fmt {
        PrintFormat::Oct if bits == 0 => write!(out, "0"),
        PrintFormat::Oct => write!(out, "0{bits:o}"),
        PrintFormat::Hex => write!(out, "{:X}", hex_bits(width, signed, v, bits)),
        PrintFormat::PaddedDec => write!(out, "{dec:09}"),
        _ => write!(out, "{dec}"),
    };
}

/// `%X` of a narrow signed value prints the bits of its promotion to int.
fn hex_bits(width: usize, signed: bool, v: i64, bits: u64) -> u64 {
    if signed && width < 8 {
        v as i32 as u32 as u64
    } else {
        bits
    }
}

fn write_fd(out: &mut String, resolved: &mut String, ev: &Event<'_>, fd: i64, r: &dyn Resolver) {
    let _ = write!(out, "{fd}");
    if !r.has_thread(ev) {
        return;
    }
    if fd >= 0 {
        if let Some(d) = r.fd(ev, fd) {
            resolved.push('<');
            resolved.push(d.typechar);
            if let Some(p) = d.proto {
                resolved.push(p);
            }
            resolved.push('>');
            push_sanitized(resolved, d.name.as_bytes());
        }
    } else if fd == AT_FDCWD {
        resolved.push_str("AT_FDCWD");
    } else if let Some(name) = fd.checked_neg().and_then(errno_name) {
        resolved.push_str(name);
    }
}

fn write_id(out: &mut String, resolved: &mut String, kind: ParamType, id: u32, r: &dyn Resolver) {
    if id == u32::MAX {
        out.push_str("-1");
        resolved.push_str("<NONE>");
        return;
    }
    let _ = write!(out, "{}", id as i32);
    let name = match kind {
        ParamType::Uid => r.user_name(id),
        _ => r.group_name(id),
    };
    resolved.push_str(name.unwrap_or("<NA>"));
}

/// Flag names the way sysdig picks them: walk the table in order, take
/// every flag whose bits are all still set (a zero flag only for a zero
/// value), clear them, and stop at an entry equal to the whole value,
/// which is taken too.
fn write_flag_names(resolved: &mut String, table: Option<&NameTable>, value: u32) {
    let Some(table) = table else {
        return;
    };
    let mut left = value;
    let mut sep = "";
    for &(name, flag) in table.entries {
        let take_all = flag == value;
        let take = (flag == 0 && value == 0) || (flag != 0 && left & flag == flag && left != 0);
        if take_all || take {
            resolved.push_str(sep);
            resolved.push_str(name);
            sep = "|";
            left &= !flag;
        }
        if take_all {
            break;
        }
    }
}

fn write_path(
    out: &mut String,
    resolved: &mut String,
    ev: &Event<'_>,
    i: usize,
    path: &[u8],
    r: &dyn Resolver,
) {
    push_sanitized(out, path);
    if path.is_empty() || path.starts_with(b"<NA>") || path.starts_with(b"/") {
        return;
    }
    if !r.has_thread(ev) {
        return;
    }
    if let Some(base) = r.base_dir(ev, i) {
        resolved.push_str(&normalize_path(&base, &String::from_utf8_lossy(path)));
    }
}

/// Joins a relative path onto a base directory, removing `.`, `..` and
/// repeated separators as sysdig does.
pub fn normalize_path(base: &str, rel: &str) -> String {
    // Most paths are already clean absolute paths: keep them as they are.
    if rel.starts_with('/') && is_clean(rel) {
        return rel.to_string();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in base.split('/').chain(rel.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    // Without a base (an unknown cwd), a relative path stays relative, as
    // sysdig leaves it.
    if base.is_empty() && !rel.starts_with('/') {
        return parts.join("/");
    }
    let mut out = String::with_capacity(base.len() + rel.len() + 1);
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Whether an absolute path has no empty, `.` or `..` component and no
/// trailing separator (beyond the root itself).
fn is_clean(path: &str) -> bool {
    path == "/"
        || (!path.ends_with('/')
            && path[1..]
                .split('/')
                .all(|c| !c.is_empty() && c != "." && c != ".."))
}

/// Copies printable ASCII bytes, dropping the rest (sysdig's sanitizing).
fn push_sanitized(out: &mut String, bytes: &[u8]) {
    out.extend(
        bytes
            .iter()
            .filter(|b| b.is_ascii_graphic() || **b == b' ')
            .map(|&b| b as char),
    );
}

/// Buffers print byte for byte, with `.` for unprintable bytes, and end in
/// `...` when longer than `max`.
fn write_buffer(out: &mut String, bytes: &[u8], max: usize) {
    let cut = max != 0 && bytes.len() > max;
    let shown = if cut { &bytes[..max] } else { bytes };
    out.extend(shown.iter().map(|&b| {
        if b.is_ascii_graphic() || b == b' ' {
            b as char
        } else {
            '.'
        }
    }));
    if cut && max > 3 {
        out.truncate(out.len() - 3);
        out.push_str("...");
    }
}

fn write_sockaddr(out: &mut String, addr: &SockAddr<'_>) {
    let _ = match *addr {
        SockAddr::Unix(path) => {
            push_sanitized(out, path);
            Ok(())
        }
        SockAddr::V4(ip, port) => write!(out, "{}:{port}", std::net::Ipv4Addr::from(ip)),
        SockAddr::V6(ip, port) => write!(out, "{}:{port}", std::net::Ipv6Addr::from(ip)),
        SockAddr::Other(f, _) => write!(out, "family {f}"),
    };
}

fn write_socktuple(out: &mut String, tuple: &SockTuple<'_>) {
    use std::net::{Ipv4Addr, Ipv6Addr};
    let _ = match *tuple {
        SockTuple::V4 {
            src,
            sport,
            dst,
            dport,
        } => write!(
            out,
            "{}:{sport}->{}:{dport}",
            Ipv4Addr::from(src),
            Ipv4Addr::from(dst)
        ),
        SockTuple::V6 {
            src,
            sport,
            dst,
            dport,
        } => {
            let (s, d) = (Ipv6Addr::from(src), Ipv6Addr::from(dst));
            match (s.to_ipv4_mapped(), d.to_ipv4_mapped()) {
                (Some(s4), Some(d4)) => write!(out, "{s4}:{sport}->{d4}:{dport}"),
                _ => write!(out, "{s}:{sport}->{d}:{dport}"),
            }
        }
        SockTuple::Unix { src, dst, path } => {
            let _ = write!(out, "{src:x}->{dst:x} ");
            push_sanitized(out, path);
            Ok(())
        }
        SockTuple::Other(f, _) => write!(out, "family {f}"),
    };
}

/// Formats like C's `%g`: six significant digits, trailing zeros dropped.
fn write_g(out: &mut String, v: f64) {
    if v == 0.0 {
        out.push('0');
        return;
    }
    let exp = v.abs().log10().floor() as i32;
    if !(-4..6).contains(&exp) {
        let s = format!("{:.5e}", v);
        let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
        let mant = trim_zeros(mant);
        let e: i32 = e.parse().unwrap_or(0);
        let sign = if e < 0 { '-' } else { '+' };
        let _ = write!(out, "{mant}e{sign}{:02}", e.abs());
    } else {
        let decimals = (5 - exp).max(0) as usize;
        out.push_str(trim_zeros(&format!("{v:.decimals$}")));
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventBuilder;

    fn args(bytes: &[u8]) -> String {
        let ev = Event::parse(bytes).unwrap();
        let mut s = String::new();
        write_args(&mut s, &ev, &NoState, &RenderOptions::default());
        s
    }

    #[test]
    fn open_exit_renders_flags() {
        let b = EventBuilder::new(code::SYSCALL_OPEN_X)
            .i64(3)
            .str("/etc/ld.so.cache")
            .u32(4097)
            .u32(0)
            .finish();
        assert_eq!(
            args(&b),
            "fd=3 name=/etc/ld.so.cache flags=4097(O_RDONLY|O_CLOEXEC) mode=0 "
        );
    }

    #[test]
    fn errno_and_tuple_render() {
        let tuple = SockTuple::V4 {
            src: [127, 0, 0, 1],
            sport: 47192,
            dst: [127, 0, 0, 1],
            dport: 80,
        };
        let b = EventBuilder::new(code::SOCKET_CONNECT_X)
            .i64(-115)
            .socktuple(&tuple)
            .finish();
        assert_eq!(
            args(&b),
            "res=-115(EINPROGRESS) tuple=127.0.0.1:47192->127.0.0.1:80 "
        );
    }

    #[test]
    fn long_buffers_are_cut() {
        let mut s = String::new();
        write_buffer(&mut s, &[b'a'; 100], 80);
        assert_eq!(s.len(), 80);
        assert!(s.ends_with("a..."));
    }

    #[test]
    fn g_format_matches_printf() {
        for (v, want) in [
            (0.5, "0.5"),
            (1.0, "1"),
            (0.000123, "0.000123"),
            (1234567.0, "1.23457e+06"),
        ] {
            let mut s = String::new();
            write_g(&mut s, v);
            assert_eq!(s, want);
        }
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(
            normalize_path("/home/u/", "../etc/./passwd"),
            "/home/etc/passwd"
        );
        assert_eq!(normalize_path("/", ".."), "/");
    }

    #[test]
    fn extreme_errors_do_not_overflow() {
        let b = EventBuilder::new(code::SYSCALL_CLOSE_X)
            .i64(i64::MIN)
            .i64(i64::MIN)
            .finish();
        assert_eq!(
            args(&b),
            "res=-9223372036854775808 fd=-9223372036854775808 "
        );
    }

    #[test]
    fn generic_events_render_nothing() {
        let b = EventBuilder::new(code::GENERIC_X).u16(139).u16(28).finish();
        assert_eq!(args(&b), "");
    }
}
