import { byRelationship } from "@wangge/core";
import { Button, CapsuleTabs, Empty, List, NoticeBar, SearchBar, Space, Tabs, Tag } from "antd-mobile";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { AreaName } from "../../../components/AreaName.tsx";
import { MobileTextDialog } from "../../../components/MobileTextDialog.tsx";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { BackBar, Loaded, LoadedList, type LoadState, useLoad } from "../../../lib/mobile-load.tsx";
import { useSession } from "../../../lib/session.tsx";
import {
  getHousehold,
  getPerson,
  type Household,
  type HouseholdSummary,
  listTags,
  type Person,
  type PersonDetail,
  revealPerson,
  type SubjectTag,
  searchHouseholds,
  searchPeople,
  type TagDefinition,
} from "../api/registry.ts";
import { ageText, birthText } from "./birth.ts";

/**
 * The grid worker's residents on the phone: the grid's households (by address), people (by name,
 * pinyin, ID or phone number) and those with care tags to visit; a household with its members; a
 * person's card with masked numbers and, with a reason, the clear ones once. Care tags stand out.
 */

const TAG_COLORS = { care: "danger", service: "primary", sensitive: "#722ed1" } as const;

function useLang(): "zh-CN" | "en" {
  const { i18n } = useTranslation();
  return i18n.language === "en" ? "en" : "zh-CN";
}

export function MobileTagChips({ tags }: { tags: SubjectTag[] }) {
  const lang = useLang();
  if (tags.length === 0) return null;
  return (
    <Space wrap style={{ "--gap": "4px" }}>
      {tags.map((tag) => (
        <Tag
          key={tag.id}
          color={TAG_COLORS[tag.category]}
          fill={tag.category === "care" ? "solid" : "outline"}
          data-category={tag.category}
        >
          {tag.name[lang]}
        </Tag>
      ))}
    </Space>
  );
}

function PersonLine({ person }: { person: Person }) {
  const { t } = useTranslation();
  const facts = [
    person.relationship ? t(`registry.relationships.${person.relationship}`) : null,
    person.gender ? t(`registry.genders.${person.gender}`) : null,
    ageText(person, t),
    person.idNumber,
  ].filter(Boolean);
  return (
    <>
      <span translate="no">{person.name}</span>
      <div style={{ fontSize: 13, color: "#888" }} translate="no">
        {facts.join(" · ")}
      </div>
      <MobileTagChips tags={person.tags} />
    </>
  );
}

/** People found, each opening their card. */
function PeopleList({ state }: { state: LoadState<Person[]> }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <LoadedList
      state={state}
      empty={t("field.nobodyFound")}
      item={(p) => (
        <List.Item key={p.id} onClick={() => navigate(`/residents/people/${p.id}`)}>
          <PersonLine person={p} />
        </List.Item>
      )}
    />
  );
}

