//! How fast captures decode.
//!
//! One million synthetic events are written once, plain and gzip, to a
//! temporary directory. Then:
//!
//! - `decode/*` reads every event with `CaptureReader` and reports events
//!   per second: from the plain file (memory-mapped) touching only each
//!   event's code and timestamp, the same plus every parameter, and from
//!   the gzip file;
//! - `inflate/*` reports uncompressed bytes per second for the gzip file,
//!   read by `CaptureReader` and by bare `flate2` into a sink: the speed
//!   of the decompressor itself, which gzip input cannot beat.
//!
//! Run with `cargo bench -p peregrine-benches --bench decode`.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flate2::read::MultiGzDecoder;
use peregrine_benches::{synthesize, Synthesized};
use peregrine_libscap::capture::{CaptureReader, Compression};

/// Events in each capture.
const EVENTS: u64 = 1_000_000;

/// The captures under test, deleted when dropped.
struct Fixture {
    _dir: tempfile::TempDir,
    plain: PathBuf,
    gzip: PathBuf,
    made: Synthesized,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("cannot create a temporary directory");
        let plain = dir.path().join("bench.scap");
        let gzip = dir.path().join("bench.scap.gz");
        let started = Instant::now();
        let made = synthesize(&plain, EVENTS, Compression::None).expect("cannot write plain");
        synthesize(&gzip, EVENTS, Compression::Gzip(6)).expect("cannot write gzip");
        let gz_len = std::fs::metadata(&gzip).map_or(0, |m| m.len());
        eprintln!(
            "fixture: {} events, {} bytes plain ({:.1} bytes/event), {} bytes gzip, made in {:.1} s",
            made.events,
            made.bytes,
            made.bytes as f64 / made.events as f64,
            gz_len,
            started.elapsed().as_secs_f64()
        );
        Fixture {
            _dir: dir,
            plain,
            gzip,
            made,
        }
    }
}

/// Reads every event, touching its code and timestamp.
fn read_headers(path: &Path) -> u64 {
    let mut reader = CaptureReader::open(path).expect("cannot open capture");
    let (mut n, mut acc) = (0u64, 0u64);
    while let Some(ev) = reader.next_event().expect("bad event") {
        acc = acc.wrapping_add(ev.event.ts() ^ ev.event.code() as u64);
        n += 1;
    }
    assert_eq!(n, EVENTS);
    acc
}

/// Reads every event and walks all its parameters.
fn read_params(path: &Path) -> u64 {
    let mut reader = CaptureReader::open(path).expect("cannot open capture");
    let (mut n, mut acc) = (0u64, 0u64);
    while let Some(ev) = reader.next_event().expect("bad event") {
        acc = acc.wrapping_add(ev.event.ts() ^ ev.event.code() as u64);
        for p in ev.event.params() {
            acc = acc.wrapping_add(p.len() as u64 + p.first().copied().unwrap_or(0) as u64);
        }
        n += 1;
    }
    assert_eq!(n, EVENTS);
    acc
}

/// Decompresses the file the way the reader opens it, into a sink.
fn inflate(path: &Path) -> u64 {
    let file = File::open(path).expect("cannot open capture");
    let mut gz = MultiGzDecoder::new(BufReader::with_capacity(1 << 16, file));
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        match gz.read(&mut buf).expect("cannot inflate") {
            0 => return total,
            k => total += k as u64,
        }
    }
}

fn decode(c: &mut Criterion, fx: &Fixture) {
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(fx.made.events));
    group.bench_function("plain_mmap_headers", |b| {
        b.iter(|| black_box(read_headers(&fx.plain)))
    });
    group.bench_function("plain_mmap_params", |b| {
        b.iter(|| black_box(read_params(&fx.plain)))
    });
    group.bench_function("gzip_headers", |b| {
        b.iter(|| black_box(read_headers(&fx.gzip)))
    });
    group.finish();
}

fn inflate_group(c: &mut Criterion, fx: &Fixture) {
    assert_eq!(inflate(&fx.gzip), fx.made.bytes);
    let mut group = c.benchmark_group("inflate");
    group.throughput(Throughput::Bytes(fx.made.bytes));
    group.bench_function("flate2_raw", |b| b.iter(|| black_box(inflate(&fx.gzip))));
    group.bench_function("capture_reader", |b| {
        b.iter(|| black_box(read_headers(&fx.gzip)))
    });
    group.finish();
}

fn all(c: &mut Criterion) {
    // One fixture for every group, removed when the run ends.
    let fx = Fixture::new();
    decode(c, &fx);
    inflate_group(c, &fx);
}

/// The bench runner; a module so that the undocumented function
/// `criterion_group!` defines stays private.
mod runner {
    use super::*;

    criterion_group! {
        name = benches;
        config = Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(12));
        targets = all
    }
}

criterion_main!(runner::benches);
