import { type Kysely, sql } from "kysely";

/**
 * Accounts, roles, assignments to areas, sessions, API tokens, sign-in attempts and locks, one-time
 * codes, and the append-only, hash-chained audit trail. `area` starts here with what data scopes need
 * (code, level, parent, materialised path); the areas module extends it with kinds, boundaries and
 * history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("area")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("level", "text", (c) =>
      c.notNull().check(sql`level in ('province','city','county','township','village','grid','microgrid')`),
    )
    .addColumn("parent_id", "uuid", (c) => c.references("area.id"))
    .addColumn("path", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index area_path_prefix_idx on area (path text_pattern_ops)`.execute(db);
  await db.schema.createIndex("area_parent_idx").on("area").column("parent_id").execute();

  await db.schema
    .createTable("app_user")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("phone_enc", "text")
    .addColumn("phone_bidx", "text")
    .addColumn("password_hash", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("active").check(sql`status in ('active','locked','disabled')`),
    )
    .addColumn("totp_secret_enc", "text")
    .addColumn("totp_enabled", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("totp_last_step", "bigint")
    .addColumn("must_change_password", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("password_changed_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("app_user_phone_bidx_idx").on("app_user").column("phone_bidx").execute();

  await db.schema
    .createTable("role")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("work_scope", "text", (c) => c.notNull().check(sql`work_scope in ('subtree','area')`))
    .addColumn("requires_totp", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable("role_permission")
    .addColumn("role_key", "text", (c) => c.notNull().references("role.key").onDelete("cascade"))
    .addColumn("permission", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("role_permission_pk", ["role_key", "permission"])
    .execute();

  await db.schema
    .createTable("assignment")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("app_user.id"))
    .addColumn("role_key", "text", (c) => c.notNull().references("role.key"))
    .addColumn("area_id", "uuid", (c) => c.references("area.id"))
    .addColumn("area_path", "text")
    .addColumn("home_unit", "text")
    .addColumn("created_by", "uuid", (c) => c.references("app_user.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("assignment_user_idx").on("assignment").column("user_id").execute();
  await sql`create unique index assignment_unique_idx on assignment (user_id, role_key, coalesce(area_id, '00000000-0000-0000-0000-000000000000'::uuid))`.execute(
    db,
  );
  await sql`create index assignment_area_path_idx on assignment (area_path text_pattern_ops)`.execute(db);

  await db.schema
    .createTable("session")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("app_user.id"))
    .addColumn("stage", "text", (c) => c.notNull().check(sql`stage in ('totp','active')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_seen_at", "timestamptz", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await db.schema.createIndex("session_user_idx").on("session").column("user_id").execute();

  await db.schema
    .createTable("api_token")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("app_user.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await db.schema.createIndex("api_token_user_idx").on("api_token").column("user_id").execute();

  await db.schema
    .createTable("login_attempt")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('success','failure','locked')`))
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("login_attempt_username_at_idx")
    .on("login_attempt")
    .columns(["username", "at"])
    .execute();
  await db.schema
    .createTable("login_lock")
    .addColumn("username", "text", (c) => c.primaryKey())
    .addColumn("locked_until", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("otp_challenge")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("phone_bidx", "text", (c) => c.notNull())
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("consumed_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("otp_challenge_phone_idx")
    .on("otp_challenge")
    .columns(["phone_bidx", "created_at"])
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("actor_user_id", "uuid")
    .addColumn("actor_username", "text")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text")
    .addColumn("target_id", "text")
    .addColumn("area_path", "text")
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('success','failure','denied')`))
    .addColumn("reason", "text")
    .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("hash_alg", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_log_occurred_idx").on("audit_log").column("occurred_at").execute();
  await db.schema.createIndex("audit_log_actor_idx").on("audit_log").columns(["actor_user_id", "seq"]).execute();
  await db.schema.createIndex("audit_log_target_idx").on("audit_log").columns(["target_type", "target_id"]).execute();
  // Append-only: the application never updates or deletes a row, and the database refuses it too.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
    end;
    $$`.execute(db);
  await sql`create trigger audit_log_no_update before update or delete on audit_log for each row execute function audit_log_append_only()`.execute(
    db,
  );
  await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`.execute(
    db,
  );
}
