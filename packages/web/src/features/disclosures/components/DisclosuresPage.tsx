import { formatFen } from "@wangge/core";
import {
  App,
  Badge,
  Button,
  Card,
  Descriptions,
  Drawer,
  Input,
  List,
  Modal,
  Segmented,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { useTimeFormat } from "../../../lib/format-time.ts";
import {
  addDraftFile,
  type DisclosureSetting,
  draftFileUrl,
  getManaged,
  hideComment,
  listInbox,
  listManaged,
  listReviewQueue,
  listSettings,
  type ManagedDisclosure,
  type ManagedSummary,
  removeDraftFile,
  replyToComment,
  reviewDisclosure,
  type StaffComment,
  submitDisclosure,
  updateSetting,
} from "../api/disclosures.ts";
import { DisclosureEditor, KINDS } from "./DisclosureEditor.tsx";
import { ProceduresPanel } from "./ProceduresPanel.tsx";

/**
 * 四务公开 in the console: the items of the caller's villages (drafts, under review, published, with
 * what is left to answer), the township's review queue, residents' questions and objections to answer
 * or hide, and — for who holds it deployment-wide — which kinds need a review.
 */
const STATE_COLOR: Record<string, string> = {
  draft: "default",
  in_review: "processing",
  rejected: "error",
  published: "success",
};

export function DisclosuresPage({
  canManage,
  canReview,
  canConfigure,
  villageCode,
}: {
  canManage: boolean;
  canReview: boolean;
  canConfigure: boolean;
  /** The caller's village when they hold a post at one: new items start there. */
  villageCode?: string | undefined;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const reload = () => setRefresh((n) => n + 1);
  const tabs = [
    ...(canManage
      ? [
          {
            key: "items",
            label: t("disclosures.items"),
            children: (
              <Space direction="vertical" style={{ width: "100%" }}>
                <Button type="primary" onClick={() => setCreating(true)}>
                  {t("disclosures.new")}
                </Button>
                <ItemTable load={() => listManaged({})} refresh={refresh} onOpen={setOpen} />
              </Space>
            ),
          },
        ]
      : []),
    ...(canReview
      ? [
          {
            key: "review",
            label: t("disclosures.reviewQueue"),
            children: <ItemTable load={listReviewQueue} refresh={refresh} onOpen={setOpen} />,
          },
        ]
      : []),
    ...(canManage ? [{ key: "comments", label: t("disclosures.inbox"), children: <Inbox /> }] : []),
    ...(canManage
      ? [
          {
            key: "procedures",
            label: t("disclosures.procedures"),
            children: <ProceduresPanel areaCode={villageCode} />,
          },
        ]
      : []),
    ...(canConfigure ? [{ key: "settings", label: t("disclosures.settings"), children: <Settings /> }] : []),
  ];
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t("disclosures.pageTitle")}
      </Typography.Title>
      <Tabs items={tabs} destroyInactiveTabPane />
      <Drawer
        open={creating}
        width={820}
        title={t("disclosures.new")}
        onClose={() => setCreating(false)}
        destroyOnClose
      >
        <DisclosureEditor
          mode="create"
          areaCode={villageCode}
          onSaved={(d) => {
            setCreating(false);
            reload();
            setOpen(d.id);
          }}
        />
      </Drawer>
      <Drawer
        open={Boolean(open)}
        width={860}
        title={t("disclosures.item")}
        onClose={() => setOpen(undefined)}
        destroyOnClose
      >
        {open && <ItemDetail id={open} canManage={canManage} canReview={canReview} onChanged={reload} />}
      </Drawer>
    </Space>
  );
}

