import { DownloadOutlined, UploadOutlined } from "@ant-design/icons";
import { type ClientConfig, ETHNIC_GROUPS, type FeatureCollection, type FieldIssue } from "@wangge/core";
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tabs,
  Typography,
  Upload,
} from "antd";
import { type ReactNode, useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaName } from "../../../components/AreaName.tsx";
import { AreaSelect } from "../../../components/AreaSelect.tsx";
import { ReasonModal } from "../../../components/ReasonModal.tsx";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { apiDownload } from "../../../lib/api-client.ts";
import { useMyAreas } from "../../../lib/map/my-areas.ts";
import { WgMap } from "../../../lib/map/WgMap.tsx";
import {
  createPerson,
  getHousehold,
  getImport,
  type Household,
  type HouseholdSummary,
  type ImportJob,
  leadHouseholdLayer,
  listImports,
  listTags,
  type Person,
  searchHouseholds,
  searchPeople,
  type TagDefinition,
  uploadPeople,
} from "../api/registry.ts";
import { birthText } from "./birth.ts";
import { PersonCard, TagChips } from "./PersonCard.tsx";

/**
 * The grid's registry in the console: search people (name, pinyin, initials, ID or phone number,
 * tag, address) within one's scope, open a person's card, register a person, browse households and
 * the lead households (党员中心户) on the map, and import a file with a report of every rejected row.
 */
export function RegistryPage({
  config,
  canManage,
  canReveal,
  areaCode,
  visitHistory,
}: {
  config: ClientConfig;
  canManage: boolean;
  canReveal: boolean;
  areaCode: string | null;
  /** A household's or person's visits, composed by the app shell (features do not import each other). */
  visitHistory?: VisitHistorySlot | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Tabs
      items={[
        {
          key: "people",
          label: t("registry.people"),
          children: <PeopleTab canManage={canManage} canReveal={canReveal} visitHistory={visitHistory} />,
        },
        {
          key: "households",
          label: t("registry.households"),
          children: <HouseholdsTab config={config} areaCode={areaCode} visitHistory={visitHistory} />,
        },
        ...(canManage ? [{ key: "import", label: t("registry.import"), children: <ImportTab /> }] : []),
      ]}
    />
  );
}

/** A failure shown with the server's reason (and, given the form, on its fields): components/useFormFail. */
const useFail = useFormFail;

export type VisitHistorySlot = (subject: { householdId?: string; personId?: string }) => ReactNode;

