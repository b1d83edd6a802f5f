import { Button, Form, Input, NoticeBar } from "antd-mobile";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type ApiError, toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { type SignInInput, signIn } from "../api/sign-in.ts";

/** Sign-in for the field and resident apps. */
export function MobileLoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<ApiError>();
  const [submitting, setSubmitting] = useState(false);

  const submit = async (values: SignInInput) => {
    setSubmitting(true);
    setError(undefined);
    try {
      await signIn(values);
      onSignedIn();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <>
      {error && (
        <div role="alert">
          <NoticeBar color="error" content={t(errorMessageKey(error.code))} wrap />
        </div>
      )}
      <Form
        layout="vertical"
        onFinish={(values: SignInInput) => submit(values)}
        footer={
          <Button block type="submit" color="primary" size="large" loading={submitting}>
            {t("auth.submit")}
          </Button>
        }
      >
        <Form.Item
          name="username"
          label={t("auth.username")}
          rules={[{ required: true, message: t("auth.usernameRequired") }]}
        >
          <Input autoComplete="username" clearable />
        </Form.Item>
        <Form.Item
          name="password"
          label={t("auth.password")}
          rules={[{ required: true, message: t("auth.passwordRequired") }]}
        >
          <Input type="password" autoComplete="current-password" clearable />
        </Form.Item>
      </Form>
    </>
  );
}
