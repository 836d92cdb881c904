//! Interoperability with sysdig 0.29.3 (Debian's `sysdig` package):
//! `peregrine read` prints, byte for byte, the lines sysdig printed for the
//! conformance traces; the captures `peregrine read -w` writes, rewritten
//! from those traces or synthesized by the project, are read by sysdig with
//! the same output as the originals and as `peregrine read` prints.
//!
//! Skips with a printed reason when sysdig or the conformance data is
//! missing; `.ci/run` installs sysdig.

use std::path::{Path, PathBuf};
use std::process::Command;

const TRACES: [&str; 6] = [
    "cat_write",
    "connect_localhost",
    "empty",
    "open-multiple-files",
    "ping_sendto",
    "syscall",
];

fn conformance_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance"),
    };
    dir.is_dir().then_some(dir)
}

fn has_sysdig() -> bool {
    Command::new("sysdig")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.env("TZ", "UTC").output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sysdig(path: &Path) -> String {
    run(Command::new("sysdig").arg("-r").arg(path))
}

fn peregrine(args: &[&std::ffi::OsStr]) -> String {
    run(Command::new(env!("CARGO_BIN_EXE_peregrine")).args(args))
}

fn compare_lines(sysdig_out: &str, ours: &str, what: &str) -> usize {
    let theirs: Vec<&str> = sysdig_out.lines().collect();
    let ours: Vec<&str> = ours.lines().collect();
    assert_eq!(theirs.len(), ours.len(), "{what}: line counts differ");
    for (n, (a, b)) in theirs.iter().zip(&ours).enumerate() {
        assert_eq!(a, b, "{what}: line {}", n + 1);
    }
    theirs.len()
}

#[test]
fn read_prints_what_sysdig_printed() {
    let Some(dir) = conformance_dir() else {
        println!("skipped: no conformance data (set CONFORMANCE_DIR)");
        return;
    };
    let mut lines = 0;
    for name in TRACES {
        let trace = dir.join(format!("falco-tests/trace_files/{name}.scap"));
        let want = std::fs::read_to_string(dir.join(format!("sysdig/{name}.txt"))).unwrap();
        let ours = peregrine(&["read".as_ref(), "-r".as_ref(), trace.as_os_str()]);
        lines += compare_lines(&want, &ours, name);
    }
    println!("{lines} lines identical to sysdig's");
    assert!(lines > 200);
}

#[test]
fn sysdig_reads_rewritten_traces_as_the_originals() {
    let Some(dir) = conformance_dir() else {
        println!("skipped: no conformance data (set CONFORMANCE_DIR)");
        return;
    };
    if !has_sysdig() {
        println!("skipped: sysdig is not installed (apt-get install sysdig)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut lines = 0;
    for name in TRACES {
        let original = dir.join(format!("falco-tests/trace_files/{name}.scap"));
        let expected = sysdig(&original);
        for gzip in [false, true] {
            let out = tmp.path().join(format!("{name}-{gzip}.scap"));
            let mut args = vec![
                "read".as_ref(),
                "-r".as_ref(),
                original.as_os_str(),
                "-w".as_ref(),
                out.as_os_str(),
            ];
            if gzip {
                args.push("-z".as_ref());
            }
            peregrine(&args);

            let rewritten = sysdig(&out);
            assert_eq!(rewritten, expected, "{name} (gzip: {gzip})");
            let ours = peregrine(&["read".as_ref(), "-r".as_ref(), out.as_os_str()]);
            lines += compare_lines(&rewritten, &ours, name);
        }
    }
    println!("compared {lines} lines with sysdig");
}

/// Filters, formats and JSON, run by sysdig and by peregrine on the same
/// trace, print the same bytes.
#[test]
fn filters_and_formats_print_what_sysdig_prints() {
    let Some(dir) = conformance_dir() else {
        println!("skipped: no conformance data (set CONFORMANCE_DIR)");
        return;
    };
    if !has_sysdig() {
        println!("skipped: sysdig is not installed (apt-get install sysdig)");
        return;
    }
    let cases: [(&str, &[&str]); 8] = [
        ("cat_write", &["evt.type=open and evt.dir=<"]),
        (
            "cat_write",
            &[
                "-p",
                "%evt.num %proc.name %fd.name %fd.directory",
                "fd.name contains libc",
            ],
        ),
        ("cat_write", &["-j"]),
        (
            "cat_write",
            &[
                "-p",
                "%proc.pname %proc.aname[2] %user.uid %evt.res",
                "evt.failed=true",
            ],
        ),
        (
            "connect_localhost",
            &["-j", "-p", "%fd.name %fd.cip %fd.sport %fd.l4proto"],
        ),
        (
            "open-multiple-files",
            &["evt.type in (open, close) and not fd.name startswith /usr"],
        ),
        (
            "ping_sendto",
            &["-p", "*%evt.num %fd.name %evt.buflen", "evt.type=sendmsg"],
        ),
        ("syscall", &["proc.name exists or evt.num > 185"]),
    ];
    for (name, args) in cases {
        let trace = dir.join(format!("falco-tests/trace_files/{name}.scap"));
        let mut theirs = Command::new("sysdig");
        theirs.arg("-r").arg(&trace).args(args);
        let mut ours: Vec<&std::ffi::OsStr> =
            vec!["read".as_ref(), "-r".as_ref(), trace.as_os_str()];
        ours.extend(args.iter().map(std::ffi::OsStr::new));
        let what = format!("{name} {args:?}");
        let n = compare_lines(&run(&mut theirs), &peregrine(&ours), &what);
        assert!(n > 0, "{what}: no output");
    }
}

#[test]
fn sysdig_reads_the_shipped_sample() {
    if !has_sysdig() {
        println!("skipped: sysdig is not installed (apt-get install sysdig)");
        return;
    }
    let sample =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("libscap-rs/tests/data/sample.scap");
    let theirs = sysdig(&sample);
    let ours = peregrine(&["read".as_ref(), "-r".as_ref(), sample.as_os_str()]);
    let n = compare_lines(&theirs, &ours, "sample");
    assert!(n >= 8, "sysdig showed only {n} events");
}

#[test]
fn rotation_splits_and_keeps_the_newest_files() {
    let Some(dir) = conformance_dir() else {
        println!("skipped: no conformance data (set CONFORMANCE_DIR)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let original = dir.join("falco-tests/trace_files/ping_sendto.scap");
    let out = tmp.path().join("rot.scap");
    peregrine(&[
        "read".as_ref(),
        "-r".as_ref(),
        original.as_os_str(),
        "-w".as_ref(),
        out.as_os_str(),
        "-e".as_ref(),
        "500".as_ref(),
        "-W".as_ref(),
        "2".as_ref(),
    ]);
    let mut names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // 1,526 events in files of 500: four files, the newest two kept.
    assert_eq!(names, ["rot-000002.scap", "rot-000003.scap"]);
    let stats = peregrine(&[
        "read".as_ref(),
        "-r".as_ref(),
        tmp.path().join("rot-000003.scap").as_os_str(),
        "--stats".as_ref(),
    ]);
    assert!(stats.contains("total events: 26"), "{stats}");
}