function PeopleTab({
  canManage,
  canReveal,
  visitHistory,
}: {
  canManage: boolean;
  canReveal: boolean;
  visitHistory?: VisitHistorySlot | undefined;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const fail = useFail();
  const [query, setQuery] = useState({ q: "", tag: "", address: "" });
  const [people, setPeople] = useState<Person[]>();
  const [tags, setTags] = useState<TagDefinition[]>([]);
  const [open, setOpen] = useState<string>();
  const [registering, setRegistering] = useState(false);

  const run = useCallback(
    (next: typeof query) => {
      setQuery(next);
      searchPeople(next).then(setPeople, fail);
    },
    [fail],
  );
  useEffect(() => {
    listTags().then(setTags, () => setTags([]));
    run({ q: "", tag: "", address: "" });
  }, [run]);

  return (
    <Card>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          style={{ width: 320 }}
          placeholder={t("registry.searchHint")}
          aria-label={t("registry.search")}
          onSearch={(q) => run({ ...query, q })}
        />
        <Select
          allowClear
          style={{ width: 200 }}
          placeholder={t("registry.byTag")}
          aria-label={t("registry.byTag")}
          options={tags.map((tag) => ({ value: tag.key, label: tag.name[lang] }))}
          onChange={(tag?: string) => run({ ...query, tag: tag ?? "" })}
        />
        <Input.Search
          allowClear
          style={{ width: 220 }}
          placeholder={t("registry.byAddress")}
          aria-label={t("registry.byAddress")}
          onSearch={(address) => run({ ...query, address })}
        />
        {canManage && (
          <Button type="primary" onClick={() => setRegistering(true)}>
            {t("registry.register")}
          </Button>
        )}
        <Button
          icon={<DownloadOutlined />}
          onClick={() => apiDownload("/api/v1/people/export", { format: "xlsx", ...query }, "人员.xlsx").catch(fail)}
        >
          {t("registry.export")}
        </Button>
        {canReveal && <ExportInClear query={query} />}
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={!people}
        dataSource={people}
        pagination={{ pageSize: 20 }}
        onRow={(p) => ({ onClick: () => setOpen(p.id), style: { cursor: "pointer" } })}
        columns={[
          {
            title: t("registry.name"),
            dataIndex: "name",
            render: (v: string) => (
              <Button type="link" style={{ padding: 0 }}>
                <span translate="no">{v}</span>
              </Button>
            ),
          },
          {
            title: t("registry.gender"),
            dataIndex: "gender",
            render: (v: string | null) => (v ? t(`registry.genders.${v}`) : "—"),
          },
          { title: t("registry.birthDate"), key: "birth", render: (_: unknown, p: Person) => birthText(p, t) },
          {
            title: t("registry.idNumber"),
            dataIndex: "idNumber",
            render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
          },
          {
            title: t("registry.phone"),
            dataIndex: "phone",
            render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
          },
          {
            title: t("registry.grid"),
            dataIndex: "gridCode",
            render: (v: string | null) => <AreaName code={v} />,
          },
          { title: t("registry.tags"), dataIndex: "tags", render: (v: Person["tags"]) => <TagChips tags={v} /> },
        ]}
      />
      <PersonCard
        personId={open}
        canReveal={canReveal}
        onClose={() => setOpen(undefined)}
        extra={visitHistory ? (personId) => visitHistory({ personId }) : undefined}
      />
      <RegisterPerson
        open={registering}
        tags={tags}
        onClose={(created) => {
          setRegistering(false);
          if (created) {
            run(query);
            setOpen(created);
          }
        }}
      />
    </Card>
  );
}

/** An export with the numbers in clear: asks the reason first (it goes to the audit trail). */
function ExportInClear({ query }: { query: { q: string; tag: string; address: string } }) {
  const { t } = useTranslation();
  const fail = useFail();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button danger onClick={() => setOpen(true)}>
        {t("registry.exportInClear")}
      </Button>
      <ReasonModal
        open={open}
        title={t("registry.exportInClear")}
        okText={t("registry.export")}
        onCancel={() => setOpen(false)}
        onReason={(reason) =>
          apiDownload("/api/v1/people/export", { format: "xlsx", ...query, reveal: true, reason }, "人员.xlsx").then(
            () => setOpen(false),
            fail,
          )
        }
      />
    </>
  );
}

const GRID_LEVELS = ["grid", "microgrid"] as const;

