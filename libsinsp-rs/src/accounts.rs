//! Users and groups of a host, read from its passwd and group databases.
//!
//! The parser accepts the classic `/etc/passwd` and `/etc/group` formats and
//! never fails: comments, NIS compat entries (`+`/`-`) and malformed lines are
//! skipped and counted, blank lines are ignored. Lookups by id return the
//! first entry for that id, as `getpwuid(3)` and `getgrgid(3)` do.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Numeric user id.
    pub uid: u32,
    /// Primary group id.
    pub gid: u32,
    /// Login name.
    pub name: String,
    /// Home directory.
    pub homedir: String,
    /// Login shell.
    pub shell: String,
}

/// A group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Numeric group id.
    pub gid: u32,
    /// Group name.
    pub name: String,
}

/// The user and group tables of a host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounts {
    users: BTreeMap<u32, User>,
    groups: BTreeMap<u32, Group>,
    /// Number of non-blank lines, in both files, that gave no entry: comments,
    /// NIS `+`/`-` entries and malformed lines.
    pub skipped_lines: usize,
}

/// What a single database line turned out to be.
enum Line<T> {
    Blank,
    Skipped,
    Entry(T),
}

/// Parses a decimal id; signs, blanks and overflow are rejected.
fn parse_id(field: &str) -> Option<u32> {
    if field.is_empty() || !field.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    field.parse().ok()
}

/// Parses `name:passwd:uid:gid:gecos:home:shell`.
fn parse_user(line: &str) -> Option<User> {
    let fields: Vec<&str> = line.split(':').collect();
    let [name, _passwd, uid, gid, _gecos, home, shell] = fields.as_slice() else {
        return None;
    };
    if name.is_empty() {
        return None;
    }
    Some(User {
        uid: parse_id(uid)?,
        gid: parse_id(gid)?,
        name: (*name).to_owned(),
        homedir: (*home).to_owned(),
        shell: (*shell).to_owned(),
    })
}

/// Parses `name:passwd:gid:members`.
fn parse_group(line: &str) -> Option<Group> {
    let fields: Vec<&str> = line.split(':').collect();
    let [name, _passwd, gid, _members] = fields.as_slice() else {
        return None;
    };
    if name.is_empty() {
        return None;
    }
    Some(Group {
        gid: parse_id(gid)?,
        name: (*name).to_owned(),
    })
}

fn parse_line<T>(line: &str, parse: fn(&str) -> Option<T>) -> Line<T> {
    let line = line.strip_suffix('\r').unwrap_or(line).trim_start();
    if line.trim_end().is_empty() {
        return Line::Blank;
    }
    if line.starts_with(['#', '+', '-']) {
        return Line::Skipped;
    }
    parse(line).map_or(Line::Skipped, Line::Entry)
}

/// Parses every line of `text`, keeping the first entry for each key.
fn parse_table<T>(
    text: &str,
    parse: fn(&str) -> Option<T>,
    key: fn(&T) -> u32,
) -> (BTreeMap<u32, T>, usize) {
    let mut table = BTreeMap::new();
    let mut skipped = 0;
    for line in text.lines() {
        match parse_line(line, parse) {
            Line::Blank => {}
            Line::Skipped => skipped += 1,
            Line::Entry(entry) => {
                table.entry(key(&entry)).or_insert(entry);
            }
        }
    }
    (table, skipped)
}

/// Reads a database file; a missing file reads as empty. Invalid UTF-8 is
/// replaced rather than rejected so one odd line cannot hide the others.
fn read_database(path: &Path) -> io::Result<String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(String::new()),
        Err(err) => Err(err),
    }
}

impl Accounts {
    /// Builds the tables from the contents of a passwd and a group file.
    #[must_use]
    pub fn parse(passwd: &str, group: &str) -> Accounts {
        let (users, skipped_users) = parse_table(passwd, parse_user, |u| u.uid);
        let (groups, skipped_groups) = parse_table(group, parse_group, |g| g.gid);
        Accounts {
            users,
            groups,
            skipped_lines: skipped_users + skipped_groups,
        }
    }

