import { isIP } from 'node:net';

/**
 * What a column accepts, derived from its column type. Every write path (the ORM flush and raw SQL) checks
 * values against it before any SQL is sent, so a bad value is a typed error naming its field, never a
 * driver error or a value that changes the meaning of the SQL text.
 */
export type ValueKind =
  | 'uuid'
  | 'text'
  | 'integer'
  | 'smallint'
  | 'bigint'
  | 'numeric'
  | 'float'
  | 'boolean'
  | 'timestamp'
  | 'date'
  | 'json'
  | 'text[]'
  | 'uuid[]'
  | 'inet'
  | 'other';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INT_RANGE = { integer: 2 ** 31, smallint: 2 ** 15 } as const;

/** True for a string that is a UUID (any version). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** The kind of value a column type (as MikroORM reports it, e.g. `varchar(100)`, `numeric(10,3)`) takes. */
export function kindOfColumnType(columnType: string | undefined): ValueKind {
  const t = (columnType ?? '').toLowerCase().replace(/\(.*\)/, '');
  if (t === 'uuid') return 'uuid';
  if (t === 'uuid[]') return 'uuid[]';
  if (t === 'text[]' || t === 'varchar[]' || t === 'character varying[]') return 'text[]';
  if (t === 'text' || t === 'varchar' || t === 'character varying' || t === 'char' || t === 'citext') return 'text';
  if (t === 'int' || t === 'integer' || t === 'int4' || t === 'serial') return 'integer';
  if (t === 'smallint' || t === 'int2') return 'smallint';
  if (t === 'bigint' || t === 'int8' || t === 'bigserial') return 'bigint';
  if (t === 'numeric' || t === 'decimal') return 'numeric';
  if (t === 'real' || t === 'double precision' || t === 'float4' || t === 'float8' || t === 'double') return 'float';
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (t.startsWith('timestamp')) return 'timestamp';
  if (t === 'date') return 'date';
  if (t === 'json' || t === 'jsonb') return 'json';
  if (t === 'inet') return 'inet';
  // An enum type is schema-qualified ("executions.log_level"): its values are text (the enum check names them).
  if (t.includes('.')) return 'text';
  return 'other';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return 'an invalid Date';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string')
    return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`.replace(/\0/g, '\\0');
  return `a ${typeof value}`;
}

function textProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string (got ${describe(value)})`;
  if (value.includes('\0')) return 'must not contain a NUL byte (\\0)';
  return undefined;
}

function numberProblem(value: unknown, kind: ValueKind, precision?: number, scale?: number): string | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint' && kind === 'bigint') return undefined;
  else if (typeof value === 'string' && (kind === 'numeric' || kind === 'bigint') && NUMERIC_TEXT.test(value)) {
    n = Number(value);
  } else return `must be a number (got ${describe(value)})`;
  if (!Number.isFinite(n)) return `must be a finite number (got ${describe(n)})`;
  if (kind === 'integer' || kind === 'smallint' || kind === 'bigint') {
    if (!Number.isInteger(n)) return `must be a whole number (got ${n})`;
    const limit = kind === 'bigint' ? 2 ** 63 : INT_RANGE[kind];
    if (n < -limit || n >= limit) return `is out of range for a ${kind} column (got ${n})`;
  }
  if (kind === 'numeric' && precision !== undefined) {
    const digits = precision - (scale ?? 0);
    if (Math.abs(n) >= 10 ** digits) return `must have at most ${digits} digits before the decimal point (got ${n})`;
  }
  return undefined;
}

function dateProblem(value: unknown): string | undefined {
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'must be a valid date (got an invalid Date)' : undefined;
  if (typeof value !== 'string') return `must be a date (got ${describe(value)})`;
  const m = ISO_DATE.exec(value);
  if (!m) return `must be a date as YYYY-MM-DD (got ${describe(value)})`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) {
    return `is not a calendar date (got ${describe(value)})`;
  }
  return undefined;
}

