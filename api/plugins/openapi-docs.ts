import type { RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { SESSION_COOKIE } from '../auth/sessions';
import type { Access } from '../auth/types';

/** How a caller proves who it is; "Try it out" in /docs offers each. */
export const securitySchemes = {
  bearerAuth: { type: 'http', scheme: 'bearer', description: 'A session token: POST /api/auth/login with {"kind":"bearer"} returns it (scripts).' },
  sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The signed-in session of the web app (sent by the browser).' },
  csrfToken: { type: 'apiKey', in: 'header', name: 'x-csrf-token', description: 'With the session cookie on writes: the csrfToken of GET /api/auth/me.' },
  apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A partner key (lead capture, events) or a developer key (activity workers), made by an admin.' },
} as const;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The security requirement of a route from its declared access: [] is public; alternatives are ORed. */
export function securityOf(access: Access | undefined, method: string): Record<string, string[]>[] | undefined {
  if (!access) return undefined;
  if (access === 'public') return [];
  if (access === 'partner' || access === 'developer') return [{ apiKey: [] }];
  return [{ bearerAuth: [] }, UNSAFE.has(method) ? { sessionCookie: [], csrfToken: [] } : { sessionCookie: [] }];
}

function safeRegExp(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return null;
  }
}

type JsonSchema = {
  type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; items?: JsonSchema; enum?: unknown[]; const?: unknown;
  default?: unknown; examples?: unknown[]; example?: unknown; format?: string; minimum?: number; minLength?: number; anyOf?: JsonSchema[];
  oneOf?: JsonSchema[]; allOf?: JsonSchema[]; pattern?: string;
};

/** A plausible value for a field by its name, when its schema says no more than "string". */
function stringFor(name: string, s: JsonSchema): string {
  if (s.format === 'email' || /email/i.test(name)) return 'ana.weber@example.com';
  if (s.format === 'date-time' || /At$|Date$|Time$/.test(name)) return '2026-01-15T09:30:00.000Z';
  if (s.format === 'date') return '2026-01-15';
  if (s.format === 'uri' || s.format === 'url' || /url$/i.test(name)) return 'https://example.com/path';
  if (/phone/i.test(name)) return '+49 30 1234567';
  if (/timeZone/i.test(name)) return 'Europe/Berlin';
  if (/country/i.test(name)) return 'DE';
  if (/currency/i.test(name)) return 'EUR';
  if (/(^id$|Id$)/.test(name)) return `${name === 'id' ? 'item' : name.replace(/Id$/, '')}-1`;
  if (/name$/i.test(name)) return 'Ana Weber';
  const min = s.minLength ?? 1;
  const word = name ? name.replace(/([A-Z])/g, ' $1').toLowerCase().trim() : 'text';
  return word.length >= min ? word : word.padEnd(min, 'x');
}

/**
 * An example built from a JSON schema (its own examples, defaults, enums and field names), so every request body in
 * the document shows something to start "Try it out" from. Explicit `examples` on a schema always win.
 */
export function exampleOf(s: JsonSchema | undefined, name = '', depth = 0): unknown {
  if (!s || depth > 6) return null;
  if (s.examples?.length) return s.examples[0];
  if (s.example !== undefined) return s.example;
  if (s.const !== undefined) return s.const;
  if (s.default !== undefined) return s.default;
  if (s.enum?.length) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return exampleOf(alt.find((a) => a.type !== 'null') ?? alt[0], name, depth + 1);
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((a) => exampleOf(a, name, depth + 1) as object));
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, exampleOf(v, k, depth + 1)]));
  }
  if (type === 'array') return s.items ? [exampleOf(s.items, name.replace(/s$/, ''), depth + 1)] : [];
  if (type === 'integer' || type === 'number') return s.minimum !== undefined && s.minimum > 1 ? s.minimum : 1;
  if (type === 'boolean') return true;
  if (type === 'string') {
    const plain = stringFor(name, s);
    if (!s.pattern) return plain;
    const re = safeRegExp(s.pattern);
    const fits = (v: string) => !re || (re.test(v) && v.length >= (s.minLength ?? 0));
    return [plain, `${name || 'demo'}-0001`.toLowerCase(), 'demo-0001', 'demoValue', 'leadflow.demo', 'DEMO_1', 'A1'].find(fits) ?? plain;
  }
  return null;
}

/**
 * An example the route's own schema accepts where one can be found: every field first; else the required fields plus
 * each optional field that does not add a problem (so of two fields that exclude each other, the first is kept).
 * `problems` counts what the schema refuses (0: valid).
 */
function validExample(body: JsonSchema, problems: (v: unknown) => number): unknown {
  const full = exampleOf(body);
  const fullProblems = problems(full);
  if (fullProblems === 0 || !full || typeof full !== 'object' || Array.isArray(full)) return full;
  const required = new Set(body.required ?? []);
  const picked: Record<string, unknown> = Object.fromEntries(Object.entries(full).filter(([k]) => required.has(k)));
  let current = problems(picked);
  for (const [k, v] of Object.entries(full)) {
    if (required.has(k)) continue;
    const next = problems({ ...picked, [k]: v });
    if (next <= current) {
      picked[k] = v;
      current = next;
    }
  }
  return current < fullProblems ? picked : full;
}

/**
 * The swagger transform: zod schemas to JSON schema, then each route's security from its declared access and an
 * example for its body where the schema has none.
 */
export function documentRoute(arg: Parameters<typeof jsonSchemaTransform>[0] & { route?: RouteOptions }) {
  const out = jsonSchemaTransform(arg) as { schema: Record<string, unknown>; url: string };
  const route = arg.route;
  if (!route) return out;
  const method = (Array.isArray(route.method) ? route.method[0] : route.method) ?? 'GET';
  const security = securityOf(route.config?.access, String(method).toUpperCase());
  if (security && !out.schema.security) out.schema.security = security;
  const body = out.schema.body as JsonSchema | undefined;
  if (body && typeof body === 'object' && !body.examples?.length && body.example === undefined) {
    const zod = (arg.schema as { body?: { safeParse?: (v: unknown) => { success: boolean; error?: { issues: unknown[] } } } }).body;
    const problems = (v: unknown) => {
      const r = zod?.safeParse?.(v);
      return !r || r.success ? 0 : (r.error?.issues.length ?? 1);
    };
    out.schema.body = { ...body, examples: [validExample(body, problems)] };
  }
  return out;
}
