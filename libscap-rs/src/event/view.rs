//! Zero-copy views over encoded events.
//!
//! An event is a 26-byte header (`ts`, `tid`, `len`, `type`, `nparams`),
//! then one length slot per parameter (16-bit, or 32-bit for large-payload
//! codes), then the parameter bytes back to back. [`Event::parse`] checks
//! the whole layout once, so that every accessor afterwards is a slice.

use super::schema::{self, EventInfo, ParamType};
use super::value::ParamValue;

/// Size of the event header in bytes.
pub const HEADER_LEN: usize = 26;

/// The most parameters an event may have.
pub const MAX_PARAMS: u32 = 32;

/// Why a byte buffer is not a valid event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// Fewer bytes than a header.
    #[error("event is {0} bytes, shorter than the 26-byte header")]
    ShortHeader(usize),
    /// The header's length field disagrees with the buffer.
    #[error("event header says {declared} bytes but {available} are available")]
    LengthMismatch {
        /// Length in the header.
        declared: u32,
        /// Bytes in the buffer.
        available: usize,
    },
    /// More parameters than any event may carry.
    #[error("event declares {0} parameters, more than the limit of 32")]
    TooManyParams(u32),
    /// Parameter lengths add up to more than the event holds.
    #[error("parameter lengths add up to {needed} bytes but the event holds {available}")]
    ParamsOverflow {
        /// Bytes the slots ask for.
        needed: u64,
        /// Bytes after the slots.
        available: usize,
    },
}

/// A validated event borrowed from a byte buffer.
#[derive(Clone, Copy)]
pub struct Event<'a> {
    bytes: &'a [u8],
    info: Option<&'static EventInfo>,
    large: bool,
}

impl std::fmt::Debug for Event<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Event")
            .field("ts", &self.ts())
            .field("tid", &self.tid())
            .field("type", &self.code())
            .field("nparams", &self.nparams())
            .field("len", &self.len())
            .finish()
    }
}

#[inline]
fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

#[inline]
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or([0; 4]))
}

#[inline]
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]))
}

