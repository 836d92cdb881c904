//! User list blocks (UL V1, V2): the users and groups of the machine.
//!
//! Entries follow each other until fewer than 4 bytes are left. V2 entries
//! start with a u32 length counting the whole entry, itself included; bytes
//! past the known fields are skipped. Each entry then has a u8 type: 0 for
//! a user; libscap reads any other value as a group (the writer uses 1).
//! Today's format has no container id field.

use super::{block_type as bt, put_bytes16, put_sized, wrong_block, Cursor, MetaError};

/// Longest name, home directory or shell accepted: libscap rejects lengths
/// of 256 and more (`MAX_CREDENTIALS_STR_LEN`).
pub const MAX_CREDENTIAL_LEN: usize = 255;

/// Entry type byte of a user.
const TYPE_USER: u8 = 0;
/// Entry type byte of a group, as written.
const TYPE_GROUP: u8 = 1;

/// A user.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserEntry {
    /// User id.
    pub uid: u32,
    /// Primary group id.
    pub gid: u32,
    /// User name.
    pub name: Vec<u8>,
    /// Home directory.
    pub homedir: Vec<u8>,
    /// Login shell.
    pub shell: Vec<u8>,
}

/// A group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupEntry {
    /// Group id.
    pub gid: u32,
    /// Group name.
    pub name: Vec<u8>,
}

/// Contents of a user list block. The relative order of users and groups
/// in the file is not kept (libscap does not keep it either).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserList {
    /// Users, in file order.
    pub users: Vec<UserEntry>,
    /// Groups, in file order.
    pub groups: Vec<GroupEntry>,
}

/// Parses a user list body (V1 or V2). A V2 entry length of 0 means
/// "unknown", as in libscap: nothing is skipped.
pub fn parse_userlist(block_type: u32, body: &[u8]) -> Result<UserList, MetaError> {
    let v2 = match block_type {
        bt::UL_V1 | bt::UL_V1_INT => false,
        bt::UL_V2 => true,
        _ => return Err(wrong_block(block_type, "a user list")),
    };
    let mut c = Cursor::new(body, "user list entry");
    let mut list = UserList::default();
    while c.remaining() >= 4 {
        if v2 {
            parse_sized_entry(&mut c, &mut list)?;
        } else {
            parse_entry(&mut c, &mut list)?;
        }
    }
    Ok(list)
}

fn parse_sized_entry(c: &mut Cursor<'_>, list: &mut UserList) -> Result<(), MetaError> {
    let start = c.pos();
    let len = c.u32("entry_len")? as usize;
    if len == 0 {
        return parse_entry(c, list);
    }
    if len < 4 {
        let message = format!("user list entry length {len} is smaller than its own 4-byte length");
        return Err(MetaError::new(start, message));
    }
    parse_entry(&mut c.split(len - 4, "the rest of the entry")?, list)
}

fn parse_entry(c: &mut Cursor<'_>, list: &mut UserList) -> Result<(), MetaError> {
    if c.u8("type")? == TYPE_USER {
        list.users.push(parse_user(c)?);
    } else {
        list.groups.push(parse_group(c)?);
    }
    Ok(())
}

fn parse_user(c: &mut Cursor<'_>) -> Result<UserEntry, MetaError> {
    Ok(UserEntry {
        uid: c.u32("uid")?,
        gid: c.u32("gid")?,
        name: c.vec16("name", MAX_CREDENTIAL_LEN)?,
        homedir: c.vec16("homedir", MAX_CREDENTIAL_LEN)?,
        shell: c.vec16("shell", MAX_CREDENTIAL_LEN)?,
    })
}

fn parse_group(c: &mut Cursor<'_>) -> Result<GroupEntry, MetaError> {
    Ok(GroupEntry {
        gid: c.u32("gid")?,
        name: c.vec16("name", MAX_CREDENTIAL_LEN)?,
    })
}

