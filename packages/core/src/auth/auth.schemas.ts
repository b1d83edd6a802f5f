import { z } from "zod";
import { CHAIN_PROBLEMS } from "../audit/audit-chain.ts";
import { AuditCheckpointProblemSchema } from "../audit/audit-checkpoint.ts";
import { PASSWORD_MAX_LENGTH } from "./password-policy.ts";
import { PERMISSION_KEYS, type Permission } from "./permissions.ts";

/** Request and response shapes of accounts, sign-in, roles and the audit trail, shared by server and web. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/i;

export const LoginBodySchema = z
  .object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(PASSWORD_MAX_LENGTH) })
  .strict()
  .meta({ id: "LoginRequest" });

export const TotpCodeBodySchema = z.object({ code: z.string().regex(/^\d{6}$/, "six digits") }).strict();

export const PermissionSchema = z.enum(PERMISSION_KEYS as [Permission, ...Permission[]]);

export const AssignmentSchema = z
  .object({
    id: z.uuid(),
    roleKey: z.string(),
    roleName: z.object({ "zh-CN": z.string(), en: z.string() }),
    areaCode: z.string().nullable(),
    areaName: z.string().nullable(),
    homeUnit: z.string().nullable(),
  })
  .meta({ id: "Assignment" });

export const MeSchema = z
  .object({
    user: z.object({ id: z.uuid(), username: z.string(), displayName: z.string() }),
    via: z.enum(["session", "token"]),
    assignments: z.array(AssignmentSchema.omit({ roleName: true }).extend({ workScope: z.enum(["subtree", "area"]) })),
    roles: z.array(z.string()),
    permissions: z.array(PermissionSchema),
    /**
     * The permissions held for the whole deployment (an area-less post, or posts at every root area):
     * the deployment's own settings — event categories, the working calendar, devices, Open311 keys,
     * roles, the data key — need them so, and the apps show those settings only to who has them.
     */
    deploymentWidePermissions: z.array(PermissionSchema),
    /** Set while the user must set up TOTP or change a temporary password before anything else. */
    restriction: z.enum(["totp_setup", "password_change"]).nullable(),
    csrfToken: z.string().nullable(),
  })
  .meta({ id: "Me" });
export type Me = z.infer<typeof MeSchema>;

export const LoginResponseSchema = z
  .discriminatedUnion("step", [
    z.object({ step: z.literal("done"), me: MeSchema }),
    z.object({ step: z.literal("totp"), csrfToken: z.string() }),
  ])
  .meta({ id: "LoginResult" });
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const ChangePasswordBodySchema = z
  .object({
    currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    newPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  })
  .strict();

export const TotpSetupResponseSchema = z.object({ secret: z.string(), otpauthUri: z.string() });

export const CreateApiTokenBodySchema = z
  .object({
    id: z.uuid(),
    name: z.string().trim().min(1).max(100),
    expiresInDays: z.number().int().min(1).max(365).default(90),
  })
  .strict();

export const ApiTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    expiresAt: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ApiToken" });

export const CreatedApiTokenSchema = ApiTokenSchema.extend({
  /** The token itself: shown once, on creation; null when a retry finds it already created. */
  token: z.string().nullable(),
});

export const OtpRequestBodySchema = z.object({ phone: z.string().min(5).max(20) }).strict();
export const OtpVerifyBodySchema = z
  .object({ phone: z.string().min(5).max(20), code: z.string().regex(/^\d{6}$/, "six digits") })
  .strict();

export const UserSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    /** Masked (138****5678). */
    phone: z.string().nullable(),
    status: z.enum(["active", "locked", "disabled"]),
    totpEnabled: z.boolean(),
    mustChangePassword: z.boolean(),
    createdAt: z.string(),
    assignments: z.array(AssignmentSchema),
  })
  .meta({ id: "User" });

export const AssignmentInputSchema = z
  .object({
    roleKey: z.string().min(1).max(64),
    areaCode: z.string().min(1).max(24).nullable().optional(),
    homeUnit: z.string().trim().max(200).optional(),
  })
  .strict();

export const CreateUserBodySchema = z
  .object({
    id: z.uuid(),
    username: z.string().trim().regex(USERNAME_PATTERN, "3–64 letters, digits, dot, dash or underscore"),
    displayName: z.string().trim().min(1).max(100),
    phone: z.string().max(20).optional(),
    password: z.string().max(PASSWORD_MAX_LENGTH).optional(),
    assignment: AssignmentInputSchema.optional(),
  })
  .strict();

