//! `peregrine read`: print, count or rewrite the events of a capture.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use peregrine::scap::capture::{CaptureReader, Compression, RotatingWriter, RotationPolicy};
use peregrine::scap::event;
use peregrine::sinsp::{EventFilter, Formatter, Inspector};

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

    /// Print each event with this format (`%field` templates, as sysdig's
    /// `-p`; a leading `*` prints events with missing fields too).
    #[arg(short = 'p', long = "print", value_name = "FORMAT")]
    format: Option<String>,

    /// Print events as JSON objects, one per line.
    #[arg(short = 'j', long = "json")]
    json: bool,

    /// Only events matching this condition (sysdig and Falco syntax, such
    /// as `evt.type=open and fd.name contains passwd`).
    #[arg(value_name = "FILTER")]
    filter: Vec<String>,
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
    print_events(&args, reader, limit)
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

/// sysdig's default line.
const DEFAULT_FORMAT: &str =
    "*%evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.args";

/// sysdig's default fields in JSON.
const DEFAULT_JSON_FORMAT: &str = "*%evt.cpu %evt.dir %evt.info %evt.num %evt.outputtime \
     %evt.type %proc.name %thread.tid";

fn print_events(args: &ReadArgs, reader: CaptureReader, limit: u64) -> anyhow::Result<ExitCode> {
    let mut inspector = Inspector::new(reader);
    let format = match (&args.format, args.json) {
        (Some(f), _) => f.as_str(),
        (None, true) => DEFAULT_JSON_FORMAT,
        (None, false) => DEFAULT_FORMAT,
    };
    let formatter = Formatter::new(inspector.registry(), format)?;
    let filter = match args.filter.is_empty() {
        true => None,
        false => Some(EventFilter::new(
            inspector.registry(),
            &args.filter.join(" "),
        )?),
    };

    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut seen = 0u64;
    while seen < limit {
        let Some(ctx) = inspector.next_event()? else {
            break;
        };
        seen += 1;
        if !ctx.is_shown() || filter.as_ref().is_some_and(|f| !f.matches(&ctx)) {
            continue;
        }
        let line = if args.json {
            formatter.json(&ctx)
        } else {
            formatter.text(&ctx)
        };
        let Some(mut line) = line else {
            continue;
        };
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