function RegisterPerson({
  open,
  tags,
  onClose,
}: {
  open: boolean;
  tags: TagDefinition[];
  onClose: (createdId?: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const { message } = App.useApp();
  const [form] = Form.useForm();
  // One id per form: a double submit or a retry after a network error registers the person once.
  const [id, setId] = useState(() => crypto.randomUUID());
  const [errors, setErrors] = useState<FieldIssue[]>([]);
  const fail = useFail();
  const submit = async (values: Record<string, unknown>) => {
    setErrors([]);
    try {
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ""));
      const tagKeys = (body.tags as string[] | undefined) ?? [];
      const person = await createPerson({ ...body, id, tags: tagKeys.map((key) => ({ key })) });
      message.success(t("registry.registered"));
      form.resetFields();
      setId(crypto.randomUUID());
      onClose(person.id);
    } catch (e) {
      // Each reason on its field, the form kept as typed; a number already registered links to its person.
      setErrors(fail(e, form).errors.filter((x) => x.record?.type === "person"));
    }
  };
  return (
    <Modal
      open={open}
      title={t("registry.register")}
      okText={t("registry.registerConfirm")}
      cancelText={t("common.cancel")}
      onCancel={() => onClose()}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="name"
          label={t("registry.name")}
          rules={[{ required: true, whitespace: true, message: t("registry.nameRequired") }]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="idNumber" label={t("registry.idNumber")}>
          <Input translate="no" autoComplete="off" />
        </Form.Item>
        <Form.Item name="phone" label={t("registry.phone")}>
          <Input translate="no" autoComplete="off" />
        </Form.Item>
        <Form.Item name="ethnicity" label={t("registry.ethnicity")}>
          <Select
            showSearch
            allowClear
            options={ETHNIC_GROUPS.map((g) => ({ value: g.code, label: lang === "en" ? g.en : g.zh }))}
            optionFilterProp="label"
          />
        </Form.Item>
        <Form.Item
          name="gridCode"
          label={t("registry.grid")}
          rules={[{ required: true, message: t("registry.gridRequired") }]}
        >
          <AreaSelect levels={GRID_LEVELS} label={t("registry.grid")} />
        </Form.Item>
        <Form.Item name="tags" label={t("registry.tags")}>
          <Select
            mode="multiple"
            options={tags.filter((x) => !x.requiresEndDate).map((x) => ({ value: x.key, label: x.name[lang] }))}
          />
        </Form.Item>
      </Form>
      {errors.length > 0 && (
        <Alert
          type="error"
          showIcon
          title={t("registry.notRegistered")}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }} translate="no">
              {errors.map((e) => (
                <li key={`${e.path}-${e.message}`}>
                  {`${e.path}: ${e.message}`}
                  {/* The person already registered with this number, when the server says who: open them instead. */}
                  {e.record?.type === "person" && (
                    <Button type="link" size="small" onClick={() => onClose(e.record?.id)}>
                      {t("registry.openRegistered")}
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          }
        />
      )}
    </Modal>
  );
}

function HouseholdsTab({
  config,
  areaCode,
  visitHistory,
}: {
  config: ClientConfig;
  areaCode: string | null;
  visitHistory?: VisitHistorySlot | undefined;
}) {
  const mine = useMyAreas();
  const { t } = useTranslation();
  const fail = useFail();
  const [rows, setRows] = useState<HouseholdSummary[]>();
  const [open, setOpen] = useState<Household>();
  const [person, setPerson] = useState<string>();
  const [links, setLinks] = useState<FeatureCollection>();
  const run = useCallback((q: string) => searchHouseholds(q).then(setRows, fail), [fail]);
  useEffect(() => {
    void run("");
    if (areaCode) leadHouseholdLayer(areaCode).then(setLinks, () => setLinks(undefined));
  }, [run, areaCode]);
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="middle">
      <Card>
        <Input.Search
          allowClear
          style={{ width: 320, marginBottom: 16 }}
          placeholder={t("registry.byAddress")}
          aria-label={t("registry.byAddress")}
          onSearch={(q) => void run(q)}
        />
        <Table
          rowKey="id"
          size="small"
          loading={!rows}
          dataSource={rows}
          onRow={(h) => ({ onClick: () => getHousehold(h.id).then(setOpen, fail), style: { cursor: "pointer" } })}
          columns={[
            {
              title: t("registry.address"),
              dataIndex: "address",
              render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
            },
            {
              title: t("registry.householdRef"),
              dataIndex: "ref",
              render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
            },
            {
              title: t("registry.householdKind"),
              dataIndex: "kind",
              render: (v: string) => t(`registry.householdKinds.${v}`),
            },
            {
              title: t("registry.grid"),
              dataIndex: "gridCode",
              render: (v: string | null) => <AreaName code={v} />,
            },
          ]}
        />
      </Card>
      <Card title={t("registry.leadMap")}>
        <Typography.Paragraph type="secondary">{t("registry.leadMapHint")}</Typography.Paragraph>
        <WgMap
          config={config.map}
          features={mine?.features}
          overlay={links}
          height={360}
          label={t("registry.leadMap")}
        />
      </Card>
      <Drawer
        open={Boolean(open)}
        onClose={() => setOpen(undefined)}
        width={560}
        title={<span translate="no">{open?.address ?? ""}</span>}
      >
        {open && (
          <Space direction="vertical" style={{ width: "100%" }}>
            <TagChips tags={open.tags} />
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t("registry.householdRef")}>
                <span translate="no">{open.ref ?? "—"}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t("registry.ledBy")}>
                {open.ledBy ? t("common.yes") : t("common.no")}
              </Descriptions.Item>
              <Descriptions.Item label={t("registry.looksAfter")}>
                <span translate="no">{open.looksAfter.map((l) => l.address ?? l.householdId).join("、") || "—"}</span>
              </Descriptions.Item>
            </Descriptions>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={open.members}
              onRow={(p) => ({ onClick: () => setPerson(p.id), style: { cursor: "pointer" } })}
              columns={[
                {
                  title: t("registry.name"),
                  dataIndex: "name",
                  render: (v: string) => <span translate="no">{v}</span>,
                },
                {
                  title: t("registry.relationship"),
                  dataIndex: "relationship",
                  render: (v: string | null) => (v ? t(`registry.relationships.${v}`) : "—"),
                },
                { title: t("registry.tags"), dataIndex: "tags", render: (v: Person["tags"]) => <TagChips tags={v} /> },
              ]}
            />
            {visitHistory?.({ householdId: open.id })}
          </Space>
        )}
      </Drawer>
      <PersonCard
        personId={person}
        canReveal={false}
        onClose={() => setPerson(undefined)}
        extra={visitHistory ? (personId) => visitHistory({ personId }) : undefined}
      />
    </Space>
  );
}

