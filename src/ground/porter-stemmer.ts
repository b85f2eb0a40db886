/**
 * The Porter stemmer (Porter MF. An algorithm for suffix stripping. Program 1980;14(3):130-137,
 * doi:10.1108/eb046814), as in the original paper: five steps of suffix rules, each applied only when the
 * remaining stem has enough vowel-consonant sequences (the measure m). It conflates the derived forms that report
 * sentences and passages use for one concept ("compared" and "comparing", "examined" and "examination",
 * "enhanced", "enhancing" and "enhancement", "infiltration" and "infiltrate"). Tokens of two letters or fewer and
 * tokens with digits are returned unchanged.
 */

/** Whether w[i] is a consonant: not a, e, i, o, u, and not a y that follows a consonant. */
function isConsonant(w: string, i: number): boolean {
  const c = w[i];
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
  if (c === 'y') return i === 0 || !isConsonant(w, i - 1);
  return true;
}

/** The measure m of a stem written [C](VC){m}[V]: its number of vowel-consonant sequences. */
export function porterMeasure(w: string): number {
  let m = 0;
  let i = 0;
  while (i < w.length && isConsonant(w, i)) i++;
  while (i < w.length) {
    while (i < w.length && !isConsonant(w, i)) i++;
    if (i >= w.length) break;
    while (i < w.length && isConsonant(w, i)) i++;
    m++;
  }
  return m;
}

function containsVowel(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (!isConsonant(w, i)) return true;
  return false;
}

/** *d: ends with a double consonant. */
function endsDoubleConsonant(w: string): boolean {
  const n = w.length;
  return n >= 2 && w[n - 1] === w[n - 2] && isConsonant(w, n - 1);
}

/** *o: ends consonant-vowel-consonant, the last not w, x or y. */
function endsCvc(w: string): boolean {
  const n = w.length;
  if (n < 3 || !isConsonant(w, n - 1) || isConsonant(w, n - 2) || !isConsonant(w, n - 3)) return false;
  const last = w[n - 1];
  return last !== 'w' && last !== 'x' && last !== 'y';
}

type Rule = readonly [suffix: string, replacement: string];
const byLength = (rules: Rule[]): readonly Rule[] => rules.sort((a, b) => b[0].length - a[0].length);

const STEP2: readonly Rule[] = byLength([
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['abli', 'able'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'],
  ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'],
  ['iviti', 'ive'], ['biliti', 'ble'],
]);
const STEP3: readonly Rule[] = byLength([['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', '']]);
const STEP4: readonly string[] = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize'].sort(
  (a, b) => b.length - a.length,
);

/** Steps 2 and 3: the longest matching suffix is replaced when the stem before it has m > 0. */
function replaceLongest(w: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement] of rules) {
    if (!w.endsWith(suffix)) continue;
    const stem = w.slice(0, -suffix.length);
    return porterMeasure(stem) > 0 ? stem + replacement : w;
  }
  return w;
}

/** The Porter stem of a lower-case word. */
export function porterStem(word: string): string {
  if (word.length <= 2 || /[^a-z]/.test(word)) return word;
  let w = word;
  // Step 1a: plurals.
  if (w.endsWith('sses') || w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  // Step 1b: -eed, -ed, -ing.
  let tidy = false;
  if (w.endsWith('eed')) {
    if (porterMeasure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && containsVowel(w.slice(0, -2))) {
    w = w.slice(0, -2);
    tidy = true;
  } else if (w.endsWith('ing') && containsVowel(w.slice(0, -3))) {
    w = w.slice(0, -3);
    tidy = true;
  }
  if (tidy) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (endsDoubleConsonant(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
    else if (porterMeasure(w) === 1 && endsCvc(w)) w += 'e';
  }
  // Step 1c: y -> i after a vowel-bearing stem.
  if (w.endsWith('y') && containsVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  // Steps 2 and 3: double and single suffixes.
  w = replaceLongest(w, STEP2);
  w = replaceLongest(w, STEP3);
  // Step 4: suffixes dropped when m > 1 (-ion only after s or t).
  for (const suffix of STEP4) {
    if (!w.endsWith(suffix)) continue;
    const stem = w.slice(0, -suffix.length);
    if (porterMeasure(stem) > 1 && (suffix !== 'ion' || /[st]$/.test(stem))) w = stem;
    break;
  }
  // Step 5a: a final e.
  if (w.endsWith('e')) {
    const stem = w.slice(0, -1);
    const m = porterMeasure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) w = stem;
  }
  // Step 5b: -ll -> -l when m > 1.
  if (porterMeasure(w) > 1 && endsDoubleConsonant(w) && w.endsWith('l')) w = w.slice(0, -1);
  return w;
}
