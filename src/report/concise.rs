//! `--format concise`: `path:line:col: severity[CODE] message`, one finding per line, so
//! `grep`, editors' quickfix lists and `wc -l` work on it; then one summary line.

use super::Report;
use super::shared::{count, verdict};
use crate::display;
use std::fmt::Write;

pub fn render(r: &Report, quiet: bool) -> String {
    let mut out = String::new();
    for d in &r.diagnostics {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            display::path(&d.path),
            d.line,
            d.column,
            d.severity.as_str(),
            d.rule.code(),
            display::text(&d.message)
        );
    }
    if quiet {
        return out;
    }
    let hidden = r.hidden();
    let more = if hidden > 0 {
        format!(
            " ({} not shown; --max-diagnostics 0 shows all)",
            count(hidden, "finding", "findings")
        )
    } else {
        String::new()
    };
    let _ = writeln!(out, "{}{more}", verdict(r));
    if let Some(b) = &r.baseline {
        let _ = writeln!(out, "{}", b.one_line());
    }
    out
}
