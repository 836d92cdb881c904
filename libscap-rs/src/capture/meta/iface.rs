//! Interface list blocks (IL V1, V2): the network addresses of the machine.
//!
//! Entries follow each other until fewer than 4 bytes are left. Each is
//! u16 type, u16 name length, address, netmask and broadcast (4 bytes each
//! for IPv4, 16 for IPv6), a u64 link speed unless the type is one of the
//! "no link speed" ones, then the name. V2 entries are preceded by a u32
//! length that, unlike the other lists, does not count itself; bytes past
//! the known fields are skipped.

use super::{block_type as bt, put_sized, wrong_block, Cursor, MetaError};

/// Longest interface name accepted: libscap rejects lengths of 1024 and
/// more (`SCAP_MAX_PATH_SIZE`).
pub const MAX_IFNAME_LEN: usize = 1023;

/// `SCAP_II_IPV4`.
const TYPE_IPV4: u16 = 1;
/// `SCAP_II_IPV6`.
const TYPE_IPV6: u16 = 2;
/// `SCAP_II_IPV4_NOLINKSPEED`.
const TYPE_IPV4_NOLINKSPEED: u16 = 3;
/// `SCAP_II_IPV6_NOLINKSPEED`.
const TYPE_IPV6_NOLINKSPEED: u16 = 4;

/// Addresses of an interface, raw bytes as in the file (network order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfAddr {
    /// IPv4 addresses.
    V4 {
        /// Interface address.
        addr: [u8; 4],
        /// Netmask.
        netmask: [u8; 4],
        /// Broadcast address.
        bcast: [u8; 4],
    },
    /// IPv6 addresses.
    V6 {
        /// Interface address.
        addr: [u8; 16],
        /// Netmask.
        netmask: [u8; 16],
        /// Broadcast address.
        bcast: [u8; 16],
    },
}

/// One address of one interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// Interface name (e.g. `eth0`), without NUL.
    pub name: Vec<u8>,
    /// Addresses.
    pub addr: IfAddr,
    /// Link speed; `None` for the "no link speed" entry types (3 and 4),
    /// which libscap reads as a link speed of 0.
    pub linkspeed: Option<u64>,
}

impl Interface {
    /// The type code written for this entry: 1/2 with a link speed, 3/4
    /// without.
    pub fn type_code(&self) -> u16 {
        match (&self.addr, self.linkspeed) {
            (IfAddr::V4 { .. }, Some(_)) => TYPE_IPV4,
            (IfAddr::V6 { .. }, Some(_)) => TYPE_IPV6,
            (IfAddr::V4 { .. }, None) => TYPE_IPV4_NOLINKSPEED,
            (IfAddr::V6 { .. }, None) => TYPE_IPV6_NOLINKSPEED,
        }
    }
}

/// Parses an interface list body (V1 or V2).
///
/// A V2 entry length of 0 means "unknown", as in libscap: the entry takes
/// the size its type implies.
pub fn parse_iflist(block_type: u32, body: &[u8]) -> Result<Vec<Interface>, MetaError> {
    let v2 = match block_type {
        bt::IL_V1 | bt::IL_V1_INT => false,
        bt::IL_V2 => true,
        _ => return Err(wrong_block(block_type, "an interface list")),
    };
    let mut c = Cursor::new(body, "interface entry");
    let mut list = Vec::new();
    while c.remaining() >= 4 {
        let entry = if v2 {
            parse_sized_entry(&mut c)?
        } else {
            parse_entry(&mut c)?
        };
        list.push(entry);
    }
    Ok(list)
}

fn parse_sized_entry(c: &mut Cursor<'_>) -> Result<Interface, MetaError> {
    let len = c.u32("entry_len")? as usize;
    if len == 0 {
        return parse_entry(c);
    }
    parse_entry(&mut c.split(len, "the rest of the entry")?)
}

