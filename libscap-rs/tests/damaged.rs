//! Truncated and corrupted captures: every complete event comes out, then
//! an error that names the file and offset; nothing panics.

use std::io::Write;
use std::path::{Path, PathBuf};

use peregrine_libscap::capture::{CaptureErrorKind, CaptureReader, CaptureWriter, Compression};
use peregrine_libscap::event::{code, Event, EventBuilder};

/// A capture made here: 300 close events with a little metadata.
fn synthetic(dir: &Path) -> (PathBuf, Vec<u8>) {
    let path = dir.join("synthetic.scap");
    let meta = Default::default();
    let mut w = CaptureWriter::create(&path, &meta, Compression::None).unwrap();
    for i in 0..300u64 {
        let bytes = EventBuilder::new(code::SYSCALL_CLOSE_X)
            .ts(1_000 + i)
            .tid(7)
            .i64(0)
            .i64(i as i64)
            .finish();
        w.write_event(&Event::parse(&bytes).unwrap(), (i % 4) as u16, 0)
            .unwrap();
    }
    w.finish().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

/// Reads everything, returning the events read and the error, if any.
fn read_all(path: &Path) -> (u64, Option<String>, Vec<u64>) {
    let mut reader = match CaptureReader::open(path) {
        Ok(r) => r,
        Err(e) => return (0, Some(e.to_string()), vec![]),
    };
    let mut offsets = Vec::new();
    loop {
        match reader.next_event() {
            Ok(Some(ev)) => offsets.push(ev.offset),
            Ok(None) => return (offsets.len() as u64, None, offsets),
            Err(e) if e.skippable => continue,
            Err(e) => return (offsets.len() as u64, Some(e.to_string()), offsets),
        }
    }
}

#[test]
fn truncation_keeps_every_complete_event() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, bytes) = synthetic(tmp.path());
    let (total, err, offsets) = read_all(&path);
    assert_eq!((total, err), (300, None));
    let first = offsets[0] as usize;
    let block_len = (offsets[1] - offsets[0]) as usize;

    let cut_path = tmp.path().join("cut.scap");
    for cut in (first + 1..bytes.len()).step_by(7) {
        std::fs::write(&cut_path, &bytes[..cut]).unwrap();
        let (n, err, _) = read_all(&cut_path);
        let complete = (cut - first) / block_len;
        assert_eq!(n as usize, complete, "cut at {cut}");
        if (cut - first) % block_len != 0 {
            let err = err.expect("a cut inside a block is an error");
            assert!(err.contains("cut.scap"), "{err}");
            let at = format!("byte {}", first + complete * block_len);
            assert!(err.contains(&at), "{err} should name {at}");
            assert!(err.contains("file ends inside"), "{err}");
        }
    }
}

#[test]
fn truncated_gzip_reports_and_does_not_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, bytes) = synthetic(tmp.path());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).unwrap();
    let gz = gz.finish().unwrap();
    let path = tmp.path().join("cut.scap.gz");
    for cut in (10..gz.len()).step_by(13) {
        std::fs::write(&path, &gz[..cut]).unwrap();
        let (n, err, _) = read_all(&path);
        assert!(n <= 300);
        assert!(
            err.is_some_and(|e| e.contains("cut.scap.gz")),
            "cut at {cut}"
        );
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, bytes) = synthetic(tmp.path());
    let path = tmp.path().join("bad.scap");
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..2_000 {
        let mut copy = bytes.clone();
        for _ in 0..4 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed % copy.len() as u64) as usize;
            copy[at] ^= (seed >> 32) as u8 | 1;
        }
        std::fs::write(&path, &copy).unwrap();
        let (n, _, _) = read_all(&path);
        assert!(n <= 300);
    }
}

#[test]
fn a_bad_event_inside_a_good_block_can_be_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, mut bytes) = synthetic(tmp.path());
    let (_, _, offsets) = read_all(&tmp.path().join("synthetic.scap"));

    // Make the 10th event claim a parameter longer than its block.
    let ev_at = offsets[9] as usize + 8 + 2;
    bytes[ev_at + 26] = 0xff;
    let path = tmp.path().join("skip.scap");
    std::fs::write(&path, &bytes).unwrap();

    let mut reader = CaptureReader::open(&path).unwrap();
    let (mut ok, mut skipped) = (0, 0);
    loop {
        match reader.next_event() {
            Ok(Some(_)) => ok += 1,
            Ok(None) => break,
            Err(e) => {
                assert!(e.skippable, "{e}");
                assert!(matches!(e.kind, CaptureErrorKind::Event(_)));
                assert!(e.to_string().contains(&format!("byte {}", offsets[9])));
                skipped += 1;
            }
        }
    }
    assert_eq!((ok, skipped), (299, 1));
}

#[test]
fn not_a_capture_is_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.scap", b"", "the file is empty"),
        (
            "text.scap",
            b"hello, this is not a capture file",
            "not a scap capture",
        ),
        (
            "swapped.scap",
            &[
                0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x1a, 0x2b, 0x3c, 0x4d, 1, 0, 2, 0, 0xff,
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0,
            ],
            "big-endian",
        ),
        ("short.scap", &[0x0a, 0x0d, 0x0d], "block header"),
    ];
    for (name, bytes, want) in cases {
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = CaptureReader::open(&path).err().expect(name).to_string();
        assert!(err.contains(want) && err.contains(name), "{err}");
    }
}

#[test]
fn huge_block_lengths_do_not_allocate_them() {
    // A header that promises a 4 GiB block; the stream has 60 bytes.
    let mut bytes = vec![0x0a, 0x0d, 0x0d, 0x0a, 0xfc, 0xff, 0xff, 0xff];
    bytes.extend_from_slice(&[0; 52]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).unwrap();
    let gz = gz.finish().unwrap();
    let err = CaptureReader::from_reader("huge.scap.gz", std::io::Cursor::new(gz))
        .err()
        .unwrap();
    assert!(
        matches!(err.kind, CaptureErrorKind::Truncated { .. }),
        "{err}"
    );
}
