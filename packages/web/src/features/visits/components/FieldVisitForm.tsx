import { Button, Form, List, Selector, Switch, TextArea, Toast } from "antd-mobile";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { PhotoPicker } from "../../../components/PhotoPicker.tsx";
import { BackBar } from "../../../lib/mobile-load.tsx";
import { useVault } from "../../../lib/offline/field-vault.tsx";
import type { Photo } from "../../../lib/photo.ts";
import { useSession } from "../../../lib/session.tsx";
import { useOnline } from "../../../lib/use-online.ts";
import { type FieldPack, VISIT_OUTCOME_CHOICES, type VisitOutcome } from "../api/field-visits.ts";
import { queueVisit } from "../field-queue.ts";
import { here } from "../position.ts";
import { ownGrid, useFieldPack } from "./FieldVisits.tsx";

/**
 * Recording a door-knocking visit (敲门入户), made for one hand and no network: everything is preset to
 * the common case — visited, every checklist item fine — so a routine visit is one tap on "save". The
 * visit goes into the phone's queue with its id, time and the phone's position if it gives one, and
 * reaches the server once, now or when the network returns.
 */
function subjectOf(pack: FieldPack | undefined, householdId: string, personId: string | null) {
  const household = pack?.households.find((h) => h.id === householdId);
  const person = household?.members.find((m) => m.id === personId);
  const due = pack?.due.find((d) => d.householdId === householdId && d.personId === personId);
  const tags = person?.tags ?? due?.tags ?? [];
  const plans = (pack?.plans ?? []).filter((p) => (personId ? tags.includes(p.key) : p.key === "household"));
  return {
    name: person?.name ?? due?.name ?? null,
    address: household?.address ?? due?.address ?? null,
    tags,
    plans: plans.length > 0 ? plans : (pack?.plans ?? []).filter((p) => p.key === "household"),
  };
}

export function FieldVisitForm() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const navigate = useNavigate();
  const vault = useVault();
  const { me } = useSession();
  const online = useOnline();
  const [params] = useSearchParams();
  const householdId = params.get("householdId") ?? "";
  const personId = params.get("personId");
  const pack = useFieldPack();
  const subject = useMemo(() => subjectOf(pack.data, householdId, personId), [pack.data, householdId, personId]);
  const checklist = useMemo(() => {
    const seen = new Map<string, string>();
    for (const plan of subject.plans) for (const item of plan.checklist) seen.set(item.key, item.label[lang]);
    return [...seen];
  }, [subject.plans, lang]);
  const [outcome, setOutcome] = useState<VisitOutcome>("visited");
  const [problems, setProblems] = useState<Set<string>>(new Set());
  const [note, setNote] = useState("");
  const [need, setNeed] = useState("");
  // Where the need goes, one tap: an event, or the household's party-member lead household.
  const [handOn, setHandOn] = useState<"event" | "lead">();
  const [photo, setPhoto] = useState<Photo>();
  const [busy, setBusy] = useState(false);
  const position = useRef<{ lng: number; lat: number }>();
  const id = useRef(crypto.randomUUID());
  const needId = useRef(crypto.randomUUID());
  useEffect(() => {
    void here().then((p) => {
      position.current = p;
    });
  }, []);

  const save = async () => {
    if (!vault || !householdId) {
      Toast.show({ icon: "fail", content: t("field.cannotKeep") });
      return;
    }
    setBusy(true);
    try {
      const visited = outcome === "visited";
      const visit = {
        id: id.current,
        householdId,
        personIds: personId ? [personId] : [],
        kind: subject.tags.length > 0 ? ("care" as const) : ("routine" as const),
        outcome,
        checklist: visited ? checklist.map(([key]) => ({ key, ok: !problems.has(key) })) : [],
        ...(note.trim() ? { note: note.trim() } : {}),
        needs: need.trim() ? [{ id: needId.current, text: need.trim() }] : [],
        visitedAt: new Date().toISOString(),
        ...(position.current ?? {}),
      };
      const summary = [subject.name, subject.address, t(`field.visits.outcome.${outcome}`)].filter(Boolean).join(" · ");
      const grid = ownGrid(me?.assignments ?? []);
      await queueVisit(
        vault,
        visit,
        summary,
        photo ? { id: crypto.randomUUID(), bytes: photo.bytes } : undefined,
        grid ? `pack/${grid}` : undefined,
        need.trim() && handOn
          ? {
              needId: needId.current,
              to: handOn,
              summary: `${t(`visitNeeds.to.${handOn}`)} · ${need.trim()}`,
            }
          : undefined,
      );
      Toast.show({ icon: "success", content: online ? t("field.visits.saved") : t("field.savedOffline") });
      navigate(-1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="visit-form">
      <BackBar title={t("field.visits.record")} />
      <List>
        <List.Item description={<span translate="no">{subject.address ?? ""}</span>}>
          <span translate="no">{subject.name ?? t("field.visits.household")}</span>
        </List.Item>
      </List>
      <Form layout="vertical">
        <Form.Item label={t("field.visits.outcomeLabel")}>
          <Selector
            columns={2}
            value={[outcome]}
            options={VISIT_OUTCOME_CHOICES.map((o) => ({ label: t(`field.visits.outcome.${o}`), value: o }))}
            onChange={(v) => v[0] && setOutcome(v[0])}
          />
        </Form.Item>
        {outcome === "visited" && checklist.length > 0 && (
          <Form.Item label={t("field.visits.checklist")}>
            <List>
              {checklist.map(([key, label]) => (
                <List.Item
                  key={key}
                  extra={
                    <Switch
                      aria-label={label}
                      checked={!problems.has(key)}
                      checkedText={t("field.visits.fine")}
                      uncheckedText={t("field.visits.problem")}
                      onChange={(fine) =>
                        setProblems((prev) => {
                          const next = new Set(prev);
                          if (fine) next.delete(key);
                          else next.add(key);
                          return next;
                        })
                      }
                    />
                  }
                >
                  {label}
                </List.Item>
              ))}
            </List>
          </Form.Item>
        )}
        <Form.Item label={t("field.visits.need")}>
          <TextArea value={need} onChange={setNeed} rows={2} placeholder={t("field.visits.needHint")} />
        </Form.Item>
        {need.trim() && (
          <Form.Item label={t("visitNeeds.handOn")} description={t("visitNeeds.handOnHint")}>
            <Selector
              columns={2}
              value={handOn ? [handOn] : []}
              options={(["event", "lead"] as const).map((to) => ({ label: t(`visitNeeds.to.${to}`), value: to }))}
              onChange={(v) => setHandOn(v[0])}
              data-testid="need-hand-on"
            />
          </Form.Item>
        )}
        <Form.Item label={t("field.visits.note")}>
          <TextArea value={note} onChange={setNote} rows={2} />
        </Form.Item>
        <Form.Item label={t("field.photo")}>
          <PhotoPicker value={photo} onChange={setPhoto} />
        </Form.Item>
      </Form>
      <div style={{ padding: 12, position: "sticky", bottom: 0, background: "#fff" }}>
        <Button block color="primary" size="large" loading={busy} onClick={() => void save()} data-testid="save-visit">
          {outcome === "visited" && problems.size === 0 ? t("field.visits.saveAllFine") : t("field.visits.save")}
        </Button>
      </div>
    </div>
  );
}
