//! Building events.
//!
//! [`EventBuilder`] appends parameters one at a time and lays out the
//! header and length slots when finished. Tests use it to synthesize
//! events; the writer uses [`EventBuilder::from_event`] semantics by
//! copying already-valid events as they are.

use super::schema;
use super::value::{family, ParamValue, SockAddr, SockTuple};
use super::view::HEADER_LEN;

/// Builds one encoded event.
#[derive(Debug, Clone)]
pub struct EventBuilder {
    code: u16,
    ts: u64,
    tid: u64,
    lens: Vec<u32>,
    data: Vec<u8>,
}

impl EventBuilder {
    /// Starts an event of code `code` with timestamp and tid zero.
    pub fn new(code: u16) -> EventBuilder {
        EventBuilder {
            code,
            ts: 0,
            tid: 0,
            lens: Vec::new(),
            data: Vec::new(),
        }
    }

    /// Sets the timestamp in nanoseconds since the epoch.
    pub fn ts(mut self, ts: u64) -> Self {
        self.ts = ts;
        self
    }

    /// Sets the thread id.
    pub fn tid(mut self, tid: u64) -> Self {
        self.tid = tid;
        self
    }

    /// Appends a parameter from its raw bytes.
    pub fn raw(mut self, bytes: &[u8]) -> Self {
        self.lens.push(bytes.len() as u32);
        self.data.extend_from_slice(bytes);
        self
    }

    /// Appends an empty ("not available") parameter.
    pub fn empty(self) -> Self {
        self.raw(&[])
    }

    /// Appends an 8-bit value.
    pub fn u8(self, v: u8) -> Self {
        self.raw(&[v])
    }

    /// Appends a 16-bit value.
    pub fn u16(self, v: u16) -> Self {
        self.raw(&v.to_le_bytes())
    }

    /// Appends a 32-bit value.
    pub fn u32(self, v: u32) -> Self {
        self.raw(&v.to_le_bytes())
    }

    /// Appends a signed 32-bit value.
    pub fn i32(self, v: i32) -> Self {
        self.raw(&v.to_le_bytes())
    }

    /// Appends a 64-bit value.
    pub fn u64(self, v: u64) -> Self {
        self.raw(&v.to_le_bytes())
    }

    /// Appends a signed 64-bit value (errno, fd, pid).
    pub fn i64(self, v: i64) -> Self {
        self.raw(&v.to_le_bytes())
    }

    /// Appends a NUL-terminated string.
    pub fn str(mut self, s: impl AsRef<[u8]>) -> Self {
        let s = s.as_ref();
        self.lens.push(s.len() as u32 + 1);
        self.data.extend_from_slice(s);
        self.data.push(0);
        self
    }

    /// Appends a list of strings, NUL-separated (argv, env, cgroups).
    pub fn str_list<S: AsRef<[u8]>>(mut self, items: &[S]) -> Self {
        let start = self.data.len();
        for item in items {
            self.data.extend_from_slice(item.as_ref());
            self.data.push(0);
        }
        self.lens.push((self.data.len() - start) as u32);
        self
    }

    /// Appends a decoded value, encoded back the way `kind` lays it out.
    pub fn value(self, kind: schema::ParamType, value: &ParamValue<'_>) -> Self {
        let width = kind.fixed_size().unwrap_or(8);
        match *value {
            ParamValue::Empty => self.empty(),
            ParamValue::Signed(v) => self.raw(&v.to_le_bytes()[..width]),
            ParamValue::Unsigned(v) => self.raw(&v.to_le_bytes()[..width]),
            ParamValue::Double(v) => self.raw(&v.to_le_bytes()),
            ParamValue::Bool(v) => self.u32(v as u32),
            ParamValue::Str(s) => self.str(s),
            ParamValue::Bytes(b) | ParamValue::Malformed(b) => self.raw(b),
            ParamValue::SockAddr(a) => self.raw(&sockaddr_bytes(&a)),
            ParamValue::SockTuple(t) => self.raw(&socktuple_bytes(&t)),
            ParamValue::FdList(l) => {
                let fds: Vec<(i64, u16)> = l.iter().collect();
                self.fd_list(&fds)
            }
            ParamValue::Ipv4(a) => self.raw(&a),
            ParamValue::Ipv6(a) => self.raw(&a),
            ParamValue::Dyn(i, b) => {
                let mut v = vec![i];
                v.extend_from_slice(b);
                self.raw(&v)
            }
        }
    }

