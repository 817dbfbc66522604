//! A crate's module tree, read from its `src/` files: which modules exist (files and inline
//! `mod` blocks), which names each imports, and which paths each refers to.
//!
//! Paths that can name a module of the crate are collected: `use` trees and paths in code that
//! start with `crate`, `self`, `super`, a child module's name or a name the module imports.
//! Paths to other crates (`std::…`, `serde::…`, `::x`) are ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::tokens::{tokenize, Kind, Token};

/// A module's absolute path inside its crate: `[]` is the crate root, `["salesforce", "bulk"]`
/// is `crate::salesforce::bulk`.
pub type ModPath = Vec<String>;

/// How a module is written down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// The file that holds it (for an inline module, the file it is written in).
    pub file: PathBuf,
    /// The line of its `mod` item (1 for a file's own top).
    pub line: usize,
    /// True for an inline `mod x { … }` block.
    pub inline: bool,
    /// True when marked `#[cfg(test)]` (or inside such a module).
    pub test_only: bool,
    /// True when it has a doc comment: `//!` at its top, or `///`/`#[doc]` on its `mod` item.
    pub documented: bool,
    /// Names brought in by `use` (the last segment or the `as` alias) and the paths they stand
    /// for, as written, relative to this module.
    pub imports: BTreeMap<String, Vec<String>>,
    /// Paths this module refers to (from `use` trees and code), as written, with their line.
    pub refs: Vec<(Vec<String>, usize)>,
}

/// Every module of one crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Crate {
    /// The modules, by absolute path.
    pub modules: BTreeMap<ModPath, Module>,
}

/// Reads a crate whose root file is `root` (e.g. `crates/x/src/lib.rs`), following `mod x;`
/// declarations to `x.rs` or `x/mod.rs` the way rustc does. `read` returns a file's text, or
/// `None` when it does not exist (so tests can give files from memory).
pub fn read_crate(root: &Path, read: &dyn Fn(&Path) -> Option<String>) -> Result<Crate, String> {
    let mut krate = Crate::default();
    let dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
    read_file_module(&mut krate, Vec::new(), root, dir, false, read)?;
    Ok(krate)
}

/// Reads a crate from its `src/lib.rs` (or `src/main.rs`) on disk.
pub fn read_crate_dir(src: &Path) -> Result<Crate, String> {
    let lib = src.join("lib.rs");
    let root = if lib.exists() {
        lib
    } else {
        src.join("main.rs")
    };
    read_crate(&root, &|path| std::fs::read_to_string(path).ok())
}