fn parse_entry(c: &mut Cursor<'_>) -> Result<Interface, MetaError> {
    let at = c.pos();
    let kind = c.u16("type")?;
    let name_len = usize::from(c.u16("name length")?);
    if name_len > MAX_IFNAME_LEN {
        let message =
            format!("interface name length {name_len} exceeds the limit of {MAX_IFNAME_LEN} bytes");
        return Err(MetaError::new(at + 2, message));
    }
    let addr = match kind {
        TYPE_IPV4 | TYPE_IPV4_NOLINKSPEED => parse_v4(c)?,
        TYPE_IPV6 | TYPE_IPV6_NOLINKSPEED => parse_v6(c)?,
        _ => {
            let message = format!("unknown interface type {kind}: expected 1 to 4");
            return Err(MetaError::new(at, message));
        }
    };
    let linkspeed = match kind {
        TYPE_IPV4 | TYPE_IPV6 => Some(c.u64("linkspeed")?),
        _ => None,
    };
    let name = c.take(name_len, "name")?.to_vec();
    Ok(Interface {
        name,
        addr,
        linkspeed,
    })
}

fn parse_v4(c: &mut Cursor<'_>) -> Result<IfAddr, MetaError> {
    Ok(IfAddr::V4 {
        addr: c.array("addr")?,
        netmask: c.array("netmask")?,
        bcast: c.array("bcast")?,
    })
}

fn parse_v6(c: &mut Cursor<'_>) -> Result<IfAddr, MetaError> {
    Ok(IfAddr::V6 {
        addr: c.array("addr")?,
        netmask: c.array("netmask")?,
        bcast: c.array("bcast")?,
    })
}

/// Appends the body of a V2 (0x219) interface list block, entries in the
/// given order (libscap writes all IPv4 entries first). Entries without a
/// link speed are written as types 3/4 with no link speed field, a layout
/// libscap reads back correctly. Names are cut to [`MAX_IFNAME_LEN`] bytes.
pub fn encode_iflist_v2(list: &[Interface], out: &mut Vec<u8>) {
    for iface in list {
        put_sized(out, false, |out| write_entry(iface, out));
    }
}