    /// Appends a socket address.
    pub fn sockaddr(self, addr: &SockAddr<'_>) -> Self {
        self.raw(&sockaddr_bytes(addr))
    }

    /// Appends a connection tuple.
    pub fn socktuple(self, tuple: &SockTuple<'_>) -> Self {
        self.raw(&socktuple_bytes(tuple))
    }

    /// Appends an fd list.
    pub fn fd_list(self, fds: &[(i64, u16)]) -> Self {
        let mut b = (fds.len() as u16).to_le_bytes().to_vec();
        for (fd, flags) in fds {
            b.extend_from_slice(&fd.to_le_bytes());
            b.extend_from_slice(&flags.to_le_bytes());
        }
        self.raw(&b)
    }

    /// Lays out the event and returns its bytes.
    ///
    /// Parameter lengths that do not fit a 16-bit slot of a code without
    /// large payloads are cut to the slot; callers that need more must
    /// use a large-payload code, as the drivers do.
    pub fn finish(self) -> Vec<u8> {
        let large = schema::event_info(self.code).is_some_and(|i| i.has_large_payload());
        let width = if large { 4 } else { 2 };
        let mut out = Vec::with_capacity(HEADER_LEN + self.lens.len() * width + self.data.len());
        out.extend_from_slice(&self.ts.to_le_bytes());
        out.extend_from_slice(&self.tid.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&self.code.to_le_bytes());
        out.extend_from_slice(&(self.lens.len() as u32).to_le_bytes());

        // Write the slots, then copy each parameter, trimmed to what its
        // slot can say, so that the event always parses.
        let mut data = Vec::with_capacity(self.data.len());
        let mut at = 0usize;
        for &len in &self.lens {
            let kept = if large { len } else { len.min(u16::MAX as u32) };
            if large {
                out.extend_from_slice(&kept.to_le_bytes());
            } else {
                out.extend_from_slice(&(kept as u16).to_le_bytes());
            }
            data.extend_from_slice(&self.data[at..at + kept as usize]);
            at += len as usize;
        }
        out.extend_from_slice(&data);
        let len = out.len() as u32;
        out[16..20].copy_from_slice(&len.to_le_bytes());
        out
    }
}

fn sockaddr_bytes(addr: &SockAddr<'_>) -> Vec<u8> {
    match *addr {
        SockAddr::Unix(path) => {
            let mut b = vec![family::UNIX];
            b.extend_from_slice(path);
            b.push(0);
            b
        }
        SockAddr::V4(ip, port) => {
            let mut b = vec![family::INET];
            b.extend_from_slice(&ip);
            b.extend_from_slice(&port.to_le_bytes());
            b
        }
        SockAddr::V6(ip, port) => {
            let mut b = vec![family::INET6];
            b.extend_from_slice(&ip);
            b.extend_from_slice(&port.to_le_bytes());
            b
        }
        SockAddr::Other(f, rest) => {
            let mut b = vec![f];
            b.extend_from_slice(rest);
            b
        }
    }
}

fn socktuple_bytes(tuple: &SockTuple<'_>) -> Vec<u8> {
    match *tuple {
        SockTuple::V4 {
            src,
            sport,
            dst,
            dport,
        } => {
            let mut b = vec![family::INET];
            b.extend_from_slice(&src);
            b.extend_from_slice(&sport.to_le_bytes());
            b.extend_from_slice(&dst);
            b.extend_from_slice(&dport.to_le_bytes());
            b
        }
        SockTuple::V6 {
            src,
            sport,
            dst,
            dport,
        } => {
            let mut b = vec![family::INET6];
            b.extend_from_slice(&src);
            b.extend_from_slice(&sport.to_le_bytes());
            b.extend_from_slice(&dst);
            b.extend_from_slice(&dport.to_le_bytes());
            b
        }
        SockTuple::Unix { src, dst, path } => {
            let mut b = vec![family::UNIX];
            b.extend_from_slice(&src.to_le_bytes());
            b.extend_from_slice(&dst.to_le_bytes());
            b.extend_from_slice(path);
            b.push(0);
            b
        }
        SockTuple::Other(f, rest) => {
            let mut b = vec![f];
            b.extend_from_slice(rest);
            b
        }
    }
}
