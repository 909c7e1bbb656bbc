//! The `medcard` binary: see `medcard --help`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    medcard::cli::main().await
}
