//! Lighthouse smoke pages (stub until the suite is written).
use std::path::Path;

use crate::Tally;

pub fn run(_dir: &Path, _verbose: bool) -> anyhow::Result<Tally> {
    Ok(Tally::default())
}
