import { type ComponentType, type LazyExoticComponent, lazy } from "react";

/**
 * A screen fetched when it is first shown: `lazyNamed(() => import("./X.tsx"), "X")`. The phone apps
 * keep their first load to what the first screen draws (see e2e/specs/field/weight.spec.ts); the rest
 * arrives on the first tap, or from the service worker's cache offline.
 */
export function lazyNamed<M extends Record<K, ComponentType<any>>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): LazyExoticComponent<M[K]> {
  return lazy(() => load().then((module) => ({ default: module[name] })));
}
