import { Dialog, TextArea } from "antd-mobile";
import { useTranslation } from "react-i18next";

/**
 * Asks for a few words before an action on the phone (the reason to reveal numbers, what was done to
 * settle an event): the text, why it was not accepted, cancel and confirm.
 */
export function MobileTextDialog({
  visible,
  title,
  hint,
  placeholder,
  value,
  onChange,
  problem,
  confirmText,
  busy = false,
  onConfirm,
  onClose,
  testId,
}: {
  visible: boolean;
  title: string;
  hint?: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  problem: string | undefined;
  confirmText: string;
  busy?: boolean;
  onConfirm: () => void;
  onClose: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      visible={visible}
      title={title}
      content={
        <>
          {hint && <p style={{ fontSize: 13, color: "#888" }}>{hint}</p>}
          <TextArea placeholder={placeholder} value={value} onChange={onChange} rows={3} data-testid={testId} />
          {problem && <div style={{ color: "#b71c1c", marginTop: 4 }}>{problem}</div>}
        </>
      }
      onClose={onClose}
      actions={[
        [
          { key: "cancel", text: t("common.cancel"), onClick: onClose },
          { key: "ok", text: confirmText, bold: true, disabled: busy, onClick: onConfirm },
        ],
      ]}
    />
  );
}
