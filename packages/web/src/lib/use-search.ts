import { useEffect, useState } from "react";

/**
 * Search-as-you-type for pickers: asks `ask(q)` at once for the empty query and 300 ms after the last
 * key otherwise; the last answer wins (an earlier, slower one is dropped); a failed search lists
 * nothing. `deps` say when `ask` changes (e.g. the event it searches for).
 */
export function useSearch<T>(
  ask: (q: string) => Promise<T[]>,
  deps: readonly unknown[] = [],
): { items: T[]; loading: boolean; search: (q: string) => void } {
  const [q, setQ] = useState("");
  const [items, setItems] = useState<T[]>([]);
  const [loading, setLoading] = useState(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps say when `ask` changes
  useEffect(() => {
    let live = true;
    setLoading(true);
    const timer = setTimeout(
      () => {
        ask(q)
          .then(
            (found) => live && setItems(found),
            () => live && setItems([]),
          )
          .finally(() => live && setLoading(false));
      },
      q ? 300 : 0,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, ...deps]);
  return { items, loading, search: setQ };
}
