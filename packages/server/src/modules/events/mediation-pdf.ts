import { PARTY_ROLE_NAMES } from "@wangge/core";
import { PdfWriter } from "../../pdf/pdf-writer.ts";
import type { DisputeView } from "./disputes.service.ts";

/**
 * The People's Mediation Agreement (人民调解协议书) as the People's Mediation Law arts. 28–29 want
 * it: the parties' basic situation, the main facts and the matters in dispute, the obligations each
 * party agreed to with the way and time of performing them; signed by the parties and the mediator,
 * sealed by the committee, one copy for each party and one for the committee.
 */
export async function mediationAgreementPdf(d: DisputeView): Promise<Buffer> {
  const a = d.agreement;
  if (!a) throw new Error("no agreement to print");
  const pdf = new PdfWriter({ title: `人民调解协议书 ${a.number}`, author: a.committee, subject: d.number });
  pdf.text("人民调解协议书", { size: 22, weight: 700, align: "center", gapAfter: 0.3 });
  pdf.text(a.number, { size: 11, align: "right", gapAfter: 0.8 });

  pdf.text("当事人基本情况", { size: 14, weight: 700, gapAfter: 0.2 });
  for (const p of d.parties) {
    const details = [
      `${PARTY_ROLE_NAMES[p.role]["zh-CN"]}：${p.name}`,
      p.idNumber ? `身份证号码：${p.idNumber}` : undefined,
      p.address ? `住址：${p.address}` : undefined,
    ].filter(Boolean);
    pdf.text(details.join("　"), { size: 12, indent: 24 });
  }
  pdf.gap();

  pdf.text("纠纷主要事实、争议事项", { size: 14, weight: 700, gapAfter: 0.2 });
  pdf.text(a.facts, { indent: 24 });
  pdf.text(`争议事项：${a.matters}`, { indent: 24, gapAfter: 0.6 });

  pdf.text("经人民调解委员会调解，双方当事人自愿达成如下协议：", { size: 12, weight: 700, gapAfter: 0.2 });
  a.obligations.forEach((o, i) => {
    pdf.text(`${i + 1}．${o.party}${o.obligation}。履行方式：${o.method}；履行期限：${o.deadline}前。`, {
      indent: 24,
    });
  });
  pdf.gap();
  pdf.text(
    "本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效，具有法律约束力，当事人应当按照约定履行。当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。",
    { indent: 24 },
  );
  pdf.text(`本协议一式${d.parties.length + 1}份，当事人、人民调解委员会各持一份。`, { indent: 24, gapAfter: 1.2 });

  for (const p of d.parties) pdf.text(`${PARTY_ROLE_NAMES[p.role]["zh-CN"]}（签名）：${p.name}　＿＿＿＿＿＿＿＿`, {});
  pdf.gap();
  pdf.text(`人民调解员（签名）：${a.mediatorName}　＿＿＿＿＿＿＿＿`);
  pdf.text(`${a.committee}（盖章）`, { align: "right", gapAfter: 0.2 });
  const [y, m, day] = a.signedOn.split("-");
  pdf.text(`${y}年${Number(m)}月${Number(day)}日`, { align: "right" });
  return pdf.finish();
}
