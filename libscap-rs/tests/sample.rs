//! The sample capture shipped in `tests/data/sample.scap`, which the README
//! reads: a small, deterministic capture of `cat` reading a file and
//! `curl` failing to connect to a local server, made by this test.
//!
//! Run with `REGENERATE_SAMPLE=1` to rewrite the file after changing it.

use std::path::PathBuf;

use peregrine_libscap::capture::meta::{FdEntry, FdInfo, FdKind, FdTable, ProcessEntry};
use peregrine_libscap::capture::{CaptureReader, CaptureWriter, Compression, Metadata};
use peregrine_libscap::event::{code, Event, EventBuilder, SockTuple};

const BASE_TS: u64 = 1_764_000_000_000_000_000;

fn process(tid: u64, ptid: u64, comm: &str, exe: &str, args: &[&str]) -> ProcessEntry {
    ProcessEntry {
        tid,
        pid: tid,
        ptid,
        comm: comm.into(),
        exe: exe.into(),
        exepath: exe.into(),
        args: args.iter().map(|a| a.as_bytes().to_vec()).collect(),
        cwd: b"/home/alice".to_vec(),
        fdlimit: 1024,
        uid: 1000,
        gid: 1000,
        vtid: tid as i64,
        vpid: tid as i64,
        ..ProcessEntry::default()
    }
}

fn metadata() -> Metadata {
    let file = |fd: i64, path: &str| FdEntry {
        fd,
        ino: 0,
        kind: FdKind::FILE_V2,
        info: FdInfo::File {
            open_flags: 2,
            path: path.into(),
            dev: 0,
        },
    };
    Metadata {
        version: (1, 2),
        processes: vec![
            process(1, 0, "systemd", "/sbin/init", &[]),
            process(4100, 1, "bash", "/bin/bash", &[]),
            process(4101, 4100, "cat", "/bin/cat", &["/etc/hosts"]),
            process(4102, 4100, "curl", "/usr/bin/curl", &["localhost:8080"]),
        ],
        fds: vec![FdTable {
            tid: 4100,
            fds: (0..3).map(|fd| file(fd, "/dev/pts/0")).collect(),
        }],
        ..Metadata::default()
    }
}

fn events() -> Vec<(u16, Vec<u8>)> {
    let mut ts = BASE_TS;
    let mut next = |b: EventBuilder, tid: u64| {
        ts += 12_345;
        b.ts(ts).tid(tid).finish()
    };
    let tuple = SockTuple::V4 {
        src: [127, 0, 0, 1],
        sport: 40_322,
        dst: [127, 0, 0, 1],
        dport: 8080,
    };
    // Parameter counts are those of the 2022 event table, which sysdig
    // 0.29.3 knows; readers accept events with fewer trailing parameters.
    vec![
        (
            0,
            next(
                EventBuilder::new(code::SYSCALL_OPEN_E)
                    .str("/etc/hosts")
                    .u32(1)
                    .u32(0),
                4101,
            ),
        ),
        (
            0,
            next(
                EventBuilder::new(code::SYSCALL_OPEN_X)
                    .i64(3)
                    .str("/etc/hosts")
                    .u32(4097)
                    .u32(0)
                    .u32(0x803),
                4101,
            ),
        ),
        (
            0,
            next(
                EventBuilder::new(code::SYSCALL_READ_E).i64(3).u32(4096),
                4101,
            ),
        ),
        (
            0,
            next(
                EventBuilder::new(code::SYSCALL_READ_X)
                    .i64(24)
                    .raw(b"127.0.0.1\tlocalhost\n::1\t"),
                4101,
            ),
        ),
        (
            0,
            next(
                EventBuilder::new(code::SYSCALL_OPEN_X)
                    .i64(-2)
                    .str("/home/alice/missing.txt")
                    .u32(1)
                    .u32(0)
                    .u32(0),
                4101,
            ),
        ),
        (
            1,
            next(EventBuilder::new(code::SYSCALL_CLOSE_E).i64(3), 4101),
        ),
        (
            1,
            next(EventBuilder::new(code::SYSCALL_CLOSE_X).i64(0), 4101),
        ),
        (
            1,
            next(
                EventBuilder::new(code::SOCKET_SOCKET_E)
                    .u32(2)
                    .u32(1)
                    .u32(0),
                4102,
            ),
        ),
        (
            1,
            next(EventBuilder::new(code::SOCKET_SOCKET_X).i64(4), 4102),
        ),
        (
            1,
            next(
                EventBuilder::new(code::SOCKET_CONNECT_X)
                    .i64(-111)
                    .socktuple(&tuple),
                4102,
            ),
        ),
        (
            1,
            next(EventBuilder::new(code::SYSCALL_CLOSE_X).i64(0), 4102),
        ),
    ]
}

fn build(path: &std::path::Path) {
    let mut w = CaptureWriter::create(path, &metadata(), Compression::Gzip(9)).unwrap();
    for (cpu, bytes) in events() {
        w.write_event(&Event::parse(&bytes).unwrap(), cpu, 0)
            .unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn the_shipped_sample_is_current() {
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sample.scap");
    if std::env::var_os("REGENERATE_SAMPLE").is_some() {
        build(&shipped);
    }
    let tmp = tempfile::tempdir().unwrap();
    let fresh = tmp.path().join("sample.scap");
    build(&fresh);

    // gzip output is deterministic for the same input and level, so the
    // shipped file must be byte for byte what this test makes.
    assert_eq!(
        std::fs::read(&shipped).unwrap(),
        std::fs::read(&fresh).unwrap()
    );

    let mut reader = CaptureReader::open(&shipped).unwrap();
    assert_eq!(reader.metadata().processes.len(), 4);
    let mut n = 0;
    while reader.next_event().unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, events().len());
}
