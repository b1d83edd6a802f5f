import { formatFen, type ManagedProject, type MilestoneState, parseYuanToFen } from "@wangge/core";
import {
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  List,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaSelect } from "../../../components/AreaSelect.tsx";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { useTimeFormat } from "../../../lib/format-time.ts";
import {
  addMilestone,
  addProjectFile,
  createProject,
  getManagedProject,
  listManagedProjects,
  type ProjectSummary,
  publishProject,
  removeProjectFile,
  staffFileUrl,
  updateMilestone,
  updateProject,
} from "../api/projects.ts";
import { Acceptance } from "./ProjectAcceptances.tsx";

/**
 * 民生项目 in the console: the projects of the caller's villages and townships, each with its budget,
 * funding, contractor, milestones (planned and actual dates), progress photos and every completion
 * acceptance (ProjectAcceptances.tsx); publishing, and corrections of a published project with the reason residents see.
 * Residents' questions are answered in 四务公开 › 群众留言 with every other item's.
 */
export const STAGE_COLOR: Record<string, string> = {
  draft: "default",
  not_started: "blue",
  under_way: "processing",
  awaiting_acceptance: "gold",
  rectifying: "red",
  completed: "success",
};
const MILESTONE_STATES: MilestoneState[] = ["planned", "in_progress", "done"];

export function ProjectsPage() {
  const { t } = useTranslation();
  const fail = useFormFail();
  const [rows, setRows] = useState<ProjectSummary[]>();
  const [open, setOpen] = useState<string>();
  const [creating, setCreating] = useState(false);
  const load = useCallback(
    () =>
      listManagedProjects().then(setRows, (e) => {
        setRows([]);
        fail(e);
      }),
    [fail],
  );
  useEffect(() => {
    load();
  }, [load]);
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("projects.title")}
        </Typography.Title>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t("projects.new")}
        </Button>
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={!rows}
        dataSource={rows}
        pagination={{ pageSize: 20 }}
        onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: "pointer" } })}
        columns={[
          {
            title: t("projects.name"),
            dataIndex: "title",
            render: (v: string, r: ProjectSummary) => (
              <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(r.id)}>
                <span translate="no">{v}</span>
              </Button>
            ),
          },
          { title: t("projects.area"), dataIndex: "areaName", render: (v: string) => <span translate="no">{v}</span> },
          {
            title: t("projects.budget"),
            dataIndex: "budgetFen",
            align: "right" as const,
            render: (v: number) => formatFen(v),
          },
          {
            title: t("projects.stageLabel"),
            dataIndex: "stage",
            render: (s: string) => <Tag color={STAGE_COLOR[s]}>{t(`projects.stage.${s}`)}</Tag>,
          },
          {
            title: t("projects.progressLabel"),
            render: (_: unknown, r: ProjectSummary) => (
              <Progress
                size="small"
                style={{ width: 140 }}
                percent={r.milestonesTotal ? Math.round((100 * r.milestonesDone) / r.milestonesTotal) : 0}
                format={() => `${r.milestonesDone}/${r.milestonesTotal}`}
              />
            ),
          },
        ]}
      />
      <Drawer open={creating} width={640} title={t("projects.new")} onClose={() => setCreating(false)} destroyOnClose>
        <ProjectForm
          onSaved={(p) => {
            setCreating(false);
            load();
            setOpen(p.id);
          }}
        />
      </Drawer>
      <Drawer open={Boolean(open)} width={860} onClose={() => setOpen(undefined)} destroyOnClose>
        {open && <ProjectDetail id={open} onChanged={load} />}
      </Drawer>
    </Space>
  );
}

interface FormValues {
  areaCode?: string;
  title: string;
  body?: string;
  budget: string;
  fundingSource: string;
  contractor?: string;
  startOn?: string;
  plannedEndOn?: string;
  reason?: string;
}

