import { redactPersonalNumbers } from "@wangge/core";
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
 * JSON logs on stdout. Credentials and personal fields are redacted by path wherever they appear,
 * as a second fence behind the rule that services never log them; ID and phone numbers in any text
 * are masked on the way out (redactLogLine).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "wangge" },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: redactLogLine },
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.idNumber", "*.phone", "*.token"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
