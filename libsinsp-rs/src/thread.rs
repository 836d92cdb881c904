//! Threads and processes.

use peregrine_libscap::capture::meta::ProcessEntry;

use crate::fd::FdTable;

/// What the state engine knows about one thread.
///
/// Process-wide data (the fd table, the cwd) lives in the process's main
/// thread; other threads of the group consult it.
#[derive(Debug, Clone, Default)]
pub struct ThreadInfo {
    /// Thread id.
    pub tid: i64,
    /// Process id (thread group id).
    pub pid: i64,
    /// Parent thread id, -1 when unknown.
    pub ptid: i64,
    /// Session id, -1 when unknown.
    pub sid: i64,
    /// Process group id in its namespace, -1 when unknown.
    pub vpgid: i64,
    /// Command name (`comm`).
    pub comm: String,
    /// First argument of the command line (`exe`).
    pub exe: String,
    /// Full path of the executable.
    pub exepath: String,
    /// Arguments after the first.
    pub args: Vec<String>,
    /// Environment, `NAME=value` items.
    pub env: Vec<String>,
    /// Working directory, ending in `/` when known.
    pub cwd: String,
    /// File descriptor limit, -1 when unknown.
    pub fdlimit: i64,
    /// User id (`u32::MAX` when unknown).
    pub uid: u32,
    /// Group id (`u32::MAX` when unknown).
    pub gid: u32,
    /// Login user id (`u32::MAX` when unset).
    pub loginuid: u32,
    /// Controlling terminal number, 0 for none.
    pub tty: u32,
    /// Thread id in its pid namespace, -1 when unknown.
    pub vtid: i64,
    /// Process id in its pid namespace, -1 when unknown.
    pub vpid: i64,
    /// Cgroups as `(subsystem, path)`.
    pub cgroups: Vec<(String, String)>,
    /// Container id, empty on the host.
    pub container_id: String,
    /// Whether the executable is writable by the process's user.
    pub exe_writable: bool,
    /// Whether the executable lives in an overlay's upper layer.
    pub exe_upper_layer: bool,
    /// Whether the executable lives in an overlay's lower layer.
    pub exe_lower_layer: bool,
    /// Whether the executable was run from a memfd.
    pub exe_from_memfd: bool,
    /// Inode of the executable, 0 when unknown.
    pub exe_ino: u64,
    /// Change time of the executable's inode, ns since the epoch.
    pub exe_ino_ctime: u64,
    /// Modification time of the executable's inode, ns since the epoch.
    pub exe_ino_mtime: u64,
    /// Capability sets: inheritable, permitted, effective.
    pub caps: [u64; 3],
    /// Process group id, -1 when unknown.
    pub pgid: i64,
    /// When the thread was created (its clone event), 0 when unknown.
    pub clone_ts: u64,
    /// Clone flags (`PPM_CL_*`) the thread was created with.
    pub clone_flags: u32,
    /// The fd table (main threads only).
    pub fds: FdTable,
    /// Set once the thread has exited; it is removed after the event.
    pub dead: bool,
    /// Timestamp of the thread's latest event.
    pub last_event_ts: u64,
    /// The latest enter event's code and fd argument, to pair exits.
    pub last_enter: Option<(u16, i64)>,
    /// Timestamp of the latest enter event, for latencies.
    pub last_enter_ts: u64,
    /// Nanoseconds from the latest enter event to the exit that followed.
    pub latency: u64,
}

/// `PPM_CL_CLONE_THREAD`: the new task shares its creator's thread group.
pub const CL_CLONE_THREAD: u32 = 1 << 16;

impl ThreadInfo {
    /// A thread met in an event but never described: what sinsp assumes.
    pub fn unknown(tid: i64) -> ThreadInfo {
        ThreadInfo {
            tid,
            pid: tid,
            ptid: -1,
            sid: -1,
            vpgid: -1,
            comm: "<NA>".into(),
            exe: "<NA>".into(),
            fdlimit: -1,
            uid: u32::MAX,
            gid: u32::MAX,
            loginuid: u32::MAX,
            vtid: -1,
            vpid: -1,
            pgid: -1,
            ..ThreadInfo::default()
        }
    }

    /// A thread from a capture's process list.
    pub fn from_entry(p: &ProcessEntry) -> ThreadInfo {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let list = |l: &[Vec<u8>]| l.iter().map(|s| text(s)).collect::<Vec<_>>();
        ThreadInfo {
            tid: p.tid as i64,
            pid: p.pid as i64,
            ptid: p.ptid as i64,
            sid: p.sid as i64,
            vpgid: p.vpgid as i64,
            comm: text(&p.comm),
            exe: text(&p.exe),
            exepath: text(&p.exepath),
            args: list(&p.args),
            env: list(&p.env),
            cwd: with_slash(text(&p.cwd)),
            fdlimit: p.fdlimit,
            uid: p.uid,
            gid: p.gid,
            loginuid: p.loginuid,
            tty: p.tty,
            vtid: p.vtid,
            vpid: p.vpid,
            cgroups: split_cgroups(&list(&p.cgroups)),
            exe_writable: p.exe_writable,
            exe_upper_layer: p.exe_upper_layer,
            exe_lower_layer: p.exe_lower_layer,
            exe_from_memfd: p.exe_from_memfd,
            exe_ino: p.exe_ino,
            exe_ino_ctime: p.exe_ino_ctime,
            exe_ino_mtime: p.exe_ino_mtime,
            caps: [p.cap_inheritable, p.cap_permitted, p.cap_effective],
            pgid: p.pgid,
            ..ThreadInfo::default()
        }
    }

