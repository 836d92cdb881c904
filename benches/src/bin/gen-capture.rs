//! `gen-capture OUT N [--gzip]`: writes a synthetic capture of N events.
//!
//! The events come from `peregrine_benches::Workload` with a fixed seed,
//! so two runs with the same N write the same events. Use it to make large
//! captures for timing `peregrine read`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use peregrine_benches::synthesize;
use peregrine_libscap::capture::Compression;

const USAGE: &str = "usage: gen-capture OUT N [--gzip]";

/// The command line, parsed.
struct Options {
    out: PathBuf,
    events: u64,
    compression: Compression,
}

fn parse_args(args: impl Iterator<Item = String>) -> anyhow::Result<Options> {
    let mut gzip = false;
    let mut positional = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--gzip" => gzip = true,
            "-h" | "--help" => bail!("{USAGE}"),
            s if s.starts_with('-') && s.len() > 1 => bail!("unknown option '{s}'\n{USAGE}"),
            _ => positional.push(arg),
        }
    }
    let [out, n] = <[String; 2]>::try_from(positional)
        .map_err(|_| anyhow::anyhow!("expected OUT and N\n{USAGE}"))?;
    let events = n
        .replace('_', "")
        .parse()
        .with_context(|| format!("N must be a whole number of events, not '{n}'"))?;
    let compression = if gzip {
        Compression::Gzip(6)
    } else {
        Compression::None
    };
    Ok(Options {
        out: PathBuf::from(out),
        events,
        compression,
    })
}

fn main() -> anyhow::Result<()> {
    let opts = parse_args(std::env::args().skip(1))?;

    let started = Instant::now();
    let made = synthesize(&opts.out, opts.events, opts.compression)
        .with_context(|| format!("{}: failed to write the capture", opts.out.display()))?;
    let secs = started.elapsed().as_secs_f64();

    let on_disk = std::fs::metadata(&opts.out)
        .with_context(|| format!("{}: failed to read its size", opts.out.display()))?
        .len();
    println!(
        "{}: {} events, {} bytes uncompressed, {} bytes on disk, {:.1} bytes/event, \
         written in {secs:.2} s ({:.2} M events/s), checksum {:016x}",
        opts.out.display(),
        made.events,
        made.bytes,
        on_disk,
        made.bytes as f64 / made.events.max(1) as f64,
        made.events as f64 / secs.max(1e-9) / 1e6,
        made.checksum
    );
    Ok(())
}
