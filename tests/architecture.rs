//! Imports go one way through the core crate:
//! `value` ← `schema` ← `expr` ← `stmt` ← `compile` ← `exec` (← the backend crates).
//!
//! A lower layer never names a higher one, neither by its module path (`crate::exec::…`) nor
//! through a re-export at the crate root (`crate::Engine`). The one tolerated cycle is
//! expr ↔ stmt: an expression can hold a subquery (a statement), and statements hold
//! expressions. Unit-test modules (`#[cfg(test)] mod tests`) and comments are not checked:
//! tests may use the whole crate, and doc links are not dependencies.
//!
//! The check reads the source text: every `crate::name` path (in `use` lines and inline) of
//! each file under `src/<layer>/` is resolved to the layer that defines it.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first. `error` sits below everything (every layer returns errors).
const LAYERS: &[&str] = &[
    "error", "value", "schema", "expr", "stmt", "compile", "exec",
];

/// Pairs (from, to) allowed although `to` is above `from`.
const TOLERATED: &[(&str, &str)] = &[("expr", "stmt")];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

/// Maps each name re-exported at the crate root (`pub use x::…` in lib.rs) to its layer.
fn root_names(lib: &str) -> HashMap<String, String> {
    let mut names = HashMap::new();
    let flat = strip_comments(lib).replace('\n', " ");
    for stmt in flat.split(';') {
        let stmt = stmt.trim();
        let Some(rest) = stmt
            .strip_prefix("pub use ")
            .or_else(|| stmt.strip_prefix("use "))
        else {
            continue;
        };
        let rest = rest
            .trim()
            .trim_start_matches("crate::")
            .trim_start_matches("self::");
        let layer = rest.split("::").next().unwrap_or("").to_owned();
        if rank(&layer).is_none() && layer != "backend" {
            continue;
        }
        let layer = if layer == "backend" {
            "exec".to_owned()
        } else {
            layer
        };
        let tail = match (rest.find('{'), rest.rfind('}')) {
            (Some(a), Some(b)) => rest[a + 1..b].to_owned(),
            _ => rest.rsplit("::").next().unwrap_or("").to_owned(),
        };
        for item in tail.split(',') {
            let item = item.trim();
            let name = item.rsplit(" as ").next().unwrap_or(item);
            let name = name.rsplit("::").next().unwrap_or(name).trim();
            if !name.is_empty() && name != "*" {
                names.insert(name.to_owned(), layer.clone());
            }
        }
    }
    names
}

/// The text with `//` comments removed (doc comments included) and the first
/// `#[cfg(test)]` module cut off.
fn strip_comments(src: &str) -> String {
    let mut out = String::new();
    for line in src.lines() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `(line, name, target layer)` a file names through `crate::…`, including each
/// first segment of a `use crate::{a::x, b::{y, z}}` group (which may span lines).
fn references(src: &str, roots: &HashMap<String, String>) -> Vec<(usize, String, String)> {
    let mut refs = Vec::new();
    let code = strip_comments(src);
    let mut at = 0;
    while let Some(i) = code[at..].find("crate::") {
        let start = at + i;
        at = start + "crate::".len();
        let line = code[..start].matches('\n').count() + 1;
        let rest = &code[at..];
        let mut targets = Vec::new();
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut segment, mut first) = (0usize, String::new(), true);
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        targets.push(std::mem::take(&mut segment));
                        first = true;
                        continue;
                    }
                    ':' if depth == 0 => first = false,
                    c if depth == 0 && first && !c.is_whitespace() => segment.push(c),
                    _ => {}
                }
            }
            targets.push(segment);
        } else {
            targets.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
        for t in targets.into_iter().filter(|t| !t.is_empty()) {
            let layer = if rank(&t).is_some() {
                Some(t.clone())
            } else if t == "backend" {
                Some("exec".to_owned())
            } else {
                roots.get(&t).cloned()
            };
            if let Some(layer) = layer {
                refs.push((line, t, layer));
            }
        }
    }
    refs
}

#[test]
fn imports_go_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(root.join("lib.rs")).expect("lib.rs");
    let roots = root_names(&lib);
    assert!(
        roots.len() > 20,
        "the root re-exports were not recognised: {roots:?}"
    );
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut violations = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&root).expect("under src");
        let layer = match rel.components().next() {
            Some(c) if rel.components().count() > 1 => c.as_os_str().to_string_lossy().into_owned(),
            _ => rel
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
        };
        let Some(from) = rank(&layer) else { continue };
        let src = fs::read_to_string(file).expect("read source");
        for (line, name, target) in references(&src, &roots) {
            let to = rank(&target).expect("known layer");
            if to > from && !TOLERATED.contains(&(layer.as_str(), target.as_str())) {
                violations.push(format!(
                    "src/{}:{line}: `crate::{name}` is in `{target}`, above `{layer}`",
                    rel.display()
                ));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports must go value ← schema ← expr ← stmt ← compile ← exec:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_check_sees_a_violation() {
    let roots = root_names("pub use exec::{Engine, Row};\npub use value::Value;");
    let refs = references(
        "use crate::{\n    exec::{Connection, Row},\n    value::Value,\n};\nfn f(e: &crate::Engine) {}\n",
        &roots,
    );
    let layers: Vec<_> = refs.iter().map(|(_, _, l)| l.as_str()).collect();
    assert_eq!(layers, ["exec", "value", "exec"]);
    // Comments and test modules are not dependencies.
    let refs = references(
        "/// [`crate::Engine`]\nfn f() {}\n#[cfg(test)]\nmod tests { use crate::Engine; }\n",
        &roots,
    );
    assert!(refs.is_empty(), "{refs:?}");
}
