import { PlusOutlined } from "@ant-design/icons";
import { isAuditRole, PASSWORD_MIN_LENGTH, USERNAME_PATTERN } from "@wangge/core";
import { App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormFail } from "../../../components/useFormFail.tsx";
import {
  type AreaSummary,
  createAuditor,
  createUser,
  grantRole,
  listAreas,
  listRoles,
  listUsers,
  type NewUserInput,
  type Role,
  resetPassword,
  revokeRole,
  type User,
  updateUser,
} from "../api/users.ts";

/**
 * Accounts in the caller's areas: search, create, lock, reset passwords, give and take roles. Separation
 * of duties (三员分立): the auditor role and auditors' accounts are left to auditors, so the admin is not
 * offered them (the server refuses them too).
 */
/** Where the server's field errors of an account or a post go in these forms. */
const USER_FIELDS = {
  "body.assignment.roleKey": "roleKey",
  "body.assignment.areaCode": "areaCode",
  "body.assignment.homeUnit": "homeUnit",
};

export function UsersPage({
  canManage,
  canReadAreas,
  isAuditor,
  currentUserId,
}: {
  canManage: boolean;
  /** Whether the user may read areas (area.read), which are asked for only then. */
  canReadAreas: boolean;
  isAuditor: boolean;
  currentUserId: string;
}) {
  const { t, i18n } = useTranslation();
  const { modal } = App.useApp();
  const [query, setQuery] = useState({ q: "", status: "", roleKey: "", limit: 20, offset: 0 });
  const [data, setData] = useState<{ items: User[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [roles, setRoles] = useState<Role[]>([]);
  const [areas, setAreas] = useState<AreaSummary[]>([]);
  const [creating, setCreating] = useState(false);
  const [granting, setGranting] = useState<User>();
  const lang = i18n.language === "en" ? "en" : "zh-CN";

  const fail = useFormFail();
  const load = useCallback(() => {
    setLoading(true);
    listUsers(query)
      .then(setData, fail)
      .finally(() => setLoading(false));
  }, [query, fail]);

  useEffect(load, [load]);
  useEffect(() => {
    listRoles().then(setRoles, fail);
    // The areas to give roles in: asked for only by who may read them (an auditor may not).
    if (canReadAreas) listAreas().then(setAreas);
  }, [fail, canReadAreas]);

  const showSecret = (title: string, secret: string) =>
    modal.info({
      title,
      content: (
        <Space direction="vertical">
          <Typography.Text>{t("users.secretShownOnce")}</Typography.Text>
          <Typography.Text copyable code data-testid="shown-secret">
            {secret}
          </Typography.Text>
        </Space>
      ),
    });

  const roleName = (key: string) => roles.find((r) => r.key === key)?.name[lang] ?? key;
  const auditRoleKeys = new Set(
    roles.filter((r) => isAuditRole({ roleKey: r.key, permissions: r.permissions })).map((r) => r.key),
  );
  const offered = isAuditor ? roles : roles.filter((r) => !auditRoleKeys.has(r.key));
  const roleHint = offered.length < roles.length ? t("users.auditorRoleHidden") : undefined;
  const managed = (u: User) => isAuditor || !u.assignments.some((a) => auditRoleKeys.has(a.roleKey));
  const areaOptions = areas.map((a) => ({ value: a.code, label: `${a.name} (${a.code})` }));

  return (
    <Card
      title={t("users.title")}
      extra={
        canManage ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t("users.create")}
          </Button>
        ) : (
          isAuditor && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t("users.createAuditor")}
            </Button>
          )
        )
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          placeholder={t("users.search")}
          allowClear
          onSearch={(q) => setQuery((s) => ({ ...s, q, offset: 0 }))}
          style={{ width: 240 }}
          aria-label={t("users.search")}
        />
        <Select
          allowClear
          placeholder={t("users.status")}
          style={{ width: 140 }}
          options={(["active", "locked", "disabled"] as const).map((s) => ({
            value: s,
            label: t(`users.statuses.${s}`),
          }))}
          onChange={(status) => setQuery((s) => ({ ...s, status: status ?? "", offset: 0 }))}
        />
        <Select
          allowClear
          placeholder={t("users.role")}
          style={{ width: 180 }}
          options={roles.map((r) => ({ value: r.key, label: r.name[lang] }))}
          onChange={(roleKey) => setQuery((s) => ({ ...s, roleKey: roleKey ?? "", offset: 0 }))}
        />
      </Space>
      <Table<User>
        rowKey="id"
        loading={loading}
        dataSource={data.items}
        pagination={{
          total: data.total,
          pageSize: query.limit,
          current: query.offset / query.limit + 1,
          onChange: (page, pageSize) => setQuery((s) => ({ ...s, limit: pageSize, offset: (page - 1) * pageSize })),
        }}
        columns={[
          { title: t("users.username"), dataIndex: "username", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("users.displayName"),
            dataIndex: "displayName",
            render: (v: string) => <span translate="no">{v}</span>,
          },
          {
            title: t("users.phone"),
            dataIndex: "phone",
            render: (p: string | null) => <span translate="no">{p ?? "—"}</span>,
          },
          {
            title: t("users.status"),
            dataIndex: "status",
            render: (s: User["status"]) => (
              <Tag color={s === "active" ? "green" : s === "locked" ? "orange" : "default"}>
                {t(`users.statuses.${s}`)}
              </Tag>
            ),
          },
          {
            title: t("users.assignments"),
            render: (_: unknown, u: User) => (
              <Space wrap size={4}>
                {u.assignments.map((a) => (
                  <Tag
                    key={a.id}
                    closable={canManage && u.id !== currentUserId && managed(u)}
                    onClose={(e) => {
                      e.preventDefault();
                      revokeRole(a.id).then(load, fail);
                    }}
                  >
                    {roleName(a.roleKey)} ·{" "}
                    {a.areaName ? (
                      <span translate="no" title={a.areaCode ?? undefined}>
                        {a.areaName}
                      </span>
                    ) : (
                      t("users.everywhere")
                    )}
                  </Tag>
                ))}
              </Space>
            ),
          },
          ...(canManage
            ? [
                {
                  title: t("users.actions"),
                  render: (_: unknown, u: User) =>
                    u.id === currentUserId ? null : !managed(u) ? (
                      <Typography.Text type="secondary">{t("users.auditorAccount")}</Typography.Text>
                    ) : (
                      <Space size={4} wrap>
                        <Button size="small" onClick={() => setGranting(u)}>
                          {t("users.grant")}
                        </Button>
                        <Button
                          size="small"
                          onClick={() =>
                            updateUser(u.id, { status: u.status === "active" ? "locked" : "active" }).then(load, fail)
                          }
                        >
                          {u.status === "active" ? t("users.lock") : t("users.unlock")}
                        </Button>
                        <Popconfirm
                          title={t("users.resetConfirm")}
                          onConfirm={() =>
                            resetPassword(u.id).then((r) => {
                              if (r.temporaryPassword) showSecret(t("users.resetDone"), r.temporaryPassword);
                            }, fail)
                          }
                        >
                          <Button size="small">{t("users.resetPassword")}</Button>
                        </Popconfirm>
                      </Space>
                    ),
                },
              ]
            : []),
        ]}
      />
      <CreateUserModal
        open={creating}
        auditorOnly={!canManage && isAuditor}
        roles={offered}
        roleHint={roleHint}
        areaOptions={areaOptions}
        onClose={() => setCreating(false)}
        onCreated={(user, initialPassword) => {
          setCreating(false);
          load();
          if (initialPassword) showSecret(t("users.created", { username: user.username }), initialPassword);
        }}
      />
      {granting && (
        <GrantRoleModal
          user={granting}
          roles={offered}
          roleHint={roleHint}
          areaOptions={areaOptions}
          onClose={() => setGranting(undefined)}
          onGranted={() => {
            setGranting(undefined);
            load();
          }}
        />
      )}
    </Card>
  );
}

