//! The `fhirsig` binary's global allocator: the system allocator for everything, except that a
//! block of at least [`LARGE_BLOCK`] bytes gets an anonymous mapping of its own, offered to the
//! kernel for transparent huge pages (`madvise(MADV_HUGEPAGE)`).
//!
//! Why: a 42 MB Bundle is read into one buffer and parsed into a tape of about the same size.
//! In 4 KiB pages that is some 20,000 page faults, each a trip into the kernel that zeroes a
//! page; on a virtual machine those faults were a third of `fhirsig canon`'s wall time. In
//! 2 MiB pages it is a few dozen. Small blocks (every record of a batch, every report) stay
//! with the system allocator, which serves them from memory it already has.
//!
//! The kernel decides: with transparent huge pages off (`never`), the advice is ignored and
//! the blocks are ordinary pages; with `defrag` set to `madvise` (Debian's default), the first
//! fault of a huge page may wait while the kernel compacts memory to find one (an operator who
//! prefers never to wait sets `defrag` to `defer`). On a virtual machine the first touch of a
//! huge page the host has not backed yet can also wait (docs/benchmarks.md measures both).
//!
//! This is the one crate of the workspace with unsafe code: an allocator cannot be written
//! without it. Every block is a direct call of the system allocator or of `mmap`, `mremap`,
//! `munmap` or `madvise` on a mapping this allocator made, with its reason beside it.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks of at least this many bytes are mapped on their own (4 MiB: any such mapping holds at
/// least one whole 2 MiB huge page, wherever the kernel places it).
pub const LARGE_BLOCK: usize = 4 << 20;

/// The largest alignment a mapping satisfies by itself: `mmap` returns page-aligned addresses,
/// and no Linux page is smaller than 4 KiB. A block that asks for more goes to the system
/// allocator whatever its size.
const MAPPING_ALIGN: usize = 4096;

/// The system allocator, with large blocks on their own huge-page mappings (see the crate
/// documentation). Use it as `#[global_allocator]`.
#[derive(Debug, Default, Clone, Copy)]
pub struct HugePageAllocator;

/// Whether a block of this size and alignment is (or was) given a mapping of its own. The
/// answer depends only on the layout, which `dealloc` and `realloc` receive unchanged
/// (the [`GlobalAlloc`] contract), so every block is freed by whoever made it.
fn is_mapped(size: usize, align: usize) -> bool {
    cfg!(target_os = "linux") && size >= LARGE_BLOCK && align <= MAPPING_ALIGN
}

#[allow(unsafe_code)]
// SAFETY: every method returns either what the system allocator returned for the same layout
// or a fresh private anonymous mapping of at least `layout.size()` bytes, page-aligned (so
// aligned to any `align <= MAPPING_ALIGN`, the only ones `is_mapped` accepts), and releases a
// block the same way it was made, decided by `is_mapped` on the layout the caller must pass
// back unchanged.
unsafe impl GlobalAlloc for HugePageAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_mapped(layout.size(), layout.align()) {
            return mapping::map(layout.size());
        }
        // SAFETY: the caller's guarantees for `layout` are passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_mapped(layout.size(), layout.align()) {
            // A fresh anonymous mapping reads as zeros (POSIX mmap, MAP_ANONYMOUS).
            return mapping::map(layout.size());
        }
        // SAFETY: as in `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_mapped(layout.size(), layout.align()) {
            // SAFETY: `ptr` came from `mapping::map(layout.size())` or a `mapping::remap` to
            // that size (the same decision on the same layout), and is not used again.
            unsafe { mapping::unmap(ptr, layout.size()) };
            return;
        }
        // SAFETY: `ptr` came from the system allocator with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let was_mapped = is_mapped(layout.size(), layout.align());
        let will_be_mapped = is_mapped(new_size, layout.align());
        match (was_mapped, will_be_mapped) {
            // SAFETY: `ptr` is the system allocator's, with this layout; the caller's
            // guarantees for `new_size` are passed on.
            (false, false) => unsafe { System.realloc(ptr, layout, new_size) },
            (true, true) => {
                // SAFETY: `ptr` is a mapping of `layout.size()` bytes made here.
                let moved = unsafe { mapping::remap(ptr, layout.size(), new_size) };
                if !moved.is_null() {
                    return moved;
                }
                // The kernel moves only a range within one of its mappings; something that
                // locked, protected or advised part of the block split it. The old block is
                // intact: copy it as any allocator would.
                // SAFETY: as for the crossing case below (the same guarantees hold).
                unsafe { self.moved_by_copy(ptr, layout, new_size) }
            }
            // SAFETY: the caller's guarantees for `realloc` are those `moved_by_copy` needs.
            _ => unsafe { self.moved_by_copy(ptr, layout, new_size) },
        }
    }
}

