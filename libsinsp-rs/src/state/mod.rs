//! The state engine: events in, threads, fds and users updated.
//!
//! Both event models are handled: old captures carry an enter and an exit
//! event per system call, and the exit may lack parameters that only the
//! enter had; today's drivers send exits with everything. Parameters are
//! looked up by name, so every version of an event is parsed by the same
//! code and a missing trailing parameter is simply absent.

use peregrine_libscap::capture::Metadata;
use peregrine_libscap::event::{
    self, code, family, flags, Direction, Event, ParamValue, SockAddr, SockTuple,
};

use crate::accounts::{Accounts, Group, User};
use crate::fd::{role, tuple_name_v4, tuple_name_v6, FdInfo, FdKind, L4Proto, SockInfo};
use crate::thread::{split_cgroups, ThreadInfo, ThreadTable, CL_CLONE_THREAD};

mod fds;
mod procs;

/// `PPM_O_DIRECTORY`.
const O_DIRECTORY: u32 = 1 << 10;
/// `PPM_O_CLOEXEC`.
const O_CLOEXEC: u32 = 1 << 12;
/// `PPM_EXE_*` flags of execve.
const EXE_WRITABLE: u32 = 1;
const EXE_UPPER_LAYER: u32 = 2;
const EXE_FROM_MEMFD: u32 = 4;
const EXE_LOWER_LAYER: u32 = 8;

/// What parsing learned about one event, for the fields that need it.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventState {
    /// The fd the event operates on, -1 for none.
    pub fd: i64,
    /// Nanoseconds since the matching enter event, 0 without one.
    pub latency: u64,
    /// Whether the thread was known (or created) for this event.
    pub has_thread: bool,
    /// Whether the event changed its fd's name (a connect, an accept).
    pub fd_name_changed: bool,
}

/// Threads, fds and users, kept current by [`State::process`].
#[derive(Debug, Default)]
pub struct State {
    /// Threads by tid.
    pub threads: ThreadTable,
    /// Users and groups.
    pub users: Accounts,
    /// Containers met in container events.
    pub containers: crate::containers::ContainerTable,
    /// Container ids of cgroup lists already matched.
    cgroup_ids: crate::containers::CgroupCache,
    /// IPv4 addresses of this machine's interfaces.
    pub local_v4: Vec<[u8; 4]>,
    /// The fd the latest event closed, which its fields still describe.
    closed: Option<(i64, i64, FdInfo)>,
    /// Event time of the latest idle-thread purge.
    last_purge: u64,
    /// Enter events kept until their exit, by tid.
    enters: crate::hash::IntMap<i64, Vec<u8>>,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn list(b: &[u8]) -> Vec<String> {
    let b = b.strip_suffix(&[0]).unwrap_or(b);
    if b.is_empty() {
        return Vec::new();
    }
    b.split(|&c| c == 0).map(text).collect()
}

/// A parameter of `ev` by name.
fn param<'a>(ev: &Event<'a>, name: &str) -> Option<ParamValue<'a>> {
    ev.value_by_name(name)
        .filter(|v| !matches!(v, ParamValue::Empty))
}

fn int(ev: &Event<'_>, name: &str) -> Option<i64> {
    param(ev, name)?.as_i64()
}

fn bytes<'a>(ev: &Event<'a>, name: &str) -> Option<&'a [u8]> {
    param(ev, name)?.as_bytes()
}

impl State {
    /// A state starting from a capture's header section.
    pub fn from_metadata(meta: &Metadata) -> State {
        let mut state = State::default();
        for p in &meta.processes {
            let mut t = ThreadInfo::from_entry(p);
            t.container_id = crate::containers::id_from_cgroups(&t.cgroups);
            state.threads.insert(t);
        }
        for table in &meta.fds {
            let max = state.threads.limits.max_fds_per_process;
            if let Some(t) = state.threads.get_mut(table.tid as i64) {
                for e in &table.fds {
                    t.fds.insert(e.fd, crate::fd::from_entry(e), max);
                }
            }
        }
        state.users = accounts_from_list(&meta.users);
        state.local_v4 = meta
            .interfaces
            .iter()
            .filter_map(|i| match i.addr {
                peregrine_libscap::capture::meta::IfAddr::V4 { addr, .. } => Some(addr),
                _ => None,
            })
            .collect();
        state
    }

    /// Updates state with one event and says what the event refers to.
    pub fn process(&mut self, ev: &Event<'_>) -> EventState {
        let st = self.apply(ev);
        self.maybe_purge(ev.ts());
        st
    }

