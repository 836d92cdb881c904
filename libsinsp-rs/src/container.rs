//! Container identification from cgroup paths.
//!
//! A process running inside a container sits in a cgroup whose path names the
//! container, for example `/docker/<id>` or
//! `/system.slice/docker-<id>.scope`. This module recognises the layouts used
//! by the container engines Falco's container plugin knows about and extracts
//! the container id the way Falco reports it in `container.id`.
//!
//! # Matching rules
//!
//! Each cgroup path is tried against the matchers in [`MATCH_ORDER`]; the
//! first matcher that claims the path decides the result, even when a later
//! matcher would have produced a different id. Most matchers look for
//! `<prefix><id><suffix>` using the *last* occurrence of both prefix and
//! suffix; such an id must be exactly 64 hexadecimal digits and is reported
//! truncated to its first 12 characters. The containerd matcher additionally
//! accepts shorter free-form ids (reported truncated to 12 bytes) as long as
//! the path does not end in `.service`, `.slice` or `.scope`.
//!
//! Two deliberate differences from the plugin: every one of the 64 id bytes
//! must be a hex digit (the plugin's check can let some non-hex ids through),
//! and truncation never splits a UTF-8 character.
//!
//! Because the matchers run in a fixed order, early, broad matchers shadow
//! later ones: docker claims any path ending in `/<64 hex>` (including
//! cgroupfs kubepods paths), and containerd claims short leaves below a
//! namespace-like component, such as `/lxc/<name>` or `/libvirt/lxc/<name>`.
//!
//! The runtime in a [`ContainerMatch`] names the matcher that claimed the
//! path. For docker, cri and containerd style paths this is only a hint: the
//! layouts overlap (a CRI-managed container in a cgroupfs kubepods hierarchy
//! looks exactly like a docker one), and Falco learns the real runtime later
//! from the engine's API.

use std::fmt;

/// Length of a full runc-style container id, in hex digits.
const FULL_ID_LEN: usize = 64;

/// Length of the id as Falco shows it in `container.id`.
const SHORT_ID_LEN: usize = 12;

/// The container engine a cgroup path was attributed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainerRuntime {
    /// Docker (`/docker/<id>`, `/docker-<id>.scope`, and any `/<64 hex>` leaf).
    Docker,
    /// A CRI runtime whose flavour is not known from the path alone.
    Cri,
    /// containerd outside Kubernetes (`/<namespace>/<id>`).
    Containerd,
    /// CRI-O. Never produced by path matching; kept for `container.type` parity.
    CriO,
    /// Podman (`libpod-<id>` scopes).
    Podman,
    /// LXC (`/lxc/<name>`, `/lxc.payload/<name>`, `/lxc.payload.<name>`).
    Lxc,
    /// libvirt-lxc (`machine-lxc\x2d<name>.scope`, `/libvirt/lxc/<name>`).
    LibvirtLxc,
    /// Cloud Foundry BPM (`bpm-<id>`).
    Bpm,
}

impl ContainerRuntime {
    /// The name Falco uses for this runtime in the `container.type` field.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Docker => "docker",
            Self::Cri => "cri",
            Self::Containerd => "containerd",
            Self::CriO => "cri-o",
            Self::Podman => "podman",
            Self::Lxc => "lxc",
            Self::LibvirtLxc => "libvirt-lxc",
            Self::Bpm => "bpm",
        }
    }
}

impl fmt::Display for ContainerRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The matchers in the order they are tried on every cgroup path.
///
/// This is the order of Falco's container plugin with every engine enabled
/// (its default): podman, docker, cri, containerd, lxc, libvirt-lxc, bpm.
pub const MATCH_ORDER: [ContainerRuntime; 7] = [
    ContainerRuntime::Podman,
    ContainerRuntime::Docker,
    ContainerRuntime::Cri,
    ContainerRuntime::Containerd,
    ContainerRuntime::Lxc,
    ContainerRuntime::LibvirtLxc,
    ContainerRuntime::Bpm,
];

/// A container found in a cgroup path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerMatch {
    /// The matcher that claimed the path.
    pub runtime: ContainerRuntime,
    /// The id as `container.id` shows it: at most 12 bytes for runc-style ids.
    pub id: String,
    /// The id as found in the path, before any truncation.
    pub full_id: String,
}

/// `(prefix, suffix)` pairs for podman containers, tried in order.
const PODMAN_LAYOUTS: [(&str, &str); 6] = [
    ("/libpod-", ".scope"),
    ("/libpod-", ".scope/container"),
    ("/libpod-", ""),
    ("/libpod-payload-", ".scope"),
    ("/libpod-payload-", ".scope/container"),
    ("/libpod-payload-", ""),
];

