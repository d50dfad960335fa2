/**
 * A small per-process cache for values that are costly to work out and may be a few minutes
 * old (e.g. the home page's most used services). Each process keeps its own copy; nothing is
 * shared between processes, so a change shows everywhere within `ms`.
 */

export interface Memo<A extends unknown[], T> {
  (...args: A): Promise<T>;
  /** Forgets every stored value (e.g. after a change made in this process). */
  clear(): void;
}

/**
 * `fn`, remembered for `ms` per distinct arguments: an object first argument (a database) by
 * identity, the rest compared as JSON. Callers waiting at the same time share one call; a call
 * that fails is not remembered. At most `max` values are kept per first argument.
 */
export function memoFor<A extends unknown[], T>(ms: number, fn: (...args: A) => Promise<T>, options: { max?: number; now?: () => number } = {}): Memo<A, T> {
  const max = options.max ?? 500;
  const now = options.now ?? Date.now;
  type Entries = Map<string, { until: number; value: Promise<T> }>;
  let byOwner = new WeakMap<object, Entries>();
  let plain: Entries = new Map();
  const entriesFor = (args: A): [Entries, string] => {
    const [first, ...rest] = args;
    if (typeof first !== 'object' || first === null) return [plain, JSON.stringify(args)];
    let entries = byOwner.get(first);
    if (!entries) byOwner.set(first, (entries = new Map()));
    return [entries, JSON.stringify(rest)];
  };
  const memo = (...args: A): Promise<T> => {
    const [stored, key] = entriesFor(args);
    const hit = stored.get(key);
    if (hit && hit.until > now()) return hit.value;
    if (hit) stored.delete(key);
    if (stored.size >= max) stored.delete(stored.keys().next().value!);
    const value = fn(...args);
    stored.set(key, { until: now() + ms, value });
    value.catch(() => {
      if (stored.get(key)?.value === value) stored.delete(key);
    });
    return value;
  };
  memo.clear = () => {
    byOwner = new WeakMap();
    plain = new Map();
  };
  return memo;
}
