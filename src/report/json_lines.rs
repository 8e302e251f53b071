//! `--format json-lines`: one JSON object per line, so a consumer can stream findings:
//! first one `{"type":"diagnostic",…}` per diagnostic (the keys of `--format json`'s
//! `diagnostics` entries), then one `{"type":"summary",…}` holding everything else that
//! `--format json` holds (files, summary, errors, tokens, cost).

use super::Report;
use super::json;
use serde_json::Value;

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    for d in &r.diagnostics {
        let mut v = json::diagnostic(d);
        v["type"] = Value::from("diagnostic");
        push_line(&mut out, &v);
    }
    let mut summary = json::to_value(r);
    if let Some(map) = summary.as_object_mut() {
        map.remove("diagnostics");
    }
    summary["type"] = Value::from("summary");
    push_line(&mut out, &summary);
    out
}

fn push_line(out: &mut String, v: &Value) {
    // serde_json's compact form never contains a raw newline (strings escape it).
    out.push_str(&crate::display::json_safe(
        serde_json::to_string(v).unwrap_or_default(),
    ));
    out.push('\n');
}
