import { MessageOutline, PayCircleOutline } from "antd-mobile-icons";
import type { ComponentType, ReactNode } from "react";

/**
 * What the resident app offers besides reporting, one entry per feature. To add a screen to /h5, add
 * one entry here — nothing else in the shell changes:
 *
 * - `path`: the screen lives at /h5/<path>/… (the feature's own <Routes> take the rest);
 * - `screen`: the module with its `ResidentScreen`, fetched on the first visit (never in the first
 *   load: the app's budget is 150 KB of gzip JavaScript, e2e/specs/web/weight.spec.ts);
 * - `tile`: its tile on the home page (text under the feature's own i18n namespace);
 * - `homeSection`: a module with a `ResidentHomeSection` drawn on the home page, fetched after the
 *   first paint. A section whose API is missing, refused or failing draws nothing (lib/optional-api.ts),
 *   and a section that throws is dropped without touching the rest of the page;
 * - `signedIn`: the screen needs a signed-in resident (others are asked to sign in first).
 *
 * Features never import each other or the shell: they export the components the entry names.
 */
export interface ResidentFeature {
  path: string;
  screen: () => Promise<{ ResidentScreen: ComponentType }>;
  tile?: { titleKey: string; icon: ReactNode };
  homeSection?: () => Promise<{ ResidentHomeSection: ComponentType }>;
  /** Order of tiles and sections on the home page, lowest first. */
  order: number;
  signedIn?: boolean;
}

export const RESIDENT_FEATURES: ResidentFeature[] = [
  {
    path: "inbox",
    screen: () => import("../../features/notices/components/ResidentInbox.tsx"),
    tile: { titleKey: "notices.resident.tile", icon: <MessageOutline /> },
    homeSection: () => import("../../features/notices/components/ResidentNoticesSection.tsx"),
    order: 10,
    signedIn: true,
  },
  {
    // 惠民补贴公示: a village's published subsidy lists, public like its notice board.
    path: "subsidies",
    screen: () => import("../../features/subsidies/components/ResidentSubsidyLists.tsx"),
    tile: { titleKey: "subsidies.resident.tile", icon: <PayCircleOutline /> },
    order: 30,
  },
];
