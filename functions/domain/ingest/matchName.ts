import { normalizeKey } from './normalizeText.ts';

export type MatchResult<T> =
  | { kind: 'match'; entry: T; fuzzy: boolean }
  | { kind: 'ambiguous'; candidates: T[] }
  | { kind: 'unknown'; suggestions: T[] };

export interface MatcherOptions<T> {
  /** Every spelling that names the entry exactly: code, names, aliases. */
  keysOf: (entry: T) => string[];
  /** Words people put before a name that do not change what it names ("UBND", "Đơn vị"). */
  prefixes?: string[];
  /**
   * Words that say what kind of entry a name is, each group's spellings of one kind
   * ([["thi tran", "tt"], ["xa"]]). Left out, a name fits an entry of any kind; written, only
   * entries of that kind: "UBND Thị trấn Yên Lạc" is never "Xã Yên Lạc".
   */
  kinds?: string[][];
  /** Least similarity (0..1) for a near spelling to count as a match. */
  fuzzyThreshold?: number;
  /** How far ahead of the runner-up a near spelling must be to count. */
  fuzzyMargin?: number;
}

/** Character bigrams of a key, counted: the basis of the Sørensen–Dice similarity. */
function bigrams(key: string): Map<string, number> {
  const grams = new Map<string, number>();
  const padded = ` ${key} `;
  for (let i = 0; i < padded.length - 1; i++) {
    const gram = padded.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let shared = 0;
  let sizeA = 0;
  let sizeB = 0;
  for (const n of a.values()) sizeA += n;
  for (const n of b.values()) sizeB += n;
  for (const [gram, n] of a) shared += Math.min(n, b.get(gram) ?? 0);
  return sizeA + sizeB === 0 ? 0 : (2 * shared) / (sizeA + sizeB);
}

/**
 * Finds a catalog entry from a name as written in a spreadsheet. Exact keys first, then the
 * key without administrative prefixes, then a near spelling that is clearly the closest one.
 * Anything else is unknown (with the nearest entries as suggestions) or ambiguous.
 */
export class NameMatcher<T> {
  private readonly exact = new Map<string, Set<T>>();
  /** By name without prefixes and kind word. */
  private readonly bare = new Map<string, Set<T>>();
  /** The kinds an entry's own names state ("xa" for "Xã Liên Châu"); none for "Công an huyện". */
  private readonly kindsOf = new Map<T, Set<string>>();
  private readonly fuzzyKeys: { entry: T; grams: Map<string, number> }[] = [];
  private readonly prefixes: string[];
  /** Kind spelling → the group's first spelling, longest spellings first. */
  private readonly kindWords: [string, string][];
  private readonly threshold: number;
  private readonly margin: number;
  private readonly cache = new Map<string, MatchResult<T>>();

  constructor(entries: readonly T[], options: MatcherOptions<T>) {
    this.prefixes = (options.prefixes ?? []).map(normalizeKey).sort((a, b) => b.length - a.length);
    this.kindWords = (options.kinds ?? []).flatMap((group) => group.map((w): [string, string] => [normalizeKey(w), normalizeKey(group[0]!)]))
      .sort((a, b) => b[0].length - a[0].length);
    this.threshold = options.fuzzyThreshold ?? 0.84;
    this.margin = options.fuzzyMargin ?? 0.08;
    for (const entry of entries) {
      for (const raw of options.keysOf(entry)) {
        const key = normalizeKey(raw);
        if (!key) continue;
        add(this.exact, key, entry);
        const { kind, name } = this.split(key);
        if (name) add(this.bare, name, entry);
        if (kind) add(this.kindsOf, entry, kind);
        this.fuzzyKeys.push({ entry, grams: bigrams(name || key) });
      }
    }
  }

  /** Removes leading enumerators ("1.", "2.3") and the configured prefixes, repeatedly. */
  stripPrefixes(key: string): string {
    let current = key.replace(/^\d+( \d+)* (?=\S)/, '');
    let changed = true;
    while (changed) {
      changed = false;
      for (const prefix of this.prefixes) {
        if (current.startsWith(prefix + ' ')) {
          current = current.slice(prefix.length + 1);
          changed = true;
        }
      }
    }
    return current;
  }

  /** A key without its prefixes, and the kind word it starts with, if any: "ubnd tt yen lac" → thi tran, "yen lac". */
  private split(key: string): { kind: string | null; name: string } {
    const rest = this.stripPrefixes(key);
    for (const [word, kind] of this.kindWords) {
      if (rest.startsWith(word + ' ')) return { kind, name: rest.slice(word.length + 1) };
    }
    return { kind: null, name: rest };
  }

  /** An entry whose names state a kind fits only a name of that kind, or one that states none. */
  private fits(entry: T, kind: string | null): boolean {
    const kinds = this.kindsOf.get(entry);
    return kind === null || !kinds || kinds.has(kind);
  }

  match(raw: string): MatchResult<T> {
    const cached = this.cache.get(raw);
    if (cached) return cached;
    const result = this.lookup(raw);
    if (this.cache.size < 10_000) this.cache.set(raw, result);
    return result;
  }

  /** Exact (or prefix-free exact) matches only: for deciding whether a header cell names an entry. */
  matchExactly(raw: string): T | null {
    const result = this.match(raw);
    return result.kind === 'match' && !result.fuzzy ? result.entry : null;
  }

  private lookup(raw: string): MatchResult<T> {
    const key = normalizeKey(raw);
    if (!key) return { kind: 'unknown', suggestions: [] };
    const exact = this.exact.get(key);
    if (exact) return fromSet(exact);
    const { kind, name } = this.split(key);
    const bare = [...(this.bare.get(name) ?? [])].filter((e) => this.fits(e, kind));
    if (bare.length) return fromSet(new Set(bare));
    return this.nearest(name || key, kind);
  }

  private nearest(key: string, kind: string | null): MatchResult<T> {
    const grams = bigrams(key);
    const best = new Map<T, number>();
    for (const candidate of this.fuzzyKeys) {
      const score = dice(grams, candidate.grams);
      if (score > (best.get(candidate.entry) ?? -1)) best.set(candidate.entry, score);
    }
    const all = [...best].sort((a, b) => b[1] - a[1]);
    // A near spelling of another kind is a suggestion, never a match.
    const ranked = all.filter(([e]) => this.fits(e, kind));
    const [first, second] = ranked;
    if (first && first[1] >= this.threshold && (!second || first[1] - second[1] >= this.margin)) {
      return { kind: 'match', entry: first[0], fuzzy: true };
    }
    if (first && second && first[1] >= this.threshold) {
      return { kind: 'ambiguous', candidates: ranked.filter(([, s]) => s >= first[1] - this.margin).map(([e]) => e) };
    }
    return { kind: 'unknown', suggestions: all.filter(([, s]) => s >= 0.4).slice(0, 3).map(([e]) => e) };
  }
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}

function fromSet<T>(set: Set<T>): MatchResult<T> {
  const entries = [...set];
  return entries.length === 1
    ? { kind: 'match', entry: entries[0]!, fuzzy: false }
    : { kind: 'ambiguous', candidates: entries };
}
