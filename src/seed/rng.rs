//! The seed's random numbers: SplitMix64, one stream per person, so the same `--seed` gives the
//! same data set on any machine and a person's data does not depend on the chunk it falls in.

/// A deterministic pseudo-random stream.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

/// SplitMix64's output function: a bijection on u64 that scatters nearby inputs.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// The stream of one thing (a person, an institution…) of a data set.
    pub(crate) fn of(seed: u64, stream: u64, index: u64) -> Self {
        Self(mix(seed ^ mix(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ mix(index))))
    }

    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }

    /// True `per_mille` times in a thousand.
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// One of `items`, uniformly.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_index_give_the_same_stream() {
        let mut a = Rng::of(7, 1, 42);
        let mut b = Rng::of(7, 1, 42);
        assert_eq!((a.next(), a.next()), (b.next(), b.next()));
        assert_ne!(Rng::of(7, 1, 43).next(), Rng::of(7, 1, 42).next());
        assert_ne!(Rng::of(8, 1, 42).next(), Rng::of(7, 1, 42).next());
    }

    #[test]
    fn between_stays_inside_its_bounds() {
        let mut rng = Rng::of(1, 2, 3);
        for _ in 0..1000 {
            assert!((5..=9).contains(&rng.between(5, 9)));
        }
    }
}
