//! The state engine per system-call family, on synthesized events in
//! today's exit-only layouts and in the old enter/exit model.

use peregrine_libscap::capture::meta::ProcessEntry;
use peregrine_libscap::capture::Metadata;
use peregrine_libscap::event::{code, Event, EventBuilder, SockTuple};
use peregrine_libsinsp::fd::FdKind;
use peregrine_libsinsp::fields::{EventCtx, Registry, Value};
use peregrine_libsinsp::State;

const PARENT: u64 = 100;

fn start() -> State {
    let shell = ProcessEntry {
        tid: PARENT,
        pid: PARENT,
        ptid: 1,
        comm: b"bash".to_vec(),
        exe: b"/bin/bash".to_vec(),
        cwd: b"/home/alice".to_vec(),
        uid: 1000,
        gid: 1000,
        ..ProcessEntry::default()
    };
    let init = ProcessEntry {
        tid: 1,
        pid: 1,
        ptid: 0,
        comm: b"systemd".to_vec(),
        ..ProcessEntry::default()
    };
    State::from_metadata(&Metadata {
        processes: vec![init, shell],
        ..Metadata::default()
    })
}

fn feed(state: &mut State, bytes: Vec<u8>) {
    let ev = Event::parse(&bytes).unwrap();
    state.process(&ev);
}

/// Extracts `field` for the event `bytes` after feeding it.
fn field_after(state: &mut State, bytes: Vec<u8>, field: &str) -> String {
    let ev = Event::parse(&bytes).unwrap();
    let es = state.process(&ev);
    let ctx = EventCtx {
        ev,
        cpu: 0,
        num: 1,
        dump_flags: 0,
        state,
        es,
        buffer_limit: 80,
    };
    let f = Registry::builtin().resolve(field).unwrap();
    match f.extract(&ctx) {
        Value::Na => "<NA>".into(),
        v => v.to_string(),
    }
}

/// A clone exit in today's 21-parameter layout.
fn clone_exit(tid: u64, res: i64, flags: u32, comm: &str) -> Vec<u8> {
    EventBuilder::new(code::SYSCALL_CLONE_20_X)
        .tid(tid)
        .i64(res)
        .str("/bin/bash")
        .str_list(&["-c", "x"])
        .i64(tid as i64)
        .i64(PARENT as i64)
        .i64(1)
        .str("/home/alice")
        .i64(1024)
        .u64(0)
        .u64(0)
        .u32(0)
        .u32(0)
        .u32(0)
        .str(comm)
        .str_list(&["cpu=/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"])
        .u32(flags)
        .u32(1000)
        .u32(1000)
        .i64(tid as i64)
        .i64(PARENT as i64)
        .finish()
}

fn execve_exit(tid: u64, exe: &str, args: &[&str], comm: &str) -> Vec<u8> {
    let mut b = EventBuilder::new(code::SYSCALL_EXECVE_19_X)
        .tid(tid)
        .i64(0)
        .str(exe)
        .str_list(args)
        .i64(tid as i64)
        .i64(tid as i64)
        .i64(PARENT as i64)
        .str("/home/alice")
        .i64(1024)
        .u64(0)
        .u64(0)
        .u32(0)
        .u32(0)
        .u32(0)
        .str(comm)
        .str_list::<&str>(&[])
        .str_list(&["HOME=/home/alice"])
        .u32(34816)
        .i64(tid as i64)
        .u32(1000)
        .u32(1);
    for _ in 20..27 {
        b = b.empty();
    }
    b.str(exe).finish()
}

#[test]
fn fork_creates_a_child_process_with_a_copy_of_the_fds() {
    let mut s = start();
    feed(
        &mut s,
        EventBuilder::new(code::SYSCALL_OPENAT_2_X)
            .tid(PARENT)
            .i64(5)
            .i64(-100)
            .str("notes.txt")
            .u32(3)
            .u32(0)
            .u32(0)
            .u64(0)
            .finish(),
    );
    feed(&mut s, clone_exit(PARENT, 200, 0, "bash"));
    let child = s.threads.get(200).unwrap();
    assert_eq!((child.pid, child.ptid), (200, PARENT as i64));
    assert_eq!(child.fds.get(5).unwrap().name, "/home/alice/notes.txt");
    assert_eq!(child.container_id, "0123456789ab");
}

#[test]
fn a_thread_shares_its_process() {
    let mut s = start();
    const CLONE_THREAD: u32 = 1 << 16;
    feed(&mut s, clone_exit(PARENT, 201, CLONE_THREAD, "bash"));
    let t = s.threads.get(201).unwrap();
    assert_eq!(t.pid, PARENT as i64);
    assert!(!t.is_main());
    assert_eq!(s.threads.group_size(PARENT as i64), 2);
}

