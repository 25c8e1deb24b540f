//! Which module of a crate imports which, read from its source files, and the cycles among them.
//!
//! A module is a file (`a/b.rs` or `a/b/mod.rs` is `a::b`; `lib.rs` is the crate root). An
//! import is a `use` of another module of the same crate (`crate::`, `super::`, `self::` or a
//! child module) or a path written inline with `crate::`, `super::` or `self::`; it points at
//! the longest prefix of the path that is a module. Unit tests at the end of a file
//! (`#[cfg(test)] mod tests`) are left out; paths inside other inline modules (`mod browser {
//! … }`) resolve from there.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

use anyhow::Context;
use regex::Regex;

/// A module's path inside its crate (`[]` for the root).
type ModulePath = Vec<String>;

/// The modules of one crate and the imports between them.
pub struct ModuleGraph {
    edges: BTreeMap<ModulePath, BTreeSet<ModulePath>>,
}

impl ModuleGraph {
    /// Reads every `.rs` file under `src` (the binary's `main.rs` is its own crate when a
    /// `lib.rs` sits beside it, and is left out).
    pub fn read(src: &Path) -> anyhow::Result<Self> {
        let mut files = Vec::new();
        collect_files(src, src, &mut files)?;
        let has_lib = src.join("lib.rs").exists();
        let modules: BTreeMap<ModulePath, String> = files
            .into_iter()
            .filter(|(path, _)| !(has_lib && path == &["main".to_owned()]))
            .collect();
        let known: BTreeSet<&ModulePath> = modules.keys().collect();
        let mut edges = BTreeMap::new();
        for (module, text) in &modules {
            let targets = imports(module, text)
                .into_iter()
                .filter_map(|path| longest_module(&path, &known))
                .filter(|target| target != module)
                .collect();
            edges.insert(module.clone(), targets);
        }
        Ok(Self { edges })
    }

    /// How many modules the crate has.
    pub fn module_count(&self) -> usize {
        self.edges.len()
    }

    /// How many (module, module) imports there are.
    pub fn edge_count(&self) -> usize {
        self.edges.values().map(BTreeSet::len).sum()
    }

    /// One cycle through each group of modules that reach each other, as `a → b → a`.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        strongly_connected(&self.edges)
            .into_iter()
            .filter(|group| group.len() > 1)
            .map(|group| self.cycle_within(&group))
            .collect()
    }

    /// A shortest way from the group's first module back to itself, inside the group.
    fn cycle_within(&self, group: &BTreeSet<ModulePath>) -> Vec<String> {
        let Some(start) = group.iter().next() else {
            return Vec::new();
        };
        let mut came_from: BTreeMap<&ModulePath, &ModulePath> = BTreeMap::new();
        let mut frontier = vec![start];
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for module in frontier {
                for target in self.edges.get(module).into_iter().flatten() {
                    if !group.contains(target) || came_from.contains_key(target) {
                        continue;
                    }
                    came_from.insert(target, module);
                    if target == start {
                        return walk_back(start, &came_from);
                    }
                    next.push(target);
                }
            }
            frontier = next;
        }
        group.iter().map(display).collect()
    }
}

/// `start → … → start` from the breadth-first search's back links.
fn walk_back(start: &ModulePath, came_from: &BTreeMap<&ModulePath, &ModulePath>) -> Vec<String> {
    let mut path = vec![display(start)];
    let mut at = came_from[start];
    while at != start {
        path.push(display(at));
        at = came_from[at];
    }
    path.push(display(start));
    path.reverse();
    path
}

fn display(module: &ModulePath) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// Every `.rs` file under `dir`, by module path, with its text.
fn collect_files(
    src: &Path,
    dir: &Path,
    out: &mut Vec<(ModulePath, String)>,
) -> anyhow::Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(src, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text =
                fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            let relative = path.strip_prefix(src)?.with_extension("");
            let mut module: ModulePath = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            out.push((module, text));
        }
    }
    Ok(())
}