/// Reads one file module: `dir` is where its own `mod x;` children live.
fn read_file_module(
    krate: &mut Crate,
    path: ModPath,
    file: &Path,
    dir: PathBuf,
    test_only: bool,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<(), String> {
    let source = read(file).ok_or_else(|| format!("cannot read {}", file.display()))?;
    let tokens = tokenize(&source);
    let documented = file_is_documented(&tokens);
    let mut reader = Reader {
        tokens: &tokens,
        pos: 0,
        file: file.to_path_buf(),
    };
    let mut pending = Vec::new();
    reader.module_body(
        krate,
        &path,
        1,
        false,
        test_only,
        documented,
        &dir,
        &mut pending,
    )?;
    for child in pending {
        let (child_file, child_dir) =
            child_file(&child.dir, &child.name, read).ok_or_else(|| {
                format!(
                    "{}:{}: no file for `mod {};`",
                    file.display(),
                    child.line,
                    child.name
                )
            })?;
        let mut child_path = child.parent.clone();
        child_path.push(child.name.clone());
        read_file_module(
            krate,
            child_path,
            &child_file,
            child_dir,
            child.test_only,
            read,
        )?;
        if let Some(module) = krate.modules.get_mut(&child.path()) {
            module.documented |= child.documented;
            module.line = 1;
        }
    }
    Ok(())
}

/// `x.rs` (children in `x/`) or `x/mod.rs` (children in `x/`).
fn child_file(
    dir: &Path,
    name: &str,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Option<(PathBuf, PathBuf)> {
    let flat = dir.join(format!("{name}.rs"));
    let nested = dir.join(name).join("mod.rs");
    let child_dir = dir.join(name);
    if read(&flat).is_some() {
        Some((flat, child_dir))
    } else if read(&nested).is_some() {
        Some((nested, child_dir))
    } else {
        None
    }
}

/// A file starts with `//!` (after inner attributes such as `#![allow(...)]`) or `#![doc`.
fn file_is_documented(tokens: &[Token]) -> bool {
    let mut i = 0;
    loop {
        match tokens.get(i).map(|t| &t.kind) {
            Some(Kind::InnerDoc) => return true,
            Some(Kind::Punct('#')) if is_punct(tokens.get(i + 1), '!') => {
                if ident_at(tokens, i + 3) == Some("doc") {
                    return true;
                }
                match skip_group(tokens, i + 2) {
                    Some(next) => i = next,
                    None => return false,
                }
            }
            _ => return false,
        }
    }
}

/// A `mod x;` found in a file, to read once the file is done.
struct PendingChild {
    parent: ModPath,
    /// Where its file is looked for.
    dir: PathBuf,
    name: String,
    line: usize,
    test_only: bool,
    documented: bool,
}

impl PendingChild {
    fn path(&self) -> ModPath {
        let mut path = self.parent.clone();
        path.push(self.name.clone());
        path
    }
}

struct Reader<'a> {
    tokens: &'a [Token],
    pos: usize,
    file: PathBuf,
}

impl Reader<'_> {
    fn ident(&self, at: usize) -> Option<&str> {
        ident_at(self.tokens, at)
    }

    /// Reads items until the end of the file or the `}` closing an inline module.
    #[allow(clippy::too_many_arguments)] // One recursive reader; grouping these helps no one.
    fn module_body(
        &mut self,
        krate: &mut Crate,
        path: &ModPath,
        line: usize,
        inline: bool,
        test_only: bool,
        documented: bool,
        dir: &Path,
        pending: &mut Vec<PendingChild>,
    ) -> Result<(), String> {
        let mut module = Module {
            file: self.file.clone(),
            line,
            inline,
            test_only,
            documented,
            imports: BTreeMap::new(),
            refs: Vec::new(),
        };
        if inline
            && matches!(
                self.tokens.get(self.pos).map(|t| &t.kind),
                Some(Kind::InnerDoc)
            )
        {
            module.documented = true;
        }
        let mut depth = 0usize;
        while self.pos < self.tokens.len() {
            let token = &self.tokens[self.pos];
            match &token.kind {
                Kind::Punct('{') => {
                    depth += 1;
                    self.pos += 1;
                }
                Kind::Punct('}') => {
                    self.pos += 1;
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Kind::Ident(word) if word == "mod" => {
                    let Some(name) = self.ident(self.pos + 1).map(str::to_owned) else {
                        self.pos += 1;
                        continue;
                    };
                    let (child_test, child_doc) = attributes_before(self.tokens, self.pos);
                    let child_test = test_only || child_test;
                    let mut child_path = path.clone();
                    child_path.push(name.clone());
                    self.pos += 2;
                    if is_punct(self.tokens.get(self.pos), '{') {
                        self.pos += 1;
                        self.module_body(
                            krate,
                            &child_path,
                            token.line,
                            true,
                            child_test,
                            child_doc,
                            &dir.join(&name),
                            pending,
                        )?;
                    } else {
                        pending.push(PendingChild {
                            parent: path.clone(),
                            dir: dir.to_path_buf(),
                            name,
                            line: token.line,
                            test_only: child_test,
                            documented: child_doc,
                        });
                    }
                }
                Kind::Ident(word) if word == "use" => {
                    self.pos += 1;
                    let mut prefix = Vec::new();
                    self.use_tree(&mut prefix, &mut module, token.line);
                }
                Kind::Ident(_) => {
                    let (segments, next) = path_at(self.tokens, self.pos);
                    let after_sep =
                        self.pos > 0 && matches!(self.tokens[self.pos - 1].kind, Kind::PathSep);
                    if segments.len() > 1 && !after_sep {
                        module.refs.push((segments, token.line));
                    }
                    self.pos = next;
                }
                _ => self.pos += 1,
            }
        }
        krate.modules.insert(path.clone(), module);
        Ok(())
    }

    /// Reads one use tree (after `use` or inside `{ }`), recording imports and references.
    fn use_tree(&mut self, prefix: &mut Vec<String>, module: &mut Module, line: usize) {
        if self.pos < self.tokens.len() && matches!(self.tokens[self.pos].kind, Kind::PathSep) {
            // `use ::serde::X`: another crate.
            prefix.push("::".to_owned());
            self.pos += 1;
        }
        let depth = prefix.len();
        loop {
            match self.tokens.get(self.pos).map(|t| &t.kind) {
                Some(Kind::Ident(word)) => {
                    let word = word.clone();
                    self.pos += 1;
                    if is_path_sep(self.tokens.get(self.pos)) {
                        prefix.push(word);
                        self.pos += 1;
                        continue;
                    }
                    let mut full = prefix.clone();
                    let name = if word == "self" {
                        prefix.last().cloned().unwrap_or_default()
                    } else {
                        full.push(word.clone());
                        word
                    };
                    let alias = if self.ident(self.pos) == Some("as") {
                        self.pos += 2;
                        self.ident(self.pos - 1).map(str::to_owned)
                    } else {
                        None
                    };
                    let name = alias.unwrap_or(name);
                    if full.first().map(String::as_str) != Some("::") {
                        if name != "_" && !name.is_empty() {
                            module.imports.insert(name, full.clone());
                        }
                        module.refs.push((full, line));
                    }
                    break;
                }
                Some(Kind::Punct('*')) => {
                    self.pos += 1;
                    if prefix.first().map(String::as_str) != Some("::") {
                        module.refs.push((prefix.clone(), line));
                    }
                    break;
                }
                Some(Kind::Punct('{')) => {
                    self.pos += 1;
                    loop {
                        match self.tokens.get(self.pos).map(|t| &t.kind) {
                            None => break,
                            Some(Kind::Punct('}')) => {
                                self.pos += 1;
                                break;
                            }
                            Some(Kind::Punct(',')) => self.pos += 1,
                            _ => {
                                let mut inner = prefix.clone();
                                let before = self.pos;
                                self.use_tree(&mut inner, module, line);
                                if self.pos == before {
                                    self.pos += 1;
                                }
                            }
                        }
                    }
                    break;
                }
                _ => break,
            }
        }
        prefix.truncate(depth);
    }
}

/// Whether the attributes and doc comments just before the `mod` at `at` say `#[cfg(test)]`
/// and whether they document it.
fn attributes_before(tokens: &[Token], at: usize) -> (bool, bool) {
    let (mut test, mut doc) = (false, false);
    let mut i = at;
    while i > 0 {
        i -= 1;
        match &tokens[i].kind {
            Kind::OuterDoc => doc = true,
            Kind::Ident(word) if word == "pub" || word == "crate" || word == "super" => {}
            Kind::Ident(word) if word == "in" || word == "self" => {}
            Kind::Punct('(') | Kind::Punct(')') => {}
            Kind::Punct(']') => {
                // An attribute `#[ ... ]`: find its start.
                let mut depth = 0;
                let mut j = i;
                loop {
                    match tokens[j].kind {
                        Kind::Punct(']') => depth += 1,
                        Kind::Punct('[') => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 || j == 0 {
                        break;
                    }
                    j -= 1;
                }
                let words: Vec<&str> = (j..i).filter_map(|k| ident_at(tokens, k)).collect();
                if words.first() == Some(&"cfg") && words.contains(&"test") {
                    test = true;
                }
                if words.first() == Some(&"doc") {
                    doc = true;
                }
                if j == 0 || !is_punct(tokens.get(j - 1), '#') {
                    break;
                }
                i = j - 1;
            }
            _ => break,
        }
    }
    (test, doc)
}

/// The path starting at `at` (`a::b::c`, generics and turbofish not followed) and the index
/// after it.
fn path_at(tokens: &[Token], at: usize) -> (Vec<String>, usize) {
    let mut segments = Vec::new();
    let mut i = at;
    while let Some(word) = ident_at(tokens, i) {
        segments.push(word.to_owned());
        if is_path_sep(tokens.get(i + 1)) && ident_at(tokens, i + 2).is_some() {
            i += 2;
        } else {
            i += 1;
            break;
        }
    }
    (segments, i.max(at + 1))
}

/// Skips a bracketed group starting at `open` (`[`, `(` or `{`); the index after its close.
fn skip_group(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Punct('[') | Kind::Punct('(') | Kind::Punct('{') => depth += 1,
            Kind::Punct(']') | Kind::Punct(')') | Kind::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        if depth == 0 {
            return None;
        }
    }
    None
}

fn ident_at(tokens: &[Token], at: usize) -> Option<&str> {
    match tokens.get(at).map(|t| &t.kind) {
        Some(Kind::Ident(word)) => Some(word),
        _ => None,
    }
}

fn is_punct(token: Option<&Token>, c: char) -> bool {
    matches!(token.map(|t| &t.kind), Some(Kind::Punct(p)) if *p == c)
}

fn is_path_sep(token: Option<&Token>) -> bool {
    matches!(token.map(|t| &t.kind), Some(Kind::PathSep))
}
