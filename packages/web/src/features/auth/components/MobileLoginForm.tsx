import { Button, Form, Input, NoticeBar } from "antd-mobile";
import { useTranslation } from "react-i18next";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { changePassword, type SignInInput, signIn, signInTotp } from "../api/auth.ts";
import { useSignIn } from "../hooks/use-sign-in.ts";

/** Sign-in for the field app: password, the TOTP code when the user has one, a first own password. */
export function MobileLoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const { session, error, submitting, step, run, finish, restriction } = useSignIn(onSignedIn);
  const submitButton = (label: string) => (
    <Button block type="submit" color="primary" size="large" loading={submitting}>
      {label}
    </Button>
  );

  return (
    <>
      {error && (
        <div role="alert">
          <NoticeBar color="error" content={t(errorMessageKey(error.code))} wrap />
        </div>
      )}
      {restriction === "totp_setup" ? (
        <NoticeBar color="info" content={t("auth.totpSetupInConsole")} wrap />
      ) : restriction === "password_change" ? (
        <Form
          layout="vertical"
          onFinish={(v: { currentPassword: string; newPassword: string }) =>
            run(async () => {
              await changePassword(v.currentPassword, v.newPassword);
              await session.refresh();
              onSignedIn();
            })
          }
          footer={submitButton(t("auth.changePassword"))}
        >
          <NoticeBar color="info" content={t("auth.mustChangePassword")} wrap />
          <Form.Item
            name="currentPassword"
            label={t("auth.currentPassword")}
            rules={[{ required: true, message: t("auth.passwordRequired") }]}
          >
            <Input type="password" autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t("auth.newPassword")}
            rules={[{ required: true, message: t("auth.passwordRequired") }]}
          >
            <Input type="password" autoComplete="new-password" />
          </Form.Item>
        </Form>
      ) : step === "totp" ? (
        <Form
          layout="vertical"
          onFinish={(v: { code: string }) => run(async () => finish(await signInTotp(v.code)))}
          footer={submitButton(t("auth.verify"))}
        >
          <Form.Item
            name="code"
            label={t("auth.totpCode")}
            rules={[{ required: true, message: t("auth.totpCodeInvalid") }]}
          >
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
          </Form.Item>
        </Form>
      ) : (
        <Form
          layout="vertical"
          onFinish={(v: SignInInput) => run(async () => finish(await signIn(v)))}
          footer={submitButton(t("auth.submit"))}
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
      )}
    </>
  );
}
