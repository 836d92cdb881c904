//! Benchmarks of Peregrine's capture layer, and the synthetic captures
//! they read.
//!
//! Real captures are large and private, so the benches write their own:
//! [`synthesize`] fills a capture with a [`Workload`], a deterministic
//! model of the syscall traffic of a small server, and returns a
//! [`Synthesized`] summary with a [`checksum`] of the event bytes that a
//! reader can recompute. The `gen-capture` binary makes such files for
//! command-line timing, and the `decode` bench measures reading them.
//!
//! ```
//! use peregrine_benches::synthesize;
//! use peregrine_libscap::capture::{CaptureReader, Compression};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("small.scap");
//! let made = synthesize(&path, 1_000, Compression::None).unwrap();
//! let mut reader = CaptureReader::open(&path).unwrap();
//! let mut n = 0;
//! while let Some(_ev) = reader.next_event().unwrap() {
//!     n += 1;
//! }
//! assert_eq!(n, made.events);
//! ```

pub mod rng;
mod syscalls;
mod workload;

use std::path::Path;

use peregrine_libscap::capture::{CaptureError, CaptureWriter, Compression, Metadata};
use peregrine_libscap::event::Event;

pub use rng::Rng;
pub use workload::{SynthEvent, Workload};

/// The seed [`synthesize`] uses, so that every capture of the same size
/// holds the same events.
pub const SEED: u64 = 0x5EED_CAFE;

/// What [`synthesize`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synthesized {
    /// Events written.
    pub events: u64,
    /// Bytes of the uncompressed stream, framing and header included.
    pub bytes: u64,
    /// [`checksum`] of every event's bytes, in order.
    pub checksum: u64,
}

/// Writes the first `events` events of `Workload::new(SEED)` to a
/// capture at `path`, gzip-compressed or not as `compression` says.
///
/// # Errors
///
/// Fails when the file cannot be created or written.
pub fn synthesize(
    path: &Path,
    events: u64,
    compression: Compression,
) -> Result<Synthesized, CaptureError> {
    let mut writer = CaptureWriter::create(path, &Metadata::default(), compression)?;
    let mut sum = 0;
    for ev in Workload::new(SEED).take(events as usize) {
        // The workload only builds events `EventBuilder` lays out, which
        // always parse; a failure here would be a bug in the builder.
        let event = Event::parse(&ev.bytes).map_err(|e| invalid_event(path, e))?;
        sum = checksum(sum, event.as_bytes());
        writer.write_event(&event, ev.cpu, 0)?;
    }
    let made = Synthesized {
        events: writer.events_written(),
        bytes: writer.bytes_written(),
        checksum: sum,
    };
    writer.finish()?;
    Ok(made)
}

fn invalid_event(path: &Path, e: peregrine_libscap::event::EventError) -> CaptureError {
    use peregrine_libscap::capture::CaptureErrorKind;
    let name = path.display().to_string();
    CaptureError::fatal(&name, 0, CaptureErrorKind::Event(e))
}

/// Folds `bytes` into the running checksum `acc`.
///
/// The sum depends on the order of calls and on every byte; it is a
/// cheap test of identity, not a cryptographic hash.
pub fn checksum(acc: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut acc = (acc ^ bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        acc = (acc.rotate_left(23) ^ w).wrapping_mul(K);
    }
    for &b in words.remainder() {
        acc = (acc.rotate_left(23) ^ b as u64).wrapping_mul(K);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use peregrine_libscap::capture::CaptureReader;
    use peregrine_libscap::event::{code, ParamValue};

    fn read_back(path: &Path) -> (u64, u64) {
        let mut reader = CaptureReader::open(path).unwrap();
        let (mut n, mut sum) = (0, 0);
        while let Some(ev) = reader.next_event().unwrap() {
            sum = checksum(sum, ev.event.as_bytes());
            n += 1;
        }
        (n, sum)
    }

    #[test]
    fn ten_thousand_events_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("10k.scap");
        let made = synthesize(&path, 10_000, Compression::None).unwrap();
        assert_eq!(made.events, 10_000);
        assert_eq!(read_back(&path), (made.events, made.checksum));
    }

    #[test]
    fn gzip_holds_the_same_events() {
        let dir = tempfile::tempdir().unwrap();
        let plain = synthesize(&dir.path().join("p.scap"), 3_000, Compression::None).unwrap();
        let gz_path = dir.path().join("p.scap.gz");
        let gz = synthesize(&gz_path, 3_000, Compression::Gzip(6)).unwrap();
        assert_eq!(plain, gz);
        assert_eq!(read_back(&gz_path), (gz.events, gz.checksum));
    }

    #[test]
    fn every_parameter_matches_the_table() {
        for ev in Workload::new(SEED).take(50_000) {
            let event = Event::parse(&ev.bytes).unwrap();
            let info = event.info().unwrap();
            assert_eq!(event.nparams() as usize, info.params.len(), "{}", info.name);
            for i in 0..info.params.len() {
                let value = event.value(i).unwrap();
                let name = info.params[i].name;
                assert!(
                    !matches!(value, ParamValue::Malformed(_)),
                    "{}.{name}",
                    info.name
                );
            }
        }
    }

    #[test]
    fn mix_looks_like_real_traffic() {
        let events: Vec<_> = Workload::new(SEED).take(100_000).collect();
        let bytes: usize = events.iter().map(|e| e.bytes.len()).sum();
        let average = bytes / events.len();
        assert!(
            (40..=60).contains(&average),
            "average event is {average} bytes"
        );

        let count = |c| {
            let parsed = events.iter().map(|e| Event::parse(&e.bytes).unwrap());
            parsed.filter(|e| e.code() == c).count()
        };
        for c in [
            code::SYSCALL_EXECVE_19_X,
            code::SYSCALL_CLONE_20_X,
            code::PROCEXIT_1_E,
        ] {
            assert!(count(c) > 10, "too few events of code {c}");
        }
        let cpus: std::collections::BTreeSet<u16> = events.iter().map(|e| e.cpu).collect();
        assert!(cpus.len() > 1);
    }

    #[test]
    fn timestamps_increase() {
        let ts: Vec<u64> = Workload::new(3)
            .take(10_000)
            .map(|e| Event::parse(&e.bytes).unwrap().ts())
            .collect();
        assert!(ts.windows(2).all(|w| w[0] < w[1]));
    }
}
