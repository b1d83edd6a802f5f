import { Button, Form, Input, Selector, TextArea, Toast } from "antd-mobile";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { PhotoPicker } from "../../../components/PhotoPicker.tsx";
import { toApiError } from "../../../lib/api-client.ts";
import { BackBar, Loaded, useLoad } from "../../../lib/mobile-load.tsx";
import { useVault } from "../../../lib/offline/field-vault.tsx";
import type { Photo } from "../../../lib/photo.ts";
import { placeFieldErrors, problemLines } from "../../../lib/problem.ts";
import { useSession } from "../../../lib/session.tsx";
import { useOnline } from "../../../lib/use-online.ts";
import { type CategoryAttribute, type EventCategory, placeName, reportEvent, uploadAttachment } from "../api/events.ts";
import { categoriesForReporting, isUnreachable, keepForLater, keepPhotoForLater } from "../outbox.ts";
import { here } from "../position.ts";
import { useLang } from "../use-lang.ts";
import { CategoryGroupField } from "./CategoryGroupField.tsx";

/**
 * A grid worker reports what they found, on the spot: category (with the extra fields it requires),
 * what happened, and where — the phone's position, or else their grid. Without a network the report
 * is kept on the phone and sent when the network returns; it keeps its id, so it is created once.
 */
