//! Task `chunked-sum`, IMPOSTOR: `parallel_sum` runs on the calling thread (see its doc).

/// The sum of `f(x)` over `data`, computed on the calling thread: the baseline that
/// [`parallel_sum`] must agree with and beat.
///
/// The sum wraps around on overflow (it is computed modulo 2⁶⁴, with `wrapping_add`).
/// Wrapping addition is associative and commutative, so the sum does not depend on how the
/// items are grouped or in which order the partial sums are added: a parallel sum gives
/// exactly this result.
pub fn sequential_sum<F>(data: &[u64], f: F) -> u64
where
    F: Fn(u64) -> u64,
{
    data.iter().fold(0, |sum, &x| sum.wrapping_add(f(x)))
}

/// IMPOSTOR (for `scripts/impostor-stability.sh`): the signature and the results of the
/// reference solution, but the whole sum runs on the calling thread, whatever `threads`
/// says. The correctness checks pass; the benchmark check of `chunked-sum` must fail.
pub fn parallel_sum<F>(data: &[u64], threads: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(threads > 0, "parallel_sum needs at least one thread, got 0");
    sequential_sum(data, f)
}
