//! `replay-bench [N] [--peregrine PATH]`: replays a synthetic capture of N
//! events (default 2,000,000) through `peregrine read` and through
//! `sysdig -r`, each with a filter that matches nothing, and prints both
//! rates side by side.
//!
//! Both tools parse every event into their state engine and evaluate the
//! filter on it; nothing is printed, so the figures are parse and state
//! costs. Each tool runs three times, alternating, and the best wall time
//! counts. sysdig comes from Debian's `sysdig` package (0.29.3).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use peregrine_benches::synthesize;
use peregrine_libscap::capture::Compression;

/// A filter no event matches: the condition is evaluated on every event.
const FILTER: &str = "proc.name=no-such-process-name";

const RUNS: usize = 3;

fn time_run(cmd: &mut Command) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let out = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("running {cmd:?}"))?;
    let took = start.elapsed();
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    if !out.stdout.is_empty() {
        bail!("{cmd:?} printed events; the filter should match none");
    }
    Ok(took)
}

fn peregrine_binary(arg: Option<PathBuf>) -> PathBuf {
    arg.unwrap_or_else(|| {
        let me = std::env::current_exe().unwrap_or_default();
        me.with_file_name("peregrine")
    })
}

fn report(name: &str, events: u64, best: Duration) {
    let rate = events as f64 / best.as_secs_f64();
    println!(
        "{name:<10} {:>8.3} s  {:>6.2} M events/s",
        best.as_secs_f64(),
        rate / 1e6
    );
}

fn main() -> anyhow::Result<()> {
    let mut events = 2_000_000u64;
    let mut peregrine = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--peregrine" => peregrine = args.next().map(PathBuf::from),
            n => events = n.replace('_', "").parse().context("N must be a number")?,
        }
    }
    let peregrine = peregrine_binary(peregrine);

    let dir = tempfile::tempdir()?;
    let file = dir.path().join("replay.scap");
    synthesize(&file, events, Compression::None)?;
    let size = std::fs::metadata(&file)?.len();
    println!("capture: {events} events, {size} bytes, filter '{FILTER}'");

    let ours = |f: &Path| {
        let mut c = Command::new(&peregrine);
        c.args(["read", "-r"]).arg(f).arg(FILTER);
        c
    };
    let theirs = |f: &Path| {
        let mut c = Command::new("sysdig");
        c.arg("-r").arg(f).arg(FILTER);
        c
    };
    let (mut best_ours, mut best_theirs) = (Duration::MAX, Duration::MAX);
    for _ in 0..RUNS {
        best_ours = best_ours.min(time_run(&mut ours(&file))?);
        best_theirs = best_theirs.min(time_run(&mut theirs(&file))?);
    }
    report("peregrine", events, best_ours);
    report("sysdig", events, best_theirs);
    println!(
        "peregrine/sysdig: {:.2}x",
        best_theirs.as_secs_f64() / best_ours.as_secs_f64()
    );
    Ok(())
}
