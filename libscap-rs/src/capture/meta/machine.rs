//! Machine info block (MI, 0x201): a packed 180-byte structure.

use super::{Cursor, MetaError};

/// Size of a machine info body as written by libscap.
pub const MACHINE_INFO_LEN: usize = 180;

/// Size of the NUL-padded hostname field.
const HOSTNAME_LEN: usize = 128;

/// Field names and sizes, in file order.
const FIELDS: [(&str, usize); 8] = [
    ("num_cpus", 4),
    ("memory_size_bytes", 8),
    ("max_pid", 8),
    ("hostname", HOSTNAME_LEN),
    ("boot_ts_epoch", 8),
    ("flags", 8),
    ("reserved3", 8),
    ("reserved4", 8),
];

/// Contents of a machine info block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MachineInfo {
    /// Number of processors.
    pub num_cpus: u32,
    /// Physical memory size in bytes.
    pub memory_size_bytes: u64,
    /// Highest pid number on the machine.
    pub max_pid: u64,
    /// Hostname: the bytes before the first NUL of the 128-byte field,
    /// decoded as UTF-8 with invalid sequences replaced.
    pub hostname: String,
    /// Host boot time, nanoseconds since the epoch.
    pub boot_ts_epoch: u64,
    /// Flags.
    pub flags: u64,
    /// Reserved.
    pub reserved3: u64,
    /// Reserved.
    pub reserved4: u64,
}

/// Parses a machine info body.
///
/// libscap reads exactly 180 bytes. Here a longer body has its extra bytes
/// ignored, and a shorter one is accepted when it ends on a field boundary,
/// the missing fields being zero (empty hostname). A body ending inside a
/// field is an error.
pub fn parse_machine_info(body: &[u8]) -> Result<MachineInfo, MetaError> {
    check_field_boundary(body.len())?;
    let mut full = [0u8; MACHINE_INFO_LEN];
    let present = body.len().min(MACHINE_INFO_LEN);
    full[..present].copy_from_slice(&body[..present]);
    read_fields(&mut Cursor::new(&full, "machine info"))
}

/// Rejects a body length that cuts a field in two.
fn check_field_boundary(len: usize) -> Result<(), MetaError> {
    let mut start = 0;
    for (name, size) in FIELDS {
        if len > start && len < start + size {
            let left = len - start;
            let message =
                format!("machine info truncated: expected {size} bytes for {name}, {left} left");
            return Err(MetaError::new(start, message));
        }
        start += size;
    }
    Ok(())
}

fn read_fields(c: &mut Cursor<'_>) -> Result<MachineInfo, MetaError> {
    Ok(MachineInfo {
        num_cpus: c.u32("num_cpus")?,
        memory_size_bytes: c.u64("memory_size_bytes")?,
        max_pid: c.u64("max_pid")?,
        hostname: hostname_from_field(c.take(HOSTNAME_LEN, "hostname")?),
        boot_ts_epoch: c.u64("boot_ts_epoch")?,
        flags: c.u64("flags")?,
        reserved3: c.u64("reserved3")?,
        reserved4: c.u64("reserved4")?,
    })
}

