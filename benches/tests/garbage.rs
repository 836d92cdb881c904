//! Damaged captures must yield errors, never panics.
//!
//! This runs the work of the fuzz targets in `fuzz/fuzz_targets/` over
//! 20,000 deterministic mutations of a small synthetic capture, so that
//! the property is checked on stable in every CI run, not only when
//! someone runs the fuzzer.

use std::io::Cursor;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use peregrine_benches::{synthesize, Rng};
use peregrine_libscap::capture::{CaptureReader, Compression};
use peregrine_libscap::event::render::{self, NoState, RenderOptions};
use peregrine_libscap::event::{Event, HEADER_LEN};

/// Mutated captures to try.
const CASES: u64 = 20_000;

/// Events in the capture that is mutated.
const EVENTS: u64 = 200;

/// A guard against a reader that would never end.
const MAX_CALLS: usize = 100_000;

/// Byte offset of the first event in an event block: 8 bytes of block
/// header, then the CPU number.
const EVENT_IN_BLOCK: usize = 10;

/// Where and why the last caught panic happened.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Renders and decodes every parameter, as the fuzz targets do.
fn exercise_event(event: &Event<'_>, out: &mut String) {
    out.clear();
    render::write_args(out, event, &NoState, &RenderOptions::default());
    for i in 0..event.nparams() as usize {
        let _ = event.value(i);
    }
    let _ = event.params().map(<[u8]>::len).sum::<usize>();
}

/// Reads a capture to its end the way `fuzz_targets/capture_reader.rs`
/// does; returns the number of events read.
fn exercise_capture(data: &[u8]) -> usize {
    let Ok(mut reader) = CaptureReader::from_reader("garbage", Cursor::new(data.to_vec())) else {
        return 0;
    };
    let mut out = String::new();
    let mut events = 0;
    for _ in 0..MAX_CALLS {
        match reader.next_event() {
            Ok(Some(ev)) => {
                exercise_event(&ev.event, &mut out);
                events += 1;
            }
            Ok(None) => return events,
            Err(e) if e.skippable => continue,
            Err(_) => return events,
        }
    }
    panic!("the reader returned {MAX_CALLS} results without ending");
}

/// Parses bytes as one event, as `fuzz_targets/event_parse.rs` does.
fn exercise_parse(data: &[u8]) {
    if let Ok(event) = Event::parse(data) {
        exercise_event(&event, &mut String::new());
    }
}

/// Offsets of the event blocks of a well-formed capture.
fn event_blocks(capture: &[u8]) -> Vec<usize> {
    let mut blocks = Vec::new();
    let mut at = 0;
    while at + 8 <= capture.len() {
        let kind = u32::from_le_bytes(capture[at..at + 4].try_into().unwrap());
        let total = u32::from_le_bytes(capture[at + 4..at + 8].try_into().unwrap());
        if kind == 0x216 {
            blocks.push(at);
        }
        at += total as usize;
    }
    blocks
}

/// A value a corrupted length field is set to.
fn bad_length(rng: &mut Rng, old: u32) -> u32 {
    match rng.below(8) {
        0 => 0,
        1 => 1,
        2 => u32::MAX,
        3 => u16::MAX as u32,
        4 => old.wrapping_add(1),
        5 => old.wrapping_sub(1),
        6 => old.wrapping_add(4),
        _ => rng.next_u64() as u32,
    }
}

fn put_u32(data: &mut [u8], at: usize, v: u32) {
    if let Some(field) = data.get_mut(at..at + 4) {
        field.copy_from_slice(&v.to_le_bytes());
    }
}

fn get_u32(data: &[u8], at: usize) -> u32 {
    data.get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes(b.try_into().unwrap()))
}

/// Corrupts a length field: a block's length (header or trailer), an
/// event's length or parameter count, or one parameter's length slot.
fn corrupt_length(data: &mut [u8], rng: &mut Rng, blocks: &[usize]) -> String {
    let block = blocks[rng.index(blocks.len())];
    let event = block + EVENT_IN_BLOCK;
    let total = get_u32(data, block + 4) as usize;
    let (what, at) = match rng.below(5) {
        0 => ("block length", block + 4),
        1 => ("block trailer", block + total - 4),
        2 => ("event length", event + 16),
        3 => ("parameter count", event + 22),
        _ => {
            let slot = event + HEADER_LEN + 2 * rng.index(8);
            let v = bad_length(rng, 0) as u16;
            if let Some(field) = data.get_mut(slot..slot + 2) {
                field.copy_from_slice(&v.to_le_bytes());
            }
            return format!("slot at {slot} = {v}");
        }
    };
    let v = bad_length(rng, get_u32(data, at));
    put_u32(data, at, v);
    format!("{what} at {at} = {v}")
}

/// Applies one random mutation and says what it did.
fn mutate(data: &mut Vec<u8>, rng: &mut Rng, blocks: &[usize]) -> String {
    match rng.below(4) {
        0 => {
            let bits = rng.range(1, 9);
            for _ in 0..bits {
                let at = rng.index(data.len());
                data[at] ^= 1 << rng.below(8);
            }
            format!("{bits} bit flips")
        }
        1 => {
            let len = rng.index(data.len());
            data.truncate(len);
            format!("truncated to {len}")
        }
        2 => {
            let at = rng.index(data.len() + 1);
            let n = rng.range(1, 17) as usize;
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            data.splice(at..at, bytes);
            format!("{n} bytes inserted at {at}")
        }
        _ => corrupt_length(data, rng, blocks),
    }
}

#[test]
fn mutated_captures_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.scap");
    synthesize(&path, EVENTS, Compression::None).unwrap();
    let original = std::fs::read(&path).unwrap();
    let blocks = event_blocks(&original);
    assert_eq!(exercise_capture(&original), EVENTS as usize);
    assert_eq!(blocks.len(), EVENTS as usize);

    // Record panics instead of printing thousands of them.
    panic::set_hook(Box::new(|info| {
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = info.to_string();
    }));
    let mut rng = Rng::new(0x06A5_BA6E);
    let mut failures = Vec::new();
    for case in 0..CASES {
        let mut data = original.clone();
        let mut what = Vec::new();
        // Mostly one mutation, sometimes a few stacked.
        for _ in 0..[1, 1, 1, 2, 3][rng.index(5)] {
            if !data.is_empty() {
                what.push(mutate(&mut data, &mut rng, &blocks));
            }
        }
        let event_at = blocks[rng.index(blocks.len())] + EVENT_IN_BLOCK;
        let run = panic::catch_unwind(AssertUnwindSafe(|| {
            exercise_capture(&data);
            exercise_parse(data.get(event_at..).unwrap_or(&[]));
        }));
        if run.is_err() {
            let why = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).clone();
            failures.push(format!("case {case} ({}): {why}", what.join(", ")));
        }
    }
    let _ = panic::take_hook();
    assert!(
        failures.is_empty(),
        "{} of {CASES} mutated captures panicked; first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
}
