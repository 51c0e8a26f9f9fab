/**
 * A key for comparing names as people write them: case, diacritics, NFC/NFD form,
 * punctuation and runs of spaces do not matter. "Xã  Liên Châu" and "XA LIEN CHAU" share a key.
 */
export function normalizeKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/&/g, ' va ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Text of a cell as a person reads it, composed (NFC) and with spaces folded. */
export function cleanText(text: string): string {
  // Most cells are short plain text already clean: skip the Unicode work for them.
  if (/^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(text)) return text;
  return text.normalize('NFC').replace(/[\s\u00a0\u2007\u202f]+/g, ' ').trim();
}

const ROMAN = /^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$/;

/** "I", "II.", "IV -" as written in the STT column of a section row. */
export function isRomanNumeral(text: string): boolean {
  const key = normalizeKey(text);
  return key.length > 0 && ROMAN.test(key);
}
