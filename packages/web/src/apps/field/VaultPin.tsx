import { Button, Form, Input, List, Toast } from "antd-mobile";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { usePinNeeded, usePinRequest, useVault } from "../../lib/offline/field-vault.tsx";
import { PIN_PATTERN } from "../../lib/offline/vault.ts";

/**
 * The offline PIN of the worker's vault (lib/offline/vault.ts): set once at first online use (a card
 * above the app's screens until it is), asked when the app opens without a network, and once online
 * after the worker's password changed (over everything, until right; the fifth wrong PIN in a row
 * wipes what the phone kept).
 */
export function VaultPinGate() {
  const { t } = useTranslation();
  const request = usePinRequest();
  const [pin, setPin] = useState("");
  if (!request) return null;
  return (
    <div
      data-testid="vault-unlock"
      style={{ position: "fixed", inset: 0, zIndex: 1000, background: "#fff", padding: "48px 16px" }}
    >
      <h2 style={{ textAlign: "center" }}>{t("vaultPin.unlockTitle")}</h2>
      <p style={{ color: "#666" }}>{t(request.reason === "rekey" ? "vaultPin.rekeyHint" : "vaultPin.unlockHint")}</p>
      <Form layout="vertical">
        <Form.Item
          label={t("vaultPin.pin")}
          description={request.wrong ? t("vaultPin.wrong", { left: request.left }) : undefined}
        >
          <Input
            type="password"
            inputMode="numeric"
            autoComplete="off"
            aria-label={t("vaultPin.pin")}
            value={pin}
            onChange={setPin}
            onEnterPress={() => pin && request.answer(pin)}
          />
        </Form.Item>
      </Form>
      <Button
        block
        color="primary"
        size="large"
        disabled={!pin}
        onClick={() => {
          request.answer(pin);
          setPin("");
        }}
      >
        {t("vaultPin.unlock")}
      </Button>
    </div>
  );
}

export function VaultPinSetup() {
  const { t } = useTranslation();
  const vault = useVault();
  const [needed, done] = usePinNeeded();
  const [pin, setPin] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  if (!vault || !needed) return null;
  const save = async () => {
    if (!PIN_PATTERN.test(pin)) return Toast.show({ content: t("vaultPin.pattern") });
    if (pin !== again) return Toast.show({ content: t("vaultPin.mismatch") });
    setBusy(true);
    try {
      await vault.setPin(pin);
      Toast.show({ icon: "success", content: t("vaultPin.saved") });
      done();
    } catch {
      Toast.show({ icon: "fail", content: t("vaultPin.needsNetwork") });
    } finally {
      setBusy(false);
    }
  };
  return (
    <List header={t("vaultPin.setTitle")} data-testid="vault-pin-setup">
      <List.Item description={t("vaultPin.setHint")}>
        <Input
          type="password"
          inputMode="numeric"
          autoComplete="off"
          aria-label={t("vaultPin.pin")}
          placeholder={t("vaultPin.pin")}
          value={pin}
          onChange={setPin}
        />
      </List.Item>
      <List.Item>
        <Input
          type="password"
          inputMode="numeric"
          autoComplete="off"
          aria-label={t("vaultPin.again")}
          placeholder={t("vaultPin.again")}
          value={again}
          onChange={setAgain}
        />
      </List.Item>
      <List.Item>
        <Button block color="primary" loading={busy} onClick={() => void save()}>
          {t("vaultPin.set")}
        </Button>
      </List.Item>
    </List>
  );
}