    fn apply(&mut self, ev: &Event<'_>) -> EventState {
        let Some(info) = ev.info() else {
            return EventState {
                fd: -1,
                ..EventState::default()
            };
        };
        let tid = ev.tid() as i64;
        let mut st = EventState {
            fd: -1,
            ..EventState::default()
        };
        self.closed = None;

        if is_container_event(ev.code()) {
            self.on_container(ev);
        } else if is_async_container_event(ev) {
            // The container plugin's asynchronous events carry the same
            // JSON as the container events of older captures.
            let json = bytes(ev, "data").and_then(crate::containers::parse_container_json);
            if let Some(c) = json.filter(|c| !c.id.is_empty()) {
                self.containers.insert(c);
            }
            return EventState {
                fd: -1,
                ..EventState::default()
            };
        }
        // Events that describe no thread of their own.
        if info.flags & flags::SKIP_PARSE_RESET != 0 || is_container_event(ev.code()) {
            st.has_thread = self.threads.get(tid).is_some();
            return st;
        }
        let creates_thread = is_clone(info.name) && Direction::of(ev.code()) == Direction::Exit;
        if self.threads.get(tid).is_none() && !creates_thread && ev.code() != code::SCHEDSWITCH_6_E
        {
            self.threads.insert(ThreadInfo::unknown(tid));
        }
        st.has_thread = self.threads.get(tid).is_some();
        // A context switch changes nothing of its thread.
        if ev.code() == code::SCHEDSWITCH_6_E {
            st.latency = self.threads.get(tid).map_or(0, |t| t.latency);
            return st;
        }

        match Direction::of(ev.code()) {
            Direction::Enter => self.on_enter(ev, tid, &mut st),
            Direction::Exit => self.on_exit(ev, tid, &mut st),
        }
        if let Some(t) = self.threads.get_mut(tid) {
            t.last_event_ts = ev.ts();
            st.latency = t.latency;
        }
        st
    }

    fn on_enter(&mut self, ev: &Event<'_>, tid: i64, st: &mut EventState) {
        if event_flags(ev) & flags::USES_FD != 0 {
            st.fd = int(ev, "fd").unwrap_or(-1);
        }
        if let Some(t) = self.threads.get_mut(tid) {
            t.last_enter = Some((ev.code(), st.fd));
            t.last_enter_ts = ev.ts();
            t.latency = 0;
        }
        let buf = self.enters.entry(tid).or_default();
        buf.clear();
        buf.extend_from_slice(ev.as_bytes());

        match ev.info().map_or("", |i| i.name) {
            "procexit" => self.on_procexit(ev, tid),
            "close" => {}
            _ => {}
        }
    }

    /// Takes the enter event paired with exit `ev`, if it was the last one
    /// seen; [`State::put_enter`] gives the buffer back for reuse.
    fn take_enter(&mut self, ev: &Event<'_>, tid: i64) -> Option<Vec<u8>> {
        let t = self.threads.get(tid)?;
        match t.last_enter {
            Some((c, _)) if c + 1 == ev.code() => self.enters.get_mut(&tid).map(std::mem::take),
            _ => None,
        }
    }

    fn put_enter(&mut self, tid: i64, buf: Vec<u8>) {
        if let Some(slot) = self.enters.get_mut(&tid) {
            *slot = buf;
        }
    }

    fn on_exit(&mut self, ev: &Event<'_>, tid: i64, st: &mut EventState) {
        let enter_buf = self.take_enter(ev, tid);
        self.on_exit_with(ev, tid, st, enter_buf.as_deref());
        if let Some(buf) = enter_buf {
            self.put_enter(tid, buf);
        }
    }

