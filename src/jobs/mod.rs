//! Audit jobs: run an audit and store its outcome ([`run`]), and a queue with a worker pool
//! that survives restarts ([`pool`]): `queued → running → completed | failed`, with progress
//! for whoever waits.

pub mod pool;
pub mod run;

pub use pool::{DEFAULT_WORKERS, JobState, Jobs, MAX_ATTEMPTS};
pub use run::{JobSpec, RunError, execute};
