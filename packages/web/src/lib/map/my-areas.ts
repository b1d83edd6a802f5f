import type { FeatureCollection } from "@wangge/core";
import { useEffect, useState } from "react";
import { apiFetch } from "../api-client.ts";
import { rememberAreaNames } from "../area-names.ts";
import { useSession } from "../session.tsx";

/**
 * What every map opens on: the signed-in user's areas, their extent and the grids under them
 * (GET /areas/mine), loaded once per user and page. Undefined while loading or when it cannot load;
 * a map then opens on the deployment's configured centre.
 */
export interface MyAreas {
  areas: { code: string; name: string; level: string }[];
  bounds: [number, number, number, number] | null;
  truncated: boolean;
  features: FeatureCollection;
}

const loaded = new Map<string, Promise<MyAreas | undefined>>();

export function loadMyAreas(userId: string): Promise<MyAreas | undefined> {
  let pending = loaded.get(userId);
  if (!pending) {
    pending = apiFetch<MyAreas>("/api/v1/areas/mine").then(
      (mine) => {
        rememberAreaNames(
          mine.features.features.map((f) => ({ code: String(f.properties.code), name: String(f.properties.name) })),
        );
        return mine;
      },
      () => {
        loaded.delete(userId);
        return undefined;
      },
    );
    loaded.set(userId, pending);
  }
  return pending;
}

export function useMyAreas(): MyAreas | undefined {
  const { me } = useSession();
  const userId = me?.user.id;
  const [mine, setMine] = useState<MyAreas>();
  useEffect(() => {
    if (!userId) return;
    let live = true;
    void loadMyAreas(userId).then((m) => {
      if (live) setMine(m);
    });
    return () => {
      live = false;
    };
  }, [userId]);
  return mine;
}

/** The user's areas with other shapes drawn over them (a preview, a selection): one collection, no duplicates. */
export function withMyAreas(mine: MyAreas | undefined, extra?: FeatureCollection): FeatureCollection | undefined {
  if (!mine) return extra;
  if (!extra || extra.features.length === 0) return mine.features;
  const ids = new Set(extra.features.map((f) => f.id ?? f.properties.code));
  return {
    type: "FeatureCollection",
    features: [...mine.features.features.filter((f) => !ids.has(f.id ?? f.properties.code)), ...extra.features],
  };
}