function ItemTable({
  load,
  refresh,
  onOpen,
}: {
  load: () => Promise<ManagedSummary[]>;
  refresh: number;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const fail = useFormFail();
  const [rows, setRows] = useState<ManagedSummary[]>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` asks for a new read
  useEffect(() => {
    load().then(setRows, (e) => {
      setRows([]);
      fail(e);
    });
  }, [load, refresh, fail]);
  return (
    <Table
      rowKey="id"
      loading={!rows}
      dataSource={rows}
      size="middle"
      onRow={(r) => ({ onClick: () => onOpen(r.id), style: { cursor: "pointer" } })}
      columns={[
        { title: t("disclosures.title"), dataIndex: "title", render: (v: string) => <span translate="no">{v}</span> },
        {
          title: t("disclosures.village"),
          dataIndex: "areaName",
          render: (v: string) => <span translate="no">{v}</span>,
        },
        { title: t("disclosures.kindLabel"), dataIndex: "kind", render: (k: string) => t(`disclosures.kind.${k}`) },
        { title: t("disclosures.periodKind"), dataIndex: "periodKey" },
        {
          title: t("disclosures.state"),
          dataIndex: "state",
          render: (s: string, r) => (
            <Space>
              <Tag color={STATE_COLOR[s]}>{t(`disclosures.states.${s}`)}</Tag>
              {r.publishedVersion && r.publishedVersion > 1 && (
                <Tag>{t("disclosures.versionN", { version: r.publishedVersion })}</Tag>
              )}
            </Space>
          ),
        },
        {
          title: t("disclosures.toAnswer"),
          render: (_: unknown, r) =>
            r.unanswered > 0 ? (
              <Space>
                <Badge count={r.unanswered} color="blue" />
                {r.overdue > 0 && <Tag color="red">{t("disclosures.overdueN", { count: r.overdue })}</Tag>}
              </Space>
            ) : null,
        },
      ]}
    />
  );
}

function ItemDetail({
  id,
  canManage,
  canReview,
  onChanged,
}: {
  id: string;
  canManage: boolean;
  canReview: boolean;
  onChanged: () => void;
}) {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fail = useFormFail();
  const [item, setItem] = useState<ManagedDisclosure>();
  const [editing, setEditing] = useState<"draft" | "correction">();
  const [note, setNote] = useState("");
  const load = useCallback(() => getManaged(id).then(setItem, fail), [id, fail]);
  useEffect(() => {
    load();
  }, [load]);
  if (!item) return null;
  const latest = item.versions[0];
  if (!latest) return null;
  const changed = (d: ManagedDisclosure) => {
    setItem(d);
    setEditing(undefined);
    onChanged();
  };
  const act = async (run: () => Promise<ManagedDisclosure>, done: string) => {
    try {
      changed(await run());
      message.success(t(done));
    } catch (e) {
      fail(e);
    }
  };
  const open = latest.state === "draft" || latest.state === "rejected";
  if (editing) return <DisclosureEditor mode={editing} item={item} onSaved={changed} />;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t("disclosures.village")}>
          <span translate="no">{item.areaName}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t("disclosures.kindLabel")}>{t(`disclosures.kind.${item.kind}`)}</Descriptions.Item>
        <Descriptions.Item label={t("disclosures.periodKind")}>{item.periodKey}</Descriptions.Item>
        <Descriptions.Item label={t("disclosures.review")}>
          {item.requiresReview ? t("disclosures.reviewNeeded") : t("disclosures.reviewNotNeeded")}
        </Descriptions.Item>
        {item.publicityEndsAt && (
          <Descriptions.Item label={t("disclosures.publicityEnds")} span={2}>
            {time.dateTime(item.publicityEndsAt)}
          </Descriptions.Item>
        )}
      </Descriptions>
      {canManage && (
        <Space wrap>
          {open && <Button onClick={() => setEditing("draft")}>{t("disclosures.editDraft")}</Button>}
          {open && (
            <Button
              type="primary"
              onClick={() =>
                act(
                  () => submitDisclosure(item.id, latest.id),
                  item.requiresReview ? "disclosures.submitted" : "disclosures.published",
                )
              }
            >
              {item.requiresReview ? t("disclosures.submit") : t("disclosures.publish")}
            </Button>
          )}
          {latest.state === "published" && (
            <Button onClick={() => setEditing("correction")}>{t("disclosures.correct")}</Button>
          )}
          {open && (
            <Upload
              accept=".pdf,.jpg,.jpeg,.png,.webp"
              showUploadList={false}
              beforeUpload={(file) => {
                act(() => addDraftFile(item.id, crypto.randomUUID(), file), "disclosures.fileAdded");
                return false;
              }}
            >
              <Button>{t("disclosures.addFile")}</Button>
            </Upload>
          )}
        </Space>
      )}
      {canReview && latest.state === "in_review" && (
        <Card size="small" title={t("disclosures.reviewThis")}>
          <Space direction="vertical" style={{ width: "100%" }}>
            <Input.TextArea
              value={note}
              onChange={(e) => setNote(e.target.value)}
              placeholder={t("disclosures.reviewNote")}
              aria-label={t("disclosures.reviewNote")}
            />
            <Space>
              <Button
                type="primary"
                onClick={() =>
                  act(
                    () => reviewDisclosure(item.id, { versionId: latest.id, decision: "approve", note }),
                    "disclosures.published",
                  )
                }
              >
                {t("disclosures.approve")}
              </Button>
              <Button
                danger
                onClick={() =>
                  act(
                    () => reviewDisclosure(item.id, { versionId: latest.id, decision: "reject", note }),
                    "disclosures.sentBack",
                  )
                }
              >
                {t("disclosures.reject")}
              </Button>
            </Space>
          </Space>
        </Card>
      )}
      {item.versions.map((v) => (
        <Card
          key={v.id}
          size="small"
          title={
            <Space>
              {t("disclosures.versionN", { version: v.version })}
              <Tag color={STATE_COLOR[v.state]}>{t(`disclosures.states.${v.state}`)}</Tag>
              <span translate="no">{v.title}</span>
            </Space>
          }
        >
          {v.correctionReason && (
            <Typography.Paragraph type="warning">
              {t("disclosures.reason", { reason: v.correctionReason })}
            </Typography.Paragraph>
          )}
          {v.reviewNote && (
            <Typography.Paragraph type="danger">
              {t("disclosures.reviewNoteIs", { note: v.reviewNote })}
            </Typography.Paragraph>
          )}
          <Typography.Paragraph style={{ whiteSpace: "pre-wrap" }}>
            <span translate="no">{v.body}</span>
          </Typography.Paragraph>
          {v.financeLines && (
            <Typography.Paragraph>
              {t("disclosures.linesTotal", {
                income: formatFen(v.incomeFen ?? 0),
                expense: formatFen(v.expenseFen ?? 0),
              })}{" "}
              ({t("disclosures.lineCount", { count: v.financeLines.length })})
            </Typography.Paragraph>
          )}
          {v.files.length > 0 && (
            <List
              size="small"
              dataSource={v.files}
              renderItem={(f) => (
                <List.Item
                  actions={
                    canManage && open && v.id === latest.id
                      ? [
                          <Button
                            key="rm"
                            size="small"
                            type="link"
                            danger
                            onClick={() => act(() => removeDraftFile(item.id, f.id), "disclosures.fileRemoved")}
                          >
                            {t("disclosures.removeFile")}
                          </Button>,
                        ]
                      : []
                  }
                >
                  <a href={draftFileUrl(item.id, f.id)} target="_blank" rel="noreferrer" translate="no">
                    {f.fileName}
                  </a>
                </List.Item>
              )}
            />
          )}
          <Typography.Text type="secondary">
            {[
              v.createdBy && t("disclosures.writtenBy", { name: v.createdBy }),
              v.reviewedBy && t("disclosures.reviewedBy", { name: v.reviewedBy }),
              v.publishedAt && t("disclosures.publishedAt", { at: time.dateTime(v.publishedAt) }),
            ]
              .filter(Boolean)
              .join(" · ")}
          </Typography.Text>
        </Card>
      ))}
      {item.comments.length > 0 && (
        <Card size="small" title={t("disclosures.comments")}>
          <CommentTable rows={item.comments} canManage={canManage} onChanged={load} />
        </Card>
      )}
    </Space>
  );
}

function Inbox() {
  const { t } = useTranslation();
  const fail = useFormFail();
  const [state, setState] = useState("open");
  const [rows, setRows] = useState<StaffComment[]>();
  const load = useCallback(
    () =>
      listInbox({ state }).then(setRows, (e) => {
        setRows([]);
        fail(e);
      }),
    [state, fail],
  );
  useEffect(() => {
    load();
  }, [load]);
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Segmented
        value={state}
        onChange={(v) => setState(String(v))}
        options={["open", "overdue", "answered", "hidden", "all"].map((s) => ({
          value: s,
          label: t(`disclosures.inboxStates.${s}`),
        }))}
      />
      <CommentTable rows={rows} canManage onChanged={load} showItem />
    </Space>
  );
}

function CommentTable({
  rows,
  canManage,
  onChanged,
  showItem,
}: {
  rows: StaffComment[] | undefined;
  canManage: boolean;
  onChanged: () => void;
  showItem?: boolean;
}) {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fail = useFormFail();
  const [action, setAction] = useState<{ comment: StaffComment; kind: "reply" | "hide" }>();
  const [text, setText] = useState("");
  const run = async () => {
    if (!action) return;
    try {
      if (action.kind === "reply") await replyToComment(action.comment.id, text);
      else await hideComment(action.comment.id, text);
      message.success(t(action.kind === "reply" ? "disclosures.answered" : "disclosures.hidden"));
      setAction(undefined);
      setText("");
      onChanged();
    } catch (e) {
      fail(e);
    }
  };
  return (
    <>
      <Table
        rowKey="id"
        size="small"
        loading={!rows}
        dataSource={rows}
        pagination={{ pageSize: 20 }}
        columns={[
          ...(showItem
            ? [
                {
                  title: t("disclosures.item"),
                  dataIndex: "disclosureTitle",
                  render: (v: string, r: StaffComment) => (
                    <Space direction="vertical" size={0}>
                      <Tag>{t(`disclosures.subjectType.${r.subjectType}`)}</Tag>
                      <span translate="no">{v}</span>
                    </Space>
                  ),
                },
              ]
            : []),
          {
            title: t("disclosures.commentKindLabel"),
            dataIndex: "kind",
            render: (k: string, r: StaffComment) => (
              <Space direction="vertical" size={0}>
                <Tag color={k === "objection" ? "red" : "blue"}>{t(`disclosures.commentKind.${k}`)}</Tag>
                {r.overdue && <Tag color="red">{t("disclosures.overdue")}</Tag>}
              </Space>
            ),
          },
          {
            title: t("disclosures.commentText"),
            dataIndex: "text",
            render: (v: string) => <span translate="no">{v}</span>,
          },
          {
            title: t("disclosures.author"),
            render: (_: unknown, r: StaffComment) => (
              <span translate="no">
                {r.author}
                {r.anonymous ? ` (${t("disclosures.anonymousToPublic")})` : r.signature ? ` (${r.signature})` : ""}
              </span>
            ),
          },
          {
            title: t("disclosures.dueAt"),
            dataIndex: "dueAt",
            render: (v: string | null) => (v ? time.dateTime(v) : ""),
          },
          {
            title: t("disclosures.answer"),
            render: (_: unknown, r: StaffComment) =>
              r.hiddenAt ? (
                <Typography.Text type="secondary">
                  {t("disclosures.hiddenBecause", { reason: r.hiddenReason ?? "" })}
                </Typography.Text>
              ) : r.reply ? (
                <span translate="no">{r.reply}</span>
              ) : canManage ? (
                <Space>
                  <Button size="small" type="primary" onClick={() => setAction({ comment: r, kind: "reply" })}>
                    {t("disclosures.reply")}
                  </Button>
                  <Button size="small" danger onClick={() => setAction({ comment: r, kind: "hide" })}>
                    {t("disclosures.hide")}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <Modal
        open={Boolean(action)}
        title={action?.kind === "hide" ? t("disclosures.hideTitle") : t("disclosures.replyTitle")}
        onCancel={() => setAction(undefined)}
        onOk={run}
        okButtonProps={{ disabled: !text.trim() }}
        destroyOnClose
      >
        <Typography.Paragraph translate="no">{action?.comment.text}</Typography.Paragraph>
        <Input.TextArea
          rows={4}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={action?.kind === "hide" ? t("disclosures.hideReason") : t("disclosures.replyText")}
          placeholder={action?.kind === "hide" ? t("disclosures.hideReason") : t("disclosures.replyText")}
        />
      </Modal>
    </>
  );
}

function Settings() {
  const { t } = useTranslation();
  const fail = useFormFail();
  const [rows, setRows] = useState<DisclosureSetting[]>();
  useEffect(() => {
    listSettings().then(setRows, fail);
  }, [fail]);
  return (
    <List
      bordered
      loading={!rows}
      dataSource={KINDS.map((k) => rows?.find((r) => r.kind === k)).filter((r): r is DisclosureSetting => Boolean(r))}
      renderItem={(r) => (
        <List.Item
          extra={
            <Switch
              checked={r.requiresReview}
              aria-label={t(`disclosures.kind.${r.kind}`)}
              onChange={(on) => updateSetting(r.kind, on).then(setRows, fail)}
            />
          }
        >
          {t(`disclosures.kind.${r.kind}`)} — {t("disclosures.requiresReview")}
        </List.Item>
      )}
    />
  );
}