impl<'a> Event<'a> {
    /// Checks the layout of `bytes` and returns a view over it.
    ///
    /// `bytes` may be longer than the event; the header's `len` decides
    /// where the event ends.
    ///
    /// # Errors
    ///
    /// Returns an [`EventError`] when the header, the length slots or the
    /// parameter bytes do not fit.
    pub fn parse(bytes: &'a [u8]) -> Result<Event<'a>, EventError> {
        if bytes.len() < HEADER_LEN {
            return Err(EventError::ShortHeader(bytes.len()));
        }
        let len = u32_at(bytes, 16);
        if (len as usize) < HEADER_LEN || len as usize > bytes.len() {
            return Err(EventError::LengthMismatch {
                declared: len,
                available: bytes.len(),
            });
        }
        let bytes = &bytes[..len as usize];

        // The slot width is a property of the event code, not of the block
        // the event came in.
        let code = u16_at(bytes, 20);
        let info = schema::event_info(code);
        let large = info.is_some_and(|i| i.has_large_payload());
        let nparams = u32_at(bytes, 22);
        if nparams > MAX_PARAMS {
            return Err(EventError::TooManyParams(nparams));
        }

        let event = Event { bytes, info, large };
        let slots_end = HEADER_LEN + nparams as usize * event.slot_width();
        if slots_end > bytes.len() {
            return Err(EventError::ParamsOverflow {
                needed: (slots_end - HEADER_LEN) as u64,
                available: bytes.len() - HEADER_LEN,
            });
        }
        let available = bytes.len() - slots_end;
        let slots = &bytes[HEADER_LEN..slots_end];
        let needed: u64 = if large {
            slots
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as u64)
                .sum()
        } else {
            slots
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]) as u64)
                .sum()
        };
        if needed > available as u64 {
            return Err(EventError::ParamsOverflow { needed, available });
        }
        Ok(event)
    }

    #[inline]
    fn slot_width(&self) -> usize {
        if self.large {
            4
        } else {
            2
        }
    }

    #[inline]
    fn slot(&self, i: usize) -> u32 {
        let at = HEADER_LEN + i * self.slot_width();
        if self.large {
            u32_at(self.bytes, at)
        } else {
            u16_at(self.bytes, at) as u32
        }
    }

    /// The whole event, header included.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Timestamp in nanoseconds since the epoch.
    #[inline]
    pub fn ts(&self) -> u64 {
        u64_at(self.bytes, 0)
    }

    /// The thread that produced the event (`-1` as `u64::MAX` for none).
    #[inline]
    pub fn tid(&self) -> u64 {
        u64_at(self.bytes, 8)
    }

    /// Length of the whole event in bytes.
    pub fn len(&self) -> u32 {
        self.bytes.len() as u32
    }

    /// Whether the event is only a header.
    pub fn is_empty(&self) -> bool {
        self.bytes.len() == HEADER_LEN
    }

    /// The event code.
    #[inline]
    pub fn code(&self) -> u16 {
        u16_at(self.bytes, 20)
    }

    /// The number of parameters the event carries.
    #[inline]
    pub fn nparams(&self) -> u32 {
        u32_at(self.bytes, 22)
    }

    /// The event's description, `None` for a code newer than this table.
    #[inline]
    pub fn info(&self) -> Option<&'static EventInfo> {
        self.info
    }

    /// Whether the length slots are 32-bit.
    pub fn has_large_payload(&self) -> bool {
        self.large
    }

    /// Raw parameter bytes in order; an empty slice is an empty parameter.
    pub fn params(&self) -> ParamIter<'a> {
        ParamIter {
            event: *self,
            index: 0,
            offset: HEADER_LEN + self.nparams() as usize * self.slot_width(),
        }
    }

    /// The raw bytes of parameter `i`: `None` when the event carries fewer
    /// parameters (an old version), `Some(&[])` when it is empty.
    pub fn param(&self, i: usize) -> Option<&'a [u8]> {
        let n = self.nparams() as usize;
        if i >= n {
            return None;
        }
        let mut start = HEADER_LEN + n * self.slot_width();
        for j in 0..i {
            start += self.slot(j) as usize;
        }
        // `parse` checked that all lengths fit.
        self.bytes.get(start..start + self.slot(i) as usize)
    }

    /// Parameter `i` decoded by the type the table gives it.
    ///
    /// Returns `None` when the event has no such parameter or the code is
    /// unknown, and [`ParamValue::Empty`] for an empty parameter.
    pub fn value(&self, i: usize) -> Option<ParamValue<'a>> {
        let kind = self.info?.params.get(i)?.kind;
        Some(ParamValue::decode(kind, self.param(i)?))
    }

    /// The parameter called `name`, decoded.
    pub fn value_by_name(&self, name: &str) -> Option<ParamValue<'a>> {
        self.value(self.info?.param_index(name)?)
    }

    /// The type of parameter `i`, from the table.
    pub fn param_type(&self, i: usize) -> Option<ParamType> {
        Some(self.info?.params.get(i)?.kind)
    }
}

/// Iterator over an event's raw parameters.
#[derive(Clone)]
pub struct ParamIter<'a> {
    event: Event<'a>,
    index: usize,
    offset: usize,
}

impl<'a> Iterator for ParamIter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.index >= self.event.nparams() as usize {
            return None;
        }
        let len = self.event.slot(self.index) as usize;
        let start = self.offset;
        self.index += 1;
        self.offset += len;
        // `parse` checked that all lengths fit.
        self.event.bytes.get(start..start + len)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.event.nparams() as usize - self.index;
        (left, Some(left))
    }
}

impl ExactSizeIterator for ParamIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{code, EventBuilder};

    #[test]
    fn short_buffer_is_refused() {
        assert_eq!(
            Event::parse(&[0; 10]).unwrap_err(),
            EventError::ShortHeader(10)
        );
    }

    #[test]
    fn overflowing_slots_are_refused() {
        let mut bytes = EventBuilder::new(code::SYSCALL_CLOSE_X)
            .i64(0)
            .i64(3)
            .finish();
        bytes[HEADER_LEN] = 200;
        assert!(matches!(
            Event::parse(&bytes),
            Err(EventError::ParamsOverflow { .. })
        ));
    }

    #[test]
    fn missing_and_empty_params_differ() {
        let bytes = EventBuilder::new(code::SYSCALL_OPEN_X)
            .i64(3)
            .empty()
            .finish();
        let ev = Event::parse(&bytes).unwrap();
        assert_eq!(ev.param(1), Some(&[][..]));
        assert_eq!(ev.param(2), None);
        assert_eq!(ev.value(1), Some(ParamValue::Empty));
        assert_eq!(ev.value(2), None);
    }
}
