import { ApiError, apiFetch } from "../../../lib/api-client.ts";

export interface SignInInput {
  username: string;
  password: string;
}

/**
 * POST /api/v1/auth/login. A server without the accounts module answers 404 for the route; that is
 * reported as AUTH_UNAVAILABLE so the form can say sign-in is not enabled rather than "not found".
 */
export async function signIn(input: SignInInput): Promise<unknown> {
  try {
    return await apiFetch("/api/v1/auth/login", { method: "POST", json: input });
  } catch (error) {
    if (error instanceof ApiError && error.code === "ROUTE_NOT_FOUND") {
      throw new ApiError("AUTH_UNAVAILABLE", error.message, error.status, [], error.requestId);
    }
    throw error;
  }
}
