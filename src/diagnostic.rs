//! Diagnostic and Severity: what a check found, independent of any renderer.

use crate::rules::Rule;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The provider would reject the file or the record.
    Error,
    /// Accepted, but likely a mistake or a waste of money.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}
