/**
 * Failed sign-in attempts counted per key (an address, a code's first characters) in a sliding
 * window: past `limit` failures within `windowMs` the key is refused until the oldest falls out.
 * Pure and in memory, with the clock given: a process keeps its own counts (a Lambda instance
 * its own), which slows guessing by orders of magnitude without a write per attempt.
 */
export interface RateLimiter {
  /** Seconds until `key` may try again; 0 when it may now. */
  retryAfter(key: string): number;
  /** A failed attempt of `key`. */
  fail(key: string): void;
  /** A success clears the key's failures (a clerk who mistyped once is not held). */
  clear(key: string): void;
}

export interface RateLimit { limit: number; windowMs: number }

/** Per address: an office behind one NAT may have a few people mistyping; per code prefix: one code guessed at. */
export const SIGN_IN_LIMITS = { address: { limit: 20, windowMs: 15 * 60_000 }, prefix: { limit: 5, windowMs: 15 * 60_000 } } as const;

export function createRateLimiter({ limit, windowMs }: RateLimit, now: () => number = Date.now, maxKeys = 10_000): RateLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string) => {
    const cutoff = now() - windowMs;
    const kept = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (kept.length) failures.set(key, kept);
    else failures.delete(key);
    return kept;
  };
  return {
    retryAfter(key) {
      const kept = recent(key);
      if (kept.length < limit) return 0;
      return Math.max(1, Math.ceil((kept[kept.length - limit]! + windowMs - now()) / 1000));
    },
    fail(key) {
      // A flood of made-up keys must not grow the map without end: the oldest key goes first.
      if (!failures.has(key) && failures.size >= maxKeys) failures.delete(failures.keys().next().value!);
      failures.set(key, [...recent(key), now()]);
    },
    clear(key) {
      failures.delete(key);
    },
  };
}

/** The part of a code a guesser keeps fixed: its role prefix and the first 8 random characters. */
export const codePrefix = (code: string) => code.trim().slice(0, code.indexOf('_', 6) + 9);