#[allow(unsafe_code)]
impl HugePageAllocator {
    /// A new block of `new_size` bytes (of whichever kind the size calls for) holding the
    /// bytes both blocks can hold, the old block freed; null, with the old block intact, if no
    /// new block can be had (what `GlobalAlloc::realloc` does by default).
    ///
    /// # Safety
    /// As for [`GlobalAlloc::realloc`]: `ptr` was allocated here with `layout`, and `new_size`
    /// is non-zero and, rounded up to `layout.align()`, does not overflow `isize`.
    unsafe fn moved_by_copy(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees that `new_size`, rounded up to the alignment, does not
        // overflow `isize`, which is all `Layout` requires.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: `new_layout` is non-zero in size (the caller guarantees `new_size > 0`).
        let new_ptr = unsafe { self.alloc(new_layout) };
        if !new_ptr.is_null() {
            // SAFETY: both blocks are valid for the smaller size and are distinct allocations;
            // the old one is freed with the layout it was made with.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new_ptr, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new_ptr
    }
}

/// Mappings of large blocks (Linux only; elsewhere `is_mapped` is always false and these are
/// never called).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod mapping {
    use std::ptr;

    /// A fresh private anonymous mapping of `size` bytes, advised for huge pages; null if the
    /// kernel refuses (the caller reports an allocation failure, as for the system allocator).
    pub fn map(size: usize) -> *mut u8 {
        // SAFETY: an anonymous private mapping at an address the kernel chooses touches no
        // existing memory.
        let block = unsafe {
            libc::mmap(
                ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if block == libc::MAP_FAILED {
            return ptr::null_mut();
        }
        // A kernel without transparent huge pages answers EINVAL, and the mapping works as it
        // is: the answer is ignored, and errno kept as it was, since a successful allocation
        // must not change what a caller's `last_os_error` reads.
        let _errno = ErrnoKept::now();
        // SAFETY: MADV_HUGEPAGE on a mapping of our own only changes how the kernel backs it
        // (never its contents).
        unsafe { libc::madvise(block, size, libc::MADV_HUGEPAGE) };
        block.cast()
    }

    /// Moves or resizes a mapping made by [`map`] (the kernel moves its pages, it copies no
    /// bytes); the huge-page advice goes with it. Null, with the old mapping intact, if the
    /// kernel refuses.
    ///
    /// # Safety
    /// `block` is a mapping of `size` bytes made by [`map`] or [`remap`], not used again
    /// unless null is returned.
    pub unsafe fn remap(block: *mut u8, size: usize, new_size: usize) -> *mut u8 {
        // The caller copies when this fails: the failure is not the allocation's.
        let _errno = ErrnoKept::now();
        // SAFETY: the caller guarantees `block..block + size` is one of our mappings; with
        // MREMAP_MAYMOVE the kernel picks a free range and touches no other memory.
        let moved = unsafe { libc::mremap(block.cast(), size, new_size, libc::MREMAP_MAYMOVE) };
        if moved == libc::MAP_FAILED {
            return ptr::null_mut();
        }
        moved.cast()
    }

    /// errno as it was when made, put back when dropped.
    struct ErrnoKept(i32);

    impl ErrnoKept {
        fn now() -> Self {
            // SAFETY: `__errno_location` returns the calling thread's errno, always valid.
            ErrnoKept(unsafe { *libc::__errno_location() })
        }
    }

    impl Drop for ErrnoKept {
        fn drop(&mut self) {
            // SAFETY: as in `now`.
            unsafe { *libc::__errno_location() = self.0 };
        }
    }

    /// Releases a mapping made by [`map`] or [`remap`].
    ///
    /// # Safety
    /// `block` is a mapping of `size` bytes made here and is not used again.
    pub unsafe fn unmap(block: *mut u8, size: usize) {
        // SAFETY: the caller guarantees the range is one of our mappings and unused. Failure
        // is impossible for a valid range (EINVAL only for a bad one), so nothing is lost by
        // ignoring the result.
        unsafe { libc::munmap(block.cast(), size) };
    }
}

/// Never called off Linux (`is_mapped` is false there); present so that the crate builds
/// everywhere.
#[cfg(not(target_os = "linux"))]
#[allow(unsafe_code)]
mod mapping {
    pub fn map(_: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
    pub unsafe fn remap(_: *mut u8, _: usize, _: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
    pub unsafe fn unmap(_: *mut u8, _: usize) {}
}
