import { Badge, Space, Typography } from "antd";
import { Suspense, useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Link, Navigate, Route, Routes, useNavigate } from "react-router";
import { ConfigGate } from "../../components/ConfigGate.tsx";
import { ConsoleProviders } from "../../components/ConsoleProviders.tsx";
import { LanguageSwitch } from "../../components/LanguageSwitch.tsx";
import { LoginForm } from "../../features/auth/components/LoginForm.tsx";
import { useHealth } from "../../features/platform/hooks/use-health.ts";
import { errorMessageKey } from "../../lib/error-message.ts";
import { lazyNamed } from "../../lib/lazy-named.ts";
import { SessionProvider, useSession } from "../../lib/session.tsx";

// The wall (charts, map) arrives after the shell: the sign-in page stays small.
const ScreenBoard = lazyNamed(() => import("../../features/screen/components/ScreenBoard.tsx"), "ScreenBoard");

/**
 * The command centre's big screen, designed for 1920×1080 and scaled to whatever it is shown on. A
 * kiosk signs in once with a screen account (role 大屏, bound to an area); the session lives in the
 * database, so the wall comes back by itself after a server restart.
 */
export function ScreenApp() {
  return (
    <ConsoleProviders app="screen" dark>
      <SessionProvider>
        <BrowserRouter basename="/screen">
          <Routes>
            <Route path="/login" element={<ScreenLogin />} />
            <Route path="*" element={<RequireScreen />} />
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </ConsoleProviders>
  );
}

const page: React.CSSProperties = { minHeight: "100vh", background: "#04101d", color: "#e3f2fd", padding: 16 };

function RequireScreen() {
  const { me, loading } = useSession();
  if (loading) return <div style={page} />;
  if (!me || me.restriction) return <Navigate to="/login" replace />;
  return <ScreenOverview />;
}

function ScreenLogin() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <div style={{ ...page, display: "grid", placeItems: "center" }}>
      <Space direction="vertical" align="center" size="large">
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("app.screen")}
        </Typography.Title>
        <LoginForm title={t("auth.title")} onSignedIn={() => navigate("/")} />
        <LanguageSwitch />
      </Space>
    </div>
  );
}

function SignOutLink() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  return (
    <Link
      to="/login"
      onClick={(e) => {
        e.preventDefault();
        void session.signOut().then(() => navigate("/login", { replace: true }));
      }}
    >
      {t("nav.signOut")}
    </Link>
  );
}

function Clock({ timezone }: { timezone: string }) {
  const { t, i18n } = useTranslation();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  const text = new Intl.DateTimeFormat(i18n.language, {
    timeZone: timezone,
    dateStyle: "medium",
    timeStyle: "medium",
    hourCycle: "h23",
  }).format(now);
  return (
    <span role="timer" aria-label={t("screen.clock")} style={{ fontVariantNumeric: "tabular-nums", fontSize: 24 }}>
      {text}
    </span>
  );
}

function ServiceStatus() {
  const { t } = useTranslation();
  const { health, error } = useHealth(30_000);
  return error ? (
    <Badge status="error" text={t(errorMessageKey(error.code))} />
  ) : (
    <Badge
      status={health ? "success" : "processing"}
      text={health ? `${t("system.ok")} · ${t(`system.${health.database}`)} · v${health.version}` : t("common.loading")}
    />
  );
}

function ScreenOverview() {
  const session = useSession();
  const navigate = useNavigate();
  // The session ended (expired or revoked): back to the sign-in, once.
  const signedOut = useCallback(() => {
    void session.refresh().then(() => navigate("/login", { replace: true }));
  }, [session, navigate]);
  return (
    <ConfigGate>
      {(config) => (
        <Suspense fallback={<div style={page} />}>
          <ScreenBoard
            config={config}
            onSignedOut={signedOut}
            controls={
              <Space direction="vertical" size={0}>
                <Clock timezone={config.timezone} />
                <Space size="middle">
                  <ServiceStatus />
                  <LanguageSwitch size="small" />
                  <SignOutLink />
                </Space>
              </Space>
            }
          />
        </Suspense>
      )}
    </ConfigGate>
  );
}
