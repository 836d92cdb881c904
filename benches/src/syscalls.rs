//! The programs of the workload and the parameters of each system call
//! they make, laid out in the order of the event table.

use peregrine_libscap::event::EventBuilder;

use crate::rng::Rng;

/// A program threads can run.
#[derive(Debug)]
pub(crate) struct Program {
    pub(crate) comm: &'static str,
    pub(crate) exe: &'static str,
    pub(crate) args: &'static [&'static str],
    pub(crate) cwd: &'static str,
    pub(crate) cgroup: &'static str,
    pub(crate) files: &'static [&'static str],
    pub(crate) uid: u32,
}

/// The thread making a call, as clone and execve report it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller {
    pub(crate) program: &'static Program,
    pub(crate) pid: i64,
    pub(crate) tid: i64,
    pub(crate) ptid: i64,
}

static PROGRAMS: [Program; 9] = [
    Program {
        comm: "nginx",
        exe: "/usr/sbin/nginx",
        args: &["-g", "daemon off;"],
        cwd: "/",
        cgroup: "/system.slice/nginx.service",
        files: &[
            "/var/www/html/index.html",
            "/var/www/html/static/app.js",
            "/etc/nginx/mime.types",
            "/var/log/nginx/access.log",
        ],
        uid: 33,
    },
    Program {
        comm: "postgres",
        exe: "/usr/lib/postgresql/15/bin/postgres",
        args: &["-D", "/var/lib/postgresql/15/main"],
        cwd: "/var/lib/postgresql/15/main",
        cgroup: "/system.slice/postgresql.service",
        files: &[
            "base/16384/2619",
            "pg_wal/000000010000000000000001",
            "global/pg_control",
        ],
        uid: 105,
    },
    Program {
        comm: "sshd",
        exe: "/usr/sbin/sshd",
        args: &["-D"],
        cwd: "/",
        cgroup: "/system.slice/ssh.service",
        files: &["/etc/passwd", "/etc/ssh/sshd_config", "/var/log/auth.log"],
        uid: 0,
    },
    Program {
        comm: "containerd",
        exe: "/usr/bin/containerd",
        args: &[],
        cwd: "/",
        cgroup: "/system.slice/containerd.service",
        files: &["/run/containerd/containerd.sock", "/proc/self/mountinfo"],
        uid: 0,
    },
    Program {
        comm: "node",
        exe: "/usr/local/bin/node",
        args: &["server.js"],
        cwd: "/srv/app",
        cgroup: "/system.slice/app.service",
        files: &["node_modules/express/index.js", "/srv/app/config.json"],
        uid: 1000,
    },
    Program {
        comm: "bash",
        exe: "/usr/bin/bash",
        args: &["-c", "make -j2 test"],
        cwd: "/root",
        cgroup: "/user.slice/user-0.slice/session-3.scope",
        files: &["/etc/bash.bashrc", "/root/.bash_history"],
        uid: 0,
    },
    Program {
        comm: "python3",
        exe: "/usr/bin/python3.11",
        args: &["-m", "http.server", "8000"],
        cwd: "/root",
        cgroup: "/user.slice/user-0.slice/session-3.scope",
        files: &[
            "/usr/lib/python3.11/os.py",
            "/usr/lib/python3.11/encodings/utf_8.py",
        ],
        uid: 0,
    },
    Program {
        comm: "cat",
        exe: "/usr/bin/cat",
        args: &["/etc/os-release"],
        cwd: "/root",
        cgroup: "/user.slice/user-0.slice/session-3.scope",
        files: &["/etc/os-release", "/usr/lib/locale/locale-archive"],
        uid: 0,
    },
    Program {
        comm: "curl",
        exe: "/usr/bin/curl",
        args: &["-s", "http://10.0.0.7/health"],
        cwd: "/root",
        cgroup: "/user.slice/user-0.slice/session-3.scope",
        files: &["/etc/resolv.conf", "/etc/ssl/certs/ca-certificates.crt"],
        uid: 0,
    },
];

/// The first programs never exit; children run one of the others.
const FIRST_SHORT_LIVED: usize = 5;

/// Bytes that reads and writes carry: HTTP, SQL and binary framing.
const PAYLOAD: &[u8] = b"GET /api/v1/items?id=42 HTTP/1.1\r\nHost: 10.0.0.7\r\n\
    User-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\nHTTP/1.1 200 OK\r\n\
    Content-Length: 2\r\n\r\n{}Q\0\0\0\x1bSELECT * FROM items;\0\x01\x02\x03";

/// Generic calls: PPM syscall id and x86-64 number.
const GENERIC_CALLS: [(u16, u16); 8] = [
    (154, 202), // futex
    (167, 232), // epoll_wait
    (103, 35),  // nanosleep
    (139, 28),  // madvise
    (300, 262), // newfstatat
    (107, 13),  // rt_sigaction
    (15, 8),    // lseek
    (35, 72),   // fcntl
];

const ENV: [&str; 4] = [
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin",
    "HOME=/root",
    "LANG=C.UTF-8",
    "TERM=xterm-256color",
];

/// The program called `comm` (the first one for an unknown name).
pub(crate) fn program(comm: &str) -> &'static Program {
    PROGRAMS
        .iter()
        .find(|p| p.comm == comm)
        .unwrap_or(&PROGRAMS[0])
}

/// A program a shell child may run.
pub(crate) fn short_lived(rng: &mut Rng) -> &'static Program {
    let short = &PROGRAMS[FIRST_SHORT_LIVED..];
    &short[rng.index(short.len())]
}

fn fd(rng: &mut Rng) -> i64 {
    rng.range(3, 64) as i64
}

