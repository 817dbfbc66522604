//! Every module says what it is for: a `//!` comment at the top of its file, or, for an inline
//! module, a `///` comment on its `mod` item or a `//!` at the top of its block. Test-only
//! modules (`#[cfg(test)]`) are exempt.

use crate::cycles::display;
use crate::modules::Crate;

/// The modules without a doc comment, as `crate::a::b (file:line)`.
pub fn undocumented(krate: &Crate) -> Vec<String> {
    krate
        .modules
        .iter()
        .filter(|(_, m)| !m.documented && !m.test_only)
        .map(|(path, m)| format!("{} ({}:{})", display(path), m.file.display(), m.line))
        .collect()
}
