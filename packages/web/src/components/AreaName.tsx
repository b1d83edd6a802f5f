import { useAreaName } from "../lib/area-names.ts";

/**
 * An area or grid where a record names one by code: its name, the code on hover (and, with `withCode`,
 * on a second line). The code stays visible only while the name is not known.
 */
export function AreaName({ code, withCode = false }: { code: string | null | undefined; withCode?: boolean }) {
  const name = useAreaName(code);
  if (!code) return <span>—</span>;
  return (
    <span translate="no" title={code} data-area-code={code}>
      {name ?? code}
      {withCode && name ? (
        <>
          <br />
          <small style={{ opacity: 0.6 }}>{code}</small>
        </>
      ) : null}
    </span>
  );
}
