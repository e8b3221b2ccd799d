/** Calls to the aggregator (control) and, through it, the broker's admin API (`/api/broker/*`). */

export class ApiError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

const TOKEN_KEY = 'minikafka.adminToken';

/**
 * JSON in, JSON out; a non-2xx answer throws an ApiError with the problem detail's `detail`.
 * When the aggregator guards changes with an admin token (`AGGREGATOR_ADMIN_TOKEN`) and answers a change with
 * 401, the user is asked for the token once; it is kept for this tab only (sessionStorage) and sent from then on.
 */
export async function request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let response = await send(path, init);
  if (response.status === 401 && (init.method ?? 'GET') !== 'GET') {
    const token = window.prompt('This dashboard needs the admin token for changes (AGGREGATOR_ADMIN_TOKEN):');
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      response = await send(path, init);
    }
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    if (response.status === 401) sessionStorage.removeItem(TOKEN_KEY);
    const problem = json as { detail?: string; title?: string } | null;
    throw new ApiError(response.status, problem?.detail ?? problem?.title ?? `HTTP ${response.status}`);
  }
  return json as T;
}

function send(path: string, init: { method?: string; body?: unknown }): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
}

export const broker = (path: string) => `/api/broker/${path}`;

// The broker's admin API shapes (docs/rest-api.md).

export interface TopicSummary { name: string; partitions: number }

export interface TopicDescription {
  name: string;
  createdAt: string;
  config: Record<string, number | boolean>;
  partitions: { partition: number; logStartOffset: number; logEndOffset: number; sizeBytes: number; segmentCount: number; queueDepth: number; pendingAppendBytes: number }[];
}

export interface GroupSummary { groupId: string; state: string; members: number; lag: number }

export interface GroupDescription {
  groupId: string;
  state: string;
  lag: number;
  members: { memberId: string; instanceId: string | null; clientId: string; memberEpoch: number; topics: string[]; assignment: { topic: string; partition: number }[]; connected: boolean }[];
  partitions: { topic: string; partition: number; committedOffset: number | null; logEndOffset: number; lag: number | null; committedAt: string | null; owner: string | null }[];
}

export interface RecordPage {
  topic: string;
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  nextOffset: number;
  records: { offset: number; timestamp: number; key: string | null; keyEncoding: string | null; value: string | null; valueEncoding: string | null; headers: Record<string, string> }[];
}
