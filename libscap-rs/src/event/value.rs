//! Typed parameter values.
//!
//! [`ParamValue::decode`] turns a parameter's bytes into a value by the
//! parameter's wire type without copying. Bytes that do not fit the type
//! (a 3-byte `UINT32`, say) decode to [`ParamValue::Malformed`] so that a
//! damaged event is shown, never trusted and never a panic.

use super::schema::ParamType;

/// Socket address families as the drivers encode them (`PPM_AF_*`).
pub mod family {
    /// Unix domain sockets.
    pub const UNIX: u8 = 1;
    /// IPv4.
    pub const INET: u8 = 2;
    /// IPv6.
    pub const INET6: u8 = 10;
}

/// A socket address parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockAddr<'a> {
    /// A Unix socket path, without its terminating NUL.
    Unix(&'a [u8]),
    /// IPv4 address and port.
    V4([u8; 4], u16),
    /// IPv6 address and port.
    V6([u8; 16], u16),
    /// Another family, with its raw bytes.
    Other(u8, &'a [u8]),
}

/// A connection tuple parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockTuple<'a> {
    /// IPv4 source and destination.
    V4 {
        /// Source address.
        src: [u8; 4],
        /// Source port.
        sport: u16,
        /// Destination address.
        dst: [u8; 4],
        /// Destination port.
        dport: u16,
    },
    /// IPv6 source and destination.
    V6 {
        /// Source address.
        src: [u8; 16],
        /// Source port.
        sport: u16,
        /// Destination address.
        dst: [u8; 16],
        /// Destination port.
        dport: u16,
    },
    /// Unix socket: kernel pointers of both ends and the path.
    Unix {
        /// Source socket pointer.
        src: u64,
        /// Destination socket pointer.
        dst: u64,
        /// Path, without its terminating NUL.
        path: &'a [u8],
    },
    /// Another family, with its raw bytes.
    Other(u8, &'a [u8]),
}

/// A decoded parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamValue<'a> {
    /// The parameter is present but empty: "not available".
    Empty,
    /// A signed integer (`INT*`, `ERRNO`, `FD`, `PID`, ...).
    Signed(i64),
    /// An unsigned integer (`UINT*`, flags, ids, times, ports, ...).
    Unsigned(u64),
    /// A floating-point number.
    Double(f64),
    /// A boolean.
    Bool(bool),
    /// A string, without its terminating NUL.
    Str(&'a [u8]),
    /// Raw bytes.
    Bytes(&'a [u8]),
    /// A socket address.
    SockAddr(SockAddr<'a>),
    /// A connection tuple.
    SockTuple(SockTuple<'a>),
    /// A list of fds with their poll flags, encoded.
    FdList(FdList<'a>),
    /// An IPv4 address.
    Ipv4([u8; 4]),
    /// An IPv6 address.
    Ipv6([u8; 16]),
    /// A dynamic parameter: variant index and the variant's bytes.
    Dyn(u8, &'a [u8]),
    /// Bytes that do not fit the parameter's type.
    Malformed(&'a [u8]),
}

/// An encoded `FDLIST` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdList<'a>(&'a [u8]);

impl<'a> FdList<'a> {
    /// The fds and their flags.
    pub fn iter(&self) -> impl Iterator<Item = (i64, u16)> + 'a {
        let body = self.0.get(2..).unwrap_or(&[]);
        let count = u16::from_le_bytes([self.0[0], self.0[1]]) as usize;
        body.chunks_exact(10).take(count).map(|c| {
            let fd = i64::from_le_bytes(c[..8].try_into().unwrap_or([0; 8]));
            (fd, u16::from_le_bytes([c[8], c[9]]))
        })
    }
}

fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
    b.try_into().unwrap_or([0; N])
}

fn strip_nul(b: &[u8]) -> &[u8] {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    &b[..end]
}

impl<'a> ParamValue<'a> {
    /// Decodes `bytes` as a parameter of type `kind`.
    pub fn decode(kind: ParamType, bytes: &'a [u8]) -> ParamValue<'a> {
        use ParamType as T;
        if bytes.is_empty() {
            return ParamValue::Empty;
        }
        let fixed = kind.fixed_size();
        if fixed.is_some_and(|n| n != bytes.len()) {
            return ParamValue::Malformed(bytes);
        }
        match kind {
            T::Int8 => ParamValue::Signed(bytes[0] as i8 as i64),
            T::Int16 => ParamValue::Signed(i16::from_le_bytes(arr(bytes)) as i64),
            T::Int32 | T::Fd32 | T::Pid32 => {
                ParamValue::Signed(i32::from_le_bytes(arr(bytes)) as i64)
            }
            T::Int64 | T::Errno | T::Fd | T::Pid => {
                ParamValue::Signed(i64::from_le_bytes(arr(bytes)))
            }
            T::Double => ParamValue::Double(f64::from_le_bytes(arr(bytes))),
            T::Bool => ParamValue::Bool(u32::from_le_bytes(arr(bytes)) != 0),
            T::Ipv4Addr => ParamValue::Ipv4(arr(bytes)),
            T::Ipv6Addr => ParamValue::Ipv6(arr(bytes)),
            _ if fixed.is_some() => ParamValue::Unsigned(match bytes.len() {
                1 => bytes[0] as u64,
                2 => u16::from_le_bytes(arr(bytes)) as u64,
                4 => u32::from_le_bytes(arr(bytes)) as u64,
                _ => u64::from_le_bytes(arr(bytes)),
            }),
            T::CharBuf | T::FsPath | T::FsRelPath => ParamValue::Str(strip_nul(bytes)),
            T::SockAddr => decode_sockaddr(bytes),
            T::SockTuple => decode_socktuple(bytes),
            T::FdList => decode_fdlist(bytes),
            T::IpAddr | T::IpNet | T::Ipv4Net | T::Ipv6Net => match bytes.len() {
                4 => ParamValue::Ipv4(arr(bytes)),
                16 => ParamValue::Ipv6(arr(bytes)),
                _ => ParamValue::Malformed(bytes),
            },
            T::Dyn => ParamValue::Dyn(bytes[0], &bytes[1..]),
            _ => ParamValue::Bytes(bytes),
        }
    }

    /// The value as a signed integer, if it is a number.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            ParamValue::Signed(v) => Some(v),
            ParamValue::Unsigned(v) => Some(v as i64),
            _ => None,
        }
    }

    /// The value as an unsigned integer, if it is a number.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            ParamValue::Signed(v) => Some(v as u64),
            ParamValue::Unsigned(v) => Some(v),
            _ => None,
        }
    }

    /// The value as bytes, if it is a string or a buffer.
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match *self {
            ParamValue::Str(b) | ParamValue::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

fn decode_sockaddr(b: &[u8]) -> ParamValue<'_> {
    let addr = match (b[0], b.len()) {
        (family::UNIX, _) => SockAddr::Unix(strip_nul(&b[1..])),
        (family::INET, 7) => SockAddr::V4(arr(&b[1..5]), u16::from_le_bytes(arr(&b[5..7]))),
        (family::INET6, 19) => SockAddr::V6(arr(&b[1..17]), u16::from_le_bytes(arr(&b[17..19]))),
        (family::INET | family::INET6, _) => return ParamValue::Malformed(b),
        (f, _) => SockAddr::Other(f, &b[1..]),
    };
    ParamValue::SockAddr(addr)
}

fn decode_socktuple(b: &[u8]) -> ParamValue<'_> {
    let tuple = match (b[0], b.len()) {
        (family::INET, 13) => SockTuple::V4 {
            src: arr(&b[1..5]),
            sport: u16::from_le_bytes(arr(&b[5..7])),
            dst: arr(&b[7..11]),
            dport: u16::from_le_bytes(arr(&b[11..13])),
        },
        (family::INET6, 37) => SockTuple::V6 {
            src: arr(&b[1..17]),
            sport: u16::from_le_bytes(arr(&b[17..19])),
            dst: arr(&b[19..35]),
            dport: u16::from_le_bytes(arr(&b[35..37])),
        },
        (family::UNIX, n) if n >= 17 => SockTuple::Unix {
            src: u64::from_le_bytes(arr(&b[1..9])),
            dst: u64::from_le_bytes(arr(&b[9..17])),
            path: strip_nul(&b[17..]),
        },
        (family::INET | family::INET6 | family::UNIX, _) => return ParamValue::Malformed(b),
        (f, _) => SockTuple::Other(f, &b[1..]),
    };
    ParamValue::SockTuple(tuple)
}

fn decode_fdlist(b: &[u8]) -> ParamValue<'_> {
    if b.len() < 2 {
        return ParamValue::Malformed(b);
    }
    let count = u16::from_le_bytes([b[0], b[1]]) as usize;
    if b.len() != 2 + count * 10 {
        return ParamValue::Malformed(b);
    }
    ParamValue::FdList(FdList(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_width_is_malformed() {
        let v = ParamValue::decode(ParamType::Uint32, &[1, 2, 3]);
        assert_eq!(v, ParamValue::Malformed(&[1, 2, 3]));
    }

    #[test]
    fn charbuf_drops_its_nul() {
        assert_eq!(
            ParamValue::decode(ParamType::CharBuf, b"cat\0"),
            ParamValue::Str(b"cat")
        );
    }

    #[test]
    fn ipv4_tuple_decodes() {
        let mut b = vec![family::INET, 127, 0, 0, 1];
        b.extend_from_slice(&47192u16.to_le_bytes());
        b.extend_from_slice(&[127, 0, 0, 1]);
        b.extend_from_slice(&80u16.to_le_bytes());
        let ParamValue::SockTuple(SockTuple::V4 { sport, dport, .. }) =
            ParamValue::decode(ParamType::SockTuple, &b)
        else {
            panic!("not a v4 tuple");
        };
        assert_eq!((sport, dport), (47192, 80));
    }

    #[test]
    fn fdlist_checks_its_count() {
        assert!(matches!(
            ParamValue::decode(ParamType::FdList, &[2, 0, 1]),
            ParamValue::Malformed(_)
        ));
        let mut b = vec![1, 0];
        b.extend_from_slice(&5i64.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        let ParamValue::FdList(l) = ParamValue::decode(ParamType::FdList, &b) else {
            panic!("not a list");
        };
        assert_eq!(l.iter().collect::<Vec<_>>(), [(5, 1)]);
    }
}
