import {
  type AcceptanceResult,
  type AcceptanceSignatory,
  chinaDate,
  type ManagedProject,
  type ProjectAcceptance,
  SIGNATORY_ROLES,
  type SignatoryRole,
} from "@wangge/core";
import { App, Button, Card, Descriptions, Form, Input, Select, Space, Tag, Timeline, Typography, Upload } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { addProjectFile, recordAcceptance, staffFileUrl } from "../api/projects.ts";

/**
 * The completion acceptances (验收) of a project in the console: every one in order — a failed one with
 * its rectification items stays on the public record — and, until one passes, the form for the next
 * (once every milestone is done). Who signed is named by role and unit, as residents see it.
 */
interface AcceptanceForm {
  acceptedOn: string;
  acceptedBy: string;
  result: AcceptanceResult;
  note?: string;
  rectifications?: string;
  signatories: { role: SignatoryRole; unit?: string }[];
}

export function AcceptanceHistory({ projectId, acceptances }: { projectId: string; acceptances: ProjectAcceptance[] }) {
  const { t } = useTranslation();
  return (
    <Timeline
      data-testid="acceptance-history"
      items={acceptances.map((a) => ({
        key: a.id,
        color: a.result === "passed" ? "green" : "red",
        children: (
          <div data-testid="acceptance-entry">
            <Space wrap>
              <strong>{t("projects.acceptanceN", { n: String(a.number) })}</strong>
              <span>{a.acceptedOn}</span>
              <Tag color={a.result === "passed" ? "success" : "error"}>{t(`projects.result.${a.result}`)}</Tag>
            </Space>
            <Descriptions size="small" column={1} style={{ marginTop: 4 }}>
              <Descriptions.Item label={t("projects.acceptedBy")}>
                <span translate="no">{a.acceptedBy}</span>
              </Descriptions.Item>
              {a.signatories.length > 0 && (
                <Descriptions.Item label={t("projects.signedBy")}>
                  <span>{a.signatories.map((s) => signatoryText(t, s)).join(t("projects.listSeparator"))}</span>
                </Descriptions.Item>
              )}
              {a.note && (
                <Descriptions.Item label={t("projects.acceptanceNote")}>
                  <span translate="no">{a.note}</span>
                </Descriptions.Item>
              )}
              {a.rectifications.length > 0 && (
                <Descriptions.Item label={t("projects.rectifications")}>
                  <ol style={{ margin: 0, paddingInlineStart: 18 }} translate="no">
                    {a.rectifications.map((r) => (
                      <li key={r}>{r}</li>
                    ))}
                  </ol>
                </Descriptions.Item>
              )}
              {a.document && (
                <Descriptions.Item label={t("projects.acceptanceDocument")}>
                  <a href={staffFileUrl(projectId, a.document.id)} target="_blank" rel="noreferrer">
                    <span translate="no">{a.document.fileName}</span>
                  </a>
                </Descriptions.Item>
              )}
            </Descriptions>
          </div>
        ),
      }))}
    />
  );
}

function signatoryText(t: (key: string, opts?: Record<string, string>) => string, s: AcceptanceSignatory) {
  return t("projects.signatory", { role: t(`projects.signatoryRole.${s.role}`), unit: s.unit });
}