function ProjectForm({ project, onSaved }: { project?: ManagedProject; onSaved: (p: ManagedProject) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fail = useFormFail();
  const [form] = Form.useForm<FormValues>();
  const [id] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const published = project?.version != null;
  const save = async (v: FormValues) => {
    const budgetFen = parseYuanToFen(v.budget);
    if (budgetFen === undefined) {
      form.setFields([{ name: "budget", errors: [t("projects.budgetInvalid")] }]);
      return;
    }
    const content = {
      title: v.title,
      body: v.body ?? "",
      budgetFen,
      fundingSource: v.fundingSource,
      contractor: v.contractor ?? "",
      startOn: v.startOn || null,
      plannedEndOn: v.plannedEndOn || null,
    };
    setBusy(true);
    try {
      const saved = project
        ? await updateProject(project.id, { ...content, ...(published ? { reason: v.reason ?? "" } : {}) })
        : await createProject({ id, areaCode: v.areaCode ?? "", ...content });
      message.success(t("projects.saved"));
      onSaved(saved);
    } catch (e) {
      fail(e, form, { "body.budgetFen": ["budget"] });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form
      form={form}
      layout="vertical"
      disabled={busy}
      onFinish={save}
      initialValues={
        project
          ? {
              title: project.title,
              body: project.body,
              budget: formatFen(project.budgetFen).replace(/,/g, ""),
              fundingSource: project.fundingSource,
              contractor: project.contractor,
              startOn: project.startOn ?? "",
              plannedEndOn: project.plannedEndOn ?? "",
            }
          : {}
      }
    >
      {!project && (
        <Form.Item
          name="areaCode"
          label={t("projects.area")}
          rules={[{ required: true, message: t("projects.required") }]}
        >
          <AreaSelect levels={["village", "township"]} label={t("projects.area")} />
        </Form.Item>
      )}
      <Form.Item name="title" label={t("projects.name")} rules={[{ required: true, message: t("projects.required") }]}>
        <Input maxLength={120} />
      </Form.Item>
      <Space wrap>
        <Form.Item
          name="budget"
          label={t("projects.budget")}
          rules={[{ required: true, message: t("projects.required") }]}
        >
          <Input inputMode="decimal" style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="startOn" label={t("projects.startOn")}>
          <Input type="date" style={{ width: 170 }} />
        </Form.Item>
        <Form.Item name="plannedEndOn" label={t("projects.plannedEndOn")}>
          <Input type="date" style={{ width: 170 }} />
        </Form.Item>
      </Space>
      <Form.Item
        name="fundingSource"
        label={t("projects.fundingSource")}
        rules={[{ required: true, message: t("projects.required") }]}
      >
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="contractor" label={t("projects.contractor")}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="body" label={t("projects.body")}>
        <Input.TextArea rows={4} maxLength={20000} />
      </Form.Item>
      {published && (
        <Form.Item
          name="reason"
          label={t("projects.reason")}
          help={t("projects.reasonHelp")}
          rules={[{ required: true, message: t("projects.required") }]}
        >
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      )}
      <Button type="primary" htmlType="submit" loading={busy}>
        {t("projects.save")}
      </Button>
    </Form>
  );
}

function ProjectDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fail = useFormFail();
  const [p, setP] = useState<ManagedProject>();
  const [editing, setEditing] = useState(false);
  const load = useCallback(() => getManagedProject(id).then(setP, fail), [id, fail]);
  useEffect(() => {
    load();
  }, [load]);
  const changed = (next: ManagedProject) => {
    setP(next);
    onChanged();
  };
  if (!p) return null;
  const accepted = p.acceptances.some((a) => a.result === "passed");
  const publish = async () => {
    try {
      changed(await publishProject(p.id));
      message.success(t("projects.publishedOk"));
    } catch (e) {
      fail(e);
    }
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="middle">
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }} translate="no">
          {p.title}
        </Typography.Title>
        <Space>
          <Tag color={STAGE_COLOR[p.stage]}>{t(`projects.stage.${p.stage}`)}</Tag>
          {!accepted && <Button onClick={() => setEditing(!editing)}>{t("projects.edit")}</Button>}
          {p.version === null && (
            <Button type="primary" onClick={publish}>
              {t("projects.publish")}
            </Button>
          )}
        </Space>
      </Space>
      {editing ? (
        <Card size="small">
          <ProjectForm
            project={p}
            onSaved={(next) => {
              setEditing(false);
              changed(next);
            }}
          />
        </Card>
      ) : (
        <Descriptions size="small" bordered column={2}>
          <Descriptions.Item label={t("projects.area")}>
            <span translate="no">{p.areaName}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("projects.budget")}>{formatFen(p.budgetFen)}</Descriptions.Item>
          <Descriptions.Item label={t("projects.fundingSource")}>
            <span translate="no">{p.fundingSource}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("projects.contractor")}>
            <span translate="no">{p.contractor || "—"}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("projects.startOn")}>{p.startOn ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("projects.plannedEndOn")}>{p.plannedEndOn ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("projects.body")} span={2}>
            <div style={{ whiteSpace: "pre-wrap" }} translate="no">
              {p.body}
            </div>
          </Descriptions.Item>
        </Descriptions>
      )}
      <Milestones project={p} disabled={accepted} onChanged={changed} />
      <Photos project={p} disabled={accepted} onChanged={changed} />
      {p.version !== null && <Acceptance project={p} onChanged={changed} />}
      {p.versions.length > 0 && (
        <Card size="small" title={t("projects.versions")}>
          <List
            size="small"
            dataSource={p.versions}
            renderItem={(v) => (
              <List.Item>
                <Space direction="vertical" size={0}>
                  <span>
                    {t("projects.versionN", { version: String(v.version) })} · {formatFen(v.budgetFen)} ·{" "}
                    {time.dateTime(v.publishedAt)} · <span translate="no">{v.publishedBy}</span>
                  </span>
                  {v.reason && (
                    <Typography.Text type="secondary" translate="no">
                      {t("projects.reasonShown", { reason: v.reason })}
                    </Typography.Text>
                  )}
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
      <Card size="small" title={t("projects.comments")}>
        {p.comments.length === 0 ? (
          <Typography.Text type="secondary">{t("projects.noQuestions")}</Typography.Text>
        ) : (
          <List
            size="small"
            dataSource={p.comments}
            renderItem={(c) => (
              <List.Item>
                <Space direction="vertical" size={0}>
                  <span translate="no">{c.text}</span>
                  <Typography.Text type="secondary">
                    {c.hiddenAt
                      ? t("projects.hiddenBecause", { reason: c.hiddenReason ?? "" })
                      : c.reply
                        ? t("projects.answerShown", { reply: c.reply })
                        : t("projects.answerInInbox")}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        )}
      </Card>
    </Space>
  );
}

function Milestones({
  project,
  disabled,
  onChanged,
}: {
  project: ManagedProject;
  disabled: boolean;
  onChanged: (p: ManagedProject) => void;
}) {
  const { t } = useTranslation();
  const fail = useFormFail();
  const [form] = Form.useForm<{ title: string; plannedOn: string }>();
  const [newId, setNewId] = useState(() => crypto.randomUUID());
  const [edits, setEdits] = useState<Record<string, { status: MilestoneState; actualOn: string }>>({});
  const add = async (v: { title: string; plannedOn: string }) => {
    try {
      onChanged(await addMilestone(project.id, { id: newId, ...v }));
      setNewId(crypto.randomUUID());
      form.resetFields();
    } catch (e) {
      fail(e, form);
    }
  };
  const save = async (m: ManagedProject["milestones"][number]) => {
    const edit = edits[m.id] ?? { status: m.status, actualOn: m.actualOn ?? "" };
    try {
      onChanged(
        await updateMilestone(project.id, m.id, {
          title: m.title,
          plannedOn: m.plannedOn,
          note: m.note,
          status: edit.status,
          actualOn: edit.status === "done" ? edit.actualOn || null : null,
        }),
      );
    } catch (e) {
      fail(e);
    }
  };
  return (
    <Card size="small" title={t("projects.milestones")}>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={project.milestones}
        columns={[
          {
            title: t("projects.milestoneTitle"),
            dataIndex: "title",
            render: (v: string) => <span translate="no">{v}</span>,
          },
          {
            title: t("projects.plannedOn"),
            dataIndex: "plannedOn",
            render: (v: string, m) => (
              <Space>
                {v}
                {m.late && <Tag color="red">{t("projects.late")}</Tag>}
              </Space>
            ),
          },
          {
            title: t("projects.milestoneStatusLabel"),
            render: (_: unknown, m) => {
              const edit = edits[m.id] ?? { status: m.status, actualOn: m.actualOn ?? "" };
              return (
                <Space wrap>
                  <Select
                    size="small"
                    disabled={disabled}
                    value={edit.status}
                    style={{ width: 110 }}
                    aria-label={`${t("projects.milestoneStatusLabel")} ${m.title}`}
                    onChange={(status) => setEdits({ ...edits, [m.id]: { ...edit, status } })}
                    options={MILESTONE_STATES.map((s) => ({ value: s, label: t(`projects.milestoneStatus.${s}`) }))}
                  />
                  {edit.status === "done" && (
                    <Input
                      size="small"
                      type="date"
                      disabled={disabled}
                      value={edit.actualOn}
                      aria-label={`${t("projects.actualOn")} ${m.title}`}
                      onChange={(e) => setEdits({ ...edits, [m.id]: { ...edit, actualOn: e.target.value } })}
                      style={{ width: 150 }}
                    />
                  )}
                  {!disabled && (
                    <Button size="small" onClick={() => save(m)}>
                      {t("projects.save")}
                    </Button>
                  )}
                </Space>
              );
            },
          },
        ]}
      />
      {!disabled && (
        <Form form={form} layout="inline" onFinish={add} style={{ marginTop: 12 }}>
          <Form.Item name="title" rules={[{ required: true, message: t("projects.required") }]}>
            <Input
              placeholder={t("projects.milestoneTitle")}
              aria-label={t("projects.milestoneTitle")}
              maxLength={120}
            />
          </Form.Item>
          <Form.Item name="plannedOn" rules={[{ required: true, message: t("projects.required") }]}>
            <Input type="date" aria-label={t("projects.plannedOn")} />
          </Form.Item>
          <Button htmlType="submit">{t("projects.addMilestone")}</Button>
        </Form>
      )}
    </Card>
  );
}

function Photos({
  project,
  disabled,
  onChanged,
}: {
  project: ManagedProject;
  disabled: boolean;
  onChanged: (p: ManagedProject) => void;
}) {
  const { t } = useTranslation();
  const fail = useFormFail();
  const [milestoneId, setMilestoneId] = useState<string>();
  const photos = project.files.filter((f) => f.purpose === "photo");
  const upload = async (file: File) => {
    try {
      onChanged(
        await addProjectFile(project.id, crypto.randomUUID(), file, {
          purpose: "photo",
          ...(milestoneId ? { milestoneId } : {}),
        }),
      );
    } catch (e) {
      fail(e);
    }
    return false;
  };
  return (
    <Card size="small" title={t("projects.photos")}>
      <Space wrap>
        {photos.map((f) => (
          <Space key={f.id} direction="vertical" size={0} style={{ width: 120 }}>
            <a href={staffFileUrl(project.id, f.id)} target="_blank" rel="noreferrer">
              <img
                src={staffFileUrl(project.id, f.id)}
                alt={f.fileName}
                style={{ width: 120, height: 90, objectFit: "cover" }}
              />
            </a>
            <Typography.Text type="secondary" style={{ fontSize: 12 }} translate="no">
              {project.milestones.find((m) => m.id === f.milestoneId)?.title ?? f.caption}
            </Typography.Text>
            {!disabled && (
              <Button
                size="small"
                danger
                type="link"
                onClick={() => removeProjectFile(project.id, f.id).then(onChanged, fail)}
              >
                {t("projects.remove")}
              </Button>
            )}
          </Space>
        ))}
        {photos.length === 0 && <Typography.Text type="secondary">{t("projects.noPhotos")}</Typography.Text>}
      </Space>
      {!disabled && (
        <Space style={{ marginTop: 12 }} wrap>
          <Select
            allowClear
            style={{ width: 200 }}
            placeholder={t("projects.photoMilestone")}
            aria-label={t("projects.photoMilestone")}
            value={milestoneId}
            onChange={setMilestoneId}
            options={project.milestones.map((m) => ({ value: m.id, label: m.title }))}
          />
          <Upload accept="image/jpeg,image/png,image/webp" showUploadList={false} beforeUpload={upload}>
            <Button>{t("projects.addPhoto")}</Button>
          </Upload>
          <Typography.Text type="secondary">{t("projects.photoHelp")}</Typography.Text>
        </Space>
      )}
    </Card>
  );
}
