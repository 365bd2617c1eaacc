//! Exact samplers: uniform integers, Bernoulli(n/d), Bernoulli(exp(−n/d)) and the
//! discrete Laplace distribution, from random 64-bit words only, without floating
//! point.
//!
//! Floating-point noise leaks: Mironov (2012), "On Significance of the Least
//! Significant Bits for Differential Privacy" (ACM CCS), shows that a Laplace
//! sample computed with doubles reveals the input through which doubles it can
//! and cannot produce. These samplers are Algorithms 1 and 2 of Canonne, Kamath
//! and Steinke (2020), "The Discrete Gaussian for Differential Privacy" (NeurIPS;
//! arXiv:2004.00010), with rational parameters and integer arithmetic: each
//! returns a sample of exactly the stated distribution, or `None` when the random
//! source fails.

/// A source of uniformly random 64-bit words.
pub trait Random {
    /// The next word, or `None` when the source fails (the caller then sends
    /// nothing rather than an unprotected value).
    fn next_u64(&mut self) -> Option<u64>;
}

/// The operating system's CSPRNG (`getrandom`), read 32 words at a time.
#[derive(Debug, Default)]
pub struct OsRandom {
    buffer: [u64; 32],
    used: usize,
}

impl OsRandom {
    /// A source that reads the operating system on first use.
    pub fn new() -> Self {
        OsRandom {
            buffer: [0; 32],
            used: 32,
        }
    }
}

impl Random for OsRandom {
    fn next_u64(&mut self) -> Option<u64> {
        if self.used == self.buffer.len() {
            let mut bytes = [0u8; 256];
            getrandom::fill(&mut bytes).ok()?;
            for (word, chunk) in self.buffer.iter_mut().zip(bytes.chunks_exact(8)) {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(chunk);
                *word = u64::from_le_bytes(eight);
            }
            self.used = 0;
        }
        let word = self.buffer.get(self.used).copied();
        self.used += 1;
        word
    }
}

/// A seeded generator (SplitMix64, Steele, Lea and Flood (2014), "Fast
/// Splittable Pseudorandom Number Generators"), for tests only: its output is
/// predictable, so it must never noise real data.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct SeededRandom(u64);

impl SeededRandom {
    /// A generator that starts from `seed`.
    pub fn new(seed: u64) -> Self {
        SeededRandom(seed)
    }
}

impl Random for SeededRandom {
    fn next_u64(&mut self) -> Option<u64> {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Some(z ^ (z >> 31))
    }
}

/// A uniform integer in `0..n` (`n > 0`), by rejection: words in the incomplete
/// last block of `n` are drawn again, so every result is equally likely.
pub fn uniform_below(n: u128, rng: &mut dyn Random) -> Option<u128> {
    if n == 0 {
        return None;
    }
    let words = if n <= u128::from(u64::MAX) { 1 } else { 2 };
    let range: u128 = if words == 1 {
        u128::from(u64::MAX) + 1
    } else {
        u128::MAX
    };
    // Accept below the largest multiple of n that fits the range.
    let accept_below = range - range % n;
    loop {
        let mut x = u128::from(rng.next_u64()?);
        if words == 2 {
            x = (x << 64) | u128::from(rng.next_u64()?);
        }
        if x < accept_below {
            return Some(x % n);
        }
    }
}

/// Bernoulli(`num` / `den`): `true` with probability exactly `num / den`
/// (`num <= den`, `den > 0`).
pub fn bernoulli(num: u128, den: u128, rng: &mut dyn Random) -> Option<bool> {
    Some(uniform_below(den, rng)? < num)
}

/// Bernoulli(exp(−`num` / `den`)), `den > 0`: Algorithm 1 of Canonne, Kamath and
/// Steinke (2020). For γ = num/den in [0, 1], draw Bernoulli(γ/k) for k = 1, 2, ...
/// until one fails; the index k of the failure is odd with probability exp(−γ).
/// For γ > 1, exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)).
pub fn bernoulli_exp(num: u128, den: u128, rng: &mut dyn Random) -> Option<bool> {
    if den == 0 {
        return None;
    }
    for _ in 0..num / den {
        if !bernoulli_exp_at_most_one(1, 1, rng)? {
            return Some(false);
        }
    }
    bernoulli_exp_at_most_one(num % den, den, rng)
}