    /// Reads `root/etc/passwd` and `root/etc/group`.
    ///
    /// A missing file gives an empty table. Invalid UTF-8 is replaced with
    /// U+FFFD instead of failing the load.
    ///
    /// # Errors
    ///
    /// Any IO error other than [`io::ErrorKind::NotFound`] while reading
    /// either file, for example a permission error or a directory in the
    /// file's place.
    pub fn load(root: &Path) -> io::Result<Accounts> {
        let passwd = read_database(&root.join("etc/passwd"))?;
        let group = read_database(&root.join("etc/group"))?;
        Ok(Accounts::parse(&passwd, &group))
    }

    /// The user with id `uid`.
    #[must_use]
    pub fn user(&self, uid: u32) -> Option<&User> {
        self.users.get(&uid)
    }

    /// The group with id `gid`.
    #[must_use]
    pub fn group(&self, gid: u32) -> Option<&Group> {
        self.groups.get(&gid)
    }

    /// The user named `name`; if several users share it, the lowest uid wins.
    #[must_use]
    pub fn user_by_name(&self, name: &str) -> Option<&User> {
        self.users.values().find(|user| user.name == name)
    }

    /// Adds `user`, replacing any user with the same uid.
    pub fn insert_user(&mut self, user: User) {
        self.users.insert(user.uid, user);
    }

    /// Adds `group`, replacing any group with the same gid.
    pub fn insert_group(&mut self, group: Group) {
        self.groups.insert(group.gid, group);
    }

    /// Removes the user with id `uid`, returning it if it was present.
    pub fn remove_user(&mut self, uid: u32) -> Option<User> {
        self.users.remove(&uid)
    }

