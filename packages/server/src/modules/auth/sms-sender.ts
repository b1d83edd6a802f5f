import { maskPhone } from "@wangge/core";

/**
 * Where one-time codes go. Pluggable: `log` writes the code to the server log for development (with
 * the phone masked); `webhook` POSTs {phone, message} as JSON to the deployment's SMS gateway adapter
 * (WANGGE_SMS_WEBHOOK_URL), so any provider can be wired in without changing Wangge.
 */
export interface SmsSender {
  readonly kind: string;
  send(phone: string, message: string): Promise<void>;
}

export function logSmsSender(log: { warn(obj: object, msg?: string): void }): SmsSender {
  return {
    kind: "log",
    async send(phone, message) {
      log.warn({ phone: maskPhone(phone), sms: message }, "SMS not sent (development): no WANGGE_SMS_WEBHOOK_URL");
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
