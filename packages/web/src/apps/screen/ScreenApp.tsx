import { Badge, Card, Col, Empty, Row, Space, Statistic, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Link, Navigate, Route, Routes, useNavigate } from "react-router";
import { ConfigGate } from "../../components/ConfigGate.tsx";
import { ConsoleProviders } from "../../components/ConsoleProviders.tsx";
import { LanguageSwitch } from "../../components/LanguageSwitch.tsx";
import { LoginForm } from "../../features/auth/components/LoginForm.tsx";
import { useHealth } from "../../features/platform/hooks/use-health.ts";
import { errorMessageKey } from "../../lib/error-message.ts";
import { useMyAreas } from "../../lib/map/my-areas.ts";
import { WgMap } from "../../lib/map/WgMap.tsx";
import { SessionProvider, useSession } from "../../lib/session.tsx";

/** The command centre's big screen, designed for 1920×1080 and scaled to whatever it is shown on. */
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

const page: React.CSSProperties = { minHeight: "100vh", background: "#06121f", color: "#e3f2fd", padding: 16 };

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
    <span role="timer" aria-label={t("screen.clock")} style={{ fontVariantNumeric: "tabular-nums" }}>
      {text}
    </span>
  );
}

function ScreenOverview() {
  const { t } = useTranslation();
  const { health, error } = useHealth(30_000);
  const mine = useMyAreas();
  return (
    <ConfigGate>
      {(config) => (
        <div style={page}>
          <header style={{ display: "flex", alignItems: "center", justifyContent: "space-between", marginBottom: 16 }}>
            <Clock timezone={config.timezone} />
            <Typography.Title level={1} style={{ margin: 0, letterSpacing: 4, color: "#e3f2fd" }}>
              {t("app.screen")}
            </Typography.Title>
            <Space>
              <nav aria-label={t("nav.overview")}>
                <Link to="/">{t("nav.overview")}</Link>
              </nav>
              <SignOutLink />
              <LanguageSwitch size="small" />
            </Space>
          </header>
          <Row gutter={16}>
            <Col span={6}>
              <Space direction="vertical" style={{ width: "100%" }} size="middle">
                <Card title={t("screen.serviceStatus")}>
                  {error ? (
                    <Badge status="error" text={t(errorMessageKey(error.code))} />
                  ) : (
                    <Badge
                      status={health ? "success" : "processing"}
                      text={
                        health
                          ? `${t("system.ok")} · ${t(`system.${health.database}`)} · v${health.version}`
                          : t("common.loading")
                      }
                    />
                  )}
                </Card>
                <Card title={t("screen.eventsToday")}>
                  <Empty description={t("screen.noData")} image={Empty.PRESENTED_IMAGE_SIMPLE} />
                </Card>
              </Space>
            </Col>
            <Col span={12}>
              <Card title={t("screen.areaMap")} styles={{ body: { padding: 0 } }}>
                <WgMap
                  config={config.map}
                  theme="dark"
                  features={mine?.features}
                  height="calc(100vh - 170px)"
                  label={t("screen.areaMap")}
                />
              </Card>
            </Col>
            <Col span={6}>
              <Card title={t("screen.gridsOnline")}>
                <Statistic value="—" />
                <Empty description={t("screen.noData")} image={Empty.PRESENTED_IMAGE_SIMPLE} />
              </Card>
            </Col>
          </Row>
        </div>
      )}
    </ConfigGate>
  );
}
