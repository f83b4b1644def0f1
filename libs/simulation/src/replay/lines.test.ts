import { readLines } from './lines';

async function collect(chunks: Array<string | Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines(chunks)) out.push(`${line.number}:${line.text}`);
  return out;
}

describe(readLines.name, () => {
  it('splits across chunks and handles CRLF and a last line without newline', async () => {
    expect(await collect(['a;b\r', '\nc', 'd\n\nlast'])).toEqual(['1:a;b', '2:cd', '3:', '4:last']);
  });

  it('decodes UTF-8 split between chunks', async () => {
    const bytes = Buffer.from('temp °C\nok\n', 'utf8');
    const cut = bytes.indexOf(0xc2) + 1;

    expect(await collect([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(['1:temp °C', '2:ok']);
  });

  it('drops a trailing carriage return at the end of input', async () => {
    expect(await collect([Buffer.from('x\r')])).toEqual(['1:x']);
  });
});