    fn on_exit_with(
        &mut self,
        ev: &Event<'_>,
        tid: i64,
        st: &mut EventState,
        enter: Option<&[u8]>,
    ) {
        if ev.info().is_none() {
            return;
        }
        let enter = enter.and_then(|b| Event::parse(b).ok());
        // The latency runs from the thread's latest enter event, paired or
        // not, as sysdig measures it.
        if let Some(t) = self.threads.get_mut(tid) {
            if t.last_enter_ts != 0 {
                t.latency = ev.ts().saturating_sub(t.last_enter_ts);
            }
        }

        // The fd an exit refers to: its own fd parameter (today's events),
        // else the one its enter event carried.
        if event_flags(ev) & (flags::USES_FD | flags::DESTROYS_FD) != 0 {
            st.fd = exit_fd(ev)
                .or_else(|| enter.as_ref().and_then(|e| int(e, "fd")))
                .unwrap_or(-1);
        }
        let res = ev.value(0).and_then(|v| v.as_i64()).unwrap_or(0);
        match family(ev.code()) {
            Family::Open => self.on_open(ev, enter.as_ref(), tid, res, st),
            Family::Close if res >= 0 && st.fd >= 0 => {
                let owner = self.threads.fd_owner(tid);
                if let Some(t) = self.threads.get_mut(owner) {
                    self.closed = t.fds.remove(st.fd).map(|info| (tid, st.fd, info));
                }
            }
            Family::Socket if res >= 0 => self.on_socket(ev, enter.as_ref(), tid, res, st),
            Family::Connect => st.fd_name_changed = self.on_connect(ev, tid, res, st.fd),
            Family::Bind if res == 0 => self.on_bind(ev, tid, st.fd),
            Family::Listen if res == 0 => {
                if let Some(info) = self.fd_mut(tid, st.fd) {
                    info.role |= role::SERVER;
                }
            }
            Family::Accept if res >= 0 || int(ev, "fd").is_some_and(|f| f >= 0) => {
                self.on_accept(ev, tid, st);
                st.fd_name_changed = true;
            }
            Family::TupleIo => self.on_tuple_io(ev, tid, st.fd),
            Family::Pipe => self.on_pair(ev, tid, FdKind::FIFO),
            Family::SocketPair => self.on_pair(ev, tid, FdKind::UNIX_SOCK),
            Family::Dup => self.on_dup(ev, enter.as_ref(), tid, res),
            Family::Fcntl => self.on_fcntl(ev, enter.as_ref(), tid, res),
            Family::Chdir if res >= 0 => {
                let path =
                    bytes(ev, "path").or_else(|| enter.as_ref().and_then(|e| bytes(e, "path")));
                if let Some(p) = path {
                    self.set_cwd(tid, &text(p));
                }
            }
            Family::Fchdir if res >= 0 => {
                let name = self.fd_name(tid, st.fd);
                if let Some(name) = name {
                    self.set_cwd(tid, &name);
                }
            }
            Family::Execve if res >= 0 => self.on_execve(ev, tid),
            Family::Clone if res >= 0 => self.on_clone(ev, tid, res),
            Family::SetUid if res == 0 => self.set_cred(
                tid,
                int(ev, "uid").or(enter.as_ref().and_then(|e| int(e, "uid"))),
                None,
            ),
            Family::SetGid if res == 0 => self.set_cred(
                tid,
                None,
                int(ev, "gid").or(enter.as_ref().and_then(|e| int(e, "gid"))),
            ),
            Family::SetResUid if res == 0 => self.set_cred(
                tid,
                int(ev, "euid").or(enter.as_ref().and_then(|e| int(e, "euid"))),
                None,
            ),
            Family::SetResGid if res == 0 => self.set_cred(
                tid,
                None,
                int(ev, "egid").or(enter.as_ref().and_then(|e| int(e, "egid"))),
            ),
            Family::SetSid if res >= 0 => {
                if let Some(t) = self.threads.get_mut(tid) {
                    t.sid = res;
                }
            }
            Family::Single(kind) => self.on_single(tid, res, kind, ""),
            Family::Memfd => {
                let name = bytes(ev, "name").map(text).unwrap_or_default();
                self.on_single(tid, res, FdKind::MEMFD, &format!("memfd:{name}"))
            }
            Family::CloseRange if res == 0 => self.on_close_range(ev, tid),
            _ => {}
        }
    }

    /// Purges idle threads once per purge interval of event time.
    fn maybe_purge(&mut self, now: u64) {
        let interval = self.threads.limits.purge_interval_ns;
        if self.last_purge == 0 {
            self.last_purge = now;
        } else if interval != 0 && now.saturating_sub(self.last_purge) >= interval {
            self.threads.purge_idle(now);
            self.last_purge = now;
        }
    }

    /// Loads users and groups from the host's account databases under
    /// `root` (`/` for this host), for live capture.
    ///
    /// # Errors
    ///
    /// Fails when a database exists but cannot be read.
    pub fn load_host_accounts(&mut self, root: &std::path::Path) -> std::io::Result<()> {
        self.users = Accounts::load(root)?;
        Ok(())
    }

    fn on_container(&mut self, ev: &Event<'_>) {
        use crate::containers::{parse_container_json, ContainerInfo};
        let info = match ev.code() {
            code::CONTAINER_E => {
                let s = |n: &str| bytes(ev, n).map(text).unwrap_or_default();
                Some(ContainerInfo {
                    id: s("id"),
                    name: s("name"),
                    image: s("image"),
                    ..ContainerInfo::default()
                })
            }
            _ => bytes(ev, "json").and_then(parse_container_json),
        };
        if let Some(c) = info.filter(|c| !c.id.is_empty()) {
            self.containers.insert(c);
        }
    }

