// The one way the client talks to the server: JSON over /api/v1 with the session's bearer
// token, and files as they are (upload(), download()). Paths, bodies and replies are typed by
// src/api/schema.d.ts, generated from docs/openapi.yaml (`npm run gen:types`), so a call that
// drifts from the contract fails to build.
import type { components, paths } from './schema'

export type Schemas = components['schemas']
export type ErrorCode = Schemas['ErrorCode']
export type Problem = Schemas['Problem']

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
type Strip<K> = K extends `/api/v1${infer R}` ? R : never
/** A route of the API without its /api/v1 prefix, as written in openapi.yaml: '/me/sessions/{id}'. */
export type ApiPath = Strip<keyof paths>
type Full<P extends ApiPath> = `/api/v1${P}` & keyof paths
type OpOf<P extends ApiPath, M extends Method> = NonNullable<paths[Full<P>][M]>
/** The routes that answer method M. */
export type PathFor<M extends Method> = { [P in ApiPath]: [OpOf<P, M>] extends [never] ? never : P }[ApiPath]
/** The routes that take a file as their body with method M (uploads, imports). */
export type UploadPathFor<M extends Method> = { [P in PathFor<M>]: [RawTypesOf<OpOf<P, M>>] extends [never] ? never : P }[PathFor<M>]
type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never
type BodyOf<O> = O extends { requestBody?: infer RB } ? JsonOf<NonNullable<RB>> : never
/** The media types a route takes as its body, other than JSON (a file sent as it is). */
type RawTypesOf<O> = O extends { requestBody?: { content: infer C } } ? Exclude<keyof C, 'application/json'> : never
type PathParams<O> = O extends { parameters: { path?: infer PP } } ? PP : never
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Q : never
/** What a route answers when it succeeds (2xx); 204 is undefined. */
export type Reply<O> = O extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 | 202 ? JsonOf<R[S]> : S extends 204 ? undefined : never }[keyof R]
  : never

export interface CallOptions<O> {
  path?: PathParams<O>
  query?: QueryOf<O>
  body?: BodyOf<O>
  signal?: AbortSignal
}

/** A failed call. `code` is the server's ErrorCode, or one of the client's own:
 *  `network` (no answer at all), `server` (5xx without a problem body), `unexpected`. */
export class ApiError extends Error {
  readonly status: number
  readonly code: ErrorCode | 'network' | 'server' | 'unexpected'
  readonly problem: Partial<Problem>

  constructor(status: number, code: ApiError['code'], problem: Partial<Problem> = {}) {
    super(problem.detail || code)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.problem = problem
  }
}

interface Hooks {
  token: () => string | null
  language: () => string
  onUnauthorized: () => void
}

let hooks: Hooks = { token: () => null, language: () => 'zh-CN', onUnauthorized: () => {} }

/** Tells the client where the token and language come from, and what to do on 401. Called once
 *  by main.ts, so this file needs neither the stores nor the router. */
export function configureApi(h: Partial<Hooks>) {
  hooks = { ...hooks, ...h }
}

export const API_BASE = '/api/v1'

function urlOf(path: string, params?: object, query?: object): string {
  let url = API_BASE + path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = (params as Record<string, unknown> | undefined)?.[name]
    if (value === undefined || value === null || value === '') throw new Error(`missing path parameter ${name} of ${path}`)
    return encodeURIComponent(String(value))
  })
  if (query) {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) q.set(k, String(v))
    const s = q.toString()
    if (s) url += '?' + s
  }
  return url
}

interface RawOptions {
  path?: unknown
  query?: unknown
  body?: unknown
  signal?: AbortSignal
}

/** A file to send as it is, with its media type (the Blob's own type when not given). */
interface RawBody {
  blob: Blob
  type?: string
}

async function send(method: string, path: string, opts: RawOptions, accept: string, raw?: RawBody): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept, 'Accept-Language': hooks.language() }
  const token = hooks.token()
  if (token) headers.Authorization = `Bearer ${token}`
  let body: string | Blob | undefined
  if (raw) {
    headers['Content-Type'] = raw.type || raw.blob.type || 'application/octet-stream'
    body = raw.blob
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  let res: Response
  try {
    res = await fetch(urlOf(path, opts.path as object | undefined, opts.query as object | undefined), { method: method.toUpperCase(), headers, body, signal: opts.signal })
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err
    throw new ApiError(0, 'network')
  }
  if (!res.ok) throw await failure(res, token)
  return res
}

async function failure(res: Response, token: string | null): Promise<ApiError> {
  let problem: Partial<Problem> = {}
  try {
    const json = await res.json()
    // RFC 9457 problem details; an {error:{…}} envelope is read the same way, just in case.
    problem = (json && typeof json === 'object' && 'error' in json && typeof json.error === 'object' ? json.error : json) ?? {}
  } catch {
    /* not JSON: a proxy's page, or nothing */
  }
  if (res.status === 401 && token) hooks.onUnauthorized()
  if (typeof problem.code === 'string') return new ApiError(res.status, problem.code, problem)
  return new ApiError(res.status, res.status >= 500 ? 'server' : 'unexpected', problem)
}

async function replyOf<R>(res: Response): Promise<{ status: number; data: R }> {
  if (res.status === 204) return { status: 204, data: undefined as R }
  let data: unknown
  try {
    data = await res.json()
  } catch {
    throw new ApiError(res.status, 'unexpected')
  }
  return { status: res.status, data: data as R }
}

/** Calls a route and returns its status with its JSON reply. */
export async function call<M extends Method, P extends PathFor<M>>(
  method: M,
  path: P,
  opts: CallOptions<OpOf<P, M>> = {},
): Promise<{ status: number; data: Reply<OpOf<P, M>> }> {
  return replyOf(await send(method, path, opts as RawOptions, 'application/json'))
}

export interface UploadOptions<O> extends Omit<CallOptions<O>, 'body'> {
  /** The Content-Type to send; by default the file's own type, else application/octet-stream. */
  type?: RawTypesOf<O> | (string & {})
}

/** Sends a file as the whole request body (POST …/files, the imports; PUT for a photo) and
 *  returns the JSON reply. Failures are the same ApiError, and a 401 signs out, as for api.*. */
export async function upload<M extends 'post' | 'put', P extends UploadPathFor<M>>(
  method: M,
  path: P,
  file: Blob,
  opts: UploadOptions<OpOf<P, M>> = {},
): Promise<Reply<OpOf<P, M>>> {
  const { type, ...rest } = opts
  const res = await send(method, path, rest as RawOptions, 'application/json', { blob: file, type: type as string | undefined })
  return (await replyOf<Reply<OpOf<P, M>>>(res)).data
}

/** Calls a route that answers a file (a ZIP export) and returns it as a Blob. */
export async function download<P extends PathFor<'get'>>(path: P, opts: CallOptions<OpOf<P, 'get'>> = {}): Promise<Blob> {
  const res = await send('get', path, opts as RawOptions, '*/*')
  return res.blob()
}

function only<M extends Method>(method: M) {
  return async <P extends PathFor<M>>(path: P, opts?: CallOptions<OpOf<P, M>>): Promise<Reply<OpOf<P, M>>> =>
    (await call<M, P>(method, path, opts)).data
}

/** Shorthands that return only the reply: `await api.get('/me')`. */
export const api = {
  get: only('get'),
  post: only('post'),
  put: only('put'),
  patch: only('patch'),
  delete: only('delete'),
}

/** A fresh key for request bodies that carry one (`idempotency_key`, client message ids): make
 *  it once per user action and send the same on every retry of that action. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID()
}
