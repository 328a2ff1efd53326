//! The allocator as this test binary's global allocator: blocks grow and shrink across the
//! large-block threshold with their bytes kept, zeroed blocks are zero, alignments are kept,
//! threads share it. (Which blocks get mappings of their own, and that they are freed, is
//! tests/mappings.rs: a process with one thread, where the address space holds still.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc as _, Layout};

use fhirsig_alloc::{HugePageAllocator, LARGE_BLOCK};

#[global_allocator]
static ALLOCATOR: HugePageAllocator = HugePageAllocator;

/// A byte that depends on its position, so that a block copied or moved wrongly shows.
fn pattern(i: usize) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 7) as u8
}

fn assert_pattern(bytes: &[u8]) {
    if let Some(at) = (0..bytes.len()).find(|&i| bytes[i] != pattern(i)) {
        panic!("byte {at} of {} changed", bytes.len());
    }
}

#[test]
fn a_vector_grown_past_the_threshold_and_shrunk_below_it_keeps_every_byte() {
    let mut bytes: Vec<u8> = Vec::new();
    // Pushed one at a time: reallocations below, across and above the threshold.
    for i in 0..3 * LARGE_BLOCK + 12_345 {
        bytes.push(pattern(i));
    }
    assert_pattern(&bytes);
    // Larger to larger by an exact reservation (a remap), then back below the threshold.
    bytes.reserve_exact(5 * LARGE_BLOCK);
    assert_pattern(&bytes);
    bytes.truncate(LARGE_BLOCK + 1);
    bytes.shrink_to_fit();
    assert_pattern(&bytes);
    bytes.truncate(LARGE_BLOCK - 1);
    bytes.shrink_to_fit();
    assert_eq!(bytes.capacity(), LARGE_BLOCK - 1);
    assert_pattern(&bytes);
    bytes.truncate(10);
    bytes.shrink_to_fit();
    assert_pattern(&bytes);
}

#[test]
fn a_large_block_shrunk_to_a_few_bytes_copies_only_those() {
    // A copy of the old block's length into the new, small one would overrun it: the system
    // allocator's own checks (or the next allocation) notice.
    for small in [1, 64, 4095, 100_000] {
        let mut bytes: Vec<u8> = (0..3 * LARGE_BLOCK).map(pattern).collect();
        bytes.truncate(small);
        bytes.shrink_to_fit();
        assert_eq!(bytes.capacity(), small);
        assert_pattern(&bytes);
        let neighbours: Vec<Vec<u8>> = (0..64).map(|n| vec![n as u8; small]).collect();
        assert_pattern(&bytes);
        assert!(neighbours
            .iter()
            .enumerate()
            .all(|(n, v)| v.iter().all(|&b| b == n as u8)));
    }
}

#[test]
fn blocks_exactly_at_and_just_below_the_threshold_work() {
    for size in [LARGE_BLOCK - 1, LARGE_BLOCK, LARGE_BLOCK + 1] {
        let block: Vec<u8> = (0..size).map(pattern).collect();
        assert_eq!(block.len(), size);
        assert_pattern(&block);
    }
}

#[test]
fn zeroed_blocks_are_zero_even_where_freed_blocks_held_bytes() {
    for _ in 0..4 {
        let used: Vec<u8> = (0..2 * LARGE_BLOCK).map(pattern).collect();
        drop(used);
        let zeros = vec![0u64; LARGE_BLOCK / 4];
        assert!(zeros.iter().all(|&w| w == 0));
        let small = vec![0u8; 1000];
        assert!(small.iter().all(|&b| b == 0));
    }
}

#[test]
fn alignments_beyond_a_page_are_kept_for_large_blocks() {
    for align in [8, 4096, 8192, 1 << 21] {
        let layout = Layout::from_size_align(LARGE_BLOCK + 7, align).unwrap();
        // SAFETY: the layout is non-zero in size; the block is written within it and freed
        // with it.
        #[allow(unsafe_code)]
        unsafe {
            let block = ALLOCATOR.alloc(layout);
            assert!(!block.is_null());
            assert_eq!(block as usize % align, 0, "alignment {align}");
            block.write_bytes(0xa5, layout.size());
            assert_eq!(*block.add(layout.size() - 1), 0xa5);
            let grown = ALLOCATOR.realloc(block, layout, 3 * LARGE_BLOCK);
            assert!(!grown.is_null());
            assert_eq!(grown as usize % align, 0, "alignment {align} after growing");
            assert_eq!(*grown.add(layout.size() - 1), 0xa5);
            ALLOCATOR.dealloc(
                grown,
                Layout::from_size_align(3 * LARGE_BLOCK, align).unwrap(),
            );
        }
    }
}

#[test]
fn threads_allocating_large_and_small_blocks_at_once_keep_their_bytes() {
    std::thread::scope(|scope| {
        for t in 0..4usize {
            scope.spawn(move || {
                for round in 0..6 {
                    let size = if (t + round) % 2 == 0 {
                        LARGE_BLOCK + t * 4096 + round
                    } else {
                        1000 + t
                    };
                    let mut block: Vec<u8> = (0..size).map(pattern).collect();
                    block.extend((size..size + LARGE_BLOCK / 2).map(pattern));
                    assert_pattern(&block);
                }
            });
        }
    });
}
