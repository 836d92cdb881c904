//! Driving a capture through the state engine.

use std::path::Path;

use peregrine_libscap::capture::{CaptureError, CaptureReader};

use crate::fields::{EventCtx, Registry};
use crate::state::State;

/// Reads events and keeps the state current; each event comes with the
/// context its fields are extracted from.
pub struct Inspector {
    reader: CaptureReader,
    state: State,
    registry: Registry,
    num: u64,
    reap: Option<i64>,
}

impl Inspector {
    /// Opens a capture and starts from its header section's state.
    ///
    /// # Errors
    ///
    /// Fails as [`CaptureReader::open`] does.
    pub fn open(path: impl AsRef<Path>) -> Result<Inspector, CaptureError> {
        Ok(Inspector::new(CaptureReader::open(path)?))
    }

    /// Wraps an open reader.
    pub fn new(reader: CaptureReader) -> Inspector {
        let state = State::from_metadata(reader.metadata());
        Inspector {
            reader,
            state,
            registry: Registry::builtin(),
            num: 0,
            reap: None,
        }
    }

    /// The field registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The reader.
    pub fn reader(&self) -> &CaptureReader {
        &self.reader
    }

    /// The next event with its context, or `None` at the end.
    ///
    /// # Errors
    ///
    /// As [`CaptureReader::next_event`]; after a skippable error, calling
    /// again continues.
    pub fn next_event(&mut self) -> Result<Option<EventCtx<'_>>, CaptureError> {
        // A thread that exited in the previous event goes now, after that
        // event's fields had it.
        if let Some(tid) = self.reap.take() {
            self.state.reap(tid);
        }
        let Some(ev) = self.reader.next_event()? else {
            return Ok(None);
        };
        self.num += 1;
        let es = self.state.process(&ev.event);
        self.reap = Some(ev.event.tid() as i64);
        Ok(Some(EventCtx {
            ev: ev.event,
            cpu: ev.cpu,
            num: self.num,
            dump_flags: ev.dump_flags,
            state: &self.state,
            es,
            buffer_limit: 80,
        }))
    }
}
