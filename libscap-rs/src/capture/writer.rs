//! Writing capture files that today's Falco and sysdig read.
//!
//! The layout is the one libscap writes: a 1.2 section header, machine
//! info, interface, user and process (V9) lists, one fd list (V2) per
//! thread, then events in V2 blocks (with flags when there are any, large
//! blocks for large-payload events).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use flate2::write::GzEncoder;

use super::block;
use super::error::{CaptureError, CaptureErrorKind as Kind};
use super::meta;
use super::reader::Metadata;
use crate::event::Event;

/// Whether a written capture is gzip-compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// Plain bytes.
    #[default]
    None,
    /// gzip at the given level (0 to 9).
    Gzip(u32),
}

/// The byte sink, compressed or not.
enum Sink {
    Plain(Box<dyn Write + Send>),
    Gzip(Box<GzEncoder<Box<dyn Write + Send>>>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.write_all(buf),
            Sink::Gzip(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
        }
    }
}

/// Writes one capture.
pub struct CaptureWriter {
    path: String,
    out: Sink,
    scratch: Vec<u8>,
    bytes: u64,
    events: u64,
}

impl CaptureWriter {
    /// Creates `path` and writes the header section from `meta`.
    ///
    /// # Errors
    ///
    /// Fails when the file cannot be created or written.
    pub fn create(
        path: impl AsRef<Path>,
        meta: &Metadata,
        compression: Compression,
    ) -> Result<CaptureWriter, CaptureError> {
        let name = path.as_ref().display().to_string();
        let file =
            File::create(path.as_ref()).map_err(|e| CaptureError::fatal(&name, 0, Kind::Io(e)))?;
        CaptureWriter::new(&name, file, meta, compression)
    }

    /// Writes a capture to any byte sink; `name` is used in errors.
    ///
    /// # Errors
    ///
    /// Fails when the header section cannot be written.
    pub fn new(
        name: &str,
        sink: impl Write + Send + 'static,
        meta: &Metadata,
        compression: Compression,
    ) -> Result<CaptureWriter, CaptureError> {
        let sink: Box<dyn Write + Send> = Box::new(BufWriter::with_capacity(1 << 18, sink));
        let out = match compression {
            Compression::None => Sink::Plain(sink),
            Compression::Gzip(level) => {
                let level = flate2::Compression::new(level.min(9));
                Sink::Gzip(Box::new(GzEncoder::new(sink, level)))
            }
        };
        let mut writer = CaptureWriter {
            path: name.to_string(),
            out,
            scratch: Vec::with_capacity(1 << 16),
            bytes: 0,
            events: 0,
        };
        writer.write_header_section(meta)?;
        Ok(writer)
    }

    /// Uncompressed bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.bytes
    }

    /// Events written so far.
    pub fn events_written(&self) -> u64 {
        self.events
    }

    fn write_header_section(&mut self, meta: &Metadata) -> Result<(), CaptureError> {
        let mut body = Vec::with_capacity(16);
        body.extend_from_slice(&block::SHB_MAGIC.to_le_bytes());
        body.extend_from_slice(&block::SHB_VERSION.0.to_le_bytes());
        body.extend_from_slice(&block::SHB_VERSION.1.to_le_bytes());
        body.extend_from_slice(&u64::MAX.to_le_bytes());
        self.write_block(block::SECTION_HEADER, &[&body])?;

        if let Some(mi) = &meta.machine {
            self.write_encoded(meta::block_type::MI, |b| meta::encode_machine_info(mi, b))?;
        }
        self.write_encoded(meta::block_type::IL_V2, |b| {
            meta::encode_iflist_v2(&meta.interfaces, b)
        })?;
        self.write_encoded(meta::block_type::UL_V2, |b| {
            meta::encode_userlist_v2(&meta.users, b)
        })?;
        self.write_encoded(meta::block_type::PL_V9, |b| {
            meta::encode_proclist_v9(&meta.processes, b)
        })?;
        for table in &meta.fds {
            self.write_encoded(meta::block_type::FDL_V2, |b| {
                meta::encode_fdlist_v2(table, b)
            })?;
        }
        Ok(())
    }

    fn write_encoded(
        &mut self,
        kind: u32,
        encode: impl FnOnce(&mut Vec<u8>),
    ) -> Result<(), CaptureError> {
        let mut body = std::mem::take(&mut self.scratch);
        body.clear();
        encode(&mut body);
        let res = self.write_block(kind, &[&body]);
        self.scratch = body;
        res
    }

    fn write_block(&mut self, kind: u32, parts: &[&[u8]]) -> Result<(), CaptureError> {
        let body_len: usize = parts.iter().map(|p| p.len()).sum();
        let padding = (4 - body_len % 4) % 4;
        let total = 8 + body_len + padding + 4;
        let Ok(total32) = u32::try_from(total) else {
            let msg = format!("a block of {total} bytes does not fit the format's 32-bit length");
            return Err(CaptureError::fatal(
                &self.path,
                self.bytes,
                Kind::Corrupt(msg),
            ));
        };

        let res = (|| -> io::Result<()> {
            self.out.write_all(&kind.to_le_bytes())?;
            self.out.write_all(&total32.to_le_bytes())?;
            for p in parts {
                self.out.write_all(p)?;
            }
            self.out.write_all(&[0u8; 3][..padding])?;
            self.out.write_all(&total32.to_le_bytes())
        })();
        res.map_err(|e| CaptureError::fatal(&self.path, self.bytes, Kind::Io(e)))?;
        self.bytes += total as u64;
        Ok(())
    }

    /// Appends an event recorded on `cpu` with dump flags `flags`.
    ///
    /// # Errors
    ///
    /// Fails when the sink cannot be written.
    pub fn write_event(
        &mut self,
        event: &Event<'_>,
        cpu: u16,
        flags: u32,
    ) -> Result<(), CaptureError> {
        let large = event.has_large_payload() || flags & block::DF_LARGE != 0;
        let kind = match (flags != 0, large) {
            (false, false) => block::EV_V2,
            (true, false) => block::EVF_V2,
            (false, true) => block::EV_V2_LARGE,
            (true, true) => block::EVF_V2_LARGE,
        };
        let cpu = cpu.to_le_bytes();
        let flag_bytes = flags.to_le_bytes();
        let parts: &[&[u8]] = if flags != 0 {
            &[&cpu, &flag_bytes, event.as_bytes()]
        } else {
            &[&cpu, event.as_bytes()]
        };
        self.write_block(kind, parts)?;
        self.events += 1;
        Ok(())
    }

    /// Flushes everything and closes the file.
    ///
    /// # Errors
    ///
    /// Fails when the last bytes cannot be written.
    pub fn finish(self) -> Result<(), CaptureError> {
        let res = match self.out {
            Sink::Plain(mut w) => w.flush(),
            Sink::Gzip(w) => w.finish().and_then(|mut w| w.flush()),
        };
        res.map_err(|e| CaptureError::fatal(&self.path, self.bytes, Kind::Io(e)))
    }
}
