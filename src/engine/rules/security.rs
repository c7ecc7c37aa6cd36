//! Stub.

use super::Rule;

/// The rules of this category.
pub static RULES: &[Rule] = &[];
