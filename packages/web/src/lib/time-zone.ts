/**
 * Times a person enters are wall-clock times of the deployment's time zone (WANGGE_TIMEZONE, in the
 * client config), whatever zone the browser's clock is set to: a mediator in Guangxi who types
 * "14:30" means 14:30 in Asia/Shanghai even on a laptop left on UTC. These turn such a wall time into
 * the instant it names, and an instant into the date it falls on there.
 */
export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** The wall time an instant shows in a zone. */
export function wallTimeIn(at: Date, timeZone: string): Required<WallTime> {
  const parts = Object.fromEntries(
    formatIn(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The zone's offset from UTC at an instant, in minutes (Asia/Shanghai: 480). */
function offsetMinutes(at: Date, timeZone: string): number {
  const w = wallTimeIn(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant a wall time names in a zone. Offsets are found twice (the first guess may sit on the
 * other side of a daylight-saving change); a time skipped by a change is read with the offset before it.
 */
export function instantOf(wall: WallTime, timeZone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0);
  const first = offsetMinutes(new Date(asUtc), timeZone);
  const second = offsetMinutes(new Date(asUtc - first * 60_000), timeZone);
  return new Date(asUtc - second * 60_000);
}

/** The date (YYYY-MM-DD) an instant falls on in a zone. */
export function dateIn(at: Date, timeZone: string): string {
  const w = wallTimeIn(at, timeZone);
  return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}

/** What a date-and-time picker holds (a dayjs value): its fields are read as the deployment's wall time. */
export interface PickedTime {
  year(): number;
  month(): number;
  date(): number;
  hour(): number;
  minute(): number;
  second(): number;
}

/** The instant a picked date and time names in the deployment's zone, as ISO 8601. */
export function pickedInstant(picked: PickedTime, timeZone: string): string {
  return instantOf(
    {
      year: picked.year(),
      month: picked.month() + 1,
      day: picked.date(),
      hour: picked.hour(),
      minute: picked.minute(),
      second: picked.second(),
    },
    timeZone,
  ).toISOString();
}
