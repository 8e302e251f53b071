//! Finds where a value sits in a line of JSON, from its path.
//!
//! The parser keeps no positions (that would slow every line); a rule that fires names
//! the path of what it blames, and only then is the line scanned again to find the
//! byte range. The line is known to be valid JSON when this runs. `locate_all` finds
//! every path of a line in one pass, so a line with 20,000 findings is scanned once,
//! not 20,000 times.

use rustc_hash::FxHashMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Which part of a member to point at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// The value at the path.
    Value,
    /// The key of the last path segment (which must be a `Key`).
    Key,
}

/// Byte range of the value (or key) at `path` in `line`, or None when absent.
pub fn locate(line: &str, path: &[Seg], target: Target) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let mut i = skip_ws(b, 0);
    for (depth, seg) in path.iter().enumerate() {
        let last = depth + 1 == path.len();
        match seg {
            Seg::Key(want) => {
                if b.get(i) != Some(&b'{') {
                    return None;
                }
                // Last duplicate wins, as for the provider's parser.
                let mut found = None;
                i += 1;
                loop {
                    i = skip_ws(b, i);
                    match b.get(i)? {
                        b'}' => break,
                        b',' => {
                            i += 1;
                            continue;
                        }
                        b'"' => {}
                        _ => return None,
                    }
                    let key_start = i;
                    let key_end = skip_string(b, i)?;
                    let colon = skip_ws(b, key_end);
                    if b.get(colon) != Some(&b':') {
                        return None;
                    }
                    let val_start = skip_ws(b, colon + 1);
                    let val_end = skip_value(b, val_start)?;
                    if key_equals(&line[key_start..key_end], want) {
                        found = Some((key_start, key_end, val_start));
                    }
                    i = val_end;
                }
                let (ks, ke, vs) = found?;
                if last && target == Target::Key {
                    return Some((ks, ke));
                }
                i = vs;
            }
            Seg::Index(n) => {
                if b.get(i) != Some(&b'[') {
                    return None;
                }
                i = skip_ws(b, i + 1);
                let mut k = 0;
                loop {
                    match b.get(i)? {
                        b']' => return None,
                        b',' => {
                            i = skip_ws(b, i + 1);
                            continue;
                        }
                        _ => {}
                    }
                    if k == *n {
                        break;
                    }
                    i = skip_ws(b, skip_value(b, i)?);
                    k += 1;
                }
            }
        }
    }
    let end = skip_value(b, i)?;
    Some((i, end))
}

