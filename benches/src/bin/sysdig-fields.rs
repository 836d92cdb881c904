//! `sysdig-fields FORMAT_FILE [N] [--peregrine PATH]`: compares the field
//! values sysdig 0.29.3 and peregrine give for a synthetic capture.
//!
//! The capture holds N events of the benches workload (default 20,000),
//! each cut to the parameters its code had in the 2022 event table, the
//! one sysdig 0.29.3 reads with; codes that table lacked are left out.
//! Both tools print the fields of FORMAT_FILE (for example
//! `shared/conformance/sysdig/FORMAT.txt`) as JSON, and the tool reports,
//! per field, how many values differ, with the first difference.
//!
//! This is a measurement to drive the state engine toward sysdig's
//! behaviour on synthetic traffic; the conformance traces are compared by
//! the test suite.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use peregrine_benches::{Workload, SEED};
use peregrine_libscap::capture::{CaptureWriter, Compression, Metadata};
use peregrine_libscap::event::{legacy_nparams, Event, EventBuilder};

/// Writes `n` workload events in the 2022 layouts; returns how many.
fn write_legacy_capture(path: &Path, n: usize) -> anyhow::Result<usize> {
    let mut w = CaptureWriter::create(path, &Metadata::default(), Compression::None)?;
    let mut written = 0;
    for synth in Workload::new(SEED).take(n) {
        let ev = Event::parse(&synth.bytes)?;
        let Some(keep) = legacy_nparams(ev.code()) else {
            continue;
        };
        let mut b = EventBuilder::new(ev.code()).ts(ev.ts()).tid(ev.tid());
        for p in ev.params().take(keep) {
            b = b.raw(p);
        }
        let bytes = b.finish();
        w.write_event(&Event::parse(&bytes)?, synth.cpu, 0)?;
        written += 1;
    }
    w.finish()?;
    Ok(written)
}

fn json_lines(cmd: &mut Command) -> anyhow::Result<BTreeMap<u64, serde_json::Value>> {
    let out = cmd
        .env("TZ", "UTC")
        .output()
        .with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| Some((v["evt.num"].as_u64()?, v)))
        .collect())
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let format_file = args
        .next()
        .context("usage: sysdig-fields FORMAT_FILE [N] [--peregrine PATH]")?;
    let mut n = 20_000usize;
    let mut peregrine = std::env::current_exe()?.with_file_name("peregrine");
    while let Some(a) = args.next() {
        match a.as_str() {
            "--peregrine" => peregrine = PathBuf::from(args.next().context("--peregrine PATH")?),
            v => n = v.parse().context("N must be a number")?,
        }
    }
    let format = std::fs::read_to_string(&format_file)
        .with_context(|| format!("{format_file}: cannot read the format"))?;
    let format = format.trim();

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("legacy.scap");
    let written = write_legacy_capture(&path, n)?;
    let theirs = json_lines(
        Command::new("sysdig")
            .arg("-r")
            .arg(&path)
            .args(["-j", "-p", format]),
    )?;
    let ours = json_lines(
        Command::new(&peregrine)
            .args(["read", "-r"])
            .arg(&path)
            .args(["-j", "-p", format]),
    )?;

    let mut diffs: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let (mut compared, mut missing) = (0usize, 0usize);
    for (num, want) in &theirs {
        let Some(got) = ours.get(num) else {
            missing += 1;
            continue;
        };
        for (field, w) in want.as_object().into_iter().flatten() {
            compared += 1;
            if &got[field] != w {
                let first = format!("#{num}: sysdig {w} peregrine {}", got[field]);
                diffs.entry(field.clone()).or_insert((0, first)).0 += 1;
            }
        }
    }
    let total: usize = diffs.values().map(|d| d.0).sum();
    println!(
        "{written} events written; sysdig showed {}, peregrine {}; {missing} missing; \
         {compared} values compared, {total} differ",
        theirs.len(),
        ours.len()
    );
    for (field, (count, first)) in &diffs {
        let first: String = first.chars().take(200).collect();
        println!("{field:<28} {count:>7}  {first}");
    }
    Ok(())
}
