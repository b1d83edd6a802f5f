import {
  AlertOutlined,
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  BarChartOutlined,
  DashboardOutlined,
  DesktopOutlined,
  FileTextOutlined,
  GiftOutlined,
  HomeOutlined,
  LogoutOutlined,
  MonitorOutlined,
  NotificationOutlined,
  ProjectOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  UserOutlined,
  WarningOutlined,
} from "@ant-design/icons";
import type { FeatureCollection } from "@wangge/core";
import { Button, Layout, Menu, Result, Space, Spin, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Link, Navigate, Outlet, Route, Routes, useLocation, useNavigate } from "react-router";
import { ConfigGate } from "../../components/ConfigGate.tsx";
import { ConsoleProviders } from "../../components/ConsoleProviders.tsx";
import { LanguageSwitch } from "../../components/LanguageSwitch.tsx";
import { AreaExplorer } from "../../features/areas/components/AreaExplorer.tsx";
import { BoundaryPreview } from "../../features/areas/components/BoundaryPreview.tsx";
import { AuditPage } from "../../features/audit/components/AuditPage.tsx";
import { LoginForm } from "../../features/auth/components/LoginForm.tsx";
import { DisclosuresPage } from "../../features/disclosures/components/DisclosuresPage.tsx";
import { EventsPage } from "../../features/events/components/EventsPage.tsx";
import { Workbench } from "../../features/figures/components/Workbench.tsx";
import { ConsoleBell } from "../../features/notices/components/ConsoleBell.tsx";
import { NoticesPage } from "../../features/notices/components/NoticesPage.tsx";
import { SystemStatus } from "../../features/platform/components/SystemStatus.tsx";
import { ProjectsPage } from "../../features/projects/components/ProjectsPage.tsx";
import { RegistryPage } from "../../features/registry/components/RegistryPage.tsx";
import { ReportsPage } from "../../features/reports/components/ReportsPage.tsx";
import { RiskPage } from "../../features/risk/components/RiskPage.tsx";
import { RolesPage } from "../../features/roles/components/RolesPage.tsx";
import { ScreenLinksPage } from "../../features/screen/components/ScreenLinksPage.tsx";
import { SubsidiesPage } from "../../features/subsidies/components/SubsidiesPage.tsx";
import { UsersPage } from "../../features/users/components/UsersPage.tsx";
import { VisitHistory } from "../../features/visits/components/VisitHistory.tsx";
import { VisitsPage } from "../../features/visits/components/VisitsPage.tsx";
import { useMyAreas, withMyAreas } from "../../lib/map/my-areas.ts";
import { WgMap } from "../../lib/map/WgMap.tsx";
import { SessionProvider, useSession } from "../../lib/session.tsx";

