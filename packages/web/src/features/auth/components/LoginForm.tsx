import { LockOutlined, SafetyOutlined, UserOutlined } from "@ant-design/icons";
import { PASSWORD_MIN_LENGTH } from "@wangge/core";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type ApiError, toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { changePassword, enableTotp, type SignInInput, signIn, signInTotp, startTotpSetup } from "../api/auth.ts";
import { useSignIn } from "../hooks/use-sign-in.ts";

/**
 * Sign-in for the console and the big screen: password, then the TOTP code when the user has one;
 * then, when the account requires it, setting one's own password or setting up TOTP before anything else.
 */
export function LoginForm({ title, onSignedIn }: { title: string; onSignedIn: () => void }) {
  const { t } = useTranslation();
  const { session, error, submitting, step, run, finish, restriction } = useSignIn(onSignedIn);
  let body: React.ReactNode;
  if (restriction === "password_change") {
    body = <ChangePasswordStep onDone={() => session.refresh().then(onSignedIn)} />;
  } else if (restriction === "totp_setup") {
    body = <TotpSetupStep onDone={() => session.refresh().then(onSignedIn)} />;
  } else if (step === "totp") {
    body = (
      <Form<{ code: string }>
        layout="vertical"
        onFinish={(v) => run(async () => finish(await signInTotp(v.code)))}
        requiredMark={false}
      >
        <Typography.Paragraph>{t("auth.totpPrompt")}</Typography.Paragraph>
        <Form.Item
          label={t("auth.totpCode")}
          name="code"
          rules={[{ required: true, pattern: /^\d{6}$/, message: t("auth.totpCodeInvalid") }]}
        >
          <Input prefix={<SafetyOutlined />} inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={submitting}>
          {t("auth.verify")}
        </Button>
      </Form>
    );
  } else {
    body = (
      <Form<SignInInput>
        layout="vertical"
        onFinish={(v) => run(async () => finish(await signIn(v)))}
        requiredMark={false}
      >
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
    );
  }

  return (
    <Card style={{ width: 400, maxWidth: "92vw" }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("auth.subtitle")}</Typography.Paragraph>
      {error && (
        <Alert role="alert" type="error" showIcon style={{ marginBottom: 16 }} title={t(errorMessageKey(error.code))} />
      )}
      {body}
    </Card>
  );
}

function ChangePasswordStep({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<ApiError>();
  return (
    <Form<{ currentPassword: string; newPassword: string }>
      layout="vertical"
      requiredMark={false}
      onFinish={async (v) => {
        try {
          await changePassword(v.currentPassword, v.newPassword);
          onDone();
        } catch (e) {
          setError(toApiError(e));
        }
      }}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t("auth.mustChangePassword")} />
      {error && (
        <Alert
          role="alert"
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t(errorMessageKey(error.code))}
          description={error.errors.map((e) => e.message).join("; ") || undefined}
        />
      )}
      <Form.Item
        label={t("auth.currentPassword")}
        name="currentPassword"
        rules={[{ required: true, message: t("auth.passwordRequired") }]}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        label={t("auth.newPassword")}
        name="newPassword"
        extra={t("auth.passwordPolicy", { min: PASSWORD_MIN_LENGTH })}
        rules={[
          { required: true, min: PASSWORD_MIN_LENGTH, message: t("auth.passwordPolicy", { min: PASSWORD_MIN_LENGTH }) },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" block>
        {t("auth.changePassword")}
      </Button>
    </Form>
  );
}

function TotpSetupStep({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string }>();
  const [error, setError] = useState<ApiError>();
  return (
    <div>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t("auth.totpRequired")} />
      {error && (
        <Alert role="alert" type="error" showIcon style={{ marginBottom: 16 }} title={t(errorMessageKey(error.code))} />
      )}
      {!setup ? (
        <Button type="primary" block onClick={() => startTotpSetup().then(setSetup, (e) => setError(toApiError(e)))}>
          {t("auth.totpStart")}
        </Button>
      ) : (
        <Form<{ code: string }>
          layout="vertical"
          requiredMark={false}
          onFinish={async (v) => {
            try {
              await enableTotp(v.code);
              onDone();
            } catch (e) {
              setError(toApiError(e));
            }
          }}
        >
          <Typography.Paragraph>{t("auth.totpScan")}</Typography.Paragraph>
          <Typography.Paragraph copyable code>
            {setup.secret}
          </Typography.Paragraph>
          <Form.Item
            label={t("auth.totpCode")}
            name="code"
            rules={[{ required: true, pattern: /^\d{6}$/, message: t("auth.totpCodeInvalid") }]}
          >
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block>
            {t("auth.verify")}
          </Button>
        </Form>
      )}
    </div>
  );
}
