import { type Kysely, sql } from "kysely";

/**
 * The demo accounts were named with their post in front (`社区民警 冯军`), so every screen that shows
 * a post beside a name said it twice (`社区民警 · 社区民警 冯军`, issue #17 item 7). Demo accounts still
 * bearing the old names get the person's name alone; an account someone renamed is left as it is.
 */
const RENAMED: [username: string, before: string, after: string][] = [
  ["demo.auditor", "审计员 赵敏", "赵敏"],
  ["demo.city", "市级干部 钱伟", "钱伟"],
  ["demo.county", "区级干部 孙丽", "孙丽"],
  ["demo.township", "街道干部 李强", "李强"],
  ["demo.village", "社区书记 周芳", "周芳"],
  ["demo.gridhead", "网格长 吴刚", "吴刚"],
  ["demo.worker", "网格员 郑雪", "郑雪"],
  ["demo.instructor", "指导员 王磊", "王磊"],
  ["demo.police", "社区民警 冯军", "冯军"],
  ["demo.mediator", "调解员 陈静", "陈静"],
  ["demo.volunteer", "志愿者 褚红", "褚红"],
  ["demo.resident", "居民 卫东", "何卫东"],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [username, before, after] of RENAMED)
    await sql`update app_user set display_name = ${after} where username = ${username} and display_name = ${before}`.execute(
      db,
    );
}