function ImportTab() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const fail = useFail();
  const [jobs, setJobs] = useState<ImportJob[]>([]);
  const [allOrNothing, setAllOrNothing] = useState(false);
  const refresh = useCallback(() => listImports().then(setJobs, () => undefined), []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  // While an import runs (also one started before a reload), its progress is polled.
  const active = useMemo(() => jobs.filter((j) => j.status === "queued" || j.status === "running"), [jobs]);
  useEffect(() => {
    if (active.length === 0) return;
    const timer = setInterval(() => {
      Promise.all(active.map((j) => getImport(j.id))).then(
        (updated) => setJobs((current) => current.map((j) => updated.find((u) => u.id === j.id) ?? j)),
        () => undefined,
      );
    }, 1000);
    return () => clearInterval(timer);
  }, [active]);
  return (
    <Card>
      <Space direction="vertical" style={{ width: "100%" }} size="middle">
        <Typography.Paragraph>{t("registry.importHint")}</Typography.Paragraph>
        <Space wrap>
          <Button icon={<DownloadOutlined />} href={`/api/v1/imports/people/template?format=xlsx&lang=${lang}`}>
            {t("registry.templateXlsx")}
          </Button>
          <Button icon={<DownloadOutlined />} href={`/api/v1/imports/people/template?format=csv&lang=${lang}`}>
            {t("registry.templateCsv")}
          </Button>
          <Upload
            accept=".csv,.xlsx"
            showUploadList={false}
            beforeUpload={(file) => {
              uploadPeople(crypto.randomUUID(), file, allOrNothing).then(
                (job) => setJobs((current) => [job, ...current]),
                fail,
              );
              return false;
            }}
          >
            <Button type="primary" icon={<UploadOutlined />}>
              {t("registry.importButton")}
            </Button>
          </Upload>
          <Checkbox checked={allOrNothing} onChange={(e) => setAllOrNothing(e.target.checked)}>
            {t("registry.allOrNothing")}
          </Checkbox>
        </Space>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={jobs}
          columns={[
            {
              title: t("registry.file"),
              dataIndex: "fileName",
              render: (v: string) => <span translate="no">{v}</span>,
            },
            {
              title: t("registry.progress"),
              render: (_: unknown, j: ImportJob) =>
                j.status === "done" || j.status === "failed" ? (
                  t(`registry.jobStatus.${j.status}`)
                ) : (
                  <Space>
                    <Progress
                      type="circle"
                      size={28}
                      percent={j.total ? Math.round((j.processed / j.total) * 100) : undefined}
                      status="active"
                    />
                    {t("registry.processed", { n: j.processed })}
                  </Space>
                ),
            },
            {
              title: t("registry.outcome"),
              render: (_: unknown, j: ImportJob) =>
                j.status === "failed" ? (
                  <span translate="no">{j.error}</span>
                ) : j.status === "done" ? (
                  <span role="status">
                    {t(j.applied ? "registry.importApplied" : "registry.importNotApplied", {
                      created: j.created,
                      updated: j.updated,
                      unchanged: j.unchanged,
                      rejected: j.rejected,
                    })}
                  </span>
                ) : (
                  "—"
                ),
            },
            {
              title: t("registry.report"),
              render: (_: unknown, j: ImportJob) =>
                j.hasReport && j.rejected > 0 ? (
                  <a href={`/api/v1/imports/${j.id}/report?lang=${lang}`}>{t("registry.downloadReport")}</a>
                ) : (
                  "—"
                ),
            },
          ]}
        />
      </Space>
    </Card>
  );
}
