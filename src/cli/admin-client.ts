/** The command line's view of a running broker: JSON calls to its admin API. */

/** Options every admin command accepts: where the broker's admin API is. */
export const ADMIN_OPTIONS = {
  server: { type: 'string' },
} as const;

/** Options every admin command has besides its own: --server and --help. */
export const COMMON_OPTIONS = {
  ...ADMIN_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

/** The value of a required string flag, URL-encoded for a path segment; throws a clear error when absent. */
export function requiredSegment(flag: string, value: string | undefined): string {
  if (!value) throw new Error(`--${flag} is required for this action`);
  return encodeURIComponent(value);
}

/** Help text for the admin options. */
export const ADMIN_OPTIONS_HELP = `  --server URL             the broker's admin API  SWITCHYARD_ADMIN_URL (http://127.0.0.1:$SWITCHYARD_HTTP_PORT, port 15672)`;

/** An error answer from the admin API, with the reason it gave. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'AdminApiError';
  }
}

/** The admin API base URL from --server, SWITCHYARD_ADMIN_URL or SWITCHYARD_HTTP_PORT. */
export function adminUrl(server: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = server ?? env.SWITCHYARD_ADMIN_URL ?? `http://127.0.0.1:${env.SWITCHYARD_HTTP_PORT ?? 15672}`;
  return url.replace(/\/+$/, '');
}

/** Calls one admin endpoint and returns its JSON body; non-2xx answers throw AdminApiError. */
export async function callAdmin<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new AdminApiError(0, `cannot reach the broker's admin API at ${base}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
  }
  const parsed = (await response.json().catch(() => ({}))) as { reason?: string };
  if (!response.ok) throw new AdminApiError(response.status, parsed.reason ?? `HTTP ${response.status}`);
  return parsed as T;
}

/** Formats rows as left-aligned columns under upper-case headings, as kafka-*.sh tools print them. */
export function formatTable(headings: string[], rows: (string | number | null)[][]): string {
  const cells = [headings, ...rows.map((row) => row.map((cell) => (cell === null ? '-' : String(cell))))];
  const widths = headings.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  return cells.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}
