import { Button, Toast } from "antd-mobile";
import { CameraOutline } from "antd-mobile-icons";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { compressPhoto, type Photo } from "../lib/photo.ts";

/** One photo from the camera (or the gallery), compressed on the phone, with its thumbnail and a way to remove it. */
export function PhotoPicker({ value, onChange }: { value?: Photo; onChange: (photo: Photo | undefined) => void }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => () => value && URL.revokeObjectURL(value.previewUrl), [value]);
  return (
    <div data-testid="photo-picker" style={{ display: "flex", alignItems: "center", gap: 12 }}>
      <input
        ref={input}
        type="file"
        accept="image/*"
        capture="environment"
        aria-label={t("field.photo")}
        style={{ display: "none" }}
        onChange={async (e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (!file) return;
          setBusy(true);
          try {
            onChange(await compressPhoto(file));
          } catch {
            Toast.show({ icon: "fail", content: t("field.photoUnreadable") });
          } finally {
            setBusy(false);
          }
        }}
      />
      {value ? (
        <>
          <img
            src={value.previewUrl}
            alt={t("field.photo")}
            style={{ width: 72, height: 72, objectFit: "cover", borderRadius: 4 }}
          />
          <Button size="small" onClick={() => onChange(undefined)}>
            {t("field.removePhoto")}
          </Button>
        </>
      ) : (
        <Button size="small" loading={busy} onClick={() => input.current?.click()}>
          <CameraOutline /> {t("field.takePhoto")}
        </Button>
      )}
    </div>
  );
}
