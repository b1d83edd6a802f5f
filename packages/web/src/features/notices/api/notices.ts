import type { AlertNotification } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

/** Notices (通知公告) and cloud broadcast (云广播) over /api/v1/notices, /resident and /broadcast. */
export type NoticeChannel = "app" | "field" | "loudspeaker";

export interface NoticeDelivery {
  residents: number;
  residentsRead: number;
  workers: number;
  workersRead: number;
  loudspeakers: number;
  loudspeakersFetched: number;
  loudspeakersPlayed: number;
  loudspeakersFailed: number;
  households: number;
  householdsWithApp: number;
  householdsLoudspeakerOnly: number;
}

export interface Notice {
  id: string;
  title: string;
  body: string;
  areaCode: string;
  areaName: string;
  tagKey: string | null;
  urgent: boolean;
  channels: NoticeChannel[];
  audioId: string | null;
  sentByName: string | null;
  sentAt: string;
  delivery: NoticeDelivery;
}

export interface NoticeDeliveryDetail {
  notice: Notice;
  recipients: { kind: "resident" | "worker"; name: string; readAt: string | null }[];
  loudspeakers: {
    deviceId: string;
    name: string;
    areaCode: string;
    state: "queued" | "fetched" | "played" | "failed";
    fetchedAt: string | null;
    doneAt: string | null;
    detail: string | null;
  }[];
}

export interface InboxNotice {
  id: string;
  title: string;
  body: string;
  urgent: boolean;
  areaName: string;
  sentAt: string;
  readAt: string | null;
}

export interface LoudspeakerOnlyHousehold {
  householdId: string;
  address: string;
  headName: string | null;
  areaCode: string;
  loudspeakerPlayed: boolean;
}

export interface Loudspeaker {
  id: string;
  deviceKey: string;
  name: string;
  areaCode: string;
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

export interface EventNotification {
  id: string;
  eventId: string | null;
  kind: string;
  title: string;
  state: string | null;
  note: string | null;
  /** A risk alert's data (kind "alert"), worded in the reader's language by notificationText. */
  alert: AlertNotification | null;
  createdAt: string;
  readAt: string | null;
}

export const sendNotice = (body: {
  id: string;
  title: string;
  body: string;
  areaCode: string;
  tagKey?: string;
  urgent: boolean;
  channels: NoticeChannel[];
  audioId?: string;
}) => apiFetch<Notice>("/api/v1/notices", { method: "POST", json: body });
export const listNotices = () => apiFetch<Notice[]>("/api/v1/notices?limit=100");
export const getNoticeDelivery = (id: string) => apiFetch<NoticeDeliveryDetail>(`/api/v1/notices/${id}`);
export const noticeInbox = (limit = 50) =>
  apiFetch<{ unread: number; items: InboxNotice[] }>(`/api/v1/notices/inbox?limit=${limit}`);
export const readNotice = (id: string) => apiFetch<InboxNotice>(`/api/v1/notices/inbox/${id}/read`, { method: "POST" });
export const loudspeakerOnly = (id: string) =>
  apiFetch<LoudspeakerOnlyHousehold[]>(`/api/v1/notices/${id}/loudspeaker-only`);
export const myVillage = () =>
  apiFetch<{ areaCode: string | null; areaName: string | null }>("/api/v1/resident/village");
export const chooseVillage = (areaCode: string) =>
  apiFetch<{ areaCode: string | null; areaName: string | null }>("/api/v1/resident/village", {
    method: "PUT",
    json: { areaCode },
  });
export const villageOptions = (q: string) =>
  apiFetch<{ code: string; name: string; parentName: string | null }[]>(
    `/api/v1/resident/villages?q=${encodeURIComponent(q)}`,
  );
export const listLoudspeakers = () => apiFetch<Loudspeaker[]>("/api/v1/broadcast/devices");
export const registerLoudspeaker = (body: { deviceKey: string; name: string; areaCode: string }) =>
  apiFetch<Loudspeaker & { secret: string }>("/api/v1/broadcast/devices", {
    method: "POST",
    json: body,
  });
export const retireLoudspeaker = (id: string) =>
  apiFetch<void>(`/api/v1/broadcast/devices/${id}`, { method: "DELETE" });
export const eventNotifications = () =>
  apiFetch<{ unread: number; items: EventNotification[] }>("/api/v1/notifications?limit=30");
/** Marks the notifications given read, or all of them. */
export const markNotificationsRead = (ids?: string[]) =>
  apiFetch<{ marked: number }>("/api/v1/notifications/read", { method: "POST", json: ids ? { ids } : {} });
export const uploadAudio = (id: string, file: File) =>
  apiFetch<{ id: string; contentType: string; size: number }>(`/api/v1/broadcast/audio?id=${id}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: file,
  });
