import { redactPersonalNumbers, redactUrl } from "@wangge/core";
import pino, { type Logger } from "pino";

/** A JSON string literal (with its escapes), where free text sits in a log line. */
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

/**
 * Masks ID and mobile numbers in every string of a finished log line. It runs on the serialized line
 * (pino's streamWrite hook), so nothing escapes it: messages, bound fields, request URLs, error
 * messages and stacks, their causes and validation details, however deep — pino serializes errors
 * after any formatter would have seen them. Only string literals are touched, so the line stays JSON
 * (a number is never a personal number in our logs; ID numbers do not fit a JSON number).
 */
export function redactLogLine(line: string): string {
  return line.replace(JSON_STRING, redactLiteral);
}

const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * One string literal with its numbers masked. Percent-encoded text (a URL's query: a file name, a
 * search) can hide a number behind an escape that ends in a digit (`%81450802…`) or split it with
 * encoded dashes: such a literal is looked at decoded too, and written decoded and masked if that
 * finds a number.
 */
function redactLiteral(literal: string): string {
  const masked = redactPersonalNumbers(literal);
  if (!/%[0-9A-Fa-f]{2}/.test(masked)) return masked;
  let value: string;
  try {
    value = JSON.parse(masked) as string;
  } catch {
    return masked;
  }
  const decoded = value.replace(PERCENT_RUN, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
  const redacted = redactPersonalNumbers(decoded);
  return redacted === decoded ? masked : JSON.stringify(redacted);
}

/**
 * What a driver attaches to its errors that carries data rather than the failure: the statement and
 * its parameters (whole rows — names, notes, addresses), and PostgreSQL's detail and context, which
 * quote the failing row ("Failing row contains (…)") or the key's values.
 */
const DATA_KEYS = new Set(["query", "params", "parameters", "values", "detail", "where", "internalQuery"]);

/** A copy of a serialized error without its data keys, at any depth (aggregated errors, nested ones). */
function withoutData(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (Array.isArray(value)) return value.map((v) => withoutData(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (!DATA_KEYS.has(key)) out[key] = withoutData(v, depth + 1);
  return out;
}

export const logSerializers = {
  /** The request line, its URL decoded and masked (core's redactUrl); never headers or the body. */
  req(request: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
    return {
      method: request.method,
      url: redactUrl(request.url ?? ""),
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort,
    };
  },
  /** pino's error serializer (message and stack with their causes), without the data a driver attached. */
  err(error: unknown) {
    return withoutData(pino.stdSerializers.err(error as Error));
  },
};

/**
 * JSON logs on stdout. Credentials and personal fields are redacted by path wherever they appear,
 * as a second fence behind the rule that services never log them; requests are logged with their
 * URL decoded and masked, and errors without the statement, parameters and row details a database driver
 * attaches (logSerializers); ID and phone numbers in any text are masked on the way out
 * (redactLogLine).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "wangge" },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: redactLogLine },
      serializers: logSerializers,
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.idNumber", "*.phone", "*.token"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
