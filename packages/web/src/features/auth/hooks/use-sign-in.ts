import type { LoginResponse } from "@wangge/core";
import { useState } from "react";
import { type ApiError, setCsrfToken, toApiError } from "../../../lib/api-client.ts";
import { useSession } from "../../../lib/session.tsx";

/**
 * The sign-in steps every app's form goes through: submit (with errors kept for display), then either
 * the TOTP step or a signed-in session — which may still have to set a password or TOTP first.
 */
export function useSignIn(onSignedIn: () => void) {
  const session = useSession();
  const [error, setError] = useState<ApiError>();
  const [submitting, setSubmitting] = useState(false);
  const [step, setStep] = useState<"password" | "totp">("password");

  const run = async (work: () => Promise<void>) => {
    setSubmitting(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      const failure = toApiError(e);
      // The fifth wrong code ended the pending sign-in: back to the password, with the reason shown.
      if (failure.code === "AUTH_TOTP_TOO_MANY") setStep("password");
      setError(failure);
    } finally {
      setSubmitting(false);
    }
  };

  const finish = (result: LoginResponse) => {
    if (result.step === "totp") {
      setCsrfToken(result.csrfToken);
      setStep("totp");
      return;
    }
    session.accept(result.me);
    if (!result.me.restriction) onSignedIn();
  };

  return { session, error, submitting, step, run, finish, restriction: session.me?.restriction ?? null };
}
