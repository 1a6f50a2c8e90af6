// Threads for one network. The threads build (build/infoplane-mt.wasm, `--enable threads`, memory
// imported and shared) is instantiated once per thread over one memory; every thread calls the same
// *_team export with its id t < T, and the work of a mini-batch is shared by splitting wide layers
// by units (each unit's arithmetic is that of one thread, so the bits do not depend on T) with a
// barrier between the steps. In the default build the barrier is a no-op and T must be 1.
// No plain TypeScript twin: test/threads.test.ts compares T = 1 and T = 2 bit for bit.

export const MAX_THREADS = 64;
let threadId = 0;

/** Sets this instance's thread id (0 for the instance that allocates, 1.. for helpers). */
export function thread_init(t: i32): void {
  if (t < 0 || t >= MAX_THREADS) unreachable();
  threadId = t;
}

// 32 bytes of scratch per thread (the single-vector tanh stores through it)
const SCRATCH = memory.data(32 * MAX_THREADS, 16);

// @ts-ignore: decorator
@inline export function thread_scratch(): usize { return SCRATCH + (<usize>threadId << 5); }

// Loads a thread spins on before it sleeps at a barrier: about 130 us at the 0.5 ns per load
// measured on this repo's 2-core VM. Waking a sleeping vCPU costs more than thread 0's serial
// steps between the shared ones (the 20-wide layers and the softmax of the MNIST net: 40-50 us a
// mini-batch), so the spin covers them; on a loaded machine it wastes at most that much per wait.
const SPIN = 1 << 18;

// The threads' one barrier: two i32 (arrived, generation). A team runs one call at a time, so one
// barrier serves every call; it lies in static memory, which the arena never hands out, so its
// generation only grows. (In an arena buffer it was zeroed by the next network's allocation while a
// helper that had not yet seen the last generation change still waited on it: it waited forever.)
const BAR = memory.data(8, 8);

/** Wait until all T threads have arrived; the last to arrive resets the count and advances the
 *  generation. */
export function barrier(T: i32): void {
  if (T <= 1) return;
  const bar = BAR;
  if (ASC_FEATURE_THREADS) {
    const gen = atomic.load<i32>(bar, 4);
    if (atomic.add<i32>(bar, 1) == T - 1) {
      atomic.store<i32>(bar, 0);
      atomic.add<i32>(bar, 1, 4);
      atomic.notify(bar + 4, T - 1);
      return;
    }
    for (let i = 0; i < SPIN; i++) if (atomic.load<i32>(bar, 4) != gen) return;
    while (atomic.load<i32>(bar, 4) == gen) sleep(bar + 4, gen);
  } else {
    unreachable(); // T > 1 needs the threads build
  }
}

// Sleeps until the value at `addr` is no longer `expected`. The one memory.atomic.wait32 is here,
// in a function of its own that reads no local after the wait: V8 11's baseline compiler (Liftoff;
// Node 20 runs a helper's code with it until the code is hot) calls the wait without saving the
// registers that hold locals, so a local read after a wait may have changed (a parameter read
// after one comes back 0; TurboFan and newer V8 keep it). Inlined into the training loop (-O3
// inlines `barrier`), the wait changed the next kernels' pointers and sizes, and a thread left a
// barrier early or slept on a stale generation; a caller's locals are safe across a call.
// Binaryen must not inline this, so it is larger than the always-inlined size (12) and calls
// itself (the recursion is never taken: the wait returns 0, 1 or 2).
function sleep(addr: usize, expected: i32): void {
  if (atomic.load<i32>(addr) != expected) return;
  if (atomic.wait<i32>(addr, expected, -1) < 0) sleep(addr, expected);
}

/** The start of thread t's share of n items in multiples of `step` (thread T's start is n). */
// @ts-ignore: decorator
@inline export function share(n: i32, t: i32, T: i32, step: i32): i32 {
  if (t >= T) return n;
  const s = <i32>((<i64>n * t / T + step - 1) / step * step);
  return min(s, n);
}