#[test]
fn execve_replaces_the_program_and_drops_cloexec_fds() {
    let mut s = start();
    feed(&mut s, clone_exit(PARENT, 300, 0, "bash"));
    feed(
        &mut s,
        EventBuilder::new(code::SYSCALL_OPENAT_2_X)
            .tid(300)
            .i64(7)
            .i64(-100)
            .str("/etc/passwd")
            .u32(1 | (1 << 12))
            .u32(0)
            .u32(0)
            .u64(0)
            .finish(),
    );
    let cmd = field_after(
        &mut s,
        execve_exit(300, "/usr/bin/cat", &["/etc/shadow"], "cat"),
        "proc.cmdline",
    );
    assert_eq!(cmd, "cat /etc/shadow");
    let t = s.threads.get(300).unwrap();
    assert_eq!((t.exepath.as_str(), t.loginuid), ("/usr/bin/cat", 1000));
    assert!(t.fds.get(7).is_none(), "O_CLOEXEC fd survived exec");
}

#[test]
fn exit_reparents_children_to_the_reaper() {
    let mut s = start();
    feed(&mut s, clone_exit(PARENT, 400, 0, "bash"));
    feed(&mut s, clone_exit(400, 401, 0, "sleep"));
    feed(
        &mut s,
        EventBuilder::new(code::PROCEXIT_1_E)
            .tid(400)
            .i64(0)
            .i64(0)
            .u8(0)
            .u8(0)
            .i64(1)
            .finish(),
    );
    s.reap(400);
    assert!(s.threads.get(400).is_none());
    assert_eq!(s.threads.get(401).unwrap().ptid, 1);
}

#[test]
fn fd_kinds_get_their_types() {
    let mut s = start();
    let t = PARENT;
    feed(
        &mut s,
        EventBuilder::new(code::SYSCALL_PIPE2_X)
            .tid(t)
            .i64(0)
            .i64(3)
            .i64(4)
            .u64(0)
            .u32(0)
            .finish(),
    );
    feed(
        &mut s,
        EventBuilder::new(code::SYSCALL_EVENTFD2_X)
            .tid(t)
            .i64(5)
            .u32(0)
            .finish(),
    );
    feed(
        &mut s,
        EventBuilder::new(code::SYSCALL_MEMFD_CREATE_X)
            .tid(t)
            .i64(6)
            .str("jit")
            .u32(0)
            .finish(),
    );
    feed(
        &mut s,
        EventBuilder::new(code::SOCKET_SOCKETPAIR_X)
            .tid(t)
            .i64(0)
            .i64(8)
            .i64(9)
            .u64(1)
            .u64(2)
            .u32(1)
            .u32(1)
            .u32(0)
            .finish(),
    );
    let kind = |fd| s.fd(t as i64, fd).map(|f| f.kind);
    assert_eq!(kind(3), Some(FdKind::FIFO));
    assert_eq!(kind(4), Some(FdKind::FIFO));
    assert_eq!(kind(5), Some(FdKind::EVENT));
    assert_eq!(kind(6), Some(FdKind::MEMFD));
    assert_eq!(kind(8), Some(FdKind::UNIX_SOCK));
    assert_eq!(s.fd(t as i64, 6).unwrap().name, "memfd:jit");
}

#[test]
fn dup_copies_and_close_removes() {
    let mut s = start();
    let t = PARENT;
    feed(
        &mut s,
        EventBuilder::new(code::SYSCALL_OPENAT_2_X)
            .tid(t)
            .i64(3)
            .i64(-100)
            .str("/var/log/syslog")
            .u32(1)
            .u32(0)
            .u32(0)
            .u64(0)
            .finish(),
    );
    feed(
        &mut s,
        EventBuilder::new(code::SYSCALL_DUP2_X)
            .tid(t)
            .i64(10)
            .i64(3)
            .i64(10)
            .finish(),
    );
    assert_eq!(s.fd(t as i64, 10).unwrap().name, "/var/log/syslog");
    let name = field_after(
        &mut s,
        EventBuilder::new(code::SYSCALL_CLOSE_X)
            .tid(t)
            .i64(0)
            .i64(3)
            .finish(),
        "fd.name",
    );
    assert_eq!(
        name, "/var/log/syslog",
        "close still names the fd it closed"
    );
    assert!(s.fd(t as i64, 3).is_none());
    assert!(s.fd(t as i64, 10).is_some());
}

