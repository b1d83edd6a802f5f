import type { ScreenKiosk } from "@wangge/core";
import { Badge, Button, Space, Typography } from "antd";
import { Suspense, useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Link, Navigate, Route, Routes, useNavigate } from "react-router";
import { ConfigGate } from "../../components/ConfigGate.tsx";
import { ConsoleProviders } from "../../components/ConsoleProviders.tsx";
import { LanguageSwitch } from "../../components/LanguageSwitch.tsx";
import { LoginForm } from "../../features/auth/components/LoginForm.tsx";
import { useHealth } from "../../features/platform/hooks/use-health.ts";
import { forgetKiosk, getKiosk, openKiosk } from "../../features/screen/api/screen.ts";
import { toApiError } from "../../lib/api-client.ts";
import { errorMessageKey } from "../../lib/error-message.ts";
import { lazyNamed } from "../../lib/lazy-named.ts";
import { SessionProvider, useSession } from "../../lib/session.tsx";

// The wall (charts, map) arrives after the shell: the sign-in page stays small.
const ScreenBoard = lazyNamed(() => import("../../features/screen/components/ScreenBoard.tsx"), "ScreenBoard");

/**
 * The command centre's big screen, designed for 1920×1080 and scaled to whatever it is shown on. A
 * kiosk opens it with a big-screen link (`/screen#token=wgs_…`, issued in the console): the fragment
 * never reaches a server log or a Referer; the page posts it once, drops it from the address bar and
 * the server keeps it in a cookie only the screen's API receives — no account, no session to run out.
 * Without a link the wall signs in with a screen account; when that session ends the wall says so
 * (it does not pretend to be live, nor fall back to a sign-in page nobody will read).
 */
export function ScreenApp() {
  return (
    <ConsoleProviders app="screen" dark>
      <KioskGate />
    </ConsoleProviders>
  );
}

type Gate =
  | { kind: "checking" }
  | { kind: "kiosk"; link: NonNullable<ScreenKiosk["link"]> }
  | { kind: "account" }
  | { kind: "invalid" };

/** The secret in `#token=…`, taken out of the address bar at once (it should not stay on a wall's screen). */
function takeTokenFromFragment(): string | undefined {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get("token") ?? undefined;
  if (token) window.history.replaceState(null, "", window.location.pathname + window.location.search);
  return token;
}

