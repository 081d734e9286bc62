//! Helpers for the crate's unit tests.

/// A small pseudo-random generator, the same on every run for a seed
/// (a linear congruential one): `next(bound)` gives a number below
/// `bound`, which must not be 0.
pub fn random(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |bound| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % bound
    }
}
