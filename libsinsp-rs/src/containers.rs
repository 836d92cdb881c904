//! Containers: ids from cgroups, metadata from container events.

use std::collections::HashMap;

use crate::container::match_cgroups;

/// What is known of one container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerInfo {
    /// Id as `container.id` shows it (12 characters for hex ids).
    pub id: String,
    /// Runtime (`docker`, `cri`, ...).
    pub kind: String,
    /// Name.
    pub name: String,
    /// Image as given (`repo:tag`).
    pub image: String,
    /// Image repository.
    pub repository: String,
    /// Image tag.
    pub tag: String,
    /// Whether it runs privileged, when known.
    pub privileged: Option<bool>,
    /// When it was created, ns since the epoch, when known.
    pub created_ns: Option<u64>,
    /// Labels (Kubernetes pod name and namespace among them).
    pub labels: std::collections::BTreeMap<String, String>,
}

/// Containers by id.
#[derive(Debug, Clone, Default)]
pub struct ContainerTable {
    by_id: HashMap<String, ContainerInfo>,
}

impl ContainerTable {
    /// The container `id`.
    pub fn get(&self, id: &str) -> Option<&ContainerInfo> {
        self.by_id.get(id)
    }

    /// Adds or replaces a container.
    pub fn insert(&mut self, info: ContainerInfo) {
        self.by_id.insert(info.id.clone(), info);
    }

    /// Number of containers known.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether none is known.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// The container id a thread's cgroups place it in, empty for the host.
pub fn id_from_cgroups(cgroups: &[(String, String)]) -> String {
    match_cgroups(cgroups.iter().map(|(_, p)| p.as_str())).map_or(String::new(), |m| m.id)
}

/// Remembers the container ids of cgroup lists already matched: every
/// clone and exec of a process carries the same list again.
#[derive(Debug, Default)]
pub struct CgroupCache {
    ids: HashMap<Vec<(String, String)>, String>,
}

/// Most cgroup lists remembered before the cache starts over.
const CACHE_LIMIT: usize = 4_096;

impl CgroupCache {
    /// The container id for `cgroups`, matched once per distinct list.
    pub fn id(&mut self, cgroups: &[(String, String)]) -> String {
        if let Some(id) = self.ids.get(cgroups) {
            return id.clone();
        }
        if self.ids.len() >= CACHE_LIMIT {
            self.ids.clear();
        }
        let id = id_from_cgroups(cgroups);
        self.ids.insert(cgroups.to_vec(), id.clone());
        id
    }
}

/// Splits `repo[:tag][@digest]` as the container engines do.
fn split_image(image: &str) -> (String, String) {
    let no_digest = image.split('@').next().unwrap_or(image);
    match no_digest.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo.to_string(), tag.to_string()),
        _ => (no_digest.to_string(), String::new()),
    }
}

/// Parses the JSON of a container event (`{"container": {...}}`).
pub fn parse_container_json(json: &[u8]) -> Option<ContainerInfo> {
    let v: serde_json::Value = serde_json::from_slice(json).ok()?;
    let c = v.get("container")?;
    let s = |k: &str| c.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let image = s("image");
    let (repo, tag) = split_image(&image);
    let kind = match c.get("type").and_then(|t| t.as_u64()) {
        Some(0) => "docker".to_string(),
        Some(1) => "lxc".to_string(),
        Some(2) => "libvirt-lxc".to_string(),
        Some(3) => "mesos".to_string(),
        Some(4) => "rkt".to_string(),
        Some(5) => "cri".to_string(),
        Some(6) => "containerd".to_string(),
        Some(7) => "cri-o".to_string(),
        Some(8) => "bpm".to_string(),
        Some(10) => "podman".to_string(),
        _ => s("type"),
    };
    let or = |a: String, b: String| if a.is_empty() { b } else { a };
    Some(ContainerInfo {
        id: s("id"),
        kind,
        name: s("name"),
        repository: or(s("imagerepo"), repo),
        tag: or(s("imagetag"), tag),
        image,
        privileged: c.get("privileged").and_then(|p| p.as_bool()),
        created_ns: c
            .get("created_time")
            .and_then(|t| t.as_u64())
            .map(|s| s.saturating_mul(1_000_000_000)),
        labels: c
            .get("labels")
            .and_then(|l| l.as_object())
            .map(|l| {
                l.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_json_parses() {
        let j = br#"{"container":{"id":"5ea733068030","image":"sysdig/falco:latest","ip":"172.17.0.3","name":"falco","type":0}}"#;
        let c = parse_container_json(j).unwrap();
        assert_eq!((c.id.as_str(), c.kind.as_str()), ("5ea733068030", "docker"));
        assert_eq!(
            (c.repository.as_str(), c.tag.as_str()),
            ("sysdig/falco", "latest")
        );
    }

    #[test]
    fn images_split_like_engines() {
        assert_eq!(
            split_image("registry:5000/app"),
            ("registry:5000/app".into(), String::new())
        );
        assert_eq!(
            split_image("nginx@sha256:ab"),
            ("nginx".into(), String::new())
        );
    }
}
