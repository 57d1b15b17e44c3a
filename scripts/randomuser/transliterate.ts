/**
 * ASCII folding for e-mail addresses, as the real API does it ("Barış Toraman" -> baris.toraman,
 * "سهیل علیزاده" -> shyl.aalyzdh). Persian letters follow what the real API emits: short vowels
 * are not written, so alef disappears, ain becomes "aa" and keheh "kh" (observed in its output).
 */

const LETTERS: Record<string, string> = {
  // Latin letters NFD does not decompose.
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  Æ: 'AE',
  ß: 'ss',
  ı: 'i',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'TH',
  ð: 'd',
  Ð: 'D',
  œ: 'oe',
  Œ: 'OE',
  // Persian / Arabic script.
  ا: '',
  آ: 'a',
  أ: '',
  إ: '',
  ء: '',
  ب: 'b',
  پ: 'p',
  ت: 't',
  ث: 'th',
  ج: 'j',
  چ: 'ch',
  ح: 'h',
  خ: 'kh',
  د: 'd',
  ذ: 'dh',
  ر: 'r',
  ز: 'z',
  ژ: 'zh',
  س: 's',
  ش: 'sh',
  ص: 's',
  ض: 'd',
  ط: 't',
  ظ: 'z',
  ع: 'aa',
  غ: 'gh',
  ف: 'f',
  ق: 'q',
  ک: 'kh',
  ك: 'k',
  گ: 'g',
  ل: 'l',
  م: 'm',
  ن: 'n',
  و: 'w',
  ه: 'h',
  ة: 'h',
  ی: 'y',
  ي: 'y',
  ئ: 'y',
  '\u200c': '',
};

const COMBINING_MARK = /\p{M}/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range starts at NUL
const NON_ASCII = /[^\x00-\x7f]/gu;

function foldChar(ch: string): string {
  return LETTERS[ch] ?? ch.normalize('NFD').replace(COMBINING_MARK, '');
}

export function transliterate(text: string): string {
  return text.replace(NON_ASCII, foldChar);
}

/** first.last@example.com with spaces dropped and lower-cased, like the real generator. */
export function emailFor(first: string, last: string): string {
  return `${transliterate(`${first}.${last}`).replace(/ /g, '').toLowerCase()}@example.com`;
}