/** The office console (PC): sign-in, then navigation on the left showing only what the user's roles allow. */
export function ConsoleApp() {
  return (
    <ConsoleProviders app="console">
      <SessionProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route element={<RequireSession />}>
              <Route element={<ConsoleLayout />}>
                <Route index element={<DashboardPage />} />
                <Route path="system" element={<SystemPage />} />
                <Route
                  path="areas"
                  element={
                    <Allowed
                      permission="area.read"
                      render={(s) => (
                        <ConfigGate>
                          {(config) => <AreaExplorer config={config} canManage={s.can("area.manage")} />}
                        </ConfigGate>
                      )}
                    />
                  }
                />
                <Route
                  path="registry"
                  element={
                    <Allowed
                      permission="person.read"
                      render={(s) => (
                        <ConfigGate>
                          {(config) => (
                            <RegistryPage
                              config={config}
                              canManage={s.can("person.manage")}
                              canReveal={s.can("person.reveal")}
                              areaCode={s.me?.assignments.find((a) => a.areaCode)?.areaCode ?? null}
                              visitHistory={(subject) => <VisitHistory {...subject} />}
                            />
                          )}
                        </ConfigGate>
                      )}
                    />
                  }
                />
                <Route
                  path="events"
                  element={<Allowed permission="event.read" render={(s) => <EventsRoute session={s} canRead />} />}
                />
                <Route path="event-settings" element={<EventSettingsRoute />} />
                <Route path="visits" element={<VisitsRoute />} />
                <Route path="notices" element={<NoticesRoute />} />
                <Route path="risk" element={<RiskRoute />} />
                <Route
                  path="reports"
                  element={
                    <Allowed
                      permission="report.read"
                      render={(s) =>
                        canSeeReports(s) ? (
                          <ConfigGate>
                            {(config) => (
                              <ReportsPage
                                config={config}
                                canWrite={s.can("report.write")}
                                areaCode={s.me?.assignments.find((a) => a.areaCode)?.areaCode ?? null}
                              />
                            )}
                          </ConfigGate>
                        ) : (
                          <NotFoundPage />
                        )
                      }
                    />
                  }
                />
                <Route path="disclosures" element={<DisclosuresRoute />} />
                <Route
                  path="projects"
                  element={<Allowed permission="project.manage" render={() => <ProjectsPage />} />}
                />
                <Route
                  path="subsidies"
                  element={
                    <Allowed
                      permission="disclosure.manage"
                      render={(s) => (
                        <SubsidiesPage areaCode={s.me?.assignments.find((a) => a.areaCode)?.areaCode ?? null} />
                      )}
                    />
                  }
                />
                <Route
                  path="users"
                  element={
                    <Allowed
                      permission="user.read"
                      render={(s) => (
                        <UsersPage
                          canManage={s.can("user.manage")}
                          canReadAreas={s.can("area.read")}
                          isAuditor={s.can("audit.read") && s.can("audit.export")}
                          currentUserId={s.me?.user.id ?? ""}
                        />
                      )}
                    />
                  }
                />
                <Route
                  path="roles"
                  element={
                    <Allowed
                      permission="user.read"
                      render={(s) => (
                        <RolesPage
                          canEdit={s.canEverywhere("role.manage")}
                          isAuditor={s.canEverywhere("audit.read") && s.canEverywhere("audit.export")}
                        />
                      )}
                    />
                  }
                />
                <Route
                  path="screen-links"
                  element={
                    <Allowed
                      permission="screen.manage"
                      render={() => (
                        <ConfigGate>{(config) => <ScreenLinksPage timezone={config.timezone} />}</ConfigGate>
                      )}
                    />
                  }
                />
                <Route
                  path="audit"
                  element={
                    <Allowed
                      permission="audit.read"
                      render={(s) => (
                        <ConfigGate>
                          {(config) => <AuditPage canExport={s.can("audit.export")} timezone={config.timezone} />}
                        </ConfigGate>
                      )}
                    />
                  }
                />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Route>
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </ConsoleProviders>
  );
}

/** The events pages: the inbox for readers of events; only settings and integrations for administrators. */
function EventsRoute({ session: s, canRead }: { session: ReturnType<typeof useSession>; canRead: boolean }) {
  return (
    <ConfigGate>
      {(config) => (
        <EventsPage
          config={config}
          permissions={{
            canRead,
            canReport: canRead && s.can("event.report"),
            canHandle: canRead && s.can("event.handle"),
            canMediate: canRead && s.can("mediation.handle"),
            // The deployment's own settings: offered only to who holds them for the whole deployment.
            canConfigure: s.canEverywhere("event.configure"),
            canManageSystem: s.canEverywhere("system.manage"),
            userId: s.me?.user.id ?? "",
          }}
        />
      )}
    </ConfigGate>
  );
}

/**
 * Visits: coverage, close-outs and signals for readers of reports, the plans for who edits them. Grid
 * workers record visits and close out their day in the field app.
 */
const canSeeVisits = (s: ReturnType<typeof useSession>) => s.can("report.read") || s.canEverywhere("visit.configure");

/**
 * 报告: reports list matters by title, so they are read where report.read and event.read are both held
 * (core's reportReadScope; the system administrator holds neither).
 */
const canSeeReports = (s: ReturnType<typeof useSession>) => s.can("report.read") && s.can("event.read");

/** 通知公告: senders of notices, and whoever configures the deployment's devices (the loudspeakers). */
const canSeeNotices = (s: ReturnType<typeof useSession>) => s.can("notice.send") || s.canEverywhere("event.configure");

function NoticesRoute() {
  const s = useSession();
  if (!canSeeNotices(s)) return <NotFoundPage />;
  return <NoticesPage canSend={s.can("notice.send")} canConfigure={s.canEverywhere("event.configure")} />;
}

function VisitsRoute() {
  const s = useSession();
  if (!canSeeVisits(s)) return <NotFoundPage />;
  return (
    <VisitsPage
      canReadReports={s.can("report.read")}
      canReadVisits={s.can("person.read")}
      canListDue={s.can("visit.manage")}
      canConfigure={s.canEverywhere("visit.configure")}
      areaCode={s.me?.assignments.find((a) => a.areaCode)?.areaCode ?? null}
    />
  );
}

