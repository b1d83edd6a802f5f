import type { PublicDisclosure } from "@wangge/core";
import { Button, Form, Input, List, Result, Switch, Tag, TextArea, Toast } from "antd-mobile";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { type CommentSubjectRef, listMyComments, lodgeComment, type MyComment } from "../api/disclosures.ts";

/**
 * Residents' questions on a published item of 一库通 — a disclosure (and its objections while in the
 * publicity period), a procedure guide or a livelihood project: the answered ones (public, with the
 * answer; a signature masked, none when anonymous), the reader's own with their state, and the form
 * to ask. Numbers typed in are masked by the server before anyone else reads them.
 */
export function CommentsSection({
  subject,
  subjectId,
  comments,
  acceptsObjections,
  signedIn,
  onSignIn,
  onChanged,
}: {
  subject: CommentSubjectRef;
  subjectId: string;
  comments: PublicDisclosure["comments"];
  acceptsObjections: boolean;
  signedIn: boolean;
  onSignIn: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [mine, setMine] = useState<MyComment[]>([]);
  const [writing, setWriting] = useState<"question" | "objection">();
  const loadMine = useCallback(() => {
    if (signedIn)
      listMyComments().then(
        (all) => setMine(all.filter((c) => c.subjectId === subjectId)),
        () => setMine([]),
      );
  }, [signedIn, subjectId]);
  useEffect(loadMine, [loadMine]);
  const write = (kind: "question" | "objection") => (signedIn ? setWriting(kind) : onSignIn());
  return (
    <>
      <List header={t("disclosures.comments")} style={{ marginTop: 12 }}>
        {comments.length === 0 && <List.Item>{t("disclosures.noComments")}</List.Item>}
        {comments.map((c) => (
          <List.Item
            key={c.id}
            description={
              <div>
                <strong>{t("disclosures.answer")}</strong> <span translate="no">{c.reply}</span>
              </div>
            }
          >
            <Tag color={c.kind === "objection" ? "danger" : "primary"}>{t(`disclosures.commentKind.${c.kind}`)}</Tag>{" "}
            <span translate="no">{c.text}</span>
            <div style={{ color: "#888", fontSize: 12 }} data-testid="comment-author">
              {c.signature ? <span translate="no">{c.signature}</span> : t("disclosures.anonymousResident")}
            </div>
          </List.Item>
        ))}
      </List>
      {mine.length > 0 && (
        <List header={t("disclosures.mine")} style={{ marginTop: 12 }}>
          {mine.map((c) => (
            <List.Item
              key={c.id}
              description={
                c.hiddenReason
                  ? t("disclosures.hiddenBecause", { reason: c.hiddenReason })
                  : c.reply
                    ? `${t("disclosures.answer")} ${c.reply}`
                    : t("disclosures.waiting")
              }
            >
              <span translate="no">{c.text}</span>
            </List.Item>
          ))}
        </List>
      )}
      {writing ? (
        <CommentForm
          subject={subject}
          kind={writing}
          onDone={() => {
            setWriting(undefined);
            loadMine();
            onChanged();
          }}
        />
      ) : (
        <div style={{ display: "flex", gap: 8, marginTop: 16 }}>
          <Button block onClick={() => write("question")}>
            {t("disclosures.ask")}
          </Button>
          {acceptsObjections && (
            <Button block color="danger" onClick={() => write("objection")}>
              {t("disclosures.object")}
            </Button>
          )}
        </div>
      )}
    </>
  );
}

function useToastFail() {
  const { t } = useTranslation();
  return useCallback((e: unknown) => Toast.show({ content: t(errorMessageKey(toApiError(e).code)) }), [t]);
}

function CommentForm({
  subject,
  kind,
  onDone,
}: {
  subject: CommentSubjectRef;
  kind: "question" | "objection";
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const fail = useToastFail();
  const [id] = useState(() => crypto.randomUUID());
  const [text, setText] = useState("");
  const [anonymous, setAnonymous] = useState(true);
  const [signature, setSignature] = useState("");
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  if (sent)
    return (
      <Result
        status="success"
        title={t("disclosures.sent")}
        description={t("disclosures.sentExplain")}
        style={{ marginTop: 12 }}
      />
    );
  const send = async () => {
    setBusy(true);
    try {
      await lodgeComment({ ...subject, id, kind, text, anonymous, ...(anonymous ? {} : { signature }) });
      setSent(true);
      setTimeout(onDone, 1500);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form layout="vertical" style={{ marginTop: 12 }} mode="card">
      <Form.Header>{t(kind === "objection" ? "disclosures.object" : "disclosures.ask")}</Form.Header>
      <Form.Item label={t("disclosures.yourText")}>
        <TextArea
          value={text}
          onChange={setText}
          rows={4}
          maxLength={1000}
          showCount
          placeholder={t("disclosures.noNumbers")}
        />
      </Form.Item>
      <Form.Item label={t("disclosures.anonymous")} help={t("disclosures.anonymousHelp")}>
        <Switch checked={anonymous} onChange={setAnonymous} aria-label={t("disclosures.anonymous")} />
      </Form.Item>
      {!anonymous && (
        <Form.Item label={t("disclosures.signature")} help={t("disclosures.signatureHelp")}>
          <Input value={signature} onChange={setSignature} maxLength={20} aria-label={t("disclosures.signature")} />
        </Form.Item>
      )}
      <Button block color="primary" loading={busy} disabled={!text.trim()} onClick={send}>
        {t("disclosures.send")}
      </Button>
    </Form>
  );
}