/** An auditor, created by an auditor (三员分立): always with a temporary password, shown once to them. */
export const CreateAuditorBodySchema = CreateUserBodySchema.omit({ password: true, assignment: true }).strict();

export const CreatedUserSchema = z.object({
  user: UserSchema,
  /** A temporary password, shown once, when none was given; null otherwise. */
  initialPassword: z.string().nullable(),
});

export const UpdateUserBodySchema = z
  .object({
    displayName: z.string().trim().min(1).max(100).optional(),
    phone: z.string().max(20).nullable().optional(),
    status: z.enum(["active", "locked", "disabled"]).optional(),
  })
  .strict();

export const ResetPasswordBodySchema = z.object({ password: z.string().max(PASSWORD_MAX_LENGTH).optional() }).strict();

export const CreateAssignmentBodySchema = AssignmentInputSchema.extend({ id: z.uuid(), userId: z.uuid() }).strict();

export const RoleSchema = z
  .object({
    key: z.string(),
    name: z.object({ "zh-CN": z.string(), en: z.string() }),
    workScope: z.enum(["subtree", "area"]),
    requiresTotp: z.boolean(),
    permissions: z.array(PermissionSchema),
    updatedAt: z.string(),
  })
  .meta({ id: "Role" });

export const UpdateRoleBodySchema = z
  .object({ permissions: z.array(PermissionSchema).max(PERMISSION_KEYS.length), requiresTotp: z.boolean().optional() })
  .strict();

export const AuditRecordSchema = z
  .object({
    seq: z.number().int(),
    occurredAt: z.string(),
    actorUserId: z.string().nullable(),
    actorUsername: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    areaPath: z.string().nullable(),
    outcome: z.enum(["success", "failure", "denied"]),
    reason: z.string().nullable(),
    details: z.unknown(),
    hash: z.string(),
  })
  .meta({ id: "AuditRecord" });

export const AuditQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    actor: z.string().max(64).optional(),
    action: z.string().max(64).optional(),
    targetType: z.string().max(64).optional(),
    targetId: z.string().max(128).optional(),
    outcome: z.enum(["success", "failure", "denied"]).optional(),
    beforeSeq: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const AuditChainBreakSchema = z.object({
  fromSeq: z.number().int(),
  toSeq: z.number().int(),
  /** hash_mismatch: the rows were edited; broken_link: the row before each was replaced (hash and all);
   * sequence_gap: the row numbers are missing (removed). */
  problem: z.enum(CHAIN_PROBLEMS),
});

export const AuditVerifyResponseSchema = z.object({
  ok: z.boolean(),
  rows: z.number().int(),
  /** The first edited, reordered or missing row (for missing rows: the first one gone). */
  firstBadSeq: z.number().int().nullable(),
  /** Every run of bad rows the chain shows, in order (at most 100; moreBreaks counts the rest). */
  breaks: z.array(AuditChainBreakSchema),
  moreBreaks: z.number().int(),
  /** Rows edited or relinked and row numbers missing, over the whole chain. */
  badRows: z.number().int(),
  /** hash_mismatch, broken_link, sequence_gap (the chain); rows_missing, row_replaced, checkpoint_not_genuine,
   * checkpoint_unreadable (the checkpoints written outside the database). */
  problem: z.string().nullable(),
  checkpoints: z.object({
    /** Genuine checkpoints of this database found in the server's checkpoint file. */
    checked: z.number().int(),
    latest: z.object({ at: z.string(), seq: z.number().int(), rows: z.number().int() }).nullable(),
    problems: z.array(AuditCheckpointProblemSchema),
  }),
});

export type UserView = z.infer<typeof UserSchema>;
export type RoleView = z.infer<typeof RoleSchema>;
export type AuditRecord = z.infer<typeof AuditRecordSchema>;
export type AuditVerifyResult = z.infer<typeof AuditVerifyResponseSchema>;

/**
 * The field app's vault key from the server (#18 item 3): the phone keeps the key of its offline data
 * only wrapped — by this secret, asked for while the session is valid and held in memory only, and by
 * a key derived from the worker's offline PIN. Derived per user on the server, never stored there.
 */
export const FieldVaultKeySchema = z
  .object({
    secret: z.string().describe("256 bits in base64url: wraps the phone's data key; keep it in memory only"),
  })
  .meta({ id: "FieldVaultKey" });
