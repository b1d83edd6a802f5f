import { isAuditRole, PERMISSION_KEYS, type Permission, type RoleView, refusedRolePermissions } from "@wangge/core";
import { Alert, App, Button, Card, Checkbox, Collapse, Space, Switch, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { listRoles, saveRole } from "../api/roles.ts";

/**
 * Which permissions each role has; admins with role.manage for the whole deployment edit them (the
 * rest read them, and are told so). Separation of duties (三员分立):
 * audit permissions stay with the auditor role, which only an auditor edits (the server refuses the rest).
 */
export function RolesPage({ canEdit: canEditRoles, isAuditor }: { canEdit: boolean; isAuditor: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [roles, setRoles] = useState<RoleView[]>([]);
  const [drafts, setDrafts] = useState<Record<string, { permissions: Permission[]; requiresTotp: boolean }>>({});
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const fail = useFormFail();

  const load = useCallback(() => {
    listRoles().then((list) => {
      setRoles(list);
      setDrafts(
        Object.fromEntries(list.map((r) => [r.key, { permissions: r.permissions, requiresTotp: r.requiresTotp }])),
      );
    }, fail);
  }, [fail]);
  useEffect(load, [load]);

  return (
    <Card title={t("roles.title")}>
      <Typography.Paragraph type="secondary">{t("roles.intro")}</Typography.Paragraph>
      {!canEditRoles && !isAuditor && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={t("roles.readOnly", { permission: t("permissions.role_manage") })}
        />
      )}
      <Collapse
        items={roles.map((role) => {
          const draft = drafts[role.key] ?? { permissions: role.permissions, requiresTotp: role.requiresTotp };
          const auditRole = isAuditRole({ roleKey: role.key, permissions: role.permissions });
          const canEdit = auditRole ? isAuditor : canEditRoles;
          // What the server refuses is not offered (core's rule): audit permissions outside the auditor
          // role, and inside it anything but reading the trail, accounts and areas.
          const refused = (p: Permission) => refusedRolePermissions(role.key, [p]).length > 0;
          const changed =
            JSON.stringify(draft) !==
            JSON.stringify({ permissions: role.permissions, requiresTotp: role.requiresTotp });
          return {
            key: role.key,
            label: (
              <Space>
                <Typography.Text strong>{role.name[lang]}</Typography.Text>
                <Tag>{t("roles.permissionCount", { n: role.permissions.length })}</Tag>
                {role.requiresTotp && <Tag color="blue">{t("roles.totp")}</Tag>}
              </Space>
            ),
            children: (
              <Space direction="vertical" style={{ width: "100%" }}>
                {auditRole && <Alert type="info" showIcon message={t("roles.auditorOnly")} />}
                <Checkbox.Group
                  disabled={!canEdit}
                  value={draft.permissions}
                  onChange={(values) =>
                    setDrafts((d) => ({ ...d, [role.key]: { ...draft, permissions: (values as Permission[]).sort() } }))
                  }
                  options={PERMISSION_KEYS.map((p) => ({
                    value: p,
                    label: t(`permissions.${p.replace(/\./g, "_")}`),
                    disabled: !canEdit || (refused(p) && !draft.permissions.includes(p)),
                  }))}
                  style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(260px, 1fr))", gap: 8 }}
                />
                <Space>
                  <Switch
                    disabled={!canEdit}
                    checked={draft.requiresTotp}
                    onChange={(requiresTotp) => setDrafts((d) => ({ ...d, [role.key]: { ...draft, requiresTotp } }))}
                  />
                  <Typography.Text>{t("roles.requireTotp")}</Typography.Text>
                </Space>
                {canEdit && (
                  <Button
                    type="primary"
                    disabled={!changed}
                    onClick={() =>
                      saveRole(role.key, draft.permissions, draft.requiresTotp).then(() => {
                        message.success(t("roles.saved"));
                        load();
                      }, fail)
                    }
                  >
                    {t("roles.save")}
                  </Button>
                )}
              </Space>
            ),
          };
        })}
      />
    </Card>
  );
}
