import { useCallback, useEffect, useState } from "react";

/**
 * 适老化: the resident app's large-text mode, kept on this phone across visits. Only the choice is
 * stored (localStorage, no personal data); the <html> element carries a class that enlarges
 * antd-mobile's type scale and the page's own text (see largeTextCss).
 */
const KEY = "wangge.largeText";
const CLASS = "wg-large-text";

export function largeTextOn(): boolean {
  try {
    return localStorage.getItem(KEY) === "1";
  } catch {
    return false;
  }
}

/** Applies the stored choice before the first screen is drawn (called by the app's entry). */
export function applyLargeText(on = largeTextOn()): void {
  if (typeof document === "undefined") return;
  document.documentElement.classList.toggle(CLASS, on);
  if (!document.getElementById(CLASS)) {
    const style = document.createElement("style");
    style.id = CLASS;
    style.textContent = largeTextCss;
    document.head.appendChild(style);
  }
}

/** antd-mobile reads its sizes from these variables: each is raised by about a third. */
export const largeTextCss = `html.${CLASS}{--adm-font-size-1:13px;--adm-font-size-2:14px;--adm-font-size-3:15px;--adm-font-size-4:16px;--adm-font-size-5:17px;--adm-font-size-6:18px;--adm-font-size-7:20px;--adm-font-size-8:22px;--adm-font-size-9:24px;--adm-font-size-10:26px;--adm-font-size-main:22px;font-size:22px}html.${CLASS} body{font-size:22px;line-height:1.6}`;

export function useLargeText(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(largeTextOn);
  useEffect(() => applyLargeText(on), [on]);
  const set = useCallback((next: boolean) => {
    try {
      if (next) localStorage.setItem(KEY, "1");
      else localStorage.removeItem(KEY);
    } catch {
      // Private browsing without storage: the mode holds for this visit only.
    }
    setOn(next);
  }, []);
  return [on, set];
}