function timestampProblem(value: unknown): string | undefined {
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'must be a valid date (got an invalid Date)' : undefined;
  if (typeof value === 'string') {
    if (value.includes('\0') || Number.isNaN(Date.parse(value)))
      return `must be a valid timestamp (got ${describe(value)})`;
    return undefined;
  }
  return `must be a Date (got ${describe(value)})`;
}

function inetProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be an IP address string (got ${describe(value)})`;
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `must be an IPv4 or IPv6 address (got ${describe(value)})`;
  if (prefix !== undefined) {
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
      return `has an invalid network prefix (got ${describe(value)})`;
    }
  }
  return undefined;
}

/**
 * The first problem of a JSON value: a circular reference, a NUL byte in a string or key, a non-finite
 * number, or a value JSON cannot hold (a function, a symbol, a bigint). The path says where (`$.a[2].b`).
 */
export function jsonProblem(value: unknown): string | undefined {
  const stack = new Set<object>();
  const walk = (v: unknown, path: string): string | undefined => {
    if (v === null || typeof v === 'boolean' || v === undefined) return undefined;
    if (typeof v === 'string') return v.includes('\0') ? `${path} contains a NUL byte (\\0)` : undefined;
    if (typeof v === 'number') return Number.isFinite(v) ? undefined : `${path} is not a finite number (${v})`;
    if (typeof v !== 'object') return `${path} is a ${typeof v}, which JSON cannot hold`;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? `${path} is an invalid Date` : undefined;
    if (stack.has(v)) return `${path} is a circular reference`;
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return undefined;
    stack.add(v);
    try {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const p = walk(v[i], `${path}[${i}]`);
          if (p) return p;
        }
        return undefined;
      }
      for (const [key, item] of Object.entries(v)) {
        if (key.includes('\0')) return `${path} has a key containing a NUL byte (\\0)`;
        const p = walk(item, `${path}.${key}`);
        if (p) return p;
      }
      return undefined;
    } finally {
      stack.delete(v);
    }
  };
  const problem = walk(value, '$');
  return problem === undefined ? undefined : `must be valid JSON: ${problem}`;
}

/** True for a JSON object (not an array, a string or another scalar). */
export function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * What is wrong with `value` for a column of `kind`, or undefined when it is acceptable. `null` and
 * `undefined` are not judged here (required-ness is the caller's rule).
 */
export function valueProblem(
  kind: ValueKind,
  value: unknown,
  options: { precision?: number; scale?: number } = {},
): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (kind) {
    case 'uuid':
      return isUuid(value) ? undefined : `must be a UUID (got ${describe(value)})`;
    case 'text':
      return textProblem(value);
    case 'integer':
    case 'smallint':
    case 'bigint':
    case 'numeric':
    case 'float':
      return numberProblem(value, kind, options.precision, options.scale);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false (got ${describe(value)})`;
    case 'timestamp':
      return timestampProblem(value);
    case 'date':
      return dateProblem(value);
    case 'json':
      return jsonProblem(value);
    case 'inet':
      return inetProblem(value);
    case 'text[]':
    case 'uuid[]': {
      if (!Array.isArray(value)) return `must be an array (got ${describe(value)})`;
      for (let i = 0; i < value.length; i++) {
        const p = valueProblem(kind === 'text[]' ? 'text' : 'uuid', value[i]);
        if (p) return `[${i}] ${p}`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The check for a JSON column that holds an object by contract (metadata, settings): a database CHECK on
 * `jsonb_typeof` and the same rule in the application. Pass it to `defineChecks`.
 */
export function jsonObjectCheck(property: string, column: string) {
  return {
    name: `${column}_is_object`,
    property,
    expression: `jsonb_typeof(${column}) = 'object'`,
    test: (value: unknown) => isJsonObject(value),
    message: 'must be a JSON object',
  };
}
