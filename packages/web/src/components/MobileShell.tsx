import { NavBar, TabBar } from "antd-mobile";
import type { ReactNode } from "react";
import { useLocation, useNavigate } from "react-router";

/** Top bar, content and bottom tab bar of the two phone apps. */
export interface MobileTab {
  key: string;
  title: string;
  icon: ReactNode;
}

export function MobileShell({ title, tabs, children }: { title: string; tabs: MobileTab[]; children: ReactNode }) {
  const location = useLocation();
  const navigate = useNavigate();
  const active = tabs.find((tab) => tab.key !== "/" && location.pathname.startsWith(tab.key))?.key ?? "/";
  return (
    <div style={{ display: "flex", flexDirection: "column", height: "100dvh" }}>
      <NavBar back={null} style={{ background: "#b71c1c", color: "#fff" }}>
        {title}
      </NavBar>
      <main style={{ flex: 1, overflow: "auto" }}>{children}</main>
      <nav data-testid="tab-bar">
        <TabBar activeKey={active} onChange={(key) => navigate(key)} safeArea style={{ borderTop: "1px solid #eee" }}>
          {tabs.map((tab) => (
            <TabBar.Item key={tab.key} icon={tab.icon} title={tab.title} />
          ))}
        </TabBar>
      </nav>
    </div>
  );
}
