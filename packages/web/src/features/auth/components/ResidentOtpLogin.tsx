import { Button, Form, Input, NoticeBar } from "antd-mobile";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { type ApiError, toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useSession } from "../../../lib/session.tsx";
import { requestOtp, verifyOtp } from "../api/auth.ts";

/** Residents sign in with their mobile number and a code sent by SMS; the first sign-in creates the account. */
export function ResidentOtpLogin({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const [form] = Form.useForm<{ phone: string; code: string }>();
  const [error, setError] = useState<ApiError>();
  const [sent, setSent] = useState(false);
  const [cooldown, setCooldown] = useState(0);

  useEffect(() => {
    if (cooldown <= 0) return;
    const timer = setTimeout(() => setCooldown((c) => c - 1), 1000);
    return () => clearTimeout(timer);
  }, [cooldown]);

  const send = async () => {
    setError(undefined);
    try {
      await form.validateFields(["phone"]);
      await requestOtp(form.getFieldValue("phone"));
      setSent(true);
      setCooldown(60);
    } catch (e) {
      if (e instanceof Error) setError(toApiError(e));
    }
  };

  return (
    <>
      {error && (
        <div role="alert">
          <NoticeBar color="error" content={t(errorMessageKey(error.code))} wrap />
        </div>
      )}
      {sent && <NoticeBar color="info" content={t("auth.codeSent")} wrap />}
      <Form
        form={form}
        layout="vertical"
        onFinish={async (v) => {
          setError(undefined);
          try {
            const result = await verifyOtp(v.phone, v.code);
            if (result.step === "done") {
              session.accept(result.me);
              onSignedIn();
            }
          } catch (e) {
            setError(toApiError(e));
          }
        }}
        footer={
          <Button block type="submit" color="primary" size="large" disabled={!sent}>
            {t("auth.submit")}
          </Button>
        }
      >
        <Form.Item
          name="phone"
          label={t("auth.phone")}
          rules={[{ required: true, pattern: /^1[3-9]\d{9}$/, message: t("auth.phoneInvalid") }]}
          extra={
            <Button size="small" onClick={send} disabled={cooldown > 0}>
              {cooldown > 0 ? t("auth.resendIn", { seconds: cooldown }) : t("auth.sendCode")}
            </Button>
          }
        >
          <Input type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} clearable />
        </Form.Item>
        <Form.Item
          name="code"
          label={t("auth.code")}
          rules={[{ required: true, pattern: /^\d{6}$/, message: t("auth.totpCodeInvalid") }]}
        >
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
        </Form.Item>
      </Form>
    </>
  );
}
