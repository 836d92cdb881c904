//! Where capture bytes come from: a memory map of a plain file, or a
//! window over a decompressing stream.
//!
//! Both expose the same view: the bytes available from the current
//! position, which the reader slices blocks out of without copying. The
//! stream keeps one window that grows only to the largest block seen, so
//! memory stays constant whatever the file size.

use std::fs::File;
use std::io::{self, Read};

use memmap2::Mmap;

/// Initial window size for streams.
const WINDOW: usize = 1 << 20;

enum Backing {
    Mapped(Mmap),
    Stream {
        reader: Box<dyn Read + Send>,
        buf: Vec<u8>,
        eof: bool,
    },
}

/// A byte source with a read position.
pub(crate) struct Input {
    backing: Backing,
    pos: usize,
    end: usize,
    /// Uncompressed offset of `buf[0]` in the stream.
    base: u64,
}

impl Input {
    /// Maps `file` into memory.
    ///
    /// # Safety
    ///
    /// The caller must accept that the mapped file can change underneath:
    /// another process truncating it makes reads fault. The reader only
    /// maps files it was asked to read and treats the bytes as untrusted.
    pub(crate) unsafe fn mapped(file: &File) -> io::Result<Input> {
        // SAFETY: the caller accepts the usual mmap hazard described above;
        // every access below is bounds-checked against the map's length.
        let map = unsafe { Mmap::map(file)? };
        let end = map.len();
        Ok(Input {
            backing: Backing::Mapped(map),
            pos: 0,
            end,
            base: 0,
        })
    }

    /// Reads from `reader` through a growing window.
    pub(crate) fn stream(reader: Box<dyn Read + Send>) -> Input {
        Input {
            backing: Backing::Stream {
                reader,
                buf: vec![0; WINDOW],
                eof: false,
            },
            pos: 0,
            end: 0,
            base: 0,
        }
    }

    /// The offset of the read position in the (uncompressed) stream.
    #[inline]
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The bytes available from the read position.
    #[inline]
    pub(crate) fn available(&self) -> &[u8] {
        match &self.backing {
            Backing::Mapped(m) => &m[self.pos..self.end],
            Backing::Stream { buf, .. } => &buf[self.pos..self.end],
        }
    }

    /// Moves the read position forward by `n` available bytes.
    #[inline]
    pub(crate) fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }

    /// Makes at least `n` bytes available if the input has them; returns
    /// how many are available afterwards.
    #[inline]
    pub(crate) fn fill(&mut self, n: usize) -> io::Result<usize> {
        let have = self.end - self.pos;
        let Backing::Stream { reader, buf, eof } = &mut self.backing else {
            return Ok(have);
        };
        if have >= n || *eof {
            return Ok(have);
        }

        // Slide what is left to the front and grow only as far as needed.
        buf.copy_within(self.pos..self.end, 0);
        self.base += self.pos as u64;
        self.end = have;
        self.pos = 0;
        // The window doubles only while data keeps coming, so a corrupt
        // length cannot make it allocate more than the stream holds.
        while self.end < n {
            if self.end == buf.len() {
                let grown = (buf.len() * 2).min(n.max(WINDOW));
                buf.resize(grown, 0);
            }
            match reader.read(&mut buf[self.end..]) {
                Ok(0) => {
                    *eof = true;
                    break;
                }
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end)
    }
}

impl Input {
    /// The whole current window; `pos()` indexes into it.
    #[inline]
    pub(crate) fn window(&self) -> &[u8] {
        match &self.backing {
            Backing::Mapped(m) => &m[..self.end],
            Backing::Stream { buf, .. } => &buf[..self.end],
        }
    }

    /// The read position inside `window()`.
    #[inline]
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }
}