#[test]
fn cwd_follows_chdir_and_fchdir() {
    let mut s = start();
    let t = PARENT;
    feed(
        &mut s,
        EventBuilder::new(code::SYSCALL_CHDIR_X)
            .tid(t)
            .i64(0)
            .str("../bob/./src")
            .finish(),
    );
    assert_eq!(s.cwd(t as i64), "/home/bob/src/");
    feed(
        &mut s,
        EventBuilder::new(code::SYSCALL_OPENAT_2_X)
            .tid(t)
            .i64(4)
            .i64(-100)
            .str("/tmp")
            .u32(1 | (1 << 10))
            .u32(0)
            .u32(0)
            .u64(0)
            .finish(),
    );
    feed(
        &mut s,
        EventBuilder::new(code::SYSCALL_FCHDIR_X)
            .tid(t)
            .i64(0)
            .i64(4)
            .finish(),
    );
    assert_eq!(s.cwd(t as i64), "/tmp/");
}

#[test]
fn sockets_take_tuples_from_connect_and_accept() {
    let mut s = start();
    let t = PARENT;
    feed(
        &mut s,
        EventBuilder::new(code::SOCKET_SOCKET_X)
            .tid(t)
            .i64(3)
            .u32(2)
            .u32(1)
            .u32(0)
            .u32(0)
            .finish(),
    );
    let tuple = SockTuple::V4 {
        src: [10, 0, 0, 5],
        sport: 51000,
        dst: [93, 184, 216, 34],
        dport: 443,
    };
    let rport = field_after(
        &mut s,
        EventBuilder::new(code::SOCKET_CONNECT_X)
            .tid(t)
            .i64(0)
            .socktuple(&tuple)
            .i64(3)
            .empty()
            .finish(),
        "fd.sport",
    );
    assert_eq!(rport, "443");
    assert_eq!(
        s.fd(t as i64, 3).unwrap().name,
        "10.0.0.5:51000->93.184.216.34:443"
    );

    let accepted = SockTuple::V4 {
        src: [192, 168, 1, 9],
        sport: 40000,
        dst: [192, 168, 1, 2],
        dport: 22,
    };
    feed(
        &mut s,
        EventBuilder::new(code::SOCKET_ACCEPT4_6_X)
            .tid(t)
            .i64(4)
            .socktuple(&accepted)
            .u8(0)
            .u32(0)
            .u32(0)
            .i32(0)
            .finish(),
    );
    let fd = s.fd(t as i64, 4).unwrap();
    assert_eq!(fd.kind, FdKind::IPV4_SOCK);
    assert_eq!(fd.name, "192.168.1.9:40000->192.168.1.2:22");
}

#[test]
fn old_exits_take_their_parameters_from_the_enter_event() {
    let mut s = start();
    let t = PARENT;
    feed(
        &mut s,
        EventBuilder::new(code::SOCKET_CONNECT_E)
            .tid(t)
            .i64(3)
            .finish(),
    );
    feed(
        &mut s,
        EventBuilder::new(code::SOCKET_SOCKET_X)
            .tid(t)
            .i64(3)
            .finish(),
    );
    // An old socket exit has only the fd: the enter event had the domain.
    assert_eq!(s.fd(t as i64, 3).unwrap().kind, FdKind::UNKNOWN);
    feed(
        &mut s,
        EventBuilder::new(code::SOCKET_SOCKET_E)
            .tid(t)
            .u32(10)
            .u32(2)
            .u32(0)
            .finish(),
    );
    feed(
        &mut s,
        EventBuilder::new(code::SOCKET_SOCKET_X)
            .tid(t)
            .i64(5)
            .finish(),
    );
    assert_eq!(s.fd(t as i64, 5).unwrap().kind, FdKind::IPV6_SOCK);
}

#[test]
fn unknown_threads_appear_as_sysdig_shows_them() {
    let mut s = start();
    let name = field_after(
        &mut s,
        EventBuilder::new(code::SYSCALL_CLOSE_X)
            .tid(999)
            .i64(0)
            .i64(3)
            .finish(),
        "proc.name",
    );
    assert_eq!(name, "<NA>");
    let t = s.threads.get(999).unwrap();
    assert_eq!((t.pid, t.ptid, t.uid), (999, -1, u32::MAX));
}

#[test]
fn table_bounds_are_counted() {
    let mut s = start();
    s.threads.limits.max_fds_per_process = 2;
    for fd in 3..6 {
        feed(
            &mut s,
            EventBuilder::new(code::SYSCALL_EVENTFD2_X)
                .tid(PARENT)
                .i64(fd)
                .u32(0)
                .finish(),
        );
    }
    assert_eq!(s.threads.get(PARENT as i64).unwrap().fds.len(), 2);
    assert_eq!(s.threads.stats.fds_refused, 1);
}

