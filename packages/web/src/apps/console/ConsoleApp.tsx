import { ApiOutlined, DashboardOutlined, LoginOutlined, MonitorOutlined } from "@ant-design/icons";
import type { FeatureCollection } from "@wangge/core";
import { Button, Layout, Menu, Result, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Link, Outlet, Route, Routes, useLocation, useNavigate } from "react-router";
import { ConfigGate } from "../../components/ConfigGate.tsx";
import { ConsoleProviders } from "../../components/ConsoleProviders.tsx";
import { LanguageSwitch } from "../../components/LanguageSwitch.tsx";
import { BoundaryPreview } from "../../features/areas/components/BoundaryPreview.tsx";
import { LoginForm } from "../../features/auth/components/LoginForm.tsx";
import { SystemStatus } from "../../features/platform/components/SystemStatus.tsx";
import { WgMap } from "../../lib/map/WgMap.tsx";

/** The office console (PC): navigation on the left, the work in the middle. */
export function ConsoleApp() {
  return (
    <ConsoleProviders app="console">
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route element={<ConsoleLayout />}>
            <Route index element={<DashboardPage />} />
            <Route path="system" element={<SystemPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </ConsoleProviders>
  );
}

function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <div style={{ minHeight: "100vh", display: "grid", placeItems: "center", background: "#f5f5f5" }}>
      <Space direction="vertical" align="center" size="large">
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("app.console")}
        </Typography.Title>
        <LoginForm title={t("auth.title")} onSignedIn={() => navigate("/")} />
        <Space>
          <LanguageSwitch />
          <Link to="/">{t("auth.backToApp")}</Link>
        </Space>
      </Space>
    </div>
  );
}

function ConsoleLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const selected = location.pathname === "/" ? "dashboard" : (location.pathname.slice(1).split("/")[0] ?? "dashboard");
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={56} theme="light" width={208}>
        <div style={{ padding: "16px 20px", fontWeight: 700, fontSize: 18, color: "#b71c1c" }}>{t("app.name")}</div>
        <Menu
          mode="inline"
          selectedKeys={[selected]}
          aria-label={t("app.console")}
          items={[
            { key: "dashboard", icon: <DashboardOutlined />, label: t("nav.dashboard"), onClick: () => navigate("/") },
            { key: "system", icon: <MonitorOutlined />, label: t("nav.system"), onClick: () => navigate("/system") },
            {
              key: "api-docs",
              icon: <ApiOutlined />,
              label: (
                <a href="/api/docs" target="_blank" rel="noreferrer">
                  {t("nav.apiDocs")}
                </a>
              ),
            },
          ]}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: "#fff",
            display: "flex",
            alignItems: "center",
            justifyContent: "space-between",
            paddingInline: 24,
          }}
        >
          <Typography.Text strong>{t("app.tagline")}</Typography.Text>
          <Space>
            <LanguageSwitch />
            <Button icon={<LoginOutlined />} onClick={() => navigate("/login")}>
              {t("nav.signIn")}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

function DashboardPage() {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<FeatureCollection>();
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t("dashboard.title")}
      </Typography.Title>
      <Typography.Text type="secondary">{t("dashboard.noAreas")}</Typography.Text>
      <BoundaryPreview onChange={setPreview} />
      <ConfigGate>
        {(config) => (
          <WgMap config={config.map} features={preview} height="calc(100vh - 260px)" label={t("dashboard.mapTitle")} />
        )}
      </ConfigGate>
    </Space>
  );
}

function SystemPage() {
  return <ConfigGate>{(config) => <SystemStatus config={config} />}</ConfigGate>;
}

function NotFoundPage() {
  const { t } = useTranslation();
  return <Result status="404" title={t("common.notFound")} extra={<Link to="/">{t("common.backHome")}</Link>} />;
}