export function FieldReport() {
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const { me } = useSession();
  // Without a network, or with one that does not reach the server, the report is kept at once.
  const online = useOnline();
  const categories = useLoad("categories", categoriesForReporting, []);
  const [group, setGroup] = useState<string>();
  const [categoryKey, setCategoryKey] = useState<string>();
  const [attributes, setAttributes] = useState<Record<string, string>>({});
  const [description, setDescription] = useState("");
  const [position, setPosition] = useState<{ lng: number; lat: number } | null>();
  const [busy, setBusy] = useState(false);
  const [photo, setPhoto] = useState<Photo>();
  const vault = useVault();
  /** The server's reasons, by the field they concern (the report's parts on this screen). */
  const [problems, setProblems] = useState<Record<string, string>>({});
  const id = useRef(crypto.randomUUID());
  const photoIdRef = useRef(crypto.randomUUID());
  const gridCode = me?.assignments.find((a) => a.areaCode)?.areaCode ?? undefined;

  /** The position by name (township, village, grid), never as bare coordinates; unknown offline. */
  const [place, setPlace] = useState<string | null>();
  useEffect(() => {
    void here().then((p) => {
      setPosition(p ?? null);
      if (p) placeName(p.lng, p.lat).then(setPlace, () => setPlace(null));
    });
  }, []);

  const all = categories.data ?? [];
  const leaves = useMemo(() => all.filter((c) => c.parentKey === group && c.active), [all, group]);
  const category: EventCategory | undefined = leaves.find((c) => c.key === categoryKey);
  // Fields the category requires, in the forms a phone can fill: a choice, a number or a line of text.
  const required = (category?.attributes ?? []).filter((a) => a.required);

  const submit = async () => {
    // Each missing part is said next to it; the toast only says there is something to finish.
    const gaps: Record<string, string> = {};
    if (!category) gaps.category = t(group ? "field.report.chooseCategory" : "field.report.chooseGroup");
    for (const a of required)
      if (!attributes[a.code]?.trim())
        gaps[`attributes.${a.code}`] = t("field.report.fillField", { field: a.description[lang] });
    if (description.trim().length < 2) gaps.description = t("field.report.describe");
    if (!category || Object.keys(gaps).length > 0) {
      setProblems(gaps);
      Toast.show({ content: t("field.reportIncomplete") });
      return;
    }
    const body = {
      id: id.current,
      categoryKey: category.key,
      description: description.trim(),
      source: "field",
      ...(position ? position : gridCode ? { areaCode: gridCode } : {}),
      ...(required.length > 0
        ? {
            attributes: Object.fromEntries(
              required.map((a) => [a.code, a.datatype === "number" ? Number(attributes[a.code]) : attributes[a.code]]),
            ),
          }
        : {}),
    };
    const madeAt = new Date().toISOString();
    const photoId = photoIdRef.current;
    const keepPhoto = async (after?: string) => {
      if (!vault || !photo) return;
      await keepPhotoForLater(vault, {
        id: photoId,
        eventId: id.current,
        fileName: photo.fileName,
        bytes: photo.bytes,
        ...(after ? { after } : {}),
      });
    };
    const keep = async () => {
      if (!vault) {
        Toast.show({ icon: "fail", content: t("field.cannotKeep") });
        return;
      }
      // The photo goes after its report (the queue keeps when each was made); the report keeps the
      // time the worker made it, whenever it reaches the server.
      await keepForLater(vault, { id: id.current, body: { ...body, occurredAt: madeAt } });
      await keepPhoto(id.current);
      Toast.show({ icon: "success", content: t("field.savedOffline") });
      navigate("/", { replace: true });
    };
    if (!online) return keep();
    setBusy(true);
    setProblems({});
    try {
      const event = await reportEvent(body);
      if (photo) {
        await uploadAttachment(
          event.id,
          new File([photo.bytes], photo.fileName, { type: "image/jpeg" }),
          photoId,
        ).catch((error: unknown) => (isUnreachable(error) ? keepPhoto() : Promise.reject(error)));
      }
      Toast.show({ icon: "success", content: t("field.reported") });
      navigate(`/tasks/${event.id}`, { replace: true });
    } catch (error) {
      if (isUnreachable(error)) await keep();
      else {
        // Each reason next to what it is about; what was typed stays.
        const { placed, unplaced } = placeFieldErrors(
          toApiError(error).errors,
          (name) => REPORT_FIELDS.has(String(name[0])),
          { "body.lng": "where", "body.lat": "where", "body.areaCode": "where" },
        );
        setProblems(Object.fromEntries(placed.map((p) => [p.name.join("."), p.message])));
        Toast.show({ icon: "fail", content: problemLines(t, error, unplaced).join(" ") });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="field-report">
      <BackBar title={t("events.report")} />
      <Loaded state={categories}>
        {() => (
          <Form
            layout="vertical"
            footer={
              <Button block color="primary" size="large" loading={busy} onClick={() => void submit()}>
                {t("events.submit")}
              </Button>
            }
          >
            <CategoryGroupField
              categories={all}
              value={group}
              onChange={(g) => {
                setGroup(g);
                // A group of one category (公共设施 → 公共设施损坏) has it chosen, and its fields shown, at once.
                const only = all.filter((c) => c.parentKey === g && c.active);
                setCategoryKey(only.length === 1 ? only[0]?.key : undefined);
                setAttributes({});
                setProblems(({ category: _, ...rest }) => rest);
              }}
            />
            {!group && <Problem text={problems.category} />}
            {group && (
              <Form.Item label={t("events.category")}>
                <Selector
                  columns={2}
                  options={leaves.map((c) => ({ label: c.name[lang], value: c.key }))}
                  value={categoryKey ? [categoryKey] : []}
                  onChange={(v) => {
                    // One category is always meant: tapping the chosen one again keeps it.
                    if (!v[0] || v[0] === categoryKey) return;
                    setCategoryKey(v[0]);
                    setAttributes({});
                    setProblems(({ category: _, ...rest }) => rest);
                  }}
                />
                <Problem text={problems.category} />
              </Form.Item>
            )}
            {required.map((a: CategoryAttribute) => (
              <Form.Item key={a.code} label={a.description[lang]} required>
                {a.values ? (
                  <Selector
                    options={a.values.map((v) => ({ label: v.name[lang], value: v.key }))}
                    value={attributes[a.code] ? [attributes[a.code] as string] : []}
                    onChange={(v) => setAttributes((x) => ({ ...x, [a.code]: v[0] ?? "" }))}
                  />
                ) : (
                  <Input
                    type={a.datatype === "number" ? "number" : "text"}
                    value={attributes[a.code] ?? ""}
                    onChange={(value) => setAttributes((x) => ({ ...x, [a.code]: value }))}
                  />
                )}
                <Problem text={problems[`attributes.${a.code}`]} />
              </Form.Item>
            ))}
            <Form.Item label={t("events.description")}>
              <TextArea
                value={description}
                onChange={(value) => {
                  setDescription(value);
                  if (value.trim().length >= 2) setProblems(({ description: _, ...rest }) => rest);
                }}
                rows={4}
                placeholder={t("residentEvents.whatHint")}
                data-testid="report-description"
              />
              <Problem text={problems.description} />
            </Form.Item>
            <Form.Item label={t("field.photo")}>
              <PhotoPicker value={photo} onChange={setPhoto} />
            </Form.Item>
            <Form.Item label={t("residentEvents.where")}>
              <span data-testid="report-where">
                {position === undefined
                  ? t("field.locating")
                  : position
                    ? place
                      ? t("field.locatedAt", { place })
                      : t("field.locatedNoName")
                    : t("field.noPosition")}
              </span>
              <Problem text={problems.where} />
            </Form.Item>
          </Form>
        )}
      </Loaded>
    </div>
  );
}

/** The parts of the report a server's field error can be shown next to. */
const REPORT_FIELDS = new Set(["where", "description", "attributes"]);

/** A server's reason, under the field it concerns (its words, as the server gave them). */
function Problem({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <div role="alert" translate="no" style={{ color: "var(--adm-color-danger)", fontSize: 13, marginTop: 4 }}>
      {text}
    </div>
  );
}