/// `(prefix, suffix)` pairs for docker containers, tried in order.
const DOCKER_LAYOUTS: [(&str, &str); 2] = [("/", ""), ("/docker-", ".scope")];

/// `(prefix, suffix)` pairs for CRI runtimes, tried in order.
const CRI_LAYOUTS: [(&str, &str); 7] = [
    ("/", ""),
    ("/crio-", ""),
    ("/cri-containerd-", ".scope"),
    ("/crio-", ".scope"),
    (":cri-containerd:", ""),
    ("/docker-", ".scope"),
    ("/nerdctl-", ".scope"),
];

/// Markers preceding an LXC container name, tried in order.
const LXC_MARKERS: [&str; 3] = ["/lxc/", "/lxc.payload/", "/lxc.payload."];

/// Suffix of a non-systemd libvirt-lxc cgroup.
const LIBVIRT_SUFFIX: &str = ".libvirt-lxc";

/// systemd-escaped marker of a libvirt-lxc machine scope (`-lxc\x2d`, minus `d`).
const LIBVIRT_ESCAPED: &str = "-lxc\\x2";

/// Marker of a legacy libvirt-lxc cgroup.
const LIBVIRT_LEGACY: &str = "/libvirt/lxc/";

/// Marker preceding a BPM container id.
const BPM_MARKER: &str = "bpm-";

/// An id found by a matcher, borrowed from the path.
struct Hit<'a> {
    full: &'a str,
    shown: &'a str,
}

impl<'a> Hit<'a> {
    /// An id reported in full.
    fn whole(id: &'a str) -> Self {
        Hit {
            full: id,
            shown: id,
        }
    }

    /// An id reported truncated to [`SHORT_ID_LEN`] bytes.
    fn truncated(id: &'a str) -> Self {
        Hit {
            full: id,
            shown: truncate(id, SHORT_ID_LEN),
        }
    }
}

/// The longest prefix of `s` of at most `max` bytes ending on a char boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

fn is_full_hex_id(id: &str) -> bool {
    id.len() == FULL_ID_LEN && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn has_systemd_unit_suffix(path: &str) -> bool {
    [".service", ".slice", ".scope"]
        .iter()
        .any(|suffix| path.ends_with(suffix))
}

/// Matches `path` against `<prefix><id><suffix>`, using the last occurrence of
/// `prefix` and of `suffix` (an empty suffix stands for the end of the path).
///
/// `free_form` enables containerd's acceptance of short, non-hex ids.
fn match_layout<'a>(path: &'a str, prefix: &str, suffix: &str, free_form: bool) -> Option<Hit<'a>> {
    let start = path.rfind(prefix)? + prefix.len();
    let end = if suffix.is_empty() {
        path.len()
    } else {
        path.rfind(suffix)?
    };
    let id = path.get(start..end)?;
    if is_full_hex_id(id) {
        return Some(Hit::truncated(id));
    }
    let acceptable =
        free_form && !id.is_empty() && id.len() <= FULL_ID_LEN && !has_systemd_unit_suffix(path);
    acceptable.then(|| Hit::truncated(id))
}

fn match_layouts<'a>(path: &'a str, layouts: &[(&str, &str)]) -> Option<Hit<'a>> {
    layouts
        .iter()
        .find_map(|(prefix, suffix)| match_layout(path, prefix, suffix, false))
}

fn match_podman(path: &str) -> Option<Hit<'_>> {
    match_layouts(path, &PODMAN_LAYOUTS)
}

fn match_docker(path: &str) -> Option<Hit<'_>> {
    match_layouts(path, &DOCKER_LAYOUTS)
}

fn match_cri(path: &str) -> Option<Hit<'_>> {
    match_layouts(path, &CRI_LAYOUTS)
}

