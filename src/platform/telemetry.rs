//! Tracing set-up: pretty lines for people, JSON lines for collectors.

use tracing_subscriber::EnvFilter;

use crate::platform::config::{LogFormat, LogSettings};

/// Installs the global subscriber once; `RUST_LOG` overrides the configured filter.
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let result = match settings.format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
    // A second initialisation (tests) keeps the first subscriber.
    let _ = result;
}
