/** Text arrives as chunks: a file stream's Buffers, or strings in tests. */
export type TextChunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

export interface Line {
  /** 1-based line number in the source. */
  number: number;
  text: string;
}

/**
 * Splits a stream of text chunks into lines without holding more than one chunk and one partial line. UTF-8 is
 * decoded across chunk boundaries; `\r\n` and `\n` both end a line; a final line without a newline counts.
 */
export async function* readLines(chunks: TextChunks): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let number = 0;
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      number += 1;
      yield { number, text: pending.slice(start, end) };
      start = nl + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.length > 0) {
    number += 1;
    yield { number, text: pending.endsWith('\r') ? pending.slice(0, -1) : pending };
  }
}
