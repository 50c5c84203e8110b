/**
 * Keys a YAML file sets that its schema does not know. zod drops them silently, so a typo
 * (`pollIntervalSecond`) would do nothing at all: each one is named at start-up with the
 * closest known key. A warning, not a refusal: older files with retired keys still load.
 */
import { z } from 'zod';

/** The object schema inside defaults, optionals and effects, if there is one. */
function objectOf(schema: z.ZodTypeAny): z.AnyZodObject | undefined {
  let s: z.ZodTypeAny = schema;
  for (;;) {
    if (s instanceof z.ZodObject) return s;
    if (s instanceof z.ZodDefault) s = s._def.innerType;
    else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodEffects) s = s.innerType();
    else return undefined;
  }
}

function arrayItemOf(schema: z.ZodTypeAny): z.ZodTypeAny | undefined {
  let s: z.ZodTypeAny = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s instanceof z.ZodDefault ? s._def.innerType : s.unwrap();
  return s instanceof z.ZodArray ? s.element : undefined;
}

export function unknownKeys(schema: z.ZodTypeAny, value: unknown, where = ''): string[] {
  const items = arrayItemOf(schema);
  if (items && Array.isArray(value)) return value.flatMap((v, i) => unknownKeys(items, v, `${where}[${i}]`));
  const obj = objectOf(schema);
  if (!obj || !value || typeof value !== 'object' || Array.isArray(value)) return [];
  const known = Object.keys(obj.shape);
  const out: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const at = where ? `${where}.${key}` : key;
    if (!known.includes(key)) {
      const near = closest(key, known);
      out.push(`unknown key "${at}" is ignored${near ? ` (did you mean "${where ? `${where}.` : ''}${near}"?)` : ` (known here: ${known.join(', ')})`}`);
    } else {
      out.push(...unknownKeys(obj.shape[key] as z.ZodTypeAny, v, at));
    }
  }
  return out;
}

/** The known key nearest to `key` (case-insensitive edit distance), if any is near enough. */
export function closest(key: string, known: string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