fn write_entry(iface: &Interface, out: &mut Vec<u8>) {
    let name = &iface.name[..iface.name.len().min(MAX_IFNAME_LEN)];
    let name_len = u16::try_from(name.len()).unwrap_or(0);
    out.extend_from_slice(&iface.type_code().to_le_bytes());
    out.extend_from_slice(&name_len.to_le_bytes());
    let addrs: [&[u8]; 3] = match &iface.addr {
        IfAddr::V4 {
            addr,
            netmask,
            bcast,
        } => [addr, netmask, bcast],
        IfAddr::V6 {
            addr,
            netmask,
            bcast,
        } => [addr, netmask, bcast],
    };
    addrs.iter().for_each(|a| out.extend_from_slice(a));
    if let Some(speed) = iface.linkspeed {
        out.extend_from_slice(&speed.to_le_bytes());
    }
    out.extend_from_slice(name);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry_bytes(kind: u16, name: &[u8], addr_len: usize, speed: Option<u64>) -> Vec<u8> {
        let mut b = kind.to_le_bytes().to_vec();
        b.extend_from_slice(&(name.len() as u16).to_le_bytes());
        for fill in [1u8, 2, 3] {
            b.extend(std::iter::repeat_n(fill, addr_len));
        }
        if let Some(s) = speed {
            b.extend_from_slice(&s.to_le_bytes());
        }
        b.extend_from_slice(name);
        b
    }

    fn v4(name: &[u8], linkspeed: Option<u64>) -> Interface {
        let addr = IfAddr::V4 {
            addr: [1; 4],
            netmask: [2; 4],
            bcast: [3; 4],
        };
        Interface {
            name: name.to_vec(),
            addr,
            linkspeed,
        }
    }

    fn v6(name: &[u8], linkspeed: Option<u64>) -> Interface {
        let addr = IfAddr::V6 {
            addr: [1; 16],
            netmask: [2; 16],
            bcast: [3; 16],
        };
        Interface {
            name: name.to_vec(),
            addr,
            linkspeed,
        }
    }

    fn hand_built() -> Vec<(Vec<u8>, Interface)> {
        vec![
            (entry_bytes(1, b"lo", 4, Some(0)), v4(b"lo", Some(0))),
            (
                entry_bytes(1, b"eth0", 4, Some(1000)),
                v4(b"eth0", Some(1000)),
            ),
            (entry_bytes(2, b"eth0", 16, Some(10)), v6(b"eth0", Some(10))),
            (entry_bytes(3, b"wlan0", 4, None), v4(b"wlan0", None)),
            (entry_bytes(4, b"", 16, None), v6(b"", None)),
        ]
    }

    fn sized(b: &[u8]) -> Vec<u8> {
        [&(b.len() as u32).to_le_bytes()[..], b].concat()
    }

    #[test]
    fn v1_hand_built_all_types() {
        let (bytes, expected): (Vec<_>, Vec<_>) = hand_built().into_iter().unzip();
        let body = [bytes.concat(), vec![0, 0, 0]].concat();
        for t in [bt::IL_V1, bt::IL_V1_INT] {
            assert_eq!(parse_iflist(t, &body).unwrap(), expected);
        }
    }

    #[test]
    fn v2_hand_built_matches_encoder() {
        let (bytes, expected): (Vec<_>, Vec<_>) = hand_built().into_iter().unzip();
        let body: Vec<u8> = bytes.iter().flat_map(|b| sized(b)).collect();
        assert_eq!(parse_iflist(bt::IL_V2, &body).unwrap(), expected);
        let mut out = Vec::new();
        encode_iflist_v2(&expected, &mut out);
        assert_eq!(out, body);
    }

    #[test]
    fn v2_skips_extra_and_zero_len() {
        let a = entry_bytes(1, b"eth0", 4, Some(5));
        let extra = [a.clone(), vec![9; 6]].concat();
        let body = [sized(&extra), vec![0; 4], a.clone(), sized(&a), vec![0]].concat();
        let expected = vec![v4(b"eth0", Some(5)); 3];
        assert_eq!(parse_iflist(bt::IL_V2, &body).unwrap(), expected);
    }

    #[test]
    fn every_truncation_errors() {
        for (bytes, _) in hand_built() {
            for (t, body) in [(bt::IL_V1, bytes.clone()), (bt::IL_V2, sized(&bytes))] {
                for len in 0..body.len() {
                    let res = parse_iflist(t, &body[..len]);
                    assert_eq!(res.is_ok(), len < 4, "{t:#x} {len} {res:?}");
                }
            }
        }
        let e = parse_iflist(bt::IL_V1, &[1, 0, 0, 0, 1, 2]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "byte 4: interface entry truncated: expected 4 bytes for addr, 2 left"
        );
    }

    #[test]
    fn bad_type_and_long_name() {
        let e = parse_iflist(bt::IL_V1, &[9, 0, 0, 0, 0, 0]).unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (0, "unknown interface type 9: expected 1 to 4")
        );
        let e = parse_iflist(bt::IL_V2, &[4, 0, 0, 0, 1, 0, 0, 4]).unwrap_err();
        assert_eq!(e.offset, 6);
        assert!(e.message.starts_with("interface name length 1024 exceeds"));
        let long = v4(&[b'n'; 2000], Some(1));
        let mut out = Vec::new();
        encode_iflist_v2(&[long], &mut out);
        assert_eq!(
            parse_iflist(bt::IL_V2, &out).unwrap()[0].name.len(),
            MAX_IFNAME_LEN
        );
        assert!(parse_iflist(bt::UL_V2, &[]).is_err());
    }

    fn iface() -> impl Strategy<Value = Interface> {
        let name = proptest::collection::vec(any::<u8>(), 0..30);
        let v4 =
            any::<([u8; 4], [u8; 4], [u8; 4])>().prop_map(|(addr, netmask, bcast)| IfAddr::V4 {
                addr,
                netmask,
                bcast,
            });
        let v6 =
            any::<([u8; 16], [u8; 16], [u8; 16])>().prop_map(|(addr, netmask, bcast)| IfAddr::V6 {
                addr,
                netmask,
                bcast,
            });
        (name, prop_oneof![v4, v6], any::<Option<u64>>()).prop_map(|(name, addr, linkspeed)| {
            Interface {
                name,
                addr,
                linkspeed,
            }
        })
    }

    proptest! {
        #[test]
        fn round_trip(list in proptest::collection::vec(iface(), 0..6)) {
            let mut out = Vec::new();
            encode_iflist_v2(&list, &mut out);
            prop_assert_eq!(parse_iflist(bt::IL_V2, &out).unwrap(), list);
        }
    }
}
