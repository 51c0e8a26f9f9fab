import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBooleanText } from '../../functions/domain/ingest/parseBoolean.ts';

const variants = (word: string) => fc.tuple(
  fc.constantFrom(word, word.toUpperCase(), word.normalize('NFD'), ` ${word}  `),
).map(([w]) => w);

describe('parseBooleanText', () => {
  it('reads yes/no the ways clerks write it', () => {
    for (const yes of ['x', 'X', 'Có', 'có', 'Đã triển khai', 'Đã', '1', '✓', 'yes']) expect(parseBooleanText(yes)).toBe(1);
    for (const no of ['Không', 'KHÔNG', 'Chưa', 'Chưa triển khai', '0', 'no']) expect(parseBooleanText(no)).toBe(0);
    for (const blank of ['', '  ', '-']) expect(parseBooleanText(blank)).toBe('blank');
    for (const bad of ['đang làm', '2', 'có lẽ']) expect(parseBooleanText(bad)).toBe('invalid');
  });

  it('ignores case, NFD form and surrounding spaces', () => {
    fc.assert(fc.property(fc.constantFrom('Có', 'Đã triển khai', 'x').chain(variants), (w) => { expect(parseBooleanText(w)).toBe(1); }));
    fc.assert(fc.property(fc.constantFrom('Không', 'Chưa', 'Chưa triển khai').chain(variants), (w) => { expect(parseBooleanText(w)).toBe(0); }));
  });
});