/// Whether `segment` looks like a containerd namespace name: alphanumeric runs
/// joined by single `.`, `_` or `-` characters.
fn is_namespace_name(segment: &str) -> bool {
    segment
        .split(['.', '_', '-'])
        .all(|run| !run.is_empty() && run.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The first `/<namespace>/` component of `path`, slashes included.
fn containerd_namespace(path: &str) -> Option<&str> {
    let slashes = path.match_indices('/').map(|(i, _)| i);
    let next_slashes = path.match_indices('/').map(|(i, _)| i).skip(1);
    slashes
        .zip(next_slashes)
        .find(|&(open, close)| path.get(open + 1..close).is_some_and(is_namespace_name))
        .and_then(|(open, close)| path.get(open..=close))
}

fn match_containerd(path: &str) -> Option<Hit<'_>> {
    let namespace = containerd_namespace(path)?;
    match_layout(path, namespace, "", true)
}

fn match_lxc(path: &str) -> Option<Hit<'_>> {
    let start = LXC_MARKERS
        .iter()
        .find_map(|marker| path.find(marker).map(|pos| pos + marker.len()))?;
    let rest = path.get(start..)?;
    let name = rest.find('/').map_or(rest, |end| &rest[..end]);
    Some(Hit::whole(name))
}

/// `.../<name>.libvirt-lxc`
fn match_libvirt_cgroupfs(path: &str) -> Option<Hit<'_>> {
    let pos = path.find(LIBVIRT_SUFFIX)?;
    if pos + LIBVIRT_SUFFIX.len() != path.len() {
        return None;
    }
    let slash = path.rfind('/')?;
    path.get(slash + 1..pos).map(Hit::whole)
}

/// `.../machine-lxc\x2d<name>.scope` or `.../machine-lxc\x2d<name>.scope/libvirt`
fn match_libvirt_systemd(path: &str) -> Option<Hit<'_>> {
    let pos = path.find(LIBVIRT_ESCAPED)?;
    let delimiter = if path.contains(".scope/libvirt") {
        ".scope/libvirt"
    } else {
        ".scope"
    };
    let end = path.find(delimiter)?;
    if end + delimiter.len() != path.len() {
        return None;
    }
    // Skip the `d` completing the `\x2d` escape as well.
    let start = pos + LIBVIRT_ESCAPED.len() + 1;
    Some(Hit::whole(path.get(start..end).unwrap_or_default()))
}

/// `.../libvirt/lxc/<name>`
fn match_libvirt_legacy(path: &str) -> Option<Hit<'_>> {
    let start = path.find(LIBVIRT_LEGACY)? + LIBVIRT_LEGACY.len();
    path.get(start..).map(Hit::whole)
}

fn match_libvirt_lxc(path: &str) -> Option<Hit<'_>> {
    match_libvirt_cgroupfs(path)
        .or_else(|| match_libvirt_systemd(path))
        .or_else(|| match_libvirt_legacy(path))
}

fn is_bpm_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

fn match_bpm(path: &str) -> Option<Hit<'_>> {
    let start = path.find(BPM_MARKER)? + BPM_MARKER.len();
    let rest = path.get(start..)?;
    let id = rest.find(".scope").map_or(rest, |end| &rest[..end]);
    let valid = !id.is_empty() && id.bytes().all(is_bpm_id_byte);
    valid.then(|| Hit::whole(id))
}

fn run_matcher(runtime: ContainerRuntime, path: &str) -> Option<Hit<'_>> {
    match runtime {
        ContainerRuntime::Podman => match_podman(path),
        ContainerRuntime::Docker => match_docker(path),
        ContainerRuntime::Cri => match_cri(path),
        ContainerRuntime::Containerd => match_containerd(path),
        ContainerRuntime::Lxc => match_lxc(path),
        ContainerRuntime::LibvirtLxc => match_libvirt_lxc(path),
        ContainerRuntime::Bpm => match_bpm(path),
        ContainerRuntime::CriO => None,
    }
}

/// Finds the container a single cgroup path belongs to.
///
/// The matchers are tried in [`MATCH_ORDER`]. A matcher that claims the path
/// but extracts an empty name (for example `/lxc/` with nothing after it)
/// still ends the search, and the path is then treated as a host cgroup.
#[must_use]
pub fn match_cgroup_path(path: &str) -> Option<ContainerMatch> {
    if path.is_empty() {
        return None;
    }
    let (runtime, hit) = MATCH_ORDER
        .iter()
        .find_map(|&runtime| run_matcher(runtime, path).map(|hit| (runtime, hit)))?;
    if hit.shown.is_empty() {
        return None;
    }
    Some(ContainerMatch {
        runtime,
        id: hit.shown.to_owned(),
        full_id: hit.full.to_owned(),
    })
}

/// The cgroup path of a `subsys=path` entry, or the entry itself if it is
/// already a path.
///
/// The path starts at the first `=/`, so named v1 hierarchies such as
/// `name=systemd=/docker/<id>` keep their full path.
fn entry_path(entry: &str) -> &str {
    if entry.starts_with('/') {
        return entry;
    }
    let split = entry.find("=/").or_else(|| entry.find('='));
    split.map_or(entry, |eq| &entry[eq + 1..])
}

