import type {
  ResidentAccessEntry as AccessEntry,
  MySubsidyPayment as MyPayment,
  ResidentHousehold,
  ResidentRecord,
} from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export type { AccessEntry, MyPayment, ResidentHousehold, ResidentRecord };

export const getMyRecord = () => apiFetch<ResidentRecord>("/api/v1/residents/me");
export const linkMyRecord = (body: { name: string; idNumber: string }) =>
  apiFetch<ResidentRecord>("/api/v1/residents/me/link", { method: "PUT", json: body });
export const unlinkMyRecord = () => apiFetch<void>("/api/v1/residents/me/link", { method: "DELETE" });
export const getMyHousehold = () => apiFetch<ResidentHousehold>("/api/v1/residents/me/household");
export const listMySubsidies = () => apiFetch<MyPayment[]>("/api/v1/residents/me/subsidies");
export const listMyAccessLog = () => apiFetch<AccessEntry[]>("/api/v1/residents/me/access-log");
