import type { FeatureCollection } from "@wangge/core";
import { Button, DotLoading, ErrorBlock } from "antd-mobile";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { leadHouseholdLayer } from "../../features/registry/api/registry.ts";
import { errorMessageKey } from "../../lib/error-message.ts";
import { useMyAreas } from "../../lib/map/my-areas.ts";
import { LazyWgMap } from "../../lib/map/LazyWgMap.tsx";
import { useSession } from "../../lib/session.tsx";
import { useClientConfig } from "../../lib/use-client-config.ts";

/**
 * The worker's grids on the map, named (every area they hold a post in), and the party lead households
 * of their first grid linked to the households each looks after. Without a network the map still
 * opens, without them.
 */
export function FieldGridMap() {
  const { t } = useTranslation();
  const { config, error, retry } = useClientConfig();
  const { me } = useSession();
  const areaCode = me?.assignments.find((a) => a.areaCode)?.areaCode ?? null;
  const mine = useMyAreas();
  const [links, setLinks] = useState<FeatureCollection>();
  useEffect(() => {
    if (!areaCode) return;
    leadHouseholdLayer(areaCode).then(setLinks, () => setLinks(undefined));
  }, [areaCode]);
  if (error) {
    return (
      <ErrorBlock status="disconnected" title={t(errorMessageKey(error.code))} description="">
        <Button onClick={retry}>{t("common.retry")}</Button>
      </ErrorBlock>
    );
  }
  if (!config) return <DotLoading />;
  return (
    <LazyWgMap
      config={config.map}
      features={mine?.features}
      overlay={links}
      height="calc(100dvh - 110px)"
      label={t("field.gridMap")}
    />
  );
}
