import type { LoginResponse } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export interface SignInInput {
  username: string;
  password: string;
}

export const signIn = (input: SignInInput) =>
  apiFetch<LoginResponse>("/api/v1/auth/login", { method: "POST", json: input });
export const signInTotp = (code: string) =>
  apiFetch<LoginResponse>("/api/v1/auth/login/totp", { method: "POST", json: { code } });
export const changePassword = (currentPassword: string, newPassword: string) =>
  apiFetch<void>("/api/v1/auth/password", { method: "POST", json: { currentPassword, newPassword } });
export const startTotpSetup = () =>
  apiFetch<{ secret: string; otpauthUri: string }>("/api/v1/auth/totp/setup", { method: "POST" });
export const enableTotp = (code: string) =>
  apiFetch<void>("/api/v1/auth/totp/enable", { method: "POST", json: { code } });
export const requestOtp = (phone: string) =>
  apiFetch<{ expiresInSeconds: number }>("/api/v1/auth/otp/request", { method: "POST", json: { phone } });
export const verifyOtp = (phone: string, code: string) =>
  apiFetch<LoginResponse>("/api/v1/auth/otp/verify", { method: "POST", json: { phone, code } });
