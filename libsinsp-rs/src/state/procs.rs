//! How process-related system calls change the thread table.

use super::*;

impl State {
    pub(super) fn on_execve(&mut self, ev: &Event<'_>, tid: i64) {
        let Some(t) = self.threads.get_mut(tid) else {
            return;
        };
        set_program(t, ev, &mut self.cgroup_ids);
        t.comm = bytes(ev, "comm").map(text).unwrap_or_else(|| t.exe.clone());
        if let Some(pid) = int(ev, "pid") {
            t.pid = pid;
        }
        if t.ptid == -1 {
            t.ptid = int(ev, "ptid").unwrap_or(-1);
        }
        if let Some(env) = bytes(ev, "env") {
            t.env = list(env);
        }
        let opt = |n: &str| int(ev, n);
        if let Some(v) = opt("tty") {
            t.tty = v as u32;
        }
        if let Some(v) = opt("vpgid") {
            t.vpgid = v;
        }
        if let Some(v) = opt("loginuid") {
            t.loginuid = v as u32;
        }
        if let Some(v) = opt("flags") {
            let f = v as u32;
            t.exe_writable = f & EXE_WRITABLE != 0;
            t.exe_upper_layer = f & EXE_UPPER_LAYER != 0;
            t.exe_from_memfd = f & EXE_FROM_MEMFD != 0;
            t.exe_lower_layer = f & EXE_LOWER_LAYER != 0;
        }
        let caps = ["cap_inheritable", "cap_permitted", "cap_effective"];
        for (slot, name) in t.caps.iter_mut().zip(caps) {
            if let Some(v) = int(ev, name) {
                *slot = v as u64;
            }
        }
        if let Some(v) = opt("exe_ino") {
            t.exe_ino = v as u64;
        }
        if let Some(v) = opt("exe_ino_ctime") {
            t.exe_ino_ctime = v as u64;
        }
        if let Some(v) = opt("exe_ino_mtime") {
            t.exe_ino_mtime = v as u64;
        }
        if let Some(v) = opt("pgid") {
            t.pgid = v;
        }
        if let Some(v) = opt("uid") {
            t.uid = v as u32;
        }
        if let Some(v) = opt("gid") {
            t.gid = v as u32;
        }
        if let Some(p) = bytes(ev, "trusted_exepath") {
            t.exepath = text(p);
        }

        // Descriptors opened with O_CLOEXEC do not survive the exec.
        let owner = self.threads.fd_owner(tid);
        if let Some(m) = self.threads.get_mut(owner) {
            m.fds.retain(|_, f| f.open_flags & O_CLOEXEC == 0);
        }
    }

    pub(super) fn on_clone(&mut self, ev: &Event<'_>, tid: i64, child: i64) {
        let cflags = int(ev, "flags").unwrap_or(0) as u32;
        // The child's own return (0) describes the child when the parent's
        // was not seen; the parent's return creates the child.
        let (child_tid, parent_tid) = if child == 0 {
            if self.threads.get(tid).is_some() {
                return;
            }
            let parent = if cflags & CL_CLONE_THREAD != 0 {
                int(ev, "pid")
            } else {
                int(ev, "ptid")
            };
            (tid, parent.unwrap_or(-1))
        } else {
            (child, tid)
        };
        if self.threads.get(child_tid).is_some() && child != 0 {
            return;
        }
        // A caller met first in its clone exit is described by it.
        if child != 0 && self.threads.get(tid).is_none() {
            let caller = self.caller_from_clone(ev, tid);
            self.threads.insert(caller);
        }
        let parent = self.threads.get(parent_tid).cloned();
        let mut t = match &parent {
            Some(p) => ThreadInfo {
                fds: Default::default(),
                ..p.clone()
            },
            None => ThreadInfo::unknown(child_tid),
        };
        t.tid = child_tid;
        t.clone_flags = cflags;
        t.clone_ts = ev.ts();
        t.dead = false;
        t.last_enter = None;
        if cflags & CL_CLONE_THREAD != 0 {
            t.pid = parent.as_ref().map_or(child_tid, |p| p.pid);
            t.ptid = parent.as_ref().map_or(-1, |p| p.ptid);
        } else {
            t.pid = child_tid;
            t.ptid = parent_tid;
            // A new process gets a copy of its parent's fds and cwd.
            let owner = self.threads.fd_owner(parent_tid);
            if let Some(m) = self.threads.get(owner) {
                t.fds = m.fds.clone();
                t.cwd = m.cwd.clone();
            }
        }
        let vals = |n: &str| int(ev, n);
        set_program(&mut t, ev, &mut self.cgroup_ids);
        if let Some(comm) = bytes(ev, "comm") {
            t.comm = text(comm);
        }
        if let (Some(u), Some(g)) = (vals("uid"), vals("gid")) {
            t.uid = u as u32;
            t.gid = g as u32;
        }
        // The ids in namespace the event carries are the caller's; a child
        // made outside a new pid namespace has its own ids there.
        if child == 0 {
            t.vtid = vals("vtid").unwrap_or(t.vtid);
            t.vpid = vals("vpid").unwrap_or(t.vpid);
        } else {
            t.vtid = child_tid;
            t.vpid = t.pid;
        }
        self.threads.insert(t);
    }

    /// The calling thread of a clone exit met before any other event of
    /// it: unknown, but named after the program the event shows, as sinsp
    /// does.
    fn caller_from_clone(&mut self, ev: &Event<'_>, tid: i64) -> ThreadInfo {
        let mut t = ThreadInfo::unknown(tid);
        if let Some(exe) = bytes(ev, "exe") {
            t.exe = text(exe);
        }
        if let Some(args) = bytes(ev, "args") {
            t.args = list(args);
        }
        t.comm = bytes(ev, "comm").map(text).unwrap_or_else(|| t.exe.clone());
        t
    }

    pub(super) fn on_procexit(&mut self, ev: &Event<'_>, tid: i64) {
        let Some(t) = self.threads.get_mut(tid) else {
            return;
        };
        t.dead = true;
        let pid = t.pid;

        // Children of the exiting process go to the reaper when the event
        // names one, else to init.
        let reaper = int(ev, "reaper_tid").filter(|r| *r > 0).unwrap_or(1);
        let orphans: Vec<i64> = self
            .threads
            .iter()
            .filter(|c| c.ptid == tid && c.pid != pid)
            .map(|c| c.tid)
            .collect();
        for c in orphans {
            if let Some(child) = self.threads.get_mut(c) {
                child.ptid = reaper;
            }
        }
    }
}

/// Sets what clone and exec events both say of the program: exe, args,
/// fd limit, and cgroups with the container they place the thread in.
pub(super) fn set_program(
    t: &mut ThreadInfo,
    ev: &Event<'_>,
    cgroup_ids: &mut crate::containers::CgroupCache,
) {
    if let Some(exe) = bytes(ev, "exe") {
        t.exe = text(exe);
    }
    if let Some(args) = bytes(ev, "args") {
        t.args = list(args);
    }
    if let Some(v) = int(ev, "fdlimit") {
        t.fdlimit = v;
    }
    if let Some(cg) = bytes(ev, "cgroups") {
        t.cgroups = split_cgroups(&list(cg));
        t.container_id = cgroup_ids.id(&t.cgroups);
    }
}
