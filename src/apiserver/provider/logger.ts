/**
 * The structured logger the server writes to: pino's calling convention (`logger.info(fields,
 * message)`), so a pino or fastify logger can be passed as is. The library never logs on its own;
 * without a logger nothing is written.
 */

export type LogMethod = (fields: Readonly<Record<string, unknown>>, message: string) => void;

export interface Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
}

const ignore: LogMethod = () => undefined;

/** A logger that drops everything. */
export const SILENT_LOGGER: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
