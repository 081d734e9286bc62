//! Giving memory back to the system between pipeline steps.

/// Returns the free memory of the allocator's arenas to the system, where
/// the allocator keeps it (glibc: `malloc_trim`). Called once a large
/// catalog has been freed (by the command line, once the files'
/// statements have been freed too: they were made beside the catalog's
/// parts, file by file, and held most of its pages): its memory is
/// scattered over the arenas in pieces that the findings unpacked after it
/// only partly reuse, and the list of those findings is one new mapping.
/// On a set of 30,000 files the resident peak after the rules went from
/// 188 MiB to 173; freeing the statements first, the resident size before
/// unpacking went from 110 MB to 100.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free memory; it is safe to call
    // at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
