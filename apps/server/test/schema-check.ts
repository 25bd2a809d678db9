/**
 * Checks a value against the subset of JSON Schema the contact export's
 * schema uses (type, const, enum, required, properties,
 * additionalProperties: false, items, format date-time). Returns the
 * problems, each with its path; an empty list means valid.
 */
export function schemaProblems(schema: Schema, value: unknown, path = '$'): string[] {
  const problems: string[] = [];
  if ('const' in schema && value !== schema.const)
    problems.push(`${path}: not ${String(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value))
    problems.push(`${path}: not one of the enum`);
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(t, value))) {
      return [...problems, `${path}: expected ${types.join('|')}`];
    }
  }
  if (schema.format === 'date-time' && typeof value === 'string') {
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) {
      problems.push(`${path}: not a date-time`);
    }
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) {
      if (!(key in value)) problems.push(`${path}: missing ${key}`);
    }
    for (const [key, child] of Object.entries(value)) {
      const sub = schema.properties?.[key];
      if (sub) problems.push(...schemaProblems(sub, child, `${path}.${key}`));
      else if (schema.additionalProperties === false && schema.properties) {
        problems.push(`${path}: unexpected ${key}`);
      }
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      problems.push(...schemaProblems(schema.items!, item, `${path}[${i}]`)),
    );
  }
  return problems;
}

export interface Schema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  items?: Schema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}