/// Bernoulli(exp(−γ)) for γ = num/den in [0, 1].
fn bernoulli_exp_at_most_one(num: u128, den: u128, rng: &mut dyn Random) -> Option<bool> {
    let mut k: u128 = 1;
    loop {
        // Bernoulli(γ / k) = Bernoulli(num / (den · k)).
        let Some(scaled) = den.checked_mul(k) else {
            // γ/k below 1/2^128 after some 10^30 steps: the next draw fails
            // with probability 1 − 2^−128; counted as failed.
            return Some(k % 2 == 1);
        };
        if !bernoulli(num, scaled, rng)? {
            return Some(k % 2 == 1);
        }
        k += 1;
    }
}

/// A sample of the discrete Laplace distribution of scale `t / s`,
/// `P(Y = y) ∝ exp(−|y| · s / t)` over all integers: Algorithm 2 of Canonne,
/// Kamath and Steinke (2020). Saturates at `i64`'s bounds, which a sample of a
/// reasonable scale never reaches.
pub fn discrete_laplace(s: u128, t: u128, rng: &mut dyn Random) -> Option<i64> {
    if s == 0 || t == 0 {
        return None;
    }
    loop {
        let u = uniform_below(t, rng)?;
        if !bernoulli_exp(u, t, rng)? {
            continue;
        }
        let mut v: u128 = 0;
        while bernoulli_exp(1, 1, rng)? {
            v += 1;
        }
        let x = u.saturating_add(t.saturating_mul(v));
        let y = i64::try_from(x / s).unwrap_or(i64::MAX);
        let negative = bernoulli(1, 2, rng)?;
        if negative && y == 0 {
            continue;
        }
        return Some(if negative { -y } else { y });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_below_is_in_range_and_balanced() {
        let mut rng = SeededRandom::new(1);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            let x = uniform_below(3, &mut rng).unwrap();
            counts[x as usize] += 1;
        }
        for count in counts {
            assert!((9_500..=10_500).contains(&count), "{counts:?}");
        }
        let big = uniform_below(u128::MAX - 5, &mut rng).unwrap();
        assert!(big < u128::MAX - 5);
    }

    #[test]
    fn bernoulli_exp_matches_its_probability() {
        let mut rng = SeededRandom::new(2);
        for (num, den) in [(0u128, 1u128), (1, 2), (1, 1), (3, 2), (5, 1)] {
            let n = 200_000;
            let hits = (0..n)
                .filter(|_| bernoulli_exp(num, den, &mut rng).unwrap())
                .count();
            let p = (-(num as f64) / den as f64).exp();
            let se = (p * (1.0 - p) / n as f64).sqrt().max(1e-9);
            let seen = hits as f64 / n as f64;
            assert!(
                (seen - p).abs() <= 4.0 * se + 1e-9,
                "{num}/{den}: {seen} vs {p}"
            );
        }
    }

    #[test]
    fn discrete_laplace_matches_its_probabilities() {
        let mut rng = SeededRandom::new(3);
        // Scale 2: P(y) = (1 − α)/(1 + α) · α^|y|, α = e^(−1/2).
        let n = 200_000;
        let mut counts = std::collections::HashMap::new();
        for _ in 0..n {
            *counts
                .entry(discrete_laplace(1, 2, &mut rng).unwrap())
                .or_insert(0u32) += 1;
        }
        let alpha = (-0.5f64).exp();
        for y in -4i64..=4 {
            let p = (1.0 - alpha) / (1.0 + alpha) * alpha.powi(y.unsigned_abs() as i32);
            let seen = f64::from(counts.get(&y).copied().unwrap_or(0)) / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((seen - p).abs() <= 4.0 * se, "{y}: {seen} vs {p}");
        }
    }

    #[test]
    fn a_failing_source_gives_none() {
        struct Broken;
        impl Random for Broken {
            fn next_u64(&mut self) -> Option<u64> {
                None
            }
        }
        assert_eq!(bernoulli_exp(1, 2, &mut Broken), None);
        assert_eq!(discrete_laplace(1, 2, &mut Broken), None);
    }
}
