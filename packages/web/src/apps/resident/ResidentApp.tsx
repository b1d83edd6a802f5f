import { Button, ErrorBlock, List, Switch } from "antd-mobile";
import { AppOutline, EditSOutline, FileOutline, MessageOutline, UserOutline } from "antd-mobile-icons";
import { type ComponentType, Suspense, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Route, Routes, useLocation, useNavigate, useParams, useSearchParams } from "react-router";
import { MobileLanguageSwitch } from "../../components/MobileLanguageSwitch.tsx";
import { MobileProviders } from "../../components/MobileProviders.tsx";
import { MobileShell } from "../../components/MobileShell.tsx";
import { useLargeText } from "../../lib/large-text.ts";
import { lazyNamed } from "../../lib/lazy-named.ts";
import { SessionProvider, useSession } from "../../lib/session.tsx";
import { ResidentHome } from "./ResidentHome.tsx";
import { RESIDENT_FEATURES, type ResidentFeature } from "./resident-features.tsx";

// The home page is the first screen; signing in, the reports and every feature are fetched on their first tap.
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
// 一库通: a village's 四务公开, fetched on the first tap (features/disclosures).
const ResidentLibrary = lazyNamed(
  () => import("../../features/disclosures/components/ResidentLibrary.tsx"),
  "ResidentLibrary",
);

/** Each feature's screen, made lazy once (not on every render). */
const FEATURE_SCREENS: { feature: ResidentFeature; Screen: ComponentType }[] = RESIDENT_FEATURES.map((feature) => ({
  feature,
  Screen: lazyNamed(feature.screen, "ResidentScreen"),
}));

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

/** Only a path inside the app is followed after signing in (never another site). */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}

function ResidentLogin() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  return (
    <div style={{ padding: "48px 16px" }}>
      <h1 style={{ textAlign: "center", color: "#b71c1c" }}>{t("app.resident")}</h1>
      <Suspense fallback={null}>
        <ResidentOtpLogin onSignedIn={() => navigate(next, { replace: true })} />
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
  const signedIn = (element: React.ReactNode) => (session.me ? element : <SignInFirst loading={session.loading} />);
  return (
    <MobileShell
      title={t("app.resident")}
      tabs={[
        { key: "/", title: t("nav.home"), icon: <AppOutline /> },
        { key: "/inbox", title: t("notices.resident.tab"), icon: <MessageOutline /> },
        { key: "/reports", title: t("residentEvents.tab"), icon: <EditSOutline /> },
        { key: "/library", title: t("disclosures.tab"), icon: <FileOutline /> },
        { key: "/me", title: t("nav.me"), icon: <UserOutline /> },
      ]}
    >
      <Suspense fallback={null}>
        <Routes>
          <Route index element={<ResidentHome features={RESIDENT_FEATURES} />} />
          <Route
            path="reports"
            element={signedIn(
              <ResidentReportList onOpen={(id) => navigate(`/reports/${id}`)} onNew={() => navigate("/reports/new")} />,
            )}
          />
          <Route
            path="reports/new"
            element={signedIn(
              <ResidentReportForm onReported={(id) => navigate(`/reports/${id}`, { replace: true })} />,
            )}
          />
          <Route path="reports/:id" element={signedIn(<ReportDetailRoute />)} />
          <Route path="my" element={signedIn(<MyRecordPage onOpen={(page) => navigate(`/my/${page}`)} />)} />
          <Route path="my/household" element={signedIn(<MyHouseholdPage />)} />
          <Route path="my/subsidies" element={signedIn(<MySubsidiesPage />)} />
          <Route path="my/access-log" element={signedIn(<MyAccessLogPage />)} />
          <Route
            path="library/*"
            element={<ResidentLibrary signedIn={Boolean(session.me)} onSignIn={() => navigate("/login")} />}
          />
          {FEATURE_SCREENS.map(({ feature, Screen }) => (
            <Route
              key={feature.path}
              path={`${feature.path}/*`}
              element={feature.signedIn ? signedIn(<Screen />) : <Screen />}
            />
          ))}
          <Route path="me" element={<MePage />} />
          <Route path="*" element={<ErrorBlock status="empty" title={t("common.notFound")} description="" />} />
        </Routes>
      </Suspense>
    </MobileShell>
  );
}

function MePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useSession();
  const [large, setLarge] = useLargeText();
  return (
    <>
      <List header={t("resident.display")}>
        <List.Item
          description={t("resident.largeTextHint")}
          extra={<Switch checked={large} onChange={setLarge} aria-label={t("resident.largeText")} />}
        >
          {t("resident.largeText")}
        </List.Item>
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
  );
}

function ReportDetailRoute() {
  const { id } = useParams();
  const navigate = useNavigate();
  return id ? <ResidentReportDetail id={id} onBack={() => navigate("/reports")} /> : null;
}

/**
 * Pages for signed-in residents: while the session is still being read, nothing; then what the page
 * is for and the way to sign in, coming back here afterwards.
 */
function SignInFirst({ loading }: { loading: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const next = useMemo(() => `${location.pathname}${location.search}`, [location]);
  if (loading) return null;
  return (
    <div style={{ padding: 24 }}>
      <ErrorBlock status="default" title={t("resident.signInTitle")} description={t("resident.signInWhy")} />
      <Button
        block
        color="primary"
        size="large"
        style={{ marginTop: 16 }}
        onClick={() => navigate(`/login?next=${encodeURIComponent(next)}`)}
      >
        {t("nav.signIn")}
      </Button>
    </div>
  );
}
