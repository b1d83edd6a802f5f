import { Button, Card, ErrorBlock, List } from "antd-mobile";
import { AppOutline, EditSOutline, UserOutline } from "antd-mobile-icons";
import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Route, Routes, useNavigate, useParams } from "react-router";
import { MobileLanguageSwitch } from "../../components/MobileLanguageSwitch.tsx";
import { MobileProviders } from "../../components/MobileProviders.tsx";
import { MobileShell } from "../../components/MobileShell.tsx";
import { lazyNamed } from "../../lib/lazy-named.ts";
import { SessionProvider, useSession } from "../../lib/session.tsx";

// The home page is the first screen; signing in and the reports are fetched on their first tap.
const ResidentOtpLogin = lazyNamed(
  () => import("../../features/auth/components/ResidentOtpLogin.tsx"),
  "ResidentOtpLogin",
);
const reports = () => import("../../features/events/components/ResidentReports.tsx");
const ResidentReportDetail = lazyNamed(reports, "ResidentReportDetail");
const ResidentReportForm = lazyNamed(reports, "ResidentReportForm");
const ResidentReportList = lazyNamed(reports, "ResidentReportList");
const myRecord = () => import("../../features/residents/components/MyRecord.tsx");
const MyRecordPage = lazyNamed(myRecord, "MyRecordPage");
const MyHouseholdPage = lazyNamed(myRecord, "MyHouseholdPage");
const MySubsidiesPage = lazyNamed(myRecord, "MySubsidiesPage");
const MyAccessLogPage = lazyNamed(myRecord, "MyAccessLogPage");

/** The resident's H5 app (opened from WeChat or a browser): kept small for weak phones. */
export function ResidentApp() {
  return (
    <MobileProviders app="resident">
      <SessionProvider>
        <BrowserRouter basename="/h5">
          <Routes>
            <Route path="/login" element={<ResidentLogin />} />
            <Route path="*" element={<ResidentMain />} />
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </MobileProviders>
  );
}

function ResidentLogin() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <div style={{ padding: "48px 16px" }}>
      <h1 style={{ textAlign: "center", color: "#b71c1c" }}>{t("app.resident")}</h1>
      <Suspense fallback={null}>
        <ResidentOtpLogin onSignedIn={() => navigate("/")} />
      </Suspense>
      <div style={{ marginTop: 24 }}>
        <MobileLanguageSwitch />
      </div>
    </div>
  );
}

function ResidentMain() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useSession();
  return (
    <MobileShell
      title={t("app.resident")}
      tabs={[
        { key: "/", title: t("nav.home"), icon: <AppOutline /> },
        { key: "/reports", title: t("residentEvents.tab"), icon: <EditSOutline /> },
        { key: "/me", title: t("nav.me"), icon: <UserOutline /> },
      ]}
    >
      <Suspense fallback={null}>
        <Routes>
          <Route
            index
            element={
              <div style={{ padding: 12 }}>
                <Card title={t("resident.welcome")}>{t("resident.intro")}</Card>
                <Button
                  block
                  color="primary"
                  size="large"
                  style={{ marginTop: 16 }}
                  onClick={() => navigate("/reports/new")}
                >
                  {t("residentEvents.report")}
                </Button>
              </div>
            }
          />
          <Route
            path="reports"
            element={
              session.me ? (
                <ResidentReportList
                  onOpen={(id) => navigate(`/reports/${id}`)}
                  onNew={() => navigate("/reports/new")}
                />
              ) : (
                <SignInFirst loading={session.loading} />
              )
            }
          />
          <Route
            path="reports/new"
            element={
              session.me ? (
                <ResidentReportForm onReported={(id) => navigate(`/reports/${id}`, { replace: true })} />
              ) : (
                <SignInFirst loading={session.loading} />
              )
            }
          />
          <Route
            path="reports/:id"
            element={session.me ? <ReportDetailRoute /> : <SignInFirst loading={session.loading} />}
          />
          <Route
            path="my"
            element={
              session.me ? (
                <MyRecordPage onOpen={(page) => navigate(`/my/${page}`)} />
              ) : (
                <SignInFirst loading={session.loading} />
              )
            }
          />
          <Route
            path="my/household"
            element={session.me ? <MyHouseholdPage /> : <SignInFirst loading={session.loading} />}
          />
          <Route
            path="my/subsidies"
            element={session.me ? <MySubsidiesPage /> : <SignInFirst loading={session.loading} />}
          />
          <Route
            path="my/access-log"
            element={session.me ? <MyAccessLogPage /> : <SignInFirst loading={session.loading} />}
          />
          <Route
            path="me"
            element={
              <>
                <List header={t("language.label")}>
                  <List.Item>
                    <MobileLanguageSwitch />
                  </List.Item>
                </List>
                <List>
                  {session.me ? (
                    <>
                      <List.Item>
                        <span translate="no">{session.me.user.displayName}</span>
                      </List.Item>
                      <List.Item arrow onClick={() => navigate("/my")}>
                        {t("residents.myRecord")}
                      </List.Item>
                      <List.Item onClick={() => session.signOut()}>{t("nav.signOut")}</List.Item>
                    </>
                  ) : (
                    <List.Item onClick={() => navigate("/login")}>{t("nav.signIn")}</List.Item>
                  )}
                </List>
              </>
            }
          />
          <Route path="*" element={<ErrorBlock status="empty" title={t("common.notFound")} description="" />} />
        </Routes>
      </Suspense>
    </MobileShell>
  );
}

function ReportDetailRoute() {
  const { id } = useParams();
  return id ? <ResidentReportDetail id={id} /> : null;
}

/** Pages for signed-in residents: while the session is still being read, nothing; then the way to sign in. */
function SignInFirst({ loading }: { loading: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  if (loading) return null;
  return (
    <div style={{ padding: 24 }}>
      <Button block color="primary" onClick={() => navigate("/login")}>
        {t("nav.signIn")}
      </Button>
    </div>
  );
}
