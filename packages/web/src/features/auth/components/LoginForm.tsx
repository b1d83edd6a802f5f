import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type ApiError, toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { type SignInInput, signIn } from "../api/sign-in.ts";

/** Sign-in for the console and the big screen. */
export function LoginForm({ title, onSignedIn }: { title: string; onSignedIn: () => void }) {
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
    <Card style={{ width: 380, maxWidth: "92vw" }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("auth.subtitle")}</Typography.Paragraph>
      {error && (
        <Alert role="alert" type="error" showIcon style={{ marginBottom: 16 }} title={t(errorMessageKey(error.code))} />
      )}
      <Form<SignInInput> layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          label={t("auth.username")}
          name="username"
          rules={[{ required: true, message: t("auth.usernameRequired") }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" />
        </Form.Item>
        <Form.Item
          label={t("auth.password")}
          name="password"
          rules={[{ required: true, message: t("auth.passwordRequired") }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={submitting}>
          {submitting ? t("auth.submitting") : t("auth.submit")}
        </Button>
      </Form>
    </Card>
  );
}