/// The paths a module's source imports, resolved to absolute paths inside the crate.
fn imports(module: &ModulePath, text: &str) -> Vec<ModulePath> {
    let code = without_tests(&without_literals_and_comments(text));
    let inline = inline_modules(&code);
    // Where a path is written: the file's module, inside any inline `mod name { … }` there.
    let module_at = |offset: usize| -> ModulePath {
        let mut at = module.clone();
        at.extend(
            inline
                .iter()
                .filter(|(start, end, _)| (*start..*end).contains(&offset))
                .map(|(_, _, name)| name.clone()),
        );
        at
    };
    let children: BTreeSet<String> = Regex::new(r"\bmod\s+([a-z_][a-z0-9_]*)\s*[;{]")
        .map(|re| re.captures_iter(&code).map(|c| c[1].to_owned()).collect())
        .unwrap_or_default();
    let mut found = Vec::new();
    let Ok(use_statement) = Regex::new(r"\buse\s+([^;]+);") else {
        return found;
    };
    for statement in use_statement.captures_iter(&code) {
        let here = module_at(statement.get(0).map_or(0, |m| m.start()));
        for path in flatten_use_tree(&statement[1]) {
            let first = path.first().map(String::as_str);
            let relative = matches!(first, Some("crate" | "super" | "self"))
                || first.is_some_and(|f| children.contains(f));
            if relative {
                found.extend(resolve(&here, &path));
            }
        }
    }
    if let Ok(inline_path) = Regex::new(r"\b(?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+") {
        for path in inline_path.find_iter(&code) {
            let inside_use = use_statement
                .find_iter(&code)
                .any(|u| u.start() <= path.start() && path.end() <= u.end());
            if inside_use {
                continue;
            }
            let segments: Vec<String> = path.as_str().split("::").map(str::to_owned).collect();
            found.extend(resolve(&module_at(path.start()), &segments));
        }
    }
    found
}

/// The inline modules of a file (`mod name { … }`): where each starts and ends, and its name.
fn inline_modules(code: &str) -> Vec<(usize, usize, String)> {
    let Ok(opening) = Regex::new(r"\bmod\s+([a-z_][a-z0-9_]*)\s*\{") else {
        return Vec::new();
    };
    opening
        .captures_iter(code)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let mut depth = 0usize;
            let end = code[whole.end() - 1..].char_indices().find_map(|(i, ch)| {
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(whole.end() - 1 + i);
                        }
                    }
                    _ => {}
                }
                None
            })?;
            Some((whole.start(), end, c[1].to_owned()))
        })
        .collect()
}

/// `path` as written in `module`, made absolute (`None` when it climbs above the root).
fn resolve(module: &ModulePath, path: &[String]) -> Option<ModulePath> {
    let mut at: ModulePath;
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            at = Vec::new();
            rest = &path[1..];
        }
        Some("self") => {
            at = module.clone();
            rest = &path[1..];
        }
        Some("super") => {
            at = module.clone();
            while rest.first().map(String::as_str) == Some("super") {
                at.pop()?;
                rest = &rest[1..];
            }
        }
        _ => at = module.clone(),
    }
    at.extend(rest.iter().filter(|s| *s != "*").cloned());
    Some(at)
}

/// The longest prefix of `path` that names a module of the crate.
fn longest_module(path: &ModulePath, known: &BTreeSet<&ModulePath>) -> Option<ModulePath> {
    (0..=path.len())
        .rev()
        .map(|len| path[..len].to_vec())
        .find(|prefix| known.contains(prefix))
}

/// `a::{b, c::{d, self}}` as `[a, b]`, `[a, c, d]`, `[a, c]`; `x as y` counts as `x`.
fn flatten_use_tree(tree: &str) -> Vec<Vec<String>> {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree);
        return vec![
            path.split("::")
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty() && s != "self")
                .collect(),
        ];
    };
    let prefix: Vec<String> = tree[..open]
        .split("::")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let inner = tree[open + 1..].trim_end().trim_end_matches('}');
    split_top_level(inner)
        .into_iter()
        .flat_map(flatten_use_tree)
        .map(|tail| prefix.iter().cloned().chain(tail).collect())
        .collect()
}