    fn set_cred(&mut self, tid: i64, uid: Option<i64>, gid: Option<i64>) {
        if let Some(t) = self.threads.get_mut(tid) {
            if let Some(u) = uid {
                t.uid = u as u32;
            }
            if let Some(g) = gid {
                t.gid = g as u32;
            }
        }
    }

    fn add_fd(&mut self, tid: i64, fd: i64, info: FdInfo) {
        let owner = self.threads.fd_owner(tid);
        let max = self.threads.limits.max_fds_per_process;
        let added = match self.threads.get_mut(owner) {
            Some(t) => t.fds.insert(fd, info, max),
            None => true,
        };
        if !added {
            self.threads.stats.fds_refused += 1;
        }
    }

    /// The working directory of `tid`'s process, ending in `/`.
    pub fn cwd(&self, tid: i64) -> String {
        self.threads
            .main_thread(tid)
            .map(|t| t.cwd.clone())
            .unwrap_or_default()
    }

    fn set_cwd(&mut self, tid: i64, path: &str) {
        let mut cwd = self.absolute_path(tid, None, path);
        if !cwd.ends_with('/') {
            cwd.push('/');
        }
        let owner = self.threads.fd_owner(tid);
        if let Some(t) = self.threads.get_mut(owner) {
            t.cwd = cwd;
        }
    }

    /// The name of fd `fd` of `tid`'s process.
    pub fn fd_name(&self, tid: i64, fd: i64) -> Option<String> {
        let owner = self.threads.fd_owner(tid);
        Some(self.threads.get(owner)?.fds.get(fd)?.name.clone())
    }

    /// The fd `fd` of `tid`'s process.
    pub fn fd(&self, tid: i64, fd: i64) -> Option<&FdInfo> {
        let owner = self.threads.fd_owner(tid);
        self.threads.get(owner)?.fds.get(fd)
    }

    /// The fd an event refers to: open, or closed by that very event.
    pub fn event_fd(&self, tid: i64, fd: i64) -> Option<&FdInfo> {
        match &self.closed {
            Some((t, f, info)) if *t == tid && *f == fd => Some(info),
            _ => self.fd(tid, fd),
        }
    }

    fn fd_mut(&mut self, tid: i64, fd: i64) -> Option<&mut FdInfo> {
        let owner = self.threads.fd_owner(tid);
        self.threads.get_mut(owner)?.fds.get_mut(fd)
    }

    /// The directory a path relative to `dirfd` starts from.
    pub fn dirfd_base(&self, tid: i64, dirfd: Option<i64>) -> String {
        match dirfd {
            Some(fd) if fd != event::render::AT_FDCWD => {
                let mut name = self.fd_name(tid, fd).unwrap_or_default();
                if !name.ends_with('/') {
                    name.push('/');
                }
                name
            }
            _ => self.cwd(tid),
        }
    }

    /// `name` made absolute: relative to `dirfd`'s directory, or to the
    /// cwd without one (or with `AT_FDCWD`), and normalized.
    pub fn absolute_path(&self, tid: i64, dirfd: Option<i64>, name: &str) -> String {
        if name.starts_with('/') {
            event::render::normalize_path("/", name)
        } else {
            event::render::normalize_path(&self.dirfd_base(tid, dirfd), name)
        }
    }

    /// Removes threads marked dead by their exit event. Called after the
    /// event's fields were extracted, so that the exit still has its thread.
    pub fn reap(&mut self, tid: i64) {
        if self.threads.get(tid).is_some_and(|t| t.dead) {
            self.threads.remove(tid);
            self.enters.remove(&tid);
        }
    }
}

/// The users and groups a capture recorded; the first entry for an id
/// wins, as with the host's lookups.
fn accounts_from_list(list: &peregrine_libscap::capture::meta::UserList) -> Accounts {
    let mut a = Accounts::default();
    for u in &list.users {
        if a.user(u.uid).is_none() {
            a.insert_user(User {
                uid: u.uid,
                gid: u.gid,
                name: text(&u.name),
                homedir: text(&u.homedir),
                shell: text(&u.shell),
            });
        }
    }
    for g in &list.groups {
        if a.group(g.gid).is_none() {
            a.insert_group(Group {
                gid: g.gid,
                name: text(&g.name),
            });
        }
    }
    a
}

