// A bump arena over linear memory: the host allocates everything once per network, never per epoch.
// The stub runtime's own heap is not used by any kernel (no arrays, no strings), so the arena owns
// everything from __heap_base up. No plain TypeScript twin (test/kernels.test.ts checks it).
import { alloc_size } from './util';

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

// Sizing: between size_begin and size_end, `take` only counts what it would allocate, so the
// function that lays out a network (or a scratch context) also reports its bytes, from one place.
let sizing = false;
let sizeTotal: f64 = 0;
let sizeLargest: f64 = 0;
let sizeTop: usize = 0;

/** True while sizing: buffers from `take` are 0 and must not be written. */
export function is_sizing(): bool { return sizing; }

/** A buffer of `bytes`: allocated, or counted (and 0) while sizing. `header` buffers are small and
 *  allocated either way (the layout code writes them); size_end frees them again. */
export function take(bytes: f64, header: bool = false): usize {
  if (!sizing) return alloc(<u32>bytes);
  sizeTotal += alloc_size(bytes);
  sizeLargest = max(sizeLargest, bytes);
  return header ? alloc(<u32>bytes) : 0;
}

export function size_begin(): void {
  sizing = true;
  sizeTotal = 0;
  sizeLargest = 0;
  sizeTop = top;
}

/** Ends sizing: out f64[2] = total bytes, largest single buffer; frees the header buffers. */
export function size_end(out: usize): void {
  sizing = false;
  top = sizeTop;
  store<f64>(out, sizeTotal);
  store<f64>(out, sizeLargest, 8);
}