export function FieldResidents() {
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const { me } = useSession();
  const grids = (me?.assignments ?? []).filter((a) => a.areaCode);
  const codes = [...new Map(grids.map((a) => [a.areaCode as string, a])).values()];
  const [gridCode, setGridCode] = useState<string>(codes[0]?.areaCode ?? "");
  const [tab, setTab] = useState<"households" | "people" | "care">("households");
  const [address, setAddress] = useState("");
  const [q, setQ] = useState("");
  /** "" is every care tag. */
  const [careTag, setCareTag] = useState("");

  const households = useLoad(
    "households",
    () => (tab === "households" ? searchHouseholds(address, gridCode) : Promise.resolve<HouseholdSummary[]>([])),
    [tab, address, gridCode],
  );
  const people = useLoad(
    "people",
    () => (tab === "people" && q ? searchPeople({ q, gridCode }) : Promise.resolve<Person[]>([])),
    [tab, q, gridCode],
  );
  const tags = useLoad("tags", () => listTags(), []);
  const careTags = (tags.data ?? []).filter((d: TagDefinition) => d.category === "care");
  const cared = useLoad(
    "care",
    () =>
      tab === "care" ? searchPeople({ tagCategory: "care", tag: careTag, gridCode }) : Promise.resolve<Person[]>([]),
    [tab, careTag, gridCode],
  );

  return (
    <div data-testid="field-residents">
      {codes.length > 1 && (
        <CapsuleTabs activeKey={gridCode} onChange={setGridCode}>
          {codes.map((a) => (
            <CapsuleTabs.Tab
              key={a.areaCode as string}
              title={<span translate="no">{a.areaName ?? a.areaCode}</span>}
            />
          ))}
        </CapsuleTabs>
      )}
      <Tabs activeKey={tab} onChange={(key) => setTab(key as typeof tab)}>
        <Tabs.Tab key="households" title={t("registry.households")}>
          <SearchBar placeholder={t("field.searchAddress")} onSearch={setAddress} onClear={() => setAddress("")} />
          <LoadedList
            state={households}
            empty={t("field.noHouseholds")}
            item={(h) => (
              <List.Item
                key={h.id}
                onClick={() => navigate(`/residents/households/${h.id}`)}
                description={
                  <span translate="no">
                    {[h.headName ?? t("field.noHead"), t("field.memberCount", { n: h.memberCount }), h.ref]
                      .filter(Boolean)
                      .join(" · ")}
                  </span>
                }
              >
                <span translate="no">{h.address ?? h.ref ?? t("field.noAddress")}</span>
              </List.Item>
            )}
          />
        </Tabs.Tab>
        <Tabs.Tab key="people" title={t("registry.people")}>
          <SearchBar placeholder={t("registry.searchHint")} onSearch={setQ} onClear={() => setQ("")} />
          {q ? <PeopleList state={people} /> : <Empty description={t("field.searchFirst")} />}
        </Tabs.Tab>
        <Tabs.Tab key="care" title={t("field.care")}>
          {careTags.length > 0 && (
            <CapsuleTabs activeKey={careTag} onChange={setCareTag}>
              <CapsuleTabs.Tab key="" title={t("field.allCare")} />
              {careTags.map((d) => (
                <CapsuleTabs.Tab key={d.key} title={d.name[lang]} />
              ))}
            </CapsuleTabs>
          )}
          <PeopleList state={cared} />
        </Tabs.Tab>
      </Tabs>
    </div>
  );
}

export function FieldHousehold() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { can } = useSession();
  const { id = "" } = useParams();
  const household = useLoad("household", () => getHousehold(id), [id]);
  return (
    <Loaded state={household}>
      {(h: Household) => (
        <div data-testid="field-household">
          <BackBar title={<span translate="no">{h.address ?? h.ref ?? t("field.household")}</span>} />
          <List header={t("field.householdInfo")}>
            <List.Item extra={<span translate="no">{h.address ?? "—"}</span>}>{t("registry.address")}</List.Item>
            <List.Item extra={t(`registry.householdKinds.${h.kind}`)}>{t("registry.householdKind")}</List.Item>
            <List.Item extra={<span translate="no">{h.ref ?? "—"}</span>}>{t("registry.householdRef")}</List.Item>
            <List.Item extra={<AreaName code={h.gridCode} />}>{t("registry.grid")}</List.Item>
          </List>
          {h.tags.length > 0 && (
            <div style={{ padding: "8px 12px" }}>
              <MobileTagChips tags={h.tags} />
            </div>
          )}
          {can("visit.manage") && (
            <div style={{ padding: "8px 12px" }}>
              <Button block color="primary" onClick={() => navigate(`/visits/new?householdId=${h.id}`)}>
                {t("field.visits.record")}
              </Button>
            </div>
          )}
          <List header={t("field.members", { n: h.members.length })}>
            {[...h.members].sort(byRelationship).map((p) => (
              <List.Item key={p.id} onClick={() => navigate(`/residents/people/${p.id}`)}>
                <PersonLine person={p} />
              </List.Item>
            ))}
          </List>
          {(h.ledBy || h.looksAfter.length > 0) && (
            <List header={t("field.leadHousehold")}>
              {h.ledBy && (
                <List.Item onClick={() => navigate(`/residents/households/${h.ledBy}`)}>
                  {t("registry.ledBy")}
                </List.Item>
              )}
              {h.looksAfter.map((l) => (
                <List.Item
                  key={l.householdId}
                  description={t("registry.looksAfter")}
                  onClick={() => navigate(`/residents/households/${l.householdId}`)}
                >
                  <span translate="no">{l.address ?? "—"}</span>
                </List.Item>
              ))}
            </List>
          )}
        </div>
      )}
    </Loaded>
  );
}