/// Appends the body of a V2 (0x220) user list block: all users, then all
/// groups, as libscap writes them. Strings are cut to
/// [`MAX_CREDENTIAL_LEN`] bytes.
pub fn encode_userlist_v2(list: &UserList, out: &mut Vec<u8>) {
    for u in &list.users {
        put_sized(out, true, |out| {
            out.push(TYPE_USER);
            out.extend_from_slice(&u.uid.to_le_bytes());
            out.extend_from_slice(&u.gid.to_le_bytes());
            for s in [&u.name, &u.homedir, &u.shell] {
                put_bytes16(out, s, MAX_CREDENTIAL_LEN);
            }
        });
    }
    for g in &list.groups {
        put_sized(out, true, |out| {
            out.push(TYPE_GROUP);
            out.extend_from_slice(&g.gid.to_le_bytes());
            put_bytes16(out, &g.name, MAX_CREDENTIAL_LEN);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn put16(b: &mut Vec<u8>, s: &[u8]) {
        b.extend_from_slice(&(s.len() as u16).to_le_bytes());
        b.extend_from_slice(s);
    }

    fn user_bytes(uid: u32, name: &[u8]) -> Vec<u8> {
        let mut b = vec![0];
        b.extend_from_slice(&uid.to_le_bytes());
        b.extend_from_slice(&(uid + 1).to_le_bytes());
        put16(&mut b, name);
        put16(&mut b, b"/home/x");
        put16(&mut b, b"/bin/sh");
        b
    }

    fn group_bytes(gid: u32, name: &[u8]) -> Vec<u8> {
        let mut b = vec![1];
        b.extend_from_slice(&gid.to_le_bytes());
        put16(&mut b, name);
        b
    }

    fn user(uid: u32, name: &[u8]) -> UserEntry {
        UserEntry {
            uid,
            gid: uid + 1,
            name: name.to_vec(),
            homedir: b"/home/x".to_vec(),
            shell: b"/bin/sh".to_vec(),
        }
    }

    fn group(gid: u32, name: &[u8]) -> GroupEntry {
        GroupEntry {
            gid,
            name: name.to_vec(),
        }
    }

    fn sized_bytes(b: &[u8]) -> Vec<u8> {
        [&(b.len() as u32 + 4).to_le_bytes()[..], b].concat()
    }

    fn expected() -> UserList {
        UserList {
            users: vec![user(0, b"root"), user(1000, b"alice")],
            groups: vec![group(0, b"root"), group(100, b"users")],
        }
    }

    #[test]
    fn v1_hand_built() {
        let parts = [
            group_bytes(0, b"root"),
            user_bytes(0, b"root"),
            user_bytes(1000, b"alice"),
            group_bytes(100, b"users"),
            vec![0, 0],
        ];
        for t in [bt::UL_V1, bt::UL_V1_INT] {
            assert_eq!(parse_userlist(t, &parts.concat()).unwrap(), expected());
        }
    }

    #[test]
    fn v2_hand_built_skips_extra_and_zero_len() {
        let body = [
            sized_bytes(&user_bytes(0, b"root")),
            sized_bytes(&[user_bytes(1000, b"alice"), vec![7; 9]].concat()),
            [vec![0; 4], group_bytes(0, b"root")].concat(),
            sized_bytes(
                &[
                    vec![2],
                    100u32.to_le_bytes().to_vec(),
                    vec![5, 0],
                    b"users".to_vec(),
                ]
                .concat(),
            ),
            vec![0],
        ];
        assert_eq!(
            parse_userlist(bt::UL_V2, &body.concat()).unwrap(),
            expected()
        );
    }

    #[test]
    fn encoder_matches_libscap_layout() {
        let mut out = Vec::new();
        encode_userlist_v2(&expected(), &mut out);
        let hand = [
            sized_bytes(&user_bytes(0, b"root")),
            sized_bytes(&user_bytes(1000, b"alice")),
            sized_bytes(&group_bytes(0, b"root")),
            sized_bytes(&group_bytes(100, b"users")),
        ];
        assert_eq!(out, hand.concat());
    }

    #[test]
    fn every_truncation_errors() {
        for entry in [user_bytes(5, b"bob"), group_bytes(5, b"bob")] {
            for (t, body) in [(bt::UL_V1, entry.clone()), (bt::UL_V2, sized_bytes(&entry))] {
                assert!(parse_userlist(t, &body).is_ok());
                for len in 0..body.len() {
                    let res = parse_userlist(t, &body[..len]);
                    assert_eq!(res.is_ok(), len < 4, "{t:#x} {len} {res:?}");
                }
            }
        }
        let e = parse_userlist(bt::UL_V1, &[0, 1, 0, 0, 0, 2]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "byte 5: user list entry truncated: expected 4 bytes for gid, 1 left"
        );
    }

    #[test]
    fn limits_and_bad_lengths() {
        let ok = user_bytes(1, &[b'a'; MAX_CREDENTIAL_LEN]);
        assert!(parse_userlist(bt::UL_V1, &ok).is_ok());
        let e = parse_userlist(bt::UL_V1, &user_bytes(1, &[b'a'; 256])).unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (9, "name length 256 exceeds the limit of 255 bytes")
        );
        let e = parse_userlist(bt::UL_V2, &[3, 0, 0, 0, 1]).unwrap_err();
        assert_eq!(e.offset, 0);
        let e = parse_userlist(bt::UL_V2, &[40, 0, 0, 0, 1, 0, 0, 0]).unwrap_err();
        assert!(e
            .message
            .contains("expected 36 bytes for the rest of the entry"));
        assert!(parse_userlist(bt::IL_V2, &[]).is_err());
    }

    #[test]
    fn encoder_truncates_names() {
        let list = UserList {
            users: vec![],
            groups: vec![group(1, &[b'g'; 300])],
        };
        let mut out = Vec::new();
        encode_userlist_v2(&list, &mut out);
        assert_eq!(
            parse_userlist(bt::UL_V2, &out).unwrap().groups[0]
                .name
                .len(),
            255
        );
    }

    fn text() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), 0..40)
    }

    proptest! {
        #[test]
        fn round_trip(
            users in proptest::collection::vec((any::<(u32, u32)>(), text(), text(), text()), 0..5),
            groups in proptest::collection::vec((any::<u32>(), text()), 0..5),
        ) {
            let list = UserList {
                users: users.into_iter().map(|((uid, gid), name, homedir, shell)| UserEntry { uid, gid, name, homedir, shell }).collect(),
                groups: groups.into_iter().map(|(gid, name)| GroupEntry { gid, name }).collect(),
            };
            let mut out = Vec::new();
            encode_userlist_v2(&list, &mut out);
            prop_assert_eq!(parse_userlist(bt::UL_V2, &out).unwrap(), list);
        }
    }
}