/** Risk early warning: alerts for who reads risk; rules, playbooks and sensitive dates also for who configures it. */
const canSeeRisk = (s: ReturnType<typeof useSession>) => s.can("risk.read") || s.can("risk.configure");

function RiskRoute() {
  const s = useSession();
  if (!canSeeRisk(s)) return <NotFoundPage />;
  return (
    <RiskPage
      canRead={s.can("risk.read")}
      canHandle={s.can("risk.handle")}
      canConfigure={s.can("risk.configure")}
      canConfigureEverywhere={s.canEverywhere("risk.configure")}
      areaCode={s.me?.assignments.find((a) => a.areaCode)?.areaCode ?? null}
    />
  );
}

/** 四务公开: writing and answering (disclosure.manage), the township's review, the kinds that need it. */
const canSeeDisclosures = (s: ReturnType<typeof useSession>) =>
  s.can("disclosure.manage") || s.can("disclosure.review") || s.canEverywhere("disclosure.configure");

function DisclosuresRoute() {
  const s = useSession();
  if (!canSeeDisclosures(s)) return <NotFoundPage />;
  return (
    <DisclosuresPage
      canManage={s.can("disclosure.manage")}
      canReview={s.can("disclosure.review")}
      canConfigure={s.canEverywhere("disclosure.configure")}
      villageCode={s.me?.assignments.find((a) => a.roleKey === "village_official")?.areaCode ?? undefined}
    />
  );
}

/** Whether the user may see the deployment's event settings (categories, calendar, devices, Open311 keys). */
const canSeeEventSettings = (s: ReturnType<typeof useSession>) =>
  s.canEverywhere("event.configure") || s.canEverywhere("system.manage");

/** The event settings, or — reached by its address without the right — what the user cannot do there, and why. */
function EventSettingsRoute() {
  const { t } = useTranslation();
  const session = useSession();
  if (canSeeEventSettings(session)) return <EventsRoute session={session} canRead={false} />;
  return (
    <Result
      status="403"
      title={t("deployment.settingsTitle")}
      subTitle={t("deployment.settingsExplain", {
        configure: t("permissions.event_configure"),
        system: t("permissions.system_manage"),
      })}
      extra={<Link to="/">{t("common.backHome")}</Link>}
    />
  );
}

