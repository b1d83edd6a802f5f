import pino, { type Logger } from "pino";

/**
 * JSON logs on stdout. Credentials and personal fields are redacted by path wherever they appear,
 * as a second fence behind the rule that services never log them.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "wangge" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.idNumber", "*.phone", "*.token"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
