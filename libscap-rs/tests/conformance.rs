//! Reading the Falco project's capture files, and comparing the rendered
//! arguments with what sysdig 0.29.3 printed for them.
//!
//! The data is read in place from `CONFORMANCE_DIR` (or
//! `../shared/conformance`); without it the tests say so and pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

use peregrine_libscap::capture::{block, CaptureReader, CaptureWriter, Compression};
use peregrine_libscap::event::{code, render, Event};

fn conformance_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: no conformance data at {}", dir.display());
        None
    }
}

const TRACES: [(&str, u64); 6] = [
    ("cat_write", 345),
    ("connect_localhost", 374),
    ("empty", 143),
    ("open-multiple-files", 1272),
    ("ping_sendto", 1526),
    ("syscall", 368),
];

fn trace(dir: &std::path::Path, name: &str) -> PathBuf {
    dir.join("falco-tests/trace_files")
        .join(format!("{name}.scap"))
}

fn counts_by_type(path: &std::path::Path) -> BTreeMap<u16, u64> {
    let mut reader = CaptureReader::open(path).unwrap();
    let mut counts = BTreeMap::new();
    while let Some(ev) = reader.next_event().unwrap() {
        *counts.entry(ev.event.code()).or_default() += 1;
    }
    counts
}

#[test]
fn every_trace_reads_to_the_end_with_the_expected_count() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    for (name, expected) in TRACES {
        let counts = counts_by_type(&trace(&dir, name));
        let total: u64 = counts.values().sum();
        assert_eq!(total, expected, "{name}");
    }
}

#[test]
fn per_type_counts_match_the_traces() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    // Counted independently from sysdig's listing and the trace contents.
    let cat = counts_by_type(&trace(&dir, "cat_write"));
    assert_eq!(cat[&code::SYSCALL_OPEN_E], 4);
    assert_eq!(cat[&code::SYSCALL_OPEN_X], 4);
    assert_eq!(cat[&code::SYSCALL_READ_X], 2);
    assert_eq!(cat[&code::PROCINFO_E], 260);
    assert_eq!(cat[&code::SYSCALL_EXECVE_16_X], 1);
    assert_eq!(cat[&code::PROCEXIT_1_E], 1);
    let ping = counts_by_type(&trace(&dir, "ping_sendto"));
    assert_eq!(ping[&code::SOCKET_SENDMSG_E], 10);
    assert_eq!(ping[&code::SOCKET_SENDMSG_X], 10);
    let omf = counts_by_type(&trace(&dir, "open-multiple-files"));
    let containers = omf.get(&code::CONTAINER_JSON_E).copied().unwrap_or(0)
        + omf.get(&code::CONTAINER_E).copied().unwrap_or(0);
    assert_eq!(containers, 3);
}

#[test]
fn headers_have_the_documented_versions() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let version = |n| {
        CaptureReader::open(trace(&dir, n))
            .unwrap()
            .metadata()
            .version
    };
    assert_eq!(version("cat_write"), (1, 0));
    assert_eq!(version("empty"), (1, 2));
    assert_eq!(version("syscall"), (1, 1));
    let reader = CaptureReader::open(trace(&dir, "cat_write")).unwrap();
    assert!(reader.metadata().block_types.contains(&0x212), "PL V6");
    assert!(reader.metadata().block_types.contains(&block::EV));
}

/// Removes what only state can add to a sysdig line's arguments: the
/// annotations of fds and thread ids.
fn strip_state(args: &str) -> String {
    let mut out = String::with_capacity(args.len());
    for word in args.split(' ') {
        let keep = match word.split_once('=') {
            Some((name, value)) if STATEFUL.contains(&name) => value
                .split_once('(')
                .map_or(word.to_string(), |(v, _)| format!("{name}={v}")),
            _ => word.to_string(),
        };
        out.push_str(&keep);
        out.push(' ');
    }
    out.pop();
    out
}

const STATEFUL: [&str; 4] = ["fd", "tid", "pid", "ptid"];

#[test]
fn rendered_arguments_match_sysdig() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let mut compared = 0;
    for (name, _) in TRACES {
        let text = std::fs::read_to_string(dir.join(format!("sysdig/{name}.txt"))).unwrap();
        let expected: BTreeMap<u64, String> = text
            .lines()
            .filter_map(|l| {
                let mut parts = l.splitn(8, ' ');
                let num = parts.next()?.parse().ok()?;
                Some((num, strip_state(parts.nth(6).unwrap_or(""))))
            })
            .collect();

        let mut reader = CaptureReader::open(trace(&dir, name)).unwrap();
        let mut num = 0u64;
        while let Some(ev) = reader.next_event().unwrap() {
            num += 1;
            let Some(want) = expected.get(&num) else {
                continue;
            };
            let mut got = String::new();
            render::write_args(
                &mut got,
                &ev.event,
                &render::NoState,
                &render::RenderOptions::default(),
            );
            assert_eq!(&strip_state(&got), want, "{name} event {num}");
            compared += 1;
        }
    }
    println!("compared the arguments of {compared} events with sysdig");
    assert!(compared > 200);
}

#[test]
fn rewritten_traces_read_back_identically() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for (name, _) in TRACES {
        for compression in [Compression::None, Compression::Gzip(1)] {
            let out = tmp.path().join(format!("{name}.scap"));
            let mut reader = CaptureReader::open(trace(&dir, name)).unwrap();
            let mut writer = CaptureWriter::create(&out, reader.metadata(), compression).unwrap();
            let mut original = Vec::new();
            while let Some(ev) = reader.next_event().unwrap() {
                writer
                    .write_event(&ev.event, ev.cpu, ev.dump_flags)
                    .unwrap();
                original.push((ev.event.as_bytes().to_vec(), ev.cpu, ev.dump_flags));
            }
            writer.finish().unwrap();

            let mut again = CaptureReader::open(&out).unwrap();
            assert_eq!(again.metadata().processes, reader.metadata().processes);
            assert_eq!(again.metadata().fds, reader.metadata().fds);
            assert_eq!(again.metadata().users, reader.metadata().users);
            assert_eq!(again.metadata().interfaces, reader.metadata().interfaces);
            assert_eq!(again.metadata().machine, reader.metadata().machine);
            let mut n = 0;
            while let Some(ev) = again.next_event().unwrap() {
                let (bytes, cpu, flags) = &original[n];
                assert_eq!(ev.event.as_bytes(), &bytes[..], "{name} event {n}");
                assert_eq!((ev.cpu, ev.dump_flags), (*cpu, *flags));
                n += 1;
            }
            assert_eq!(n, original.len(), "{name}");
        }
    }
}

#[test]
fn every_parameter_of_every_trace_decodes() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    for (name, _) in TRACES {
        let mut reader = CaptureReader::open(trace(&dir, name)).unwrap();
        while let Some(ev) = reader.next_event().unwrap() {
            let e: Event<'_> = ev.event;
            for i in 0..e.nparams() as usize {
                assert!(e.param(i).is_some(), "{name}: {e:?} param {i}");
            }
        }
    }
}
