import type { HealthResponse } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export const fetchHealth = () => apiFetch<HealthResponse>("/api/health");