/// `read` or `write` exit with a short buffer; one in twenty would block.
pub(crate) fn read_write(head: EventBuilder, rng: &mut Rng, program: &Program) -> EventBuilder {
    let size = [16u32, 512, 4096, 65_536][rng.index(4)];
    if rng.chance(50) {
        return head.i64(-11).empty().i64(fd(rng)).u32(size);
    }
    // Hosts capture with a small snaplen; most buffers are short.
    let len = rng.below(17) as usize;
    let at = rng.index(PAYLOAD.len() - len);
    let fd = if program.comm == "bash" { 1 } else { fd(rng) };
    head.i64(len as i64)
        .raw(&PAYLOAD[at..at + len])
        .i64(fd)
        .u32(size)
}

/// `close` exit: success, rarely `EBADF`.
pub(crate) fn close(head: EventBuilder, rng: &mut Rng) -> EventBuilder {
    let res = if rng.chance(10) { -9 } else { 0 };
    head.i64(res).i64(fd(rng))
}

/// A generic (enter or exit) event of a call without its own code.
pub(crate) fn generic(head: EventBuilder, rng: &mut Rng) -> EventBuilder {
    let (id, native) = GENERIC_CALLS[rng.index(GENERIC_CALLS.len())];
    head.u16(id).u16(native)
}

/// `openat` exit of one of the program's files, one in ten missing.
pub(crate) fn openat(head: EventBuilder, rng: &mut Rng, program: &Program) -> EventBuilder {
    let path = program.files[rng.index(program.files.len())];
    let missing = rng.chance(100);
    let res = if missing { -2 } else { fd(rng) };
    let writing = path.ends_with(".log") || path.ends_with("history");
    let (flags, mode) = if writing {
        (2 | 4 | 8 | 4096, 0o640)
    } else {
        (1 | 4096, 0)
    };
    let ino = if missing {
        0
    } else {
        rng.range(1000, 9_000_000)
    };
    head.i64(res)
        .i64(-100)
        .str(path)
        .u32(flags)
        .u32(mode)
        .u32(0xfd01)
        .u64(ino)
}

/// `mmap` exit of an anonymous private mapping.
pub(crate) fn mmap(head: EventBuilder, rng: &mut Rng) -> EventBuilder {
    let addr = 0x7f00_0000_0000 + (rng.below(1 << 24) << 12);
    let length = rng.range(1, 64) << 12;
    head.i64(addr as i64)
        .u32(rng.range(100_000, 400_000) as u32)
        .u32(rng.range(10_000, 80_000) as u32)
        .u32(0)
        .u64(0)
        .u64(length)
        .u32(1 | 2)
        .u32(2 | 8)
        .i64(-1)
        .u64(0)
}

/// `socket` exit of a TCP/IPv4 socket.
pub(crate) fn socket(head: EventBuilder, rng: &mut Rng) -> EventBuilder {
    head.i64(fd(rng)).u32(2).u32(1).u32(0).u32(0)
}

/// `procexit` of a thread whose parent `reaper` reaps it.
pub(crate) fn procexit(head: EventBuilder, rng: &mut Rng, reaper: i64) -> EventBuilder {
    let failed = rng.chance(200);
    head.i64(if failed { 256 } else { 0 })
        .i64(i64::from(failed))
        .u8(0)
        .u8(0)
        .i64(reaper)
}

/// `clone` exit in the parent (`res` is the child pid) or the child
/// (`res` is 0), with every parameter of the 20-parameter version.
pub(crate) fn clone(head: EventBuilder, rng: &mut Rng, caller: &Caller, res: i64) -> EventBuilder {
    let p = caller.program;
    head.i64(res)
        .str(p.exe)
        .str_list(p.args)
        .i64(caller.tid)
        .i64(caller.pid)
        .i64(caller.ptid)
        .str(p.cwd)
        .i64(1024)
        .u64(rng.below(20))
        .u64(rng.range(100, 5000))
        .u32(rng.range(5_000, 200_000) as u32)
        .u32(rng.range(1_000, 50_000) as u32)
        .u32(0)
        .str(p.comm)
        .str_list(&cgroups(p))
        .u32(0x0180_0000)
        .u32(p.uid)
        .u32(p.uid)
        .i64(caller.tid)
        .i64(caller.pid)
        .u64(0)
}

/// `execve` exit with every parameter of the 19th version, in order;
/// `args` leaves out `argv[0]`, as the drivers do.
pub(crate) fn execve(head: EventBuilder, rng: &mut Rng, caller: &Caller) -> EventBuilder {
    let p = caller.program;
    let ino = rng.range(100_000, 2_000_000);
    let ctime = 1_700_000_000_000_000_000 + rng.below(1 << 40);
    head.i64(0)
        .str(p.exe)
        .str_list(p.args)
        .i64(caller.tid)
        .i64(caller.pid)
        .i64(caller.ptid)
        .str(p.cwd)
        .u64(1_048_576)
        .u64(0)
        .u64(rng.range(50, 400))
        .u32(rng.range(2_000, 20_000) as u32)
        .u32(rng.range(500, 5_000) as u32)
        .u32(0)
        .str(p.comm)
        .str_list(&cgroups(p))
        .str_list(&ENV)
        .u32(34_816)
        .i64(caller.pid)
        .u32(p.uid)
        .u32(0)
        .u64(0)
        .u64(0x01ff_ffff_ffff)
        .u64(0x01ff_ffff_ffff)
        .u64(ino)
        .u64(ctime)
        .u64(ctime)
        .u32(p.uid)
        .str(p.exe)
        .i64(caller.pid)
        .u32(p.uid)
        .str(p.exe)
}

fn cgroups(p: &Program) -> [String; 3] {
    ["cpuset", "cpu", "memory"].map(|c| format!("{c}={}", p.cgroup))
}
