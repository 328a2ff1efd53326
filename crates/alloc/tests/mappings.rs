//! Which blocks get mappings of their own (by size and alignment), that those mappings are
//! advised for huge pages and released when freed, and that a block whose mapping was split
//! still grows. One test in its own process, so that no other thread maps or unmaps memory
//! while /proc/self/maps is read.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc as _, Layout};

use fhirsig_alloc::{HugePageAllocator, LARGE_BLOCK};

#[global_allocator]
static ALLOCATOR: HugePageAllocator = HugePageAllocator;

/// The mapping that holds `address`: its start, end and `VmFlags`, from /proc/self/smaps.
fn mapping_of(address: usize) -> Option<(usize, usize, Vec<String>)> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let mut current: Option<(usize, usize)> = None;
    for line in smaps.lines() {
        let range = line
            .split_once(' ')
            .and_then(|(range, _)| range.split_once('-'));
        if let Some((start, end)) = range {
            if let (Ok(start), Ok(end)) = (
                usize::from_str_radix(start, 16),
                usize::from_str_radix(end, 16),
            ) {
                current = (start..end).contains(&address).then_some((start, end));
                continue;
            }
        }
        if let (Some((start, end)), Some(flags)) = (current, line.strip_prefix("VmFlags:")) {
            return Some((
                start,
                end,
                flags.split_whitespace().map(str::to_owned).collect(),
            ));
        }
    }
    None
}

fn advised(address: usize) -> bool {
    mapping_of(address).is_some_and(|(_, _, flags)| flags.iter().any(|f| f == "hg"))
}

/// A kernel built without transparent huge pages refuses the advice (the blocks still work);
/// the flag is only looked for where the kernel has them.
fn kernel_has_huge_pages() -> bool {
    std::path::Path::new("/sys/kernel/mm/transparent_hugepage").is_dir()
}

#[test]
fn large_blocks_get_advised_mappings_of_their_own_which_are_released_and_grow_when_split() {
    let check_flags = kernel_has_huge_pages();
    if !check_flags {
        eprintln!("no transparent huge pages in this kernel: the advice is not looked for");
    }

    // By size: one byte under the threshold stays with the system allocator.
    let small: Vec<u8> = vec![7; LARGE_BLOCK - 1];
    let large: Vec<u8> = vec![7; LARGE_BLOCK];
    if check_flags {
        assert!(!advised(small.as_ptr() as usize), "LARGE_BLOCK - 1 bytes");
        assert!(advised(large.as_ptr() as usize), "LARGE_BLOCK bytes");
    }
    let (start, end, _) = mapping_of(large.as_ptr() as usize).unwrap();
    assert_eq!(
        start,
        large.as_ptr() as usize,
        "a mapping starts at the block"
    );
    assert!(end - start >= LARGE_BLOCK);

    // By alignment: more than a page goes to the system allocator whatever the size.
    let layout = Layout::from_size_align(2 * LARGE_BLOCK, 8192).unwrap();
    // SAFETY: a non-zero layout, freed with the same layout.
    #[allow(unsafe_code)]
    unsafe {
        let aligned = ALLOCATOR.alloc(layout);
        assert!(!aligned.is_null());
        if check_flags {
            assert!(!advised(aligned as usize), "8192-aligned block");
        }
        ALLOCATOR.dealloc(aligned, layout);
    }

    // errno: a large allocation that succeeds leaves it as it was, whatever the advice or a
    // move answered (here both succeed; on a kernel that refuses the advice with EINVAL this
    // is what keeping errno guards).
    // SAFETY: the calling thread's errno, always valid.
    #[allow(unsafe_code)]
    unsafe {
        *libc::__errno_location() = libc::EBADF;
    }
    let mut kept: Vec<u8> = Vec::with_capacity(3 * LARGE_BLOCK);
    kept.push(1);
    kept.reserve(20 * LARGE_BLOCK);
    assert_eq!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(libc::EBADF),
        "errno after large allocations"
    );
    drop(kept);

    // Freed: the block's mapping is gone (nothing else runs in this process to map there).
    let address = large.as_ptr() as usize;
    drop(large);
    assert!(
        mapping_of(address).is_none_or(|(s, _, _)| s != address),
        "the freed block's mapping is still there"
    );
    drop(small);

    // Split: advising one page in the middle of a block differently makes it three kernel
    // mappings, which the kernel will not move as one; growing must still work (by a copy).
    let mut block: Vec<u8> = (0..2 * LARGE_BLOCK).map(|i| (i % 251) as u8).collect();
    block.shrink_to_fit();
    let middle = (block.as_ptr() as usize + LARGE_BLOCK) & !4095;
    // SAFETY: the page lies inside the block's own mapping; MADV_NOHUGEPAGE changes only how
    // the kernel backs it.
    #[allow(unsafe_code)]
    let advice = unsafe { libc::madvise(middle as *mut libc::c_void, 4096, libc::MADV_NOHUGEPAGE) };
    if advice == 0 {
        let (s, e, _) = mapping_of(block.as_ptr() as usize).unwrap();
        assert!(e - s < 2 * LARGE_BLOCK, "the advice split the mapping");
    }
    block
        .try_reserve(10 * LARGE_BLOCK)
        .expect("a split block still grows");
    assert!(block.capacity() >= 12 * LARGE_BLOCK);
    assert!(block.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
}
