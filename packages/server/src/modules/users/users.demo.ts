import type { RoleKey } from "@wangge/core";
import { uuidv7 } from "../../ids.ts";
import { systemPrincipal } from "../auth/auth.service.ts";
import type { SeedPart } from "../seed/seed.types.ts";
import { findUserByUsername } from "./users.queries.ts";
import { createUser, generateTemporaryPassword } from "./users.service.ts";

/**
 * One demo account per role, in the demo areas; one password for all, printed once. Display names are
 * people's names: the post is shown beside them from the account's roles, never written into the name.
 */
export const DEMO_ACCOUNTS: {
  username: string;
  displayName: string;
  roleKey: RoleKey;
  areaCode: string | null;
  homeUnit?: string;
  phone?: string;
}[] = [
  { username: "demo.auditor", displayName: "赵敏", roleKey: "auditor", areaCode: null },
  { username: "demo.city", displayName: "钱伟", roleKey: "city_official", areaCode: "4508" },
  { username: "demo.county", displayName: "孙丽", roleKey: "county_official", areaCode: "450802" },
  { username: "demo.township", displayName: "李强", roleKey: "township_official", areaCode: "450802001" },
  { username: "demo.village", displayName: "周芳", roleKey: "village_official", areaCode: "450802001003" },
  { username: "demo.gridhead", displayName: "吴刚", roleKey: "grid_head", areaCode: "450802001003G01" },
  {
    username: "demo.worker",
    displayName: "郑雪",
    roleKey: "grid_worker",
    areaCode: "450802001003G01",
    phone: "13800000001",
  },
  {
    username: "demo.instructor",
    displayName: "王磊",
    roleKey: "grid_instructor",
    areaCode: "450802001003G02",
    homeUnit: "港北区司法局",
  },
  { username: "demo.police", displayName: "冯军", roleKey: "police_liaison", areaCode: "450802001" },
  { username: "demo.mediator", displayName: "陈静", roleKey: "mediator", areaCode: "450802001003" },
  { username: "demo.volunteer", displayName: "褚红", roleKey: "volunteer", areaCode: "450802001003" },
  { username: "demo.resident", displayName: "何卫东", roleKey: "resident", areaCode: null, phone: "13800000002" },
  // The township command centre's wall (/screen): not a person, so named after the place it hangs in.
  { username: "demo.screen", displayName: "贵城街道综治中心大屏", roleKey: "screen", areaCode: "450802001" },
];

export const usersDemoPart: SeedPart = {
  name: "accounts",
  async run({ ctx, print }) {
    const password = `Demo-${generateTemporaryPassword()}`;
    const actor = systemPrincipal();
    const meta = { requestId: "seed-demo", ip: null, userAgent: "wangge seed demo" };
    let created = 0;
    for (const account of DEMO_ACCOUNTS) {
      if (await findUserByUsername(ctx.db, account.username)) continue;
      await createUser(ctx, actor, meta, {
        id: uuidv7(),
        username: account.username,
        displayName: account.displayName,
        phone: account.phone,
        password,
        assignment: {
          roleKey: account.roleKey,
          areaCode: account.areaCode,
          ...(account.homeUnit ? { homeUnit: account.homeUnit } : {}),
        },
      });
      created++;
    }
    if (created > 0) {
      print(`Demo accounts: ${DEMO_ACCOUNTS.map((a) => a.username).join(", ")}`);
      print(`Demo password (shown once, for all of them): ${password}`);
    }
    return { summary: `${created} demo accounts created` };
  },
};