/** A link in the fragment or held in the cookie makes a kiosk; else the wall signs in with an account. */
function KioskGate() {
  const [gate, setGate] = useState<Gate>({ kind: "checking" });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let token = takeTokenFromFragment();
    const check = (attempt: number) => {
      (token ? openKiosk(token) : getKiosk()).then(
        (kiosk) => {
          token = undefined;
          if (!stopped) setGate(kiosk.link ? { kind: "kiosk", link: kiosk.link } : { kind: "account" });
        },
        (e) => {
          const error = toApiError(e);
          if (stopped) return;
          if (error.code === "SCREEN_LINK_INVALID") setGate({ kind: "invalid" });
          // The server is starting or the network is down: a wall waits and asks again.
          else if (error.status === 0 || error.status >= 500 || error.code === "RATE_LIMITED")
            timer = setTimeout(() => check(attempt + 1), Math.min(30_000, 1000 * 2 ** attempt));
          else setGate({ kind: "account" });
        },
      );
    };
    check(0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  if (gate.kind === "checking") return <div style={page} />;
  if (gate.kind === "invalid")
    return <LinkInvalid onUseAccount={() => void forgetKiosk().finally(() => setGate({ kind: "account" }))} />;
  if (gate.kind === "kiosk") return <KioskScreen link={gate.link} onInvalid={() => setGate({ kind: "invalid" })} />;
  return (
    <SessionProvider>
      <BrowserRouter basename="/screen">
        <Routes>
          <Route path="/login" element={<ScreenLogin />} />
          <Route path="*" element={<RequireScreen />} />
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}

/** The wall's link was revoked or ran out: said plainly, with the way back. */
function LinkInvalid({ onUseAccount }: { onUseAccount: () => void }) {
  const { t } = useTranslation();
  return (
    <div style={{ ...page, display: "grid", placeItems: "center", textAlign: "center" }}>
      <Space direction="vertical" align="center" size="large" role="alert">
        <Typography.Title level={1} style={{ margin: 0 }}>
          {t("screenLinks.invalidTitle")}
        </Typography.Title>
        <Typography.Text style={{ fontSize: 24, color: "#90a4ae" }}>{t("screenLinks.invalidHint")}</Typography.Text>
        <Button size="large" onClick={onUseAccount}>
          {t("screenLinks.useAccount")}
        </Button>
        <LanguageSwitch />
      </Space>
    </div>
  );
}

/**
 * The board with its clock, service status and language, and what names who is watching at the end
 * (the link's name, or the account's sign-out); `over` lies above the board (the session ended).
 */
function Wall({ onSignedOut, who, over }: { onSignedOut: () => void; who: React.ReactNode; over?: React.ReactNode }) {
  return (
    <ConfigGate>
      {(config) => (
        <Suspense fallback={<div style={page} />}>
          <ScreenBoard
            config={config}
            onSignedOut={onSignedOut}
            controls={
              <Space direction="vertical" size={0}>
                <Clock timezone={config.timezone} />
                <Space size="middle">
                  <ServiceStatus />
                  <WhenPointerMoves>
                    <Space size="middle">
                      <LanguageSwitch size="small" />
                      {who}
                    </Space>
                  </WhenPointerMoves>
                </Space>
              </Space>
            }
          />
          {over}
        </Suspense>
      )}
    </ConfigGate>
  );
}

/** A wall opened with a link: the board, its clock and status, and the link's name where sign-out would be. */
function KioskScreen({ link, onInvalid }: { link: NonNullable<ScreenKiosk["link"]>; onInvalid: () => void }) {
  const { t } = useTranslation();
  return (
    <Wall
      onSignedOut={onInvalid}
      who={
        <span data-testid="screen-link-name" title={t("screenLinks.openedWith")} translate="no">
          {link.name}
        </span>
      }
    />
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

/** How long the wall's controls stay after the pointer last moved. */
const CONTROLS_SHOWN_MS = 4000;

/**
 * What a person at the wall needs now and then (language, sign-out), out of sight on the wall itself:
 * it shows while the pointer moves over the page or a key is pressed (Tab to reach it), and fades after.
 */
function WhenPointerMoves({ children }: { children: React.ReactNode }) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = () => {
      setShown(true);
      clearTimeout(timer);
      timer = setTimeout(() => setShown(false), CONTROLS_SHOWN_MS);
    };
    window.addEventListener("pointermove", show);
    window.addEventListener("keydown", show);
    return () => {
      window.removeEventListener("pointermove", show);
      window.removeEventListener("keydown", show);
      clearTimeout(timer);
    };
  }, []);
  return (
    <span
      className="wg-screen-controls"
      data-shown={shown ? "yes" : "no"}
      style={{ opacity: shown ? 1 : 0, transition: "opacity .4s" }}
    >
      {children}
    </span>
  );
}

/** A dot and one word on the wall; the database and version are in its tooltip. */
function ServiceStatus() {
  const { t } = useTranslation();
  const { health, error } = useHealth(30_000);
  if (error) return <Badge status="error" text={t(errorMessageKey(error.code))} />;
  const detail = health ? `${t("system.ok")} · ${t(`system.${health.database}`)} · v${health.version}` : undefined;
  return (
    <span title={detail} data-testid="screen-service-status">
      <Badge status={health ? "success" : "processing"} text={health ? t("system.ok") : t("common.loading")} />
    </span>
  );
}

function ScreenOverview() {
  const session = useSession();
  const [ended, setEnded] = useState(false);
  // The session ended (its 12-hour limit, a sign-out, a revocation): the wall stops claiming to be live
  // and says so over its last picture, rather than falling back to a sign-in page nobody at a wall reads.
  const signedOut = useCallback(() => setEnded(true), []);
  return (
    <Wall
      onSignedOut={signedOut}
      who={<SignOutLink />}
      over={ended ? <SessionEnded onSignIn={() => void session.refresh()} /> : null}
    />
  );
}

/** Over the last picture: the session has ended, the wall no longer updates; sign in again or use a link. */
function SessionEnded({ onSignIn }: { onSignIn: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <div
      role="alertdialog"
      aria-label={t("screenLinks.sessionEndedTitle")}
      style={{
        position: "fixed",
        inset: 0,
        zIndex: 2000,
        background: "rgba(4,16,29,.86)",
        display: "grid",
        placeItems: "center",
        textAlign: "center",
        color: "#e3f2fd",
      }}
    >
      <Space direction="vertical" align="center" size="large">
        <Typography.Title level={1} style={{ margin: 0 }}>
          {t("screenLinks.sessionEndedTitle")}
        </Typography.Title>
        <Typography.Text style={{ fontSize: 24, color: "#90a4ae" }}>
          {t("screenLinks.sessionEndedHint")}
        </Typography.Text>
        <Button
          size="large"
          type="primary"
          onClick={() => {
            onSignIn();
            navigate("/login", { replace: true });
          }}
        >
          {t("screenLinks.signInAgain")}
        </Button>
      </Space>
    </div>
  );
}