/// Byte ranges of many paths in one pass over `line`: the paths are merged into a trie,
/// and the scan descends only into values on a wanted path, skipping the rest. Each
/// result is what `locate` gives for that path alone. Linear in the line plus the
/// paths' total length.
pub fn locate_all(line: &str, wanted: &[(&[Seg], Target)]) -> Vec<Option<(usize, usize)>> {
    let mut trie = Trie {
        nodes: vec![Node::new(usize::MAX)],
        children: FxHashMap::default(),
    };
    let ends: Vec<usize> = wanted
        .iter()
        .map(|(path, _)| {
            path.iter().fold(0, |node, seg| {
                let k = match seg {
                    Seg::Key(k) => Step::Key(k),
                    Seg::Index(i) => Step::Index(*i),
                };
                let next = trie.nodes.len();
                let child = *trie.children.entry((node, k)).or_insert(next);
                if child == next {
                    trie.nodes.push(Node::new(node));
                    trie.nodes[node].has_children = true;
                }
                child
            })
        })
        .collect();
    let b = line.as_bytes();
    let start = skip_ws(b, 0);
    if trie.visit(line, start, 0).is_none() {
        return vec![None; wanted.len()];
    }
    ends.iter()
        .zip(wanted)
        .map(|(&node, (path, target))| {
            if !trie.current(node) {
                return None;
            }
            let n = &trie.nodes[node];
            if *target == Target::Key && matches!(path.last(), Some(Seg::Key(_))) {
                n.key_span
            } else {
                n.value_span
            }
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

struct Node {
    parent: usize,
    has_children: bool,
    /// Times this node's value was entered (a key given twice is entered twice).
    visits: u32,
    /// The parent's `visits` when this node's spans were set: the spans are current
    /// only if they come from the parent's last visit (the copy of a duplicate key the
    /// provider keeps, as `locate` finds).
    parent_visit: u32,
    key_span: Option<(usize, usize)>,
    value_span: Option<(usize, usize)>,
}

impl Node {
    fn new(parent: usize) -> Node {
        Node {
            parent,
            has_children: false,
            visits: 0,
            parent_visit: 0,
            key_span: None,
            value_span: None,
        }
    }
}

struct Trie<'p> {
    nodes: Vec<Node>,
    children: FxHashMap<(usize, Step<'p>), usize>,
}

impl Trie<'_> {
    /// Whether `node`'s spans come from the last visit of every ancestor.
    fn current(&self, mut node: usize) -> bool {
        loop {
            let n = &self.nodes[node];
            if n.value_span.is_none() {
                return false;
            }
            if n.parent == usize::MAX {
                return true;
            }
            if n.parent_visit != self.nodes[n.parent].visits {
                return false;
            }
            node = n.parent;
        }
    }

    /// Scans the value at `i` for `node`; returns the index just after it. Recursion
    /// follows the trie, whose depth is a path's length (bounded by the parser's limit).
    fn visit(&mut self, line: &str, i: usize, node: usize) -> Option<usize> {
        let b = line.as_bytes();
        self.nodes[node].visits += 1;
        let visit = self.nodes[node].visits;
        let end = if !self.nodes[node].has_children {
            skip_value(b, i)?
        } else {
            match b.get(i)? {
                b'{' => {
                    let mut j = i + 1;
                    loop {
                        j = skip_ws(b, j);
                        match b.get(j)? {
                            b'}' => break j + 1,
                            b',' => {
                                j += 1;
                                continue;
                            }
                            b'"' => {}
                            _ => return None,
                        }
                        let key_start = j;
                        let key_end = skip_string(b, j)?;
                        let colon = skip_ws(b, key_end);
                        if b.get(colon) != Some(&b':') {
                            return None;
                        }
                        let val_start = skip_ws(b, colon + 1);
                        let quoted = &line[key_start..key_end];
                        let inner = &quoted[1..quoted.len() - 1];
                        let child = if inner.contains('\\') {
                            serde_json::from_str::<String>(quoted)
                                .ok()
                                .and_then(|k| self.children.get(&(node, Step::Key(&k))).copied())
                        } else {
                            self.children.get(&(node, Step::Key(inner))).copied()
                        };
                        j = match child {
                            Some(ch) => {
                                let n = &mut self.nodes[ch];
                                n.key_span = Some((key_start, key_end));
                                n.parent_visit = visit;
                                self.visit(line, val_start, ch)?
                            }
                            None => skip_value(b, val_start)?,
                        };
                    }
                }
                b'[' => {
                    let mut j = skip_ws(b, i + 1);
                    let mut k = 0;
                    loop {
                        match b.get(j)? {
                            b']' => break j + 1,
                            b',' => {
                                j = skip_ws(b, j + 1);
                                continue;
                            }
                            _ => {}
                        }
                        let end = match self.children.get(&(node, Step::Index(k))).copied() {
                            Some(ch) => {
                                self.nodes[ch].parent_visit = visit;
                                self.visit(line, j, ch)?
                            }
                            None => skip_value(b, j)?,
                        };
                        j = skip_ws(b, end);
                        k += 1;
                    }
                }
                _ => skip_value(b, i)?,
            }
        };
        self.nodes[node].value_span = Some((i, end));
        Some(end)
    }
}

fn key_equals(quoted: &str, want: &str) -> bool {
    let inner = &quoted[1..quoted.len() - 1];
    if inner.contains('\\') {
        serde_json::from_str::<String>(quoted).is_ok_and(|k| k == want)
    } else {
        inner == want
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `i` at the opening quote; returns the index after the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Returns the index just after the value starting at `i`. Iterative, so depth
/// costs no stack.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            Some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Seg {
        Seg::Key(s.to_string())
    }

    #[test]
    fn finds_nested_values_and_keys() {
        let line = r#"{"messages": [{"role":"user","content":"hi"}, {"role": "bot", "content": {"x": [1,2]}}]}"#;
        let (s, e) = locate(
            line,
            &[k("messages"), Seg::Index(1), k("role")],
            Target::Value,
        )
        .unwrap();
        assert_eq!(&line[s..e], r#""bot""#);
        let (s, e) = locate(
            line,
            &[k("messages"), Seg::Index(1), k("content")],
            Target::Key,
        )
        .unwrap();
        assert_eq!(&line[s..e], r#""content""#);
        let (s, e) = locate(
            line,
            &[k("messages"), Seg::Index(1), k("content")],
            Target::Value,
        )
        .unwrap();
        assert_eq!(&line[s..e], r#"{"x": [1,2]}"#);
        assert!(locate(line, &[k("messages"), Seg::Index(2)], Target::Value).is_none());
        assert_eq!(locate(line, &[], Target::Value), Some((0, line.len())));
    }

    #[test]
    fn last_duplicate_and_escaped_keys() {
        let line = r#"{"a":1,"a":22,"\u0062":3}"#;
        let (s, e) = locate(line, &[k("a")], Target::Value).unwrap();
        assert_eq!(&line[s..e], "22");
        let (s, e) = locate(line, &[k("b")], Target::Value).unwrap();
        assert_eq!(&line[s..e], "3");
    }

    #[test]
    fn strings_with_brackets_and_escaped_quotes() {
        let line = r#"[" ]\" }", {"k": "v"}]"#;
        let (s, e) = locate(line, &[Seg::Index(1), k("k")], Target::Value).unwrap();
        assert_eq!(&line[s..e], r#""v""#);
    }
}