function RequireSession() {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <Spin style={{ display: "block", marginTop: 120 }} />;
  if (!me || me.restriction) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname)}`} replace />;
  return <Outlet />;
}

function Allowed({
  permission,
  render,
}: {
  permission: Parameters<ReturnType<typeof useSession>["can"]>[0];
  render: (s: ReturnType<typeof useSession>) => JSX.Element;
}) {
  const session = useSession();
  return session.can(permission) ? render(session) : <NotFoundPage />;
}

function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const next = new URLSearchParams(location.search).get("next");
  return (
    <div style={{ minHeight: "100vh", display: "grid", placeItems: "center", background: "#f5f5f5" }}>
      <Space direction="vertical" align="center" size="large">
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("app.console")}
        </Typography.Title>
        <LoginForm
          title={t("auth.title")}
          onSignedIn={() => navigate(next?.startsWith("/") ? next : "/", { replace: true })}
        />
        <LanguageSwitch />
      </Space>
    </div>
  );
}

function ConsoleLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const session = useSession();
  const selected = location.pathname === "/" ? "dashboard" : (location.pathname.slice(1).split("/")[0] ?? "dashboard");
  const items = [
    { key: "dashboard", icon: <DashboardOutlined />, label: t("nav.dashboard"), onClick: () => navigate("/") },
    ...(session.can("area.read")
      ? [{ key: "areas", icon: <ApartmentOutlined />, label: t("nav.areas"), onClick: () => navigate("/areas") }]
      : []),
    ...(session.can("person.read")
      ? [{ key: "registry", icon: <UserOutlined />, label: t("nav.registry"), onClick: () => navigate("/registry") }]
      : []),
    ...(session.can("event.read")
      ? [{ key: "events", icon: <AlertOutlined />, label: t("nav.events"), onClick: () => navigate("/events") }]
      : canSeeEventSettings(session)
        ? [
            {
              key: "event-settings",
              icon: <AlertOutlined />,
              label: t("nav.eventSettings"),
              onClick: () => navigate("/event-settings"),
            },
          ]
        : []),
    ...(canSeeVisits(session)
      ? [{ key: "visits", icon: <HomeOutlined />, label: t("nav.visits"), onClick: () => navigate("/visits") }]
      : []),
    ...(session.can("disclosure.manage")
      ? [{ key: "subsidies", icon: <GiftOutlined />, label: t("nav.subsidies"), onClick: () => navigate("/subsidies") }]
      : []),
    ...(canSeeDisclosures(session)
      ? [
          {
            key: "disclosures",
            icon: <FileTextOutlined />,
            label: t("nav.disclosures"),
            onClick: () => navigate("/disclosures"),
          },
        ]
      : []),
    ...(session.can("project.manage")
      ? [
          {
            key: "projects",
            icon: <ProjectOutlined />,
            label: t("nav.projects"),
            onClick: () => navigate("/projects"),
          },
        ]
      : []),
    ...(canSeeNotices(session)
      ? [
          {
            key: "notices",
            icon: <NotificationOutlined />,
            label: t("notices.menu"),
            onClick: () => navigate("/notices"),
          },
        ]
      : []),
    ...(canSeeRisk(session)
      ? [{ key: "risk", icon: <WarningOutlined />, label: t("nav.risk"), onClick: () => navigate("/risk") }]
      : []),
    ...(canSeeReports(session)
      ? [{ key: "reports", icon: <BarChartOutlined />, label: t("nav.reports"), onClick: () => navigate("/reports") }]
      : []),
    ...(session.can("user.read")
      ? [
          { key: "users", icon: <TeamOutlined />, label: t("nav.users"), onClick: () => navigate("/users") },
          {
            key: "roles",
            icon: <SafetyCertificateOutlined />,
            label: t("nav.roles"),
            onClick: () => navigate("/roles"),
          },
        ]
      : []),
    ...(session.can("screen.manage")
      ? [
          {
            key: "screen-links",
            icon: <DesktopOutlined />,
            label: t("nav.screenLinks"),
            onClick: () => navigate("/screen-links"),
          },
        ]
      : []),
    ...(session.can("audit.read")
      ? [{ key: "audit", icon: <AuditOutlined />, label: t("nav.audit"), onClick: () => navigate("/audit") }]
      : []),
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
  ];
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={56} theme="light" width={208}>
        <div style={{ padding: "16px 20px", fontWeight: 700, fontSize: 18, color: "#b71c1c" }}>{t("app.name")}</div>
        <Menu mode="inline" selectedKeys={[selected]} aria-label={t("app.console")} items={items} />
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
            <ConsoleBell
              onOpenEvent={(id) => navigate(`/events?open=${encodeURIComponent(id)}`)}
              onOpenAlerts={() => navigate("/risk")}
            />
            <LanguageSwitch />
            <Typography.Text data-testid="current-user" translate="no">
              {session.me?.user.displayName}
            </Typography.Text>
            <Button
              icon={<LogoutOutlined />}
              onClick={() => session.signOut().then(() => navigate("/login", { replace: true }))}
            >
              {t("nav.signOut")}
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

/** 工作台: the figures of the user's areas for readers of events; otherwise the map of their areas. */
function DashboardPage() {
  const session = useSession();
  const mine = useMyAreas();
  const [preview, setPreview] = useState<FeatureCollection>();
  if (session.can("event.read"))
    return (
      <ConfigGate>
        {(config) => (
          <Workbench
            config={config}
            mine={mine}
            preview={preview}
            mapTools={<BoundaryPreview onChange={setPreview} />}
            canReadVisits={session.can("person.read") && session.can("report.read")}
            canReadVisitsDue={session.can("report.read")}
            canListDue={session.can("visit.manage")}
          />
        )}
      </ConfigGate>
    );
  return <AreasMapPage mine={mine} />;
}

function AreasMapPage({ mine }: { mine: ReturnType<typeof useMyAreas> }) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<FeatureCollection>();
  const features = useMemo(() => withMyAreas(mine, preview), [mine, preview]);
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t("dashboard.title")}
      </Typography.Title>
      {mine && mine.areas.length > 0 ? (
        <Typography.Text type="secondary">
          {t("dashboard.yourAreas")} <span translate="no">{mine.areas.map((a) => a.name).join("、")}</span>
          {mine.features.features.length === 0 ? ` ${t("dashboard.noAreas")}` : ""}
        </Typography.Text>
      ) : mine ? (
        <Typography.Text type="secondary">{t("dashboard.noAreas")}</Typography.Text>
      ) : null}
      <BoundaryPreview onChange={setPreview} />
      <ConfigGate>
        {(config) => (
          <WgMap config={config.map} features={features} height="calc(100vh - 260px)" label={t("dashboard.mapTitle")} />
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
