//! The allocator as this test binary's global allocator: blocks grow and shrink across the
//! large-block threshold with their bytes kept, zeroed blocks are zero, alignments are kept,
//! threads share it, and (where the kernel has transparent huge pages) large blocks are
//! advised for them.
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

/// On Linux with transparent huge pages, the mapping of a large block carries the `hg` flag
/// (MADV_HUGEPAGE) in /proc/self/smaps; a small block's memory does not get it from us.
#[cfg(target_os = "linux")]
#[test]
fn large_blocks_are_advised_for_huge_pages() {
    let supported = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
        .is_ok_and(|mode| !mode.contains("[never]"));
    if !supported {
        eprintln!("transparent huge pages are off on this kernel: the advice is not checked");
        return;
    }
    let large: Vec<u8> = vec![1; 2 * LARGE_BLOCK];
    let address = large.as_ptr() as usize;
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let flags = vm_flags_of(&smaps, address).expect("the block's mapping is listed");
    assert!(
        flags.split_whitespace().any(|f| f == "hg"),
        "flags of the large block's mapping: {flags}"
    );
    drop(large);
}

/// The `VmFlags` line of the mapping that contains `address`.
#[cfg(target_os = "linux")]
fn vm_flags_of(smaps: &str, address: usize) -> Option<String> {
    let mut inside = false;
    for line in smaps.lines() {
        if let Some((range, _)) = line.split_once(' ') {
            if let Some((start, end)) = range.split_once('-') {
                if let (Ok(start), Ok(end)) = (
                    usize::from_str_radix(start, 16),
                    usize::from_str_radix(end, 16),
                ) {
                    inside = (start..end).contains(&address);
                    continue;
                }
            }
        }
        if inside {
            if let Some(flags) = line.strip_prefix("VmFlags:") {
                return Some(flags.trim().to_owned());
            }
        }
    }
    None
}