/// `a, b::{c, d}, e` split at the commas outside braces.
fn split_top_level(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, ch) in list.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// The source with comments, string and character literals blanked, so only code is read.
fn without_literals_and_comments(text: &str) -> String {
    let patterns = [
        r"//[^\n]*",
        r"(?s)/\*.*?\*/",
        r##"(?s)\br#*".*?"#*"##,
        r#"(?s)"(?:[^"\\]|\\.)*""#,
        r"'(?:[^'\\]|\\.)'",
    ];
    let Ok(any) = Regex::new(&patterns.join("|")) else {
        return text.to_owned();
    };
    any.replace_all(text, " ").into_owned()
}

/// The source up to its unit tests (`#[cfg(test)]` followed by `mod`).
fn without_tests(code: &str) -> String {
    match Regex::new(r"#\[cfg\(test\)\]\s*mod\s") {
        Ok(re) => match re.find(code) {
            Some(m) => code[..m.start()].to_owned(),
            None => code.to_owned(),
        },
        Err(_) => code.to_owned(),
    }
}

/// Tarjan's algorithm: the groups of modules that all reach each other.
fn strongly_connected(
    edges: &BTreeMap<ModulePath, BTreeSet<ModulePath>>,
) -> Vec<BTreeSet<ModulePath>> {
    struct State<'g> {
        edges: &'g BTreeMap<ModulePath, BTreeSet<ModulePath>>,
        index: BTreeMap<&'g ModulePath, usize>,
        low: BTreeMap<&'g ModulePath, usize>,
        stack: Vec<&'g ModulePath>,
        on_stack: BTreeSet<&'g ModulePath>,
        groups: Vec<BTreeSet<ModulePath>>,
    }
    fn visit<'g>(s: &mut State<'g>, node: &'g ModulePath) {
        let n = s.index.len();
        s.index.insert(node, n);
        s.low.insert(node, n);
        s.stack.push(node);
        s.on_stack.insert(node);
        for target in s.edges.get(node).into_iter().flatten() {
            if !s.index.contains_key(target) {
                visit(s, target);
                let low = s.low[node].min(s.low[target]);
                s.low.insert(node, low);
            } else if s.on_stack.contains(target) {
                let low = s.low[node].min(s.index[target]);
                s.low.insert(node, low);
            }
        }
        if s.low[node] == s.index[node] {
            let mut group = BTreeSet::new();
            while let Some(member) = s.stack.pop() {
                s.on_stack.remove(member);
                group.insert(member.clone());
                if member == node {
                    break;
                }
            }
            s.groups.push(group);
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        groups: Vec::new(),
    };
    for node in edges.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(files: &[(&str, &str)]) -> ModuleGraph {
        let dir = std::env::temp_dir().join(format!(
            "xtask-module-graph-{}-{}",
            std::process::id(),
            files.len()
        ));
        let _ = fs::remove_dir_all(&dir);
        for (path, text) in files {
            let file = dir.join(path);
            fs::create_dir_all(file.parent().expect("a folder")).expect("folder");
            fs::write(file, text).expect("write");
        }
        let graph = ModuleGraph::read(&dir).expect("read");
        let _ = fs::remove_dir_all(&dir);
        graph
    }

    #[test]
    fn a_module_importing_its_importer_is_a_cycle() {
        let g = graph(&[
            ("lib.rs", "mod a;\nmod b;\n"),
            ("a.rs", "use crate::b::{self, Thing};\n"),
            (
                "b.rs",
                "// crate::a in a comment is no import\npub fn f() { super::a::g(); }\n",
            ),
        ]);
        assert_eq!(g.cycles(), vec![vec!["a", "b", "a"]]);
    }

    #[test]
    fn one_way_imports_and_test_modules_are_not() {
        let g = graph(&[
            ("lib.rs", "pub mod x;\nmod y;\n"),
            ("x/mod.rs", "pub mod leaf;\nuse leaf::Fact;\n"),
            (
                "x/leaf.rs",
                "pub struct Fact;\n#[cfg(test)]\nmod tests { use super::super::*; }\n",
            ),
            (
                "y.rs",
                "use crate::x::{leaf::Fact, self};\nconst S: &str = \"crate::y\";\n",
            ),
        ]);
        assert!(g.cycles().is_empty());
        assert_eq!(g.edge_count(), 3);
    }
}
