import { maskPhone } from "@wangge/core";

/**
 * Where one-time codes go, chosen by the deployment (WANGGE_SMS_SENDER, config.ts):
 * - `webhook` POSTs {phone, message} as JSON to the deployment's SMS gateway adapter
 *   (WANGGE_SMS_WEBHOOK_URL), so any provider can be wired in without changing Wangge;
 * - `log` writes the code to the server log (phone masked): development and demos only, and only
 *   when chosen explicitly — the server warns about it at start (main.ts);
 * - `none` (neither chosen): nothing is sent, and asking for a code answers AUTH_SMS_UNAVAILABLE.
 */
export interface SmsSender {
  readonly kind: string;
  send(phone: string, message: string): Promise<void>;
}

export function logSmsSender(log: { warn(obj: object, msg?: string): void }): SmsSender {
  return {
    kind: "log",
    async send(phone, message) {
      log.warn({ phone: maskPhone(phone), sms: message }, "SMS not sent (WANGGE_SMS_SENDER=log): the code is here");
    },
  };
}

export function webhookSmsSender(url: string): SmsSender {
  return {
    kind: "webhook",
    async send(phone, message) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ phone, message }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
    },
  };
}

/** No SMS at all: requestOtp refuses before it stores or sends anything. */
export function noSmsSender(): SmsSender {
  return {
    kind: "none",
    async send() {
      throw new Error("no SMS sender is configured (WANGGE_SMS_SENDER)");
    },
  };
}
