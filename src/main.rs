fn main() -> std::process::ExitCode {
    allocator::settle();
    schema_lint::cli::main()
}

/// How the process's allocator is tuned, before anything is allocated.
mod allocator {
    /// glibc's malloc serves a block above a threshold from its own
    /// mapping, returned to the system when the block is freed, and raises
    /// that threshold each time such a block is freed (up to 32 MiB). The
    /// load phase frees large token and tree buffers, so after it the
    /// threshold is high and the large vectors built later (the catalog's,
    /// the findings') are carved from the heap arenas, where the holes
    /// they leave when they grow or go are never returned. A fixed
    /// threshold (which turns the raising off) keeps them in mappings: on
    /// a set of 30,000 files the peak resident memory went from 288 MB to
    /// 253 MB and the CPU time down by a tenth, because a growing mapped
    /// vector is moved by remapping its pages instead of copying them.
    ///
    /// glibc also gives each thread that allocates while another holds an
    /// arena an arena of its own, up to eight per core: the main thread and
    /// every worker of the thread pool. Each keeps the free room of what it
    /// allocated; the main thread waits while the workers load, replay and
    /// check, and the workers are idle while it unpacks and reports, so
    /// letting it share one of theirs (as many arenas as cores) costs no
    /// waiting. On 2 cores the 30,000-file peak went from 226 MiB to 221
    /// side by side (from 230 to 218 in a trial with `MALLOC_ARENA_MAX`),
    /// for the same CPU time.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    pub fn settle() {
        /// glibc's default starting threshold.
        const MMAP_THRESHOLD: libc::c_int = 128 * 1024;
        // SAFETY: `mallopt` only changes parameters of the allocator; it is
        // called before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        }
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: as above.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }

    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    pub fn settle() {}
}
