//! Logging: `tracing` events to stderr, filtered by `CONFAB_LOG`.

use anyhow::Context;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. A second call (tests spawn many apps) is harmless.
pub(crate) fn init(filter: &str) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(filter)
        .with_context(|| format!("CONFAB_LOG={filter:?} is not a valid log filter"))?;
    // Err only means a subscriber is already installed, which is fine.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    Ok(())
}
