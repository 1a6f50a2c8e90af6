// A bump arena over linear memory: the host allocates everything once per network, never per epoch.
// The stub runtime's own heap is not used by any kernel (no arrays, no strings), so the arena owns
// everything from __heap_base up.

let top: usize = (__heap_base + 15) & ~(<usize>15);
const base: usize = top;

/** Bump-allocate `bytes` (16-byte aligned, zero-filled), growing memory when needed. */
export function alloc(bytes: u32): usize {
  const ptr = top;
  const end = (ptr + <usize>bytes + 15) & ~(<usize>15);
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
  memory.fill(ptr, 0, end - ptr);
  top = end;
  return ptr;
}

/** Free everything: all pointers handed out so far become invalid. */
export function arena_reset(): void {
  top = base;
}

export function arena_top(): usize {
  return top;
}
