import { areasDemoPart } from "../areas/areas.demo.ts";
import { disclosuresDemoPart } from "../disclosures/disclosures.demo.ts";
import { eventsDemoPart } from "../events/events.demo.ts";
import { noticesDemoPart } from "../notices/notices.demo.ts";
import { projectsDemoPart } from "../projects/projects.demo.ts";
import { registryDemoPart } from "../registry/registry.demo.ts";
import { riskDemoPart } from "../risk/risk.demo.ts";
import { subsidiesDemoPart } from "../subsidies/subsidies.demo.ts";
import { usersDemoPart } from "../users/users.demo.ts";
import { visitsDemoPart } from "../visits/visits.demo.ts";
import type { SeedPart } from "./seed.types.ts";

/** In dependency order; each module appends its part as it lands. */
export const DEMO_SEED_PARTS: SeedPart[] = [
  areasDemoPart,
  usersDemoPart,
  registryDemoPart,
  eventsDemoPart,
  visitsDemoPart,
  subsidiesDemoPart,
  riskDemoPart,
  disclosuresDemoPart,
  noticesDemoPart,
  projectsDemoPart,
];
