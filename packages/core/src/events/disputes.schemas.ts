import { z } from "zod";
import {
  FOLLOWUP_KINDS,
  PARTY_ROLES,
  PERFORMANCE_STATES,
  RISK_GRADES,
  SATISFACTION,
  SESSION_OUTCOMES,
} from "./disputes.ts";

/** Request and response shapes of the mediation record of a dispute, shared by the server and the web apps. */
const DAY = z.iso.date();

export const DisputeSchema = z
  .object({
    eventId: z.uuid(),
    number: z.string(),
    categoryKey: z.string(),
    riskGrade: z.enum(RISK_GRADES),
    mediatorUserId: z.uuid().nullable(),
    mediatorName: z.string().nullable(),
    performance: z.enum(PERFORMANCE_STATES).nullable(),
    parties: z.array(
      z.object({
        id: z.uuid(),
        role: z.enum(PARTY_ROLES),
        personId: z.uuid().nullable(),
        name: z.string(),
        idNumber: z.string().nullable().describe("Masked"),
        phone: z.string().nullable().describe("Masked"),
        address: z.string().nullable(),
      }),
    ),
    sessions: z.array(
      z.object({
        id: z.uuid(),
        heldAt: z.string(),
        place: z.string(),
        mediators: z.string(),
        attendees: z.string(),
        record: z.string(),
        outcome: z.enum(SESSION_OUTCOMES),
      }),
    ),
    agreement: z
      .object({
        id: z.uuid(),
        number: z.string(),
        committee: z.string(),
        facts: z.string(),
        matters: z.string(),
        obligations: z.array(
          z.object({ party: z.string(), obligation: z.string(), method: z.string(), deadline: z.string() }),
        ),
        signedOn: z.string(),
        mediatorName: z.string(),
        createdAt: z.string(),
      })
      .nullable(),
    followups: z.array(
      z.object({
        id: z.uuid(),
        kind: z.enum(FOLLOWUP_KINDS),
        at: z.string(),
        byName: z.string().nullable(),
        result: z.string(),
        satisfaction: z.enum(SATISFACTION).nullable(),
        note: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "Dispute" });

export const GradeDisputeBodySchema = z
  .object({ riskGrade: z.enum(RISK_GRADES), mediatorUserId: z.uuid().nullable().optional() })
  .strict();

export const AddPartyBodySchema = z
  .object({
    id: z.uuid(),
    role: z.enum(PARTY_ROLES),
    personId: z.uuid().optional(),
    name: z.string().trim().max(50).optional(),
    phone: z.string().trim().max(20).optional(),
    idNumber: z.string().trim().max(20).optional(),
    address: z.string().trim().max(200).optional(),
  })
  .strict();

export const PartyParamsSchema = z.object({ id: z.uuid(), partyId: z.uuid() });

export const RecordSessionBodySchema = z
  .object({
    id: z.uuid(),
    heldAt: z.iso.datetime({ offset: true }),
    place: z.string().trim().min(1).max(200),
    mediators: z.string().trim().min(1).max(200),
    attendees: z.string().trim().min(1).max(500),
    record: z.string().trim().min(2).max(20_000),
    outcome: z.enum(SESSION_OUTCOMES),
  })
  .strict();

export const AgreementBodySchema = z
  .object({
    committee: z.string().trim().min(2).max(100).describe("e.g. 港城街道人民调解委员会"),
    facts: z.string().trim().min(2).max(10_000),
    matters: z.string().trim().min(2).max(5000),
    obligations: z
      .array(
        z
          .object({
            party: z.string().trim().min(1).max(50),
            obligation: z.string().trim().min(2).max(1000),
            method: z.string().trim().min(1).max(200),
            deadline: DAY,
          })
          .strict(),
      )
      .min(1)
      .max(30),
    signedOn: DAY,
    mediatorName: z.string().trim().min(1).max(50),
  })
  .strict();

export const RecordFollowupBodySchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(FOLLOWUP_KINDS),
    at: z.iso.datetime({ offset: true }),
    result: z.string().trim().min(2).max(5000),
    satisfaction: z.enum(SATISFACTION).optional(),
    performance: z.enum(PERFORMANCE_STATES).optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();
