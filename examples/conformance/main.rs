//! Agreement of webaudit's rules with the reference tools, measured against the conformance
//! corpus in `../shared/conformance` (read in place, never copied into this project).
//!
//! ```sh
//! cargo run --release --example conformance                     # all three suites
//! cargo run --release --example conformance -- axe --verbose    # one suite, with mismatches
//! cargo run --release --example conformance -- --dir /path/to/conformance
//! ```
//!
//! - `axe`: axe-core's rule fixtures. Each listed element must land in the same category
//!   (violation, pass, needs review) as upstream; see [`axe`] for the exact counting.
//! - `lighthouse`: Lighthouse's SEO and accessibility smoke pages: the score (1, 0 or not
//!   applicable) and the number of failing items of every audit a rule mirrors.
//! - `observatory`: the Mozilla HTTP Observatory's 174 analyzer cases and its two captured full
//!   scans (score and grade).
//!
//! Nothing is fetched: pages are built in memory from the fixture files.

mod axe;
mod lighthouse;
mod observatory;

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Suite {
    Axe,
    Lighthouse,
    Observatory,
}

/// Measures agreement with axe-core, Lighthouse and the Mozilla HTTP Observatory.
#[derive(Debug, Parser)]
struct Args {
    /// Suites to run (default: all).
    suites: Vec<Suite>,
    /// The conformance corpus.
    #[arg(long, default_value = "../shared/conformance")]
    dir: PathBuf,
    /// Print every mismatch.
    #[arg(long, short)]
    verbose: bool,
}

/// Agreement counts of one suite or one rule.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// Expectations checked.
    pub checked: usize,
    /// Expectations met.
    pub agreed: usize,
}

impl Tally {
    /// Adds one expectation.
    pub fn record(&mut self, agreed: bool) {
        self.checked += 1;
        if agreed {
            self.agreed += 1;
        }
    }

    /// Adds another tally.
    pub fn add(&mut self, other: Tally) {
        self.checked += other.checked;
        self.agreed += other.agreed;
    }

    /// Agreement as a percentage.
    pub fn percent(&self) -> f64 {
        if self.checked == 0 {
            100.0
        } else {
            100.0 * self.agreed as f64 / self.checked as f64
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{} ({:.1}%)",
            self.agreed,
            self.checked,
            self.percent()
        )
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !args.dir.is_dir() {
        anyhow::bail!(
            "conformance corpus not found at {}; pass --dir with its location",
            args.dir.display()
        );
    }
    let suites = if args.suites.is_empty() {
        vec![Suite::Axe, Suite::Lighthouse, Suite::Observatory]
    } else {
        args.suites.clone()
    };
    let mut summary = Vec::new();
    for suite in suites {
        let tally = match suite {
            Suite::Axe => axe::run(&args.dir.join("axe"), args.verbose)?,
            Suite::Lighthouse => lighthouse::run(&args.dir.join("lighthouse"), args.verbose)?,
            Suite::Observatory => observatory::run(&args.dir.join("observatory"), args.verbose)?,
        };
        summary.push((suite, tally));
    }
    println!("\nsummary");
    for (suite, tally) in summary {
        println!("  {:<12} {tally}", format!("{suite:?}").to_lowercase());
    }
    Ok(())
}
