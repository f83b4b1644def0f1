import { arrayElementTexts } from './json-spans';

describe(arrayElementTexts.name, () => {
  it('returns each element of a top-level array exactly as written', () => {
    const text = ' [ {"a": [1, {"b": "x]}"}]} , 1e400,"q\\"uote, ]" ,null, -0.50E+2 ,[] ,{}]\n';

    expect(arrayElementTexts(text)).toEqual([
      '{"a": [1, {"b": "x]}"}]}',
      '1e400',
      '"q\\"uote, ]"',
      'null',
      '-0.50E+2',
      '[]',
      '{}',
    ]);
    expect(arrayElementTexts('[]')).toEqual([]);
  });

  it("returns the elements of the array under a key of the top-level object, the key's last occurrence", () => {
    const text =
      '{"rows": [["x"]], "h": {"rows": [["nested"]]}, "s": "\\"rows\\": [9]", "\\u0072ows" : [ ["r-0", 1e400] , ["r-1",2]]}';

    expect(arrayElementTexts(text, 'rows')).toEqual(['["r-0", 1e400]', '["r-1",2]']);
  });

  it('returns undefined when the text is not so shaped', () => {
    expect(arrayElementTexts('{"a":1}')).toBeUndefined();
    expect(arrayElementTexts('[1]', 'rows')).toBeUndefined();
    expect(arrayElementTexts('{"rows": 3}', 'rows')).toBeUndefined();
    expect(arrayElementTexts('{"other": [1]}', 'rows')).toBeUndefined();
  });

  it('agrees with JSON.parse on every element of random documents', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 2 || r < 0.3) return Math.round((random() - 0.5) * 1e6) / 100;
      if (r < 0.5) return `s${'"\\]},['.charAt(Math.floor(random() * 7))}é`;
      if (r < 0.6) return null;
      if (r < 0.8) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 3) }, (_, i) => [`k${i}`, value(depth + 1)]),
      );
    };
    for (let n = 0; n < 200; n++) {
      const doc = Array.from({ length: 1 + Math.floor(random() * 6) }, () => value(0));
      const text = JSON.stringify(doc, null, n % 2 === 0 ? 0 : 2);

      expect(arrayElementTexts(text)!.map((t) => JSON.parse(t) as unknown)).toEqual(doc);
    }
  });
});
