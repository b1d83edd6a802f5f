import { Dialog, DotLoading, ErrorBlock, List, NoticeBar, Tag } from "antd-mobile";
import {
  CheckShieldOutline,
  EnvironmentOutline,
  TeamOutline,
  UnorderedListOutline,
  UserOutline,
} from "antd-mobile-icons";
import type { TFunction } from "i18next";
import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Navigate, Route, Routes, useNavigate } from "react-router";
import { MobileLanguageSwitch } from "../../components/MobileLanguageSwitch.tsx";
import { MobileProviders } from "../../components/MobileProviders.tsx";
import { MobileShell } from "../../components/MobileShell.tsx";
import { FieldTasks } from "../../features/events/components/FieldTasks.tsx";
import { useLegacyOutboxMove } from "../../features/events/outbox.ts";
import { lazyNamed } from "../../lib/lazy-named.ts";
import { fieldKeptSession, useQueue, useVault, VaultProvider } from "../../lib/offline/field-vault.tsx";
import type { Reach } from "../../lib/reachability.ts";
import { SessionProvider, useSession } from "../../lib/session.tsx";
import { useClientConfig } from "../../lib/use-client-config.ts";
import { useReach } from "../../lib/use-online.ts";
import { useFieldSync } from "./sync.ts";

// The task list is the first screen; every other screen is fetched on its first tap.
const MobileLoginForm = lazyNamed(
  () => import("../../features/auth/components/MobileLoginForm.tsx"),
  "MobileLoginForm",
);
const FieldReport = lazyNamed(() => import("../../features/events/components/FieldReport.tsx"), "FieldReport");
const FieldTask = lazyNamed(() => import("../../features/events/components/FieldTask.tsx"), "FieldTask");
const residents = () => import("../../features/registry/components/FieldResidents.tsx");
const FieldResidents = lazyNamed(residents, "FieldResidents");
const FieldHousehold = lazyNamed(residents, "FieldHousehold");
const FieldPerson = lazyNamed(residents, "FieldPerson");
// The offline PIN's screens (the service worker keeps them with every other chunk).
const VaultPinGate = lazyNamed(() => import("./VaultPin.tsx"), "VaultPinGate");
const VaultPinSetup = lazyNamed(() => import("./VaultPin.tsx"), "VaultPinSetup");
const FieldGridMap = lazyNamed(() => import("./FieldGridMap.tsx"), "FieldGridMap");
const FieldVisits = lazyNamed(() => import("../../features/visits/components/FieldVisits.tsx"), "FieldVisits");
const FieldNotices = lazyNamed(() => import("../../features/notices/components/FieldNotices.tsx"), "FieldNotices");
const FieldVisitForm = lazyNamed(() => import("../../features/visits/components/FieldVisitForm.tsx"), "FieldVisitForm");

/** The grid worker's phone app: tasks, the grid's residents, the grid map, and their own settings. */
export function FieldApp() {
  return (
    <MobileProviders app="field">
      <Suspense fallback={null}>
        <VaultPinGate />
      </Suspense>
      <SessionProvider kept={fieldKeptSession}>
        <VaultProvider>
          <BrowserRouter basename="/field">
            <Routes>
              <Route path="/login" element={<FieldLogin />} />
              <Route path="*" element={<RequireFieldSession />} />
            </Routes>
          </BrowserRouter>
        </VaultProvider>
      </SessionProvider>
    </MobileProviders>
  );
}

function RequireFieldSession() {
  const { me, loading } = useSession();
  if (loading) return <DotLoading />;
  if (!me || me.restriction) return <Navigate to="/login" replace />;
  return <FieldMain />;
}

function FieldLogin() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <div style={{ padding: "48px 16px" }}>
      <h1 style={{ textAlign: "center", color: "#b71c1c" }}>{t("app.field")}</h1>
      <Suspense fallback={<DotLoading />}>
        <MobileLoginForm onSignedIn={() => navigate("/")} />
      </Suspense>
      <div style={{ marginTop: 24 }}>
        <MobileLanguageSwitch />
      </div>
    </div>
  );
}

