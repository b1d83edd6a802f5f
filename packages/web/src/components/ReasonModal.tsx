import { Form, Input, Modal, Typography } from "antd";
import { useTranslation } from "react-i18next";

/** Asks why before numbers are shown or exported in clear; the reason goes to the audit trail. */
export function ReasonModal({
  open,
  title,
  okText,
  hint,
  onCancel,
  onReason,
}: {
  open: boolean;
  title: string;
  okText: string;
  /** What happens to the reason (default: the registry's: the audit trail and the person's access log). */
  hint?: string;
  onCancel: () => void;
  onReason: (reason: string) => Promise<unknown> | undefined;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      cancelText={t("common.cancel")}
      onCancel={onCancel}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{hint ?? t("registry.revealHint")}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={({ reason }) => onReason(reason)?.then(() => form.resetFields())}>
        <Form.Item
          name="reason"
          label={t("registry.reason")}
          rules={[{ required: true, min: 2, whitespace: true, message: t("registry.reasonRequired") }]}
        >
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
