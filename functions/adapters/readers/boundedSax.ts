import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { ingestError, RejectedFileError } from '../../domain/ingest/errors.ts';
import { LIMITS } from '../../domain/limits.ts';

export type SaxEvent =
  | { eventType: 'opentag'; value: SaxesTagPlain }
  | { eventType: 'text'; value: string }
  | { eventType: 'closetag'; value: SaxesTagPlain };

/** What the parser holds between events (saxes keeps these as plain fields). */
interface SaxesBuffers { text: string; name: string; attribList: unknown[]; tags: unknown[] }

/** The parser is fed this much text at a time, so what it holds is checked before it can grow far. */
const SLICE_CHARS = 64 * 1024;
/** Elements nested in a spreadsheet part: a cell is six deep; a thousand is not a workbook. */
const MAX_DEPTH = 1_000;
/** Attributes of one element: a cell has three, a style a dozen. */
const MAX_ATTRIBUTES = 1_000;

export const tooComplex = (detail: string, sheet = '') => new RejectedFileError(ingestError('FILE_TOO_COMPLEX', { sheet }, { detail }));

/**
 * The SAX events of one XML part, as exceljs's parse-sax gives them, with what the parser keeps
 * bounded as the bytes arrive: one text, name or attribute value at most `maxXmlNodeBytes`, a
 * thousand attributes, a thousand levels, and for a part read whole into objects (workbook,
 * relationships, styles) at most `maxTags` elements. Otherwise one 500 MB text node, or
 * millions of styles in a 4 MB file, are held whole before anything can count them. UTF-8 is
 * decoded as a stream: a character split between two chunks stays one character.
 */
export async function* boundedSax(chunks: AsyncIterable<Buffer | string>, part: string, limits = LIMITS, maxTags = Infinity): AsyncGenerator<SaxEvent[]> {
  const parser = new SaxesParser();
  const held = parser as unknown as SaxesBuffers;
  let error: Error | undefined;
  let events: SaxEvent[] = [];
  let tags = 0;
  parser.on('error', (e) => { error = e; });
  const tooLong = () => tooComplex(`${part}: > ${(limits.maxXmlNodeBytes / 1024 / 1024).toLocaleString('en', { maximumFractionDigits: 3 })} MB trong một nút XML / in one XML node`);
  parser.on('opentag', (value) => {
    if (++tags > maxTags) error ??= tooComplex(`${part}: > ${maxTags.toLocaleString('en')} thẻ XML / XML elements`);
    for (const v of Object.values(value.attributes)) if (typeof v === 'string' && v.length > limits.maxXmlNodeBytes) error ??= tooLong();
    events.push({ eventType: 'opentag', value: value as SaxesTagPlain });
  });
  // What the parser held is checked after each slice; one that ended within a slice, here.
  parser.on('text', (value) => {
    if (value.length > limits.maxXmlNodeBytes) error ??= tooLong();
    events.push({ eventType: 'text', value });
  });
  parser.on('closetag', (value) => events.push({ eventType: 'closetag', value: value as SaxesTagPlain }));
  const decoder = new TextDecoder('utf-8');
  const check = () => {
    if (error) throw error;
    const text = held.text?.length ?? 0;
    const name = held.name?.length ?? 0;
    // Characters, each at least one byte: bounding them bounds the bytes they came from.
    if (text > limits.maxXmlNodeBytes || name > limits.maxXmlNodeBytes) throw tooLong();
    if ((held.attribList?.length ?? 0) > MAX_ATTRIBUTES || (held.tags?.length ?? 0) > MAX_DEPTH) {
      throw tooComplex(`${part}: cấu trúc XML quá sâu hoặc quá nhiều thuộc tính / XML nested too deep or too many attributes`);
    }
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (let at = 0; at < text.length; at += SLICE_CHARS) {
      parser.write(text.slice(at, at + SLICE_CHARS));
      check();
    }
    yield events;
    events = [];
  }
  const rest = decoder.decode();
  if (rest) parser.write(rest);
  check();
  if (events.length) yield events;
}
