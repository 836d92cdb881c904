//! `peregrine read`: print, count or rewrite the events of a capture.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::{Local, TimeZone};
use clap::Args;
use peregrine::scap::capture::{
    block, CaptureReader, CapturedEvent, Compression, RotatingWriter, RotationPolicy,
};
use peregrine::scap::event::{self, code, render, Event};

/// Options of `peregrine read`.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// The capture file to read (gzip or plain).
    #[arg(short = 'r', long = "read", value_name = "FILE")]
    file: PathBuf,

    /// Stop after this many events.
    #[arg(short = 'n', long = "numevents", value_name = "N")]
    count: Option<u64>,

    /// Write the events read to this capture file instead of printing them.
    #[arg(short = 'w', long = "write", value_name = "OUT")]
    write: Option<PathBuf>,

    /// Compress what `-w` writes with gzip.
    #[arg(short = 'z', long = "compress", requires = "write")]
    compress: bool,

    /// With `-w`, start a new file every this many megabytes (10^6 bytes).
    #[arg(short = 'C', long = "file-size", value_name = "MB", requires = "write")]
    file_size: Option<u64>,

    /// With `-w`, start a new file every this many seconds of event time.
    #[arg(short = 'G', long = "seconds", value_name = "SECS", requires = "write")]
    seconds: Option<u64>,

    /// With `-w`, start a new file every this many events.
    #[arg(short = 'e', long = "events", value_name = "N", requires = "write")]
    events: Option<u64>,

    /// With `-w` and rotation, keep only the newest N files.
    #[arg(short = 'W', long = "limit", value_name = "N", requires = "write")]
    keep: Option<usize>,

    /// Print event counts per type instead of the events.
    #[arg(long)]
    stats: bool,
}

/// Runs `peregrine read`.
pub fn run(args: ReadArgs) -> anyhow::Result<ExitCode> {
    let mut reader = CaptureReader::open(&args.file)?;
    let limit = args.count.unwrap_or(u64::MAX);

    if let Some(out) = &args.write {
        let policy = RotationPolicy {
            max_bytes: args.file_size.map(|mb| mb * 1_000_000),
            max_seconds: args.seconds,
            max_events: args.events,
            keep: args.keep,
        };
        let compression = if args.compress {
            Compression::Gzip(6)
        } else {
            Compression::None
        };
        return rewrite(&mut reader, out, compression, policy, limit);
    }
    if args.stats {
        return stats(&mut reader, limit);
    }
    print_events(&mut reader, limit)
}

fn rewrite(
    reader: &mut CaptureReader,
    out: &PathBuf,
    compression: Compression,
    policy: RotationPolicy,
    limit: u64,
) -> anyhow::Result<ExitCode> {
    let mut writer = RotatingWriter::new(out, reader.metadata().clone(), compression, policy);
    let mut n = 0;
    while n < limit {
        let Some(ev) = reader.next_event()? else {
            break;
        };
        writer.write_event(&ev.event, ev.cpu, ev.dump_flags)?;
        n += 1;
    }
    let files = writer.finish()?;
    eprintln!("wrote {n} events to {} file(s)", files.len());
    Ok(ExitCode::SUCCESS)
}

/// The name `evt.type` shows: the system call's for generic events.
pub fn event_type_name(ev: &Event<'_>) -> &'static str {
    if ev.code() == code::GENERIC_E || ev.code() == code::GENERIC_X {
        let id = ev.value(0).and_then(|v| v.as_u64());
        return id
            .and_then(|id| event::syscall_name(id as u16))
            .unwrap_or("<unknown>");
    }
    ev.info().map_or("<unknown>", |i| i.name)
}

/// Whether sysdig lists the event. Internal events such as `procinfo`,
/// events a capture stored only to carry state, and container metadata
/// events feed the state engine but are not shown.
fn is_shown(ev: &CapturedEvent<'_>) -> bool {
    let e = &ev.event;
    let internal = e
        .info()
        .is_none_or(|i| i.category & event::category::INTERNAL != 0);
    let container = matches!(
        e.code(),
        code::CONTAINER_E | code::CONTAINER_JSON_E | code::CONTAINER_JSON_2_E
    );
    !internal && !container && ev.dump_flags & block::DF_STATE_ONLY == 0
}

fn print_events(reader: &mut CaptureReader, limit: u64) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let opts = render::RenderOptions::default();
    let mut line = String::with_capacity(512);
    let mut num = 0u64;
    while num < limit {
        let Some(ev) = reader.next_event()? else {
            break;
        };
        num += 1;
        if !is_shown(&ev) {
            continue;
        }
        line.clear();
        format_line(&mut line, num, &ev, &opts);
        line.push('\n');
        if let Err(e) = out.write_all(line.as_bytes()) {
            return broken_pipe_ok(e);
        }
    }
    if let Err(e) = out.flush() {
        return broken_pipe_ok(e);
    }
    Ok(ExitCode::SUCCESS)
}

fn broken_pipe_ok(e: io::Error) -> anyhow::Result<ExitCode> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(e).context("writing to standard output")
    }
}

/// sysdig's default line: `%evt.num %evt.time %evt.cpu %proc.name
/// (%thread.tid) %evt.dir %evt.type %evt.args`.
fn format_line(line: &mut String, num: u64, ev: &CapturedEvent<'_>, opts: &render::RenderOptions) {
    use std::fmt::Write as _;
    let e = &ev.event;
    let ts = e.ts();
    let time = Local.timestamp_nanos(ts as i64);
    let _ = write!(
        line,
        "{num} {}.{:09} {} <NA> ({}) {} {} ",
        time.format("%H:%M:%S"),
        ts % 1_000_000_000,
        ev.cpu,
        e.tid() as i64,
        event::Direction::of(e.code()).symbol(),
        event_type_name(e),
    );
    // TODO(state): process names and fd annotations need the state engine
    // of libsinsp-rs; until it lands they print as sysdig does without
    // state (`<NA>`, bare fd numbers).
    render::write_args(line, e, &render::NoState, opts);
}

fn stats(reader: &mut CaptureReader, limit: u64) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut counts = vec![0u64; event::EVENT_COUNT];
    let mut total = 0u64;
    while total < limit {
        let Some(ev) = reader.next_event()? else {
            break;
        };
        counts[ev.event.code() as usize] += 1;
        total += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();

    let mut rows: Vec<(u16, u64)> = counts
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(c, &n)| (c as u16, n))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = io::stdout().lock();
    writeln!(out, "{:>12}  {:<4} type", "events", "dir")?;
    for (c, n) in rows {
        let info = event::event_info(c).map_or("<unknown>", |i| i.name);
        let dir = event::Direction::of(c).symbol();
        writeln!(out, "{n:>12}  {dir:<4} {info} ({c})")?;
    }
    let s = reader.stats();
    writeln!(out, "total events: {total}")?;
    writeln!(
        out,
        "skipped: {} unknown event codes, {} unknown blocks; sections: {}",
        s.unknown_events, s.unknown_blocks, s.sections
    )?;
    writeln!(
        out,
        "elapsed: {elapsed:.3} s, {:.0} events/s, {} uncompressed bytes",
        total as f64 / elapsed.max(1e-9),
        reader.offset()
    )?;
    Ok(ExitCode::SUCCESS)
}