function FieldMain() {
  const { t } = useTranslation();
  const reach = useReach();
  const online = reach === "online";
  const session = useSession();
  const vault = useVault();
  useLegacyOutboxMove(vault);
  // What was recorded without a network goes out when it returns, whichever tab is open; then the
  // phone's copy of the grid is brought up to date.
  useFieldSync(vault, online, session);
  return (
    <MobileShell
      title={t("app.field")}
      tabs={[
        { key: "/", title: t("nav.tasks"), icon: <UnorderedListOutline /> },
        { key: "/visits", title: t("field.visits.tab"), icon: <CheckShieldOutline /> },
        { key: "/residents", title: t("field.residents"), icon: <TeamOutline /> },
        { key: "/map", title: t("nav.map"), icon: <EnvironmentOutline /> },
        { key: "/me", title: t("nav.me"), icon: <UserOutline /> },
      ]}
    >
      {!online && <NoticeBar content={reachText(t, reach)} color="alert" data-testid="field-offline" />}
      <Suspense fallback={null}>
        <VaultPinSetup />
      </Suspense>
      <Suspense fallback={<DotLoading />}>
        <Routes>
          <Route index element={<FieldTasks />} />
          <Route path="tasks/new" element={<FieldReport />} />
          <Route path="tasks/:id" element={<FieldTask />} />
          <Route path="visits" element={<FieldVisits />} />
          <Route path="visits/new" element={<FieldVisitForm />} />
          <Route path="residents" element={<FieldResidents />} />
          <Route path="residents/households/:id" element={<FieldHousehold />} />
          <Route path="residents/people/:id" element={<FieldPerson />} />
          <Route path="map" element={<FieldGridMap />} />
          <Route path="notices/*" element={<FieldNotices />} />
          <Route path="me" element={<FieldMe reach={reach} />} />
          <Route path="*" element={<ErrorBlock status="empty" title={t("common.notFound")} description="" />} />
        </Routes>
      </Suspense>
    </MobileShell>
  );
}

/** Why records stay on the phone: no network at all, or a network that does not reach the server. */
function reachText(t: TFunction, reach: Reach): string {
  if (reach === "online") return t("field.online");
  return reach === "offline" ? t("field.offline") : t("field.unreachable");
}

function FieldMe({ reach }: { reach: Reach }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useSession();
  const queue = useQueue();
  const { config } = useClientConfig();
  return (
    <>
      <List header={t("field.account")}>
        <List.Item
          description={
            <span translate="no">
              {session.me?.assignments
                .map((a) => a.areaName ?? "")
                .filter(Boolean)
                .join("、")}
            </span>
          }
        >
          <span translate="no">{session.me?.user.displayName}</span>
        </List.Item>
      </List>
      <List>
        <List.Item onClick={() => navigate("/notices")} data-testid="field-notices">
          {t("notices.field.title")}
        </List.Item>
      </List>
      <List header={t("language.label")}>
        <List.Item>
          <MobileLanguageSwitch />
        </List.Item>
      </List>
      <List header={t("field.about")}>
        <List.Item extra={<Tag color={reach === "online" ? "success" : "warning"}>{reachText(t, reach)}</Tag>}>
          {t("field.network")}
        </List.Item>
        <List.Item extra={config?.version ?? "—"}>{t("system.version")}</List.Item>
        <List.Item
          onClick={async () => {
            // Signing out deletes what this phone keeps of the worker, the unsent records with it.
            const unsent = queue.filter((item) => !item.refused).length;
            if (unsent > 0 && !(await Dialog.confirm({ content: t("field.signOutUnsent", { n: unsent }) }))) return;
            await session.signOut();
            navigate("/login", { replace: true });
          }}
        >
          {t("nav.signOut")}
        </List.Item>
      </List>
    </>
  );
}
