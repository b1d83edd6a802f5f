import { Button, Card, Grid } from "antd-mobile";
import { EditSOutline, FileOutline } from "antd-mobile-icons";
import { Component, type ComponentType, type ReactNode, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useLargeText } from "../../lib/large-text.ts";
import { lazyNamed } from "../../lib/lazy-named.ts";
import { useSession } from "../../lib/session.tsx";
import type { ResidentFeature } from "./resident-features.tsx";

const MyReportsSection = lazyNamed(
  () => import("../../features/events/components/ResidentReportsSection.tsx"),
  "ResidentHomeSection",
);

/** Lazy sections, made once per registry entry. */
const sectionCache = new Map<ResidentFeature, ComponentType>();
function sectionOf(feature: ResidentFeature): ComponentType | undefined {
  if (!feature.homeSection) return undefined;
  let section = sectionCache.get(feature);
  if (!section) {
    section = lazyNamed(feature.homeSection, "ResidentHomeSection");
    sectionCache.set(feature, section);
  }
  return section;
}

/** A home section that fails (its chunk, its code) is left out; the rest of the page stays. */
class QuietBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: unknown) {
    console.warn("a home section failed", error);
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

/**
 * The first screen: reporting one tap away, a tile per feature of the registry, then the sections
 * (notices with urgent ones first, my reports, and whatever features registered), each fetched
 * after this page is drawn. It promises only what this deployment has.
 */
export function ResidentHome({ features }: { features: ResidentFeature[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useSession();
  const [large, setLarge] = useLargeText();
  const ordered = [...features].sort((a, b) => a.order - b.order);
  const tiles = [
    { key: "reports/new", title: t("residentEvents.report"), icon: <EditSOutline /> },
    { key: "reports", title: t("residentEvents.mine"), icon: <FileOutline /> },
    ...ordered.flatMap((f) => (f.tile ? [{ key: f.path, title: t(f.tile.titleKey), icon: f.tile.icon }] : [])),
  ];
  return (
    <div style={{ padding: 12, display: "flex", flexDirection: "column", gap: 12 }}>
      <Card
        title={t("resident.welcome")}
        extra={
          <Button size="mini" fill="outline" aria-pressed={large} onClick={() => setLarge(!large)}>
            {large ? t("resident.normalText") : t("resident.largeText")}
          </Button>
        }
      >
        {t("resident.intro")}
      </Card>
      <Button block color="primary" size="large" onClick={() => navigate("/reports/new")}>
        {t("residentEvents.report")}
      </Button>
      <Card>
        <Grid columns={4} gap={8}>
          {tiles.map((tile) => (
            <Grid.Item key={tile.key}>
              <Link
                to={`/${tile.key}`}
                style={{ display: "block", textAlign: "center", color: "inherit", textDecoration: "none" }}
                data-testid={`tile-${tile.key}`}
              >
                <div style={{ fontSize: "1.8em", color: "#b71c1c" }}>{tile.icon}</div>
                <div style={{ fontSize: "0.9em" }}>{tile.title}</div>
              </Link>
            </Grid.Item>
          ))}
        </Grid>
      </Card>
      {ordered.map((f) => {
        const Section = sectionOf(f);
        return Section ? (
          <QuietBoundary key={f.path}>
            <Suspense fallback={null}>
              <Section />
            </Suspense>
          </QuietBoundary>
        ) : null;
      })}
      {session.me && (
        <QuietBoundary>
          <Suspense fallback={null}>
            <MyReportsSection />
          </Suspense>
        </QuietBoundary>
      )}
    </div>
  );
}
