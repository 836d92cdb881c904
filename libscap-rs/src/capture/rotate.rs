//! Writing a capture as a series of files, like sysdig's `-C`, `-G`, `-e`
//! and `-W` options.
//!
//! Files are named after the output path with a zero-padded sequence
//! number before the extension (`out.scap` becomes `out-000000.scap`,
//! `out-000001.scap`, ...), so that sorting the names sorts them in time.
//! Every file starts with the full header section and reads on its own.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use super::error::{CaptureError, CaptureErrorKind as Kind};
use super::reader::Metadata;
use super::writer::{CaptureWriter, Compression};
use crate::event::Event;

/// When to start a new file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RotationPolicy {
    /// Start a new file once this many bytes are written (`-C`, which
    /// counts in millions of bytes).
    pub max_bytes: Option<u64>,
    /// Start a new file once events span this many seconds (`-G`), by the
    /// events' own timestamps.
    pub max_seconds: Option<u64>,
    /// Start a new file after this many events (`-e`).
    pub max_events: Option<u64>,
    /// Keep only the newest this many files, deleting older ones (`-W`).
    pub keep: Option<usize>,
}

impl RotationPolicy {
    /// Whether any limit is set, so that files are numbered.
    pub fn rotates(&self) -> bool {
        self.max_bytes.is_some() || self.max_seconds.is_some() || self.max_events.is_some()
    }
}

/// Writes events into rotating capture files.
pub struct RotatingWriter {
    base: PathBuf,
    meta: Metadata,
    compression: Compression,
    policy: RotationPolicy,
    current: Option<CaptureWriter>,
    file_start_ts: u64,
    seq: u64,
    files: VecDeque<PathBuf>,
}

impl RotatingWriter {
    /// Prepares to write under `base`; the first file is created with the
    /// first event (or by [`RotatingWriter::finish`] if there is none).
    pub fn new(
        base: impl AsRef<Path>,
        meta: Metadata,
        compression: Compression,
        policy: RotationPolicy,
    ) -> RotatingWriter {
        RotatingWriter {
            base: base.as_ref().to_path_buf(),
            meta,
            compression,
            policy,
            current: None,
            file_start_ts: 0,
            seq: 0,
            files: VecDeque::new(),
        }
    }

    /// The name of file number `seq`.
    pub fn file_name(&self, seq: u64) -> PathBuf {
        if !self.policy.rotates() {
            return self.base.clone();
        }
        let stem = self.base.file_stem().unwrap_or_default().to_string_lossy();
        let name = match self.base.extension() {
            Some(ext) => format!("{stem}-{seq:06}.{}", ext.to_string_lossy()),
            None => format!("{stem}-{seq:06}"),
        };
        self.base.with_file_name(name)
    }

    fn is_full(&self, writer: &CaptureWriter, ts: u64) -> bool {
        let p = &self.policy;
        writer.events_written() > 0
            && (p.max_bytes.is_some_and(|m| writer.bytes_written() >= m)
                || p.max_events.is_some_and(|m| writer.events_written() >= m)
                || p.max_seconds
                    .is_some_and(|s| ts.saturating_sub(self.file_start_ts) >= s * 1_000_000_000))
    }

    fn open_next(&mut self, ts: u64) -> Result<(), CaptureError> {
        if let Some(done) = self.current.take() {
            done.finish()?;
        }
        let path = self.file_name(self.seq);
        self.seq += 1;
        self.current = Some(CaptureWriter::create(&path, &self.meta, self.compression)?);
        self.file_start_ts = ts;
        self.files.push_back(path);

        // Drop the oldest files beyond the number to keep.
        while self
            .policy
            .keep
            .is_some_and(|k| self.files.len() > k.max(1))
        {
            if let Some(old) = self.files.pop_front() {
                std::fs::remove_file(&old)
                    .map_err(|e| CaptureError::fatal(&old.display().to_string(), 0, Kind::Io(e)))?;
            }
        }
        Ok(())
    }

    /// Writes one event, starting a new file first when the current one is
    /// full.
    ///
    /// # Errors
    ///
    /// Fails when a file cannot be created, written or removed.
    pub fn write_event(
        &mut self,
        event: &Event<'_>,
        cpu: u16,
        flags: u32,
    ) -> Result<(), CaptureError> {
        let ts = event.ts();
        let full = match &self.current {
            None => true,
            Some(w) => self.is_full(w, ts),
        };
        if full {
            self.open_next(ts)?;
        }
        match self.current.as_mut() {
            Some(w) => w.write_event(event, cpu, flags),
            None => Ok(()),
        }
    }

    /// Closes the last file and returns the files kept, oldest first.
    ///
    /// # Errors
    ///
    /// Fails when the last file cannot be written.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, CaptureError> {
        if self.current.is_none() && self.files.is_empty() {
            self.open_next(0)?;
        }
        if let Some(w) = self.current.take() {
            w.finish()?;
        }
        Ok(self.files.into())
    }
}
