import type { Selectable } from "kysely";

/** Notices (通知公告) and what became of them: recipients, households, loudspeaker queues. */
export interface NoticeTable {
  id: string;
  title: string;
  body: string;
  area_id: string;
  area_code: string;
  area_path: string;
  tag_key: string | null;
  urgent: boolean;
  channels: string[];
  audio_id: string | null;
  sent_by: string | null;
  sent_by_name: string | null;
  sent_at: Date;
}
export type NoticeRow = Selectable<NoticeTable>;

/** A resident or grid worker a notice reached, and when they read it. */
export interface NoticeRecipientTable {
  notice_id: string;
  user_id: string;
  kind: "resident" | "worker";
  read_at: Date | null;
}

/** A household a notice was for; without an app user there, a loudspeaker was its only channel. */
export interface NoticeHouseholdTable {
  notice_id: string;
  household_id: string;
  area_path: string;
  has_app_user: boolean;
}

/** A notice in a loudspeaker's queue: queued, fetched by the device, then played or failed. */
export interface BroadcastItemTable {
  id: string;
  notice_id: string;
  device_id: string;
  urgent: boolean;
  state: "queued" | "fetched" | "played" | "failed";
  queued_at: Date;
  fetched_at: Date | null;
  done_at: Date | null;
  detail: string | null;
}
export type BroadcastItemRow = Selectable<BroadcastItemTable>;

/** The village or community an unlinked resident chose to follow. */
export interface ResidentVillageTable {
  user_id: string;
  area_id: string;
  area_path: string;
  chosen_at: Date;
}

/** A recording for the loudspeakers; its bytes are a private file of the data directory. */
export interface BroadcastAudioTable {
  id: string;
  content_type: string;
  size: number;
  sha256: string;
  uploaded_by: string | null;
  created_at: Date;
}
export type BroadcastAudioRow = Selectable<BroadcastAudioTable>;
