import { existsSync } from "node:fs";
import { systemPrincipal } from "@wangge/core";
import { extractText, getDocumentProxy } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fontRuns } from "../../pdf/chinese-font.ts";
import { buildTestApp, type TestApp } from "../../test/build-test-app.ts";
import { type AreaTree, buildAreaTree, buildUser, type Session, signIn } from "../../test/factories.ts";
import { createPerson } from "../registry/people.service.ts";

let t: TestApp;
let tree: AreaTree;
let mediator: Session;
let worker: Session;
let elsewhere: Session;
let disputeId: string;
let personId: string;

const call = (session: Session, method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: session.headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

beforeAll(async () => {
  t = await buildTestApp();
  tree = await buildAreaTree(t.ctx);
  const other = await buildAreaTree(t.ctx);
  mediator = await signIn(t, await buildUser(t.ctx, { role: "mediator", areaCode: tree.village.code }));
  worker = await signIn(t, await buildUser(t.ctx, { role: "grid_worker", areaCode: tree.grid.code }));
  elsewhere = await signIn(t, await buildUser(t.ctx, { role: "mediator", areaCode: other.village.code }));
  disputeId = crypto.randomUUID();
  const res = await call(worker, "POST", "/api/v1/events", {
    id: disputeId,
    categoryKey: "dispute.housing_homestead",
    description: "两户因宅基地界址发生争执，一方砌墙占用通道",
    areaCode: tree.grid.code,
  });
  expect(res.statusCode, res.body).toBe(201);
  personId = crypto.randomUUID();
  await createPerson(
    t.ctx,
    systemPrincipal(),
    { requestId: "t", ip: null, userAgent: null },
    {
      id: personId,
      name: "覃彧喆",
      gridCode: tree.grid.code,
      idNumber: "11010519491231002X",
    },
  );
});
afterAll(async () => {
  await t?.close();
});

describe("mediation of a dispute", () => {
  it("starts graded by its category, and refuses mediation records on an event that is not a dispute", async () => {
    const d = await call(mediator, "GET", `/api/v1/events/${disputeId}/dispute`);
    expect(d.statusCode, d.body).toBe(200);
    expect(d.json()).toMatchObject({ riskGrade: "simple", parties: [], agreement: null });
    const hazard = crypto.randomUUID();
    await call(worker, "POST", "/api/v1/events", {
      id: hazard,
      categoryKey: "environment.sanitation",
      description: "垃圾未清运",
      areaCode: tree.grid.code,
    });
    const notDispute = await call(mediator, "GET", `/api/v1/events/${hazard}/dispute`);
    expect(notDispute.statusCode).toBe(409);
    expect(notDispute.json().code).toBe("EVENT_NOT_A_DISPUTE");
    expect((await call(elsewhere, "GET", `/api/v1/events/${disputeId}/dispute`)).statusCode).toBe(404);
  });

  it("grades the risk and assigns a mediator; a grid worker without the right may not", async () => {
    const denied = await call(worker, "PUT", `/api/v1/events/${disputeId}/dispute`, { riskGrade: "major" });
    expect(denied.statusCode).toBe(403);
    const bad = await call(mediator, "PUT", `/api/v1/events/${disputeId}/dispute`, { riskGrade: "huge" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe("body.riskGrade");
    const unknownUser = await call(mediator, "PUT", `/api/v1/events/${disputeId}/dispute`, {
      riskGrade: "general",
      mediatorUserId: crypto.randomUUID(),
    });
    expect(unknownUser.statusCode).toBe(400);
    const ok = await call(mediator, "PUT", `/api/v1/events/${disputeId}/dispute`, { riskGrade: "general" });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().riskGrade).toBe("general");
  });

  it("adds parties from the registry and by name, keeping a stranger's phone and ID only encrypted and masked", async () => {
    const fromRegistry = await call(mediator, "POST", `/api/v1/events/${disputeId}/dispute/parties`, {
      id: crypto.randomUUID(),
      role: "applicant",
      personId,
    });
    expect(fromRegistry.statusCode, fromRegistry.body).toBe(201);
    const partyId = crypto.randomUUID();
    const stranger = await call(mediator, "POST", `/api/v1/events/${disputeId}/dispute/parties`, {
      id: partyId,
      role: "respondent",
      name: "韦建国",
      phone: "13977751234",
      idNumber: "110105194912310011",
      address: "港北区测试村3组12号",
    });
    expect(stranger.statusCode, stranger.body).toBe(201);
    expect(stranger.json().parties).toEqual([
      expect.objectContaining({ role: "applicant", name: "覃彧喆", idNumber: "110105************" }),
      expect.objectContaining({
        role: "respondent",
        name: "韦建国",
        phone: "139****1234",
        idNumber: "110105************",
      }),
    ]);
    const stored = await t.ctx.db.selectFrom("dispute_party").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain("13977751234");
    expect(JSON.stringify(stored)).not.toContain("110105194912310011");
    const badId = await call(mediator, "POST", `/api/v1/events/${disputeId}/dispute/parties`, {
      id: crypto.randomUUID(),
      role: "third_party",
      name: "某某",
      idNumber: "110105194912310022",
    });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().errors[0].path).toBe("body.idNumber");
    const nameless = await call(mediator, "POST", `/api/v1/events/${disputeId}/dispute/parties`, {
      id: crypto.randomUUID(),
      role: "third_party",
    });
    expect(nameless.json().errors[0].path).toBe("body.name");
  });

  it("records sessions and refuses one in the future", async () => {
    const future = await call(mediator, "POST", `/api/v1/events/${disputeId}/dispute/sessions`, {
      id: crypto.randomUUID(),
      heldAt: new Date(Date.now() + 86_400_000).toISOString(),
      place: "村委会调解室",
      mediators: "黄调解员",
      attendees: "覃彧喆、韦建国",
      record: "尚未举行",
      outcome: "continue",
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors[0].path).toBe("body.heldAt");
    const held = await call(mediator, "POST", `/api/v1/events/${disputeId}/dispute/sessions`, {
      id: crypto.randomUUID(),
      heldAt: new Date(Date.now() - 3_600_000).toISOString(),
      place: "村委会调解室",
      mediators: "黄调解员",
      attendees: "覃彧喆、韦建国",
      record: "双方陈述界址情况，查看土地证，韦建国同意拆除占道部分。",
      outcome: "agreement",
    });
    expect(held.statusCode, held.body).toBe(201);
    expect(held.json().sessions).toHaveLength(1);
  });

  it("draws up the agreement, which a PDF text extractor reads back with the parties and obligations", async () => {
    const agreement = {
      committee: "测试村人民调解委员会",
      facts: "申请人与被申请人系前后邻居，被申请人于今年十月砌墙，占用两户共用通道约一米。",
      matters: "共用通道的宽度及占道围墙的拆除。",
      obligations: [
        { party: "韦建国", obligation: "拆除占用共用通道的围墙并恢复原状", method: "自行拆除", deadline: "2026-12-31" },
        { party: "覃彧喆", obligation: "不再就此事主张赔偿", method: "书面承诺", deadline: "2026-12-15" },
      ],
      signedOn: "2026-11-28",
      mediatorName: "黄调解员",
    };
    const future = await call(mediator, "PUT", `/api/v1/events/${disputeId}/dispute/agreement`, {
      ...agreement,
      signedOn: "2099-01-01",
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors[0].path).toBe("body.signedOn");
    const saved = await call(mediator, "PUT", `/api/v1/events/${disputeId}/dispute/agreement`, agreement);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().agreement.number).toBe(`（2026）${tree.grid.code.slice(0, 6)}调字第0001号`);
    expect(saved.json().performance).toBe("pending");

    const pdf = await call(mediator, "GET", `/api/v1/events/${disputeId}/dispute/agreement.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    const doc = await getDocumentProxy(new Uint8Array(pdf.rawPayload));
    const { text } = await extractText(doc, { mergePages: true });
    const flat = text.replace(/\s+/g, "");
    expect(flat).toContain("人民调解协议书");
    expect(flat).toContain("申请人：覃彧喆");
    expect(flat).toContain("被申请人：韦建国");
    expect(flat).toContain("拆除占用共用通道的围墙并恢复原状");
    expect(flat).toContain("履行期限：2026-12-31前");
    expect(flat).toContain("不再就此事主张赔偿");
    expect(flat).not.toContain("13977751234");
  });

  it("answers a missing agreement with its own code", async () => {
    const other = crypto.randomUUID();
    await call(worker, "POST", "/api/v1/events", {
      id: other,
      categoryKey: "dispute.neighbour",
      description: "噪音纠纷",
      areaCode: tree.grid.code,
    });
    const res = await call(mediator, "GET", `/api/v1/events/${other}/dispute/agreement.pdf`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("MEDIATION_AGREEMENT_NOT_FOUND");
    const early = await call(mediator, "PUT", `/api/v1/events/${other}/dispute/agreement`, {
      committee: "测试村人民调解委员会",
      facts: "事实",
      matters: "事项",
      obligations: [{ party: "甲", obligation: "道歉", method: "当面", deadline: "2026-12-01" }],
      signedOn: "2026-11-28",
      mediatorName: "黄调解员",
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().errors[0].path).toBe("parties");
  });

  it("follows up the performance, and visits only after the dispute is settled", async () => {
    const visit = await call(mediator, "POST", `/api/v1/events/${disputeId}/dispute/followups`, {
      id: crypto.randomUUID(),
      kind: "visit",
      at: new Date().toISOString(),
      result: "回访双方",
    });
    expect(visit.statusCode).toBe(400);
    const noState = await call(mediator, "POST", `/api/v1/events/${disputeId}/dispute/followups`, {
      id: crypto.randomUUID(),
      kind: "performance",
      at: new Date().toISOString(),
      result: "已拆除一半",
    });
    expect(noState.json().errors[0].path).toBe("body.performance");
    const performed = await call(mediator, "POST", `/api/v1/events/${disputeId}/dispute/followups`, {
      id: crypto.randomUUID(),
      kind: "performance",
      at: new Date().toISOString(),
      result: "围墙已全部拆除，通道恢复",
      performance: "performed",
    });
    expect(performed.statusCode, performed.body).toBe(201);
    expect(performed.json().performance).toBe("performed");
    const timeline = (await call(mediator, "GET", `/api/v1/events/${disputeId}`)).json().timeline;
    expect(timeline.map((s: { action: string }) => s.action)).toEqual([
      "report",
      "mediation_grade",
      "mediation_party",
      "mediation_party",
      "mediation_session",
      "mediation_agreement",
      "mediation_performance",
    ]);
  });
});

describe("Chinese text in PDFs", () => {
  it("finds a font file for rare name characters, Latin and digits, keeping every character", () => {
    const text = "覃彧喆 䶮 Zhang 2026";
    const runs = fontRuns(text);
    expect(runs.map((r) => r.text).join("")).toBe(text);
    for (const r of runs) expect(existsSync(r.file), r.file).toBe(true);
  });
});