export function FieldPerson() {
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const { can } = useSession();
  const { id = "" } = useParams();
  const person = useLoad("person", () => getPerson(id), [id]);
  const [revealed, setRevealed] = useState<{ idNumber?: string | null; phone?: string | null }>();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string>();
  // Leaving the person forgets the clear numbers.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the person changes
  useEffect(() => setRevealed(undefined), [id]);

  const reveal = useCallback(async () => {
    if (reason.trim().length < 2) {
      setProblem(t("registry.reasonRequired"));
      return;
    }
    try {
      setRevealed(await revealPerson(id, ["idNumber", "phone"], reason.trim()));
      setAsking(false);
      setReason("");
      setProblem(undefined);
    } catch (error) {
      setProblem(t(errorMessageKey(toApiError(error).code)));
    }
  }, [id, reason, t]);

  return (
    <Loaded state={person}>
      {(p: PersonDetail) => (
        <div data-testid="field-person">
          <BackBar title={<span translate="no">{p.name}</span>} />
          {p.householdId && can("visit.manage") && (
            <div style={{ padding: "8px 12px" }}>
              <Button
                block
                color={p.tags.some((tag) => tag.category === "care") ? "primary" : "default"}
                onClick={() => navigate(`/visits/new?householdId=${p.householdId}&personId=${p.id}`)}
              >
                {t("field.visits.record")}
              </Button>
            </div>
          )}
          <List header={t("field.person")}>
            {p.tags.length > 0 && (
              <List.Item>
                <MobileTagChips tags={p.tags} />
              </List.Item>
            )}
            <List.Item extra={p.gender ? t(`registry.genders.${p.gender}`) : "—"}>{t("registry.gender")}</List.Item>
            <List.Item extra={<span data-testid="person-birth">{birthText(p, t)}</span>}>
              {t("registry.birthDate")}
            </List.Item>
            <List.Item extra={p.ethnicity?.name[lang] ?? "—"}>{t("registry.ethnicity")}</List.Item>
            <List.Item
              extra={
                <span translate="no" data-testid="person-id-number">
                  {revealed?.idNumber ?? p.idNumber ?? "—"}
                </span>
              }
            >
              {t("registry.idNumber")}
            </List.Item>
            <List.Item
              extra={
                revealed?.phone ? (
                  <a href={`tel:${revealed.phone}`} translate="no" data-testid="person-phone">
                    {revealed.phone}
                  </a>
                ) : (
                  <span translate="no" data-testid="person-phone">
                    {p.phone ?? "—"}
                  </span>
                )
              }
            >
              {t("registry.phone")}
            </List.Item>
            <List.Item extra={t(`registry.residence.${p.residenceStatus}`)}>{t("registry.residenceStatus")}</List.Item>
            <List.Item extra={p.partyMember ? t("common.yes") : t("common.no")}>{t("registry.partyMember")}</List.Item>
            <List.Item extra={<AreaName code={p.gridCode} />}>{t("registry.grid")}</List.Item>
            {p.householdId && (
              <List.Item onClick={() => navigate(`/residents/households/${p.householdId}`)}>
                {t("field.household")}
              </List.Item>
            )}
          </List>
          {revealed && <NoticeBar content={t("registry.revealedNote")} color="alert" wrap />}
          {!revealed && can("person.reveal") && (p.idNumber || p.phone) && (
            <div style={{ padding: 12 }}>
              <Button block color="primary" fill="outline" onClick={() => setAsking(true)}>
                {t("registry.reveal")}
              </Button>
            </div>
          )}
          <MobileTextDialog
            visible={asking}
            title={t("registry.revealTitle")}
            hint={t("registry.revealHint")}
            placeholder={t("registry.reason")}
            value={reason}
            onChange={setReason}
            problem={problem}
            confirmText={t("registry.revealConfirm")}
            onConfirm={() => void reveal()}
            onClose={() => setAsking(false)}
            testId="reveal-reason"
          />
        </div>
      )}
    </Loaded>
  );
}
