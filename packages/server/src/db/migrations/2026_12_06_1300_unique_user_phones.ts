import { type Kysely, sql } from "kysely";

/**
 * One mobile number per account (#16, red-team 3). A number is how a resident signs in (an SMS code)
 * and how a staff roster recognises a person; when two accounts held one, look-ups took the oldest,
 * and a resident whose number a staff account had been given could never sign in again.
 *
 * Numbers already held by several accounts: one account keeps the number as its identifier (its
 * blind index) — the one that signs in by it (an account with no post but resident), else an active
 * one, else the oldest — and the others keep the number on record (encrypted, shown masked as
 * before) without the index, so nothing is lost but they are no longer found by it: not at an SMS
 * sign-in, not in a staff roster. The server warns at every start while such accounts remain
 * (listAccountsSharingPhones); giving them their own number (or none) puts them right.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    with ranked as (
      select u.id, row_number() over (
        partition by u.phone_bidx
        order by
          exists (select 1 from assignment a where a.user_id = u.id and a.role_key <> 'resident'),
          u.status <> 'active',
          u.created_at,
          u.id
      ) as rank
      from app_user u
      where u.phone_bidx is not null
    )
    update app_user set phone_bidx = null
    from ranked
    where app_user.id = ranked.id and ranked.rank > 1`.execute(db);
  await sql`drop index app_user_phone_bidx_idx`.execute(db);
  await sql`create unique index app_user_phone_bidx_key on app_user (phone_bidx) where phone_bidx is not null`.execute(
    db,
  );
}