/// The flags an event is read with. Events in the layouts of older
/// drivers (an old code, or fewer parameters than today's table) keep the
/// fd flags their table had, where those changed since.
pub fn event_flags(ev: &Event<'_>) -> u32 {
    let Some(f) = facts(ev.code()) else {
        return 0;
    };
    let old_layout = f.old || (ev.nparams() as usize) < f.nparams;
    match f.legacy_fd_flags {
        Some(legacy) if old_layout => (f.flags & !event::FD_FLAGS_MASK) | legacy,
        _ => f.flags,
    }
}

fn exit_fd(ev: &Event<'_>) -> Option<i64> {
    let idx = facts(ev.code())?.exit_fd_param?;
    ev.value(idx as usize)?.as_i64()
}

/// What the state engine needs of an event code, computed once.
struct CodeFacts {
    family: Family,
    flags: u32,
    nparams: usize,
    old: bool,
    legacy_fd_flags: Option<u32>,
    /// The `fd` parameter an exit names its fd by, unless it is the
    /// result of the call (`fd` first in calls that create one).
    exit_fd_param: Option<u8>,
}

fn facts(code: u16) -> Option<&'static CodeFacts> {
    static TABLE: std::sync::OnceLock<Vec<CodeFacts>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        event::all_events()
            .map(|(c, e)| CodeFacts {
                family: family_of(e.name),
                flags: e.flags,
                nparams: e.params.len(),
                old: e.is_old_version(),
                legacy_fd_flags: event::legacy_fd_flags(c),
                exit_fd_param: e
                    .param_index("fd")
                    .filter(|&i| !(i == 0 && e.flags & flags::CREATES_FD != 0))
                    .map(|i| i as u8),
            })
            .collect()
    });
    table.get(code as usize)
}

fn is_clone(name: &str) -> bool {
    matches!(name, "clone" | "fork" | "vfork" | "clone3")
}

/// What the state engine does with an exit event, by family of calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Open,
    Close,
    Socket,
    Connect,
    Bind,
    Listen,
    Accept,
    TupleIo,
    Pipe,
    SocketPair,
    Dup,
    Fcntl,
    Chdir,
    Fchdir,
    Execve,
    Clone,
    SetUid,
    SetGid,
    SetResUid,
    SetResGid,
    SetSid,
    Single(FdKind),
    Memfd,
    CloseRange,
    Other,
}

fn family_of(name: &str) -> Family {
    match name {
        "open" | "openat" | "openat2" | "creat" | "open_by_handle_at" => Family::Open,
        "close" => Family::Close,
        "socket" => Family::Socket,
        "connect" => Family::Connect,
        "bind" => Family::Bind,
        "listen" => Family::Listen,
        "accept" | "accept4" => Family::Accept,
        "sendto" | "sendmsg" | "recvfrom" | "recvmsg" => Family::TupleIo,
        "pipe" | "pipe2" => Family::Pipe,
        "socketpair" => Family::SocketPair,
        "dup" | "dup2" | "dup3" => Family::Dup,
        "fcntl" => Family::Fcntl,
        "chdir" => Family::Chdir,
        "fchdir" => Family::Fchdir,
        "execve" | "execveat" => Family::Execve,
        n if is_clone(n) => Family::Clone,
        "setuid" => Family::SetUid,
        "setgid" => Family::SetGid,
        "setresuid" => Family::SetResUid,
        "setresgid" => Family::SetResGid,
        "setsid" => Family::SetSid,
        "eventfd" | "eventfd2" => Family::Single(FdKind::EVENT),
        "signalfd" | "signalfd4" => Family::Single(FdKind::SIGNALFD),
        "timerfd_create" => Family::Single(FdKind::TIMERFD),
        "inotify_init" | "inotify_init1" => Family::Single(FdKind::INOTIFY),
        "epoll_create" | "epoll_create1" => Family::Single(FdKind::EVENTPOLL),
        "userfaultfd" => Family::Single(FdKind::USERFAULTFD),
        "io_uring_setup" => Family::Single(FdKind::IOURING),
        "pidfd_open" | "pidfd_getfd" => Family::Single(FdKind::PIDFD),
        "memfd_create" => Family::Memfd,
        "close_range" => Family::CloseRange,
        _ => Family::Other,
    }
}

/// The family of an event code, from a table built once.
fn family(code: u16) -> Family {
    facts(code).map_or(Family::Other, |f| f.family)
}

/// An asynchronous event named "container" (the container plugin's).
fn is_async_container_event(ev: &Event<'_>) -> bool {
    ev.code() == code::ASYNCEVENT_E && bytes(ev, "name") == Some(b"container".as_slice())
}

fn is_container_event(c: u16) -> bool {
    matches!(
        c,
        code::CONTAINER_E | code::CONTAINER_JSON_E | code::CONTAINER_JSON_2_E
    )
}