/// A capture that starts and ends a million short-lived processes leaves
/// the thread table as small as it started: exited threads are reaped.
#[test]
fn a_million_short_lived_processes_leave_no_threads_behind() {
    let mut s = start();
    let before = s.threads.len();
    // Encode each event once and patch its timestamp, tid and result.
    let mut fork = clone_exit(PARENT, 0, 0, "sh");
    let mut exit = EventBuilder::new(code::PROCEXIT_1_E)
        .i64(0)
        .i64(0)
        .u8(0)
        .u8(0)
        .i64(1)
        .finish();
    let res_at = fork.len() - (fork.len() - 26 - 2 * 20);
    for i in 0..1_000_000u64 {
        let child = 10_000 + i;
        let ts = 1_000 + 1_000 * i;
        fork[..8].copy_from_slice(&ts.to_le_bytes());
        fork[res_at..res_at + 8].copy_from_slice(&(child as i64).to_le_bytes());
        s.process(&Event::parse(&fork).unwrap());
        exit[..8].copy_from_slice(&(ts + 500).to_le_bytes());
        exit[8..16].copy_from_slice(&child.to_le_bytes());
        s.process(&Event::parse(&exit).unwrap());
        s.reap(child as i64);
    }
    assert_eq!(s.threads.len(), before);
    assert_eq!(s.threads.stats.threads_removed, 1_000_000);
}

#[test]
fn idle_threads_are_purged_by_event_time() {
    let mut s = start();
    s.threads.limits.idle_timeout_ns = 10;
    s.threads.limits.purge_interval_ns = 5;
    let at = |ts: u64, tid: u64| {
        EventBuilder::new(code::SYSCALL_CLOSE_X)
            .ts(ts)
            .tid(tid)
            .i64(0)
            .i64(3)
            .finish()
    };
    feed(&mut s, at(100, 500));
    feed(&mut s, at(101, 501));
    feed(&mut s, at(200, 501));
    assert!(s.threads.get(500).is_none(), "idle thread kept");
    assert!(s.threads.get(501).is_some());
    assert_eq!(s.threads.stats.threads_purged, 1);
}

#[test]
fn container_metadata_comes_from_container_events() {
    let mut s = start();
    let json = br#"{"container":{"id":"0123456789ab","image":"nginx:1.27","name":"web","type":0,"privileged":true,"labels":{"io.kubernetes.pod.name":"web-0","io.kubernetes.pod.namespace":"shop"}}}"#;
    feed(
        &mut s,
        EventBuilder::new(code::ASYNCEVENT_E)
            .tid(u64::MAX)
            .u32(0)
            .str("container")
            .raw(json)
            .finish(),
    );
    let exec = execve_exit(PARENT, "/usr/sbin/nginx", &[], "nginx");
    // Place the shell in the container through its cgroups.
    let mut state = s;
    state.threads.get_mut(PARENT as i64).unwrap().container_id = "0123456789ab".into();
    for (field, want) in [
        ("container.name", "web"),
        ("container.image.repository", "nginx"),
        ("container.image.tag", "1.27"),
        ("container.privileged", "true"),
        ("k8s.pod.name", "web-0"),
        ("k8s.ns.name", "shop"),
    ] {
        assert_eq!(
            field_after(&mut state, exec.clone(), field),
            want,
            "{field}"
        );
    }
}

#[test]
fn bind_and_listen_make_a_server_socket() {
    let mut s = start();
    let t = PARENT;
    feed(
        &mut s,
        EventBuilder::new(code::SOCKET_SOCKET_X)
            .tid(t)
            .i64(3)
            .u32(2)
            .u32(1)
            .u32(0)
            .u32(0)
            .finish(),
    );
    let addr = peregrine_libscap::event::SockAddr::V4([0, 0, 0, 0], 8080);
    feed(
        &mut s,
        EventBuilder::new(code::SOCKET_BIND_X)
            .tid(t)
            .i64(0)
            .sockaddr(&addr)
            .i64(3)
            .finish(),
    );
    feed(
        &mut s,
        EventBuilder::new(code::SOCKET_LISTEN_X)
            .tid(t)
            .i64(0)
            .i64(3)
            .i32(128)
            .finish(),
    );
    let fd = s.fd(t as i64, 3).unwrap();
    assert_eq!(fd.kind, FdKind::IPV4_SERVSOCK);
    assert_eq!(fd.name, "0.0.0.0:8080");
    assert!(fd.role & peregrine_libsinsp::fd::role::SERVER != 0);
}