fn hostname_from_field(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// Appends exactly 180 bytes: the machine info body, no padding.
///
/// The hostname is cut at its first NUL and to at most 127 bytes (on a
/// character boundary) so that the field stays NUL-terminated.
pub fn encode_machine_info(mi: &MachineInfo, out: &mut Vec<u8>) {
    out.extend_from_slice(&mi.num_cpus.to_le_bytes());
    out.extend_from_slice(&mi.memory_size_bytes.to_le_bytes());
    out.extend_from_slice(&mi.max_pid.to_le_bytes());
    out.extend_from_slice(&hostname_field(&mi.hostname));
    for v in [mi.boot_ts_epoch, mi.flags, mi.reserved3, mi.reserved4] {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

fn hostname_field(hostname: &str) -> [u8; HOSTNAME_LEN] {
    let before_nul = hostname.split('\0').next().unwrap_or("");
    let mut end = before_nul.len().min(HOSTNAME_LEN - 1);
    while !before_nul.is_char_boundary(end) {
        end -= 1;
    }
    let mut field = [0u8; HOSTNAME_LEN];
    field[..end].copy_from_slice(&before_nul.as_bytes()[..end]);
    field
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> MachineInfo {
        MachineInfo {
            num_cpus: 8,
            memory_size_bytes: 16 << 30,
            max_pid: 4_194_304,
            hostname: "falco-host".into(),
            boot_ts_epoch: 1_700_000_000_000_000_000,
            flags: 3,
            reserved3: 5,
            reserved4: 7,
        }
    }

    fn hand_built() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&8u32.to_le_bytes());
        b.extend_from_slice(&(16u64 << 30).to_le_bytes());
        b.extend_from_slice(&4_194_304u64.to_le_bytes());
        let mut host = [0u8; 128];
        host[..10].copy_from_slice(b"falco-host");
        b.extend_from_slice(&host);
        for v in [1_700_000_000_000_000_000u64, 3, 5, 7] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b
    }

    #[test]
    fn parses_hand_built_body() {
        let body = hand_built();
        assert_eq!(body.len(), MACHINE_INFO_LEN);
        assert_eq!(parse_machine_info(&body).unwrap(), sample());
    }

    #[test]
    fn encodes_exactly_180_bytes() {
        let mut out = vec![0xAA];
        encode_machine_info(&sample(), &mut out);
        assert_eq!(out.len(), 1 + MACHINE_INFO_LEN);
        assert_eq!(&out[1..], &hand_built()[..]);
    }

    #[test]
    fn round_trip() {
        let mut out = Vec::new();
        encode_machine_info(&sample(), &mut out);
        assert_eq!(parse_machine_info(&out).unwrap(), sample());
    }

    #[test]
    fn longer_body_ignores_extra() {
        let mut body = hand_built();
        body.extend_from_slice(&[1, 2, 3, 4, 5]);
        assert_eq!(parse_machine_info(&body).unwrap(), sample());
    }

    #[test]
    fn shorter_body_on_field_boundary() {
        let body = hand_built();
        let mi = parse_machine_info(&body[..148]).unwrap();
        assert_eq!(mi.hostname, "falco-host");
        assert_eq!((mi.boot_ts_epoch, mi.flags, mi.reserved4), (0, 0, 0));
        assert_eq!(parse_machine_info(&[]).unwrap(), MachineInfo::default());
        assert_eq!(parse_machine_info(&body[..4]).unwrap().num_cpus, 8);
    }

    #[test]
    fn every_truncation_is_ok_or_error() {
        let body = hand_built();
        let boundaries = [0, 4, 12, 20, 148, 156, 164, 172];
        for len in 0..body.len() {
            let res = parse_machine_info(&body[..len]);
            assert_eq!(res.is_ok(), boundaries.contains(&len), "len {len}");
        }
        let e = parse_machine_info(&body[..15]).unwrap_err();
        assert_eq!(e.offset, 12);
        assert_eq!(
            e.message,
            "machine info truncated: expected 8 bytes for max_pid, 3 left"
        );
    }

    #[test]
    fn hostname_is_cut_to_fit() {
        let mut mi = sample();
        mi.hostname = "é".repeat(100);
        let mut out = Vec::new();
        encode_machine_info(&mi, &mut out);
        assert_eq!(out.len(), MACHINE_INFO_LEN);
        assert_eq!(parse_machine_info(&out).unwrap().hostname, "é".repeat(63));
        mi.hostname = "ab\0cd".into();
        out.clear();
        encode_machine_info(&mi, &mut out);
        assert_eq!(parse_machine_info(&out).unwrap().hostname, "ab");
    }

    #[test]
    fn hostname_without_nul_uses_whole_field() {
        let mut body = hand_built();
        body[20..148].fill(b'x');
        assert_eq!(parse_machine_info(&body).unwrap().hostname.len(), 128);
    }
}
