/**
 * Turns a schema's refusal into sentences a member can act on: the field
 * named in words ("privacy contact email", not `privacyContact.email`), and
 * zod's own wording ("Invalid input: expected string, received undefined")
 * replaced by what to do. Messages written beside a schema are kept, since
 * they already say what to do.
 */

/** The part of a zod issue this reads; zod 4's issue objects carry more. */
interface Issue {
  code?: string;
  path: PropertyKey[];
  message: string;
  origin?: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  format?: string;
  values?: unknown[];
  keys?: string[];
  issues?: Issue[];
}

/** One refused field: its machine name for a form, and the sentence to show. */
export interface InputProblem {
  /** The input path joined by dots (`privacyContact.email`), null for the whole input. */
  field: string | null;
  message: string;
}

/** Field names that read badly split at their capitals. */
const FIELD_WORDS: Record<string, string> = {
  waId: 'WhatsApp number',
  contactId: 'contact',
  requestId: 'request',
  conversationId: 'conversation',
  templateId: 'template',
  parameters: 'template variables',
};

/** zod's own messages begin so; a schema's written message never does. */
const ZOD_WORDING = /^(Invalid |Too small|Too big|Unrecognized key)/;

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no',
  array: 'a list',
  object: 'a set of fields',
  date: 'a date',
};

const isName = (part: PropertyKey): part is string =>
  typeof part === 'string' && /^[A-Za-z][A-Za-z0-9]*$/.test(part);

/** `privacyContact.email` → `privacy contact email`; list indexes and keys are left out. */
function wordsOf(path: PropertyKey[]): string {
  const words = path
    .filter(isName)
    .map((part) => FIELD_WORDS[part] ?? part.replace(/([a-z0-9])([A-Z])/g, '$1 $2'))
    .join(' ')
    .toLowerCase()
    .replace(/whatsapp/g, 'WhatsApp');
  return words || 'input';
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function sizeSentence(issue: Issue, field: string, bound: 'least' | 'most'): string {
  const size = Number(bound === 'least' ? issue.minimum : issue.maximum);
  if (issue.origin === 'string') {
    if (bound === 'least' && size <= 1) return `${field} cannot be empty`;
    return `${field} must be at ${bound} ${size} character${size === 1 ? '' : 's'}`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    return `${field} must have at ${bound} ${size} item${size === 1 ? '' : 's'}`;
  }
  return `${field} must be at ${bound} ${size}`;
}

/** zod's wording for an issue, rewritten as a sentence naming the field. */
function zodSentence(issue: Issue, field: string): string {
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined$/.test(issue.message)) return `${field} is required`;
      if (/received NaN$/.test(issue.message)) return `${field} is not valid`;
      return `${field} must be ${TYPE_WORDS[issue.expected ?? ''] ?? 'valid'}`;
    case 'too_small':
      return sizeSentence(issue, field, 'least');
    case 'too_big':
      return sizeSentence(issue, field, 'most');
    case 'invalid_format':
      if (issue.format === 'email') return `${field} must be an email address`;
      if (issue.format === 'url') return `${field} must be a web address`;
      return `${field} is not in the expected form`;
    case 'invalid_value':
      return `${field} must be one of: ${(issue.values ?? []).map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `Unknown field${(issue.keys ?? []).length === 1 ? '' : 's'}: ${(
        issue.keys ?? []
      ).join(', ')}`;
    default:
      return `${field} is not valid`;
  }
}

/** One issue as a sentence; a record key's refusal speaks of the key. */
function sentenceOf(issue: Issue): string {
  const field = capitalised(wordsOf(issue.path));
  if (issue.code === 'invalid_key') {
    const key = String(issue.path.at(-1) ?? '');
    const inner = issue.issues?.[0];
    const what =
      inner && !ZOD_WORDING.test(inner.message)
        ? inner.message
        : `Not a valid key for ${wordsOf(issue.path.slice(0, -1))}`;
    return `${what}: ${key}`;
  }
  if (ZOD_WORDING.test(issue.message)) return zodSentence(issue, field);

  // A written message that already names the field needs no label.
  const words = wordsOf(issue.path);
  const said = new Set(issue.message.toLowerCase().match(/\p{L}+/gu) ?? []);
  const named =
    words === 'input' || words.split(' ').every((word) => said.has(word.toLowerCase()));
  return named ? issue.message : `${field}: ${issue.message}`;
}

/** The refused fields of a zod failure, or undefined when `cause` is not one. */
export function inputProblemsOf(cause: unknown): InputProblem[] | undefined {
  const issues = (cause as { issues?: Issue[] } | null)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  return issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join('.') : null,
    message: sentenceOf(issue),
  }));
}