    /// Whether this is its process's main thread.
    pub fn is_main(&self) -> bool {
        self.tid == self.pid
    }

    /// The command line: `comm` followed by the arguments.
    pub fn cmdline(&self) -> String {
        join_args(&self.comm, &self.args)
    }

    /// `exe` followed by the arguments.
    pub fn exeline(&self) -> String {
        join_args(&self.exe, &self.args)
    }
}

/// A directory path as the cwd is kept: ending in `/` unless empty.
pub fn with_slash(mut dir: String) -> String {
    if !dir.is_empty() && !dir.ends_with('/') {
        dir.push('/');
    }
    dir
}

fn join_args(first: &str, args: &[String]) -> String {
    let mut s = first.to_string();
    for a in args {
        s.push(' ');
        s.push_str(a);
    }
    s
}

/// Splits `subsys=path` cgroup items.
pub fn split_cgroups(items: &[String]) -> Vec<(String, String)> {
    items
        .iter()
        .filter_map(|i| i.split_once('='))
        .map(|(s, p)| (s.to_string(), p.to_string()))
        .collect()
}

/// Bounds and purge settings of the thread table.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most threads kept; new ones beyond are not tracked (and counted).
    pub max_threads: usize,
    /// Most fds kept per process.
    pub max_fds_per_process: usize,
    /// Threads with no event for this long (nanoseconds of event time) are
    /// purged; 0 never purges.
    pub idle_timeout_ns: u64,
    /// How often, in event time, to look for idle threads.
    pub purge_interval_ns: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_threads: 262_144,
            max_fds_per_process: 4_096,
            idle_timeout_ns: 1_800_000_000_000,
            purge_interval_ns: 1_200_000_000_000,
        }
    }
}

/// Counters of what the bounds cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableStats {
    /// Threads not added because the table was full.
    pub threads_refused: u64,
    /// Fds not added because a process's table was full.
    pub fds_refused: u64,
    /// Threads removed after exiting.
    pub threads_removed: u64,
    /// Threads purged after being idle.
    pub threads_purged: u64,
}

/// Every known thread, by tid.
#[derive(Debug, Default)]
pub struct ThreadTable {
    threads: crate::hash::IntMap<i64, ThreadInfo>,
    /// Bounds.
    pub limits: Limits,
    /// Counters.
    pub stats: TableStats,
}

impl ThreadTable {
    /// The thread `tid`.
    pub fn get(&self, tid: i64) -> Option<&ThreadInfo> {
        self.threads.get(&tid)
    }

    /// The thread `tid`, to change it.
    pub fn get_mut(&mut self, tid: i64) -> Option<&mut ThreadInfo> {
        self.threads.get_mut(&tid)
    }

    /// Adds or replaces a thread; false when the table is full.
    pub fn insert(&mut self, info: ThreadInfo) -> bool {
        if self.threads.len() >= self.limits.max_threads && !self.threads.contains_key(&info.tid) {
            self.stats.threads_refused += 1;
            return false;
        }
        self.threads.insert(info.tid, info);
        true
    }

    /// Removes thread `tid`.
    pub fn remove(&mut self, tid: i64) -> Option<ThreadInfo> {
        let t = self.threads.remove(&tid);
        if t.is_some() {
            self.stats.threads_removed += 1;
        }
        t
    }

    /// Removes threads idle since before `now - idle_timeout`, except
    /// main threads that still have live threads or fds, and init.
    pub fn purge_idle(&mut self, now: u64) {
        let timeout = self.limits.idle_timeout_ns;
        if timeout == 0 {
            return;
        }
        let cutoff = now.saturating_sub(timeout);
        let idle: Vec<i64> = self
            .threads
            .values()
            .filter(|t| t.last_event_ts != 0 && t.last_event_ts < cutoff && t.tid != 1)
            .map(|t| t.tid)
            .collect();
        for tid in idle {
            self.threads.remove(&tid);
            self.stats.threads_purged += 1;
        }
    }

    /// Number of threads.
    pub fn len(&self) -> usize {
        self.threads.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.threads.is_empty()
    }

    /// The main thread of `tid`'s process (itself for a main thread).
    pub fn main_thread(&self, tid: i64) -> Option<&ThreadInfo> {
        let t = self.threads.get(&tid)?;
        if t.is_main() {
            Some(t)
        } else {
            self.threads.get(&t.pid).or(Some(t))
        }
    }

    /// The pid owning the fd table `tid` uses.
    pub fn fd_owner(&self, tid: i64) -> i64 {
        match self.threads.get(&tid) {
            Some(t) if !t.is_main() && self.threads.contains_key(&t.pid) => t.pid,
            _ => tid,
        }
    }

    /// The parent process of `tid`'s process.
    pub fn parent(&self, tid: i64) -> Option<&ThreadInfo> {
        let main = self.main_thread(tid)?;
        let parent = self.threads.get(&main.ptid)?;
        self.main_thread(parent.tid)
    }

    /// The n-th ancestor process (1 is the parent).
    pub fn ancestor(&self, tid: i64, n: usize) -> Option<&ThreadInfo> {
        let mut cur = self.main_thread(tid)?;
        for _ in 0..n {
            let next = self.parent(cur.tid)?;
            if next.tid == cur.tid {
                return None;
            }
            cur = next;
        }
        Some(cur)
    }

    /// Number of live threads in `pid`'s group.
    pub fn group_size(&self, pid: i64) -> usize {
        self.threads
            .values()
            .filter(|t| t.pid == pid && !t.dead)
            .count()
    }

    /// Every thread, in no order.
    pub fn iter(&self) -> impl Iterator<Item = &ThreadInfo> {
        self.threads.values()
    }
}