export function Acceptance({
  project,
  onChanged,
}: {
  project: ManagedProject;
  onChanged: (p: ManagedProject) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fail = useFormFail();
  const [form] = Form.useForm<AcceptanceForm>();
  const [documentId, setDocumentId] = useState<string | null>(null);
  // One id per acceptance being recorded: a second click after a lost answer is the same acceptance.
  const [attemptId, setAttemptId] = useState(() => crypto.randomUUID());
  const result = Form.useWatch("result", form);
  const passed = project.acceptances.some((a) => a.result === "passed");
  const docs = project.files.filter((f) => f.purpose === "acceptance");
  const ready = project.milestonesTotal > 0 && project.milestonesDone === project.milestonesTotal;
  const uploadDoc = async (file: File) => {
    const fileId = crypto.randomUUID();
    try {
      onChanged(await addProjectFile(project.id, fileId, file, { purpose: "acceptance" }));
      setDocumentId(fileId);
    } catch (e) {
      fail(e);
    }
    return false;
  };
  const save = async (v: AcceptanceForm) => {
    const failed = v.result === "failed";
    try {
      onChanged(
        await recordAcceptance(project.id, {
          id: attemptId,
          acceptedOn: v.acceptedOn,
          acceptedBy: v.acceptedBy,
          result: v.result,
          note: v.note ?? "",
          rectifications: failed
            ? (v.rectifications ?? "")
                .split("\n")
                .map((line) => line.trim())
                .filter(Boolean)
            : [],
          signatories: v.signatories.map((s) => ({ role: s.role, unit: s.unit ?? "" })),
          documentFileId: documentId,
        }),
      );
      message.success(t("projects.acceptanceRecorded"));
      setAttemptId(crypto.randomUUID());
      setDocumentId(null);
      form.resetFields(["acceptedOn", "result", "note", "rectifications"]);
    } catch (e) {
      fail(e, form);
    }
  };
  return (
    <Card size="small" title={t("projects.acceptance")}>
      {project.acceptances.length > 0 && <AcceptanceHistory projectId={project.id} acceptances={project.acceptances} />}
      {!passed && (
        <>
          {project.acceptances.length > 0 && (
            <Typography.Paragraph type="secondary">{t("projects.nextAcceptance")}</Typography.Paragraph>
          )}
          {!ready && <Typography.Paragraph type="secondary">{t("projects.acceptanceWaits")}</Typography.Paragraph>}
          <Form
            form={form}
            layout="vertical"
            onFinish={save}
            disabled={!ready}
            initialValues={{
              result: "passed",
              acceptedBy: project.acceptances.at(-1)?.acceptedBy,
              signatories: project.acceptances.at(-1)?.signatories ?? [
                { role: "owner", unit: project.areaName },
                ...(project.contractor ? [{ role: "contractor", unit: project.contractor }] : []),
              ],
            }}
          >
            <Space wrap>
              <Form.Item
                name="acceptedOn"
                label={t("projects.acceptedOn")}
                rules={[{ required: true, message: t("projects.required") }]}
              >
                {/* Recorded once it has taken place: the server refuses a later date too. */}
                <Input type="date" max={chinaDate(new Date())} style={{ width: 170 }} />
              </Form.Item>
              <Form.Item name="result" label={t("projects.resultLabel")}>
                <Select
                  style={{ width: 140 }}
                  options={(["passed", "failed"] as const).map((r) => ({ value: r, label: t(`projects.result.${r}`) }))}
                />
              </Form.Item>
            </Space>
            <Form.Item
              name="acceptedBy"
              label={t("projects.acceptedBy")}
              rules={[{ required: true, message: t("projects.required") }]}
            >
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item label={t("projects.signedBy")} required>
              <Form.List name="signatories">
                {(fields, { add, remove }) => (
                  <Space direction="vertical" style={{ width: "100%" }}>
                    {fields.map((field) => (
                      <Space key={field.key} align="start" wrap>
                        <Form.Item name={[field.name, "role"]} noStyle>
                          <Select
                            style={{ width: 170 }}
                            aria-label={t("projects.signatoryRoleLabel")}
                            options={SIGNATORY_ROLES.map((r) => ({
                              value: r,
                              label: t(`projects.signatoryRole.${r}`),
                            }))}
                          />
                        </Form.Item>
                        <Form.Item
                          name={[field.name, "unit"]}
                          style={{ marginBottom: 0 }}
                          rules={[{ required: true, message: t("projects.required") }]}
                        >
                          <Input
                            style={{ width: 300 }}
                            maxLength={120}
                            aria-label={t("projects.signatoryUnit")}
                            placeholder={t("projects.signatoryUnit")}
                          />
                        </Form.Item>
                        <Button onClick={() => remove(field.name)} disabled={fields.length <= 1}>
                          {t("projects.remove")}
                        </Button>
                      </Space>
                    ))}
                    <Button onClick={() => add({ role: "authority" })}>{t("projects.addSignatory")}</Button>
                  </Space>
                )}
              </Form.List>
            </Form.Item>
            <Form.Item name="note" label={t("projects.acceptanceNote")}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
            {result === "failed" && (
              <Form.Item
                name="rectifications"
                label={t("projects.rectificationsInput")}
                rules={[{ required: true, message: t("projects.required") }]}
              >
                <Input.TextArea rows={3} />
              </Form.Item>
            )}
            <Space wrap style={{ marginBottom: 12 }}>
              <Upload accept="application/pdf,image/jpeg,image/png" showUploadList={false} beforeUpload={uploadDoc}>
                <Button disabled={!ready}>{t("projects.uploadDocument")}</Button>
              </Upload>
              {docs
                .filter((d) => d.id === documentId)
                .map((d) => (
                  <Tag key={d.id} translate="no">
                    {d.fileName}
                  </Tag>
                ))}
            </Space>
            <div>
              <Button type="primary" htmlType="submit">
                {t("projects.recordAcceptance")}
              </Button>
            </div>
          </Form>
        </>
      )}
    </Card>
  );
}
