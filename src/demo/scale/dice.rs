//! A small generator, seeded: the same N gives the same centre.

/// The seed of every stream.
const SEED: u64 = 0x6e69_646f_2d73_6361;

/// Streams of the generator, one per kind of thing generated.
pub(super) const FAMILY: u64 = 1;
pub(super) const UNIT: u64 = 2;
pub(super) const COLLEAGUE: u64 = 3;
pub(super) const LANDLORD: u64 = 4;
/// A family's details (names, notes), apart from its plan: the plan stays
/// as it is if what follows changes.
pub(super) const DETAILS: u64 = 5;

/// A small, seeded generator (SplitMix64): deterministic, no dependency.
pub(super) struct Dice(u64);

impl Dice {
    /// The generator for one family (or one unit, one colleague): the same
    /// whatever else is generated, so chunks can be made in any order.
    pub(super) fn for_item(stream: u64, index: usize) -> Self {
        Dice(SEED ^ stream.rotate_left(48) ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// True `percent` times in a hundred.
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}
