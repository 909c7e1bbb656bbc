//! The `medcard` binary: see `medcard --help`.

fn main() -> std::process::ExitCode {
    keep_large_allocations_out_of_the_heap();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(medcard::cli::main()),
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// glibc serves an allocation above its mmap threshold with mmap and returns it on free, but
/// after such a free it raises the threshold to that size: from then on argon2's ~19 MiB blocks
/// (every password check) come from the heap arenas and stay resident there, fragmented per
/// thread. A fixed threshold (glibc's initial 128 KiB) keeps them mmapped: measured, 40 serial
/// card-password sign-ins peak at 39 MiB instead of 137 MiB. Before any thread starts.
fn keep_large_allocations_out_of_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
