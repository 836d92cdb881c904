//! Every system-call field the shipped Falco rule files name resolves in
//! the registry (read in place from the conformance data).

use std::collections::BTreeSet;
use std::path::PathBuf;

use peregrine_libsinsp::fields::Registry;

fn rules_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    };
    let dir = dir.join("rules");
    dir.is_dir().then_some(dir)
}

/// The text of the `condition:` and `output:` values of a rules file,
/// without comments (a line-based cut that is enough for these files).
fn conditions_and_outputs(text: &str) -> String {
    let mut out = String::new();
    let mut keep = false;
    for line in text.lines() {
        let code = line.split(" #").next().unwrap_or(line);
        if code.trim_start().starts_with('#') {
            continue;
        }
        let body = code.trim_start().trim_start_matches("- ");
        let key = body.split_once(':').map(|(k, _)| k.trim());
        if let Some(k) = key.filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) {
            keep = matches!(k, "condition" | "output");
        }
        if keep {
            out.push_str(code);
            out.push('\n');
        }
    }
    out
}

/// Field references of the system-call classes in a rules file.
fn field_names(text: &str) -> BTreeSet<String> {
    let text = &conditions_and_outputs(text);
    let classes = [
        "evt.",
        "proc.",
        "thread.",
        "fd.",
        "user.",
        "group.",
        "container.",
        "k8s.",
    ];
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let at_word = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b'.');
        let class = classes.iter().find(|c| text[i..].starts_with(*c));
        if let (true, Some(_)) = (at_word, class) {
            let end = text[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_')))
                .map_or(text.len(), |e| i + e);
            // `k8s.gcr.io/...` is an image name in a list, not a field.
            if text[end..].starts_with('/') {
                i = end;
                continue;
            }
            let mut name = text[i..end].trim_end_matches('.').to_string();
            if text[end..].starts_with('[') {
                if let Some(close) = text[end..].find(']') {
                    name.push_str(&text[end..end + close + 1]);
                }
            }
            out.insert(name);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Fields the rule language supplies or that need data this layer does not
/// have yet; each is explained where it is listed.
const NOT_YET: [&str; 9] = [
    // TODO(rule-lang): fd.ip, fd.port and the fd.*net fields match either
    // end of a connection and CIDR ranges; the compiler will provide them.
    "fd.ip",
    "fd.port",
    "fd.net",
    "fd.cnet",
    "fd.snet",
    "fd.rnet",
    // TODO(containers): mounts come from the container engines' metadata,
    // which captures of this era do not carry.
    "container.mounts",
    "container.mount.dest",
    "container.info",
];

#[test]
fn fields_of_the_shipped_rules_resolve() {
    let Some(dir) = rules_dir() else {
        println!("skipped: no conformance data (set CONFORMANCE_DIR)");
        return;
    };
    let registry = Registry::builtin();
    let files = [
        "falco_rules.yaml",
        "falco-incubating_rules.yaml",
        "falco-sandbox_rules.yaml",
        "falco_rules-1.0.1.yaml",
    ];
    let (mut checked, mut missing) = (0, BTreeSet::new());
    for file in files {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        for name in field_names(&text) {
            let base = name.split('[').next().unwrap_or(&name);
            if NOT_YET.contains(&base) {
                continue;
            }
            checked += 1;
            if let Err(e) = registry.resolve(&name) {
                missing.insert(format!("{file}: {e}"));
            }
        }
    }
    println!("{checked} field references resolved");
    assert!(missing.is_empty(), "unresolved: {missing:#?}");
}