    /// Removes the group with id `gid`, returning it if it was present.
    pub fn remove_group(&mut self, gid: u32) -> Option<Group> {
        self.groups.remove(&gid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const PASSWD: &str = "\
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
# a comment

   # an indented comment
toor:x:0:0:second root:/root:/bin/sh
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
+nisuser::::::
-banned::::::
+
broken:x:1000:1000:missing a field:/home/broken
negative:x:-5:100::/home/negative:/bin/sh
huge:x:4294967296:100::/home/huge:/bin/sh
letters:x:abc:100::/home/letters:/bin/sh
:x:1001:1001:no name:/home/none:/bin/sh
alice:x:1000:1000:Alice,,,:/home/alice:/bin/zsh\r
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
";

    const GROUP: &str = "\
root:x:0:
daemon:x:1:
adm:x:4:syslog,alice
# comment
+:::
wheel:x:10
alice:x:1000:
sudo:x:27:alice:extra
admins:x:4:
nogroup:x:65534:
";

    fn fixture() -> Accounts {
        Accounts::parse(PASSWD, GROUP)
    }

    #[test]
    fn parses_users() {
        let accounts = fixture();
        let alice = accounts.user(1000).expect("alice");
        let expected = User {
            uid: 1000,
            gid: 1000,
            name: "alice".into(),
            homedir: "/home/alice".into(),
            shell: "/bin/zsh".into(),
        };
        assert_eq!(alice, &expected);
        assert_eq!(accounts.user(33).map(|u| u.name.as_str()), Some("www-data"));
        assert_eq!(accounts.user(65534).map(|u| u.gid), Some(65534));
        assert_eq!(accounts.user(4242), None);
    }

    #[test]
    fn first_entry_wins_for_duplicate_ids() {
        let accounts = fixture();
        assert_eq!(accounts.user(0).map(|u| u.name.as_str()), Some("root"));
        assert_eq!(accounts.group(4).map(|g| g.name.as_str()), Some("adm"));
    }

    #[test]
    fn parses_groups() {
        let accounts = fixture();
        let expected = Group {
            gid: 1000,
            name: "alice".into(),
        };
        assert_eq!(accounts.group(1000), Some(&expected));
        assert_eq!(accounts.group(0).map(|g| g.name.as_str()), Some("root"));
        assert_eq!(
            accounts.group(65534).map(|g| g.name.as_str()),
            Some("nogroup")
        );
        assert_eq!(accounts.group(10), None, "three fields is malformed");
        assert_eq!(accounts.group(27), None, "five fields is malformed");
    }

    #[test]
    fn counts_skipped_lines() {
        let accounts = fixture();
        // passwd: 2 comments, 3 NIS entries, 5 malformed lines.
        // group: 1 comment, 1 NIS entry, 2 malformed lines.
        assert_eq!(accounts.skipped_lines, 10 + 4);
    }

    #[test]
    fn user_by_name() {
        let accounts = fixture();
        assert_eq!(accounts.user_by_name("daemon").map(|u| u.uid), Some(1));
        assert_eq!(accounts.user_by_name("alice").map(|u| u.uid), Some(1000));
        // `toor` shares uid 0 with `root`, which shadows it.
        assert_eq!(accounts.user_by_name("toor"), None);
        assert_eq!(accounts.user_by_name(""), None);
        assert_eq!(accounts.user_by_name("nisuser"), None);
    }

    #[test]
    fn insert_and_remove() {
        let mut accounts = Accounts::default();
        let bob = User {
            uid: 2000,
            gid: 2000,
            name: "bob".into(),
            homedir: "/home/bob".into(),
            shell: "/bin/bash".into(),
        };
        accounts.insert_user(bob.clone());
        assert_eq!(accounts.user(2000), Some(&bob));
        assert_eq!(accounts.user_by_name("bob"), Some(&bob));

        let renamed = User {
            name: "robert".into(),
            ..bob.clone()
        };
        accounts.insert_user(renamed.clone());
        assert_eq!(accounts.user(2000), Some(&renamed));
        assert_eq!(accounts.user_by_name("bob"), None);

        assert_eq!(accounts.remove_user(2000), Some(renamed));
        assert_eq!(accounts.remove_user(2000), None);
        assert_eq!(accounts.user(2000), None);

        let staff = Group {
            gid: 50,
            name: "staff".into(),
        };
        accounts.insert_group(staff.clone());
        assert_eq!(accounts.group(50), Some(&staff));
        assert_eq!(accounts.remove_group(50), Some(staff));
        assert_eq!(accounts.group(50), None);
    }

    #[test]
    fn empty_and_garbage_input() {
        let empty = Accounts::parse("", "");
        assert_eq!(empty, Accounts::default());

        let garbage = Accounts::parse("::::::::::::\n\u{0}\n:\n\n", "é:x:é:\n:::\n");
        assert_eq!(garbage.user(0), None);
        assert_eq!(garbage.skipped_lines, 5);
    }

    #[test]
    fn blank_lines_are_not_counted() {
        let accounts = Accounts::parse("\n  \n\t\r\n", "\n\n");
        assert_eq!(accounts.skipped_lines, 0);
    }

    fn write_etc(root: &Path, passwd: Option<&str>, group: Option<&str>) {
        let etc = root.join("etc");
        fs::create_dir_all(&etc).expect("create etc");
        if let Some(text) = passwd {
            fs::write(etc.join("passwd"), text).expect("write passwd");
        }
        if let Some(text) = group {
            fs::write(etc.join("group"), text).expect("write group");
        }
    }

    #[test]
    fn load_from_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_etc(dir.path(), Some(PASSWD), Some(GROUP));
        let accounts = Accounts::load(dir.path()).expect("load");
        assert_eq!(accounts, fixture());
    }

    #[test]
    fn load_with_missing_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let accounts = Accounts::load(dir.path()).expect("load");
        assert_eq!(accounts, Accounts::default());

        write_etc(dir.path(), None, Some(GROUP));
        let accounts = Accounts::load(dir.path()).expect("load");
        assert_eq!(accounts.user(0), None);
        assert_eq!(accounts.group(0).map(|g| g.name.as_str()), Some("root"));
    }

    #[test]
    fn load_tolerates_invalid_utf8() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_etc(dir.path(), None, None);
        let passwd = b"carol:x:1001:1001:Caf\xe9:/home/carol:/bin/sh\n";
        fs::write(dir.path().join("etc/passwd"), passwd).expect("write passwd");
        let accounts = Accounts::load(dir.path()).expect("load");
        assert_eq!(accounts.user(1001).map(|u| u.name.as_str()), Some("carol"));
    }

    #[test]
    fn load_reports_other_io_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("etc/passwd")).expect("create dir");
        assert!(Accounts::load(dir.path()).is_err());
    }

    #[test]
    fn load_this_machine() {
        let accounts = Accounts::load(Path::new("/")).expect("load /");
        let root = accounts.user(0).expect("uid 0");
        assert_eq!(root.name, "root");
    }
}