function CreateUserModal(props: {
  open: boolean;
  /** An auditor creates auditors only, always with a temporary password. */
  auditorOnly: boolean;
  roles: Role[];
  roleHint: string | undefined;
  areaOptions: { value: string; label: string }[];
  onClose: () => void;
  onCreated: (user: User, initialPassword: string | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<{
    username: string;
    displayName: string;
    phone?: string;
    password?: string;
    roleKey?: string;
    areaCode?: string;
    homeUnit?: string;
  }>();
  const fail = useFormFail();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  return (
    <Modal
      open={props.open}
      title={props.auditorOnly ? t("users.createAuditor") : t("users.create")}
      okText={t("users.createOk")}
      onCancel={props.onClose}
      destroyOnHidden
      onOk={async () => {
        const v = await form.validateFields();
        const input: NewUserInput = {
          username: v.username,
          displayName: v.displayName,
          ...(v.phone ? { phone: v.phone } : {}),
          ...(v.password ? { password: v.password } : {}),
          ...(v.roleKey
            ? {
                assignment: {
                  roleKey: v.roleKey,
                  areaCode: v.areaCode ?? null,
                  ...(v.homeUnit ? { homeUnit: v.homeUnit } : {}),
                },
              }
            : {}),
        };
        try {
          const { user, initialPassword } = props.auditorOnly
            ? await createAuditor({ username: input.username, displayName: input.displayName, phone: input.phone })
            : await createUser(input);
          form.resetFields();
          props.onCreated(user, initialPassword);
        } catch (e) {
          // Each reason on its field; nothing typed is lost.
          fail(e, form, USER_FIELDS);
        }
      }}
    >
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item
          name="username"
          label={t("users.username")}
          rules={[{ required: true, pattern: USERNAME_PATTERN, message: t("users.usernameRule") }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t("users.displayName")}
          rules={[{ required: true, message: t("users.displayNameRequired") }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t("users.phone")}
          rules={[{ pattern: /^1[3-9]\d{9}$/, message: t("auth.phoneInvalid") }]}
        >
          <Input inputMode="numeric" />
        </Form.Item>
        {props.auditorOnly ? (
          <Typography.Paragraph type="secondary">{t("users.createAuditorHint")}</Typography.Paragraph>
        ) : (
          <>
            <Form.Item
              name="password"
              label={t("users.initialPassword")}
              extra={t("users.initialPasswordHint")}
              rules={[{ min: PASSWORD_MIN_LENGTH, message: t("auth.passwordPolicy", { min: PASSWORD_MIN_LENGTH }) }]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item name="roleKey" label={t("users.role")} extra={props.roleHint}>
              <Select allowClear options={props.roles.map((r) => ({ value: r.key, label: r.name[lang] }))} />
            </Form.Item>
            <Form.Item name="areaCode" label={t("users.area")}>
              <Select allowClear showSearch optionFilterProp="label" options={props.areaOptions} />
            </Form.Item>
            <Form.Item name="homeUnit" label={t("users.homeUnit")}>
              <Input />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

function GrantRoleModal(props: {
  user: User;
  roles: Role[];
  roleHint: string | undefined;
  areaOptions: { value: string; label: string }[];
  onClose: () => void;
  onGranted: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<{ roleKey: string; areaCode?: string; homeUnit?: string }>();
  const fail = useFormFail();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  return (
    <Modal
      open
      title={t("users.grantTitle", { name: props.user.displayName })}
      onCancel={props.onClose}
      onOk={async () => {
        const v = await form.validateFields();
        try {
          await grantRole(props.user.id, v.roleKey, v.areaCode ?? null, v.homeUnit);
          props.onGranted();
        } catch (e) {
          fail(e, form, USER_FIELDS);
        }
      }}
    >
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item
          name="roleKey"
          label={t("users.role")}
          extra={props.roleHint}
          rules={[{ required: true, message: t("users.roleRequired") }]}
        >
          <Select options={props.roles.map((r) => ({ value: r.key, label: r.name[lang] }))} />
        </Form.Item>
        <Form.Item name="areaCode" label={t("users.area")}>
          <Select allowClear showSearch optionFilterProp="label" options={props.areaOptions} />
        </Form.Item>
        <Form.Item name="homeUnit" label={t("users.homeUnit")}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
