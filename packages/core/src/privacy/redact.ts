import { ID_MASK_VISIBLE } from "./mask.ts";

/**
 * Free text that reaches logs (crash reports, error messages) or is stored beside its sealed original
 * (descriptions, notes, import reports) may carry personal numbers a user typed. PIPL art. 28 treats
 * ID numbers as sensitive, and DESIGN.md says neither ID nor phone numbers appear in logs: mask
 * mainland ID numbers (18 or 15 characters) as `maskIdNumber` does — the region only, since a birth
 * date shown elsewhere plus the last four would give the number back — and mobile numbers wherever
 * they occur.
 *
 * People write numbers as they please: grouped with spaces, hyphens or dots (`4508 0219 6006 1536 20`,
 * `138-1234-5678`), in full-width digits from a Chinese input method (`１３８１２３４５６７８`), with a
 * letter typed after them (`450802196006153620x`). So the text is read as chains of digits joined by
 * single separators; a chain that is an ID or mobile number as a whole is masked whole (its
 * separators dropped), else each of its groups that is one on its own (a list of numbers separated
 * by spaces). A separated chain right after a code's letters (`GX-450802-20261128-0007`, an event
 * number) is a code, not an ID number: only its groups count.
 */
const DIGIT = "[0-9\\uFF10-\\uFF19]";
const SEPARATOR = "[ \\u00A0\\u3000.\\-\\uFF0D]";
const CHECK_LETTER = "[Xx\\uFF38\\uFF58]";
const CHAIN = new RegExp(
  `(?<!${DIGIT})(?<!${DIGIT}${SEPARATOR})\\+?${DIGIT}(?:${SEPARATOR}?${DIGIT})*${CHECK_LETTER}?`,
  "g",
);
const SEPARATORS = new RegExp(`(${SEPARATOR})`);
/** A code's letters right before a chain, with or without a hyphen (GX-…). */
const CODE_BEFORE = /[A-Za-z][-\uFF0D]?$/;

/** Full-width digits and check letters in ASCII; separators and a leading + dropped. */
function plainDigits(text: string): string {
  return text
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/[xｘＸ]/g, "X")
    .replace(/[^0-9X]/g, "");
}

/** The mask of a number given as plain digits, or undefined when it is neither an ID nor a mobile number. */
function maskOf(digits: string): string | undefined {
  if (/^[0-9]{17}[0-9X]$/.test(digits) || /^[0-9]{15}$/.test(digits))
    return `${digits.slice(0, ID_MASK_VISIBLE)}${"*".repeat(digits.length - ID_MASK_VISIBLE)}`;
  const mobile = /^(?:86)?(1[3-9][0-9])[0-9]{4}([0-9]{4})$/.exec(digits);
  if (mobile) return `${mobile[1]}****${mobile[2]}`;
  return undefined;
}

function redactChain(chain: string, before: string): string {
  // A letter typed after a whole number (450802196006153620x) is not its check character.
  if (/[XxＸｘ]$/.test(chain) && !/^[0-9]{17}X$/.test(plainDigits(chain)))
    return `${redactChain(chain.slice(0, -1), before)}${chain.slice(-1)}`;
  const separated = SEPARATORS.test(chain);
  if (!(separated && CODE_BEFORE.test(before))) {
    const whole = maskOf(plainDigits(chain));
    if (whole) return whole;
  }
  if (!separated) return chain;
  return chain
    .split(SEPARATORS)
    .map((group) => (SEPARATORS.test(group) ? group : (maskOf(plainDigits(group)) ?? group)))
    .join("");
}

export function redactPersonalNumbers(text: string): string {
  return text.replace(CHAIN, (chain: string, offset: number) =>
    redactChain(chain, text.slice(Math.max(0, offset - 2), offset)),
  );
}

/**
 * A URL (or a path) as a log line or a stored crash report may keep it: decoded first — a number
 * spelled with escapes (`%34%35…`, `4508%200219…`) or with `+` for its spaces is the same number to
 * the server, and must be the same to the redaction — then its ID and mobile numbers masked. It is
 * for reading, not for following: a `+` reads as a space, and an escape that does not decode stays
 * as it is, the rest decoded around it.
 */
export function redactUrl(url: string): string {
  const spaced = url.replaceAll("+", " ");
  let decoded: string;
  try {
    decoded = decodeURIComponent(spaced);
  } catch {
    decoded = spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        // Printable ASCII at least (digits, separators), byte by byte.
        return run.replace(/%([2-7][0-9A-Fa-f])/g, (sequence, hex: string) =>
          hex.toLowerCase() === "7f" ? sequence : String.fromCharCode(Number.parseInt(hex, 16)),
        );
      }
    });
  }
  return redactPersonalNumbers(decoded);
}

/** Every digit masked: for a cell known to hold an ID or phone number, whatever shape it was typed in. */
export function maskDigits(text: string): string {
  return text.replace(/[0-9]/g, "*").replace(/(?<=\*)[Xx]\b/g, "*");
}
