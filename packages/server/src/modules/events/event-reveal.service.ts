import { authorId, type Principal } from "@wangge/core";
import type { AppContext, RequestMeta } from "../../context.ts";
import { recordAudit, refusal } from "../audit/audit.service.ts";
import { recordReportReveal } from "../registry/people.service.ts";
import { listAttachmentsOf } from "./attachments.queries.ts";
import { openColumns, SEALED_TEXT } from "./event-free-text.ts";
import { findLinkedPersonOf, listSteps } from "./events.queries.ts";
import { mayReveal, openEvent, visibleEvent } from "./events.service.ts";

/**
 * An event's free text and the reporter's contact in clear, for a handler who states why (to call the
 * resident back, to find the address): those who handle, supervise or mediate events where the event
 * is now. The reason, and what held numbers, go to the audit trail; a refusal is audited too. Whoever
 * may not read the event gets the answer an unknown event gets. A reporter linked to their registry
 * record finds the reveal in "who looked at my record", with the reason and what was read.
 */
export async function revealEvent(ctx: AppContext, actor: Principal, meta: RequestMeta, id: string, reason: string) {
  const row = await visibleEvent(ctx, actor, id);
  const target = { action: "event.reveal", type: "event", id: row.id, areaPath: row.area_path, reason };
  if (!mayReveal(actor, row))
    throw await refusal(ctx, actor, meta, target, "seeing an event's numbers needs the right to handle it where it is");
  const opened = openEvent(ctx, row);
  const [steps, attachments] = await Promise.all([listSteps(ctx.db, row.id), listAttachmentsOf(ctx.db, row.id)]);
  const clear = {
    title: opened.title,
    description: opened.description,
    address: opened.address,
    contactName: opened.contact_name,
    contactPhone: row.contact_phone_enc ? ctx.crypto.decrypt(row.contact_phone_enc) : null,
    contactEmail: row.contact_email_enc ? ctx.crypto.decrypt(row.contact_email_enc) : null,
    consentNote: opened.consent_note,
    feedback: opened.feedback,
    attributes: opened.attributes as Record<string, unknown>,
    timeline: steps
      .map((s) => openColumns(ctx, s, SEALED_TEXT.event_step))
      .map((s) => ({ at: s.at.toISOString(), action: s.action, note: s.note })),
    attachments: attachments
      .map((a) => openColumns(ctx, a, SEALED_TEXT.event_attachment))
      .map((a) => ({ id: a.id, fileName: a.file_name })),
  };
  // What held numbers: the audit names the kinds of text seen in clear, never the text.
  const fields = [
    ...SEALED_TEXT.event.filter((c) => (row as unknown as Record<string, unknown>)[`${c}_sealed`] !== null),
    ...(steps.some((s) => s.note_sealed !== null) ? ["timeline"] : []),
    ...(attachments.some((a) => a.file_name_sealed !== null) ? ["attachments"] : []),
    ...(row.contact_phone_enc ? ["contact_phone"] : []),
    ...(row.contact_email_enc ? ["contact_email"] : []),
  ];
  const reporterUserId = row.reporter_user_id;
  const reporterPerson = reporterUserId ? await findLinkedPersonOf(ctx.db, reporterUserId) : undefined;
  await ctx.db.transaction().execute(async (trx) => {
    await recordAudit(ctx, trx, {
      action: "event.reveal",
      outcome: "success",
      actor: { userId: authorId(actor), username: actor.username },
      meta,
      targetType: "event",
      targetId: row.id,
      areaPath: row.area_path,
      reason,
      details: { fields },
    });
    // The reporter's own access log names what was read in the resident's words: the report's text,
    // their name, phone number, e-mail.
    if (reporterUserId && reporterPerson)
      await recordReportReveal(
        trx,
        actor,
        meta,
        { personId: reporterPerson, userId: reporterUserId },
        accessFields(fields),
        reason,
      );
  });
  return clear;
}

const CONTACT_FIELDS: Record<string, string> = { contact_name: "name", contact_phone: "phone", contact_email: "email" };

/** What a reveal read, as the fields of a resident's access log: the report's text once, then each contact. */
function accessFields(fields: readonly string[]): string[] {
  const contact = fields.filter((f) => f in CONTACT_FIELDS).map((f) => CONTACT_FIELDS[f] as string);
  return [...(fields.some((f) => !(f in CONTACT_FIELDS)) ? ["reportText"] : []), ...contact];
}
