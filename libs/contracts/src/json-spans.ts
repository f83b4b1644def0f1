/**
 * Where the elements of a JSON array sit in its source text, so that a rejected batch element can be dead-lettered
 * as the exact text it arrived as. Re-serialising the parsed value would change it: `1e400` parses to Infinity and
 * is written back as `null`, which a replay would then read as "not measured". Only called on the rare path where
 * an element was rejected, and only on text JSON.parse already accepted.
 */

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  return i;
}

/** The index just past the string starting at `i` (a `"`). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  return text.length;
}

/** The index just past the value starting at `i` (no leading whitespace). */
function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') j = skipString(text, j) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  // A number or a literal: up to the next delimiter.
  let j = i;
  while (
    j < text.length &&
    !WHITESPACE.has(text[j]!) &&
    text[j] !== ',' &&
    text[j] !== ']' &&
    text[j] !== '}'
  )
    j++;
  return j;
}

/** The source text of each element of the array starting at `i` (a `[`). */
function arrayElements(text: string, i: number): string[] {
  const out: string[] = [];
  let j = skipWhitespace(text, i + 1);
  if (text[j] === ']') return out;
  while (j < text.length) {
    const end = skipValue(text, j);
    out.push(text.slice(j, end));
    j = skipWhitespace(text, end);
    if (text[j] !== ',') break;
    j = skipWhitespace(text, j + 1);
  }
  return out;
}

/**
 * The source text of each element of a JSON array: the document itself when `key` is undefined, else the array
 * under that key of the top-level object (its last occurrence, as JSON.parse keeps). Undefined when the text is
 * not shaped so.
 */
export function arrayElementTexts(text: string, key?: string): string[] | undefined {
  let i = skipWhitespace(text, 0);
  if (key === undefined) return text[i] === '[' ? arrayElements(text, i) : undefined;
  if (text[i] !== '{') return undefined;
  let found: number | undefined;
  i = skipWhitespace(text, i + 1);
  while (i < text.length && text[i] === '"') {
    const keyEnd = skipString(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ':') return undefined;
    i = skipWhitespace(text, i + 1);
    if (name === key) found = i;
    i = skipWhitespace(text, skipValue(text, i));
    if (text[i] !== ',') break;
    i = skipWhitespace(text, i + 1);
  }
  return found !== undefined && text[found] === '[' ? arrayElements(text, found) : undefined;
}