/// Finds the container a thread belongs to from its list of cgroups.
///
/// Entries are `subsys=path` strings as found in captures (`cpuset=/docker/…`,
/// `=/system.slice/…` for cgroup v2) or bare paths. Entries are examined in
/// order, each against every matcher, and the first entry yielding a
/// container wins. Entries with an empty path are ignored.
#[must_use]
pub fn match_cgroups<'a>(entries: impl IntoIterator<Item = &'a str>) -> Option<ContainerMatch> {
    entries
        .into_iter()
        .map(entry_path)
        .find_map(match_cgroup_path)
}

/// Parses one `/proc/<pid>/cgroup` line into `(subsys, path)` pairs.
fn parse_proc_cgroup_line(line: &str) -> Vec<(String, String)> {
    let mut fields = line.splitn(3, ':');
    let (Some(hierarchy), Some(controllers), Some(path)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return Vec::new();
    };
    if hierarchy.is_empty() || !hierarchy.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    if controllers.is_empty() {
        return vec![(String::new(), path.to_owned())];
    }
    controllers
        .split(',')
        .filter(|subsys| !subsys.is_empty())
        .map(|subsys| (subsys.to_owned(), path.to_owned()))
        .collect()
}

/// Parses the contents of `/proc/<pid>/cgroup`.
///
/// Each `hierarchy-id:controllers:path` line yields one `(subsys, path)` pair
/// per controller, so `4:cpu,cpuacct:/x` gives `("cpu", "/x")` and
/// `("cpuacct", "/x")`. Named hierarchies keep their name (`name=systemd`).
/// The cgroup v2 line `0::/path` and v1 hierarchies without controllers give a
/// single pair with an empty subsystem. Blank and malformed lines (missing
/// fields or a non-numeric hierarchy id) are skipped; the path is taken
/// verbatim and may itself contain `:`.
#[must_use]
pub fn parse_proc_cgroup(text: &str) -> Vec<(String, String)> {
    text.lines().flat_map(parse_proc_cgroup_line).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID_A: &str = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
    const ID_B: &str = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";
    const ID_C: &str = "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6";
    const ID_D: &str = "18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4";
    const POD_UID: &str = "ac04f3f2-1f2c-11e9-b015-1ebee232acfa";
    const POD_UID_SYSTEMD: &str = "ac04f3f2_1f2c_11e9_b015_1ebee232acfa";

    fn expect(path: &str, runtime: ContainerRuntime, id: &str, full_id: &str) {
        let found = match_cgroup_path(path);
        let expected = ContainerMatch {
            runtime,
            id: id.to_owned(),
            full_id: full_id.to_owned(),
        };
        assert_eq!(found, Some(expected), "path {path:?}");
    }

    fn expect_hex(path: &str, runtime: ContainerRuntime, full_id: &str) {
        expect(path, runtime, &full_id[..12], full_id);
    }

    fn expect_none(path: &str) {
        assert_eq!(match_cgroup_path(path), None, "path {path:?}");
    }

    #[test]
    fn runtime_names_match_container_type() {
        let names: Vec<String> = [
            ContainerRuntime::Docker,
            ContainerRuntime::Cri,
            ContainerRuntime::Containerd,
            ContainerRuntime::CriO,
            ContainerRuntime::Podman,
            ContainerRuntime::Lxc,
            ContainerRuntime::LibvirtLxc,
            ContainerRuntime::Bpm,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        let expected = [
            "docker",
            "cri",
            "containerd",
            "cri-o",
            "podman",
            "lxc",
            "libvirt-lxc",
            "bpm",
        ];
        assert_eq!(names, expected);
    }

    #[test]
    fn docker_cgroupfs() {
        expect_hex(&format!("/docker/{ID_A}"), ContainerRuntime::Docker, ID_A);
    }

    #[test]
    fn docker_systemd_scope() {
        let path = format!("/system.slice/docker-{ID_A}.scope");
        expect_hex(&path, ContainerRuntime::Docker, ID_A);
    }

    #[test]
    fn docker_systemd_scope_with_child_cgroup() {
        // The suffix is found by its last occurrence, not anchored at the end.
        let path = format!("/system.slice/docker-{ID_A}.scope/init");
        expect_hex(&path, ContainerRuntime::Docker, ID_A);
    }

    #[test]
    fn docker_in_docker_takes_last_id() {
        let path = format!("/docker/{ID_A}/docker/{ID_B}");
        expect_hex(&path, ContainerRuntime::Docker, ID_B);
    }

    #[test]
    fn uppercase_hex_is_accepted() {
        let upper = ID_A.to_ascii_uppercase();
        expect_hex(
            &format!("/docker/{upper}"),
            ContainerRuntime::Docker,
            &upper,
        );
    }

    #[test]
    fn reported_id_is_truncated_to_twelve() {
        let found = match_cgroup_path(&format!("/docker/{ID_C}")).expect("docker path");
        assert_eq!(found.id, "2e7d2c03a950");
        assert_eq!(found.id.len(), 12);
        assert_eq!(found.full_id, ID_C);
    }

    #[test]
    fn kubepods_cgroupfs_is_claimed_by_docker_matcher() {
        for qos in ["besteffort", "burstable"] {
            let path = format!("/kubepods/{qos}/pod{POD_UID}/{ID_B}");
            expect_hex(&path, ContainerRuntime::Docker, ID_B);
        }
        let guaranteed = format!("/kubepods/pod{POD_UID}/{ID_B}");
        expect_hex(&guaranteed, ContainerRuntime::Docker, ID_B);
    }

    #[test]
    fn kubepods_systemd_cri_dockerd_is_claimed_by_docker_matcher() {
        let path = format!(
            "/kubepods.slice/kubepods-besteffort.slice/\
             kubepods-besteffort-pod{POD_UID_SYSTEMD}.slice/docker-{ID_C}.scope"
        );
        expect_hex(&path, ContainerRuntime::Docker, ID_C);
    }

    #[test]
    fn cri_containerd_systemd_all_qos_classes() {
        let burstable = format!(
            "/kubepods.slice/kubepods-burstable.slice/\
             kubepods-burstable-pod{POD_UID_SYSTEMD}.slice/cri-containerd-{ID_D}.scope"
        );
        let besteffort = format!(
            "/kubepods.slice/kubepods-besteffort.slice/\
             kubepods-besteffort-pod{POD_UID_SYSTEMD}.slice/cri-containerd-{ID_D}.scope"
        );
        let guaranteed = format!(
            "/kubepods.slice/kubepods-pod{POD_UID_SYSTEMD}.slice/cri-containerd-{ID_D}.scope"
        );
        for path in [burstable, besteffort, guaranteed] {
            expect_hex(&path, ContainerRuntime::Cri, ID_D);
        }
    }

    #[test]
    fn crio_cgroupfs() {
        let path = format!("/kubepods/besteffort/pod{POD_UID}/crio-{ID_A}");
        expect_hex(&path, ContainerRuntime::Cri, ID_A);
    }

    #[test]
    fn crio_systemd() {
        let path = format!(
            "/kubepods.slice/kubepods-burstable.slice/\
             kubepods-burstable-pod{POD_UID_SYSTEMD}.slice/crio-{ID_B}.scope"
        );
        expect_hex(&path, ContainerRuntime::Cri, ID_B);
    }

    #[test]
    fn crio_conmon_is_not_a_container() {
        let path = format!(
            "/kubepods.slice/kubepods-burstable.slice/\
             kubepods-burstable-pod{POD_UID_SYSTEMD}.slice/crio-conmon-{ID_B}.scope"
        );
        expect_none(&path);
    }

    #[test]
    fn containerd_without_systemd_cgroup_driver() {
        let path = format!(
            "/kubepods-burstable-podbd12dd3393227d950605a2444b13c27a.slice:cri-containerd:{ID_C}"
        );
        expect_hex(&path, ContainerRuntime::Cri, ID_C);
    }

    #[test]
    fn nerdctl_systemd_scope() {
        let path = format!("/system.slice/nerdctl-{ID_D}.scope");
        expect_hex(&path, ContainerRuntime::Cri, ID_D);
    }

    #[test]
    fn containerd_namespaced_free_form_ids() {
        let c = ContainerRuntime::Containerd;
        expect("/default/redis", c, "redis", "redis");
        expect("/default/a", c, "a", "a");
        expect(
            "/k8s.io/my-test_container",
            c,
            "my-test_cont",
            "my-test_container",
        );
        expect(
            "/my_very_long_namespace-1.5/test_container",
            c,
            "test_contain",
            "test_container",
        );
        expect(
            "/default/service.container",
            c,
            "service.cont",
            "service.container",
        );
    }

    #[test]
    fn containerd_hex_id_is_claimed_by_docker_matcher() {
        expect_hex(&format!("/default/{ID_A}"), ContainerRuntime::Docker, ID_A);
    }

    #[test]
    fn containerd_namespace_is_first_valid_segment() {
        // `user@1000.service` is not a valid namespace name, `app` is.
        let path = "/user@1000.service/app/worker";
        expect(path, ContainerRuntime::Containerd, "worker", "worker");
        // The last occurrence of the namespace component wins.
        let path = "/ns/a/ns/b";
        expect(path, ContainerRuntime::Containerd, "b", "b");
    }

    #[test]
    fn containerd_rejects_systemd_units_and_long_ids() {
        expect_none("/default/some_short_id.service");
        expect_none("/default/some_short_id.slice");
        expect_none("/default/some_short_id.scope");
        expect_none("/namespace/.scope");
        expect_none(&format!("/default/{ID_A}x"));
    }

    #[test]
    fn containerd_truncation_respects_utf8() {
        let found = match_cgroup_path("/default/abcdefghijké-long").expect("containerd path");
        assert_eq!(found.runtime, ContainerRuntime::Containerd);
        assert_eq!(found.id, "abcdefghijk");
        assert_eq!(found.full_id, "abcdefghijké-long");
    }

    #[test]
    fn podman_root_layouts() {
        let p = ContainerRuntime::Podman;
        expect_hex(&format!("/machine.slice/libpod-{ID_A}.scope"), p, ID_A);
        expect_hex(
            &format!("/machine.slice/libpod-{ID_A}.scope/container"),
            p,
            ID_A,
        );
        expect_hex(&format!("/libpod_parent/libpod-{ID_A}"), p, ID_A);
    }

    #[test]
    fn podman_rootless() {
        let path = format!(
            "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{ID_B}.scope/container"
        );
        expect_hex(&path, ContainerRuntime::Podman, ID_B);
    }

    #[test]
    fn podman_cgroup_mode_split() {
        let base = "/system.slice/system-ceph-f952f5be.slice/ceph-f952f5be@mon.service";
        let p = ContainerRuntime::Podman;
        expect_hex(&format!("{base}/libpod-payload-{ID_C}"), p, ID_C);
        expect_hex(&format!("{base}/libpod-payload-{ID_C}.scope"), p, ID_C);
    }

    #[test]
    fn podman_takes_precedence_over_docker() {
        // A docker-style leaf below a podman scope still belongs to podman.
        let path = format!("/machine.slice/libpod-{ID_A}.scope/{ID_B}");
        expect_hex(&path, ContainerRuntime::Podman, ID_A);
    }

    #[test]
    fn podman_conmon_is_not_a_container() {
        expect_none(&format!("/machine.slice/libpod-conmon-{ID_A}.scope"));
    }

    #[test]
    fn lxc_layouts() {
        let l = ContainerRuntime::Lxc;
        expect("/lxc.payload.web01", l, "web01", "web01");
        expect("/lxc.payload.web01/init.scope", l, "web01", "web01");
        expect("/lxc.payload/web01/init.scope", l, "web01", "web01");
        expect("/lxc/web01/init.scope", l, "web01", "web01");
        let long = "/lxc.payload.a-very-long-container-name";
        let name = "a-very-long-container-name";
        expect(long, l, name, name);
    }

    #[test]
    fn lxc_leaf_is_claimed_by_containerd_matcher() {
        let c = ContainerRuntime::Containerd;
        expect("/lxc/web01", c, "web01", "web01");
        expect("/lxc.payload/web01", c, "web01", "web01");
        expect("/lxc/database-server", c, "database-ser", "database-server");
    }

    #[test]
    fn lxc_empty_name_is_no_container() {
        expect_none("/lxc.payload.");
    }

    #[test]
    fn libvirt_lxc_systemd() {
        let path = "/machine.slice/machine-lxc\\x2d2293906\\x2dlibvirt\\x2dcontainer.scope";
        let name = "2293906\\x2dlibvirt\\x2dcontainer";
        expect(path, ContainerRuntime::LibvirtLxc, name, name);
    }

    #[test]
    fn libvirt_lxc_with_long_names() {
        let name = "a-long-libvirt-domain-name-that-exceeds-sixty-four-bytes-in-total";
        assert!(name.len() > 64);
        let l = ContainerRuntime::LibvirtLxc;
        expect(&format!("/machine/{name}.libvirt-lxc"), l, name, name);
        // The legacy layout always contains `/lxc/`, so the lxc matcher,
        // which runs first, claims it.
        let legacy = format!("/libvirt/lxc/{name}");
        expect(&legacy, ContainerRuntime::Lxc, name, name);
    }

    #[test]
    fn libvirt_legacy_rule_on_its_own() {
        // Unreachable through `match_cgroup_path` (lxc claims `/lxc/` first),
        // but the libvirt matcher itself still understands the layout.
        let hit = match_libvirt_lxc("/libvirt/lxc/guest1").expect("legacy layout");
        assert_eq!((hit.full, hit.shown), ("guest1", "guest1"));
        assert!(match_libvirt_lxc("/machine.slice/machine-lxc\\x2dg.scope/x").is_none());
    }

    #[test]
    fn libvirt_lxc_short_paths_are_claimed_by_containerd_matcher() {
        let c = ContainerRuntime::Containerd;
        expect("/libvirt/lxc/guest1", c, "lxc/guest1", "lxc/guest1");
        expect(
            "/machine/guest1.libvirt-lxc",
            c,
            "guest1.libvi",
            "guest1.libvirt-lxc",
        );
        let scoped = "/machine.slice/machine-lxc\\x2dguest1.scope/libvirt";
        let full = "machine-lxc\\x2dguest1.scope/libvirt";
        expect(scoped, c, "machine-lxc\\", full);
    }

    #[test]
    fn bpm_layouts() {
        let b = ContainerRuntime::Bpm;
        expect("/bpm-test-server", b, "test-server", "test-server");
        expect(
            "/system.slice/bpm-test-server.scope",
            b,
            "test-server",
            "test-server",
        );
        let encoded = "test-server.2ealt-test-server";
        expect(&format!("/bpm-{encoded}"), b, encoded, encoded);
    }

    #[test]
    fn bpm_below_a_namespace_is_claimed_by_containerd_matcher() {
        let c = ContainerRuntime::Containerd;
        expect("/bpm/bpm-test-server", c, "bpm-test-ser", "bpm-test-server");
    }

    #[test]
    fn bpm_rejects_invalid_characters() {
        expect_none("/bpm-test server");
        expect_none("/bpm-");
    }

    #[test]
    fn host_cgroups_do_not_match() {
        for path in [
            "",
            "/",
            "/init.scope",
            "/user.slice",
            "/user.slice/user-1000.slice/session-1.scope",
            "/user.slice/user-1000.slice/user@1000.service/init.scope",
            "/system.slice/docker.service",
            "/system.slice/containerd.service",
            "/system.slice/kubelet.service",
            "/kubepods.slice/kubepods-burstable.slice",
        ] {
            expect_none(path);
        }
    }

    #[test]
    fn wrong_length_ids_do_not_match() {
        let short = &ID_A[..63];
        expect_none(&format!("/system.slice/docker-{short}.scope"));
        expect_none(&format!("/system.slice/docker-{ID_A}0.scope"));
        expect_none(&format!("/docker/{ID_A}0"));
        expect_none(&format!(
            "/kubepods.slice/kubepods-pod{POD_UID_SYSTEMD}.slice/cri-containerd-{short}.scope"
        ));
        expect_none(&format!("/machine.slice/libpod-{ID_A}g.scope"));
    }

    #[test]
    fn short_docker_leaf_falls_back_to_containerd_matcher() {
        let short = &ID_A[..63];
        let found = match_cgroup_path(&format!("/docker/{short}")).expect("match");
        assert_eq!(found.runtime, ContainerRuntime::Containerd);
        assert_eq!(found.id, &ID_A[..12]);
        assert_eq!(found.full_id, short);
    }

    #[test]
    fn non_hex_id_of_full_length_is_not_a_runc_id() {
        let non_hex = "z".repeat(64);
        let path = format!("/system.slice/docker-{non_hex}.scope");
        expect_none(&path);
    }

    #[test]
    fn match_cgroups_uses_first_matching_entry() {
        let docker = format!("cpuset=/docker/{ID_A}");
        let podman = format!("memory=/machine.slice/libpod-{ID_B}.scope");
        let entries = ["cpu=/", "cpuacct=", docker.as_str(), podman.as_str()];
        let found = match_cgroups(entries).expect("match");
        assert_eq!(found.runtime, ContainerRuntime::Docker);
        assert_eq!(found.full_id, ID_A);
    }

    #[test]
    fn match_cgroups_accepts_v2_named_and_bare_entries() {
        let v2 = format!("=/system.slice/docker-{ID_A}.scope");
        assert_eq!(
            match_cgroups([v2.as_str()]).map(|m| m.full_id),
            Some(ID_A.into())
        );

        let named = format!("name=systemd=/system.slice/crio-{ID_B}.scope");
        let found = match_cgroups([named.as_str()]).expect("match");
        assert_eq!(
            (found.runtime, found.full_id.as_str()),
            (ContainerRuntime::Cri, ID_B)
        );

        let bare = format!("/kubepods/besteffort/pod{POD_UID}/crio-{ID_C}");
        assert_eq!(
            match_cgroups([bare.as_str()]).map(|m| m.full_id),
            Some(ID_C.into())
        );
    }

    #[test]
    fn match_cgroups_without_container() {
        assert_eq!(match_cgroups(Vec::<&str>::new()), None);
        let host = ["cpu=/", "memory=/user.slice", "=/init.scope", "pids="];
        assert_eq!(match_cgroups(host), None);
    }

    #[test]
    fn match_cgroups_skips_entry_with_empty_name() {
        let entries = ["cpu=/lxc.payload.", "memory=/lxc.payload.web01"];
        let found = match_cgroups(entries).expect("match");
        assert_eq!(
            (found.runtime, found.id.as_str()),
            (ContainerRuntime::Lxc, "web01")
        );
    }

    #[test]
    fn parse_proc_cgroup_v1() {
        let text = format!(
            "12:pids:/docker/{ID_A}\n\
             4:cpu,cpuacct:/docker/{ID_A}\n\
             1:name=systemd:/docker/{ID_A}\n"
        );
        let path = format!("/docker/{ID_A}");
        let parsed = parse_proc_cgroup(&text);
        let subsystems: Vec<&str> = parsed.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(subsystems, ["pids", "cpu", "cpuacct", "name=systemd"]);
        assert!(parsed.iter().all(|(_, p)| *p == path));
    }

    #[test]
    fn parse_proc_cgroup_v2_and_hybrid() {
        let text = format!("1:name=systemd:/\n0::/system.slice/docker-{ID_B}.scope\n");
        let parsed = parse_proc_cgroup(&text);
        let v2_path = format!("/system.slice/docker-{ID_B}.scope");
        let expected = vec![
            ("name=systemd".to_owned(), "/".to_owned()),
            (String::new(), v2_path),
        ];
        assert_eq!(parsed, expected);
        let found = match_cgroups(parsed.iter().map(|(_, p)| p.as_str())).expect("match");
        assert_eq!(found.full_id, ID_B);
    }

    #[test]
    fn parse_proc_cgroup_skips_malformed_lines() {
        let text = "\n\
                    garbage\n\
                    x:cpu:/a\n\
                    :cpu:/b\n\
                    3:memory\n\
                    5:cpuset:/odd:path\r\n\
                    0::/\n";
        let expected = vec![
            ("cpuset".to_owned(), "/odd:path".to_owned()),
            (String::new(), "/".to_owned()),
        ];
        assert_eq!(parse_proc_cgroup(text), expected);
    }

    #[test]
    fn parse_this_machines_cgroup_file() {
        if let Ok(text) = std::fs::read_to_string("/proc/self/cgroup") {
            let parsed = parse_proc_cgroup(&text);
            assert!(!parsed.is_empty());
            assert!(parsed.iter().all(|(_, path)| path.starts_with('/')));
        }
    }

    /// Deterministic pseudo-random strings built from the characters the
    /// matchers care about, to check that no input makes them panic.
    #[test]
    fn arbitrary_input_never_panics() {
        let alphabet: Vec<char> = "/-._:=\\x2dscopelibvrtcnaé€0123456789abcdef"
            .chars()
            .collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let len = (state >> 58) as usize;
            let s: String = (0..len)
                .map(|i| {
                    let mixed = state.rotate_left(i as u32 * 7) >> 32;
                    alphabet[mixed as usize % alphabet.len()]
                })
                .collect();
            let _ = match_cgroup_path(&s);
            let _ = match_cgroups([s.as_str()]);
            let _ = parse_proc_cgroup(&s);
        }
    }

    #[test]
    fn every_prefix_of_real_paths_is_safe() {
        let paths = [
            format!("/machine.slice/libpod-{ID_A}.scope/container"),
            "/machine.slice/machine-lxc\\x2dé.scope/libvirt".to_owned(),
            "/machine.slice/machine-lxc\\x2.scope".to_owned(),
            "/lxc.payload.é/x".to_owned(),
            "/x/abcdefghijkl€mn".to_owned(),
        ];
        for path in &paths {
            for (end, _) in path.char_indices() {
                let _ = match_cgroup_path(&path[..end]);
            }
        }
    }
}
